"""P2: the dashboard summary for the root (province), the city and one township at 1M people, 100k under observation.

    python bench/bench_dashboard.py [--population 1000000] [--observed 100000] [--runs 20]

Measures `dashboard.services.summary` (one grouped query per source table over the path prefix)
and, in the same run, the straightforward ORM aggregation: one `.count()` per child per figure.
Prints p50/p95 of each and their ratio. Uses (and keeps) the PostgreSQL database `fk_bench_1m`.
"""

import argparse
import time

from common import ensure_city, percentile, use_postgres


def timed(fn, runs: int) -> list[float]:
    fn()  # warm the cache once, as a dashboard that is open all day is
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def naive_summary(node, today, now):
    """What one writes first: a count per child and per figure, each its own query."""
    from fangkong.dashboard.services import _sources

    figures = {}
    for child in node.children.all():
        for queryset, conditions in _sources(today, now):
            for name, condition in conditions.items():
                figures[(child.code, name)] = queryset.filter(condition, owner_path__startswith=child.path).count()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--population", type=int, default=1_000_000)
    parser.add_argument("--observed", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database", default="fk_bench_1m")
    args = parser.parse_args()
    use_postgres(args.database)
    ensure_city(args.population, args.observed)
    from django.utils import timezone

    from fangkong.dashboard.services import summary
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.quarantine.services import sweep_missed_readings

    sweep_missed_readings()
    now, today = timezone.now(), timezone.localdate()
    root = Jurisdiction.objects.get(parent=None)
    city = Jurisdiction.objects.filter(level=Level.CITY).order_by("code").first()
    township = Jurisdiction.objects.filter(level=Level.TOWNSHIP).order_by("code").first()
    print(f"persons {args.population:,}, under observation {args.observed:,}, runs {args.runs}")
    for label, node in (("root", root), ("city", city), ("township", township)):
        ours = timed(lambda node=node: summary(node, today, now), args.runs)
        naive = timed(lambda node=node: naive_summary(node, today, now), max(3, args.runs // 4))
        print(f"{label:<9} {node.name} ({node.children.count()} children): "
              f"summary p50 {percentile(ours, 50):.0f} ms p95 {percentile(ours, 95):.0f} ms | "
              f"per-child ORM counts p50 {percentile(naive, 50):.0f} ms p95 {percentile(naive, 95):.0f} ms | "
              f"ratio {percentile(naive, 50) / percentile(ours, 50):.1f}x")


if __name__ == "__main__":
    main()
