import datetime as dt

from ninja import Field, Header, Router, Schema, Status

from fangkong.audit import services as audit
from fangkong.pathways import checkpoints as checkpoint_journey
from fangkong.people.api import PersonIn, person_input
from fangkong.schema_types import Column, Id, Temperature, Text

from . import services
from .models import Entry, Handover

router = Router(tags=["checkpoints"])


class EntryIn(Schema):
    subject: Text(10)
    temperature: Temperature | None = None
    person: PersonIn | None = None
    plate: Column(Entry, "plate") = ""
    travel_history: Column(Entry, "travel_history") = ""
    contact_history: Column(Entry, "contact_history") = ""
    destination: Column(Entry, "destination") = ""


class HandoverOut(Schema):
    id: int
    person_id: int
    grid: str
    status: str
    due_at: dt.datetime
    confirmed_at: dt.datetime | None


class EntryOut(Schema):
    id: int
    checkpoint_id: int
    subject: str
    fever: bool
    handover: HandoverOut | None
    next_step: str | None = Field(None, description="for a fever: the alert raised, who owns it, the ledger entry")


class ConfirmIn(Schema):
    note: Column(Handover, "note") = ""


def _handover(h) -> dict:
    return {"id": h.pk, "person_id": h.person_id, "grid": h.grid.code, "status": h.status, "due_at": h.due_at,
            "confirmed_at": h.confirmed_at}


@router.post("/checkpoints/{int:checkpoint_id}/entries", response={201: EntryOut},
             summary="Record a person, vehicle or vessel; send an Idempotency-Key so a resubmission counts once")
def record_entry(request, checkpoint_id: Id, payload: EntryIn,
                 idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    entry, fever = checkpoint_journey.record_entry(request.auth, checkpoint_id, services.EntryInput(
        subject=payload.subject, temperature=payload.temperature,
        person=person_input(payload.person) if payload.person else None, plate=payload.plate,
        travel_history=payload.travel_history, contact_history=payload.contact_history,
        destination=payload.destination), idempotency_key=idempotency_key or None)
    handover = Handover.objects.filter(entry=entry).select_related("grid").first()
    return Status(201, {"id": entry.pk, "checkpoint_id": entry.checkpoint_id, "subject": entry.subject,
                        "fever": entry.fever, "handover": _handover(handover) if handover else None,
                        "next_step": fever.message if fever else None})


@router.get("/handovers", response=list[HandoverOut])
def list_handovers(request, status: str | None = None):
    rows = services.handovers_for(request.auth)
    shown = audit.seen(request.auth, (rows.filter(status=status) if status else rows)[:500], surface="handovers")
    return [_handover(h) for h in shown]


@router.post("/handovers/{int:handover_id}/confirm", response=HandoverOut)
def confirm(request, handover_id: Id, payload: ConfirmIn):
    return _handover(services.confirm_arrival(request.auth, handover_id, note=payload.note))
