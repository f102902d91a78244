from django.core.management.base import BaseCommand

from fangkong.workforce import services


class Command(BaseCommand):
    help = "Solve the rosters waiting for the solver (run on a schedule; each roster is claimed by one sweep)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None)
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args, limit=None, workers=None, **options):
        for roster in services.sweep_rosters(limit=limit, workers=workers):
            self.stdout.write(f"roster {roster.pk}: {roster.status} penalty {roster.penalty} bound {roster.bound}")
