import time

from django.core.management.base import BaseCommand

from fangkong.quarantine.services import sweep_missed_readings


class Command(BaseCommand):
    help = ("Raise a missed-reading alert for every closed reading window without a reading. Run it on a schedule "
            "(e.g. every 5 minutes from cron or a systemd timer); two runs at once never raise an alert twice.")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="keep running, sweeping every N seconds")

    def handle(self, *args, every, **options):
        while True:
            raised = sweep_missed_readings()
            self.stdout.write(f"missed-reading alerts raised: {raised}")
            if not every:
                return
            time.sleep(every)
