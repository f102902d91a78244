"""Use cases of screening: declare, change or lift a risk area; read the list as of any day."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import Conflict, InputRefused
from fangkong.people import crypto, identity
from fangkong.people.models import IdType, Person, RegistrationSource
from fangkong.people.services import PersonInput, clean_person, identity_hash, register_from_source
from fangkong.quarantine import services as quarantine
from fangkong.jurisdictions.codes import county_table, name_in

from .models import (Arrival, ArrivalCategory, AssistRequest, AssistStatus, FollowUp, RiskArea, RiskLevel,
                     TravelMode)


def _area_name(code: str, given: str) -> tuple[str | None, tuple[str, str] | None]:
    """The area's name, or the (field, problem) that prevents it. Areas may lie outside our tree."""
    if not code.isdigit() or len(code) not in (6, 12):
        return None, ("code", _("an area code is 6 digits (GB/T 2260 county) or 12 (township or community)"))
    county = code[:6]
    if county not in county_table():
        return None, ("code", _("%(c)s is not a county code in GB/T 2260") % {"c": county})
    if len(code) == 6:
        return given.strip() or name_in(county) or county_table()[county][-1][2], None
    if not given.strip():
        return None, ("name", _("give the township's or community's name: only county names are in the code table"))
    return given.strip(), None


def declare(actor, *, code: str, level: str, valid_from: dt.date, valid_to: dt.date | None = None,
            name: str = "", note: str = "") -> RiskArea:
    """Declare an area's risk level, or change it: the current declaration is superseded, not edited."""
    access.require_command(actor, _("only the command centre declares risk areas"))
    code = (code or "").strip()
    resolved, problem = _area_name(code, name or "")
    problems = [problem] if problem else []
    if level not in RiskLevel.values:
        problems.append(("level", _("the level is high, medium or low")))
    if valid_to is not None and valid_to < valid_from:
        problems.append(("valid_to", _("the end comes before the start")))
    if problems:
        raise InputRefused(*problems)
    now = timezone.now()
    try:
        with transaction.atomic():
            RiskArea.objects.filter(code=code, superseded_at=None).update(superseded_at=now)
            area = RiskArea.objects.create(code=code, name=resolved, level=level, valid_from=valid_from,
                                           valid_to=valid_to, note=note[:200], declared_by=actor, declared_at=now)
            audit.record(actor, Action.RISK_AREA_CHANGE, code=code, level=level, valid_from=valid_from.isoformat(),
                         valid_to=valid_to.isoformat() if valid_to else None)
    except IntegrityError:
        raise Conflict(("code", _("this area was changed at the same moment by someone else; reload"))) from None
    return area


def lift(actor, code: str, on: dt.date, *, note: str = "") -> RiskArea:
    """End a declaration on `on` (the last day it applies), as a new row in the history."""
    current = RiskArea.objects.filter(code=code, superseded_at=None).first()
    if current is None:
        raise InputRefused(("code", _("%(c)s is not on the list") % {"c": code}))
    return declare(actor, code=code, level=current.level, valid_from=current.valid_from, valid_to=on,
                   name=current.name, note=note or str(_("lifted")))


def in_force(day: dt.date | None = None) -> list[RiskArea]:
    """The risk areas that apply on `day`: per area, the latest declaration that had begun by then,
    if it has not ended. (A new declaration replaces the older ones from its first day on.)"""
    day = day or timezone.localdate()
    latest: dict[str, RiskArea] = {}
    for area in RiskArea.objects.filter(valid_from__lte=day).order_by("declared_at", "id"):
        latest[area.code] = area
    order = {level: rank for rank, level in enumerate(RiskLevel.values)}
    return sorted((a for a in latest.values() if a.valid_to is None or a.valid_to >= day),
                  key=lambda a: (order[a.level], a.code))


def history(code: str) -> QuerySet[RiskArea]:
    return RiskArea.objects.filter(code=code).order_by("declared_at")


def level_of(area_code: str, day: dt.date | None = None) -> str | None:
    """The risk level that applies to a place of origin: its own declaration, or its county's."""
    areas = {a.code: a.level for a in in_force(day) if a.code in (area_code, area_code[:6])}
    return areas.get(area_code) or areas.get(area_code[:6])


# --- the arrival register -----------------------------------------------------------------------

# Hours a grid has for the follow-up an arrival's origin calls for.
FOLLOW_UP_HOURS = {FollowUp.OBSERVATION: 2, FollowUp.TEST: 24}
# A high-risk origin puts the person under home observation at once; a medium-risk one needs a test.
FOLLOW_UP_BY_RISK = {RiskLevel.HIGH: FollowUp.OBSERVATION, RiskLevel.MEDIUM: FollowUp.TEST}
VEHICLE_PATTERNS = {
    TravelMode.TRAIN: re.compile(r"^[GDCZTKSYL]?\d{1,4}$"),
    TravelMode.FLIGHT: re.compile(r"^[A-Z0-9]{2}\d{1,4}$"),
    # 京A12345 / 粤B·D12345 (new-energy plates have six characters after the letter)
    TravelMode.CAR: re.compile(r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-Z]·?[A-Z0-9]{5,6}$"),
}


@dataclass(frozen=True)
class ArrivalInput:
    person: PersonInput
    origin_code: str
    arrived_at: dt.datetime
    mode: str
    category: str
    vehicle: str = ""
    origin_name: str = ""


def arrivals_for(actor) -> QuerySet[Arrival]:
    path = access.scope_path(actor)
    if path is None or not access.may_see_persons(actor):
        return Arrival.objects.none()
    return Arrival.objects.filter(owner_path__startswith=path).select_related("person", "grid")


def register_arrival(actor, data: ArrivalInput, *, idempotency_key: str | None = None) -> tuple[Arrival, bool]:
    """Register an arrival; one from a risk area gets, for its grid and with a deadline, the follow-up
    that risk calls for (a home observation order, or a test). A repeated key is counted once."""
    if idempotency_key:
        earlier = Arrival.objects.filter(idempotency_key=idempotency_key).first()
        if earlier:
            return earlier, False
    problems = []
    origin_name, problem = _area_name((data.origin_code or "").strip(), data.origin_name or "")
    if problem:
        problems.append(("origin_code" if problem[0] == "code" else "origin_name", problem[1]))
    if data.mode not in TravelMode.values:
        problems.append(("mode", _("travel is by train, flight, car, ship or other")))
    vehicle = (data.vehicle or "").strip().upper().replace(" ", "")
    pattern = VEHICLE_PATTERNS.get(data.mode)
    if pattern and not pattern.match(vehicle):
        problems.append(("vehicle", _("“%(v)s” is not a train number, flight number or plate of that kind")
                         % {"v": data.vehicle}))
    if data.category not in ArrivalCategory.values:
        problems.append(("category", _("the category is returning worker, student, resident or visitor")))
    now = timezone.now()
    if data.arrived_at is None or timezone.is_naive(data.arrived_at):
        problems.append(("arrived_at", _("give the arrival time with its time zone")))
    elif data.arrived_at > now + dt.timedelta(minutes=5):
        problems.append(("arrived_at", _("the arrival is dated in the future")))
    try:
        clean_person(actor, data.person)  # every problem of the person's fields, reported with the others
    except InputRefused as refused:
        problems += [(p.field, p.message) for p in refused.problems]
    if problems:
        raise InputRefused(*problems)
    risk = level_of(data.origin_code.strip(), timezone.localdate(data.arrived_at)) or ""
    follow_up = FOLLOW_UP_BY_RISK.get(risk, FollowUp.NONE)
    try:
        with transaction.atomic():
            person, _created = register_from_source(actor, data.person, source=RegistrationSource.ARRIVAL,
                                                    source_ref=idempotency_key or uuid.uuid4().hex)
            arrival = Arrival.objects.create(
                person=person, origin_code=data.origin_code.strip(), origin_name=origin_name,
                arrived_at=data.arrived_at, mode=data.mode, vehicle=vehicle, category=data.category,
                grid=person.grid, owner_path=person.jurisdiction_path, origin_risk=risk, follow_up=follow_up,
                follow_up_due=(now + dt.timedelta(hours=FOLLOW_UP_HOURS[follow_up])) if follow_up != FollowUp.NONE
                else None, entered_by=actor, idempotency_key=idempotency_key or None)
            if follow_up == FollowUp.OBSERVATION and not person.quarantine_orders.filter(status="active").exists():
                arrival.order = quarantine.place_order(actor, person.pk, kind="home", reason="risk_area",
                                                       starts_at=min(data.arrived_at, now))
                arrival.follow_up_done_at = now
                arrival.save(update_fields=["order", "follow_up_done_at"])
    except IntegrityError:
        if not idempotency_key:
            raise
        return Arrival.objects.get(idempotency_key=idempotency_key), False
    return arrival, True


def complete_follow_up(actor, arrival_id: int) -> Arrival:
    arrival = arrivals_for(actor).filter(pk=arrival_id).first()
    if arrival is None:
        raise Http404("No such arrival")
    Arrival.objects.filter(pk=arrival.pk, follow_up_done_at=None).exclude(follow_up=FollowUp.NONE).update(
        follow_up_done_at=timezone.now())
    arrival.refresh_from_db()
    return arrival


def overdue_follow_ups(actor) -> QuerySet[Arrival]:
    return arrivals_for(actor).exclude(follow_up=FollowUp.NONE).filter(follow_up_done_at=None,
                                                                       follow_up_due__lt=timezone.now())


# --- assist-investigation requests (协查) ---------------------------------------------------------

ANSWERS = {AssistStatus.FOUND, AssistStatus.NOT_FOUND, AssistStatus.MOVED}


@dataclass(frozen=True)
class AssistInput:
    region: str
    reference: str
    name: str
    address_code: str
    id_number: str = ""
    phone: str = ""
    reason: str = ""


def assist_requests_for(actor) -> QuerySet[AssistRequest]:
    path = access.scope_path(actor)
    if path is None or not access.may_see_persons(actor):
        return AssistRequest.objects.none()
    return AssistRequest.objects.filter(owner_path__startswith=path).select_related("unit", "person")


def receive_assist_request(actor, data: AssistInput) -> tuple[AssistRequest, bool]:
    """Route a request to the grid of the person's address (or of their record here), with a deadline.

    The same (region, reference) twice is one request: handle on receipt, once (即收即办).
    """
    earlier = AssistRequest.objects.filter(region=data.region.strip(), reference=data.reference.strip()).first()
    if earlier:
        return earlier, False
    problems = []
    for field in ("region", "reference", "name", "address_code"):
        if not (getattr(data, field) or "").strip():
            problems.append((field, _("this field is required")))
    id_number = ""
    if data.id_number.strip():
        try:
            id_number = identity.normalise_resident_id(data.id_number)
        except InputRefused as refused:
            problems += [(p.field, p.message) for p in refused.problems]
    unit = access.jurisdictions_for(actor).filter(code=data.address_code.strip()).first()
    if data.address_code.strip() and unit is None:
        problems.append(("address_code", _("%(c)s is not a unit of our jurisdiction") % {"c": data.address_code}))
    if problems:
        raise InputRefused(*problems)
    lookup = identity_hash(IdType.RESIDENT_ID, id_number) if id_number else ""
    person = Person.objects.filter(id_number_hash=lookup).select_related("grid").first() if lookup else None
    if person is not None and person.jurisdiction_path.startswith(access.scope_path(actor) or "\x00"):
        unit = person.grid  # we know where they live: straight to their grid
    else:
        person = None
    now = timezone.now()
    try:
        request = AssistRequest.objects.create(
            region=data.region.strip(), reference=data.reference.strip(), name=data.name.strip()[:50],
            id_number_cipher=crypto.encrypt(id_number) if id_number else None, id_number_hash=lookup,
            phone_cipher=crypto.encrypt(data.phone.strip()) if data.phone.strip() else None,
            address_code=data.address_code.strip(), reason=data.reason.strip()[:300], person=person, unit=unit,
            owner_path=unit.path, received_at=now, deadline=now + dt.timedelta(hours=settings.ASSIST_HOURS))
    except IntegrityError:
        return AssistRequest.objects.get(region=data.region.strip(), reference=data.reference.strip()), False
    return request, True


def answer_assist_request(actor, request_id: int, status: str, *, note: str = "") -> AssistRequest:
    """The grid's answer: found, not found or moved, with a note; given once."""
    request = assist_requests_for(actor).filter(pk=request_id).first()
    if request is None:
        raise Http404("No such request")
    if status not in ANSWERS:
        raise InputRefused(("status", _("the answer is found, not found or moved")))
    if status in (AssistStatus.NOT_FOUND, AssistStatus.MOVED) and not note.strip():
        raise InputRefused(("note", _("say what was done, and where they went if they moved")))
    with transaction.atomic():
        claimed = AssistRequest.objects.filter(pk=request.pk, status=AssistStatus.OPEN).update(
            status=status, answer_note=note.strip()[:300], answered_at=timezone.now(), answered_by=actor)
        if not claimed:
            request.refresh_from_db()
            if request.status == status:
                return request  # the same answer sent twice
            raise Conflict(("status", _("this request was already answered: %(s)s")
                            % {"s": request.get_status_display()}))
        audit.record(actor, Action.ASSIST_ANSWER, person=request.person, request=request.pk, status=status)
    request.refresh_from_db()
    return request


def overdue_assist_requests(actor) -> QuerySet[AssistRequest]:
    return assist_requests_for(actor).filter(status=AssistStatus.OPEN, deadline__lt=timezone.now())


ANSWER_COLUMNS = ["reference", "name", "status", "answer", "answered_at", "received_at", "deadline"]


def answer_rows(actor, region: str):
    """The answers to send back to the region that asked, one row per request (no ID numbers)."""
    for r in assist_requests_for(actor).filter(region=region).order_by("received_at").iterator(chunk_size=2000):
        yield [r.reference, r.name, r.status, r.answer_note,
               timezone.localtime(r.answered_at).isoformat(timespec="minutes") if r.answered_at else "",
               timezone.localtime(r.received_at).isoformat(timespec="minutes"),
               timezone.localtime(r.deadline).isoformat(timespec="minutes")]
