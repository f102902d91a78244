"""The bed census and 床等人 (issue 14 §1): free beds by tier against patients waiting, overdue waits, for every place
of the tree rolled up to the top, over 3,000 facilities and 300,000 beds (target p95 ≤ 100 ms).

    python bench/bench_beds.py [--facilities 3000] [--beds 300000] [--waiting 3000] [--runs 30]

Baseline in the same run: one ORM count per facility (free, occupied), the way one writes it first.
PostgreSQL database `fk_bench_beds` (made once, reused; drop it to start again).
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import percentile, use_postgres  # noqa: E402


def build(args) -> None:
    from django.utils import timezone

    from fangkong.care.models import Admission, Bed, Facility, Ward
    from fangkong.cases.disease import current
    from fangkong.cases.models import Case
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.people.models import Person
    from fangkong.synthetic.seed import seed_city

    if Bed.objects.count() == args.beds:
        return
    rng, started = random.Random(5), time.perf_counter()
    if not Person.objects.exists():
        seed_city(max(args.waiting * 2, 10_000), seed=1)
    towns = list(Jurisdiction.objects.filter(level=Level.TOWNSHIP).order_by("path"))
    facilities = Facility.objects.bulk_create(
        Facility(code=f"B{i:05d}", name=f"设施{i}", kind=kind, tier=kind, jurisdiction=town, owner_path=town.path,
                 state="open")
        for i in range(args.facilities)
        for town in [towns[i % len(towns)]] for kind in [("makeshift", "designated")[i % 3 == 0]])
    wards = Ward.objects.bulk_create(Ward(facility=f, name="一病区") for f in facilities)
    per, states = args.beds // args.facilities, ["U"] * 5 + ["O"] * 4 + ["H", "C", "K", "I"]
    Bed.objects.bulk_create((Bed(ward=w, facility=f, code=str(n), tier=f.tier, owner_path=f.owner_path,
                                 state=rng.choice(states)) for f, w in zip(facilities, wards, strict=True)
                             for n in range(per)), batch_size=10_000)
    disease, now = current(), timezone.now()
    people = list(Person.objects.order_by("id")[:args.waiting])
    cases = Case.objects.bulk_create(Case(person=p, disease=disease, classification="confirmed", placement="admitted",
                                          facility_kind=rng.choice(["makeshift", "designated"]),
                                          owner_path=p.jurisdiction_path, detected_at=now) for p in people)
    Admission.objects.bulk_create(Admission(case=c, person_id=c.person_id, tier=c.facility_kind,
                                            waiting_since=now - dt.timedelta(hours=rng.randint(0, 48)),
                                            owner_path=c.owner_path) for c in cases)
    print(f"built {len(facilities):,} facilities, {Bed.objects.count():,} beds, {len(cases):,} waiting "
          f"in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=3000)
    parser.add_argument("--beds", type=int, default=300_000)
    parser.add_argument("--waiting", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    use_postgres("fk_bench_beds")
    build(args)
    from django.db import connection

    from fangkong.accounts.models import Role, User
    from fangkong.care import services
    from fangkong.jurisdictions.models import Jurisdiction

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE care_bed")  # the visibility map: an index-only scan
        cursor.execute("VACUUM ANALYZE care_admission")
    root = Jurisdiction.objects.filter(parent=None).order_by("path").first()
    chief, _ = User.objects.get_or_create(username="bench-beds", defaults={"role": Role.COMMAND, "jurisdiction": root})
    samples = []
    for _ in range(args.runs):
        started = time.perf_counter()
        places = services.census(chief)
        samples.append((time.perf_counter() - started) * 1000)
    top = places[root.path]
    started = time.perf_counter()
    naive = services.census_baseline(chief)
    baseline = (time.perf_counter() - started) * 1000
    assert sum(v["free"] for v in naive.values()) == top.free("makeshift") + top.free("designated")
    print(f"census + 床等人 for {len(places):,} places, {len(naive):,} facilities, "
          f"{sum(top.total(t) for t in ('makeshift', 'designated')):,} beds, "
          f"{sum(top.waiting.values()):,} waiting ({sum(top.overdue.values()):,} overdue): "
          f"p50 {statistics.median(samples):.1f} ms, p95 {percentile(samples, 95):.1f} ms (target ≤ 100 ms); "
          f"baseline, one ORM count per facility: {baseline:.0f} ms")
    for tier in ("makeshift", "designated"):
        print(f"  {tier}: free {top.free(tier):,}, in service {top.in_service(tier):,}, "
              f"waiting {top.waiting[tier]:,}, overdue {top.overdue[tier]:,}, gap {top.gap(tier):,}")


if __name__ == "__main__":
    main()
