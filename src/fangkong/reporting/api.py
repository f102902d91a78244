import datetime as dt

from ninja import Header, Router, Schema, Status

from fangkong.accounts import access
from fangkong.schema_types import Day, Text

from . import services

router = Router(tags=["reporting"])


class ReportIn(Schema):
    day: Day
    note: Text(300) = ""


class ReportOut(Schema):
    code: str
    day: dt.date
    version: int
    figures: dict[str, int]
    note: str
    submitted_at: dt.datetime


class ChildReportOut(Schema):
    code: str
    name: str
    reported: bool
    grids: int
    grids_reported: int


class CompletenessOut(Schema):
    code: str
    day: dt.date
    reported: bool
    grids: int
    grids_reported: int
    children: list[ChildReportOut]
    missing_grids: list[str]


def _report(r) -> dict:
    return {"code": r.jurisdiction.code, "day": r.day, "version": r.version, "figures": r.figures, "note": r.note,
            "submitted_at": r.submitted_at}


@router.post("/jurisdictions/{code}/reports", response={201: ReportOut},
             summary="Submit the day's zero report for a unit; a second one is a correction (note required)")
def submit(request, code: Text(24), payload: ReportIn, idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    return Status(201, _report(services.submit(request.auth, code, payload.day, note=payload.note,
                                               idempotency_key=idempotency_key or None)))


@router.get("/jurisdictions/{code}/reports/{day}", response=CompletenessOut)
def completeness(request, code: Text(24), day: Day):
    status = services.completeness(access.get_jurisdiction_for(request.auth, code), day)
    return {"code": status.node.code, "day": day, "reported": status.own is not None, "grids": status.grids,
            "grids_reported": status.grids_reported,
            "children": [{"code": c.node.code, "name": c.node.name, "reported": c.reported, "grids": c.grids,
                          "grids_reported": c.grids_reported} for c in status.children],
            "missing_grids": [g.code for g in status.missing_grids]}
