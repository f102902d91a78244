"""P2: the dashboard summary at the city, a district and a township, and the hall screen's full refresh.

    python bench/bench_dashboard.py [--database fk_bench_10m] [--population 10000000] [--observed 1000000]
                                    [--runs 20]

Seeds the city if the database is empty (`seed_city`, parallel) and stages the observation in SQL
(bench/common.stage_observation: every reading window of each order, a tenth of the past ones missed
with their alerts left open). Measures `dashboard.services.summary`, which reads the per-owner daily
roll-up, against the same-run baseline `summary_from_rows` (the summary query before the roll-up:
one UNION ALL of conditional counts per source table), checks both give the same figures, and
times the hall screen (`/dashboard/<city>/?screen=1`) rendered for a command-centre user.
Prints p50/p95 of each and their ratio.
"""

import argparse
import time

from common import ensure_seeded, percentile, stage_observation, use_postgres


def timed(fn, runs: int) -> list[float]:
    fn()  # warm the cache once, as a dashboard that is open all day is
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def line(label: str, samples: list[float]) -> str:
    return f"{label} p50 {percentile(samples, 50):.0f} ms p95 {percentile(samples, 95):.0f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--population", type=int, default=10_000_000)
    parser.add_argument("--observed", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database", default="fk_bench_10m")
    args = parser.parse_args()
    use_postgres(args.database)
    ensure_seeded(args.population)
    from django.test import Client
    from django.utils import timezone

    from fangkong.accounts.models import Role, User
    from fangkong.dashboard import rollup
    from fangkong.dashboard.services import summary, summary_from_rows
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.quarantine.models import Order

    if not Order.objects.exists():
        stage_observation(args.observed)
    now, today = timezone.now(), timezone.localdate()
    city = Jurisdiction.objects.get(level=Level.CITY)
    district = Jurisdiction.objects.filter(level=Level.COUNTY).order_by("code").first()
    township = Jurisdiction.objects.filter(level=Level.TOWNSHIP).order_by("code").first()
    print(f"persons {args.population:,}, under observation {Order.objects.filter(status='active').count():,}, "
          f"roll-up counters {rollup.TABLE} {len(rollup.stored()):,}, runs {args.runs}")
    for label, node in (("city", city), ("district", district), ("township", township)):
        kept, counted = summary(node, today, now), summary_from_rows(node, today, now)
        assert (kept.totals, kept.children) == (counted.totals, counted.children), label
        ours = timed(lambda node=node: summary(node, today, now), args.runs)
        baseline = timed(lambda node=node: summary_from_rows(node, today, now), max(3, args.runs // 4))
        print(f"{label:<9} {node.name} ({node.children.count()} children): {line('roll-up', ours)} | "
              f"{line('from the rows (baseline)', baseline)} | "
              f"ratio {percentile(baseline, 50) / percentile(ours, 50):.1f}x (p95 "
              f"{percentile(baseline, 95) / percentile(ours, 95):.1f}x)")
    chief, _ = User.objects.get_or_create(username="bench-chief", defaults={"role": Role.COMMAND,
                                                                           "jurisdiction": city})
    client = Client()
    client.force_login(chief)
    url = f"/dashboard/{city.code}/?screen=1"

    def refresh():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    print(line(f"hall screen {url} full refresh", timed(refresh, max(5, args.runs // 2))))


if __name__ == "__main__":
    main()
