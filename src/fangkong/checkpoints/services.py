"""Use cases of checkpoints: record an entry fast, hand a traveller over to the destination grid,
confirm the arrival (closing the loop), and raise an alert for a handover left unconfirmed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.accounts.models import Role
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.cases import disease as diseases
from fangkong.errors import InputRefused, Problems
from fangkong.idempotency import services as idempotency
from fangkong.people import crypto
from fangkong.people.models import RegistrationSource
from fangkong.people.services import Choice, Export, Masked, PersonInput, clean_person, register_from_source
from fangkong.screening.models import VEHICLE_PATTERNS, TravelMode

from .models import Checkpoint, Entry, Handover, HandoverStatus, Subject

# The one table of handover states: which step may follow which.
TRANSITIONS = {
    "confirm": ({HandoverStatus.PENDING, HandoverStatus.OVERDUE}, HandoverStatus.CONFIRMED),
    "expire": ({HandoverStatus.PENDING}, HandoverStatus.OVERDUE),
}


def checkpoints_for(actor) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.visible_to(actor).order_by("name")


def handovers_for(actor) -> QuerySet[Handover]:
    return Handover.objects.visible_to(actor).select_related("person", "grid", "entry__checkpoint")


def add_checkpoint(actor, *, name: str, kind: str, jurisdiction_code: str) -> Checkpoint:
    require(actor, "checkpoint.add")
    node = access.get_jurisdiction_for(actor, jurisdiction_code)
    problems = Problems()
    if not (name or "").strip():
        problems.add("name", _("give the checkpoint a name"))
    if kind not in dict(Checkpoint._meta.get_field("kind").choices):
        problems.add("kind", _("a checkpoint is a station, airport, dock, highway exit or service area"))
    problems.refuse_if_any()
    with transaction.atomic():
        checkpoint = Checkpoint.objects.create(name=name.strip(), kind=kind, jurisdiction=node, owner_path=node.path)
        audit.record_change(actor, Action.CHECKPOINT_CHANGE, checkpoint, before={},
                            after={"name": checkpoint.name, "kind": kind, "jurisdiction": node.code})
    return checkpoint


@dataclass(frozen=True)
class EntryInput:
    subject: str
    temperature: object = None
    person: PersonInput | None = None  # for a person; grid_code is the destination grid when it is ours
    plate: str = ""
    travel_history: str = ""
    contact_history: str = ""
    destination: str = ""  # where a traveller goes when it is outside our jurisdiction


def _checkpoint_for_entry(actor, checkpoint_id: int) -> Checkpoint:
    checkpoint = get_visible(checkpoints_for(actor), checkpoint_id)
    if actor.role == Role.CHECKPOINT and not checkpoint.staff.filter(pk=actor.pk).exists():
        raise InputRefused(("checkpoint", _("you are not on the staff of this checkpoint")))
    return checkpoint


def record_entry(actor, checkpoint_id: int, data: EntryInput, *, idempotency_key: str | None = None) -> Entry:
    return record_entry_once(actor, checkpoint_id, data, idempotency_key=idempotency_key)[0]


def record_entry_once(actor, checkpoint_id: int, data: EntryInput, *, idempotency_key: str | None = None
                      ) -> tuple[Entry, bool]:
    """Record a person, vehicle or vessel; a person bound for one of our grids is handed over to it.
    Returns (entry, created): the same idempotency key twice is one entry.

    The destination grid must lie in the staff's own subtree: staff of a city's checkpoints belong to
    the city, so they can hand travellers to any of its grids.
    """
    require(actor, "checkpoint.entry")
    checkpoint = _checkpoint_for_entry(actor, checkpoint_id)
    return idempotency.once(actor, "checkpoint_entry", entries_for(actor), idempotency_key,
                            {"checkpoint": checkpoint.pk, **dataclasses.asdict(data)},
                            lambda: _record_entry(actor, checkpoint, data))


def _record_entry(actor, checkpoint: Checkpoint, data: EntryInput) -> Entry:
    disease, problems = diseases.current(), Problems()
    if data.subject not in Subject.values:
        problems.add("subject", _("the subject is a person, a vehicle or a vessel"))
    temperature = None
    if data.temperature not in (None, ""):
        temperature = diseases.temperature(disease, data.temperature, problems)
    elif data.subject == Subject.PERSON:
        problems.add("temperature", _("take the person's temperature"))
    plate = (data.plate or "").strip().upper().replace(" ", "")
    if data.subject == Subject.VEHICLE and not VEHICLE_PATTERNS[TravelMode.CAR].match(plate):
        problems.add("plate", _("“%(v)s” is not a Chinese plate such as 鄂A12345") % {"v": data.plate})
    if data.subject == Subject.VESSEL and not plate:
        problems.add("plate", _("give the vessel's name or number"))
    inbound = bool(data.person and data.person.grid_code)
    traveller = None
    if data.subject == Subject.PERSON:
        if data.person is None:
            problems.add("id_number", _("a person needs an identity document"))
        else:
            with problems.gathered():
                traveller = clean_person(actor, data.person, placed=inbound)
            if not inbound and not data.destination.strip():
                problems.add("destination", _("give the destination grid, or where outside the jurisdiction"))
    problems.refuse_if_any()
    now = timezone.now()
    with transaction.atomic():
        person, passing, registration = None, {}, []
        if traveller and inbound:
            registered = register_from_source(actor, data.person, source=RegistrationSource.CHECKPOINT,
                                              source_ref=uuid.uuid4().hex, audit_into=registration)
            # A record beyond the checkpoint's reach stays with its owner, who was asked to take the
            # handover: the entry keeps the traveller as entered, as for one passing through.
            person = registered.person if registered.own else None
        if traveller and person is None:
            person = access.persons_for(actor).filter(id_number_hash=traveller.lookup_hash).first()
            if person is None:
                passing = {"traveller_name": traveller.name, "traveller_id_hash": traveller.lookup_hash,
                           "traveller_id_cipher": crypto.encrypt(traveller.id_number)}
        entry = Entry.objects.create(
            **passing,
            checkpoint=checkpoint, subject=data.subject, person=person, plate=plate, temperature=temperature,
            fever=temperature is not None and temperature >= disease.fever_threshold,
            travel_history=data.travel_history.strip()[:300], contact_history=data.contact_history.strip()[:300],
            destination="" if inbound else data.destination.strip()[:120],
            entered_by=actor, entered_at=now)
        handover = None
        if person is not None and inbound:
            handover = Handover.objects.create(entry=entry, person=person, grid=person.grid,
                                               owner_path=person.jurisdiction_path,
                                               due_at=now + dt.timedelta(hours=settings.HANDOVER_HOURS))
        audit.record_change(actor, Action.CHECKPOINT_ENTRY, entry, person=person, before={},
                            after={"checkpoint": checkpoint, "subject": entry.subject, "fever": entry.fever,
                                   "handover": handover, "grid": person.grid.code if handover else None},
                            registration=registration[0][1] if registration else None)
    return entry


def _step(actor, handover_id: int, action: str, *, note: str = "") -> Handover:
    allowed_from, to = TRANSITIONS[action]
    handover = get_visible(handovers_for(actor), handover_id)
    if handover.status not in allowed_from:
        if handover.status == to:
            return handover  # a second tap changes nothing
        raise InputRefused(("status", _("this handover is %(s)s") % {"s": handover.get_status_display()}))
    now = timezone.now()
    with transaction.atomic():
        Handover.objects.filter(pk=handover.pk, status=handover.status).update(
            status=to, confirmed_at=now, confirmed_by=actor, note=note[:200])
        audit.record_change(actor, Action.HANDOVER_CHANGE, handover, person=handover.person, step=action,
                            before={"status": handover.status}, after={"status": to})
    handover.refresh_from_db()
    return handover


def confirm_arrival(actor, handover_id: int, *, note: str = "") -> Handover:
    """The destination grid found the traveller: the loop closes (late if the alert was already raised)."""
    require(actor, "handover.confirm")
    return _step(actor, handover_id, "confirm", note=note)


def sweep_handovers(now: dt.datetime | None = None) -> int:
    """Mark every handover not confirmed by its deadline as overdue: that is its alert. Safe to run twice."""
    now = now or timezone.now()
    allowed_from, to = TRANSITIONS["expire"]
    with transaction.atomic():  # the rows locked here are this sweep's alone: each is audited once
        late = list(Handover.objects.select_for_update(skip_locked=True).filter(status__in=allowed_from,
                                                                                due_at__lt=now))
        Handover.objects.filter(pk__in=[h.pk for h in late]).update(status=to, alerted_at=now)
        audit.record_many(None, Action.HANDOVER_CHANGE, [(h.person_id, audit.changes(
            h, {"status": h.status}, {"status": to}, step="expire")) for h in late])
    return len(late)


def entries_for(actor) -> QuerySet[Entry]:
    return Entry.objects.visible_to(actor)


ENTRIES_EXPORT = Export("checkpoint-entries", _("Checkpoint entries"), entries_for, columns=[
    (_("Entered at"), "entered_at"), (_("Checkpoint"), "checkpoint__name"),
    (_("Subject"), Choice("subject", Subject.choices)), (_("Full name"), "person__name"),
    (_("ID number"), Masked("id_number")), (_("Traveller passing through"), "traveller_name"),
    (_("Plate or vessel number"), "plate"), (_("Temperature"), "temperature"), (_("Fever"), "fever"),
    (_("Travel history (14 days)"), "travel_history"), (_("Contact history"), "contact_history"),
    (_("Destination"), "destination")])

HANDOVERS_EXPORT = Export("handovers", _("Checkpoint handovers"), handovers_for, columns=[
    (_("Checkpoint"), "entry__checkpoint__name"), (_("Entered at"), "entry__entered_at"),
    (_("Full name"), "person__name"),
    (_("ID number"), Masked("id_number")), (_("Phone"), Masked("phone")), (_("Grid"), "grid__code"),
    (_("Grid name"), "grid__name"), (_("Status"), Choice("status", HandoverStatus.choices)),
    (_("Confirm by"), "due_at"),
    (_("Confirmed"), "confirmed_at"), (_("Note"), "note")])
