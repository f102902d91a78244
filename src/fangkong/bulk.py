"""Bulk writes that bypass per-row ORM saves: COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
from django.core.management.color import no_style
from django.db import connection, connections, models

from .bytestrings import ByteStrings


def write_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence],
               binary: bool = False) -> None:
    """Plain rows into `model`'s table; a clash raises Django's IntegrityError, as an ORM save would.

    `binary`: on PostgreSQL, COPY in the binary format, about three times cheaper for the server than
    parsing text; every value must then be of its column's Python type (a date, not a string)."""
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            if binary:
                cursor.execute("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
                               "AND attname = ANY(%s)", [model._meta.db_table, list(columns)])
                types = dict(cursor.fetchall())
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")) \
                    as copy:
                if binary:
                    copy.set_types([types[c] for c in columns])
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",
                               list(rows))


# PostgreSQL's binary COPY: its header and trailer, and each column type's big-endian form (dates and times
# counted from 2000-01-01, times in microseconds).
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\0" + bytes(8)
COPY_TRAILER = b"\xff\xff"
PG_EPOCH = np.datetime64("2000-01-01", "D")
PG_INTEGERS = {20: ">i8", 23: ">i4", 21: ">i2"}
PG_STRINGS = {25, 1043, 1042, 17}  # text, varchar, char, bytea: the bytes as they are
PG_DATE, PG_TIMESTAMPS = 1082, {1114, 1184}

Column = ByteStrings | np.ndarray | str | bytes | int | dt.datetime | dt.date


def write_columns(model: type[models.Model], columns: Mapping[str, Column],
                  nulls: Mapping[str, np.ndarray] | None = None) -> None:
    """Rows given column by column: each a `ByteStrings` (text, bytea), a numpy array (integers, dates as
    datetime64[D], times as datetime64[us] in UTC) or one value for every row; `nulls` marks the NULLs of a
    column (whose strings there are empty). On PostgreSQL the whole batch becomes one binary COPY buffer with
    a few numpy operations per column, whatever the number of rows; elsewhere `write_rows`."""
    nulls = nulls or {}
    count = next(len(v) for v in columns.values() if isinstance(v, ByteStrings | np.ndarray))
    if connection.vendor != "postgresql":
        binary = {f.column for f in model._meta.concrete_fields if isinstance(f, models.BinaryField)}
        values = [_python_values(value, count, nulls.get(name), name in binary) for name, value in columns.items()]
        write_rows(model, list(columns), zip(*values))
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attname = ANY(%s)",
                       [model._meta.db_table, list(columns)])
        types = dict(cursor.fetchall())
        parts = [ByteStrings.fixed(np.full(count, len(columns), dtype=">i2").view(np.uint8).reshape(count, 2))]
        for name, value in columns.items():
            field = _binary_field(types[name], value, count)
            null = nulls.get(name)
            lengths = field.lengths if null is None else np.where(null, -1, field.lengths)
            parts += [ByteStrings.fixed(lengths.astype(">i4").view(np.uint8).reshape(count, 4)), field]
        buffer = ByteStrings.join(*parts).data
        names = ", ".join(quote(c) for c in columns)
        with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(COPY_SIGNATURE + buffer.tobytes() + COPY_TRAILER)


def _binary_field(type_oid: int, value: Column, count: int) -> ByteStrings:
    if isinstance(value, ByteStrings):
        if type_oid not in PG_STRINGS:
            raise TypeError(f"byte strings for a column of type {type_oid}")
        return value
    if isinstance(value, str | bytes):
        return ByteStrings.constant(value, count)
    array = np.asarray(value)
    if array.ndim == 0:
        array = np.full(count, value if not isinstance(value, dt.datetime)
                        else np.datetime64(value.astimezone(dt.UTC).replace(tzinfo=None), "us"))
    if type_oid in PG_INTEGERS:
        encoded = array.astype(PG_INTEGERS[type_oid])
    elif type_oid == PG_DATE:
        encoded = (array.astype("datetime64[D]") - PG_EPOCH).astype(">i4")
    elif type_oid in PG_TIMESTAMPS:
        encoded = (array.astype("datetime64[us]") - PG_EPOCH).astype(">i8")
    else:
        raise TypeError(f"no binary form for column type {type_oid}")
    return ByteStrings.fixed(encoded.view(np.uint8).reshape(count, encoded.itemsize))


def _python_values(value: Column, count: int, null: np.ndarray | None, binary: bool) -> list:
    """A column's values as the driver takes them (for `write_rows`)."""
    if isinstance(value, ByteStrings):
        values = value.tobytes() if binary else value.tolist()
    elif isinstance(value, np.ndarray):
        values = value.astype(object).tolist() if value.dtype.kind == "M" else value.tolist()
    else:
        values = [connection.ops.adapt_datetimefield_value(value) if isinstance(value, dt.datetime) else value] * count
    return values if null is None else [None if n else v for v, n in zip(values, null.tolist())]


def stage(name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence]) -> str:
    """On PostgreSQL, inside a transaction: a temporary table `name` ((column, SQL type) pairs) holding `rows`,
    COPY'd in, dropped at commit (or replaced by the next call in the same transaction), for the set-based
    statements that join it (a batch checked and written in the database, not row by row). Returns its name."""
    assert connection.vendor == "postgresql" and connection.in_atomic_block, "stage() is for a PostgreSQL transaction"
    quote = connection.ops.quote_name
    table = quote(name)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} ({', '.join(f'{quote(c)} {t}' for c, t in columns)}) "
                       "ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {table}")
    return table


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def insert(objects: Sequence[models.Model]) -> None:
    """Insert new model instances and give them their ids, as bulk_create does, faster: building one INSERT of
    thousands of parameters costs more than the rows themselves. On PostgreSQL by COPY, with the ids drawn
    from the table's sequence first (safe beside other writers); on SQLite inside a transaction, by one
    prepared INSERT run for every row (the transaction holds SQLite's only write lock, so the ids it gives
    are consecutive and end at last_insert_rowid()); elsewhere by bulk_create."""
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(objects)])
            for obj, (pk,) in zip(objects, cursor.fetchall()):
                obj.pk = pk
        fields = list(meta.concrete_fields)
    elif connection.vendor == "sqlite" and connection.in_atomic_block:
        fields = [f for f in meta.concrete_fields if f is not meta.pk]
    else:
        model.objects.bulk_create(objects, batch_size=1000)
        return
    values = [_value_of(f) for f in fields]
    write_rows(model, [f.column for f in fields], ([value(obj) for value in values] for obj in objects))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
        for obj, pk in zip(objects, range(last - len(objects) + 1, last + 1)):
            obj.pk = pk
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias


def _value_of(field: models.Field):
    """How to read one column's value off an instance for the database: the attribute itself where the driver
    takes it as it is (one getattr: the Field's own preparation costs more than the row), else the Field's
    preparation (SQLite stores times and decimals as Django writes them)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    if isinstance(field, models.JSONField):
        return lambda obj: json.dumps(getattr(obj, field.attname), cls=field.encoder, ensure_ascii=False)
    as_is = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.BinaryField,
             models.ForeignKey, models.AutoField, models.BigAutoField, models.FloatField)
    if connection.vendor == "postgresql":
        as_is += (models.DateTimeField, models.DateField, models.DecimalField)
    if isinstance(field, as_is):
        return operator.attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(getattr(obj, field.attname), connection)


def update(objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write `fields` of stored instances, as bulk_update does, but on PostgreSQL from a COPY-filled
    temporary table in one UPDATE ... FROM: bulk_update's CASE per row grows with the square of the batch."""
    if not objects:
        return
    model = type(objects[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields, batch_size=500)
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    table, temp = quote(meta.db_table), quote(f"bulk_update_{meta.db_table}")
    names = ", ".join(quote(c.column) for c in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} AS SELECT {quote(meta.pk.column)}, {names} FROM {table} "
                       "WITH NO DATA")
        values = [_value_of(c) for c in columns]
        with cursor.cursor.copy(f"COPY {temp} ({quote(meta.pk.column)}, {names}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([obj.pk] + [value(obj) for value in values])
        assignments = ", ".join(f"{quote(c.column)} = {temp}.{quote(c.column)}" for c in columns)
        cursor.execute(f"UPDATE {table} SET {assignments} FROM {temp} "
                       f"WHERE {table}.{quote(meta.pk.column)} = {temp}.{quote(meta.pk.column)}")
        cursor.execute(f"DROP TABLE {temp}")


@contextmanager
def indexes_set_aside(*model_classes: type[models.Model], parallel: int = 1):
    """On PostgreSQL, outside a transaction, drop the secondary indexes, unique and foreign-key constraints of
    the models' tables for a bulk load and build them again after it (each index once over the loaded table,
    not one row at a time), `parallel` at a time on connections of their own; the primary keys stay.
    Inside a transaction (whose deferred checks forbid altering the tables) and elsewhere nothing changes."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    tables = [m._meta.db_table for m in model_classes]
    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
                       "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('u', 'f') "
                       "ORDER BY conname", [tables])
        constraints = cursor.fetchall()
        cursor.execute("SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                       "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT EXISTS "
                       "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1", [tables])
        indexes = cursor.fetchall()
        for table, name, _, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        # Indexes (a unique constraint's first, as an index) in parallel; then the constraints, which lock the table.
        builds = [definition for _, definition in indexes]
        builds += [f'CREATE UNIQUE INDEX "{name}" ON {table} {definition.removeprefix("UNIQUE ")}'
                   for table, name, kind, definition in constraints if kind == "u"]
        _run_all(builds, parallel)
        with connection.cursor() as cursor:
            for table, name, kind, definition in constraints:
                using = f'UNIQUE USING INDEX "{name}"' if kind == "u" else definition
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {using}')


def _run_all(statements: list[str], parallel: int) -> None:
    def run(statement: str) -> None:
        with connections["default"].cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(statement)
        if parallel > 1:
            connections["default"].close()

    if parallel <= 1:
        for statement in statements:
            run(statement)
        return
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(run, statements))
