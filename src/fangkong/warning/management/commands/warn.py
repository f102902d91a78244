import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fangkong.warning.services import run_warning


class Command(BaseCommand):
    help = "Compute the day's warning signals and fire the rules (once per crossing); run daily, safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD, default today")

    def handle(self, *args, date=None, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date: {date!r} is not a date like 2026-11-24") from None
        fired = run_warning(day)
        for firing in fired:
            self.stdout.write(f"{firing.jurisdiction.name} ({firing.jurisdiction.code}): {firing.rule.name} "
                              f"= {firing.value:g}")
        self.stdout.write(f"{day}: {len(fired)} rule(s) fired")
