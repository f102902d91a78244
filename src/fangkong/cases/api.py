import datetime as dt
from decimal import Decimal

from ninja import Field, Header, Router, Schema, Status
from ninja.pagination import paginate

from fangkong.audit import services as audit
from fangkong.pagination import MappedPage, Pages
from fangkong.pathways import care
from fangkong.schema_types import Column, Day, Id, Moment, Temperature, Text

from . import services
from .models import Case, CaseEvent, Classification, FacilityKind, Placement, Resolution, Severity, SymptomReport
from .transitions import TRANSITIONS, actions_from

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    person_id: int
    person_name: str
    grid_code: str
    classification: Classification
    severity: Severity
    placement: Placement
    hospital: str
    facility_kind: FacilityKind | None
    high_risk: bool
    sampled_on: dt.date | None
    onset_date: dt.date | None
    detected_at: dt.datetime
    reported_at: dt.datetime | None
    isolated_at: dt.datetime | None
    diagnosed_at: dt.datetime | None
    treated_at: dt.datetime | None
    report_late: bool
    allowed_actions: list[str] = Field(description="actions of the transition table allowed from the current state")


def _case(case) -> dict:
    earlies = services.five_earlies(case)
    return {
        "id": case.pk, "person_id": case.person_id, "person_name": case.person.name,
        "grid_code": case.person.grid.code, "classification": case.classification, "severity": case.severity,
        "placement": case.placement, "hospital": case.hospital, "facility_kind": case.facility_kind or None,
        "high_risk": case.high_risk, "sampled_on": case.sampled_on, "onset_date": case.onset_date,
        "detected_at": case.detected_at, "reported_at": case.reported_at, "isolated_at": case.isolated_at,
        "diagnosed_at": case.diagnosed_at, "treated_at": case.treated_at, "report_late": earlies.report_late,
        "allowed_actions": actions_from(case.classification, case.placement),
    }


class CaseIn(Schema):
    person_id: Id
    onset_date: Day | None = None
    detected_at: Moment | None = None
    reported_at: Moment | None = None
    sampled_on: Day | None = None
    severity: Severity = Severity.MILD
    high_risk: bool = False


class TransitionIn(Schema):
    action: Text(20) = Field(description=f"one of: {', '.join(TRANSITIONS)}")
    at: Moment | None = None
    hospital: Column(Case, "hospital") = ""
    note: Column(CaseEvent, "note") = ""


class SeverityIn(Schema):
    severity: Severity
    note: Column(CaseEvent, "note") = ""


@router.get("/cases", response=list[CaseOut])
@paginate(Pages, page_size=50)
def list_cases(request, classification: Classification | None = None, open_only: bool = True):
    cases = services.cases_for(request.auth).select_related("disease").order_by("-detected_at", "-id")
    if classification:
        cases = cases.filter(classification=classification)
    if open_only:
        cases = cases.filter(closed_at=None)
    return MappedPage(cases, _case, on_page=lambda rows: audit.seen(request.auth, rows, surface="cases"))


@router.post("/cases", response={201: CaseOut})
def open_case(request, payload: CaseIn):
    case = care.open_case(request.auth, payload.person_id, onset_date=payload.onset_date,
                              detected_at=payload.detected_at, reported_at=payload.reported_at,
                              sampled_on=payload.sampled_on, severity=payload.severity, high_risk=payload.high_risk)
    return Status(201, _case(case))


@router.get("/cases/{int:case_id}", response=CaseOut)
def case_detail(request, case_id: Id):
    [case] = audit.seen(request.auth, [services.get_case_for(request.auth, case_id)], surface="case")
    return _case(case)


@router.post("/cases/{int:case_id}/transitions", response=CaseOut,
             summary="Take one step of the pathway (the transition table's action and what follows: the observation "
                     "order ended or opened); a forbidden step, a discharge without the negative tests or a release "
                     "before the health monitoring ends is refused (400) with the reason")
def apply_transition(request, case_id: Id, payload: TransitionIn):
    case = care.move(request.auth, case_id, payload.action, at=payload.at, hospital=payload.hospital,
                     note=payload.note)
    return _case(case)


@router.post("/cases/{int:case_id}/severity", response=CaseOut)
def change_severity(request, case_id: Id, payload: SeverityIn):
    return _case(services.set_severity(request.auth, case_id, payload.severity, payload.note))


class SymptomIn(Schema):
    person_id: Id
    source: SymptomReport.Source
    symptoms: Column(SymptomReport, "symptoms")
    temperature: Temperature | None = None
    onset_date: Day | None = None
    reported_at: Moment | None = None


class SymptomOut(Schema):
    id: int
    person_id: int
    source: str
    symptoms: str
    temperature: Decimal | None
    reported_at: dt.datetime
    deadline: dt.datetime
    overdue: bool
    resolution: str
    resolved_at: dt.datetime | None


def _symptom(entry) -> dict:
    from django.utils import timezone

    return {"id": entry.pk, "person_id": entry.person_id, "source": entry.source, "symptoms": entry.symptoms,
            "temperature": entry.temperature, "reported_at": entry.reported_at, "deadline": entry.deadline,
            "overdue": entry.resolved_at is None and entry.deadline < timezone.now(),
            "resolution": entry.resolution, "resolved_at": entry.resolved_at}


class ResolveIn(Schema):
    resolution: Resolution
    note: Column(SymptomReport, "note") = ""


@router.get("/symptom-reports", response=list[SymptomOut])
@paginate(Pages, page_size=50)
def list_symptom_reports(request, open_only: bool = True):
    entries = services.ledger_for(request.auth).order_by("deadline")
    if open_only:
        entries = entries.filter(resolved_at=None)
    return MappedPage(entries, _symptom,
                      on_page=lambda rows: audit.seen(request.auth, rows, surface="symptom-reports"))


@router.post("/symptom-reports", response={200: SymptomOut, 201: SymptomOut})
def report_symptoms(request, payload: SymptomIn, idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    entry, created = services.report_symptoms(
        request.auth, payload.person_id, source=payload.source, symptoms=payload.symptoms,
        temperature=payload.temperature, onset_date=payload.onset_date, reported_at=payload.reported_at,
        idempotency_key=idempotency_key or None)
    return Status(201 if created else 200, _symptom(entry))


@router.post("/symptom-reports/{int:entry_id}/resolve", response=SymptomOut)
def resolve_symptom_report(request, entry_id: Id, payload: ResolveIn):
    return _symptom(care.resolve_symptom_report(request.auth, entry_id, payload.resolution, payload.note))
