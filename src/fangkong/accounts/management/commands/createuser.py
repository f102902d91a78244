import getpass

from django.core.management.base import BaseCommand, CommandError

from fangkong.accounts.models import Role
from fangkong.accounts.services import create_user
from fangkong.errors import InputRefused


class Command(BaseCommand):
    help = "Create a user with a role in one jurisdiction (they see its subtree)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--jurisdiction", required=True, help="jurisdiction code, e.g. 420102")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--password", help="omit to be asked (or set FANGKONG_NEW_PASSWORD)")

    def handle(self, *args, username, role, jurisdiction, full_name, password, **options):
        import os

        password = password or os.environ.get("FANGKONG_NEW_PASSWORD") or getpass.getpass("Password: ")
        try:
            user = create_user(username=username, password=password, role=role, jurisdiction_code=jurisdiction,
                               full_name=full_name)
        except InputRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"Created {user.username} ({role}) in {user.jurisdiction}")
