"""Scans and visits written as the daily export and the investigation write them, and the matches read back."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

SCAN_SCHEMA = pa.schema([("scan_id", pa.int64()), ("person_id", pa.string()), ("venue_code", pa.string()),
                         ("scanned_at", pa.timestamp("us")), ("left_at", pa.timestamp("us"))])
VISIT_SCHEMA = pa.schema([("case_id", pa.string()), ("venue_code", pa.string()), ("start_at", pa.timestamp("us")),
                          ("end_at", pa.timestamp("us"))])


def at(text: str) -> datetime:
    """'11-03 10:00:30' → that time in 2026 (the tests' days are all in November 2026)."""
    return datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M")


def write_scans(folder: Path, scans: list[tuple], schema: pa.Schema = SCAN_SCHEMA, files_per_day: int = 1) -> Path:
    """Scans as the daily export writes them: folder/day=YYYY-MM-DD/part-N.parquet, by the day of scanned_at."""
    days: dict[str, list[tuple]] = {}
    for scan in scans:
        days.setdefault(str(scan[3])[:10], []).append(scan)  # the day of scanned_at
    for day, rows in days.items():
        (folder / f"day={day}").mkdir(parents=True)
        for part in range(files_per_day):
            chunk = rows[part::files_per_day]
            columns = {name: [row[i] for row in chunk] for i, name in enumerate(schema.names)}
            pq.write_table(pa.table(columns, schema=schema), folder / f"day={day}" / f"part-{part}.parquet")
    return folder


def write_visits(path: Path, visits: list[tuple], schema: pa.Schema = VISIT_SCHEMA) -> Path:
    pq.write_table(pa.table({name: [row[i] for row in visits] for i, name in enumerate(schema.names)},
                            schema=schema), path)
    return path


def read_matches(path: Path) -> list[tuple]:
    table = pq.read_table(path)
    return [tuple(row.values()) for row in table.to_pylist()]


def brute_force(scans, visits, default_stay_minutes=60, min_overlap_minutes=0) -> list[tuple]:
    """The rule of issue 13 §5 written the plain way, pair by pair, to check the engines against."""
    found = []
    for scan_id, person_id, venue, scanned_at, left_at in scans:
        stay_end = left_at if left_at is not None else scanned_at + timedelta(minutes=default_stay_minutes)
        for case_id, visit_venue, start_at, end_at in set(visits):
            overlap = min(stay_end, end_at) - max(scanned_at, start_at)
            if venue == visit_venue and overlap > timedelta(0) and overlap >= timedelta(minutes=min_overlap_minutes):
                microseconds = overlap // timedelta(microseconds=1)
                found.append((scan_id, person_id, case_id, venue, max(scanned_at, start_at),
                              (microseconds + 30_000_000) // 60_000_000))
    return sorted(found, key=lambda row: (row[0], row[2], row[4], row[3], row[5]))


@pytest.fixture(autouse=True)
def _java_for_spark(request):
    """Spark needs a JVM: without Java the Spark tests are skipped, saying how to get it (CI installs it)."""
    if request.node.get_closest_marker("spark") and not shutil.which("java"):
        pytest.skip("Spark needs Java 17: apt-get install openjdk-17-jre-headless")


@pytest.fixture(scope="session", autouse=True)
def _one_spark_session():
    """Every Spark test shares the engine's one local session (started by the first); stopped when the suite ends."""
    yield
    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()
