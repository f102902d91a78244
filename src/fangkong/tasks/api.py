import datetime as dt

from ninja import Header, Router, Schema, Status
from ninja.pagination import paginate

from fangkong.net import client_ip
from fangkong.pagination import MappedPage, Pages
from fangkong.pathways.todo import todo
from fangkong.schema_types import Column, Day, Id, Moment, Text

from . import services
from .models import PublicReport, Supervision, Task

router = Router(tags=["tasks"])


class AssignedTaskIn(Schema):
    title: Column(Task, "title")
    responsibility: Text(12)
    owner_code: Text(20)
    deadline: Moment
    detail: Column(Task, "detail") = ""
    owner_username: Text(150) = ""


class AssignedTaskOut(Schema):
    id: int
    title: str
    responsibility: str
    owner: str
    owner_username: str | None
    deadline: dt.datetime
    status: str
    escalated_to: str | None
    supervision_id: int | None


def _task(t: Task) -> dict:
    return {"id": t.pk, "title": t.title, "responsibility": t.responsibility, "owner": t.owner.code,
            "owner_username": t.owner_user.username if t.owner_user else None, "deadline": t.deadline,
            "status": t.status, "escalated_to": t.escalated_to.code if t.escalated_to else None,
            "supervision_id": t.supervision_id}


def _task_input(payload: AssignedTaskIn) -> services.TaskInput:
    return services.TaskInput(**payload.dict())


@router.get("/tasks", response=list[AssignedTaskOut])
@paginate(Pages, page_size=50)
def list_tasks(request, status: Text(12) = ""):
    rows = services.tasks_for(request.auth)
    return MappedPage(rows.filter(status=status) if status else rows, _task)


@router.post("/tasks", response={200: AssignedTaskOut, 201: AssignedTaskOut},
             summary="Assign a task; send an Idempotency-Key so a resubmission counts once")
def assign_task(request, payload: AssignedTaskIn, idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    return Status(201, _task(services.assign_task(request.auth, _task_input(payload),
                                                  idempotency_key=idempotency_key or None)))


class StepIn(Schema):
    action: Text(10)
    note: Column(Task, "note") = ""


@router.post("/tasks/{int:todo_id}/step", response=AssignedTaskOut, summary="start, done, verify or reject")
def step_task(request, todo_id: Id, payload: StepIn):
    return _task(services.step_task(request.auth, todo_id, payload.action, note=payload.note))


class TodoOut(Schema):
    source: str
    label: str
    title: str
    due: dt.datetime
    overdue: bool
    url: str
    state: str
    escalated: bool


@router.get("/todo", response=list[TodoOut], summary="The caller's one to-do: tasks, fast actions, rectifications, "
                                                      "referrals, re-inspections")
def my_todo(request):
    return [{"source": i.source, "label": i.label, "title": i.title, "due": i.due, "overdue": i.overdue,
             "url": i.url, "state": i.state, "escalated": i.escalated} for i in todo(request.auth)]


class SupervisionIn(Schema):
    jurisdiction_code: Text(20)
    visited_on: Day
    team: Column(Supervision, "team")
    summary: Column(Supervision, "summary") = ""
    findings: list[AssignedTaskIn] = []


class SupervisionOut(Schema):
    id: int
    jurisdiction: str
    visited_on: dt.date
    team: str
    summary: str
    tasks: list[AssignedTaskOut]


def _supervision(v: Supervision) -> dict:
    return {"id": v.pk, "jurisdiction": v.jurisdiction.code, "visited_on": v.visited_on, "team": v.team,
            "summary": v.summary, "tasks": [_task(t) for t in v.tasks.select_related("owner", "owner_user",
                                                                                        "escalated_to")]}


@router.get("/supervisions", response=list[SupervisionOut])
@paginate(Pages, page_size=50)
def list_supervisions(request):
    return MappedPage(services.supervisions_for(request.auth), _supervision)


@router.post("/supervisions", response={201: SupervisionOut},
             summary="A supervision visit; each finding becomes a task of its owner")
def record_supervision(request, payload: SupervisionIn):
    return Status(201, _supervision(services.record_supervision(request.auth, services.SupervisionInput(
        jurisdiction_code=payload.jurisdiction_code, visited_on=payload.visited_on, team=payload.team,
        summary=payload.summary, findings=tuple(_task_input(f) for f in payload.findings)))))


class PublicReportOut(Schema):
    id: int
    kind: str
    jurisdiction: str
    place: str
    content: str
    submitted_at: dt.datetime
    status: str
    referred_to: str | None
    reply_by: dt.date | None
    reply: str
    published: bool


def _report(r: PublicReport) -> dict:
    """A report without its reporter: their name and contact are shown only on the report's page, audited."""
    return {"id": r.pk, "kind": r.kind, "jurisdiction": r.jurisdiction.code, "place": r.place, "content": r.content,
            "submitted_at": r.submitted_at, "status": r.status,
            "referred_to": r.referred_to.code if r.referred_to else None, "reply_by": r.reply_by, "reply": r.reply,
            "published": r.published}


class PublicReportIn(Schema):
    kind: Text(14)
    jurisdiction_code: Text(20)
    place: Column(PublicReport, "place")
    content: Column(PublicReport, "content")
    reporter_name: Column(PublicReport, "reporter_name") = ""
    reporter_phone: Text(20) = ""


class PublicReceiptOut(Schema):
    """What the reporter gets back: the number to quote when they ask after it; nothing of anyone else's."""

    id: int
    kind: str
    jurisdiction: str
    submitted_at: dt.datetime
    status: str


@router.post("/public-reports", response={201: PublicReceiptOut}, auth=None,
             summary="Report to the command centre with no account (concealed cases, rumours, price gouging, breaches "
                     "of the nine don'ts); throttled per network like the form; send an Idempotency-Key so a "
                     "resubmission counts once")
def submit_public_report(request, payload: PublicReportIn,
                         idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    report = services.submit_public_report(services.PublicReportInput(
        kind=payload.kind, jurisdiction_code=payload.jurisdiction_code, place=payload.place, content=payload.content,
        reporter_name=payload.reporter_name, reporter_phone=payload.reporter_phone),
        ip=client_ip(request), idempotency_key=idempotency_key or None)
    return Status(201, {"id": report.pk, "kind": report.kind, "jurisdiction": report.jurisdiction.code,
                        "submitted_at": report.submitted_at, "status": report.status})


@router.get("/public-reports", response=list[PublicReportOut])
@paginate(Pages, page_size=50)
def list_public_reports(request, status: Text(10) = ""):
    rows = services.public_reports_for(request.auth)
    return MappedPage(rows.filter(status=status) if status else rows, _report)


class HandleIn(Schema):
    action: Text(10)
    unit_code: Text(20) = ""
    reply_by: Day | None = None
    note: Column(PublicReport, "triage_note") = ""
    summary: Column(PublicReport, "published_summary") = ""


@router.post("/public-reports/{int:public_report_id}/handle", response=PublicReportOut,
             summary="refer (to unit_code, reply by reply_by), dismiss (with a note), close, or publish (a summary)")
def handle_report(request, public_report_id: Id, payload: HandleIn):
    return _report(services.handle_report(request.auth, public_report_id, payload.action, unit_code=payload.unit_code,
                                          reply_by=payload.reply_by, note=payload.note, summary=payload.summary))


class ReplyIn(Schema):
    reply: Column(PublicReport, "reply")


@router.post("/public-reports/{int:public_report_id}/reply", response=PublicReportOut)
def reply_report(request, public_report_id: Id, payload: ReplyIn):
    return _report(services.reply_report(request.auth, public_report_id, reply=payload.reply))
