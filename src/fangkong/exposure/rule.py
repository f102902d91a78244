"""The matching rule as one SQL text both engines run, and the check of the scans before it.

- A scan's stay is `[scanned_at, left_at]`, or `[scanned_at, scanned_at + default stay]` when `left_at` is null.
- It matches a visit of the same venue when the overlap, `min(stay end, end_at) - max(scanned_at, start_at)`, is
  more than zero (touching ends do not match) and at least `min_overlap_minutes` (the exact overlap is compared,
  not its rounding).
- `overlap_minutes` is the overlap in whole minutes, half a minute and more rounded up: 29 s gives 0, 30 s gives 1;
  so a 20-second overlap matches, with `overlap_minutes` 0, when the minimum is 0.
- A scan that left before it was scanned is refused, naming its scan_id: dropping it would hide a broken export.

Both engines compute on int64 microseconds since 1970 UTC (`files.microseconds`), so there is no time-zone
arithmetic for them to disagree on; each engine names its two conversions (timestamp → µs, µs → timestamp).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import files
from .errors import RefusedInput

MINUTE_US = 60_000_000


@dataclass(frozen=True)
class Rule:
    default_stay_us: int
    min_overlap_us: int

    @classmethod
    def of(cls, default_stay_minutes, min_overlap_minutes) -> Rule:
        for name, value, least in (("default_stay_minutes", default_stay_minutes, 1),
                                   ("min_overlap_minutes", min_overlap_minutes, 0)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise RefusedInput(name, f"must be a whole number of minutes, not {value!r}")
            if value < least:
                raise RefusedInput(name, f"must be at least {least} minute{'' if least == 1 else 's'}, not {value}")
        return cls(default_stay_minutes * MINUTE_US, min_overlap_minutes * MINUTE_US)


@dataclass(frozen=True)
class Dialect:
    epoch_us: str  # a timestamp column as µs since 1970 UTC, "{}" for the column
    integer_division: str  # the operator of integer division


def match_sql(scans: str, visits: str, rule: Rule, latest_end_us: int, dialect: Dialect) -> str:
    """One row per (scan, visit) pair, with the overlap's start in µs; `visits` has start_us and end_us."""
    epoch = dialect.epoch_us.format
    overlap = "LEAST(s.stay_end, v.end_us) - GREATEST(s.stay_start, v.start_us)"
    return f"""
        SELECT s.scan_id, s.person_id, v.case_id, s.venue_code,
               GREATEST(s.stay_start, v.start_us) AS overlap_start_us,
               CAST(({overlap} + {MINUTE_US // 2}) {dialect.integer_division} {MINUTE_US} AS INT) AS overlap_minutes
        FROM (
            SELECT scan_id, person_id, venue_code, {epoch("scanned_at")} AS stay_start,
                   COALESCE({epoch("left_at")}, {epoch("scanned_at")} + {rule.default_stay_us}) AS stay_end
            FROM {scans}
            WHERE {epoch("scanned_at")} < {latest_end_us}
        ) s
        JOIN (SELECT DISTINCT case_id, venue_code, start_us, end_us FROM {visits}) v  -- a copied row is one visit
          ON s.venue_code = v.venue_code AND s.stay_start < v.end_us AND s.stay_end > v.start_us
        WHERE {overlap} >= {max(rule.min_overlap_us, 1)}
    """


ORDER = ("scan_id", "case_id", "overlap_start_us", "venue_code", "overlap_minutes")  # a total order of the rows


def check_sql(scans: str, nullable: list[str]) -> str:
    """One pass over the scans: the backwards stays (the first by scan_id), and nulls where the footers allow them."""
    backwards = "left_at < scanned_at"
    nulls = "".join(f", count(*) FILTER (WHERE {c} IS NULL), min(scan_id) FILTER (WHERE {c} IS NULL)"
                    for c in nullable)
    return f"SELECT count(*) FILTER (WHERE {backwards}), min(scan_id) FILTER (WHERE {backwards}){nulls} FROM {scans}"


def refuse_bad_scans(row, nullable: list[str], stay_of) -> None:
    """The check query's one row → the refusal it calls for, if any; `stay_of(scan_id)` gives (scanned_at, left_at)."""
    for index, name in enumerate(nullable):
        count, example = row[2 + 2 * index], row[3 + 2 * index]
        if count:
            raise files.null_scan_column(name, count, example)
    if row[0]:
        raise files.first_backwards_scan(row[0], row[1], *stay_of(row[1]))
