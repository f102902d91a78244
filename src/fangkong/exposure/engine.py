"""`match_files`: scans × the cases' exposure windows → matches, in DuckDB (embedded) or Spark.

The rule is in `rule.py`, the files' contract in `files.py`. Everything is checked before an engine runs and the
matches are written whole or not at all, sorted by scan_id, case_id, overlap_start.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from . import duck, files, spark
from .errors import RefusedInput
from .rule import Rule

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class MatchRun:
    rows: int  # matches written
    seconds: float
    engine: str


def match_files(scans, visits, out, *, engine: str = "duckdb", spark_remote: str | None = None,
                default_stay_minutes: int = 60, min_overlap_minutes: int = 0, threads: int | None = None,
                memory_limit: str | None = None) -> MatchRun:
    """Match the scans (a Parquet file or a folder of them) against the visits file; write the matches to `out`.

    Refuses bad input with `RefusedInput` (the column, option or file, and why) before anything is written.
    `threads` and `memory_limit` (say "4GB") bound DuckDB; in Spark's local mode `threads` is the number of cores.
    """
    started = time.perf_counter()
    if engine not in ENGINES:
        raise RefusedInput("engine", f"must be one of {', '.join(ENGINES)}, not {engine!r}")
    if spark_remote and engine != "spark":
        raise RefusedInput("spark_remote", "a Spark Connect address is for the spark engine")
    rule = Rule.of(default_stay_minutes, min_overlap_minutes)
    out = files.writable(out)
    windows = files.read_visits(visits)
    if engine == "duckdb":
        matches = duck.match(files.scan_files(scans), windows, rule=rule, threads=threads, memory_limit=memory_limit)
    else:
        matches = spark.match(scans, windows, rule=rule, remote=spark_remote, threads=threads)
    files.write_matches(matches, out)
    return MatchRun(rows=matches.num_rows, seconds=time.perf_counter() - started, engine=engine)
