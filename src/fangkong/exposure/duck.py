"""The DuckDB engine: the rule's query over the Parquet files, embedded, in bounded memory."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from . import files
from .rule import ORDER, Dialect, Rule, check_sql, match_sql, refuse_bad_scans

DUCKDB = Dialect(epoch_us="epoch_us({})", integer_division="//")


def connect(threads: int | None = None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    config = {"threads": threads} if threads else {}
    if memory_limit:
        config["memory_limit"] = memory_limit
    try:
        con = duckdb.connect(config=config)
    except duckdb.Error as error:
        raise files.RefusedInput("memory_limit" if memory_limit else "threads", str(error)) from None
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")  # the CLI prints its own line; a job's output stays clean
    return con


def match(scan_files: list[Path], visits: files.Visits, *, threads=None, memory_limit=None, rule: Rule) -> pa.Table:
    with connect(threads, memory_limit) as con:
        listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in scan_files)
        con.execute(f"CREATE VIEW scans AS SELECT * FROM read_parquet([{listed}], hive_partitioning = true, "
                    "union_by_name = true)")
        proven = files.null_free_columns(scan_files, files.SCAN_REQUIRED)
        nullable = [c for c in files.SCAN_REQUIRED if c not in proven]
        refuse_bad_scans(con.execute(check_sql("scans", nullable)).fetchall()[0], nullable, lambda scan_id: con.execute(
            "SELECT scanned_at, left_at FROM scans WHERE scan_id = ? AND left_at < scanned_at LIMIT 1",
            [scan_id]).fetchall()[0])
        if visits.latest_end_us is None:
            return files.MATCH_SCHEMA.empty_table()
        con.register("visits", visits.table)
        query = match_sql("scans", "visits", rule, visits.latest_end_us, DUCKDB)
        return con.sql(f"""
            SELECT scan_id, person_id, case_id, venue_code, make_timestamp(overlap_start_us) AS overlap_start,
                   overlap_minutes
            FROM ({query}) ORDER BY {', '.join(ORDER)}
        """).to_arrow_table()
