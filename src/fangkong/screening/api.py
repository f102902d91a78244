import datetime as dt

from ninja import Field, Header, Router, Schema, Status
from ninja.pagination import paginate

from fangkong.audit import services as audit
from fangkong.pagination import MappedPage, Pages
from fangkong.pathways import arrivals as arrival_journey
from fangkong.people.api import PersonIn, person_input
from fangkong.schema_types import Column, Day, Id, Moment, Text

from . import services
from .models import Arrival, AssistRequest, RiskArea, RiskLevel

router = Router(tags=["screening"])


class RiskAreaOut(Schema):
    code: str
    name: str
    level: RiskLevel
    valid_from: dt.date
    valid_to: dt.date | None
    declared_at: dt.datetime
    superseded_at: dt.datetime | None
    note: str


class RiskAreaIn(Schema):
    code: Column(RiskArea, "code")
    level: Text(8)
    valid_from: Day
    valid_to: Day | None = None
    name: Column(RiskArea, "name") = ""
    note: Text(200) = ""


@router.get("/risk-areas", response=list[RiskAreaOut], auth=None,
            summary="The risk areas in force on a day (default today); public, no token needed")
def list_risk_areas(request, day: Day | None = None):
    return list(services.in_force(day))


@router.get("/risk-areas/{code}/history", response=list[RiskAreaOut], auth=None)
def risk_area_history(request, code: Text(12)):
    return list(services.history(code))


@router.post("/risk-areas", response={201: RiskAreaOut})
def declare(request, payload: RiskAreaIn):
    return Status(201, services.declare(request.auth, code=payload.code, level=payload.level,
                                        valid_from=payload.valid_from, valid_to=payload.valid_to,
                                        name=payload.name, note=payload.note))


class ArrivalIn(PersonIn):
    origin_code: Column(Arrival, "origin_code")
    origin_name: Column(Arrival, "origin_name") = ""
    arrived_at: Moment
    mode: Text(8)
    vehicle: Column(Arrival, "vehicle") = ""
    category: Text(10)


class ArrivalOut(Schema):
    id: int
    person_id: int | None = Field(description="null when another unit holds the person's record")
    person_name: str = Field(description="the name as entered")
    origin_code: str
    origin_name: str
    arrived_at: dt.datetime
    mode: str
    vehicle: str
    category: str
    grid: str
    origin_risk: str
    follow_up: str
    follow_up_due: dt.datetime | None
    follow_up_done_at: dt.datetime | None


def _arrival(a) -> dict:
    return {"id": a.pk, "person_id": a.person_id if a.person_here else None, "person_name": a.name,
            "origin_code": a.origin_code, "origin_name": a.origin_name, "arrived_at": a.arrived_at, "mode": a.mode,
            "vehicle": a.vehicle, "category": a.category, "grid": a.grid.code, "origin_risk": a.origin_risk,
            "follow_up": a.follow_up, "follow_up_due": a.follow_up_due, "follow_up_done_at": a.follow_up_done_at}


@router.get("/arrivals", response=list[ArrivalOut])
@paginate(Pages, page_size=50)
def list_arrivals(request, overdue: bool = False):
    arrivals = services.overdue_follow_ups(request.auth) if overdue else services.arrivals_for(request.auth)
    return MappedPage(arrivals, _arrival, on_page=lambda rows: audit.seen(request.auth, rows, surface="arrivals"))


@router.post("/arrivals", response={200: ArrivalOut, 201: ArrivalOut},
             summary="Register an arrival; send an Idempotency-Key so a resubmission is counted once")
def register_arrival(request, payload: ArrivalIn, idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    arrival, created = arrival_journey.register_arrival(request.auth, services.ArrivalInput(
        person=person_input(payload), origin_code=payload.origin_code, origin_name=payload.origin_name,
        arrived_at=payload.arrived_at, mode=payload.mode, vehicle=payload.vehicle, category=payload.category),
        idempotency_key=idempotency_key or None)
    return Status(201 if created else 200, _arrival(arrival))


class AssistIn(Schema):
    region: Column(AssistRequest, "region")
    reference: Column(AssistRequest, "reference")
    name: Column(AssistRequest, "name")
    address_code: Column(AssistRequest, "address_code")
    id_number: Text(40) = ""
    phone: Text(20) = ""
    reason: Column(AssistRequest, "reason") = ""


class AssistOut(Schema):
    id: int
    region: str
    reference: str
    name: str
    unit: str
    status: str
    deadline: dt.datetime
    answer_note: str
    answered_at: dt.datetime | None


class AnswerIn(Schema):
    status: Text(10)
    note: Column(AssistRequest, "answer_note") = ""


def _assist(r) -> dict:
    return {"id": r.pk, "region": r.region, "reference": r.reference, "name": r.name, "unit": r.unit.code,
            "status": r.status, "deadline": r.deadline, "answer_note": r.answer_note, "answered_at": r.answered_at}


@router.post("/assist-requests", response={200: AssistOut, 201: AssistOut},
             summary="Receive an assist request from another region; the same (region, reference) counts once")
def receive_assist_request(request, payload: AssistIn):
    received, created = services.receive_assist_request(request.auth, services.AssistInput(**payload.dict()))
    return Status(201 if created else 200, _assist(received))


@router.get("/assist-requests", response=list[AssistOut])
@paginate(Pages, page_size=50)
def list_assist_requests(request, status: Text(10) | None = None, overdue: bool = False):
    rows = services.overdue_assist_requests(request.auth) if overdue else services.assist_requests_for(request.auth)
    return MappedPage(rows.filter(status=status) if status else rows, _assist,
                      on_page=lambda page: audit.seen(request.auth, page, surface="assist-requests"))


@router.post("/assist-requests/{int:request_id}/answer", response=AssistOut)
def answer_assist_request(request, request_id: Id, payload: AnswerIn):
    return _assist(services.answer_assist_request(request.auth, request_id, payload.status, note=payload.note))
