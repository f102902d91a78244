"""Rostering: the Curtois & Qu instances to their best-known penalties, and P8 (a city's workforce).

    python bench/bench_roster.py benchmark [--seconds 60] [--workers 2] [--seeds 0 1 2]
    python bench/bench_roster.py p8 [--staff 2000] [--unit 50] [--days 28] [--seconds 60 600] [--workers 2]

benchmark: instances 1, 2 and 4 (src/fangkong/workforce/tests/data) solved by the product's model, once per seed;
the time at which the best-known penalty is reached, on the clock and in CPU seconds of the process (all solver
threads: on a shared machine the CPU a run got says more than the clock), the roster recounted by the separate
evaluator, beside the published 10-minute results of Gurobi and the IP/VNS hybrid (data/README.md).

P8: `--staff` people in wards of `--unit`, `--days` days from a Monday, three 8-hour shifts (D 08-16, E 16-24,
N 00-08), the makeshift hospital's rest rules from settings.WORKFORCE_REST_RULES (14 h between shifts, 5 days in a
row, 2 days off together, 40 h in any 7 days), 5 % of the staff in health monitoring for their first days after a
red-zone rotation, 10 % joining in the second or third week, two or three requests each, a minimum and a
preferred cover per shift (fewer on weekends). Solved ward by ward (rostering.solver.solve_units) within
each of the `--seconds` limits in turn (the same city each time: `--seconds 60 600` prints the figures after 60 s
and after 600 s in one run); the reference is CP-SAT's own: the penalty against the sum of the wards' lower
bounds (the wards share no one, so the sum bounds the city).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")

from django.conf import settings  # noqa: E402

from fangkong.workforce.rostering import instance  # noqa: E402
from fangkong.workforce.rostering.evaluate import evaluate  # noqa: E402
from fangkong.workforce.rostering.problem import Cover, Problem, Request, Shift, Staff, too_little_rest  # noqa: E402
from fangkong.workforce.rostering.solver import solve, solve_units  # noqa: E402

DATA = ROOT / "src/fangkong/workforce/tests/data"
PUBLISHED = {1: (607, 607, 607), 2: (828, 828, 828), 4: (1716, 1716, 1716)}  # best known, IP/VNS, Gurobi (10 min)
SHIFTS = [Shift("D", 480, 8 * 60), Shift("E", 480, 16 * 60), Shift("N", 480, 0)]
# per ward of 50: (minimum, preferred) on weekdays; weekends need a quarter fewer
COVER = {"D": (8, 12), "E": (6, 9), "N": (4, 6)}


def benchmark(args) -> None:
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| instance | seed | best known | penalty | bound | time to best known (wall / CPU) | evaluator "
          "| IP/VNS 10 min | Gurobi 10 min |")
    print("|---|---|---|---|---|---|---|---|---|")
    for number, (best, vns, gurobi) in PUBLISHED.items():
        problem = instance.read(DATA / f"Instance{number}.txt")
        for seed in args.seeds:
            cpu = time.process_time()
            reached = []

            def progress(seconds, penalty, bound, best=best, cpu=cpu, reached=reached):
                if penalty <= best and not reached:
                    reached.append((seconds, time.process_time() - cpu))

            # on past the best known unless --stop-at-best: the bound
            result = solve(problem, seconds=args.seconds, workers=args.workers, seed=seed, on_progress=progress,
                           target=best if args.stop_at_best else None)
            check = evaluate(problem, result.roster)
            when = f"{reached[0][0]:.1f} s / {reached[0][1]:.1f} s" if reached else f"not in {args.seconds:g} s"
            print(f"| {number} | {seed} | {best} | {result.penalty} | {result.bound} | {when} | {check.penalty}, "
                  f"{len(check.breaches)} broken | {vns} | {gurobi} |  "
                  f"(CPU of the run {time.process_time() - cpu:.0f} s, load {os.getloadavg()[0]:.1f})", flush=True)


def ward(number: int, size: int, days: int, rules: dict, rng: random.Random) -> Problem:
    staff, days_off, on, off = [], {}, [], []
    for i in range(size):
        key = f"w{number}-{i}"
        staff.append(Staff(key, {}, max_minutes=days * 1440, min_minutes=0,
                           max_consecutive=rules["max_consecutive_days"], min_consecutive=1,
                           min_days_off=rules["min_days_off"], max_weekends=days,
                           max_minutes_per_week=rules["max_minutes_per_week"]))
        blocked = {}
        draw = rng.random()
        if draw < 0.05:
            blocked = dict.fromkeys(range(rng.randint(1, rules["monitoring_days"])), "health_monitoring")
        elif draw < 0.15:
            blocked = dict.fromkeys(range(rng.randint(7, 14)), "not_deployed")
        if blocked:
            days_off[key] = blocked
        for _ in range(rng.randint(2, 3)):
            day, shift, weight = rng.randrange(days), rng.choice(SHIFTS).id, rng.randint(1, 3)
            (on if rng.random() < 0.4 else off).append(Request(key, day, shift, weight))
    scale = size / 50
    cover = []
    for d in range(days):
        weekend = d % 7 >= 5
        for shift, (minimum, preferred) in COVER.items():
            factor = scale * (0.75 if weekend else 1)
            cover.append(Cover(d, shift, round(preferred * factor), settings.ROSTER_UNDER_WEIGHT,
                               settings.ROSTER_OVER_WEIGHT, round(minimum * factor)))
    return Problem(days, SHIFTS, staff, forbidden=too_little_rest(SHIFTS, rules["min_rest_minutes"]),
                   days_off=days_off, on_requests=on, off_requests=off, cover=cover)


def p8(args) -> None:
    rules = settings.WORKFORCE_REST_RULES["makeshift"]
    rng = random.Random(8)
    wards = [ward(n, args.unit, args.days, rules, rng) for n in range(args.staff // args.unit)]
    for limit in args.seconds:
        started = time.monotonic()
        cpu = time.process_time()
        results = solve_units(wards, seconds=limit, workers=args.workers)
        wall, used = time.monotonic() - started, time.process_time() - cpu
        rostered = [(p, r) for p, r in zip(wards, results) if r.status in ("optimal", "feasible")]
        checks = [evaluate(p, r.roster) for p, r in rostered]
        penalty, broken = sum(c.penalty for c in checks), sum(len(c.breaches) for c in checks)
        bounds = [r.bound for _, r in rostered]
        bound = sum(bounds) if None not in bounds and bounds else None
        statuses = {s: sum(1 for r in results if r.status == s) for s in ("optimal", "feasible", "infeasible",
                                                                           "unknown")}
        print(f"P8 by ward: {args.staff} staff in {len(wards)} wards x {args.days} days, limit {limit:g} s: "
              f"wall {wall:.1f} s, CPU {used:.1f} s, load {os.getloadavg()[0]:.1f}; wards {statuses}; penalty of the "
              f"{len(rostered)} wards rostered {penalty} (evaluator; {broken} hard rules broken), sum of their lower "
              f"bounds {bound}" + (f", gap {100 * (penalty - bound) / max(penalty, 1):.1f} %" if bound is not None
                                   else ""), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("benchmark")
    one.add_argument("--seconds", type=float, default=60)
    one.add_argument("--workers", type=int, default=2)
    one.add_argument("--seeds", type=int, nargs="+", default=[0])
    one.add_argument("--stop-at-best", action="store_true", help="stop each run at the best-known penalty")
    city = commands.add_parser("p8")
    city.add_argument("--staff", type=int, default=2000)
    city.add_argument("--unit", type=int, default=50)
    city.add_argument("--days", type=int, default=28)
    city.add_argument("--seconds", type=float, nargs="+", default=[60], help="one run per limit, e.g. 60 600")
    city.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    (benchmark if args.command == "benchmark" else p8)(args)


if __name__ == "__main__":
    main()
