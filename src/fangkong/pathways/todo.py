"""One to-do per owner (M17): what a user's unit, or the user, has to act on, whichever domain it comes from — the
tasks of the accountability register (their own, their unit's, those escalated to their unit), the early-warning
playbook's tasks of their unit, the rectifications their unit owes, the reports from the public referred to it
and, for those who verify, the rectifications and tasks waiting for them. Each item links to where it is done."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.permissions import may
from fangkong.inspections import services as inspections
from fangkong.tasks import services as tasks
from fangkong.warning import services as warning


@dataclass(frozen=True)
class Item:
    source: str  # task | playbook | rectification | reinspection | public_report
    label: str
    title: str
    due: dt.datetime
    url: str
    state: str = ""
    escalated: bool = False

    @property
    def overdue(self) -> bool:
        return self.due < timezone.now()


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def todo(user) -> list[Item]:
    """The user's to-do, soonest deadline first."""
    unit = user.jurisdiction
    items = [Item("task", str(_("Task")), t.title, t.deadline, reverse("task", args=[t.pk]), t.get_status_display(),
                  escalated=t.escalated_to_id is not None and t.escalated_to_id == user.jurisdiction_id)
             for t in tasks.todo_tasks(user)]
    if unit is not None:
        items += [Item("playbook", str(_("Fast action")), t.get_action_display(), t.due_at, reverse("warning"))
                  for t in warning.tasks_for(user).filter(owner=unit, done_at=None)]
        items += [Item("rectification", str(_("Rectification")), f"{r.finding.inspection.setting.name}: "
                       f"{r.finding.description}", _end_of(r.deadline), reverse("rectification", args=[r.pk]),
                       r.get_status_display())
                  for r in inspections.open_for_owner(unit)]
        items += [Item("public_report", str(_("Report from the public")), f"{r.get_kind_display()}: {r.place}",
                       _end_of(r.reply_by), reverse("public-report", args=[r.pk]), r.get_status_display())
                  for r in tasks.open_referrals(unit)]
    if may(user, "rectification.verify"):
        items += [Item("reinspection", str(_("Re-inspection")), f"{r.finding.inspection.setting.name}: "
                       f"{r.finding.description}", _end_of(r.deadline), reverse("rectification", args=[r.pk]),
                       r.get_status_display())
                  for r in inspections.awaiting_reinspection(user)]
    return sorted(items, key=lambda i: (i.due, i.source, i.title))



