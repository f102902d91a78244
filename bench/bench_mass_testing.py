"""P5: a mass-testing day in a city — 10-in-1 tubes ingested from the sampling points, received, resulted,
positive pools deconvolved, coverage by grid.

    python bench/bench_mass_testing.py [--population 1000000] [--positive-share 0.001] [--batch 1000]

Makes a fresh PostgreSQL database `fk_bench_p5`: the synthetic city's tree (`synthetic.city`) and
`--population` persons written by COPY (valid-looking rows with unique keyed hashes, no names to
generate), one command user and one lab user at the city. Then, timed, through the product's services:

1. ingest: every person in a 10-in-1 tube, `population / 10` tubes, sent `--batch` tubes at a time per
   sampling point (`testing.services.ingest_tubes`: every tube checked first, COPY, an audit row per tube);
2. receive: the lab scans the tubes in, a rack of 10,000 at a time (`receive_tubes`);
3. results: one result per tube, `--positive-share` of them positive, 10,000 per batch, through
   `pathways.testing.record_results` (checks, COPY-backed update, an audit row per tube), which deconvolves:
   each positive pool's ten people put under temporary home isolation (orders, reading windows, an audit row
   each) and given a single-tube re-test due within the rules' hours;
4. coverage: sampled / due for every grid of the city.

Baseline in the same run: a raw COPY of the same rows (tubes, person-tube links, results) into bare tables
with no index, constraint or check. Prints each phase, the total, the ratio and the peak RSS.
"""

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def configure(database: str) -> None:
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.setdefault("FANGKONG_VAR_DIR", tempfile.mkdtemp())
    os.environ["DJANGO_SETTINGS_MODULE"] = "fangkong.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def write_city(population: int) -> list:
    """The tree and the persons, by COPY; returns the grids with their persons' ids."""
    from django.db import connection
    from django.utils import timezone

    from fangkong import bulk
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.people import crypto
    from fangkong.people.models import Person
    from fangkong.synthetic import city
    from fangkong.synthetic.seed import _write_units

    units, grids = city.build(population, random.Random(1))
    ids = _write_units(units)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    cipher = crypto.FieldCipher().encrypt("420102199003071232")
    plan, next_id = [], 1
    for grid in grids:
        plan.append((ids[grid.code], grid.path, range(next_id, next_id + grid.target_persons)))
        next_id += grid.target_persons
    with bulk.indexes_set_aside(Person, parallel=2):  # the city is the setting, not the measure
        bulk.write_rows(Person, ["id", "id_type", "nationality", "id_number_cipher", "id_number_hash", "phone_hash",
                                 "name", "name_pinyin", "name_initials", "sex", "birth_date", "grid_id",
                                 "jurisdiction_path", "created_at", "updated_at"], (
            (pid, "ric", "CHN", cipher, f"{pid:064x}", "", "居民", "jumin", "jm", "F", "1990-01-01", grid_id, path,
             now, now)
            for grid_id, path, people in plan for pid in people))
    bulk.reset_sequences(Person)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person")  # as autovacuum would, long before a testing day
    assert Jurisdiction.objects.filter(level=Level.GRID).count() == len(grids)
    return plan


def baseline(tubes: list[tuple[str, list[int]]], positives: set[str]) -> float:
    """The same rows COPY'd into bare tables: no index, no constraint, no check, no audit."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE raw_tube (id bigint, code text, pool int, sampled timestamptz)")
        cursor.execute("CREATE TEMP TABLE raw_link (tube bigint, person bigint)")
        cursor.execute("CREATE TEMP TABLE raw_result (code text, outcome text, ct numeric)")
        now = dt.datetime.now(dt.UTC)
        with cursor.cursor.copy("COPY raw_tube FROM STDIN") as copy:
            for n, (code, _people) in enumerate(tubes):
                copy.write_row((n, code, 10, now))
        with cursor.cursor.copy("COPY raw_link FROM STDIN") as copy:
            for n, (_code, people) in enumerate(tubes):
                for pid in people:
                    copy.write_row((n, pid))
        with cursor.cursor.copy("COPY raw_result FROM STDIN") as copy:
            for code, _people in tubes:
                copy.write_row((code, "positive", 30) if code in positives else (code, "negative", None))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--population", type=int, default=1_000_000)
    parser.add_argument("--positive-share", type=float, default=0.001)
    parser.add_argument("--batch", type=int, default=1000, help="tubes per batch a point sends")
    parser.add_argument("--database", default="fk_bench_p5", help="created afresh, dropped by --drop")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    configure(args.database)
    from django.utils import timezone

    from fangkong.accounts.models import Role
    from fangkong.accounts.services import create_user
    from fangkong.audit.models import Action, AuditEvent
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.pathways import testing as pathway
    from fangkong.quarantine.models import Order
    from fangkong.testing import campaigns, services
    from fangkong.testing.models import TestDue

    started = time.perf_counter()
    plan = write_city(args.population)
    print(f"city: {args.population:,} persons in {len(plan):,} grids written in {time.perf_counter() - started:.1f} s")
    city_node = Jurisdiction.objects.get(level=Level.CITY)
    command = create_user(username="bench-command", password="bench-password-1", role=Role.COMMAND,
                          jurisdiction_code=city_node.code)
    lab = create_user(username="bench-lab", password="bench-password-1", role=Role.LAB,
                      jurisdiction_code=city_node.code)
    campaign = campaigns.declare_campaign(command, name="全员核酸", area_code=city_node.code, rounds=1,
                                          starts_at=timezone.now() - dt.timedelta(minutes=1))
    communities = {j.path: j for j in Jurisdiction.objects.filter(level=Level.COMMUNITY)}
    points, tubes = {}, []
    for _grid_id, path, people in plan:
        community = next(c for p, c in communities.items() if path.startswith(p))
        if community.pk not in points:
            points[community.pk] = campaigns.add_point(command, campaign.pk, name=f"{community.name}采样点",
                                                       jurisdiction_code=community.code, population=2500)
        people = list(people)
        for start in range(0, len(people), 10):
            tubes.append((points[community.pk].pk, f"T{len(tubes):09d}", people[start:start + 10]))
    rng = random.Random(5)
    positives = {code for _point, code, _people in tubes if rng.random() < args.positive_share}
    links = sum(len(p) for _pt, _c, p in tubes)
    print(f"{len(tubes):,} tubes, {links:,} person-tube links, {len(positives):,} positive, {len(points):,} points")

    timings = {}
    t0 = time.perf_counter()
    by_point = {}
    for point_id, code, people in tubes:
        by_point.setdefault(point_id, []).append(campaigns.TubeEntry(code, people))
    for point_id, entries in by_point.items():
        for start in range(0, len(entries), args.batch):
            outcomes = campaigns.ingest_tubes(command, point_id, entries[start:start + args.batch])
            assert all(o.created for o in outcomes), [o.refused for o in outcomes if o.refused][:3]
    timings["ingest"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    codes = [code for _p, code, _people in tubes]
    for start in range(0, len(codes), 10_000):
        assert all(o.created for o in services.receive_tubes(lab, codes[start:start + 10_000]))
    timings["receive"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    for start in range(0, len(codes), 10_000):
        entries = [services.ResultInput(code, "positive", "30.5") if code in positives
                   else services.ResultInput(code, "negative") for code in codes[start:start + 10_000]]
        outcomes = pathway.record_results(lab, entries)
        assert all(o.created for o in outcomes), [o.refused for o in outcomes if o.refused][:3]
    timings["results + deconvolution"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    round_ = campaign.round_set.get()
    rows = campaigns.coverage(command, round_.pk)
    timings["coverage"] = time.perf_counter() - t0

    total = sum(timings.values())
    isolated = Order.objects.filter(status="active").count()
    retests = TestDue.objects.filter(purpose="retest").count()
    assert isolated == retests == sum(len(people) for _p, c, people in tubes if c in positives)
    assert sum(r.sampled for r in rows) == links == sum(r.due for r in rows)
    logged = AuditEvent.objects.filter(action=Action.SAMPLE_CHANGE).count()
    assert logged == 2 * len(tubes), logged  # each tube's ingestion and receipt
    assert AuditEvent.objects.filter(action=Action.TEST_RESULT).count() == len(tubes) + retests
    raw = baseline([(c, p) for _pt, c, p in tubes], positives)
    for name, seconds in timings.items():
        print(f"{name:>26}: {seconds:7.1f} s")
    print(f"{'whole day':>26}: {total:7.1f} s  ({isolated:,} isolated with a re-test due, {len(rows):,} grids)")
    print(f"{'baseline (raw COPY)':>26}: {raw:7.1f} s  -> ratio {total / raw:.1f}x")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"load average {Path('/proc/loadavg').read_text().split()[:3]}")
    if args.drop:
        from django.db import connection

        connection.close()
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", args.database], check=True)


if __name__ == "__main__":
    main()
