"""Writing audit rows, one function per kind of event: a change of state (`record_change`; a batch writes
`record_many` with a `changes(...)` per person), a sight of people (`record_person_views`; `seen` for
records naming a person), and anything else (`record`: logins, tokens). Each names the actor; the channel
and the client's IP come from `fangkong.actors` unless given. Details hold the before and after of what
changed, never raw ID numbers or phones: the person is the row's FK."""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

from fangkong import actors, bulk

from .models import Action, AuditEvent, Reason


def _channel_and_ip(channel: str | None, ip: str | None) -> tuple[str, str | None]:
    actor = actors.current()
    return (actor.channel if channel is None else channel), (actor.ip if ip is None else ip)


def record(actor, action: str, *, person=None, reason: str = "", channel: str | None = None, ip: str | None = None,
           **details) -> AuditEvent:
    channel, ip = _channel_and_ip(channel, ip)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "",
        action=action, reason=reason, person=person, channel=channel, ip=ip,
        details={key: plain(value) for key, value in details.items()},
    )


def plain(value):
    """A value as JSON holds it: dates as ISO text, decimals as text, records by their key, choices by value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def changes(subject: models.Model, before: dict, after: dict, **details) -> dict:
    """The details of one change of `subject`: which record, and {field: [before, after]} for each field
    that changed (a field absent from `before` was empty: the record is new)."""
    changed = {field: [plain(before.get(field)), plain(value)] for field, value in after.items()
               if plain(before.get(field)) != plain(value)}
    return {"record": subject._meta.model_name, "id": subject.pk, "changes": changed,
            **{key: plain(value) for key, value in details.items()}}


def record_change(actor, action: str, subject: models.Model, *, before: dict, after: dict, person=None,
                  **details) -> AuditEvent:
    """One change of state of `subject` (a new record has an empty `before`)."""
    return record(actor, action, person=person, **changes(subject, before, after, **details))


def record_person_views(actor, person_ids: Iterable[int | None], *, action: str = Action.VIEW_PERSON,
                        reason: str | None = None, channel: str | None = None, ip: str | None = None,
                        **details) -> int:
    """Every person shown (a page of a list, a detail, an export's chunk): one row each, in bulk. `details`
    say where (e.g. surface="cases"); the reason is routine work on a page, another system's over the API."""
    details = plain(details)
    return _views(actor, action, ((pid, details) for pid in person_ids if pid), reason, channel, ip)


def _views(actor, action: str, entries, reason: str | None, channel: str | None, ip: str | None) -> int:
    channel, ip = _channel_and_ip(channel, ip)
    if reason is None:
        reason = Reason.INTEGRATION if channel == actors.API else Reason.ROUTINE
    return record_many(actor, action, entries, reason=reason, channel=channel, ip=ip)


def seen(actor, records, *, surface: str, reason: str | None = None):
    """Audit the person each of `records` names (a page of cases, orders, alerts…) as seen on `surface`: by the
    person's FK, or, for someone not in the register (an assist request's, a traveller passing through), by the
    record that names them. Returns the records, for `on_page` of an API list."""
    records, where = list(records), {"surface": surface}
    _views(actor, Action.VIEW_PERSON, [(r.person_id, where) if r.person_id else
                                       (None, {**where, "record": r._meta.model_name, "id": r.pk}) for r in records],
           reason, None, None)
    return records


AUDIT_COLUMNS = ["at", "actor_id", "actor_name", "action", "reason", "person_id", "channel", "ip", "details"]


def record_many(actor, action: str, entries: Iterable[tuple[int | None, dict]], *, reason: str = "",
                channel: str | None = None, ip: str | None = None) -> int:
    """One audit row per (person id, details), written in bulk: an export of a million rows, an import, a batch
    of orders. Rows that share one details dict (an export's) encode it once."""
    channel, ip = _channel_and_ip(channel, ip)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    actor_id, name = getattr(actor, "pk", None), getattr(actor, "username", "") or ""
    count, last, text = 0, None, ""

    def rows():
        nonlocal count, last, text
        for person_id, details in entries:
            if details is not last:
                last, text = details, json.dumps(details, ensure_ascii=False, default=str)
            count += 1
            yield (at, actor_id, name, action, reason, person_id, channel, ip, text)

    bulk.write_rows(AuditEvent, AUDIT_COLUMNS, rows())
    return count


def insert_sql(actor, action: str, source: str, *, reason: str = "", channel: str | None = None,
               ip: str | None = None) -> tuple[str, list]:
    """The INSERT of one audit row per row of `source`, a SELECT yielding `person_id` and `details` (jsonb built as
    `changes` builds it: record, id, {field: [before, after]}), for a batch written in the database (PostgreSQL):
    a data-modifying statement, or a part of one (WITH ...). Returns the SQL and the parameters that come before
    `source`'s own."""
    channel, ip = _channel_and_ip(channel, ip)
    columns = ", ".join(AUDIT_COLUMNS)
    return (f"INSERT INTO {AuditEvent._meta.db_table} ({columns}) SELECT %s, %s, %s, %s, %s, entries.person_id, %s, "
            f"%s, entries.details FROM ({source}) AS entries",
            [timezone.now(), getattr(actor, "pk", None), getattr(actor, "username", "") or "", action, reason,
             channel, ip])


def parse_reason(raw: str | None, default: str = Reason.ROUTINE) -> str:
    return raw if raw in Reason.values else default
