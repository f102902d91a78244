"""The per-owner daily roll-up behind the dashboard: one row per (owner, figure, day) holding a count.

The counts are kept by database triggers on the counted tables (PostgreSQL and SQLite alike), so every
write that changes a counted row — a service's save, `bulk.insert`'s COPY, `bulk.update`'s UPDATE ... FROM,
a sweep's conditional update, a raw statement, a deletion by cascade — adjusts the roll-up in the same
transaction: it is never wrong and never late, and no write path has to remember to call anything.
Each trigger takes the row's old contribution off and puts the new one on with an upsert, which
PostgreSQL serialises on the counter row, so concurrent writers add up.

`COUNTED` is the one statement of what is counted; `recount()` recomputes the roll-up from the rows with
plain GROUP BY queries (the check `fangkong rollup --check` and the tests compare the two), and
`install()` (run by the migration) creates the triggers and fills the table from the rows.
Figures that depend on the clock as well as on the rows (what is overdue at this moment, today's new
cases) are not rolled up: the dashboard counts them from the rows on each call.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import connection

TABLE = "dashboard_dailycount"
# The `day` of a figure that is a standing state (an open case, an active order), not a count for one day.
STANDING = dt.date(1, 1, 1)
OPEN_ALERT = "{r}.status IN ('open', 'acknowledged')"
OPEN_CASE = "{r}.closed_at IS NULL AND {r}.classification <> 'excluded'"


@dataclass(frozen=True)
class Source:
    table: str
    figures: dict[str, str]  # figure -> the condition on a row ({r} is NEW or OLD)
    columns: tuple[str, ...]  # the columns the conditions read: an update of any other leaves the counts alone
    day: str | None = None  # the column a figure is counted per day by; None for standing figures


COUNTED = [
    Source("cases_case", {
        "suspected": OPEN_CASE + " AND {r}.classification = 'suspected'",
        "confirmed": OPEN_CASE + " AND {r}.classification = 'confirmed'",
        "asymptomatic": OPEN_CASE + " AND {r}.classification = 'asymptomatic'",
        "severe": OPEN_CASE + " AND {r}.severity = 'severe'",
        "critical": OPEN_CASE + " AND {r}.severity = 'critical'",
    }, ("owner_path", "closed_at", "classification", "severity")),
    Source("quarantine_order", {
        "home_observation": "{r}.status = 'active' AND {r}.kind = 'home'",
        "central_quarantine": "{r}.status = 'active' AND {r}.kind = 'central'",
    }, ("owner_path", "status", "kind")),
    Source("quarantine_readingslot", {
        "readings_due": "1 = 1",
        "readings_done": "{r}.status = 'done'",
        "readings_missed": "{r}.status = 'missed'",
    }, ("owner_path", "status", "day"), day="day"),
    Source("quarantine_alert", {
        "fever_alerts": OPEN_ALERT + " AND {r}.kind = 'fever'",
        "missed_alerts": OPEN_ALERT + " AND {r}.kind = 'missed'",
    }, ("owner_path", "status", "kind")),
]
ROLLED_UP = [figure for source in COUNTED for figure in source.figures]


def _day_sql(source: Source, row: str) -> str:
    if source.day:
        return f"{row}.{source.day}"
    # PostgreSQL types a bare literal as text (which a UNION with a date column refuses); SQLite keeps dates as text.
    return f"DATE '{STANDING.isoformat()}'" if connection.vendor == "postgresql" else f"'{STANDING.isoformat()}'"


def _adjust(source: Source, row: str, sign: int) -> list[str]:
    """One upsert per figure: add `sign` to the counter of `row`'s owner and day when `row` counts in it."""
    return [
        f"INSERT INTO {TABLE} (owner_path, figure, day, n) "
        f"SELECT {row}.owner_path, '{figure}', {_day_sql(source, row)}, {sign} WHERE {condition.format(r=row)} "
        f"ON CONFLICT (owner_path, figure, day) DO UPDATE SET n = {TABLE}.n + excluded.n;"
        for figure, condition in source.figures.items()
    ]


def _changed(source: Source, vendor: str) -> str:
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in source.columns)


def trigger_sql(source: Source, vendor: str) -> list[str]:
    """The statements that make `source`'s table keep its figures in the roll-up."""
    events = {"insert": _adjust(source, "NEW", 1), "delete": _adjust(source, "OLD", -1),
              "update": _adjust(source, "OLD", -1) + _adjust(source, "NEW", 1)}
    name = f"rollup_{source.table}"
    statements = drop_sql(source, vendor)
    for event, body in events.items():
        when = f"WHEN ({_changed(source, vendor)}) " if event == "update" else ""
        if vendor == "postgresql":
            result = "NEW" if event != "delete" else "OLD"
            statements += [
                f"CREATE FUNCTION {name}_{event}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + " ".join(body) + f" RETURN {result}; END $$",
                f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {source.table} FOR EACH ROW {when}"
                f"EXECUTE FUNCTION {name}_{event}()",
            ]
        else:
            statements.append(f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {source.table} "
                              f"FOR EACH ROW {when}BEGIN " + " ".join(body) + " END")
    return statements


def drop_sql(source: Source, vendor: str) -> list[str]:
    name = f"rollup_{source.table}"
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {name}_{event}() CASCADE" for event in ("insert", "delete", "update")]
    return [f"DROP TRIGGER IF EXISTS {name}_{event}" for event in ("insert", "delete", "update")]


def recount_sql() -> str:
    """The roll-up as the rows give it now: one GROUP BY per figure."""
    parts = [
        f"SELECT owner_path, '{figure}' AS figure, {_day_sql(source, source.table)} AS day, COUNT(*) AS n "
        f"FROM {source.table} WHERE {condition.format(r=source.table)} GROUP BY owner_path"
        + (f", {source.day}" if source.day else "")
        for source in COUNTED for figure, condition in source.figures.items()
    ]
    return " UNION ALL ".join(parts)


def install(execute=None) -> None:
    """Create the triggers and fill the roll-up from the rows (in the caller's transaction)."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        run = execute or cursor.execute
        for source in COUNTED:
            for statement in trigger_sql(source, vendor):
                run(statement)
        run(f"DELETE FROM {TABLE}")
        run(f"INSERT INTO {TABLE} (owner_path, figure, day, n) {recount_sql()}")


def uninstall(execute=None) -> None:
    with connection.cursor() as cursor:
        run = execute or cursor.execute
        for source in COUNTED:
            for statement in drop_sql(source, connection.vendor):
                run(statement)


def _as_key(owner: str, figure: str, day) -> tuple[str, str, dt.date]:
    return owner, figure, day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))


def stored() -> Counter:
    """The roll-up as kept, zero counters left out."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT owner_path, figure, day, n FROM {TABLE} WHERE n <> 0")
        return Counter({_as_key(o, f, d): n for o, f, d, n in cursor.fetchall()})


def recount() -> Counter:
    with connection.cursor() as cursor:
        cursor.execute(recount_sql())
        return Counter({_as_key(o, f, d): n for o, f, d, n in cursor.fetchall()})


def differences() -> dict[tuple, tuple[int, int]]:
    """Every counter where the roll-up and a recount of the rows disagree: {key: (kept, recounted)}."""
    kept, counted = stored(), recount()
    return {key: (kept[key], counted[key]) for key in kept.keys() | counted.keys() if kept[key] != counted[key]}


def prune() -> int:
    """Drop counters that have fallen to zero (a day long past, an owner emptied); they count for nothing."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE n = 0")
        return cursor.rowcount
