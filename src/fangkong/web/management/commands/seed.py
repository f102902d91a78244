import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from fangkong.errors import InputRefused
from fangkong.jurisdictions import services as jurisdictions
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.synthetic.seed import seed_city

# The real boundaries of the synthetic city's province-level city and its districts (see boundaries/README.md).
REAL_BOUNDARIES = Path(jurisdictions.__file__).parent / "boundaries" / "420100.geojson"


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
        self._real_boundaries()
        self.stdout.write(f"Seeded {population:,} persons under {root.name} ({root.code}) "
                          f"in {time.perf_counter() - started:.1f} s")

    def _real_boundaries(self):
        """The city and its districts get their real shapes; the invented townships, communities and grids keep
        none, so the maps draw them as a treemap, never as made-up areas. A small city has fewer districts."""
        collection = json.loads(REAL_BOUNDARIES.read_text(encoding="utf-8"))
        seeded = set(Jurisdiction.objects.filter(code__in=[f["properties"]["code"] for f in collection["features"]])
                     .values_list("code", flat=True))
        collection["features"] = [f for f in collection["features"] if f["properties"]["code"] in seeded]
        Jurisdiction.objects.exclude(code__in=seeded).update(boundary=None)
        jurisdictions.load_boundaries(json.dumps(collection))
