"""Use cases of checkpoints: record an entry fast, hand a traveller over to the destination grid,
confirm the arrival (closing the loop), and raise an alert for a handover left unconfirmed."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.accounts.models import Role
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.cases import disease as diseases
from fangkong.errors import InputRefused
from fangkong.people import crypto
from fangkong.people.models import Person, RegistrationSource
from fangkong.people.services import Choice, Export, Masked, PersonInput, clean_person, register_from_source
from fangkong.screening.models import TravelMode
from fangkong.screening.services import VEHICLE_PATTERNS

from .models import Checkpoint, Entry, Handover, HandoverStatus, Subject

# The one table of handover states: which step may follow which.
TRANSITIONS = {
    "confirm": ({HandoverStatus.PENDING, HandoverStatus.OVERDUE}, HandoverStatus.CONFIRMED),
    "expire": ({HandoverStatus.PENDING}, HandoverStatus.OVERDUE),
}


def checkpoints_for(actor) -> QuerySet[Checkpoint]:
    path = access.scope_path(actor)
    if path is None:
        return Checkpoint.objects.none()
    return Checkpoint.objects.filter(owner_path__startswith=path).order_by("name")


def handovers_for(actor) -> QuerySet[Handover]:
    path = access.scope_path(actor)
    if path is None or not access.may_see_persons(actor):
        return Handover.objects.none()
    return Handover.objects.filter(owner_path__startswith=path).select_related("person", "grid", "entry__checkpoint")


def add_checkpoint(actor, *, name: str, kind: str, jurisdiction_code: str) -> Checkpoint:
    access.require_command(actor, _("only the command centre sets up checkpoints"))
    node = access.get_jurisdiction_for(actor, jurisdiction_code)
    problems = []
    if not (name or "").strip():
        problems.append(("name", _("give the checkpoint a name")))
    if kind not in dict(Checkpoint._meta.get_field("kind").choices):
        problems.append(("kind", _("a checkpoint is a station, airport, dock, highway exit or service area")))
    if problems:
        raise InputRefused(*problems)
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
    checkpoint = checkpoints_for(actor).filter(pk=checkpoint_id).first()
    if checkpoint is None:
        raise Http404("No such checkpoint")
    if actor.role == Role.CHECKPOINT and not checkpoint.staff.filter(pk=actor.pk).exists():
        raise InputRefused(("checkpoint", _("you are not on the staff of this checkpoint")))
    return checkpoint


def record_entry(actor, checkpoint_id: int, data: EntryInput, *, idempotency_key: str | None = None) -> Entry:
    """Record a person, vehicle or vessel; a person bound for one of our grids is handed over to it.

    The destination grid must lie in the staff's own subtree: staff of a city's checkpoints belong to
    the city, so they can hand travellers to any of its grids.
    """
    if idempotency_key:
        earlier = Entry.objects.filter(idempotency_key=idempotency_key).first()
        if earlier:
            return earlier
    checkpoint = _checkpoint_for_entry(actor, checkpoint_id)
    disease, problems = diseases.current(), []
    if data.subject not in Subject.values:
        problems.append(("subject", _("the subject is a person, a vehicle or a vessel")))
    temperature = None
    if data.temperature not in (None, ""):
        try:
            temperature = Decimal(str(data.temperature)).quantize(Decimal("0.1"))
            if not disease.temperature_min <= temperature <= disease.temperature_max:
                problems.append(("temperature", _("%(t)s °C is implausible: expected %(lo)s to %(hi)s")
                                 % {"t": temperature, "lo": disease.temperature_min, "hi": disease.temperature_max}))
        except (InvalidOperation, ValueError):
            problems.append(("temperature", _("a temperature is a number in °C, e.g. 36.8")))
    elif data.subject == Subject.PERSON:
        problems.append(("temperature", _("take the person's temperature")))
    plate = (data.plate or "").strip().upper().replace(" ", "")
    if data.subject == Subject.VEHICLE and not VEHICLE_PATTERNS[TravelMode.CAR].match(plate):
        problems.append(("plate", _("“%(v)s” is not a Chinese plate such as 鄂A12345") % {"v": data.plate}))
    if data.subject == Subject.VESSEL and not plate:
        problems.append(("plate", _("give the vessel's name or number")))
    inbound = bool(data.person and data.person.grid_code)
    traveller = None
    if data.subject == Subject.PERSON:
        if data.person is None:
            problems.append(("id_number", _("a person needs an identity document")))
        else:
            try:
                traveller = clean_person(actor, data.person, placed=inbound)
            except InputRefused as refused:
                problems += [(p.field, p.message) for p in refused.problems]
            if not inbound and not data.destination.strip():
                problems.append(("destination", _("give the destination grid, or where outside the jurisdiction")))
    if problems:
        raise InputRefused(*problems)
    now = timezone.now()
    try:
        with transaction.atomic():
            person, passing, registration = None, {}, []
            if traveller and inbound:
                person, _created = register_from_source(actor, data.person, source=RegistrationSource.CHECKPOINT,
                                                        source_ref=idempotency_key or uuid.uuid4().hex,
                                                        audit_into=registration)
            elif traveller:
                person = Person.objects.filter(id_number_hash=traveller.lookup_hash).first()
                if person is None:
                    passing = {"traveller_name": traveller.name, "traveller_id_hash": traveller.lookup_hash,
                               "traveller_id_cipher": crypto.encrypt(traveller.id_number)}
            entry = Entry.objects.create(
                **passing,
                checkpoint=checkpoint, subject=data.subject, person=person, plate=plate, temperature=temperature,
                fever=temperature is not None and temperature >= disease.fever_threshold,
                travel_history=data.travel_history.strip()[:300], contact_history=data.contact_history.strip()[:300],
                destination="" if inbound else data.destination.strip()[:120],
                entered_by=actor, entered_at=now, idempotency_key=idempotency_key or None)
            handover = None
            if person is not None and inbound:
                handover = Handover.objects.create(entry=entry, person=person, grid=person.grid,
                                                   owner_path=person.jurisdiction_path,
                                                   due_at=now + dt.timedelta(hours=settings.HANDOVER_HOURS))
            audit.record_change(actor, Action.CHECKPOINT_ENTRY, entry, person=person, before={},
                                after={"checkpoint": checkpoint, "subject": entry.subject, "fever": entry.fever,
                                       "handover": handover, "grid": person.grid.code if handover else None},
                                registration=registration[0][1] if registration else None)
    except IntegrityError:
        if not idempotency_key:
            raise
        return Entry.objects.get(idempotency_key=idempotency_key)
    return entry


def _step(actor, handover_id: int, action: str, *, note: str = "") -> Handover:
    allowed_from, to = TRANSITIONS[action]
    handover = handovers_for(actor).filter(pk=handover_id).first()
    if handover is None:
        raise Http404("No such handover")
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
    path = access.scope_path(actor)
    if path is None or not access.may_see_persons(actor):
        return Entry.objects.none()
    return Entry.objects.filter(checkpoint__owner_path__startswith=path)


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
