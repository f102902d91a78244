"""P-M18: vaccination coverage of a city, by grid and rolled up to the city (overall, 60+, 80+; first dose, fully
vaccinated, boosted; the gap to every target per grid).

    python bench/bench_coverage.py [--population 1000000] [--runs 20] [--baseline-runs 3] [--database NAME]

Seeds (once) the synthetic city and its doses (about 2.4 per person, as the immunisation system would hold them),
rebuilds the per-grid rows, then measures what the coverage page and API do: `coverage` (the city and its counties,
one grouped query over the grid rows) plus `grid_gaps` for every grid. The baseline, in the same run, computes the
same figures with per-grid ORM counts over the people and doses (two aggregate queries per grid: the people by band,
the doses by band and kind). Prints p50/p95 of both, their ratio, and checks the
two agree. Uses and keeps its own PostgreSQL database (default `fk_bench_registers_1m`).
"""

import argparse
import random
import time

from common import percentile, use_postgres


def timed(fn, runs: int, *, warm: bool = True) -> list[float]:
    if warm:
        fn()  # warm once, as a page open all day is
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def baseline(grids, day):
    """What one writes first: per grid, a count of its people by band, and of its doses by band and kind."""
    from django.db.models import Count, Q

    from fangkong.people.models import Person
    from fangkong.vaccination.models import PRIMARY_DOSES, Dose
    from fangkong.vaccination.services import _bands

    single = [p for p, n in PRIMARY_DOSES.items() if n == 1]
    kinds = {"first": Q(dose=1), "full": Q(dose=2) | Q(dose=1, product__in=single), "boosted": Q(dose=3)}
    people_bands, dose_bands = _bands(day), _bands(day, "person__")
    figures = {}
    for grid in grids:
        people = Person.objects.filter(grid=grid).aggregate(
            **{band: Count("id", filter=where) for band, where in people_bands.items()})
        doses = Dose.objects.filter(person__grid=grid).aggregate(
            **{f"{band}|{kind}": Count("id", filter=where & condition)
               for band, where in dose_bands.items() for kind, condition in kinds.items()})
        for band in people_bands:
            figures[(grid.code, band)] = (people[band], *(doses[f"{band}|{kind}"] for kind in kinds))
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--population", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--database", default="fk_bench_registers_1m")
    args = parser.parse_args()
    use_postgres(args.database)
    from django.utils import timezone

    from fangkong.accounts.models import Role, User
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.people.models import Person
    from fangkong.synthetic.seed import seed_city
    from fangkong.synthetic.vaccination import seed_doses
    from fangkong.vaccination import services
    from fangkong.vaccination.models import Dose, GridCoverage

    day = timezone.localdate()
    if not Person.objects.exists():
        started = time.perf_counter()
        seed_city(args.population, seed=1)
        print(f"seeded {args.population:,} persons in {time.perf_counter() - started:.0f} s")
    if not Dose.objects.exists():
        started = time.perf_counter()
        written = seed_doses(random.Random(4), day)
        print(f"seeded {written:,} doses and rebuilt the grid rows in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    services.refresh_coverage(day)
    print(f"refresh_coverage (the nightly rebuild): {time.perf_counter() - started:.1f} s")
    city = Jurisdiction.objects.get(level=Level.CITY)
    actor, _ = User.objects.get_or_create(username="bench-command", defaults={"role": Role.COMMAND,
                                                                             "jurisdiction": city.parent})
    grids = list(Jurisdiction.objects.filter(level=Level.GRID, path__startswith=city.path).order_by("code"))
    print(f"persons {Person.objects.count():,}, doses {Dose.objects.count():,}, grids {len(grids):,}, "
          f"grid rows {GridCoverage.objects.count():,}")

    def ours():
        total, children = services.coverage(actor, city.code)
        gaps = services.grid_gaps(actor, city.code, limit=len(grids))
        return total, children, gaps

    total, _children, gaps = ours()
    mine = timed(ours, args.runs)
    print(f"city by grid + rolled up: p50 {percentile(mine, 50):.0f} ms, p95 {percentile(mine, 95):.0f} ms "
          f"({args.runs} runs)")
    theirs = []
    for _ in range(args.baseline_runs):  # the first run is also the check: the baseline is seconds a run
        started = time.perf_counter()
        counted = baseline(grids, day)
        theirs.append((time.perf_counter() - started) * 1000)
    for group, bands in (("all", None), ("80+", ("80+",))):
        for index, measure in enumerate(("population", "first", "full", "boosted")):
            assert sum(v[index] for (_g, band), v in counted.items()
                       if bands is None or band in bands) == total.count(group, measure), (group, measure)
    assert len(gaps) == len({g for g, _b in counted})
    print("the grid rows equal the per-grid counts (overall and 80+, every measure)")
    print(f"baseline per-grid ORM counts: p50 {percentile(theirs, 50):.0f} ms, p95 {percentile(theirs, 95):.0f} ms "
          f"({args.baseline_runs} runs, no warm-up run)")
    print(f"ratio (baseline p95 / ours p95): {percentile(theirs, 95) / percentile(mine, 95):.0f}x")


if __name__ == "__main__":
    main()
