"""Shared set-up for the benchmarks: a PostgreSQL database holding a seeded city, made once and reused."""

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def use_postgres(database: str) -> str:
    url = f"postgres://postgres@127.0.0.1:5432/{database}"
    exists = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
                             f"SELECT 1 FROM pg_database WHERE datname = '{database}'"],
                            capture_output=True, text=True, check=True).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("FANGKONG_VAR_DIR", str(Path(tempfile.gettempdir()) / "fangkong-bench"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "fangkong.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def ensure_city(population: int, observed: int) -> None:
    """Seed `population` people and put `observed` of them under observation, unless already there."""
    from fangkong.people.models import Person
    from fangkong.quarantine.models import Order
    from fangkong.synthetic.outbreak import place_under_observation
    from fangkong.synthetic.seed import seed_city

    have = Person.objects.count()
    if have == 0:
        started = time.perf_counter()
        seed_city(population, seed=1)
        print(f"seeded {population:,} persons in {time.perf_counter() - started:.0f} s")
    elif have != population:
        raise SystemExit(f"the bench database holds {have:,} persons, not {population:,}; drop it or pass --population")
    active = Order.objects.filter(status="active").count()
    if active < observed:
        started = time.perf_counter()
        place_under_observation(observed - active, random.Random(2))
        print(f"placed {observed - active:,} persons under observation in {time.perf_counter() - started:.0f} s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]
