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
    from fangkong.quarantine.models import Order
    from fangkong.synthetic.outbreak import place_under_observation

    ensure_seeded(population)
    active = Order.objects.filter(status="active").count()
    if active < observed:
        started = time.perf_counter()
        place_under_observation(observed - active, random.Random(2))
        print(f"placed {observed - active:,} persons under observation in {time.perf_counter() - started:.0f} s")


def ensure_seeded(population: int) -> None:
    """Seed `population` people unless the database holds them already (seeded by `fangkong seed`, say)."""
    from fangkong.people.models import Person
    from fangkong.synthetic.seed import seed_city

    have = Person.objects.count()
    if have == 0:
        started = time.perf_counter()
        seed_city(population, seed=1)
        print(f"seeded {population:,} persons in {time.perf_counter() - started:.0f} s")
    elif have != population:
        raise SystemExit(f"the bench database holds {have:,} persons, not {population:,}; drop it or pass --population")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def stage_observation(observed: int, missed_share: float = 0.1, seed: int = 2) -> None:
    """Put `observed` people (every n-th, so spread over every grid) under home observation, started within
    the last 13 days, with every reading window of their orders, in SQL on the server: past windows read
    or, `missed_share` of them, missed with a missed-reading alert still open (a command centre that left
    the backlog unattended); today's closed windows likewise, the rest due. The tables' indexes and the
    roll-up's triggers are set aside for the load, then rebuilt and the roll-up recounted from the rows."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from fangkong import bulk
    from fangkong.cases import disease as diseases
    from fangkong.dashboard import rollup
    from fangkong.people.models import Person
    from fangkong.quarantine.models import Alert, Order, ReadingSlot

    disease, now = diseases.current(), timezone.now()
    today = timezone.localdate(now)
    windows = [(index, opens, closes) for offset in range(-14, disease.observation_days + 1)
               for index, opens, closes in diseases.windows_on(disease, today + dt.timedelta(days=offset))]
    people = Person.objects.count()
    step = max(1, people // observed)
    started = time.perf_counter()
    rollup.uninstall()
    with bulk.indexes_set_aside(Order, ReadingSlot, Alert, parallel=2), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [1 / (seed + 1)])
        cursor.execute("CREATE TEMPORARY TABLE bench_window (idx smallint, day date, opens timestamptz, "
                       "closes timestamptz)")
        cursor.executemany("INSERT INTO bench_window VALUES (%s, %s, %s, %s)",
                           [(i, timezone.localdate(o), o, c) for i, o, c in windows])
        cursor.execute(
            "INSERT INTO quarantine_order (person_id, kind, reason, starts_at, planned_end_at, status, owner_path, "
            "created_at) SELECT id, 'home', 'close_contact', s, s + make_interval(days => %s), 'active', "
            "jurisdiction_path, s FROM (SELECT id, jurisdiction_path, date_trunc('hour', %s::timestamptz "
            "- random() * interval '13 days') AS s FROM people_person WHERE id %% %s = 0 ORDER BY id LIMIT %s) p",
            [disease.observation_days, now, step, observed])
        cursor.execute(
            "INSERT INTO quarantine_readingslot (order_id, owner_path, day, index, opens_at, closes_at, status, claim) "
            "SELECT o.id, o.owner_path, w.day, w.idx, w.opens, w.closes, CASE WHEN w.closes > %s THEN 'due' "
            "WHEN random() < %s THEN 'missed' ELSE 'done' END, '' FROM quarantine_order o JOIN bench_window w "
            "ON w.opens >= o.starts_at AND w.opens < o.planned_end_at WHERE o.status = 'active'",
            [now, missed_share])
        cursor.execute(
            "INSERT INTO quarantine_alert (kind, order_id, person_id, slot_id, owner_path, raised_at, status, note) "
            "SELECT 'missed', s.order_id, o.person_id, s.id, s.owner_path, s.closes_at, 'open', '' "
            "FROM quarantine_readingslot s JOIN quarantine_order o ON o.id = s.order_id WHERE s.status = 'missed'")
    rollup.install()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE quarantine_order, quarantine_readingslot, quarantine_alert, dashboard_dailycount")
        cursor.execute("SELECT (SELECT count(*) FROM quarantine_order), (SELECT count(*) FROM quarantine_readingslot), "
                       "(SELECT count(*) FROM quarantine_alert), (SELECT count(*) FROM dashboard_dailycount)")
        orders, slots, alerts, counters = cursor.fetchone()
    print(f"staged {orders:,} orders, {slots:,} reading windows, {alerts:,} open missed-reading alerts "
          f"({counters:,} roll-up counters) in {time.perf_counter() - started:.0f} s")
