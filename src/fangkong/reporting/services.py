"""Use cases of the zero report: its figures from the registers, submission and correction, and
completeness level by level."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.cases import disease as diseases
from fangkong.cases.models import Case, SymptomReport
from fangkong.checkpoints.models import Handover, HandoverStatus
from fangkong.errors import Conflict, Problems
from fangkong.idempotency import services as idempotency
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.services import Export
from fangkong.quarantine.models import OPEN_STATUSES, Alert, Order, OrderStatus
from fangkong.screening.models import Arrival

from .models import DailyReport

FIGURE_LABELS = {"new_arrivals": _("New arrivals"), "new_symptom_reports": _("New symptom reports"),
                 "new_cases": _("New cases"), "under_observation": _("Under observation"),
                 "open_alerts": _("Open alerts"), "handovers_pending": _("Handovers not yet confirmed")}
FIGURES = list(FIGURE_LABELS)


def figures_for(node: Jurisdiction, day: dt.date) -> dict[str, int]:
    """The day's figures for `node`'s subtree, counted from the registers (zero is a figure too)."""
    zone = diseases.zone(diseases.current())
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    day_range = (start, start + dt.timedelta(days=1))
    inside = {"owner_path__startswith": node.path}
    return {
        "new_arrivals": Arrival.objects.filter(**inside, arrived_at__range=day_range).count(),
        "new_symptom_reports": SymptomReport.objects.filter(**inside, reported_at__range=day_range).count(),
        "new_cases": Case.objects.filter(**inside, detected_at__range=day_range).count(),
        "under_observation": Order.objects.filter(**inside, status=OrderStatus.ACTIVE).count(),
        "open_alerts": Alert.objects.filter(**inside, status__in=OPEN_STATUSES).count(),
        "handovers_pending": Handover.objects.filter(**inside).exclude(status=HandoverStatus.CONFIRMED).count(),
    }


def submit(actor, code: str, day: dt.date, *, note: str = "", idempotency_key: str | None = None) -> DailyReport:
    """Submit the day's report of the unit `code` (the actor's own unit, or one below it).

    A second submission for the same day is a correction: a new version, with a note saying why;
    the earlier version stays, marked superseded. The same idempotency key counts once.
    """
    require(actor, "report.submit")
    node = access.get_jurisdiction_for(actor, code)
    submitted = {"unit": node.code, "day": day, "note": note}
    return idempotency.once(actor, "zero_report", reports_for(actor), idempotency_key, submitted,
                            lambda: _submit(actor, node, day, note))[0]


def _submit(actor, node, day: dt.date, note: str) -> DailyReport:
    problems = Problems()
    if day > timezone.localdate():
        problems.add("day", _("a report cannot be submitted for a day that has not come"))
    current = DailyReport.objects.filter(jurisdiction=node, day=day, superseded_at=None).first()
    if current and not note.strip():
        problems.add("note", _("version %(v)s is in: say what this correction changes") % {"v": current.version})
    problems.refuse_if_any()
    now = timezone.now()
    try:
        with transaction.atomic():
            if current:
                claimed = DailyReport.objects.filter(pk=current.pk, superseded_at=None).update(superseded_at=now)
                if not claimed:
                    raise IntegrityError
            report = DailyReport.objects.create(
                jurisdiction=node, path=node.path, day=day, version=current.version + 1 if current else 1,
                figures=figures_for(node, day), note=note.strip()[:300], submitted_by=actor, submitted_at=now)
            audit.record_change(actor, Action.REPORT_SUBMITTED, report, jurisdiction=node.code, day=day,
                                before={"version": current.version, "figures": current.figures} if current else {},
                                after={"version": report.version, "figures": report.figures})
            return report
    except IntegrityError:
        raise Conflict(("day", _("another report for this day came in at the same moment; reload"))) from None


@dataclass(frozen=True)
class ChildCompleteness:
    node: Jurisdiction
    reported: bool  # the child's own report is in
    grids: int
    grids_reported: int


@dataclass(frozen=True)
class Completeness:
    node: Jurisdiction
    day: dt.date
    own: DailyReport | None
    grids: int
    grids_reported: int
    children: list[ChildCompleteness]
    missing_grids: list[Jurisdiction]


def completeness(node: Jurisdiction, day: dt.date, *, missing_limit: int = 200) -> Completeness:
    """Who has reported under `node` on `day`: its own report, every child's, and grids per child."""
    children = list(node.children.order_by("code"))
    width = len(children[0].path) if children else len(node.path)
    grid_paths = list(Jurisdiction.objects.filter(path__startswith=node.path, level=Level.GRID)
                      .values_list("path", flat=True))
    reported_paths = set(DailyReport.objects.filter(day=day, superseded_at=None, path__startswith=node.path)
                         .values_list("path", flat=True))
    grids_by_child = Counter(p[:width] for p in grid_paths)
    reported_by_child = Counter(p[:width] for p in grid_paths if p in reported_paths)
    missing = [p for p in grid_paths if p not in reported_paths]
    return Completeness(
        node=node, day=day,
        own=DailyReport.objects.filter(jurisdiction=node, day=day, superseded_at=None).first(),
        grids=len(grid_paths), grids_reported=len(grid_paths) - len(missing),
        children=[ChildCompleteness(c, c.path in reported_paths, grids_by_child[c.path], reported_by_child[c.path])
                  for c in children],
        missing_grids=list(Jurisdiction.objects.filter(path__in=missing[:missing_limit]).order_by("code")),
    )


def versions(node: Jurisdiction, day: dt.date):
    return DailyReport.objects.filter(jurisdiction=node, day=day).order_by("version")


def reports_for(actor):
    return DailyReport.objects.visible_to(actor)


REPORTS_EXPORT = Export("zero-reports", _("Daily zero reports"), reports_for, person=None, columns=[
    (_("Day"), "day"), (_("Unit"), "jurisdiction__code"), (_("Unit name"), "jurisdiction__name"),
    (_("Version"), "version"), *[(label, f"figures__{name}") for name, label in FIGURE_LABELS.items()],
    (_("Note"), "note"), (_("Submitted"), "submitted_at"), (_("Superseded"), "superseded_at")])
