import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status
from ninja.pagination import paginate

from fangkong.audit import services as audit
from fangkong.pagination import MappedPage, Pages
from fangkong.pathways import care
from fangkong.schema_types import Column, Count, Id, Moment, Problem, Temperature, Text

from . import services
from .models import OPEN_STATUSES, AlertKind, AlertStatus, Kind, OrderStatus, Reading, Reason

# The reasons of an order under their own schema name: the audit log has a Reason of its own.
OrderReason = StrEnum("OrderReason", {reason.name: reason.value for reason in Reason})

router = Router(tags=["quarantine"])


class OrderOut(Schema):
    id: int
    person_id: int
    person_name: str
    kind: Kind
    reason: OrderReason
    room: str | None
    starts_at: dt.datetime
    planned_end_at: dt.datetime
    status: OrderStatus
    ended_at: dt.datetime | None


def _order(order) -> dict:
    return {"id": order.pk, "person_id": order.person_id, "person_name": order.person.name, "kind": order.kind,
            "reason": order.reason, "room": str(order.room) if order.room_id else None, "starts_at": order.starts_at,
            "planned_end_at": order.planned_end_at, "status": order.status, "ended_at": order.ended_at}


class OrderIn(Schema):
    person_id: Id
    kind: Kind
    reason: OrderReason
    starts_at: Moment | None = None
    room_id: Id | None = None
    days: Count | None = None


class ExtendIn(Schema):
    days: Count


class EndIn(Schema):
    status: OrderStatus
    note: Text(200) = ""


class ReadingIn(Schema):
    person_id: Id
    temperature: Temperature
    taken_at: Moment | None = None
    symptoms: Column(Reading, "symptoms") = ""


class ReadingOut(Schema):
    id: int
    order_id: int
    taken_at: dt.datetime
    temperature: Decimal
    symptoms: str
    fever: bool
    next_step: str | None = Field(None, description="for a fever: the alert raised, who owns it, the ledger entry")


class TransferIn(Schema):
    hospital: Text(100) = ""


class BatchReadingIn(ReadingIn):
    idempotency_key: Text(80) | None = None


class BatchIn(Schema):
    readings: list[BatchReadingIn] = Field(..., min_length=1, max_length=500)


class BatchResultOut(Schema):
    index: int
    status: Literal["created", "repeated", "refused"]
    reading: ReadingOut | None = None
    errors: list[Problem] = []


class AlertOut(Schema):
    id: int
    kind: AlertKind
    status: AlertStatus
    person_id: int | None
    person_name: str | None
    order_id: int | None
    raised_at: dt.datetime
    temperature: Decimal | None
    note: str


class AlertStepIn(Schema):
    note: Text(200) = ""


@router.get("/quarantine-orders", response=list[OrderOut])
@paginate(Pages, page_size=50)
def list_orders(request, status: OrderStatus = OrderStatus.ACTIVE):
    return MappedPage(services.orders_for(request.auth).filter(status=status).order_by("planned_end_at", "id"), _order,
                      on_page=lambda rows: audit.seen(request.auth, rows, surface="quarantine-orders"))


@router.post("/quarantine-orders", response={201: OrderOut})
def place_order(request, payload: OrderIn):
    order = services.place_order(request.auth, payload.person_id, kind=payload.kind, reason=payload.reason.value,
                                 starts_at=payload.starts_at, room_id=payload.room_id, days=payload.days)
    return Status(201, _order(order))


@router.post("/quarantine-orders/{int:order_id}/extend", response=OrderOut)
def extend_order(request, order_id: Id, payload: ExtendIn):
    return _order(services.extend_order(request.auth, order_id, payload.days))


@router.post("/quarantine-orders/{int:order_id}/end", response=OrderOut)
def end_order(request, order_id: Id, payload: EndIn):
    return _order(services.end_order(request.auth, order_id, status=payload.status, note=payload.note))


@router.post("/quarantine-orders/{int:order_id}/transfer", response=OrderOut,
             summary="Transfer the person to hospital: their open case takes its transfer step, the order ends")
def transfer_order(request, order_id: Id, payload: TransferIn):
    return _order(care.transfer_from_order(request.auth, order_id, hospital=payload.hospital))


@router.post("/readings", response={200: ReadingOut, 201: ReadingOut},
             summary="Record a temperature; send an Idempotency-Key so a resubmission is counted once. A fever "
                     "raises an alert and a symptom-ledger entry at once (next_step says so)")
def record_reading(request, payload: ReadingIn, idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    reading, created, fever = care.record_reading(request.auth, payload.person_id, temperature=payload.temperature,
                                                  taken_at=payload.taken_at, symptoms=payload.symptoms,
                                                  idempotency_key=idempotency_key or None)
    return Status(201 if created else 200, {**_reading(reading), "next_step": fever.message if fever else None})


@router.post("/readings/batch", response=list[BatchResultOut],
             summary="Record up to 500 readings at once (a phone syncing a round of visits); "
                     "each succeeds or is refused on its own, each key counts once")
def record_readings(request, payload: BatchIn):
    entries = [services.ReadingEntry(r.person_id, r.temperature, r.taken_at, r.symptoms, r.idempotency_key)
               for r in payload.readings]
    results = []
    for index, outcome in enumerate(care.record_readings(request.auth, entries)):
        if outcome.reading is not None:
            results.append({"index": index, "status": "created" if outcome.created else "repeated",
                            "reading": _reading(outcome.reading)})
        else:
            problems = (outcome.refused.as_dicts() if outcome.refused
                        else [{"field": "person_id", "message": _("not found")}])
            results.append({"index": index, "status": "refused", "errors": problems})
    return results


def _reading(reading) -> dict:
    return {"id": reading.pk, "order_id": reading.order_id, "taken_at": reading.taken_at,
            "temperature": reading.temperature, "symptoms": reading.symptoms, "fever": reading.fever}


def _alert(alert) -> dict:
    return {"id": alert.pk, "kind": alert.kind, "status": alert.status, "person_id": alert.person_id,
            "person_name": alert.person.name if alert.person_id else None, "order_id": alert.order_id,
            "raised_at": alert.raised_at,
            "temperature": alert.reading.temperature if alert.reading_id else None, "note": alert.note}


@router.get("/alerts", response=list[AlertOut])
@paginate(Pages, page_size=50)
def list_alerts(request, status: AlertStatus | None = None, kind: AlertKind | None = None):
    alerts = services.alerts_for(request.auth).select_related("reading").order_by("-raised_at", "-id")
    if status:
        alerts = alerts.filter(status=status)
    else:
        alerts = alerts.filter(status__in=OPEN_STATUSES)
    if kind:
        alerts = alerts.filter(kind=kind)
    return MappedPage(alerts, _alert, on_page=lambda rows: audit.seen(request.auth, rows, surface="alerts"))


@router.post("/alerts/{int:alert_id}/acknowledge", response=AlertOut)
def acknowledge_alert(request, alert_id: Id, payload: AlertStepIn):
    return _alert(services.handle_alert(request.auth, alert_id, "acknowledge", payload.note))


@router.post("/alerts/{int:alert_id}/resolve", response=AlertOut)
def resolve_alert(request, alert_id: Id, payload: AlertStepIn):
    return _alert(services.handle_alert(request.auth, alert_id, "resolve", payload.note))
