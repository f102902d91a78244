"""Use cases of quarantine: place, extend, release or transfer an order; record readings; raise alerts."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong import bulk
from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import NotFound, get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.cases import disease as diseases
from fangkong.errors import Conflict, InputRefused, Problems
from fangkong.idempotency import services as idempotency
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.services import Choice, Export, Masked

from .models import (
    OPEN_STATUSES,
    Alert,
    AlertKind,
    AlertStatus,
    Kind,
    Order,
    OrderStatus,
    Reading,
    ReadingSlot,
    Reason,
    Room,
    Site,
    SlotStatus,
)

FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def orders_for(actor) -> QuerySet[Order]:
    return Order.objects.visible_to(actor).select_related("person", "person__grid", "room", "room__site")


def get_order_for(actor, order_id) -> Order:
    return get_visible(orders_for(actor), order_id)


def alerts_for(actor) -> QuerySet[Alert]:
    return Alert.objects.visible_to(actor).select_related("person", "person__grid", "order")


def sites_for(actor) -> QuerySet[Site]:
    return Site.objects.visible_to(actor)


def add_site(actor, *, name: str, jurisdiction_code: str, address: str = "", rooms: int = 0,
             family_rooms: int = 0) -> Site:
    require(actor, "site.add")
    node = access.get_jurisdiction_for(actor, jurisdiction_code)
    if not (name or "").strip():
        raise InputRefused(("name", _("a name is required")))
    with transaction.atomic():
        site = Site.objects.create(name=name.strip(), jurisdiction=node, address=address, owner_path=node.path)
        Room.objects.bulk_create(
            [Room(site=site, number=f"{i + 1:03d}") for i in range(rooms)]
            + [Room(site=site, number=f"F{i + 1:02d}", family_room=True) for i in range(family_rooms)]
        )
        audit.record_change(actor, Action.SITE_CHANGE, site, before={},
                            after={"name": site.name, "jurisdiction": node.code, "rooms": rooms,
                                   "family_rooms": family_rooms})
    return site


# --- orders ------------------------------------------------------------------------------------

def place_order(actor, person_id: int, *, kind: str, reason: str, starts_at: dt.datetime | None = None,
                room_id: int | None = None, days: int | None = None, case=None) -> Order:
    """Put a person under observation; the planned end comes from the disease settings."""
    require(actor, "order.place")
    return _place_order(actor, person_id, kind=kind, reason=reason, starts_at=starts_at, room_id=room_id, days=days,
                        case=case)


def _place_order(actor, person_id: int, *, kind: str, reason: str, starts_at: dt.datetime | None, room_id: int | None,
                 days: int | None, case) -> Order:
    person = access.get_person_for(actor, person_id)
    problems = Problems()
    if kind not in Kind.values:
        problems.add("kind", _("kind is home or central"))
    if reason not in Reason.values:
        problems.add("reason", _("unknown reason %(r)s") % {"r": reason})
    if kind == Kind.CENTRAL and not room_id:
        problems.add("room", _("central quarantine needs a room"))
    if days is not None and not 1 <= days <= 60:
        problems.add("days", _("observation lasts 1 to 60 days"))
    now = timezone.now()
    starts_at = starts_at or now
    if starts_at > now + FUTURE_TOLERANCE:
        problems.add("starts_at", _("this time is in the future"))
    problems.refuse_if_any()
    with transaction.atomic():
        room, owner_path = None, person.jurisdiction_path
        if kind == Kind.CENTRAL:
            room = _free_room(actor, room_id)
            owner_path = room.site.owner_path
        try:
            with transaction.atomic():
                [order] = _open_orders(actor, [(person, starts_at)], kind=kind, reason=reason, room=room, days=days,
                                       owner_path=owner_path, case=case)
        except IntegrityError:
            raise Conflict(("person", _("this person is already under observation"))) from None
    return order


def place_home_orders(actor, starts: dict[int, dt.datetime], *, reason: str) -> dict[int, Order]:
    """Put many people under home observation at once (an import's arrivals from a high-risk area), each from
    their own start. Returns each person's active order: the new one, or the one they were already under.
    Call inside a transaction."""
    if reason not in Reason.values:
        raise InputRefused(("reason", _("unknown reason %(r)s") % {"r": reason}))
    active = {o.person_id: o for o in Order.objects.filter(person__in=starts, status=OrderStatus.ACTIVE)}
    persons = access.persons_for(actor).filter(pk__in=set(starts) - set(active)).order_by("pk")
    placed = _open_orders(actor, [(p, starts[p.pk]) for p in persons], kind=Kind.HOME, reason=reason, room=None,
                          days=None, owner_path=None, case=None)
    return {**active, **{o.person_id: o for o in placed}}


def _open_orders(actor, starts: list[tuple], *, kind: str, reason: str, room: Room | None, days: int | None,
                 owner_path: str | None, case) -> list[Order]:
    """Orders, their reading windows and their audit rows, written in bulk; the planned end comes from the
    disease settings unless `days` is given."""
    if not starts:
        return []
    disease = diseases.current()
    if days is None:
        days = disease.post_discharge_observation_days if reason == Reason.POST_DISCHARGE else disease.observation_days
    orders = [Order(person=person, kind=kind, reason=reason, room=room, starts_at=start,
                    planned_end_at=start + dt.timedelta(days=days), owner_path=owner_path or person.jurisdiction_path,
                    case=case, created_by=actor) for person, start in starts]
    bulk.insert(orders)
    bulk.insert([slot for order in orders for slot in _slots(order, disease, order.starts_at, order.planned_end_at)])
    audit.record_many(actor, Action.QUARANTINE_CHANGE, [(order.person_id, audit.changes(
        order, {}, {"status": order.status, "kind": kind, "reason": reason, "room": room,
                    "starts_at": order.starts_at, "planned_end_at": order.planned_end_at}, change="placed"))
        for order in orders])
    return orders


def _free_room(actor, room_id) -> Room:
    room = Room.objects.select_for_update().select_related("site").filter(
        pk=room_id, site__in=sites_for(actor)).first() if str(room_id).isdigit() else None
    if room is None:
        raise InputRefused(("room", _("unknown room")))
    if not room.family_room and room.orders.filter(status=OrderStatus.ACTIVE).exists():
        raise Conflict(("room", _("room %(r)s is occupied and is not a family room") % {"r": room.number}))
    return room


def _slots(order: Order, disease, start: dt.datetime, end: dt.datetime) -> list[ReadingSlot]:
    """One slot per reading window that opens within [start, end)."""
    tz = diseases.zone(disease)
    day, last = start.astimezone(tz).date() - dt.timedelta(days=1), end.astimezone(tz).date()
    slots = []
    while day <= last:
        for index, opens, closes in diseases.windows_on(disease, day):
            if start <= opens < end:
                slots.append(ReadingSlot(order=order, owner_path=order.owner_path, day=day, index=index,
                                         opens_at=opens, closes_at=closes))
        day += dt.timedelta(days=1)
    return slots


def _active_order(actor, order_id) -> Order:
    order = get_visible(orders_for(actor).select_for_update(of=("self",)), order_id)
    if order.status != OrderStatus.ACTIVE:
        raise InputRefused(("order", _("this order has ended (%(s)s)") % {"s": order.get_status_display()}))
    return order


def extend_order(actor, order_id: int, days: int) -> Order:
    require(actor, "order.change")
    if not 1 <= int(days) <= 60:
        raise InputRefused(("days", _("an extension is 1 to 60 days")))
    with transaction.atomic():
        order = _active_order(actor, order_id)
        old_end = order.planned_end_at
        order.planned_end_at = old_end + dt.timedelta(days=int(days))
        order.save(update_fields=["planned_end_at"])
        ReadingSlot.objects.bulk_create(_slots(order, diseases.current(), old_end, order.planned_end_at),
                                        ignore_conflicts=True)
        audit.record_change(actor, Action.QUARANTINE_CHANGE, order, person=order.person, change="extended",
                            before={"planned_end_at": old_end}, after={"planned_end_at": order.planned_end_at})
    return order


def end_order(actor, order_id: int, *, status: str, note: str = "") -> Order:
    """Release (at or before the planned end) or transfer; watch windows not yet closed are dropped."""
    require(actor, "order.change")
    with transaction.atomic():
        return _end(actor, _active_order(actor, order_id), status=status, note=note)


def _end(actor, order: Order, *, status: str, note: str) -> Order:
    problems = Problems()
    if status not in {OrderStatus.RELEASED, OrderStatus.RELEASED_EARLY, OrderStatus.TRANSFERRED}:
        problems.add("status", _("an order ends as released, released early or transferred"))
    if status == OrderStatus.RELEASED_EARLY and not note.strip():
        problems.add("note", _("say why the order is released early"))
    now = timezone.now()
    if status == OrderStatus.RELEASED and now < order.planned_end_at:
        problems.add("status", _("the observation period has not ended: release it early, with a note"))
    problems.refuse_if_any()
    status_before = order.status
    order.status, order.ended_at = status, now
    order.save(update_fields=["status", "ended_at"])
    order.slots.filter(status=SlotStatus.DUE, closes_at__gt=now).delete()
    audit.record_change(actor, Action.QUARANTINE_CHANGE, order, person=order.person, change="ended", note=note,
                        before={"status": status_before, "ended_at": None},
                        after={"status": status, "ended_at": now})
    return order


def active_order_of(person_id: int) -> Order | None:
    """The one order a person is under now, if any (a case's journey asks: the case's access was checked)."""
    return Order.objects.select_related("person").filter(person_id=person_id, status=OrderStatus.ACTIVE).first()


def end_active_order(actor, person_id: int, *, status: str, note: str = "") -> Order | None:
    """End the order a person is under, if any: a step of their case's journey (transfer, release, death), which the
    case's own permission and access cover. Windows not yet closed are dropped: no more missed-reading alerts."""
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("person").filter(
            person_id=person_id, status=OrderStatus.ACTIVE).first()
        return _end(actor, order, status=status, note=note) if order else None


def start_post_discharge_observation(actor, case, at: dt.datetime) -> Order:
    """Part of the case's `observe` transition, which the case's own permission covers: home health monitoring for
    the settings' days."""
    return _place_order(actor, case.person_id, kind=Kind.HOME, reason=Reason.POST_DISCHARGE, starts_at=at,
                        room_id=None, days=None, case=case)


def owner_name(order_or_alert) -> str:
    """Who watches the person, as the worker reads it: the site (central quarantine) or the grid (home)."""
    order = getattr(order_or_alert, "order", None) or order_or_alert
    if isinstance(order, Order) and order.room_id:
        return order.room.site.name
    node = Jurisdiction.objects.filter(path=order_or_alert.owner_path).only("name").first()
    return node.name if node else order_or_alert.owner_path


def raise_checkpoint_alert(actor, *, person, owner_path: str, note: str) -> Alert:
    """A febrile traveller at a checkpoint: an alert for the destination grid (or the checkpoint's county when the
    traveller is not ours), to act on at once. The checkpoint's entry permission covers it."""
    alert = Alert.objects.create(kind=AlertKind.CHECKPOINT_FEVER, order=None, person=person, owner_path=owner_path,
                                 raised_at=timezone.now(), note=note[:200])
    audit.record_change(actor, Action.ALERT_CHANGE, alert, person=person, step="raised", before={},
                        after={"kind": alert.kind, "status": alert.status, "owner": owner_path})
    return alert


def end_temporary_isolations(actor, person_ids, *, since: dt.datetime, note: str) -> list[Order]:
    """End the temporary isolation (reason "other", begun at or after `since`) of people a negative re-test
    cleared: part of the lab's result (pathways/testing.py), which the result's own permission covers. An order
    begun before (a close contact's) is left alone. Call inside a transaction."""
    now = timezone.now()
    orders = list(Order.objects.select_for_update().filter(
        person__in=person_ids, status=OrderStatus.ACTIVE, reason=Reason.OTHER, starts_at__gte=since))
    for order in orders:
        order.status, order.ended_at = OrderStatus.RELEASED_EARLY, now
    bulk.update(orders, ["status", "ended_at"])
    ReadingSlot.objects.filter(order__in=orders, status=SlotStatus.DUE, closes_at__gt=now).delete()
    audit.record_many(actor, Action.QUARANTINE_CHANGE, [(o.person_id, audit.changes(
        o, {"status": OrderStatus.ACTIVE, "ended_at": None}, {"status": o.status, "ended_at": now},
        change="ended", note=note)) for o in orders])
    return orders


# --- readings and alerts -----------------------------------------------------------------------

@dataclass(frozen=True)
class ReadingEntry:
    """One reading as a grid worker's or site's device sends it."""

    person_id: int
    temperature: object
    taken_at: dt.datetime | None = None
    symptoms: str = ""
    idempotency_key: str | None = None


@dataclass
class ReadingOutcome:
    """What became of one entry: stored now, stored earlier (a resubmission), or refused."""

    reading: Reading | None = None
    created: bool = False
    refused: InputRefused | None = None
    not_found: bool = False  # the person is missing or outside the sender's subtree: said the same way


def record_reading(actor, person_id: int, *, temperature, taken_at: dt.datetime | None = None, symptoms: str = "",
                   idempotency_key: str | None = None) -> tuple[Reading, bool]:
    """Store a temperature for a person under observation; a fever raises an alert at once.

    The same idempotency key a second time returns the first reading and changes nothing.
    """
    outcome = record_readings(actor, [ReadingEntry(person_id, temperature, taken_at, symptoms, idempotency_key)])[0]
    return outcome_reading(outcome), outcome.created


def outcome_reading(outcome: ReadingOutcome) -> Reading:
    """The reading of a batch of one, or its refusal raised."""
    if outcome.not_found:
        raise NotFound()
    if outcome.refused:
        raise outcome.refused
    return outcome.reading


def record_readings(actor, entries: list[ReadingEntry], *, retried: bool = False) -> list[ReadingOutcome]:
    """Store a batch of readings (a phone syncing a round of visits) with a handful of queries.

    Each entry succeeds or is refused on its own; the stored ones are written in one transaction
    with their slots filled and their fever alerts raised. An idempotency key seen before, in an
    earlier request or earlier in this batch, returns the first reading and stores nothing.
    """
    require(actor, "reading.record")
    disease, now = diseases.current(), timezone.now()
    outcomes = [ReadingOutcome() for _ in entries]
    keys = [_entry_key(entry, outcome) for entry, outcome in zip(entries, outcomes)]
    readings = Reading.objects.filter(order__in=Order.objects.visible_to(actor))
    ledger = idempotency.Ledger.read(actor, "reading", readings, keys)
    checked = []
    for outcome, entry, key in zip(outcomes, entries, keys):
        if outcome.refused:
            continue
        try:
            outcome.reading = ledger.earlier(key, _submitted(entry))
            if outcome.reading is None:
                checked.append((outcome, entry, key, *_checked_reading(entry, disease, now)))
        except NotFound:
            outcome.not_found = True
        except InputRefused as refusal:
            outcome.refused = refusal
    # The order's owner (the grid, or the site holding the person) decides who may record.
    orders = {o.person_id: o for o in Order.objects.visible_to(actor).select_related("person")
              .filter(person_id__in={e.person_id for _, e, _, _, _ in checked}, status=OrderStatus.ACTIVE)}
    unwatched = {p.pk: p.name for p in access.persons_for(actor).filter(
        pk__in={e.person_id for _, e, _, _, _ in checked if e.person_id not in orders}).only("pk", "name")}
    to_store, first_by_key, repeats, remembered = [], {}, [], []
    for outcome, entry, key, temperature, taken_at in checked:
        order = orders.get(entry.person_id)
        if order is None and entry.person_id in unwatched:
            outcome.refused = InputRefused(("person", _("%(name)s is not under observation")
                                            % {"name": unwatched[entry.person_id]}))
        elif order is None:
            outcome.not_found = True
        elif taken_at < order.starts_at:
            outcome.refused = InputRefused(("taken_at", _("this reading is older than the observation order")))
        elif key in first_by_key:  # the same key twice in one batch: the first entry answers for both
            first, first_submitted = first_by_key[key]
            if first_submitted != _submitted(entry):
                outcome.refused = idempotency.KeyReused((idempotency.HEADER, idempotency.REUSED_MESSAGE))
            else:
                repeats.append((outcome, first))
        else:
            outcome.reading = Reading(order=order, taken_at=taken_at, temperature=temperature,
                                      symptoms=entry.symptoms.strip(), entered_by=actor,
                                      fever=temperature >= disease.fever_threshold)
            outcome.created = True
            to_store.append(outcome.reading)
            if key:
                first_by_key[key] = (outcome, _submitted(entry))
                remembered.append((key, _submitted(entry), outcome.reading))
    try:
        with transaction.atomic():
            Reading.objects.bulk_create(to_store)
            _fill_slots(actor, to_store)
            Alert.objects.bulk_create([Alert(kind=AlertKind.FEVER, order=r.order, person_id=r.order.person_id,
                                             reading=r, owner_path=r.order.owner_path, raised_at=now)
                                       for r in to_store if r.fever])
            audit.record_many(actor, Action.READING, [(r.order.person_id, audit.changes(
                r, {}, {"order": r.order_id, "taken_at": r.taken_at, "temperature": r.temperature, "fever": r.fever}))
                for r in to_store])
            ledger.remember(remembered)
    except IntegrityError:
        if retried or not remembered:
            raise
        # The same key sent at the same moment by another request, which stored it: answer as a resubmission.
        return record_readings(actor, entries, retried=True)
    for repeat, first in repeats:
        repeat.reading = first.reading
    return outcomes


def _entry_key(entry: ReadingEntry, outcome: ReadingOutcome) -> str | None:
    try:
        return idempotency.clean_key(entry.idempotency_key)
    except InputRefused as refusal:
        outcome.refused = refusal
        return None


def _submitted(entry: ReadingEntry) -> dict:
    """What a resubmission under the same key must repeat."""
    return {"person": entry.person_id, "temperature": str(entry.temperature), "taken_at": entry.taken_at,
            "symptoms": entry.symptoms}


def _checked_reading(entry: ReadingEntry, disease, now: dt.datetime) -> tuple[Decimal, dt.datetime]:
    problems = Problems()
    temperature = diseases.temperature(disease, entry.temperature, problems)
    taken_at = entry.taken_at or now
    if timezone.is_naive(taken_at):
        problems.add("taken_at", _("give the time with its time zone"))
    elif taken_at > now + FUTURE_TOLERANCE:
        problems.add("taken_at", _("this reading is dated in the future"))
    problems.refuse_if_any()
    return temperature, taken_at


def _fill_slots(actor, readings: list[Reading]) -> None:
    """Mark the window each reading falls in as done; a window already marked missed was a false alarm."""
    if not readings:
        return
    slots = ReadingSlot.objects.filter(order_id__in={r.order_id for r in readings},
                                       opens_at__lte=max(r.taken_at for r in readings),
                                       closes_at__gt=min(r.taken_at for r in readings)).exclude(status=SlotStatus.DONE)
    by_order: dict[int, list[ReadingSlot]] = defaultdict(list)
    for slot in slots:
        by_order[slot.order_id].append(slot)
    filled, were_missed = [], []
    for reading in readings:
        for slot in by_order[reading.order_id]:
            if slot.reading_id is None and slot.opens_at <= reading.taken_at < slot.closes_at:
                if slot.status == SlotStatus.MISSED:
                    were_missed.append(slot.pk)
                slot.status, slot.reading = SlotStatus.DONE, reading
                filled.append(slot)
                break
    ReadingSlot.objects.bulk_update(filled, ["status", "reading"])
    if were_missed:  # entered late but taken in time: the missed alerts were false ones
        false_alarms = list(Alert.objects.filter(slot_id__in=were_missed, status__in=OPEN_STATUSES))
        Alert.objects.filter(pk__in=[a.pk for a in false_alarms]).update(
            status=AlertStatus.RESOLVED, resolved_at=timezone.now(), note="reading entered late")
        audit.record_many(actor, Action.ALERT_CHANGE, [(a.person_id, audit.changes(
            a, {"status": a.status}, {"status": AlertStatus.RESOLVED}, step="reading entered late"))
            for a in false_alarms])


def sweep_missed_readings(now: dt.datetime | None = None, batch: int = 5000) -> int:
    """Mark every closed window without a reading as missed and raise its alert; safe to run twice.

    Work is claimed with a conditional update carrying a fresh token, so concurrent sweeps never
    raise the same alert twice: each slot is claimed by exactly one of them.
    """
    now = now or timezone.now()
    raised = 0
    while True:
        ids = list(ReadingSlot.objects.filter(status=SlotStatus.DUE, closes_at__lte=now)
                   .values_list("id", flat=True)[:batch])
        if not ids:
            return raised
        token = uuid.uuid4().hex
        ReadingSlot.objects.filter(id__in=ids, status=SlotStatus.DUE).update(status=SlotStatus.MISSED, claim=token)
        claimed = ReadingSlot.objects.filter(claim=token).select_related("order")
        alerts = Alert.objects.bulk_create([
            Alert(kind=AlertKind.MISSED, order=s.order, person_id=s.order.person_id, slot=s, owner_path=s.owner_path,
                  raised_at=now) for s in claimed
        ])
        audit.record_many(None, Action.ALERT_CHANGE, [(a.person_id, audit.changes(
            a, {}, {"kind": a.kind, "status": a.status, "order": a.order_id}, step="raised")) for a in alerts])
        raised += len(claimed)


ALERT_STEPS = {"acknowledge": ({AlertStatus.OPEN}, AlertStatus.ACKNOWLEDGED),
               "resolve": ({AlertStatus.ACKNOWLEDGED}, AlertStatus.RESOLVED)}


def handle_alert(actor, alert_id: int, step: str, note: str = "") -> Alert:
    """Acknowledge an open alert, then resolve it; any other order of steps is refused."""
    require(actor, "alert.handle")
    if step not in ALERT_STEPS:
        raise InputRefused(("step", _("an alert is acknowledged, then resolved")))
    sources, target = ALERT_STEPS[step]
    with transaction.atomic():
        alert = get_visible(alerts_for(actor).select_for_update(of=("self",)), alert_id)
        if alert.status not in sources:
            raise InputRefused(("step", _("this alert is %(s)s: it cannot be %(step)s")
                                % {"s": alert.get_status_display(), "step": _("acknowledged") if step == "acknowledge"
                                   else _("resolved before it is acknowledged")}))
        now = timezone.now()
        status_before = alert.status
        alert.status = target
        if step == "acknowledge":
            alert.acknowledged_at, alert.acknowledged_by = now, actor
        else:
            alert.resolved_at, alert.resolved_by = now, actor
        if note:
            alert.note = note[:200]
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "resolved_at", "resolved_by",
                                  "note"])
        audit.record_change(actor, Action.ALERT_CHANGE, alert, person=alert.person, step=step,
                            before={"status": status_before}, after={"status": target})
    return alert


# --- the registers as downloads ------------------------------------------------------------------

ORDERS_EXPORT = Export("observation-orders", _("Observation orders"), orders_for, columns=[
    (_("Order"), "pk"), (_("Full name"), "person__name"), (_("ID number"), Masked("id_number")),
    (_("Phone"), Masked("phone")), (_("Address"), Masked("address")),
    (pgettext_lazy("observation order", "Kind"), Choice("kind", Kind.choices)),
    (pgettext_lazy("observation order", "Reason"), Choice("reason", Reason.choices)),
    (_("Site"), "room__site__name"), (_("Room"), "room__number"),
    (_("Start"), "starts_at"), (_("Planned end"), "planned_end_at"),
    (_("Status"), Choice("status", OrderStatus.choices)),
    (_("Ended"), "ended_at")])

ALERTS_EXPORT = Export("alerts", _("Alerts"), alerts_for, columns=[
    (_("Raised"), "raised_at"), (pgettext_lazy("alert", "Kind"), Choice("kind", AlertKind.choices)),
    (_("Full name"), "person__name"),
    (_("Phone"), Masked("phone")), (_("Grid"), "person__grid__code"),
    (_("Status"), Choice("status", AlertStatus.choices)),
    (_("Acknowledged"), "acknowledged_at"), (_("Resolved"), "resolved_at")])
