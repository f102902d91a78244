from django.core.management.base import BaseCommand

from fangkong.tasks.services import escalate_overdue


class Command(BaseCommand):
    help = ("Escalate every overdue open task to the level above its owner, once each; run from cron every few "
            "minutes (safe to run twice, or two at once).")

    def handle(self, *args, **options):
        self.stdout.write(f"{escalate_overdue()} task(s) escalated")
