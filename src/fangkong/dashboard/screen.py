"""The hall screen (大屏): the dashboard's figures ranked for a wall, and the records behind any figure.

The screen is a fixed page of panels that each refresh on their own (htmx polling); this module decides what
each panel holds. The counting itself is `services.summary`; the records behind a figure are read with the
very conditions that count it (`figure_records`), so a list always has as many rows as its tile says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.accounts.scoping import NotFound
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.quarantine.models import Order, ReadingSlot
from fangkong.warning.models import Task

from . import services


class Severity:
    """How loudly a figure calls for action when it is not zero: the screen ranks and colours by this."""

    ALARM = 3  # someone is overdue or in danger: act now
    WARN = 2  # the epidemic's own numbers
    INFO = 1  # the size of the watch


SEVERITY = {
    "critical": Severity.ALARM, "fever_alerts": Severity.ALARM, "missed_alerts": Severity.ALARM,
    "readings_missed": Severity.ALARM, "overdue_ledger": Severity.ALARM, "overdue_assist": Severity.ALARM,
    "overdue_handovers": Severity.ALARM, "overdue_follow_ups": Severity.ALARM,
    "overdue_admissions": Severity.ALARM,
    "confirmed": Severity.WARN, "new_cases_today": Severity.WARN, "severe": Severity.WARN,
    "suspected": Severity.WARN, "asymptomatic": Severity.WARN,
    "home_observation": Severity.INFO, "central_quarantine": Severity.INFO, "readings_due": Severity.INFO,
    "readings_done": Severity.INFO,
}
SEVERITY_CLASS = {Severity.ALARM: "alarm", Severity.WARN: "warn", Severity.INFO: "info"}


@dataclass(frozen=True)
class RankedTile:
    tile: services.Tile
    severity: int

    @property
    def css(self) -> str:
        """A zero alarm is calm: only a figure that calls for action is coloured."""
        return SEVERITY_CLASS[self.severity] if self.tile.value else "calm"


def ranked(tiles: list[services.Tile]) -> list[RankedTile]:
    """The figures the role may see, loudest first: alarms that are not zero, then by severity, then by size.

    A figure the role may not see is left off the wall (the desk dashboard says it is withheld)."""
    shown = [RankedTile(t, SEVERITY[t.name]) for t in tiles if t.allowed]
    return sorted(shown, key=lambda r: (-(r.severity if r.tile.value else 0), -r.severity, -(r.tile.value or 0)))


def open_tasks(node: Jurisdiction, limit: int = 6) -> list[Task]:
    """The playbook tasks still open in the subtree, the most overdue first (drills left out)."""
    return list(Task.objects.filter(owner_path__startswith=node.path, done_at=None, playbook__exercise=False)
                .select_related("owner").order_by("due_at", "id")[:limit])


PANELS = ("figures", "map", "curve", "level", "testing")


def panel_or_404(name: str) -> str:
    if name not in PANELS:
        raise NotFound()
    return name


def as_of(now: dt.datetime | None = None) -> dt.datetime:
    return timezone.localtime(now or timezone.now())


# When each kind of record behind a figure is due or happened: the list shows it and is ordered by it.
WHEN = {"case": "detected_at", "order": "starts_at", "readingslot": "closes_at", "alert": "raised_at",
        "symptomreport": "deadline", "assistrequest": "deadline", "handover": "due_at", "arrival": "follow_up_due",
        "admission": "waiting_since"}
KINDS = {"case": _("Case"), "order": _("Observation order"), "readingslot": _("Reading window"), "alert": _("Alert"),
         "symptomreport": _("Symptom report"), "assistrequest": _("Assist request"), "handover": _("Handover"),
         "arrival": _("Arrival"), "admission": _("Waiting for a bed")}


def figure_records(actor, node: Jurisdiction, name: str, now: dt.datetime | None = None) -> QuerySet:
    """The rows that `node`'s figure `name` counts, as far as `actor` may see them, most urgent first.

    The same conditions as the count (`services._sources`), so the list and its tile agree; a figure the
    role may not see, or records naming people a role may not see, are refused (403); an unknown figure is 404."""
    if name not in services.FIGURES:
        raise NotFound()
    if not services.may_see_figure(actor, name):
        raise PermissionDenied(_("Your role may not see this figure"))
    if not access.may_see_persons(actor):  # a published count, but the records behind it name people
        raise PermissionDenied(_("Your role may not see the people behind this figure"))
    now = now or timezone.now()
    for queryset, figures in services._sources(timezone.localdate(now), now):
        if name in figures:
            model = queryset.model
            rows = queryset.filter(figures[name], owner_path__startswith=node.path)
            # a reading window is scoped through its order; every other source is scoped itself
            rows = (rows.filter(order__in=Order.objects.visible_to(actor)).select_related("order__person")
                    if model is ReadingSlot else (rows & model.objects.visible_to(actor)).select_related("person"))
            return rows.order_by(WHEN[model._meta.model_name], "id")
    raise NotFound()


@dataclass(frozen=True)
class RecordRow:
    record: object
    kind: str
    person: object  # None for an assist request about someone not in the register
    when: dt.datetime | None
    status: str


def record_rows(records) -> list[RecordRow]:
    rows = []
    for r in records:
        person = r.order.person if isinstance(r, ReadingSlot) else r.person
        status = next((getattr(r, f"get_{f}_display")() for f in ("status", "classification", "follow_up")
                       if hasattr(r, f"get_{f}_display")), "")
        kind = r._meta.model_name
        rows.append(RecordRow(r, KINDS[kind], person, getattr(r, WHEN[kind]), status))
    return rows
