"""Matching at the edges (issue 13 §5, Tests), each case checked in DuckDB and in Spark on the same files."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fangkong.exposure.engine import match_files

from .conftest import at, brute_force, read_matches, write_scans, write_visits

ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


def matches(tmp_path, scans, visits, engine, **options) -> list[tuple]:
    run = match_files(write_scans(tmp_path / "scans", scans), write_visits(tmp_path / "visits.parquet", visits),
                      tmp_path / "matches.parquet", engine=engine, **options)
    found = read_matches(tmp_path / "matches.parquet")
    assert run.rows == len(found) and run.engine == engine
    assert found == brute_force(scans, visits, **options)  # the plain rule agrees on every edge too
    return found


@pytest.mark.parametrize("engine", ENGINES)
def test_touching_ends_do_not_match_and_one_microsecond_more_does(tmp_path, engine):
    scans = [
        (1, "p1", "V1", at("11-03 09:00"), at("11-03 10:00")),  # leaves as the case arrives
        (2, "p2", "V1", at("11-03 11:00"), at("11-03 11:30")),  # arrives as the case leaves
        (3, "p3", "V1", at("11-03 09:00"), datetime(2026, 11, 3, 10, 0, 0, 1)),  # one microsecond together
    ]
    found = matches(tmp_path, scans, [("C1", "V1", at("11-03 10:00"), at("11-03 11:00"))], engine)
    assert [(row[0], row[5]) for row in found] == [(3, 0)]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_missing_check_out_stays_the_default_stay(tmp_path, engine):
    scans = [(1, "p1", "V1", at("11-03 10:00"), None)]
    window_after_an_hour = [("C1", "V1", at("11-03 11:00"), at("11-03 12:00"))]
    window_at_fifty_minutes = [("C2", "V1", at("11-03 10:50"), at("11-03 12:00"))]
    assert matches(tmp_path / "a", scans, window_after_an_hour, engine) == []
    assert [row[5] for row in matches(tmp_path / "b", scans, window_at_fifty_minutes, engine)] == [10]
    longer = matches(tmp_path / "c", scans, window_after_an_hour, engine, default_stay_minutes=90)
    assert [(row[4], row[5]) for row in longer] == [(at("11-03 11:00"), 30)]


@pytest.mark.parametrize("engine", ENGINES)
def test_overlaps_under_a_minute_match_and_round_half_a_minute_up(tmp_path, engine):
    window = ("C1", "V1", at("11-03 10:00"), at("11-03 11:00"))
    scans = [(seconds, f"p{seconds}", "V1", at("11-03 09:00"), at(f"11-03 10:{seconds // 60:02}:{seconds % 60:02}"))
             for seconds in (20, 29, 30, 89, 90)]
    found = matches(tmp_path, scans, [window], engine)
    assert {row[0]: row[5] for row in found} == {20: 0, 29: 0, 30: 1, 89: 1, 90: 2}
    assert all(row[4] == at("11-03 10:00") for row in found)  # the overlap starts when the case arrived


@pytest.mark.parametrize("engine", ENGINES)
def test_the_same_person_twice_at_one_venue_is_two_matches(tmp_path, engine):
    scans = [(1, "p1", "V1", at("11-03 10:05"), at("11-03 10:20")),
             (2, "p1", "V1", at("11-03 10:40"), None),
             (3, "p1", "V2", at("11-03 10:30"), at("11-03 10:35"))]  # the same hour at another venue
    found = matches(tmp_path, scans, [("C1", "V1", at("11-03 10:00"), at("11-03 11:00"))], engine)
    assert [(row[0], row[1], row[4], row[5]) for row in found] == [
        (1, "p1", at("11-03 10:05"), 15), (2, "p1", at("11-03 10:40"), 20)]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_window_spanning_midnight_and_days_reads_every_day_folder(tmp_path, engine):
    scans = [
        (1, "p1", "V1", at("11-02 23:00"), at("11-03 23:00")),  # scanned the day before, still there
        (2, "p2", "V1", at("11-03 23:30"), None),  # runs past midnight
        (3, "p3", "V1", at("11-04 12:00"), at("11-04 12:45")),
        (4, "p4", "V1", at("11-05 01:30"), None),  # the window ends at 02:00
        (5, "p5", "V1", at("11-05 02:00"), None),  # scanned as it ends
    ]
    found = matches(tmp_path, scans, [("C1", "V1", at("11-03 22:00"), at("11-05 02:00"))], engine)
    assert [(row[0], row[4], row[5]) for row in found] == [
        (1, at("11-03 22:00"), 60), (2, at("11-03 23:30"), 60), (3, at("11-04 12:00"), 45),
        (4, at("11-05 01:30"), 30)]


@pytest.mark.parametrize("engine", ENGINES)
def test_the_minimum_overlap_compares_the_exact_overlap_not_its_rounding(tmp_path, engine):
    scans = [(1, "p1", "V1", at("11-03 10:00"), at("11-03 10:14:40")),  # 14 min 40 s: rounds to 15, is less
             (2, "p2", "V1", at("11-03 10:00"), at("11-03 10:15")),
             (3, "p3", "V1", at("11-03 10:00"), at("11-03 10:30"))]
    window = [("C1", "V1", at("11-03 10:00"), at("11-03 12:00"))]
    found = matches(tmp_path, scans, window, engine, min_overlap_minutes=15)
    assert [(row[0], row[5]) for row in found] == [(2, 15), (3, 30)]


@pytest.mark.parametrize("engine", ENGINES)
def test_one_row_per_scan_and_visit_with_the_contract_columns(tmp_path, engine):
    scans = [(7, "p7", "V1", at("11-03 10:00"), at("11-03 12:00"))]
    visits = [("C1", "V1", at("11-03 10:30"), at("11-03 11:00")),
              ("C1", "V1", at("11-03 10:30"), at("11-03 11:00")),  # the same visit written twice
              ("C1", "V1", at("11-03 11:30"), at("11-03 13:00")),  # the case came back
              ("C2", "V1", at("11-03 09:00"), at("11-03 10:10"))]
    found = matches(tmp_path, scans, visits, engine)
    assert [(row[2], row[4], row[5]) for row in found] == [
        ("C1", at("11-03 10:30"), 30), ("C1", at("11-03 11:30"), 30), ("C2", at("11-03 10:00"), 10)]
    assert pq.read_schema(tmp_path / "matches.parquet").remove_metadata() == pa.schema([
        ("scan_id", pa.int64()), ("person_id", pa.string()), ("case_id", pa.string()), ("venue_code", pa.string()),
        ("overlap_start", pa.timestamp("us")), ("overlap_minutes", pa.int32())])


@pytest.mark.parametrize("engine", ENGINES)
def test_no_match_writes_an_empty_file_of_the_same_columns(tmp_path, engine):
    found = matches(tmp_path, [(1, "p1", "V1", at("11-03 10:00"), None)],
                    [("C1", "V2", at("11-03 10:00"), at("11-03 11:00"))], engine)
    assert found == [] and pq.read_schema(tmp_path / "matches.parquet").names[-1] == "overlap_minutes"
