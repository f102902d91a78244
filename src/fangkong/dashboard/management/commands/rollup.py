from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fangkong.dashboard import rollup


class Command(BaseCommand):
    help = ("Check the dashboard's roll-up against a recount of the rows (exit status 1 when they differ), "
            "drop counters fallen to zero (--prune), or recreate its triggers and refill it from the rows (--rebuild).")

    def add_arguments(self, parser):
        parser.add_argument("--prune", action="store_true", help="delete the counters that have fallen to zero")
        parser.add_argument("--rebuild", action="store_true", help="recreate the triggers, recount from the rows")

    def handle(self, *args, prune, rebuild, **options):
        if rebuild:
            with transaction.atomic():
                rollup.install()
            self.stdout.write("roll-up rebuilt from the rows")
        if prune:
            self.stdout.write(f"counters at zero dropped: {rollup.prune()}")
        differences = rollup.differences()
        for (owner, figure, day), (kept, counted) in sorted(differences.items())[:20]:
            self.stdout.write(f"{owner} {figure} {day}: kept {kept}, recounted {counted}")
        if differences:
            raise CommandError(f"the roll-up differs from the rows in {len(differences)} counters")
        self.stdout.write("the roll-up equals a recount of the rows")
