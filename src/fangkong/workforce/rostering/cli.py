"""`fangkong roster solve INSTANCE.txt [--seconds 60] [--workers 2] --out ROSTER.csv`: a benchmark instance
solved by the product's model, without settings or a database.

Prints the penalty found (recounted by the separate evaluator), the lower bound and the time to the best roster;
writes `employee,day,shift`, one row per assignment, day 0-based. Bad input: exit 2 naming the line and field;
no roster: exit 1 naming the rules that leave none.
"""

from __future__ import annotations

import argparse
import csv
import sys

from . import instance
from .evaluate import evaluate
from .solver import solve


def write_roster(path, roster) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["employee", "day", "shift"])
        for (employee, day), shift in sorted(roster.items(), key=lambda item: (item[0][0], item[0][1])):
            out.writerow([employee, day, shift])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fangkong roster")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("solve", help="solve a Curtois & Qu instance")
    run.add_argument("instance")
    run.add_argument("--seconds", type=float, default=60.0)
    run.add_argument("--workers", type=int, default=2)
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.workers < 1:
        parser.error("--seconds must be above 0 and --workers at least 1")
    try:
        problem = instance.read(args.instance)
    except OSError as e:
        print(f"{args.instance}: {e.strerror}", file=sys.stderr)
        return 2
    except instance.InstanceError as e:
        print(f"{args.instance}: {e}", file=sys.stderr)
        return 2

    def progress(seconds, penalty, bound):
        print(f"{seconds:8.2f} s  penalty {penalty}  bound {bound}", file=sys.stderr, flush=True)

    result = solve(problem, seconds=args.seconds, workers=args.workers, seed=args.seed, on_progress=progress)
    if result.status == "infeasible":
        rules = "; ".join(f"{rule} ({subject})" for rule, subject in result.conflict) or "not found in time"
        print(f"infeasible: no roster keeps these rules together: {rules}", file=sys.stderr)
        return 1
    if result.status == "unknown":
        print(f"no roster found within {args.seconds:g} s", file=sys.stderr)
        return 1
    check = evaluate(problem, result.roster)
    write_roster(args.out, result.roster)
    best = next((t for t, p, _ in result.progress if p == result.penalty), result.seconds)
    print(f"penalty {result.penalty}  lower bound {result.bound}  {result.status}  "
          f"best found at {best:.2f} s  total {result.seconds:.2f} s")
    print(f"evaluator: penalty {check.penalty}  hard rules broken {len(check.breaches)}  "
          + "  ".join(f"{k} {v}" for k, v in check.by_kind.items()))
    if check.penalty != result.penalty or check.breaches:
        print("evaluator disagrees with the solver", file=sys.stderr)
        return 3
    return 0
