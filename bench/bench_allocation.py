"""Allocation under scarcity (issue 14): the one-item rule over 10,000 requests in 5 tiers (target ≤ 100 ms), and
50 items with stand-ins and transport caps across 3,000 units with HiGHS (target ≤ 10 s), with its gap to the LP
bound.

    python bench/bench_allocation.py [--requests 10000] [--units 3000] [--items 50] [--runs 20] [--seed 7]

Baselines in the same run: for the rule, a unit-at-a-time water-filling (a heap: the next unit to the request of
the highest tier with the lowest fill rate), the way one writes it first; for the LP, the one-item rule item by
item (no stand-ins, transport ignored), which shows what the LP buys in tier 1's lowest fill rate.
No database: both are pure functions (src/fangkong/supplies/allocation.py).
"""

import argparse
import heapq
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from fangkong.supplies.allocation import Ask, ItemAsk, allocate, plan  # noqa: E402


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def water_filling(available, asks):
    """One unit at a time to the highest-tier request with the lowest fill rate (minimums ignored)."""
    got = [0] * len(asks)
    heap = [(a.tier, 0.0, a.unit, i) for i, a in enumerate(asks)]
    heapq.heapify(heap)
    while available and heap:
        tier, _rate, unit, i = heapq.heappop(heap)
        got[i] += 1
        available -= 1
        if got[i] < asks[i].need:
            heapq.heappush(heap, (tier, got[i] / asks[i].need, unit, i))
    return got


def bench_rule(args, rng):
    asks = []
    for i in range(args.requests):
        need = rng.randint(20, 2000)
        asks.append(Ask(f"U{i:05d}", rng.randint(1, 5), need, rng.randint(0, need // 5)))
    stock = sum(a.need for a in asks) * 55 // 100  # tiers 1–2 served, tier 3 cut, 4–5 nothing
    samples = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = allocate(stock, asks, reserve="0.1")
        samples.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    water_filling(result.available, asks)
    baseline = (time.perf_counter() - started) * 1000
    p50, p95 = statistics.median(samples), percentile(samples, 95)
    print(f"rule: {len(asks):,} requests in 5 tiers, {result.available:,} available; cut at {result.cut} "
          f"rate {float(result.rate):.4f}")
    print(f"rule: p50 {p50:.1f} ms, p95 {p95:.1f} ms (target ≤ 100 ms); baseline unit-at-a-time water-filling "
          f"{baseline:,.0f} ms: {baseline / p50:.0f}x")


def bench_lp(args, rng):
    items = [f"item{k:02d}" for k in range(args.items)]
    substitutes = {items[k]: [items[k + 25]] for k in range(0, 10)}  # 10 items have a stand-in (KN95 for masks …)
    asks = []
    for u in range(args.units):
        tier = 1 + (u * 5) // args.units  # the units' posts spread over the five tiers
        for item in rng.sample(items, 8):
            asks.append(ItemAsk(f"U{u:04d}", item, tier, rng.randint(10, 500)))
    need_by_item = {}
    for a in asks:
        need_by_item[a.item] = need_by_item.get(a.item, 0) + a.need
    stock = {item: int(need * rng.uniform(0.35, 0.9)) for item, need in need_by_item.items()}
    asked_by_unit = {}
    for a in asks:
        asked_by_unit[a.unit] = asked_by_unit.get(a.unit, 0) + a.need
    # what the trucks to each unit can carry: between 60 % and 120 % of what it asked for, all items together
    transport = {unit: int(asked * rng.uniform(0.6, 1.2)) for unit, asked in asked_by_unit.items()}
    started = time.perf_counter()
    result = plan(asks, stock, substitutes, transport)
    elapsed = time.perf_counter() - started
    print(f"lp: {args.items} items ({len(substitutes)} with stand-ins), {args.units:,} units, {len(asks):,} requests,"
          f" transport caps; {result.solves} HiGHS solves in {elapsed:.2f} s (target ≤ 10 s)")
    for tier in sorted(result.lp_rates):
        print(f"lp: tier {tier} lowest fill rate {result.rates[tier]:.4f} whole units, {result.lp_rates[tier]:.4f}"
              f" LP bound")
    print(f"lp: total {result.total:,} units vs LP {result.lp_total:,.1f}: gap {result.gap:.2e}")
    started = time.perf_counter()
    lowest_tier1 = 1.0
    for item in items:
        mine = [a for a in asks if a.item == item]
        shares = allocate(stock.get(item, 0), [Ask(a.unit, a.tier, a.need) for a in mine]).shares
        lowest_tier1 = min([lowest_tier1] + [s.fill_rate for s in shares if s.ask.tier == 1])
    baseline = time.perf_counter() - started
    print(f"lp baseline: the one-item rule item by item, no stand-ins, no transport caps: {baseline:.2f} s; "
          f"tier 1 lowest fill rate {lowest_tier1:.4f} (LP with stand-ins {result.rates[1]:.4f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=3_000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    bench_rule(args, random.Random(args.seed))
    bench_lp(args, random.Random(args.seed))


if __name__ == "__main__":
    main()
