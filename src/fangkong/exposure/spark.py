"""The Spark engine: the same query as DuckDB's on PySpark, in local mode or on a cluster through Spark Connect.

The scans are read by Spark (the cluster's storage when remote); the visits are checked here and sent with the
job (they are small: the cases' windows). Timestamps become µs since 1970 UTC before the rule's query, as in DuckDB;
the session time zone is UTC, so a timestamp without a zone is read as the same wall-clock time in both engines.
The matches come back to this process through Arrow (one row per exposed person and window, not per scan) and are
written by `files.write_matches`, as DuckDB's are.
"""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from . import files
from .errors import RefusedInput
from .rule import ORDER, Dialect, Rule, check_sql, match_sql, refuse_bad_scans

SPARK = Dialect(epoch_us="{}", integer_division="DIV")  # the scans' view already holds µs (see `_scans_view`)
SPARK_TYPES = {
    "scan_id": ("an integer (int64)", (T.LongType, T.IntegerType, T.ShortType, T.ByteType)),
    "person_id": ("a string", (T.StringType,)),
    "venue_code": ("a string", (T.StringType,)),
    "scanned_at": ("a timestamp", (T.TimestampType, T.TimestampNTZType)),
    "left_at": ("a timestamp", (T.TimestampType, T.TimestampNTZType)),
}
LOCAL_CORES = 2
EPOCH = datetime(1970, 1, 1)  # UTC wall-clock time, as the matches are written
CONNECT_PORT = 15002  # Spark Connect's default
CONNECT_TIMEOUT_SECONDS = 10


def session(remote: str | None = None, threads: int | None = None) -> SparkSession:
    """The process's Spark session (created once, then reused): Spark Connect at `remote`, else local mode."""
    if remote:
        _reachable(remote)
        try:
            spark = SparkSession.builder.remote(remote).getOrCreate()
        except Exception as error:  # noqa: BLE001 - grpc and Spark raise many kinds; the user needs the text
            raise RefusedInput("spark_remote", f"cannot reach Spark Connect at {remote}: {error}") from None
    else:
        spark = (SparkSession.builder.master(f"local[{threads or LOCAL_CORES}]").appName("fangkong exposure match")
                 .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                 .config("spark.log.level", "ERROR")
                 .config("spark.sql.shuffle.partitions", str(4 * (threads or LOCAL_CORES)))
                 .getOrCreate())
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.legacy.parquet.nanosAsLong", "true")  # nanosecond timestamps arrive as longs
    return spark


def _local_scan_files(scans, remote: str | None) -> list[Path] | None:
    """The scans' files checked here (as for DuckDB, naming the file) unless they are a cluster's URL."""
    if remote and "://" in str(scans) and not Path(scans).exists():
        return None
    return files.scan_files(scans)


def _reachable(remote: str) -> None:
    """Refuse a Spark Connect address that is malformed or where nothing listens: the client would retry for minutes."""
    address = urlsplit(remote)
    try:
        host, port = address.hostname, address.port or CONNECT_PORT
    except ValueError:
        host = None
    if address.scheme != "sc" or not host:
        raise RefusedInput("spark_remote", f"a Spark Connect address looks like sc://HOST:PORT, not {remote!r}")
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_SECONDS).close()
    except OSError as error:
        raise RefusedInput("spark_remote", f"nothing answers at {host}:{port} ({error})") from None


def _read_scans(spark: SparkSession, scans, local_files: list[Path] | None) -> tuple[DataFrame, set[str]]:
    """The scans as Spark reads them, and the columns proven free of nulls by the footers (local files only)."""
    if local_files is not None:
        return (spark.read.parquet(*[str(f) for f in local_files]),
                files.null_free_columns(local_files, files.SCAN_REQUIRED))
    frame = spark.read.parquet(str(scans))
    for name, (expected, kinds) in SPARK_TYPES.items():
        if name not in frame.columns:
            raise RefusedInput(name, f"{scans} has no column {name!r}; its columns are {', '.join(frame.columns)}")
        if not isinstance(frame.schema[name].dataType, kinds):
            raise RefusedInput(name, f"{scans}: column {name!r} is {frame.schema[name].dataType.simpleString()}, "
                                     f"it must be {expected}")
    return frame, set()


def _microseconds(frame: DataFrame, column: str) -> str:
    """The SQL giving a timestamp column as µs since 1970 UTC (a nanosecond one was read as a long)."""
    if isinstance(frame.schema[column].dataType, T.LongType):
        return f"div({column}, 1000)"
    return f"unix_micros(CAST({column} AS TIMESTAMP))"


def _scans_view(frame: DataFrame) -> DataFrame:
    return frame.selectExpr("scan_id", "person_id", "venue_code",
                            f"{_microseconds(frame, 'scanned_at')} AS scanned_at",
                            f"{_microseconds(frame, 'left_at')} AS left_at")


def _timestamp(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def match(scans, visits: files.Visits, *, rule: Rule, remote: str | None = None, threads: int | None = None
          ) -> pa.Table:
    local_files = _local_scan_files(scans, remote)  # refused before a JVM starts when the files are at hand
    spark = session(remote, threads)
    frame, proven = _read_scans(spark, scans, local_files)
    _scans_view(frame).createOrReplaceTempView("fangkong_scans")
    nullable = [c for c in files.SCAN_REQUIRED if c not in proven]
    row = spark.sql(check_sql("fangkong_scans", nullable)).collect()[0]
    refuse_bad_scans(row, nullable, lambda scan_id: [_timestamp(us) for us in spark.sql(
        f"SELECT scanned_at, left_at FROM fangkong_scans WHERE scan_id = {int(scan_id)} AND left_at < scanned_at "
        "LIMIT 1").collect()[0]])
    if visits.latest_end_us is None:
        return files.MATCH_SCHEMA.empty_table()
    windows = spark.createDataFrame(visits.table)
    windows.createOrReplaceTempView("fangkong_visits")
    found = (spark.sql(match_sql("fangkong_scans", "fangkong_visits", rule, visits.latest_end_us, SPARK)).toArrow())
    found = found.sort_by([(column, "ascending") for column in ORDER])
    return pa.table({
        "scan_id": found["scan_id"].cast(pa.int64()), "person_id": found["person_id"],
        "case_id": found["case_id"], "venue_code": found["venue_code"],
        "overlap_start": found["overlap_start_us"].cast(pa.int64()).cast(pa.timestamp("us")),
        "overlap_minutes": found["overlap_minutes"].cast(pa.int32()),
    }, schema=files.MATCH_SCHEMA)
