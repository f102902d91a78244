"""P6: venue scans of a synthetic 10M city over 28 days against 10,000 case exposure windows (issue 13 §5).

    python bench/bench_exposure.py [--sizes 1000000,10000000,100000000] [--spark-sizes 1000000,10000000,100000000]
                                   [--data /work/exposure-data] [--memory-limit 4GB] [--keep]

For each size the scans are generated once by DuckDB (deterministic: every value is a hash of the row number and
the seed) as `scans/day=YYYY-MM-DD/part-0.parquet`, 28 days, 200,000 venues, 10M people, a third of the scans never
checked out; the 10,000 windows are at random venues and times of the 28 days, 30 minutes to 4 hours long.
Then, each in a fresh process so that its peak RSS is its own:

- the baseline: one full read of the scans' five columns by DuckDB (every value decoded and aggregated);
- `match_files(engine="duckdb")`: the checks of the files, the check pass over the scans, the join, the write;
- `match_files(engine="spark")` in local mode (local[2]) on the same files: its time, and its rows equal to DuckDB's.

Prints one line per size: time and ratio to the read, matches, peak RSS; then the growth from size to size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import duckdb  # noqa: E402

DAYS = 28
PEOPLE = 10_000_000
VENUES = 200_000
WINDOWS = 10_000
SEED = 13
FIRST_DAY = "2026-11-01"


def generate(folder: Path, scans: int) -> None:
    """28 day folders of scans; values drawn from hash(row, seed) so the same size gives the same files."""
    per_day = scans // DAYS
    with duckdb.connect() as con:
        for day in range(DAYS):
            target = folder / "scans" / f"day={_day(day)}"
            target.mkdir(parents=True, exist_ok=True)
            first = day * per_day
            con.execute(f"""
                COPY (
                    WITH drawn AS (
                        SELECT i AS scan_id, hash(i, {SEED}) AS h1, hash(i, {SEED + 1}) AS h2
                        FROM range({first}, {first + per_day}) t(i)
                    )
                    SELECT scan_id,
                           'P' || lpad(CAST(h1 % {PEOPLE} AS VARCHAR), 8, '0') AS person_id,
                           'V' || lpad(CAST((h1 // {PEOPLE}) % {VENUES} AS VARCHAR), 6, '0') AS venue_code,
                           TIMESTAMP '{_day(day)}' + to_microseconds(CAST(h2 % 86400000000 AS BIGINT)) AS scanned_at,
                           CASE WHEN (h2 // 86400000000) % 3 = 0 THEN NULL
                                ELSE TIMESTAMP '{_day(day)}' + to_microseconds(CAST(h2 % 86400000000 AS BIGINT))
                                     + to_minutes(CAST(5 + (h2 // 259200000000) % 175 AS BIGINT)) END AS left_at
                    FROM drawn
                ) TO '{target / "part-0.parquet"}' (FORMAT parquet, COMPRESSION zstd)
            """)
        con.execute(f"""
            COPY (
                SELECT 'C' || lpad(CAST(hash(w, {SEED + 2}) % 4000 AS VARCHAR), 5, '0') AS case_id,
                       'V' || lpad(CAST(hash(w, {SEED + 3}) % {VENUES} AS VARCHAR), 6, '0') AS venue_code,
                       TIMESTAMP '{FIRST_DAY}' + to_seconds(CAST(hash(w, {SEED + 4}) % ({DAYS} * 86400) AS BIGINT))
                           AS start_at,
                       TIMESTAMP '{FIRST_DAY}' + to_seconds(CAST(hash(w, {SEED + 4}) % ({DAYS} * 86400) AS BIGINT))
                           + to_minutes(CAST(30 + hash(w, {SEED + 5}) % 211 AS BIGINT)) AS end_at
                FROM range({WINDOWS}) t(w)
            ) TO '{folder / "visits.parquet"}' (FORMAT parquet)
        """)


def _day(day: int) -> str:
    return (date.fromisoformat(FIRST_DAY) + timedelta(days=day)).isoformat()


CHILD = {
    "read": """
import duckdb, json, sys, time
started = time.perf_counter()
with duckdb.connect(config={"memory_limit": sys.argv[3]} if sys.argv[3] else {}) as con:
    con.execute("SET enable_progress_bar = false")
    row = con.execute(f"SELECT count(*), sum(scan_id), max(length(person_id)), max(length(venue_code)), "
                      f"sum(epoch_us(scanned_at)), max(left_at) FROM read_parquet('{sys.argv[1]}/scans/*/*.parquet',"
                      " hive_partitioning = true)").fetchall()[0]
print(json.dumps({"seconds": time.perf_counter() - started, "rows": row[0]}))
""",
    "match": """
import json, sys
from fangkong.exposure.engine import match_files
run = match_files(sys.argv[1] + "/scans", sys.argv[1] + "/visits.parquet", sys.argv[2], engine=sys.argv[4],
                  memory_limit=sys.argv[3] or None)
print(json.dumps({"seconds": run.seconds, "rows": run.rows}))
""",
}


def peak_rss_mb(kind: str, folder: Path, out: Path, memory_limit: str, engine: str = "duckdb") -> tuple[dict, float]:
    """Run one step in a fresh interpreter: its figures, and its peak RSS (MB) as the kernel counted it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.Popen([sys.executable, "-c", CHILD[kind], str(folder), str(out), memory_limit, engine],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise SystemExit(f"{kind} ({engine}) failed with status {status}")
    return json.loads(output.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000,10000000,100000000")
    parser.add_argument("--spark-sizes", default="1000000,10000000,100000000")
    parser.add_argument("--data", default="/work/exposure-data")
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB's memory limit (the goal is a 4 GB peak)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files for another run")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    spark_sizes = {int(s) for s in args.spark_sizes.split(",") if s}
    data = Path(args.data)
    rows = []
    print(f"{'scans':>12} {'generate':>9} {'read':>7} {'duckdb':>7} {'ratio':>6} {'matches':>8} {'RSS MB':>7} "
          f"{'spark':>7} {'equal':>5} {'spark RSS':>9} load")
    for size in sizes:
        folder = data / f"scans-{size}"
        generated = 0.0
        if not (folder / "visits.parquet").exists():
            shutil.rmtree(folder, ignore_errors=True)
            started = time.perf_counter()
            generate(folder, size)
            generated = time.perf_counter() - started
        loads = [load()]
        read, _ = peak_rss_mb("read", folder, folder / "unused", args.memory_limit)
        duck, duck_rss = peak_rss_mb("match", folder, folder / "duckdb.parquet", args.memory_limit)
        loads.append(load())
        spark, spark_rss, equal = None, None, "-"
        if size in spark_sizes:
            spark, spark_rss = peak_rss_mb("match", folder, folder / "spark.parquet", "", engine="spark")
            equal = "yes" if _same_rows(folder / "duckdb.parquet", folder / "spark.parquet") else "NO"
            loads.append(load())
        rows.append((size, duck["seconds"]))
        print(f"{size:>12,} {generated:>8.1f}s {read['seconds']:>6.2f}s {duck['seconds']:>6.2f}s "
              f"{duck['seconds'] / read['seconds']:>5.2f}x {duck['rows']:>8,} {duck_rss:>7,.0f} "
              + (f"{spark['seconds']:>6.1f}s {equal:>5} {spark_rss:>9,.0f}" if spark else f"{'-':>7} {'-':>5} {'-':>9}")
              + f" {'/'.join(loads)}", flush=True)
        if not args.keep:
            shutil.rmtree(folder)
    for (small, small_s), (big, big_s) in zip(rows, rows[1:]):
        print(f"growth {small:,} -> {big:,} scans ({big / small:.0f}x): DuckDB time x{big_s / small_s:.1f}")


def _same_rows(left: Path, right: Path) -> bool:
    with duckdb.connect() as con:
        return con.execute(f"SELECT (SELECT count(*) FROM (FROM '{left}' EXCEPT ALL FROM '{right}')) + "
                           f"(SELECT count(*) FROM (FROM '{right}' EXCEPT ALL FROM '{left}')) = 0 AND "
                           f"(SELECT count(*) FROM '{left}') = (SELECT count(*) FROM '{right}')").fetchall()[0][0]


if __name__ == "__main__":
    main()
