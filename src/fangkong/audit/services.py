"""Writing audit rows: one call per event, or one bulk insert for an export."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from fangkong import bulk

from .models import Action, AuditEvent, Reason


def record(actor, action: str, *, person=None, reason: str = "", channel: str = "web", ip: str | None = None,
           **details) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "",
        action=action, reason=reason, person=person, channel=channel, ip=ip, details=details,
    )


def record_person_views(actor, person_ids: Iterable[int], *, action: str = Action.EXPORT_PERSON,
                        reason: str = Reason.REPORTING, channel: str = "web", ip: str | None = None,
                        **details) -> int:
    return record_many(actor, action, ((pid, details) for pid in person_ids), reason=reason, channel=channel, ip=ip)


AUDIT_COLUMNS = ["at", "actor_id", "actor_name", "action", "reason", "person_id", "channel", "ip", "details"]


def record_many(actor, action: str, entries: Iterable[tuple[int, dict]], *, reason: str = "", channel: str = "web",
                ip: str | None = None) -> int:
    """One audit row per (person id, details), written in bulk: an export of a million rows, an import, a batch
    of orders. Rows that share one details dict (an export's) encode it once."""
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


def parse_reason(raw: str | None, default: str = Reason.ROUTINE) -> str:
    return raw if raw in Reason.values else default
