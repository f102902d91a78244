"""Writing audit rows: one call per event, or one bulk insert for an export."""

from __future__ import annotations

from collections.abc import Iterable

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


def record_many(actor, action: str, entries: Iterable[tuple[int, dict]], *, reason: str = "", channel: str = "web",
                ip: str | None = None) -> int:
    """One audit row per (person id, details), in one bulk insert: an export, an import, a batch of orders."""
    rows = [
        AuditEvent(actor=actor, actor_name=actor.username, action=action, reason=reason,
                   person_id=pid, channel=channel, ip=ip, details=details)
        for pid, details in entries
    ]
    bulk.insert(rows)
    return len(rows)


def parse_reason(raw: str | None, default: str = Reason.ROUTINE) -> str:
    return raw if raw in Reason.values else default
