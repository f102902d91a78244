from django.core.management.base import BaseCommand, CommandError

from fangkong.accounts.services import create_token
from fangkong.errors import InputRefused


class Command(BaseCommand):
    help = "Manage API tokens: `token create --user NAME` prints a new Bearer token once."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--user", required=True)
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, action, user, name, **options):
        try:
            token = create_token(user, name)
        except InputRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(token)
