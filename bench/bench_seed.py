"""Seeding speed (P9): the bulk writer against one ORM save per row, in the same run.

    python bench/bench_seed.py --population 10000000 --database postgres [--workers N] [--baseline 2000]

Creates a fresh database (a temporary SQLite file, or the PostgreSQL database `--dbname`, default
`fk_bench_seed`, on 127.0.0.1), migrates it, seeds the synthetic city (on PostgreSQL: one writing process per core, the
person and household indexes rebuilt after the load), prints the time of each phase, the rate and the
peak memory of this process and of the largest writing process, then saves `--baseline` more persons
one `Model.save()` each (the straightforward way) and prints both rates and their ratio.
"""

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def configure(database: str, name: str) -> str:
    if database == "postgres":
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        url = f"postgres://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("FANGKONG_VAR_DIR", tempfile.mkdtemp())
    os.environ["DJANGO_SETTINGS_MODULE"] = "fangkong.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


class ServerClock:
    """The CPU seconds PostgreSQL's processes spend on one database: their /proc clocks, read every 0.2 s
    (a process that ends between two reads loses its last 0.2 s)."""

    def __init__(self, database: str):
        import psycopg

        self.connection = psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}", autocommit=True)
        self.seconds: dict[int, float] = {}
        self.running = True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while self.running:
            pids = [pid for (pid,) in self.connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                self.seconds[pid] = (int(fields[11]) + int(fields[12])) / tick
            time.sleep(0.2)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        self.connection.close()
        return sum(self.seconds.values())


def per_row_baseline(count: int) -> float:
    from django.utils import timezone

    from fangkong.jurisdictions.models import Household, Jurisdiction, Level
    from fangkong.people import crypto
    from fangkong.people.models import Person
    from fangkong.synthetic.population import PopulationGenerator

    grid = Jurisdiction.objects.filter(level=Level.GRID).first()
    generator = PopulationGenerator(random.Random(99))
    started = time.perf_counter()
    made = 0
    while made < count:
        home = generator.household(f"B{made:018d}", "江岸区", "基准社区", count - made)
        household = Household.objects.create(code=home.code, grid=grid, address=home.address)
        for p in home.members:
            Person.objects.create(
                id_type="ric", id_number_cipher=crypto.encrypt(p.resident_id),
                # a baseline-only prefix keeps its hashes apart from the seeded city's
                id_number_hash=crypto.lookup_hash("bench", p.resident_id),
                phone_cipher=crypto.encrypt(p.phone) if p.phone else None,
                phone_hash=crypto.lookup_hash("phone", p.phone) if p.phone else "",
                name=p.name, name_pinyin=p.pinyin, name_initials=p.initials, sex=p.sex, birth_date=p.birth_date,
                grid=grid, household=household, jurisdiction_path=grid.path, created_at=timezone.now(),
            )
            made += 1
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--population", type=int, default=20_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--baseline", type=int, default=2_000, help="persons saved one by one for the baseline")
    parser.add_argument("--workers", type=int, default=None, help="writing processes (default: one per core)")
    parser.add_argument("--dbname", default="fk_bench_seed", help="the PostgreSQL database (dropped and created)")
    args = parser.parse_args()
    configure(args.database, args.dbname)
    from fangkong import bulk
    from fangkong.synthetic import seed

    phases = {}

    def timed(name, fn):
        def run(*a, **k):
            started = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                phases[name] = phases.get(name, 0) + time.perf_counter() - started
        return run

    seed.Census = timed("draw the people (numpy)", seed.Census)
    bulk._run_all = timed("rebuild the indexes", bulk._run_all)
    seed._write_in_processes = timed("format, encrypt, COPY (processes)", seed._write_in_processes)
    server = ServerClock(args.dbname) if args.database == "postgres" else None
    load_before = " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    migrated = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    seed.seed_city(args.population, seed=1, workers=args.workers)
    bulk_seconds = time.perf_counter() - started
    print(f"  load average before {load_before}, after {' / '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    own, writers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {"this process": own.ru_utime + own.ru_stime - migrated.ru_utime - migrated.ru_stime,
           "writing processes": writers.ru_utime + writers.ru_stime}
    if server:
        cpu["PostgreSQL"] = server.stop()
    print("  CPU seconds: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items())
          + f"; total {sum(cpu.values()):.1f} = {sum(cpu.values()) / (os.cpu_count() or 1):.1f} s on "
          f"{os.cpu_count()} cores if nothing else ran")
    for name, seconds in phases.items():
        print(f"  {name:<36} {seconds:7.1f} s")
    print(f"  peak RSS: this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
          f"largest writing process {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")
    baseline_seconds = per_row_baseline(args.baseline)
    bulk_rate = args.population / bulk_seconds
    row_rate = args.baseline / baseline_seconds
    print(f"database          {args.database}")
    print(f"bulk seed         {args.population:,} persons in {bulk_seconds:.1f} s = {bulk_rate:,.0f} persons/s")
    print(f"one save per row  {args.baseline:,} persons in {baseline_seconds:.1f} s = {row_rate:,.0f} persons/s")
    print(f"ratio             bulk is {bulk_rate / row_rate:.1f}x the per-row ORM rate")
    print(f"extrapolated      1M: {1e6 / bulk_rate / 60:.1f} min, 10M: {1e7 / bulk_rate / 60:.1f} min")


if __name__ == "__main__":
    main()
