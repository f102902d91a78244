"""`fangkong exposure match`: the venue scans matched against the cases' exposure windows, on files only.

    fangkong exposure match --scans SCANS --visits VISITS.parquet --out MATCHES.parquet
        [--engine duckdb|spark] [--spark-remote sc://HOST:PORT]
        [--default-stay-minutes 60] [--min-overlap-minutes 0] [--threads N] [--memory-limit 4GB]
"""

from __future__ import annotations

import argparse
import sys

from .engine import ENGINES, match_files
from .errors import RefusedInput


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fangkong exposure", description="Venue-scan exposure matching on files.")
    commands = parser.add_subparsers(dest="command", required=True)
    match = commands.add_parser("match", help="write one row per scan that overlaps a case's window at its venue")
    match.add_argument("--scans", required=True, help="a Parquet file or a folder of them (scans/day=YYYY-MM-DD/)")
    match.add_argument("--visits", required=True, help="the cases' exposure windows, a Parquet file")
    match.add_argument("--out", required=True, help="the Parquet file of matches to write")
    match.add_argument("--engine", choices=ENGINES, default="duckdb", help="duckdb (embedded, default) or spark")
    match.add_argument("--spark-remote", metavar="sc://HOST:PORT", help="run on a Spark cluster via Spark Connect")
    match.add_argument("--default-stay-minutes", type=int, default=60, help="the stay of a scan never checked out")
    match.add_argument("--min-overlap-minutes", type=int, default=0, help="the least overlap that counts (> 0 always)")
    match.add_argument("--threads", type=int, help="DuckDB threads / Spark local cores (default: all / 2)")
    match.add_argument("--memory-limit", help="DuckDB's memory limit, say 4GB (default: 80%% of RAM)")
    args = parser.parse_args(argv)
    if args.threads is not None and args.threads < 1:
        return _refused(RefusedInput("threads", f"must be at least 1, not {args.threads}"))
    try:
        run = match_files(args.scans, args.visits, args.out, engine=args.engine, spark_remote=args.spark_remote,
                          default_stay_minutes=args.default_stay_minutes,
                          min_overlap_minutes=args.min_overlap_minutes, threads=args.threads,
                          memory_limit=args.memory_limit)
    except RefusedInput as refused:
        return _refused(refused)
    print(f"{run.rows} matches written to {args.out} in {run.seconds:.1f} s ({run.engine})")
    return 0


def _refused(refused: RefusedInput) -> int:
    print(f"fangkong exposure match: {refused.field}: {refused.message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
