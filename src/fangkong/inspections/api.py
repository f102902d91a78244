import datetime as dt

from django.utils import timezone
from ninja import File, Header, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from fangkong.accounts import access
from fangkong.pagination import MappedPage, Pages
from fangkong.schema_types import Column, Day, Flag, Id, Text

from . import services
from .models import Answer, Checklist, Finding, Rectification, Setting

router = Router(tags=["inspections"])


class SettingIn(Schema):
    name: Column(Setting, "name")
    kind: Text(20)  # checked by the service, which names the kinds
    grid_code: Text(20)
    responsible_unit: Column(Setting, "responsible_unit")
    contact_name: Column(Setting, "contact_name")
    contact_phone: Text(30)
    address: Column(Setting, "address") = ""


class SettingOut(Schema):
    id: int
    name: str
    kind: str
    grid: str
    address: str
    responsible_unit: str
    contact_name: str
    contact_phone: str


def _setting(s: Setting) -> dict:
    return {"id": s.pk, "name": s.name, "kind": s.kind, "grid": s.grid.code, "address": s.address,
            "responsible_unit": s.responsible_unit, "contact_name": s.contact_name, "contact_phone": s.contact_phone}


@router.get("/special-settings", response=list[SettingOut])
@paginate(Pages, page_size=50)
def list_settings(request, kind: Text(20) = ""):
    rows = services.settings_for(request.auth)
    return MappedPage(rows.filter(kind=kind) if kind else rows, _setting)


@router.post("/special-settings", response={201: SettingOut})
def add_setting(request, payload: SettingIn):
    return Status(201, _setting(services.add_setting(request.auth, services.SettingInput(**payload.dict()))))


class ChecklistItemOut(Schema):
    id: int
    position: int
    text: str


class ChecklistOut(Schema):
    id: int
    kind: str
    version: int
    created_at: dt.datetime
    items: list[ChecklistItemOut]


class ChecklistIn(Schema):
    kind: Text(20)
    items: list[Text(200)]
    note: Column(Checklist, "note") = ""


def _checklist(c: Checklist) -> dict:
    return {"id": c.pk, "kind": c.kind, "version": c.version, "created_at": c.created_at,
            "items": [{"id": i.pk, "position": i.position, "text": i.text} for i in c.items.all()]}


@router.get("/checklists", response=list[ChecklistOut], summary="The newest version of every kind's checklist")
def list_checklists(request):
    return [_checklist(c) for c in services.current_checklists()]


@router.post("/checklists", response={201: ChecklistOut}, summary="A new version of a kind's checklist")
def add_checklist(request, payload: ChecklistIn):
    return Status(201, _checklist(services.add_checklist_version(request.auth, payload.kind, payload.items,
                                                                 note=payload.note)))


class ChecklistAnswerIn(Schema):
    item_id: Id
    passed: Flag
    severity: Text(10) = ""
    description: Column(Finding, "description") = ""
    note: Column(Answer, "note") = ""


class InspectionIn(Schema):
    mode: Text(12)
    answers: list[ChecklistAnswerIn]
    checklist_id: Id | None = None
    owner_code: Text(20) = ""
    deadline: Day | None = None


class RectificationOut(Schema):
    id: int
    finding_id: int
    setting_id: int
    item: str
    severity: str
    description: str
    owner: str
    deadline: dt.date
    status: str
    reopened: int
    overdue: bool


class InspectionOut(Schema):
    id: int
    setting_id: int
    checklist_id: int
    mode: str
    started_at: dt.datetime
    rectifications: list[RectificationOut]


def _rectification(r: Rectification) -> dict:
    return {"id": r.pk, "finding_id": r.finding_id, "setting_id": r.finding.inspection.setting_id,
            "item": r.finding.item.text, "severity": r.finding.severity, "description": r.finding.description,
            "owner": r.owner.code, "deadline": r.deadline, "status": r.status, "reopened": r.reopened,
            "overdue": r.overdue}


def _inspection(i) -> dict:
    rows = Rectification.objects.filter(finding__inspection=i).select_related(
        "finding__inspection", "finding__item", "owner")
    return {"id": i.pk, "setting_id": i.setting_id, "checklist_id": i.checklist_id, "mode": i.mode,
            "started_at": i.started_at, "rectifications": [_rectification(r) for r in rows]}


@router.post("/special-settings/{int:setting_id}/inspections", response={201: InspectionOut},
             summary="Record an inspection: every item of the checklist answered; each failed one becomes a finding "
                     "with its rectification. Send photos after it to /findings/{id}/photos. An Idempotency-Key "
                     "makes a resubmission count once")
def record_inspection(request, setting_id: Id, payload: InspectionIn,
                      idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    inspection = services.record_inspection(request.auth, setting_id, services.InspectionInput(
        mode=payload.mode, answers=tuple(services.AnswerInput(**a.dict()) for a in payload.answers),
        checklist_id=payload.checklist_id, owner_code=payload.owner_code, deadline=payload.deadline),
        idempotency_key=idempotency_key or None)
    return Status(201, _inspection(inspection))


class PhotoOut(Schema):
    id: int
    role: str
    content_type: str
    size: int
    width: int
    height: int


@router.post("/findings/{int:finding_id}/photos", response={201: list[PhotoOut]},
             summary="Photos of a finding (role=finding) or of its rectification (role=evidence): JPEG, PNG or WebP, "
                     "each sent as a `file` part")
def add_photos(request, finding_id: Id, file: list[UploadedFile] = File(...), role: Text(10) = "finding"):
    photos = services.add_photos(request.auth, finding_id, file, role=role)
    return Status(201, [{"id": p.pk, "role": p.role, "content_type": p.content_type, "size": p.size,
                         "width": p.width, "height": p.height} for p in photos])


@router.get("/rectifications", response=list[RectificationOut])
@paginate(Pages, page_size=50)
def list_rectifications(request, status: Text(10) = "", overdue: bool = False):
    rows = services.rectifications_for(request.auth)
    rows = services.overdue(rows) if overdue else rows
    return MappedPage(rows.filter(status=status) if status else rows, _rectification)


class RectificationReportIn(Schema):
    report: Column(Rectification, "report")


@router.post("/rectifications/{int:rectification_id}/report", response=RectificationOut,
             summary="The owner reports it done; the evidence photos go first to /findings/{id}/photos "
                     "with role=evidence")
def report_rectified(request, rectification_id: Id, payload: RectificationReportIn):
    return _rectification(services.report_rectified(request.auth, rectification_id, report=payload.report))


class VerifyIn(Schema):
    passed: Flag
    note: Column(Rectification, "verification") = ""


@router.post("/rectifications/{int:rectification_id}/verify", response=RectificationOut,
             summary="The re-inspection: passed closes the rectification, failed reopens it")
def verify(request, rectification_id: Id, payload: VerifyIn):
    return _rectification(services.verify_rectification(request.auth, rectification_id, passed=payload.passed,
                                                        note=payload.note))


class InspectionFiguresOut(Schema):
    code: str
    name: str
    inspections: int
    findings: int
    closed: int
    closed_on_time: int
    overdue: int


def _figures(node, f) -> dict:
    return {"code": node.code, "name": node.name, "inspections": f.inspections, "findings": f.findings,
            "closed": f.closed, "closed_on_time": f.closed_on_time, "overdue": f.overdue}


@router.get("/jurisdictions/{code}/inspection-figures", response=list[InspectionFiguresOut],
            summary="Inspections, findings, rectifications closed (on time) and overdue: the node, then each child")
def inspection_figures(request, code: Text(20)):
    node = access.get_jurisdiction_for(request.auth, code)
    total, children = services.figures(node)
    return [_figures(node, total), *(_figures(c, f) for c, f in children)]


class PublishedOut(Schema):
    id: int
    setting: str
    kind: str
    item: str
    description: str
    severity: str
    rectification: str
    found_on: dt.date


@router.get("/published-findings", response=list[PublishedOut], auth=None,
            summary="Findings the command centre chose to publish; open to everyone")
@paginate(Pages, page_size=50)
def published_findings(request):
    return MappedPage(services.published_findings(), _published)


def _published(f: Finding) -> dict:
    return {"id": f.pk, "setting": f.inspection.setting.name, "kind": f.inspection.setting.kind, "item": f.item.text,
            "description": f.description, "severity": f.severity, "rectification": f.rectification.status,
            "found_on": timezone.localtime(f.created_at).date()}


class PublishIn(Schema):
    publishable: Flag


@router.post("/findings/{int:finding_id}/publishable", response=PublishedOut)
def set_publishable(request, finding_id: Id, payload: PublishIn):
    return _published(services.set_publishable(request.auth, finding_id, payload.publishable))
