"""The contract of the matcher's files, checked before any engine runs.

Scans: a Parquet file or a folder of them (the daily export writes `scans/day=YYYY-MM-DD/*.parquet`), columns
`scan_id` (integer), `person_id`, `venue_code` (strings), `scanned_at`, `left_at` (timestamps; `left_at` null when
nobody checked out). Visits: one Parquet file, `case_id`, `venue_code` (strings), `start_at`, `end_at` (timestamps).
Other columns are ignored. Timestamps are read as instants in UTC: a timestamp without a time zone is taken as
UTC wall-clock time, one with a zone is converted, so both engines see the same microseconds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import RefusedInput

TypeCheck = Callable[[pa.DataType], bool]


def _is_string(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)


INTEGER: tuple[str, TypeCheck] = ("an integer (int64)", pa.types.is_integer)
STRING: tuple[str, TypeCheck] = ("a string", _is_string)
TIMESTAMP: tuple[str, TypeCheck] = ("a timestamp", pa.types.is_timestamp)

SCAN_COLUMNS = {"scan_id": INTEGER, "person_id": STRING, "venue_code": STRING, "scanned_at": TIMESTAMP,
                "left_at": TIMESTAMP}
SCAN_REQUIRED = ("scan_id", "person_id", "venue_code", "scanned_at")  # left_at alone may be null
VISIT_COLUMNS = {"case_id": STRING, "venue_code": STRING, "start_at": TIMESTAMP, "end_at": TIMESTAMP}

MATCH_SCHEMA = pa.schema([
    ("scan_id", pa.int64()), ("person_id", pa.string()), ("case_id", pa.string()), ("venue_code", pa.string()),
    ("overlap_start", pa.timestamp("us")), ("overlap_minutes", pa.int32()),
])


def check_schema(schema: pa.Schema, columns: dict[str, tuple[str, TypeCheck]], where: str) -> None:
    """Refuse a missing or mistyped column, naming it, its type and the file."""
    for name, (expected, is_expected) in columns.items():
        index = schema.get_field_index(name)
        if index < 0:
            raise RefusedInput(name, f"{where} has no column {name!r}; its columns are {', '.join(schema.names)}")
        found = schema.field(index).type
        if not is_expected(found):
            raise RefusedInput(name, f"{where}: column {name!r} is {found}, it must be {expected}")


def scan_files(path: str | Path) -> list[Path]:
    """Every Parquet file of the scans (a file, or a folder read recursively), each with the columns checked."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.parquet") if not p.name.startswith((".", "_")))
        if not files:
            raise RefusedInput("scans", f"the folder {path} holds no .parquet file")
    elif path.is_file():
        files = [path]
    else:
        raise RefusedInput("scans", f"{path} does not exist")
    for file in files:
        check_schema(_schema_of(file, "scans"), SCAN_COLUMNS, str(file))
    return files


def _schema_of(file: Path, field: str) -> pa.Schema:
    try:
        return pq.read_schema(file)
    except (OSError, pa.ArrowException) as error:
        raise RefusedInput(field, f"cannot read {file} as Parquet: {error}") from None


def null_free_columns(files: list[Path], columns: tuple[str, ...]) -> set[str]:
    """The columns whose Parquet statistics prove them free of nulls in every row group (read from the footers)."""
    proven = set(columns)
    for file in files:
        metadata = pq.ParquetFile(file).metadata
        positions = {metadata.schema.column(i).name: i for i in range(metadata.num_columns)}
        for group in range(metadata.num_row_groups):
            row_group = metadata.row_group(group)
            for name in list(proven):
                statistics = row_group.column(positions[name]).statistics
                if statistics is None or not statistics.has_null_count or statistics.null_count:
                    proven.discard(name)
    return proven


@dataclass(frozen=True)
class Visits:
    """The cases' exposure windows, checked, with the window as UTC microseconds (copies are removed by the query)."""

    table: pa.Table  # case_id, venue_code, start_us, end_us

    @property
    def latest_end_us(self) -> int | None:
        return pc.max(self.table["end_us"]).as_py()


def microseconds(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A timestamp column as int64 microseconds since 1970-01-01 UTC (nanoseconds truncated, as DuckDB and Spark do)."""
    return column.cast(pa.timestamp("us", tz=column.type.tz), safe=False).cast(pa.int64())


def read_visits(path: str | Path) -> Visits:
    path = Path(path)
    if not path.is_file():
        raise RefusedInput("visits", f"{path} does not exist" if not path.exists() else f"{path} is not a file")
    check_schema(_schema_of(path, "visits"), VISIT_COLUMNS, str(path))
    try:
        table = pq.ParquetFile(path).read(columns=list(VISIT_COLUMNS))  # read_table would load pyarrow.dataset
    except (OSError, pa.ArrowException) as error:
        raise RefusedInput("visits", f"cannot read {path} as Parquet: {error}") from None
    for name in VISIT_COLUMNS:
        nulls = table[name].is_null()
        if pc.any(nulls).as_py():
            row = pc.index(nulls, True).as_py()
            raise RefusedInput(name, f"row {row + 1} of {path} has no {name} ({pc.sum(nulls).as_py()} rows in all)")
    start_us, end_us = microseconds(table["start_at"]), microseconds(table["end_at"])
    backwards = pc.less(end_us, start_us)
    if pc.any(backwards).as_py():
        row = pc.index(backwards, True).as_py()
        raise RefusedInput("end_at", f"row {row + 1} of {path} (case {table['case_id'][row]}) ends at "
                                     f"{table['end_at'][row]}, before its start at {table['start_at'][row]} "
                                     f"({pc.sum(backwards).as_py()} rows in all)")
    return Visits(pa.table({"case_id": table["case_id"].cast(pa.string()),
                            "venue_code": table["venue_code"].cast(pa.string()),
                            "start_us": start_us, "end_us": end_us}))


def first_backwards_scan(count: int, scan_id: int, scanned_at, left_at) -> RefusedInput:
    """The refusal of scans checked out before their check-in (the stay would be negative): refused, not dropped."""
    others = f" ({count} scans in all)" if count > 1 else ""
    return RefusedInput("left_at", f"scan {scan_id} left at {left_at}, before it was scanned at {scanned_at}{others}")


def null_scan_column(name: str, count: int, example_scan: int | None) -> RefusedInput:
    which = f" (scan {example_scan} among them)" if example_scan is not None else ""
    return RefusedInput(name, f"{count} scans have no {name}{which}; only left_at may be empty")


def writable(out) -> Path:
    out = Path(out)
    if out.is_dir():
        raise RefusedInput("out", f"{out} is a folder; give the path of the Parquet file to write")
    if not out.parent.is_dir():
        raise RefusedInput("out", f"the folder {out.parent} does not exist")
    return out


def write_matches(table: pa.Table, out: Path) -> None:
    """The matches in the contract's types, written whole or not at all (a partial file, then a rename)."""
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        pq.write_table(table.cast(MATCH_SCHEMA), partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
