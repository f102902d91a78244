"""The day's work of a field user (grid worker, quarantine-site staff, checkpoint, lab): what is due, what is
late, each with its count and its nearest deadline, the most urgent first — the home page of their phone.

Read-only: every queue is the user's own scoped queryset (`*_for(actor)`), so a user never counts another
unit's work; the pages each item opens are the registers where the work is done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.accounts.models import Role
from fangkong.cases import services as cases
from fangkong.checkpoints import services as checkpoints
from fangkong.checkpoints.models import HandoverStatus
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import OPEN_STATUSES, AlertKind, ReadingSlot, SlotStatus
from fangkong.reporting import services as reporting
from fangkong.screening import services as screening
from fangkong.screening.models import AssistStatus, FollowUp
from fangkong.testing import services as testing

# The roles whose home page is the day's work; the others keep the jurisdiction browser and the dashboard.
FIELD_ROLES = frozenset({Role.GRID, Role.HOSPITAL, Role.CHECKPOINT, Role.LAB})


@dataclass(frozen=True)
class Item:
    name: str
    label: str
    count: int
    deadline: dt.datetime | None  # the nearest one among the items counted (an alert's: when it was raised)
    url: str
    late: bool  # the nearest deadline has passed

    @property
    def urgency(self) -> tuple:
        """Late work first, then the nearest deadline; nothing to do sinks to the bottom."""
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return (self.count == 0, not self.late, self.deadline or far, self.name)


def _item(name, label, rows: QuerySet, deadline_field: str | None, url: str, now: dt.datetime) -> Item:
    count = rows.count()
    deadline = rows.aggregate(d=Min(deadline_field))["d"] if deadline_field and count else None
    return Item(name, label, count, deadline, url, bool(deadline and deadline < now))


def _zero_report(actor, now: dt.datetime) -> Item:
    """Today's zero report of the user's own unit: one to send until it is sent, due at the day's report hour."""
    today = timezone.localdate(now)
    node = access.root_for(actor)
    sent = reporting.reports_for(actor).filter(jurisdiction=node, day=today).exists()
    due = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_current_timezone()) + dt.timedelta(
        hours=settings.ZERO_REPORT_DUE_HOUR)
    return Item("zero_report", _("Today's zero report"), 0 if sent else 1, None if sent else due,
                reverse("reports"), not sent and due < now)


def day_work(actor, now: dt.datetime | None = None) -> list[Item]:
    """Every queue of the user's day, most urgent first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    slots = ReadingSlot.objects.filter(order__in=quarantine.orders_for(actor))
    alerts = quarantine.alerts_for(actor).filter(status__in=OPEN_STATUSES)
    items = [
        _item("readings_now", _("Readings due now"),
              slots.filter(status=SlotStatus.DUE, opens_at__lte=now, closes_at__gt=now), "closes_at",
              reverse("observation"), now),
        _item("readings_missed", _("Readings missed today"), slots.filter(status=SlotStatus.MISSED, day=today),
              None, reverse("observation"), now),
        _item("fever_alerts", _("Fever alerts to act on"), alerts.filter(kind=AlertKind.FEVER), "raised_at",
              reverse("alerts"), now),
        _item("missed_alerts", _("Missed-reading alerts"), alerts.filter(kind=AlertKind.MISSED), "raised_at",
              reverse("alerts"), now),
        _item("handovers", _("Handovers to confirm"),
              checkpoints.handovers_for(actor).exclude(status=HandoverStatus.CONFIRMED), "due_at",
              reverse("handovers"), now),
        _item("assist", _("Assist requests to answer"),
              screening.assist_requests_for(actor).filter(status=AssistStatus.OPEN), "deadline",
              reverse("assist-requests"), now),
        _item("follow_ups", _("Arrival follow-ups"),
              screening.arrivals_for(actor).exclude(follow_up=FollowUp.NONE).filter(follow_up_done_at=None),
              "follow_up_due", reverse("arrivals"), now),
        _item("ledger", _("Symptom reports to resolve"), cases.ledger_for(actor).filter(resolved_at=None),
              "deadline", reverse("ledger"), now),
        _item("tests_due", _("Tests due"), testing.open_tests_for(actor), "due_at", reverse("testing-due"), now),
        _item("lab_waiting", _("Tubes waiting for a result"), testing.waiting_in_lab_for(actor), None,
              reverse("testing-lab"), now),
        _zero_report(actor, now),
    ]
    return sorted(items, key=lambda i: i.urgency)
