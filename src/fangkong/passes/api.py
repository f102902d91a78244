import datetime as dt

from ninja import Header, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from fangkong.pagination import MappedPage, Pages
from fangkong.schema_types import Column, Day, Id, Moment, Text

from . import services
from .models import Pass, PassCheck

router = Router(tags=["passes"])


class PassIn(Schema):
    jurisdiction_code: Text(15)
    plate: Text(20)
    use: Text(12)
    cargo: Column(Pass, "cargo") = ""
    carrier: Column(Pass, "carrier")
    driver_name: Column(Pass, "driver_name")
    route_from: Text(6)
    route_to: Text(6)
    route_via: list[Text(6)] = Field(default_factory=list, max_length=10)
    valid_from: Day
    valid_to: Day


class PassOut(Schema):
    id: int
    number: str
    plate: str
    use: str
    route: list[str]
    valid_from: dt.date
    valid_to: dt.date
    status: str


class RevokeIn(Schema):
    reason: Column(Pass, "revoked_reason")


class PassCheckIn(Schema):
    pass_number: Text(20)
    plate: Text(20)
    health_code: Text(6)
    tested_at: Moment | None = None


class PassCheckOut(Schema):
    id: int
    number: str
    valid: bool
    reasons: list[str]
    plate: str
    route: list[str] | None
    valid_to: dt.date | None


def _pass(p: Pass) -> dict:
    return {"id": p.pk, "number": p.number, "plate": p.plate, "use": p.use, "route": p.route,
            "valid_from": p.valid_from, "valid_to": p.valid_to, "status": p.status}


def _check(c: PassCheck) -> dict:
    issued = c.pass_record
    return {"id": c.pk, "number": c.number, "valid": c.valid, "reasons": c.reasons, "plate": c.plate,
            "route": issued.route if issued else None, "valid_to": issued.valid_to if issued else None}


@router.get("/passes", response=list[PassOut], summary="The green-channel passes issued in the caller's subtree")
@paginate(Pages, page_size=50)
def list_passes(request):
    return MappedPage(services.passes_for(request.auth).order_by("-issued_at", "-id"), _pass)


@router.post("/passes", response={201: PassOut},
             summary="Issue a pass: one vehicle, one route; send an Idempotency-Key so a resubmission counts once")
def issue_pass(request, payload: PassIn, idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    issued = services.issue_pass(request.auth, services.PassInput(
        jurisdiction_code=payload.jurisdiction_code, plate=payload.plate, use=payload.use, cargo=payload.cargo,
        carrier=payload.carrier, driver_name=payload.driver_name, route_from=payload.route_from,
        route_to=payload.route_to, route_via=tuple(payload.route_via), valid_from=payload.valid_from,
        valid_to=payload.valid_to), idempotency_key=idempotency_key or None)
    return Status(201, _pass(issued))


@router.post("/passes/{int:pass_id}/revoke", response=PassOut, summary="Revoke a pass: refused at the next check")
def revoke_pass(request, pass_id: Id, payload: RevokeIn):
    return _pass(services.revoke_pass(request.auth, pass_id, reason=payload.reason))


@router.post("/checkpoints/{int:checkpoint_id}/pass-checks", response={201: PassCheckOut},
             summary="Check a pass at a checkpoint: valid for this vehicle, route and day, with the driver's checks")
def check_pass(request, checkpoint_id: Id, payload: PassCheckIn):
    check = services.check_pass(request.auth, checkpoint_id, services.CheckInput(
        number=payload.pass_number, plate=payload.plate, health_code=payload.health_code, tested_at=payload.tested_at))
    return Status(201, _check(check))
