"""Bad input is refused naming the file, column or option and why, and nothing is written (issue 13, Bad input)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from fangkong.exposure.engine import match_files
from fangkong.exposure.errors import RefusedInput

from .conftest import SCAN_SCHEMA, VISIT_SCHEMA, at, write_scans, write_visits

SCANS = [(1, "p1", "V1", at("11-03 10:00"), None), (2, "p2", "V1", at("11-03 10:30"), at("11-03 11:00"))]
VISITS = [("C1", "V1", at("11-03 10:00"), at("11-03 11:00"))]
ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


def refusal(tmp_path, scans=SCANS, visits=VISITS, scan_schema=SCAN_SCHEMA, visit_schema=VISIT_SCHEMA,
            engine="duckdb", **options) -> RefusedInput:
    out = tmp_path / "matches.parquet"
    scans_path = tmp_path / "scans"
    if not scans_path.exists():
        write_scans(scans_path, scans, scan_schema)
    visits_path = tmp_path / "visits.parquet"
    if not visits_path.exists():
        write_visits(visits_path, visits, visit_schema)
    with pytest.raises(RefusedInput) as refused:
        match_files(scans_path, visits_path, out, engine=engine, **options)
    assert not out.exists() and not list(tmp_path.glob(".matches*"))  # nothing half-written
    return refused.value


@pytest.mark.parametrize("engine", ENGINES)
def test_a_check_out_before_the_check_in_is_refused_naming_the_scan(tmp_path, engine):
    scans = [*SCANS, (9, "p9", "V1", at("11-03 12:00"), at("11-03 11:00")),
             (12, "p12", "V1", at("11-03 12:00"), at("11-03 11:59"))]
    refused = refusal(tmp_path, scans=scans, engine=engine)
    assert refused.field == "left_at"
    assert refused.message == "scan 9 left at 2026-11-03 11:00:00, before it was scanned at 2026-11-03 12:00:00 " \
                              "(2 scans in all)"


def test_a_visit_ending_before_it_starts_is_refused_naming_the_row_and_case(tmp_path):
    visits = [*VISITS, ("C7", "V1", at("11-03 10:00"), at("11-03 09:00"))]
    refused = refusal(tmp_path, visits=visits)
    assert refused.field == "end_at" and "row 2 of" in refused.message and "(case C7)" in refused.message
    assert "ends at 2026-11-03 09:00:00, before its start at 2026-11-03 10:00:00" in refused.message


@pytest.mark.parametrize("engine", ["duckdb", "spark"])  # Spark's refusal comes before its session starts
def test_a_missing_scan_column_is_named_with_the_file(tmp_path, engine):
    schema = pa.schema([field if field.name != "left_at" else pa.field("checkout", pa.timestamp("us"))
                        for field in SCAN_SCHEMA])
    refused = refusal(tmp_path, scan_schema=schema, engine=engine)
    assert refused.field == "left_at"
    assert "day=2026-11-03/part-0.parquet has no column 'left_at'" in refused.message
    assert "its columns are scan_id, person_id, venue_code, scanned_at, checkout" in refused.message


@pytest.mark.parametrize("column, kind, value, expected", [
    ("scan_id", pa.string(), str, "an integer (int64)"),
    ("scanned_at", pa.string(), str, "a timestamp"),
    ("person_id", pa.int64(), lambda person: int(person[1:]), "a string"),
])
def test_a_mistyped_scan_column_is_named_with_its_type(tmp_path, column, kind, value, expected):
    index = SCAN_SCHEMA.names.index(column)
    schema = SCAN_SCHEMA.set(index, pa.field(column, kind))
    rows = [row[:index] + (value(row[index]),) + row[index + 1:] for row in SCANS]
    refused = refusal(tmp_path, scans=rows, scan_schema=schema)
    assert refused.field == column and f"column {column!r} is {kind}, it must be {expected}" in refused.message


def test_a_mistyped_visit_column_is_named(tmp_path):
    schema = pa.schema([field if field.name != "end_at" else pa.field("end_at", pa.date32()) for field in VISIT_SCHEMA])
    visits = [(case, venue, start, end.date()) for case, venue, start, end in VISITS]
    refused = refusal(tmp_path, visits=visits, visit_schema=schema)
    assert refused.field == "end_at" and "column 'end_at' is date32[day], it must be a timestamp" in refused.message


def test_a_file_that_is_not_parquet_is_refused(tmp_path):
    (tmp_path / "scans" / "day=2026-11-03").mkdir(parents=True)
    (tmp_path / "scans" / "day=2026-11-03" / "part-0.parquet").write_text("scan_id,person_id\n1,p1\n")
    refused = refusal(tmp_path)
    assert refused.field == "scans" and "part-0.parquet as Parquet" in refused.message


def test_missing_files_and_empty_folders_are_refused(tmp_path):
    (tmp_path / "scans").mkdir()
    assert refusal(tmp_path).message == f"the folder {tmp_path / 'scans'} holds no .parquet file"
    with pytest.raises(RefusedInput, match="visits: .*nowhere.parquet does not exist"):
        match_files(tmp_path / "scans", tmp_path / "nowhere.parquet", tmp_path / "out.parquet")
    write_visits(tmp_path / "visits.parquet", VISITS)
    with pytest.raises(RefusedInput, match="out: the folder .*/no/such does not exist"):
        match_files(tmp_path / "scans", tmp_path / "visits.parquet", tmp_path / "no" / "such" / "m.parquet")


@pytest.mark.parametrize("column", ["person_id", "venue_code"])
def test_a_scan_without_a_person_or_venue_is_refused(tmp_path, column):
    index = SCAN_SCHEMA.names.index(column)
    scans = [*SCANS, tuple(None if i == index else v for i, v in enumerate((5, "p5", "V1", at("11-03 10:00"), None)))]
    refused = refusal(tmp_path, scans=scans)
    assert refused.field == column and refused.message.startswith(f"1 scans have no {column} (scan 5 among them)")


def test_a_visit_without_a_venue_is_refused_naming_the_row(tmp_path):
    refused = refusal(tmp_path, visits=[*VISITS, ("C2", None, at("11-03 10:00"), at("11-03 11:00"))])
    assert refused.field == "venue_code" and "row 2 of" in refused.message


@pytest.mark.parametrize("options, field, message", [
    ({"min_overlap_minutes": -1}, "min_overlap_minutes", "must be at least 0 minutes, not -1"),
    ({"default_stay_minutes": 0}, "default_stay_minutes", "must be at least 1 minute, not 0"),
    ({"default_stay_minutes": 1.5}, "default_stay_minutes", "must be a whole number of minutes, not 1.5"),
    ({"engine": "polars"}, "engine", "must be one of duckdb, spark, not 'polars'"),
    ({"spark_remote": "sc://localhost:15002"}, "spark_remote", "a Spark Connect address is for the spark engine"),
    ({"memory_limit": "lots"}, "memory_limit", ""),
])
def test_bad_options_are_refused(tmp_path, options, field, message):
    refused = refusal(tmp_path, **options)
    assert refused.field == field and message in refused.message


def test_an_existing_matches_file_is_kept_when_the_run_is_refused(tmp_path):
    out = tmp_path / "matches.parquet"
    out.write_bytes(b"yesterday's matches")
    write_visits(tmp_path / "visits.parquet", [("C7", "V1", at("11-03 10:00"), at("11-03 09:00"))])
    with pytest.raises(RefusedInput):
        match_files(write_scans(tmp_path / "scans", SCANS), tmp_path / "visits.parquet", out)
    assert out.read_bytes() == b"yesterday's matches"


@pytest.mark.parametrize("remote, message", [
    ("http://spark:15002", "a Spark Connect address looks like sc://HOST:PORT, not 'http://spark:15002'"),
    ("sc://127.0.0.1:1", "nothing answers at 127.0.0.1:1"),  # refused at once: the client itself retries for minutes
])
def test_a_spark_connect_address_that_cannot_work_is_refused_at_once(tmp_path, remote, message):
    refused = refusal(tmp_path, engine="spark", spark_remote=remote)
    assert refused.field == "spark_remote" and message in refused.message
