import datetime as dt

from ninja import Router, Schema, Status

from . import services
from .models import RiskLevel

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
    code: str
    level: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    name: str = ""
    note: str = ""


@router.get("/risk-areas", response=list[RiskAreaOut], auth=None,
            summary="The risk areas in force on a day (default today); public, no token needed")
def list_risk_areas(request, day: dt.date | None = None):
    return list(services.in_force(day))


@router.get("/risk-areas/{code}/history", response=list[RiskAreaOut], auth=None)
def risk_area_history(request, code: str):
    return list(services.history(code))


@router.post("/risk-areas", response={201: RiskAreaOut})
def declare(request, payload: RiskAreaIn):
    return Status(201, services.declare(request.auth, code=payload.code, level=payload.level,
                                        valid_from=payload.valid_from, valid_to=payload.valid_to,
                                        name=payload.name, note=payload.note))
