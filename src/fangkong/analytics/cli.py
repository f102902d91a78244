"""`fangkong analytics ...`: the estimators on a CSV file, without a database.

    fangkong analytics rt --csv FILE --si-mean 4.7 --si-sd 2.9 [--window 7]
                          [--date-column date] [--count-column count]
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

import polars as pl

from .errors import BadSeries
from .rt import estimate_rt


def read_daily_counts(path: str, date_column: str, count_column: str) -> tuple[list, list]:
    """Dates and counts from a CSV; the dates must run day by day with no gaps or repeats."""
    try:
        frame = pl.read_csv(path, try_parse_dates=True)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise BadSeries("csv", f"cannot read {path}: {error}") from None
    for column in (date_column, count_column):
        if column not in frame.columns:
            raise BadSeries("csv", f"no column {column!r}; the columns are {', '.join(frame.columns)}")
    dates = frame[date_column]
    if dates.dtype != pl.Date:
        raise BadSeries(date_column, "dates must be written as YYYY-MM-DD")
    if dates.null_count() or frame[count_column].null_count():
        raise BadSeries(count_column, "a row has a blank date or count")
    days, counts = dates.to_list(), frame[count_column].to_list()
    for row, (earlier, later) in enumerate(zip(days, days[1:]), start=3):  # row 1 is the header
        if later - earlier != timedelta(days=1):
            raise BadSeries(date_column, f"row {row}: {later} does not follow {earlier} by one day (a gap or a repeat)")
    return days, counts


def rt_command(args) -> int:
    days, counts = read_daily_counts(args.csv, args.date_column, args.count_column)
    try:
        result = estimate_rt(counts, si_mean=args.si_mean, si_sd=args.si_sd, window=args.window)
    except BadSeries as refused:
        if refused.field != "incidence":
            raise
        raise BadSeries(args.count_column, refused.message) from None  # name the column the user wrote
    result = result.with_columns(
        pl.Series("date_start", [days[t - 1] for t in result["t_start"]]),
        pl.Series("date_end", [days[t - 1] for t in result["t_end"]]),
    ).select("t_start", "t_end", "date_start", "date_end", "mean", "std", "q025", "median", "q975")
    print(result.write_csv(float_precision=6), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fangkong analytics", description="Estimators on a CSV file.")
    commands = parser.add_subparsers(dest="command", required=True)
    rt = commands.add_parser("rt", help="R_t by sliding window (Cori et al. 2013, as EpiEstim)")
    rt.add_argument("--csv", required=True, help="a CSV with a date column and a daily count column")
    rt.add_argument("--si-mean", type=float, required=True, help="mean serial interval, days")
    rt.add_argument("--si-sd", type=float, required=True, help="standard deviation of the serial interval, days")
    rt.add_argument("--window", type=int, default=7, help="window length in days (default 7)")
    rt.add_argument("--date-column", default="date")
    rt.add_argument("--count-column", default="count")
    args = parser.parse_args(argv)
    try:
        return rt_command(args)
    except BadSeries as refused:
        print(f"fangkong analytics {args.command}: {refused.field}: {refused.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
