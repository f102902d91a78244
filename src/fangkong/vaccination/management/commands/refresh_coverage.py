from django.core.management.base import BaseCommand

from fangkong.vaccination.services import refresh_coverage


class Command(BaseCommand):
    help = ("Rebuild the per-grid vaccination rows from the people and doses, ages as of today (people turn 60 and 80, "
            "move and register); run nightly, safe to run twice.")

    def handle(self, *args, **options):
        self.stdout.write(f"{refresh_coverage()} grid row(s) rebuilt")
