"""Use cases of screening: declare, change or lift a risk area; read the list as of any day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong import bulk
from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.batches import Outcome
from fangkong.errors import Conflict, InputRefused, Problems
from fangkong.idempotency import services as idempotency
from fangkong.jurisdictions.codes import county_codes, latest_name
from fangkong.people import crypto, identity
from fangkong.people.models import IdType, RegistrationSource
from fangkong.people.services import (
    Choice,
    CleanPerson,
    Export,
    Masked,
    PersonInput,
    Places,
    clean_person,
    identity_hash,
    register_clean,
)

from .models import (
    ARRIVAL_CATEGORIES,
    TRAVEL_MODES,
    VEHICLE_PATTERNS,
    Arrival,
    ArrivalCategory,
    AssistRequest,
    AssistStatus,
    FollowUp,
    RiskArea,
    RiskLevel,
    TravelMode,
    arrival_fingerprint,
)


def _area_name(code: str, given: str) -> tuple[str | None, tuple[str, str] | None]:
    """The area's name, or the (field, problem) that prevents it. Areas may lie outside our tree."""
    if not code.isdigit() or len(code) not in (6, 12):
        return None, ("code", _("an area code is 6 digits (GB/T 2260 county) or 12 (township or community)"))
    county = code[:6]
    if county not in county_codes():
        return None, ("code", _("%(c)s is not a county code in GB/T 2260") % {"c": county})
    if len(code) == 6:
        return given.strip() or latest_name(county), None
    if not given.strip():
        return None, ("name", _("give the township's or community's name: only county names are in the code table"))
    return given.strip(), None


def declare(actor, *, code: str, level: str, valid_from: dt.date, valid_to: dt.date | None = None,
            name: str = "", note: str = "") -> RiskArea:
    """Declare an area's risk level, or change it: the current declaration is superseded, not edited."""
    require(actor, "riskarea.declare")
    code = (code or "").strip()
    resolved, problem = _area_name(code, name or "")
    problems = Problems()
    if problem:
        problems.add(*problem)
    if level not in RiskLevel.values:
        problems.add("level", _("the level is high, medium or low"))
    if valid_to is not None and valid_to < valid_from:
        problems.add("valid_to", _("the end comes before the start"))
    problems.refuse_if_any()
    now = timezone.now()
    try:
        with transaction.atomic():
            current = RiskArea.objects.filter(code=code, superseded_at=None).first()
            RiskArea.objects.filter(code=code, superseded_at=None).update(superseded_at=now)
            area = RiskArea.objects.create(code=code, name=resolved, level=level, valid_from=valid_from,
                                           valid_to=valid_to, note=note[:200], declared_by=actor, declared_at=now)
            fields = ("level", "valid_from", "valid_to")
            audit.record_change(actor, Action.RISK_AREA_CHANGE, area, code=code,
                                before={f: getattr(current, f) for f in fields} if current else {},
                                after={f: getattr(area, f) for f in fields})
    except IntegrityError:
        raise Conflict(("code", _("this area was changed at the same moment by someone else; reload"))) from None
    return area


def lift(actor, code: str, on: dt.date, *, note: str = "") -> RiskArea:
    """End a declaration on `on` (the last day it applies), as a new row in the history."""
    require(actor, "riskarea.declare")
    current = RiskArea.objects.filter(code=code, superseded_at=None).first()
    if current is None:
        raise InputRefused(("code", _("%(c)s is not on the list") % {"c": code}))
    return declare(actor, code=code, level=current.level, valid_from=current.valid_from, valid_to=on,
                   name=current.name, note=note or str(_("lifted")))


def in_force(day: dt.date | None = None) -> list[RiskArea]:
    """The risk areas that apply on `day`: per area, the latest declaration that had begun by then,
    if it has not ended. (A new declaration replaces the older ones from its first day on.)"""
    day = day or timezone.localdate()
    return RiskBook(RiskArea.objects.filter(valid_from__lte=day)).in_force(day)


def history(code: str) -> QuerySet[RiskArea]:
    return RiskArea.objects.filter(code=code).order_by("declared_at")


def level_of(area_code: str, day: dt.date | None = None) -> str | None:
    """The risk level that applies to a place of origin: its own declaration, or its county's."""
    return RiskBook().level_of(area_code, day or timezone.localdate())


class RiskBook:
    """Every declaration read once, answering "which areas, at which level, on this day" for a
    whole batch of arrivals (an import names many days) without a query per row."""

    ORDER = {level: rank for rank, level in enumerate(RiskLevel.values)}

    def __init__(self, declarations: QuerySet[RiskArea] | None = None):
        self._declarations = list((declarations if declarations is not None else RiskArea.objects.all())
                                  .order_by("declared_at", "id"))
        self._levels_on: dict[dt.date, dict[str, str]] = {}

    def in_force(self, day: dt.date) -> list[RiskArea]:
        latest: dict[str, RiskArea] = {}
        for area in self._declarations:
            if area.valid_from <= day:
                latest[area.code] = area
        return sorted((a for a in latest.values() if a.valid_to is None or a.valid_to >= day),
                      key=lambda a: (self.ORDER[a.level], a.code))

    def level_of(self, area_code: str, day: dt.date) -> str | None:
        if day not in self._levels_on:
            self._levels_on[day] = {a.code: a.level for a in self.in_force(day)}
        levels = self._levels_on[day]
        return levels.get(area_code) or levels.get(area_code[:6])


# --- the arrival register -----------------------------------------------------------------------

# Hours a grid has for the follow-up an arrival's origin calls for.
FOLLOW_UP_HOURS = {FollowUp.OBSERVATION: 2, FollowUp.TEST: 24}
# A high-risk origin puts the person under home observation at once; a medium-risk one needs a test.
FOLLOW_UP_BY_RISK = {RiskLevel.HIGH: FollowUp.OBSERVATION, RiskLevel.MEDIUM: FollowUp.TEST}


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
    return Arrival.objects.visible_to(actor).select_related("person", "grid")


@dataclass(frozen=True)
class _CheckedArrival:
    data: ArrivalInput
    person: CleanPerson
    origin_code: str
    origin_name: str
    vehicle: str
    risk: str
    fingerprint: str
    key: str | None
    under_key: Arrival | None  # stored before under the same idempotency key


def register_arrivals(actor, entries: Sequence[ArrivalInput], *, keys: Sequence[str | None] | None = None,
                      write: bool = True, retrying: bool = False) -> list[Outcome]:
    """Check a batch of arrivals (a form's one, or an import's thousand) and store those that pass,
    in one transaction. With `write=False` nothing is stored: the outcomes say what would be.

    One from a risk area gets, for its grid and with a deadline, the follow-up that risk calls for; the home
    observation order it may call for is placed by `pathways.arrivals`, which pages, API and imports call. The
    same person arriving at the same minute from the same place is counted once."""
    require(actor, "arrival.register")
    keys = list(keys) if keys is not None else [None] * len(entries)
    places, risks, now = Places(actor, [e.person for e in entries]), RiskBook(), timezone.now()
    ledger = idempotency.Ledger.read(actor, "arrival", arrivals_for(actor), keys)
    outcomes, checked = _check_each(
        zip(entries, keys), lambda entry: _check_arrival(actor, *entry, places, risks, now, ledger))
    earlier = _earlier_arrivals(checked.values())

    def stored_before(item: _CheckedArrival) -> Arrival | None:
        return item.under_key or earlier.get(item.fingerprint)

    try:
        return _settle(outcomes, checked, same=lambda item: item.fingerprint, earlier=stored_before,
                       store=(lambda items: _store_arrivals(actor, items, now, ledger)) if write else None)
    except IntegrityError:
        if len(entries) > 1 or retrying:
            raise
        return register_arrivals(actor, entries, keys=keys, retrying=True)  # stored a moment ago: a repeat


def _check_each(entries, check) -> tuple[list[Outcome], dict]:
    """Every entry checked on its own: an Outcome per entry (refused, or pending), and the checked ones by index."""
    outcomes, checked = [], {}
    for index, entry in enumerate(entries):
        try:
            checked[index] = check(entry)
            outcomes.append(Outcome())
        except InputRefused as refused:
            outcomes.append(Outcome(refused=refused))
    return outcomes, checked


def _settle(outcomes: list[Outcome], checked: dict, *, same, earlier, store) -> list[Outcome]:
    """Mark the entries already stored (`earlier(item)`) or repeating one above them (`same(item)` alike) as
    repeats, then store the others in one transaction (`store(items)` returns their records in order; None
    for a dry run). A clash with a concurrent writer raises IntegrityError."""
    first_of, repeats = {}, {}
    for index, item in list(checked.items()):
        found = earlier(item)
        if found is not None or same(item) in first_of:
            outcomes[index].record, outcomes[index].repeated = found, True
            if found is None:
                repeats[index] = first_of[same(item)]
            del checked[index]
        else:
            first_of[same(item)] = index
    if store is None or not checked:
        return outcomes
    with transaction.atomic():
        stored = store(list(checked.values()))
    for index, record in zip(checked, stored):
        outcomes[index].record, outcomes[index].created = record, True
    for index, first in repeats.items():
        outcomes[index].record = outcomes[first].record
    return outcomes


def _check_arrival(actor, data: ArrivalInput, key: str | None, places: Places, risks: RiskBook,
                   now: dt.datetime, ledger: idempotency.Ledger) -> _CheckedArrival:
    key = idempotency.clean_key(key)
    # asdict deep-copies: only for an entry that came with a key (an import's rows come without)
    under_key = ledger.earlier(key, dataclasses.asdict(data)) if key else None
    problems = Problems()
    # the words people use (高铁, 返乡人员, …) mean the stored choices, however the entry came
    data = dataclasses.replace(data, mode=TRAVEL_MODES.value(data.mode) or data.mode,
                               category=ARRIVAL_CATEGORIES.value(data.category) or data.category)
    origin_code = (data.origin_code or "").strip()
    origin_name, problem = _area_name(origin_code, data.origin_name or "")
    if problem:
        problems.add("origin_code" if problem[0] == "code" else "origin_name", problem[1])
    if data.mode not in TravelMode.values:
        problems.add("mode", _("travel is by train, flight, car, ship or other"))
    vehicle = (data.vehicle or "").strip().upper().replace(" ", "")
    pattern = VEHICLE_PATTERNS.get(data.mode)
    if pattern and not vehicle:
        problems.add("vehicle", _("give the train number, flight number or plate of the journey"))
    elif pattern and not pattern.match(vehicle):
        problems.add("vehicle", _("“%(v)s” is not a train number, flight number or plate of that kind")
                     % {"v": data.vehicle})
    if data.category not in ArrivalCategory.values:
        problems.add("category", _("the category is returning worker, student, resident or visitor"))
    if data.arrived_at is None or timezone.is_naive(data.arrived_at):
        problems.add("arrived_at", _("give the arrival time with its time zone"))
    elif data.arrived_at > now + dt.timedelta(minutes=5):
        problems.add("arrived_at", _("the arrival is dated in the future"))
    with problems.gathered():
        person = clean_person(actor, data.person, places=places)
    problems.refuse_if_any()
    return _CheckedArrival(data, person, origin_code, origin_name, vehicle,
                           risks.level_of(origin_code, timezone.localdate(data.arrived_at)) or "",
                           arrival_fingerprint(person.lookup_hash, data.arrived_at, origin_code),
                           key, under_key)


def _earlier_arrivals(checked) -> dict[str, Arrival]:
    """Arrivals already stored with one of these fingerprints, by fingerprint."""
    fingerprints = {c.fingerprint for c in checked}
    return {a.fingerprint: a for a in Arrival.objects.filter(fingerprint__in=fingerprints)} if fingerprints else {}


def _store_arrivals(actor, checked: list[_CheckedArrival], now: dt.datetime, ledger: idempotency.Ledger
                    ) -> list[Arrival]:
    registrations = []  # recorded in the arrivals' own audit rows
    people = register_clean(actor, [c.person for c in checked], source=RegistrationSource.ARRIVAL,
                            source_refs=[f"arrival:{c.fingerprint}" for c in checked], audit_into=registrations)
    arrivals = []
    for item, registered in zip(checked, people):
        follow_up = FOLLOW_UP_BY_RISK.get(item.risk, FollowUp.NONE)
        # Kept with the grid that holds the person's record, or, when that lies beyond the actor's reach, with
        # the grid the actor named: the follow-up is theirs until the owner, asked by register_clean, decides.
        grid = registered.person.grid if registered.own else registered.typed.grid
        typed = registered.typed
        arrivals.append(Arrival(
            person=registered.person, name=typed.name,
            phone_cipher=crypto.encrypt(typed.phone) if typed.phone else None, origin_code=item.origin_code,
            origin_name=item.origin_name,
            arrived_at=item.data.arrived_at, mode=item.data.mode, vehicle=item.vehicle, category=item.data.category,
            grid=grid, owner_path=grid.path, origin_risk=item.risk, follow_up=follow_up,
            follow_up_due=now + dt.timedelta(hours=FOLLOW_UP_HOURS[follow_up]) if follow_up != FollowUp.NONE
            else None, entered_by=actor, fingerprint=item.fingerprint))
    bulk.insert(arrivals)
    ledger.remember((item.key, dataclasses.asdict(item.data), arrival)
                    for item, arrival in zip(checked, arrivals) if item.key)
    audit.record_many(actor, Action.ARRIVAL_CHANGE, [(a.person_id, audit.changes(
        a, {}, {"origin_code": a.origin_code, "arrived_at": a.arrived_at, "origin_risk": a.origin_risk,
                "follow_up": a.follow_up}, registration=registration))
        for a, (_person_id, registration) in zip(arrivals, registrations)])
    return arrivals


def observation_starts(arrivals: list[Arrival]) -> dict[int, dt.datetime]:
    """The arrivals whose follow-up is a home observation order: each person's start, from their first arrival
    (a person arriving twice is watched from the first)."""
    starts: dict[int, dt.datetime] = {}
    for arrival in arrivals:
        if arrival.follow_up == FollowUp.OBSERVATION:
            starts[arrival.person_id] = min(starts.get(arrival.person_id, arrival.arrived_at), arrival.arrived_at)
    return starts


def attach_orders(arrivals: list[Arrival], orders: dict) -> None:
    """Each arrival's follow-up is done once its person is under the order placed for it ({person id: order})."""
    now = timezone.now()
    followed = [a for a in arrivals if a.follow_up == FollowUp.OBSERVATION and a.person_id in orders]
    for arrival in followed:
        arrival.order, arrival.follow_up_done_at = orders[arrival.person_id], now
    bulk.update(followed, ["order", "follow_up_done_at"])


def complete_follow_up(actor, arrival_id: int) -> Arrival:
    require(actor, "arrival.follow_up")
    arrival = get_visible(arrivals_for(actor), arrival_id)
    with transaction.atomic():
        done = Arrival.objects.filter(pk=arrival.pk, follow_up_done_at=None).exclude(
            follow_up=FollowUp.NONE).update(follow_up_done_at=timezone.now())
        arrival.refresh_from_db()
        if done:  # a second tap, or an arrival that needs none, changes nothing
            audit.record_change(actor, Action.ARRIVAL_CHANGE, arrival, person=arrival.person, step="followed_up",
                                before={"follow_up_done_at": None},
                                after={"follow_up_done_at": arrival.follow_up_done_at})
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


def ask_owners(actor, foreign: list[tuple], *, source: str, now: dt.datetime) -> list[AssistRequest]:
    """An assist request (协查) to the grid holding each record beyond the actor's reach: someone registered
    this person with another unit; the owner finds out whether they moved and decides. `foreign` holds
    (people.services.Registered, source reference) pairs; `pathways.registration` calls this."""
    unit = actor.jurisdiction
    region = f"{unit.name} {unit.code}" if unit else actor.get_username()
    reason = force_str(_("registered with %(unit)s (%(source)s); the record is yours: confirm where they live")
                       % {"unit": region, "source": RegistrationSource(source).label})
    return AssistRequest.objects.bulk_create([AssistRequest(
        region=region[:120], reference=_assist_reference(source, ref), name=r.typed.name,
        id_number_cipher=crypto.encrypt(r.typed.id_number), id_number_hash=r.person.id_number_hash,
        phone_cipher=crypto.encrypt(r.typed.phone) if r.typed.phone else None, address_code=r.person.grid.code,
        reason=reason[:300], person=r.person, unit=r.person.grid, owner_path=r.person.grid.path, received_at=now,
        deadline=now + dt.timedelta(hours=settings.ASSIST_HOURS)) for r, ref in foreign])


def _assist_reference(source: str, source_ref: str) -> str:
    """The registration's (source, reference), unique as it is, in the 60 characters a request's reference has."""
    reference = f"{source}:{source_ref}"
    return reference if len(reference) <= 60 else f"{source}:{hashlib.sha256(source_ref.encode()).hexdigest()[:40]}"


def assist_requests_for(actor) -> QuerySet[AssistRequest]:
    return AssistRequest.objects.visible_to(actor).select_related("unit", "person")


def receive_assist_request(actor, data: AssistInput) -> tuple[AssistRequest, bool]:
    """Route a request to the grid of the person's address (or of their record here), with a deadline.

    The same (region, reference) twice is one request: handle on receipt, once (即收即办).
    """
    [outcome] = receive_assist_requests(actor, [data])
    if outcome.refused:
        raise outcome.refused
    return outcome.record, outcome.created


def receive_assist_requests(actor, entries: Sequence[AssistInput], *, write: bool = True,
                            retrying: bool = False) -> list[Outcome]:
    """Check and route a batch of requests (one from the API, thousands from a file) in one transaction;
    with `write=False` nothing is stored and the outcomes say what would be."""
    require(actor, "assist.receive")
    units = {u.code: u for u in access.jurisdictions_for(actor).filter(
        code__in={(e.address_code or "").strip() for e in entries})}
    outcomes, checked = _check_each(entries, lambda data: _check_assist(data, units))
    known = {p.id_number_hash: p for p in access.persons_for(actor).select_related("grid").filter(
        id_number_hash__in={c["id_number_hash"] for c in checked.values()} - {""})}
    for item in checked.values():
        person = known.get(item["id_number_hash"])
        if person is not None:  # we know where they live: straight to their grid
            item["person"], item["unit"] = person, person.grid
    references = {(c["region"], c["reference"]) for c in checked.values()}
    earlier = {(r.region, r.reference): r for r in AssistRequest.objects.filter(
        reference__in={ref for _region, ref in references}) if (r.region, r.reference) in references}
    try:
        return _settle(outcomes, checked, same=lambda item: (item["region"], item["reference"]),
                       earlier=lambda item: earlier.get((item["region"], item["reference"])),
                       store=(lambda items: _store_assist_requests(actor, items)) if write else None)
    except IntegrityError:
        if len(entries) > 1 or retrying:
            raise
        return receive_assist_requests(actor, entries, retrying=True)  # received a moment ago: a repeat


def _store_assist_requests(actor, items: list[dict]) -> list[AssistRequest]:
    now = timezone.now()
    requests = [AssistRequest(**item, owner_path=item["unit"].path, received_at=now,
                              deadline=now + dt.timedelta(hours=settings.ASSIST_HOURS)) for item in items]
    AssistRequest.objects.bulk_create(requests, batch_size=1000)
    audit.record_many(actor, Action.ASSIST_RECEIVED, [(r.person_id, audit.changes(
        r, {}, {"region": r.region, "reference": r.reference, "unit": r.unit.code, "deadline": r.deadline}))
        for r in requests])
    return requests


def _optional(normalise, raw: str, problems: Problems) -> str:
    """An optional field in its canonical form; "" when it is empty, or wrong (its problem added)."""
    if not (raw or "").strip():
        return ""
    with problems.gathered():
        return normalise(raw)
    return ""


def _check_assist(data: AssistInput, units: dict) -> dict:
    problems = Problems()
    for field in ("region", "reference", "name", "address_code"):
        if not (getattr(data, field) or "").strip():
            problems.add(field, _("this field is required"))
    id_number = _optional(identity.normalise_resident_id, data.id_number, problems)
    phone = _optional(identity.normalise_phone, data.phone, problems)
    unit = units.get((data.address_code or "").strip())
    if (data.address_code or "").strip() and unit is None:
        problems.add("address_code", _("%(c)s is not a unit of our jurisdiction") % {"c": data.address_code})
    problems.refuse_if_any()
    return {"region": data.region.strip()[:120], "reference": data.reference.strip()[:60],
            "name": data.name.strip()[:50], "id_number_cipher": crypto.encrypt(id_number) if id_number else None,
            "id_number_hash": identity_hash(IdType.RESIDENT_ID, id_number) if id_number else "",
            "phone_cipher": crypto.encrypt(phone) if phone else None, "address_code": data.address_code.strip(),
            "reason": (data.reason or "").strip()[:300], "person": None, "unit": unit}


def answer_assist_request(actor, request_id: int, status: str, *, note: str = "") -> AssistRequest:
    """The grid's answer: found, not found or moved, with a note; given once."""
    require(actor, "assist.answer")
    request = get_visible(assist_requests_for(actor), request_id)
    problems = Problems()
    if status not in ANSWERS:
        problems.add("status", _("the answer is found, not found or moved"))
    if status in (AssistStatus.NOT_FOUND, AssistStatus.MOVED) and not note.strip():
        problems.add("note", _("say what was done, and where they went if they moved"))
    problems.refuse_if_any()
    with transaction.atomic():
        claimed = AssistRequest.objects.filter(pk=request.pk, status=AssistStatus.OPEN).update(
            status=status, answer_note=note.strip()[:300], answered_at=timezone.now(), answered_by=actor)
        if not claimed:
            request.refresh_from_db()
            if request.status == status:
                return request  # the same answer sent twice
            raise Conflict(("status", _("this request was already answered: %(s)s")
                            % {"s": request.get_status_display()}))
        audit.record_change(actor, Action.ASSIST_ANSWER, request, person=request.person,
                            before={"status": AssistStatus.OPEN}, after={"status": status})
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


# --- the registers as downloads ------------------------------------------------------------------

ARRIVALS_EXPORT = Export("arrivals", _("Arrival register"), arrivals_for, columns=[
    (_("Arrived at"), "arrived_at"), (_("Full name"), "name"), (_("ID number"), Masked("id_number")),
    (_("Phone"), Masked("phone", path="phone_cipher")), (_("From (area code)"), "origin_code"),
    (_("Place of origin"), "origin_name"),
    (_("Risk at origin"), Choice("origin_risk", RiskLevel.choices)),
    (_("Travel mode"), Choice("mode", TravelMode.choices)),
    (_("Train, flight or plate"), "vehicle"), (_("Category"), Choice("category", ArrivalCategory.choices)),
    (_("Grid"), "grid__code"), (_("Grid name"), "grid__name"), (_("Follow-up"), Choice("follow_up", FollowUp.choices)),
    (_("Follow-up due"), "follow_up_due"), (_("Follow-up done"), "follow_up_done_at"), (_("Entered at"), "entered_at")])

ASSIST_EXPORT = Export("assist", _("Assist-investigation requests"), assist_requests_for, columns=[
    (_("Received"), "received_at"), (_("Requesting region"), "region"), (_("Their reference"), "reference"),
    (_("Full name"), "name"), (_("ID number"), Masked("id_number", path="id_number_cipher")),
    (_("Phone"), Masked("phone", path="phone_cipher")), (_("Address (unit code)"), "address_code"),
    (_("Unit"), "unit__code"), (_("Unit name"), "unit__name"), (pgettext_lazy("assist request", "Reason"), "reason"),
    (_("Answer by"), "deadline"),
    (_("Status"), Choice("status", AssistStatus.choices)), (_("Answer"), "answer_note"),
    (_("Answered"), "answered_at")])

RISK_AREAS_EXPORT = Export("risk-areas", _("Risk areas (with their history)"), lambda actor: RiskArea.objects.all(),
                           person=None, columns=[
    (_("Area code"), "code"), (_("Area"), "name"), (_("Risk level"), Choice("level", RiskLevel.choices)),
    (pgettext_lazy("risk area", "From"), "valid_from"), (pgettext_lazy("risk area", "Until"), "valid_to"),
    (_("Declared"), "declared_at"),
    (_("Superseded"), "superseded_at"), (_("Note"), "note")])
