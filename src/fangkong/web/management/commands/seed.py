import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from fangkong.errors import InputRefused
from fangkong.synthetic.seed import seed_city


class Command(BaseCommand):
    help = "Generate a deterministic synthetic city (jurisdictions, households, people) in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--population", type=int, default=50_000, help="number of persons (default 50000)")
        parser.add_argument("--seed", type=int, default=2020, help="random seed; the same seed gives the same city")

    def handle(self, *args, population, seed, **options):
        started = time.perf_counter()
        with tqdm(total=population, unit=" persons", disable=options["verbosity"] < 1, file=self.stderr) as bar:
            def progress(written):
                bar.update(written - bar.n)

            try:
                root = seed_city(population, seed, progress)
            except InputRefused as refused:
                raise CommandError(str(refused)) from None
        self.stdout.write(f"Seeded {population:,} persons under {root.name} ({root.code}) "
                          f"in {time.perf_counter() - started:.1f} s")
