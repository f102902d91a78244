"""Matching at the edges (issue 13 §5, Tests): each edge in DuckDB and against the plain rule; then all of them at
once in Spark, which must give DuckDB's rows (one Spark run: its jobs are slow to start)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fangkong.exposure.engine import match_files

from .conftest import at, brute_force, read_matches, write_scans, write_visits

CONTRACT = pa.schema([("scan_id", pa.int64()), ("person_id", pa.string()), ("case_id", pa.string()),
                      ("venue_code", pa.string()), ("overlap_start", pa.timestamp("us")),
                      ("overlap_minutes", pa.int32())])
WINDOW = ("C1", "V1", at("11-03 10:00"), at("11-03 11:00"))

TOUCHING = ([(1, "p1", "V1", at("11-03 09:00"), at("11-03 10:00")),  # leaves as the case arrives
             (2, "p2", "V1", at("11-03 11:00"), at("11-03 11:30")),  # arrives as the case leaves
             (3, "p3", "V1", at("11-03 09:00"), datetime(2026, 11, 3, 10, 0, 0, 1))],  # one microsecond together
            [WINDOW])
NO_CHECK_OUT = ([(1, "p1", "V1", at("11-03 10:00"), None)],
                [("C1", "V1", at("11-03 11:00"), at("11-03 12:00")),
                 ("C2", "V1", at("11-03 10:50"), at("11-03 12:00"))])
UNDER_A_MINUTE = ([(seconds, f"p{seconds}", "V1", at("11-03 09:00"), at("11-03 10:00") + timedelta(seconds=seconds))
                   for seconds in (20, 29, 30, 89, 90)], [WINDOW])
TWICE = ([(1, "p1", "V1", at("11-03 10:05"), at("11-03 10:20")),
          (2, "p1", "V1", at("11-03 10:40"), None),
          (3, "p1", "V2", at("11-03 10:30"), at("11-03 10:35"))],  # the same hour at another venue
         [WINDOW])
ACROSS_DAYS = ([(1, "p1", "V1", at("11-02 23:00"), at("11-03 23:00")),  # scanned the day before, still there
                (2, "p2", "V1", at("11-03 23:30"), None),  # runs past midnight
                (3, "p3", "V1", at("11-04 12:00"), at("11-04 12:45")),
                (4, "p4", "V1", at("11-05 01:30"), None),  # the window ends at 02:00
                (5, "p5", "V1", at("11-05 02:00"), None)],  # scanned as it ends
               [("C1", "V1", at("11-03 22:00"), at("11-05 02:00"))])
MINIMUM = ([(1, "p1", "V1", at("11-03 10:00"), at("11-03 10:14:40")),  # 14 min 40 s: rounds to 15, is less
            (2, "p2", "V1", at("11-03 10:00"), at("11-03 10:15")),
            (3, "p3", "V1", at("11-03 10:00"), at("11-03 10:30"))],
           [("C1", "V1", at("11-03 10:00"), at("11-03 12:00"))])
PAIRS = ([(7, "p7", "V1", at("11-03 10:00"), at("11-03 12:00"))],
         [("C1", "V1", at("11-03 10:30"), at("11-03 11:00")),
          ("C1", "V1", at("11-03 10:30"), at("11-03 11:00")),  # the same visit written twice
          ("C1", "V1", at("11-03 11:30"), at("11-03 13:00")),  # the case came back
          ("C2", "V1", at("11-03 09:00"), at("11-03 10:10"))])
EDGES = [TOUCHING, NO_CHECK_OUT, UNDER_A_MINUTE, TWICE, ACROSS_DAYS, MINIMUM, PAIRS]


def matches(tmp_path, scans, visits, engine="duckdb", **options) -> list[tuple]:
    run = match_files(write_scans(tmp_path / "scans", scans), write_visits(tmp_path / "visits.parquet", visits),
                      tmp_path / "matches.parquet", engine=engine, **options)
    found = read_matches(tmp_path / "matches.parquet")
    assert run.rows == len(found) and run.engine == engine
    assert pq.read_schema(tmp_path / "matches.parquet").remove_metadata() == CONTRACT
    assert found == brute_force(scans, visits, **options)  # the plain rule agrees on every edge too
    return found


def test_touching_ends_do_not_match_and_one_microsecond_more_does(tmp_path):
    assert [(row[0], row[5]) for row in matches(tmp_path, *TOUCHING)] == [(3, 0)]


def test_a_missing_check_out_stays_the_default_stay(tmp_path):
    scans, (after_an_hour, at_fifty_minutes) = NO_CHECK_OUT
    assert matches(tmp_path / "a", scans, [after_an_hour]) == []
    assert [row[5] for row in matches(tmp_path / "b", scans, [at_fifty_minutes])] == [10]
    longer = matches(tmp_path / "c", scans, [after_an_hour], default_stay_minutes=90)
    assert [(row[4], row[5]) for row in longer] == [(at("11-03 11:00"), 30)]


def test_overlaps_under_a_minute_match_and_round_half_a_minute_up(tmp_path):
    found = matches(tmp_path, *UNDER_A_MINUTE)
    assert {row[0]: row[5] for row in found} == {20: 0, 29: 0, 30: 1, 89: 1, 90: 2}
    assert all(row[4] == at("11-03 10:00") for row in found)  # the overlap starts when the case arrived


def test_the_same_person_twice_at_one_venue_is_two_matches(tmp_path):
    assert [(row[0], row[1], row[4], row[5]) for row in matches(tmp_path, *TWICE)] == [
        (1, "p1", at("11-03 10:05"), 15), (2, "p1", at("11-03 10:40"), 20)]


def test_a_window_spanning_midnight_and_days_reads_every_day_folder(tmp_path):
    assert [(row[0], row[4], row[5]) for row in matches(tmp_path, *ACROSS_DAYS)] == [
        (1, at("11-03 22:00"), 60), (2, at("11-03 23:30"), 60), (3, at("11-04 12:00"), 45),
        (4, at("11-05 01:30"), 30)]
    assert len(list((tmp_path / "scans").glob("day=*"))) == 4  # 11-02 to 11-05


def test_the_minimum_overlap_compares_the_exact_overlap_not_its_rounding(tmp_path):
    found = matches(tmp_path, *MINIMUM, min_overlap_minutes=15)
    assert [(row[0], row[5]) for row in found] == [(2, 15), (3, 30)]


def test_one_row_per_scan_and_visit(tmp_path):
    assert [(row[2], row[4], row[5]) for row in matches(tmp_path, *PAIRS)] == [
        ("C1", at("11-03 10:30"), 30), ("C1", at("11-03 11:30"), 30), ("C2", at("11-03 10:00"), 10)]


def test_no_match_writes_an_empty_file_of_the_same_columns(tmp_path):
    assert matches(tmp_path, [(1, "p1", "V1", at("11-03 10:00"), None)],
                   [("C1", "V2", at("11-03 10:00"), at("11-03 11:00"))]) == []


@pytest.mark.spark
def test_spark_gives_duckdbs_rows_on_every_edge(tmp_path):
    """Every edge above in one pair of files (each at venues of its own), matched by both engines."""
    scans, visits = [], []
    for number, (edge_scans, edge_visits) in enumerate(EDGES):
        scans += [(number * 100 + scan_id, person, f"E{number}{venue}", scanned_at, left_at)
                  for scan_id, person, venue, scanned_at, left_at in edge_scans]
        visits += [(case, f"E{number}{venue}", start_at, end_at) for case, venue, start_at, end_at in edge_visits]
    duckdb_rows = matches(tmp_path / "duckdb", scans, visits)
    assert matches(tmp_path / "spark", scans, visits, engine="spark") == duckdb_rows
    assert len(duckdb_rows) == 19
