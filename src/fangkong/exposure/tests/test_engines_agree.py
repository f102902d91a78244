"""Both engines give the same rows for the same files, and both equal the rule applied pair by pair in Python."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fangkong.exposure.engine import match_files

from .conftest import SCAN_SCHEMA, VISIT_SCHEMA, brute_force, read_matches, write_scans, write_visits

START = datetime(2026, 11, 3)


def random_city(seed: int, scans: int = 400, visits: int = 60, venues: int = 6):
    """Times on a 10-second grid over three days, and a third of the scans placed at a window's edge: touching it,
    overlapping it by 10, 20, 30 or 40 seconds, or arriving as it ends."""
    draw = random.Random(seed)

    def moment():
        return START + timedelta(seconds=10 * draw.randrange(3 * 24 * 360))

    visit_rows = []
    for _ in range(visits):
        start_at = moment()
        visit_rows.append((f"C{draw.randrange(visits // 2)}", f"V{draw.randrange(venues)}", start_at,
                           start_at + timedelta(seconds=10 * draw.randrange(0, 1800))))
    scan_rows = []
    for scan_id in range(1, scans + 1):
        person, venue, scanned_at = f"p{draw.randrange(scans // 3)}", f"V{draw.randrange(venues)}", moment()
        left_at = None if draw.random() < 0.3 else scanned_at + timedelta(seconds=10 * draw.randrange(0, 1200))
        if draw.random() < 1 / 3:
            _, venue, start_at, end_at = draw.choice(visit_rows)
            edge = timedelta(seconds=draw.choice([0, 10, 20, 30, 40]))
            if draw.random() < 0.5:
                scanned_at = start_at - timedelta(minutes=draw.randrange(1, 90))
                left_at = start_at + edge if draw.random() < 0.7 else None
            else:
                scanned_at, left_at = end_at - edge, None
        scan_rows.append((scan_id, person, venue, scanned_at, left_at))
    return scan_rows, visit_rows


@pytest.mark.spark
@pytest.mark.parametrize("seed, default_stay, min_overlap", [(1, 60, 0), (2, 30, 5)])
def test_duckdb_spark_and_the_plain_rule_agree_on_random_files(tmp_path, seed, default_stay, min_overlap):
    scans, visits = random_city(seed)
    write_scans(tmp_path / "scans", scans, files_per_day=2)
    write_visits(tmp_path / "visits.parquet", visits)
    options = {"default_stay_minutes": default_stay, "min_overlap_minutes": min_overlap}
    found = {}
    for engine in ("duckdb", "spark"):
        match_files(tmp_path / "scans", tmp_path / "visits.parquet", tmp_path / f"{engine}.parquet", engine=engine,
                    **options)
        found[engine] = read_matches(tmp_path / f"{engine}.parquet")
    expected = brute_force(scans, visits, **options)
    assert len(expected) > 50  # the draw makes matches, zero-minute ones among them when no minimum is set
    assert any(row[5] == 0 for row in expected) or min_overlap > 0
    assert found["duckdb"] == expected
    assert found["spark"] == expected


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_nanosecond_and_zoned_timestamps_read_as_the_same_instants(tmp_path, engine):
    """pandas writes nanoseconds; Spark writes UTC-adjusted timestamps: both mean the microseconds of a plain file."""
    scans, visits = random_city(4, scans=150, visits=30)
    write_scans(tmp_path / "plain", scans)
    write_visits(tmp_path / "plain.parquet", visits)
    ns = SCAN_SCHEMA.set(3, pa.field("scanned_at", pa.timestamp("ns"))).set(4, pa.field("left_at", pa.timestamp("ns")))
    write_scans(tmp_path / "nanos", scans, ns)
    utc = pa.timestamp("us", tz="UTC")
    zoned = VISIT_SCHEMA.set(2, pa.field("start_at", utc)).set(3, pa.field("end_at", utc))
    pq.write_table(pq.read_table(tmp_path / "plain.parquet").cast(zoned), tmp_path / "zoned.parquet")
    for scans_path, visits_path, out in (("plain", "plain.parquet", "a"), ("nanos", "zoned.parquet", "b")):
        match_files(tmp_path / scans_path, tmp_path / visits_path, tmp_path / f"{out}.parquet", engine=engine)
    assert read_matches(tmp_path / "a.parquet") == read_matches(tmp_path / "b.parquet") == brute_force(scans, visits)
