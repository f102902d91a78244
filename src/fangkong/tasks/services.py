"""Use cases of accountability: assign a task to a unit or a person with one of the four responsibilities, move
it through one transition table, escalate overdue tasks to the level above (a scheduled sweep claiming each with
a conditional update), record supervision visits whose findings become tasks, and take reports from the public
through triage, referral, reply and closure."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access, throttle
from fangkong.accounts.models import User
from fangkong.accounts.permissions import may, require
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import InputRefused, Problems
from fangkong.idempotency import services as idempotency
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people import crypto
from fangkong.people.identity import mask_phone, normalise_phone
from fangkong.people.services import Choice, Export

from .models import PublicReport, ReportKind, ReportStatus, Responsibility, Supervision, Task, TaskStatus

# The one table of task states: each step, the states it may follow, the state it leads to, and who takes it
# (the owner works the task; whoever assigns tasks verifies it, or sends it back).
TRANSITIONS = {
    "start": ({TaskStatus.OPEN}, TaskStatus.IN_PROGRESS, "task.work"),
    "done": ({TaskStatus.OPEN, TaskStatus.IN_PROGRESS}, TaskStatus.DONE, "task.work"),
    "verify": ({TaskStatus.DONE}, TaskStatus.VERIFIED, "task.assign"),
    "reject": ({TaskStatus.DONE}, TaskStatus.IN_PROGRESS, "task.assign"),
}
OPEN_STATES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)

# The one table of a public report's states.
REPORT_TRANSITIONS = {
    "refer": ({ReportStatus.RECEIVED}, ReportStatus.REFERRED),
    "dismiss": ({ReportStatus.RECEIVED}, ReportStatus.DISMISSED),
    "reply": ({ReportStatus.REFERRED}, ReportStatus.REPLIED),
    "close": ({ReportStatus.REPLIED}, ReportStatus.CLOSED),
}


def tasks_for(actor) -> QuerySet[Task]:
    return Task.objects.visible_to(actor).select_related("owner", "owner_user", "escalated_to", "supervision")


def supervisions_for(actor) -> QuerySet[Supervision]:
    return Supervision.objects.visible_to(actor).select_related("jurisdiction").prefetch_related("tasks")


def public_reports_for(actor) -> QuerySet[PublicReport]:
    return PublicReport.objects.visible_to(actor).select_related("jurisdiction", "referred_to")


# --- tasks ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskInput:
    title: str
    responsibility: str
    owner_code: str
    deadline: dt.datetime | None
    detail: str = ""
    owner_username: str = ""  # a personal task's person, a user of the owner unit


def _check_task(actor, data: TaskInput, problems: Problems, prefix: str = "") -> dict:
    title = (data.title or "").strip()
    if not title:
        problems.add(f"{prefix}title", _("say what is to be done"))
    if data.responsibility not in Responsibility.values:
        problems.add(f"{prefix}responsibility", _("the responsibility is territorial, departmental, unit or "
                                                  "personal"))
    owner = access.jurisdictions_for(actor).filter(code=(data.owner_code or "").strip()).first()
    if owner is None:
        problems.add(f"{prefix}owner_code", _("“%(v)s” is not a unit of your area") % {"v": data.owner_code})
    person = None
    if data.responsibility == Responsibility.PERSONAL:
        person = User.objects.filter(username=(data.owner_username or "").strip(), is_active=True).first()
        if person is None or owner is None or person.jurisdiction_id != owner.pk:
            problems.add(f"{prefix}owner_username", _("a personal task names a user of the owner unit"))
    elif (data.owner_username or "").strip():
        problems.add(f"{prefix}owner_username", _("only a personal task names a person"))
    if data.deadline is None:
        problems.add(f"{prefix}deadline", _("give the deadline"))
    elif data.deadline <= timezone.now():
        problems.add(f"{prefix}deadline", _("the deadline has already passed"))
    return {"title": title[:200], "detail": (data.detail or "").strip()[:500], "responsibility": data.responsibility,
            "owner": owner, "owner_path": owner.path if owner else "", "owner_user": person,
            "deadline": data.deadline}


def assign_task(actor, data: TaskInput, *, idempotency_key: str | None = None) -> Task:
    require(actor, "task.assign")
    return idempotency.once(actor, "task", tasks_for(actor), idempotency_key, data.__dict__,
                            lambda: _assign(actor, data))[0]


def _assign(actor, data: TaskInput) -> Task:
    problems = Problems()
    fields = _check_task(actor, data, problems)
    problems.refuse_if_any()
    with transaction.atomic():
        task = Task.objects.create(**fields, created_by=actor, created_at=timezone.now())
        audit.record_change(actor, Action.TASK_CHANGE, task, before={}, after=_task_state(task))
    return task


def _task_state(task: Task) -> dict:
    return {"title": task.title, "responsibility": task.responsibility, "owner": task.owner.code,
            "owner_user": task.owner_user.username if task.owner_user else None, "deadline": task.deadline,
            "status": task.status}


def step_task(actor, task_id: int, action: str, *, note: str = "") -> Task:
    """Move a task one step (start, done, verify, reject) through the transition table, audited."""
    if action not in TRANSITIONS:
        raise InputRefused(("action", _("the next step is start, done, verify or reject")))
    allowed_from, to, write = TRANSITIONS[action]
    require(actor, write)
    task = get_visible(tasks_for(actor), task_id)
    if write == "task.work" and task.owner_user_id and task.owner_user_id != actor.pk and not actor.is_superuser:
        raise InputRefused(("owner_username", _("this is %(name)s's personal task") % {"name": task.owner_user}))
    if task.status not in allowed_from:
        if task.status == to:
            return task  # a second tap changes nothing
        raise InputRefused(("status", _("this task is %(s)s") % {"s": task.get_status_display()}))
    if action == "reject" and not note.strip():
        raise InputRefused(("note", _("say what is still missing")))
    now = timezone.now()
    fields = {"status": to, "note": note.strip()[:300] or task.note}
    if to == TaskStatus.DONE:
        fields["done_at"] = now
    if to == TaskStatus.VERIFIED:
        fields["verified_at"] = now
    with transaction.atomic():
        if not Task.objects.filter(pk=task.pk, status=task.status).update(**fields):
            raise InputRefused(("status", _("this task changed meanwhile: reload the page")))
        audit.record_change(actor, Action.TASK_CHANGE, task, step=action, before={"status": task.status},
                            after={"status": to})
    task.refresh_from_db()
    return task


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Raise every overdue open task to the level above its owner, once: each is claimed with a conditional update,
    so two sweeps at once escalate it once. A task of the root has no level above and stays where it is."""
    now = now or timezone.now()
    late = Task.objects.filter(status__in=OPEN_STATES, deadline__lt=now, escalated_at=None,
                               owner__parent__isnull=False).select_related("owner")
    count = 0
    for task in late.iterator():
        with transaction.atomic():
            if Task.objects.filter(pk=task.pk, escalated_at=None, status__in=OPEN_STATES).update(
                    escalated_at=now, escalated_to=task.owner.parent_id):
                audit.record_change(None, Action.TASK_CHANGE, task, step="escalate", before={"escalated_to": None},
                                    after={"escalated_to": task.owner.parent.code})
                count += 1
    return count


def overdue_tasks(node: Jurisdiction, now: dt.datetime | None = None) -> int:
    """Open tasks past their deadline owned in the node's subtree, or escalated to it: the dashboard's figure."""
    return Task.objects.filter(Q(owner_path__startswith=node.path) | Q(escalated_to=node), status__in=OPEN_STATES,
                               deadline__lt=now or timezone.now()).count()


def todo_tasks(user) -> QuerySet[Task]:
    """The tasks a user has to act on: their own, their unit's, those escalated to their unit, and, for whoever
    assigns tasks, those done and waiting for verification in their area."""
    mine = Q(owner_user=user) | Q(owner_id=user.jurisdiction_id, owner_user=None) | Q(
        escalated_to_id=user.jurisdiction_id)
    rows = tasks_for(user).filter(mine, status__in=OPEN_STATES)
    if may(user, "task.assign"):
        rows = tasks_for(user).filter(Q(mine, status__in=OPEN_STATES) | Q(status=TaskStatus.DONE))
    return rows


# --- supervision ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SupervisionInput:
    jurisdiction_code: str
    visited_on: dt.date | None
    team: str
    summary: str = ""
    findings: tuple[TaskInput, ...] = ()  # each becomes a task of its owner


def record_supervision(actor, data: SupervisionInput) -> Supervision:
    """A supervision visit and its findings, each a task with its owner, responsibility and deadline; all or none."""
    require(actor, "supervision.record")
    problems = Problems()
    node = access.jurisdictions_for(actor).filter(code=(data.jurisdiction_code or "").strip()).first()
    if node is None:
        problems.add("jurisdiction", _("“%(v)s” is not a unit of your area") % {"v": data.jurisdiction_code})
    if data.visited_on is None:
        problems.add("visited_on", _("give the day of the visit"))
    elif data.visited_on > timezone.localdate():
        problems.add("visited_on", _("the visit cannot be in the future"))
    if not (data.team or "").strip():
        problems.add("team", _("name the supervision team"))
    tasks = []
    for index, finding in enumerate(data.findings, 1):
        fields = _check_task(actor, finding, problems, prefix=f"finding_{index}_")
        if node is not None and fields["owner"] is not None and not fields["owner"].path.startswith(node.path):
            problems.add(f"finding_{index}_owner_code", _("a finding's owner is the visited unit or one below it"))
        tasks.append(fields)
    problems.refuse_if_any()
    now = timezone.now()
    with transaction.atomic():
        visit = Supervision.objects.create(jurisdiction=node, owner_path=node.path, visited_on=data.visited_on,
                                           team=data.team.strip()[:120], summary=(data.summary or "").strip()[:500],
                                           recorded_by=actor, recorded_at=now)
        created = [Task.objects.create(**fields, supervision=visit, created_by=actor, created_at=now)
                   for fields in tasks]
        audit.record_change(actor, Action.TASK_CHANGE, visit, before={}, after={
            "jurisdiction": node.code, "visited_on": data.visited_on, "team": visit.team,
            "tasks": [t.pk for t in created]})
    return visit


# --- reports from the public ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicReportInput:
    kind: str
    jurisdiction_code: str
    place: str
    content: str
    reporter_name: str = ""
    reporter_phone: str = ""


class Throttled(InputRefused):
    status = 429


def public_report_places() -> QuerySet[Jurisdiction]:
    """Where a report can be about: the counties and townships of the deployment (the public knows no grid)."""
    return Jurisdiction.objects.filter(level__in=(Level.CITY, Level.COUNTY, Level.TOWNSHIP)).order_by("path")


def submit_public_report(data: PublicReportInput, *, ip: str | None, idempotency_key: str | None = None
                         ) -> PublicReport:
    """A report from anyone, with no account (the form, or the API for apps and mini-programs): throttled per client
    address (accounts/throttle.py), the contact encrypted; it waits for triage by the command centre of the place it
    is about. A phone that sends it again with the same Idempotency-Key gets the first report back, and the repeat
    counts neither as a second report nor against the throttle."""
    return idempotency.once(None, "public-report", PublicReport.objects.all(), idempotency_key,
                            asdict(data), lambda: _store_public_report(data, ip), public=True)[0]


def _store_public_report(data: PublicReportInput, ip: str | None) -> PublicReport:
    key = throttle.address_key(ip, purpose="public-report")
    waiting = throttle.blocked_until(key)
    if waiting:
        raise Throttled(("content", _("Too many reports from your network. Try again in %(m)s minutes.")
                         % {"m": throttle.minutes_until(waiting)}))
    problems = Problems()
    if data.kind not in ReportKind.values:
        problems.add("kind", _("choose what the report is about"))
    node = public_report_places().filter(code=(data.jurisdiction_code or "").strip()).first()
    if node is None:
        problems.add("jurisdiction", _("choose the district or street where it happened"))
    if not (data.place or "").strip():
        problems.add("place", _("say where it happened (a shop, a street, a community)"))
    content = (data.content or "").strip()
    if len(content) < 10:
        problems.add("content", _("describe what happened in at least 10 characters"))
    elif len(content) > 2000:
        problems.add("content", _("at most %(n)s characters") % {"n": 2000})
    phone = ""
    if (data.reporter_phone or "").strip():
        with problems.gathered():
            phone = normalise_phone(data.reporter_phone, "reporter_phone")
    problems.refuse_if_any()
    with transaction.atomic():
        report = PublicReport.objects.create(
            kind=data.kind, jurisdiction=node, owner_path=node.path, place=data.place.strip()[:200], content=content,
            reporter_name=(data.reporter_name or "").strip()[:50], submitted_at=timezone.now(),
            reporter_phone_cipher=crypto.encrypt(phone) if phone else None,
            reporter_phone_hash=crypto.lookup_hash("phone", phone) if phone else "")
        audit.record_change(None, Action.PUBLIC_REPORT, report, before={}, after={
            "kind": report.kind, "jurisdiction": node.code, "contact_given": bool(phone)})
        # Every report counts against its address, not only refused ones: a flood is what the throttle stops.
        throttle.record_failure(key, settings.PUBLIC_REPORT_LIMIT)
    return report


def _report_step(actor, report_id: int, action: str, **fields) -> PublicReport:
    allowed_from, to = REPORT_TRANSITIONS[action]
    report = get_visible(public_reports_for(actor), report_id)
    if report.status not in allowed_from:
        raise InputRefused(("status", _("this report is %(s)s") % {"s": report.get_status_display()}))
    before = {"status": report.status, **{name: getattr(report, name) for name in fields}}
    with transaction.atomic():
        if not PublicReport.objects.filter(pk=report.pk, status=report.status).update(status=to, **fields):
            raise InputRefused(("status", _("this report changed meanwhile: reload the page")))
        audit.record_change(actor, Action.PUBLIC_REPORT, report, step=action, before=before,
                            after={"status": to, **fields})
    report.refresh_from_db()
    return report


def refer_report(actor, report_id: int, *, unit_code: str, reply_by: dt.date | None = None,
                 note: str = "") -> PublicReport:
    """Triage found it worth following: the responsible unit gets it, with the day it must reply by."""
    require(actor, "public_report.handle")
    report = get_visible(public_reports_for(actor), report_id)
    problems = Problems()
    unit = access.jurisdictions_for(actor).filter(code=(unit_code or "").strip()).first()
    if unit is None or not unit.path.startswith(report.jurisdiction.path) and not \
            report.jurisdiction.path.startswith(unit.path):
        problems.add("unit", _("“%(v)s” is not a unit of the place the report is about") % {"v": unit_code})
    reply_by = reply_by or timezone.localdate() + dt.timedelta(days=settings.PUBLIC_REPORT_REPLY_DAYS)
    if reply_by < timezone.localdate():
        problems.add("reply_by", _("the day to reply by has passed"))
    problems.refuse_if_any()
    return _report_step(actor, report_id, "refer", referred_to=unit, owner_path=unit.path, reply_by=reply_by,
                        triage_note=note.strip()[:300])


def dismiss_report(actor, report_id: int, *, note: str) -> PublicReport:
    require(actor, "public_report.handle")
    if not (note or "").strip():
        raise InputRefused(("triage_note", _("say why the report is dismissed")))
    return _report_step(actor, report_id, "dismiss", triage_note=note.strip()[:300], closed_at=timezone.now())


def reply_report(actor, report_id: int, *, reply: str) -> PublicReport:
    """The referred unit's answer: what it found and did."""
    require(actor, "public_report.reply")
    if not (reply or "").strip():
        raise InputRefused(("reply", _("say what was found and done")))
    return _report_step(actor, report_id, "reply", reply=reply.strip()[:1000], replied_at=timezone.now())


def close_report(actor, report_id: int) -> PublicReport:
    require(actor, "public_report.handle")
    return _report_step(actor, report_id, "close", closed_at=timezone.now())


def publish_report(actor, report_id: int, *, summary: str) -> PublicReport:
    """A closed report published as a typical case, in a summary that names no reporter."""
    require(actor, "public_report.handle")
    report = get_visible(public_reports_for(actor), report_id)
    problems = Problems()
    if report.status != ReportStatus.CLOSED:
        problems.add("status", _("only a closed report is published"))
    if not (summary or "").strip():
        problems.add("published_summary", _("write the summary to publish"))
    problems.refuse_if_any()
    with transaction.atomic():
        PublicReport.objects.filter(pk=report.pk).update(published=True, published_summary=summary.strip()[:1000])
        audit.record_change(actor, Action.PUBLIC_REPORT, report, step="publish", before={"published": False},
                            after={"published": True})
    report.refresh_from_db()
    return report


def handle_report(actor, report_id: int, action: str, *, unit_code: str = "", reply_by: dt.date | None = None,
                  note: str = "", summary: str = "") -> PublicReport:
    """The command centre's steps on a report, by name: refer, dismiss, close, publish."""
    if action == "refer":
        return refer_report(actor, report_id, unit_code=unit_code, reply_by=reply_by, note=note)
    if action == "dismiss":
        return dismiss_report(actor, report_id, note=note)
    if action == "close":
        return close_report(actor, report_id)
    if action == "publish":
        return publish_report(actor, report_id, summary=summary)
    require(actor, "public_report.handle")
    raise InputRefused(("action", _("the step is refer, dismiss, close or publish")))


def published_reports() -> QuerySet[PublicReport]:
    return PublicReport.objects.filter(published=True).select_related("jurisdiction").order_by("-closed_at")


def reporter_contact(actor, report: PublicReport) -> str:
    """The reporter's phone, masked unless the viewer's role sees phones in clear."""
    phone = report.reporter_phone
    return phone if "phone" in access.unmasked_fields(actor) else mask_phone(phone)


def open_referrals(owner: Jurisdiction) -> QuerySet[PublicReport]:
    return PublicReport.objects.filter(referred_to=owner, status=ReportStatus.REFERRED)


TASKS_EXPORT = Export("tasks", _("Tasks"), tasks_for, columns=[
    (_("Task"), "title"), (_("Responsibility"), Choice("responsibility", Responsibility.choices)),
    (_("Owner unit"), "owner__name"), (_("Owner"), "owner_user__username"), (_("Deadline"), "deadline"),
    (_("Status"), Choice("status", TaskStatus.choices)), (_("Done"), "done_at"), (_("Verified"), "verified_at"),
    (_("Escalated to"), "escalated_to__name"), (_("Supervision visit"), "supervision__visited_on"),
    (_("Note"), "note")], person=None)

PUBLIC_REPORTS_EXPORT = Export("public-reports", _("Reports from the public"), public_reports_for, columns=[
    (_("Submitted"), "submitted_at"), (_("Kind"), Choice("kind", ReportKind.choices)),
    (_("Place"), "jurisdiction__name"), (_("Where"), "place"), (_("What happened"), "content"),
    (_("Status"), Choice("status", ReportStatus.choices)), (_("Referred to"), "referred_to__name"),
    (_("Reply by"), "reply_by"), (_("Reply"), "reply"), (_("Closed"), "closed_at"),
    (_("Published"), "published")], person=None)
