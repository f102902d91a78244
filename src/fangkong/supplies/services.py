"""Use cases of supplies: stores and their ledgers (receive, issue, transfer, adjustment, physical count), days of
stock left rolled up the tree, requests and their approval, allocation by the rule of allocation.py, shipments and
procurement orders. Every write starts with `require`, refuses bad input naming the field, and writes its audit row
in the same transaction."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import NotFound, get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import Conflict, InputRefused, Problems
from fangkong.idempotency import services as idempotency
from fangkong.people.services import Choice, Export

from . import allocation as rule
from . import catalogue
from .models import (
    AllocationLine,
    AllocationRun,
    EventKind,
    Item,
    OrderStatus,
    Post,
    ProcurementOrder,
    RequestStatus,
    Shipment,
    ShipmentStatus,
    StandIn,
    StockEvent,
    Store,
    StoreKind,
    SupplyRequest,
)

# --- reading ------------------------------------------------------------------------------------------------------


def load_catalogue() -> None:
    """The catalogue of data/catalogue.json, as the migration loads it; safe to run again."""
    catalogue.load(Item, Post, StandIn)



def items() -> QuerySet[Item]:
    return Item.objects.all()


def posts() -> QuerySet[Post]:
    return Post.objects.prefetch_related("protection")


def tiers() -> list[int]:
    return list(range(1, settings.SUPPLY_TIERS + 1))


def stand_ins() -> dict[str, list[str]]:
    found = defaultdict(list)
    for item, substitute in StandIn.objects.values_list("item__code", "substitute__code").order_by("substitute__code"):
        found[item].append(substitute)
    return dict(found)


def stores_for(actor) -> QuerySet[Store]:
    return Store.objects.visible_to(actor).select_related("jurisdiction")


def events_for(actor) -> QuerySet[StockEvent]:
    return StockEvent.objects.visible_to(actor).select_related("store", "item")


def requests_for(actor) -> QuerySet[SupplyRequest]:
    return SupplyRequest.objects.visible_to(actor).select_related("store", "item")


def allocations_for(actor) -> QuerySet[AllocationRun]:
    return AllocationRun.objects.visible_to(actor).select_related("source", "item")


def get_allocation(actor, allocation_id) -> AllocationRun:
    return get_visible(allocations_for(actor).prefetch_related("lines"), allocation_id)


def allocation_lines_for(actor) -> QuerySet[AllocationLine]:
    return AllocationLine.objects.filter(run__in=allocations_for(actor)).select_related("run__item", "run__source")


def shipments_for(actor) -> QuerySet[Shipment]:
    return Shipment.objects.visible_to(actor).select_related("source", "destination", "item")


def orders_for(actor) -> QuerySet[ProcurementOrder]:
    return ProcurementOrder.objects.visible_to(actor).select_related("store", "item")


def _item(code, problems: Problems, field: str = "item") -> Item | None:
    found = Item.objects.filter(code=code or "").first()
    if found is None:
        problems.add(field, _("“%(v)s” is not an item of the catalogue") % {"v": code or ""})
    return found


def whole(value, field: str, problems: Problems, *, least: int = 1, signed: bool = False) -> int | None:
    """A count of units: a whole number (not 2.5, not −3), at least `least`; `signed` allows any nonzero number."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        problems.add(field, _("give a whole number of units"))
        return None
    if not number.is_finite() or number != number.to_integral_value():
        problems.add(field, _("“%(v)s” is not a whole number of units") % {"v": value})
        return None
    number = int(number)
    if signed:
        if number == 0:
            problems.add(field, _("an adjustment changes the stock: give a number other than 0"))
            return None
    elif number < least:
        problems.add(field, _("must be at least %(n)s") % {"n": least} if least else _("must not be negative"))
        return None
    if abs(number) > 2**31 - 1:
        problems.add(field, _("too large"))
        return None
    return number


def on_hand(store: Store, item: Item) -> int:
    """Stock on hand, from the ledger: the sum of its events."""
    return StockEvent.objects.filter(store=store, item=item).aggregate(n=Sum("quantity"))["n"] or 0


@dataclass
class StockLine:
    store: Store
    item: Item
    on_hand: int
    daily: float  # mean units issued per day over SUPPLY_CONSUMPTION_DAYS
    expected: int = 0  # on open procurement orders

    @property
    def days_left(self) -> float | None:
        """Time to empty at the current rate; None when nothing is being used."""
        return self.on_hand / self.daily if self.daily > 0 else None

    @property
    def low(self) -> bool:
        return self.days_left is not None and self.days_left < self.item.alert_days


def stock_lines(actor, *, store_ids=None, now: dt.datetime | None = None) -> list[StockLine]:
    """Every item held or used at every store the actor sees, with its rate and days left: one grouped query."""
    now = now or timezone.now()
    days = settings.SUPPLY_CONSUMPTION_DAYS
    since = now - dt.timedelta(days=days)
    events = StockEvent.objects.visible_to(actor)
    if store_ids is not None:
        events = events.filter(store_id__in=store_ids)
    grouped = events.values("store_id", "item_id").annotate(
        on_hand=Sum("quantity"), issued=Sum("quantity", filter=Q(kind=EventKind.ISSUE, at__gte=since)))
    expected = {(o["store_id"], o["item_id"]): o["n"] for o in orders_for(actor).filter(
        status=OrderStatus.ORDERED).values("store_id", "item_id").annotate(n=Sum("quantity"))}
    stores = {s.pk: s for s in stores_for(actor)}
    catalogue = {i.pk: i for i in Item.objects.all()}
    lines = [StockLine(stores[g["store_id"]], catalogue[g["item_id"]], g["on_hand"] or 0,
                       -(g["issued"] or 0) / days, expected.get((g["store_id"], g["item_id"]), 0))
             for g in grouped if g["store_id"] in stores]
    return sorted(lines, key=lambda line: (line.store.code, line.item.position))


@dataclass
class Rollup:
    place: object  # a Jurisdiction
    item: Item
    on_hand: int
    daily: float
    stores: int

    @property
    def days_left(self) -> float | None:
        return self.on_hand / self.daily if self.daily > 0 else None

    @property
    def low(self) -> bool:
        return self.days_left is not None and self.days_left < self.item.alert_days


def rollup(actor, lines: list[StockLine], node=None) -> list[Rollup]:
    """Stock and consumption summed over the stores under each child of `node` (the actor's own node by default),
    and the node itself for stores placed on it: days left for the place, not the mean of its stores."""
    node = node or access.root_for(actor)
    places = [node, *access.jurisdictions_for(actor).filter(parent=node).order_by("code")]
    sums: dict[tuple[int, int], list] = {}
    for line in lines:
        path = line.store.owner_path
        place = next((p for p in places[1:] if path.startswith(p.path)), node if path.startswith(node.path) else None)
        if place is None:
            continue
        entry = sums.setdefault((place.pk, line.item.pk), [place, line.item, 0, 0.0, 0])
        entry[2] += line.on_hand
        entry[3] += line.daily
        entry[4] += 1
    order = {p.pk: i for i, p in enumerate(places)}
    return [Rollup(*v) for _k, v in sorted(sums.items(), key=lambda kv: (order[kv[0][0]], kv[1][1].position))]


# --- stores and the ledger ----------------------------------------------------------------------------------------


def add_store(actor, *, code: str, name: str, kind: str, jurisdiction_code: str) -> Store:
    require(actor, "store.add")
    problems = Problems()
    node = None
    try:
        node = access.get_jurisdiction_for(actor, jurisdiction_code)
    except NotFound:
        problems.add("jurisdiction", _("choose a place of your jurisdiction"))
    code = (code or "").strip()
    if not code:
        problems.add("store_code", _("give the store a code"))
    elif Store.objects.filter(code=code).exists():
        problems.add("store_code", _("another store has the code “%(v)s”") % {"v": code})
    if not (name or "").strip():
        problems.add("store_name", _("give the store a name"))
    if kind not in StoreKind.values:
        problems.add("kind", _("a store is a city warehouse, a county, hospital or site store"))
    problems.refuse_if_any()
    with transaction.atomic():
        store = Store.objects.create(code=code, name=name.strip(), kind=kind, jurisdiction=node,
                                     owner_path=node.path)
        audit.record_change(actor, Action.STOCK_CHANGE, store, before={},
                            after={"code": code, "name": store.name, "kind": kind, "jurisdiction": node.code})
    return store


@dataclass(frozen=True)
class StockEntry:
    kind: str  # receive | issue | transfer | adjustment | count
    item: str
    quantity: object = None  # units; for an adjustment signed; for a count the number counted
    reason: str = ""
    destination: int | str | None = None  # a transfer's destination store id
    unexplained: bool = False  # a count whose difference nobody can explain


ENTRY_KINDS = ("receive", "issue", "transfer", "adjustment", "count")


def record_stock(actor, store_id, entry: StockEntry, *, idempotency_key: str | None = None) -> StockEvent:
    """One ledger entry at a store the actor sees; a resubmission with the same key counts once."""
    require(actor, "stock.record")
    store = get_visible(stores_for(actor), store_id)
    return idempotency.once(actor, "stock_entry", events_for(actor), idempotency_key,
                            {"store": store.pk, **dataclasses.asdict(entry)},
                            lambda: _record_stock(actor, store, entry))[0]


def _record_stock(actor, store: Store, entry: StockEntry) -> StockEvent:
    problems = Problems()
    if entry.kind not in ENTRY_KINDS:
        problems.add("kind", _("an entry is a receipt, an issue, a transfer, an adjustment or a count"))
    item = _item(entry.item, problems)
    reason = (entry.reason or "").strip()[:200]
    quantity = None
    if entry.kind == "adjustment":
        quantity = whole(entry.quantity, "quantity", problems, signed=True)
        if not reason:
            problems.add("reason", _("say why the stock is adjusted (damaged, expired, found …)"))
    elif entry.kind == "count":
        quantity = whole(entry.quantity, "quantity", problems, least=0)
    else:
        quantity = whole(entry.quantity, "quantity", problems)
    destination = None
    if entry.kind == "transfer":
        try:
            destination = get_visible(stores_for(actor), entry.destination)
        except NotFound:
            problems.add("to_store", _("choose a store of yours to transfer to"))
        else:
            if destination.pk == store.pk:
                problems.add("to_store", _("a transfer goes to another store"))
    problems.refuse_if_any()
    with transaction.atomic():
        if entry.kind == "transfer":
            event = _post(actor, store, item, EventKind.TRANSFER_OUT, -quantity, reason=reason,
                          also=[destination])
            _post(actor, destination, item, EventKind.TRANSFER_IN, quantity, reason=reason, locked=True)
            return event
        if entry.kind == "count":
            return _count(actor, store, item, quantity, reason, entry.unexplained)
        kind = {"receive": EventKind.RECEIVE, "issue": EventKind.ISSUE, "adjustment": EventKind.ADJUSTMENT}[entry.kind]
        return _post(actor, store, item, kind, -quantity if kind == EventKind.ISSUE else quantity, reason=reason)


def _lock(stores) -> None:
    """Lock the stores' rows, in id order (two transfers between the same stores never deadlock): every ledger
    write of a store waits here for the one before it, so the balance it reads is the last one (PostgreSQL)."""
    list(Store.objects.select_for_update().filter(pk__in=sorted(s.pk for s in stores)).order_by("pk"))


def _post(actor, store: Store, item: Item, kind: str, quantity: int, *, reason: str = "", also=(), locked=False,
          **links) -> StockEvent:
    """Write one ledger event under the store's lock; refuse it when it would take the stock below zero."""
    if not locked:
        _lock([store, *also])
    before = on_hand(store, item)
    if before + quantity < 0:
        raise Conflict(("quantity", _("only %(n)s %(unit)s of %(item)s on hand at %(store)s") % {
            "n": before, "unit": item.shown_unit, "item": item.shown_name, "store": store.name}))
    event = StockEvent.objects.create(store=store, item=item, kind=kind, quantity=quantity, balance=before + quantity,
                                      reason=reason, at=timezone.now(), by=actor, **links)
    audit.record_change(actor, Action.STOCK_CHANGE, event, before={"on_hand": before},
                        after={"on_hand": before + quantity, "kind": kind, "store": store.code, "item": item.code,
                               "reason": reason})
    return event


def _count(actor, store: Store, item: Item, counted: int, reason: str, unexplained: bool) -> StockEvent:
    _lock([store])
    before = on_hand(store, item)
    difference = counted - before
    if difference and not reason and not unexplained:
        raise InputRefused(("reason", _("the count differs from the ledger by %(d)+d: say why, or mark the "
                                        "difference unexplained") % {"d": difference}))
    event = StockEvent.objects.create(store=store, item=item, kind=EventKind.COUNT, quantity=difference,
                                      balance=counted, counted=counted, unexplained=bool(difference) and unexplained,
                                      reason=reason, at=timezone.now(), by=actor)
    audit.record_change(actor, Action.STOCK_CHANGE, event, before={"on_hand": before},
                        after={"on_hand": counted, "kind": EventKind.COUNT, "store": store.code, "item": item.code,
                               "unexplained": event.unexplained, "reason": reason})
    return event


# --- requests -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestInput:
    item: str
    need: object
    need_by: object
    posts: tuple[str, ...] = ()
    minimum: object = 0
    note: str = ""


def _day(value, field: str, problems: Problems) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        problems.add(field, _("a date like 2026-11-24"))
        return None


def submit_request(actor, store_id, data: RequestInput, *, idempotency_key: str | None = None) -> SupplyRequest:
    """A unit asks for an item: how much, the least it can work with, by when, for which posts (their tier)."""
    require(actor, "supply.request")
    store = get_visible(stores_for(actor), store_id)
    return idempotency.once(actor, "supply_request", requests_for(actor), idempotency_key,
                            {"store": store.pk, **dataclasses.asdict(data)},
                            lambda: _submit_request(actor, store, data))[0]


def _submit_request(actor, store: Store, data: RequestInput) -> SupplyRequest:
    problems = Problems()
    item = _item(data.item, problems)
    need = whole(data.need, "need", problems)
    minimum = whole(data.minimum if data.minimum not in (None, "") else 0, "minimum", problems, least=0)
    if need is not None and minimum is not None and minimum > need:
        problems.add("minimum", _("the minimum (%(m)s) is more than the need (%(n)s)") % {"m": minimum, "n": need})
    need_by = _day(data.need_by, "need_by", problems)
    if need_by and need_by < timezone.localdate():
        problems.add("need_by", _("that day has passed"))
    codes = sorted({c for c in data.posts if c})
    served = list(Post.objects.filter(code__in=codes))
    if not codes:
        problems.add("posts", _("say which posts the supplies are for"))
    elif len(served) != len(codes):
        unknown = sorted(set(codes) - {p.code for p in served})
        problems.add("posts", _("not a post of the catalogue: %(v)s") % {"v": ", ".join(unknown)})
    problems.refuse_if_any()
    tier = min(p.tier for p in served)
    with transaction.atomic():
        request = SupplyRequest.objects.create(store=store, item=item, need=need, minimum=minimum, need_by=need_by,
                                               tier=tier, note=(data.note or "").strip()[:200],
                                               requested_at=timezone.now(), requested_by=actor)
        request.posts.set(served)
        audit.record_change(actor, Action.SUPPLY_REQUEST, request, before={}, after={
            "store": store.code, "item": item.code, "need": need, "minimum": minimum, "need_by": need_by,
            "tier": tier, "posts": codes, "status": request.status})
    return request


# The one table of request states: which step may follow which.
TRANSITIONS = {
    "approve": ({RequestStatus.SUBMITTED}, RequestStatus.APPROVED),
    "reject": ({RequestStatus.SUBMITTED, RequestStatus.APPROVED}, RequestStatus.REJECTED),
    "allocate": ({RequestStatus.APPROVED, RequestStatus.ALLOCATED}, RequestStatus.ALLOCATED),
    "ship": ({RequestStatus.ALLOCATED, RequestStatus.APPROVED}, RequestStatus.SHIPPED),
}


def _move(actor, request: SupplyRequest, step: str, **fields) -> SupplyRequest:
    allowed_from, to = TRANSITIONS[step]
    if request.status not in allowed_from:
        raise Conflict(("status", _("this request is %(s)s") % {"s": request.get_status_display()}))
    before = {"status": request.status, **{name: getattr(request, name) for name in fields}}
    updated = SupplyRequest.objects.filter(pk=request.pk, status=request.status).update(
        status=to, decided_at=timezone.now(), **fields)
    if not updated:  # another officer moved it meanwhile
        raise Conflict(("status", _("this request was changed meanwhile: open it again")))
    request.refresh_from_db()
    audit.record_change(actor, Action.SUPPLY_REQUEST, request, before=before,
                        after={"status": to, **fields}, step=step)
    return request


def decide_request(actor, supply_request_id, step: str, *, note: str = "") -> SupplyRequest:
    require(actor, "supply.approve")
    if step not in ("approve", "reject"):
        raise InputRefused(("action", _("approve or reject")))
    request = get_visible(requests_for(actor), supply_request_id)
    if request.status == TRANSITIONS[step][1]:
        return request  # a second tap changes nothing
    with transaction.atomic():
        return _move(actor, request, step, **({"note": note.strip()[:200]} if note.strip() else {}))


# --- allocation ---------------------------------------------------------------------------------------------------


COLUMN_OF = {"unit": "unit", "priority_tier": "tier", "need": "need", "minimum": "minimum"}


def check_asks(rows: list[dict], *, where=lambda n, column: "") -> list[rule.Ask]:
    """Rows {unit, tier, need, minimum} (a CSV's, an API body's) as the rule's asks; every bad value is refused,
    each problem naming its field and, through `where(n, column)`, the row and column (a CSV's line)."""
    problems, asks, seen = Problems(), [], set()
    known = tiers()
    for n, row in enumerate(rows):
        unit = str(row.get("unit") or "").strip()
        if not unit:
            problems.add("unit", where(n, "unit") + _("give the unit's code"))
        elif unit in seen:
            problems.add("unit", where(n, "unit") + _("“%(v)s” asks twice; give one row per unit") % {"v": unit})
        seen.add(unit)
        sub = Problems()
        tier = whole(row.get("tier"), "priority_tier", sub)
        if tier is not None and tier not in known:
            sub.add("priority_tier", _("tier %(t)s is not one of %(tiers)s") % {
                "t": tier, "tiers": ", ".join(map(str, known))})
        need = whole(row.get("need"), "need", sub)
        raw_minimum = row.get("minimum")
        minimum = whole(raw_minimum if raw_minimum not in (None, "") else 0, "minimum", sub, least=0)
        if need is not None and minimum is not None and minimum > need:
            sub.add("minimum", _("the minimum (%(m)s) is more than the need (%(n)s)") % {"m": minimum, "n": need})
        for problem in sub.found:
            problems.add(problem.field, where(n, COLUMN_OF[problem.field]) + problem.message)
        if not sub.found and unit:
            asks.append(rule.Ask(unit, tier, need, minimum))
    problems.refuse_if_any()
    return asks


def check_reserve(value) -> Fraction:
    try:
        reserve = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise InputRefused(("reserve", _("a fraction from 0 to 1, such as 0.1"))) from None
    if not 0 <= reserve < 1:
        raise InputRefused(("reserve", _("a fraction from 0 to 1, such as 0.1")))
    return reserve


REQUEST_COLUMNS = ("unit", "tier", "need", "minimum")
ALLOCATION_COLUMNS = ("unit", "tier", "need", "minimum", "allocated")


def read_requests_csv(text: str) -> list[rule.Ask]:
    """REQUESTS.csv (`unit,tier,need,minimum`, minimum may be empty) as asks; bad rows refused by line and column."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUEST_COLUMNS if c not in header]
    if missing:
        raise InputRefused(("file", _("the header must be %(h)s; missing: %(m)s") % {
            "h": ",".join(REQUEST_COLUMNS), "m": ", ".join(missing)}))
    rows = [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    # line 1 is the header
    return check_asks(rows, where=lambda n, column: _("line %(n)s, column %(c)s: ") % {"n": n + 2, "c": column})


def write_allocation_csv(result: rule.Allocation) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ALLOCATION_COLUMNS)
    for share in result.shares:
        writer.writerow([share.ask.unit, share.ask.tier, share.ask.need, share.ask.minimum, share.allocated])
    return out.getvalue()


def explain(share: rule.Share) -> str:
    """Why a unit got what it got, in the reader's language."""
    return explain_cut(share.ask.tier, share.cut, share.rate, share.extra)


def explain_line(run: AllocationRun, line: AllocationLine) -> str:
    """The same reading for a stored allocation's line."""
    cut = (run.cut_stage, run.cut_tier) if line.cut and run.cut_stage else None
    return explain_cut(line.tier, cut, Fraction(run.cut_rate) if run.cut_rate else None, line.extra)


def explain_cut(ask_tier: int, cut, rate, extra: bool) -> str:
    if cut is None:
        return str(_("served in full"))
    stage, tier = cut
    rate = float(rate or 0)
    words = {"stage": _("minimums") if stage == rule.MINIMUM else _("the rest of the needs"), "tier": tier,
             "rate": f"{rate:.1%}"}
    if ask_tier != tier:
        if stage == rule.MINIMUM and ask_tier > tier:
            return str(_("nothing: the stock ran out at tier %(tier)s (%(stage)s)") % words)
        return str(_("minimum served; the stock ran out at tier %(tier)s (%(stage)s) before the rest") % words)
    text = _("tier %(tier)s shared at an equal rate of %(rate)s (%(stage)s), rounded down") % words
    return str(text) + (str(_("; one of the units left over")) if extra else "")


def requests_to_allocate(actor, item: Item, source: Store) -> QuerySet[SupplyRequest]:
    return requests_for(actor).filter(item=item, status=RequestStatus.APPROVED).exclude(store=source)


def preview(actor, source_id, item_code) -> tuple[Store, Item, list[SupplyRequest], rule.Allocation]:
    """What the rule would give the approved requests for an item from a store's stock, without writing anything."""
    problems = Problems()
    item = _item(item_code, problems)
    source = None
    try:
        source = get_visible(stores_for(actor), source_id)
    except NotFound:
        problems.add("from_store", _("choose a store of yours to allocate from"))
    problems.refuse_if_any()
    pending = list(requests_to_allocate(actor, item, source).order_by("store__code", "id"))
    asks = [rule.Ask(f"{r.store.code}#{r.pk}" if _repeated(pending, r) else r.store.code, r.tier, r.need, r.minimum)
            for r in pending]
    return source, item, pending, rule.allocate(on_hand(source, item), asks, reserve=item.reserve)


def _repeated(pending, request) -> bool:
    return sum(1 for r in pending if r.store_id == request.store_id) > 1


def allocate_item(actor, source_id, item_code) -> AllocationRun:
    """Allocate a store's stock of an item over the approved requests by the rule, and keep how it came out."""
    require(actor, "supply.allocate")
    with transaction.atomic():
        source = get_visible(stores_for(actor), source_id)
        _lock([source])
        source, item, pending, result = preview(actor, source.pk, item_code)
        if not pending:
            raise InputRefused(("item", _("no approved request for %(item)s to allocate") % {"item": item.shown_name}))
        run = AllocationRun.objects.create(
            item=item, source=source, stock=result.stock, reserve=item.reserve, available=result.available,
            allocated=result.allocated, cut_stage=result.cut[0] if result.cut else "",
            cut_tier=result.cut[1] if result.cut else None, cut_rate=str(result.rate) if result.cut else "",
            made_at=timezone.now(), made_by=actor)
        AllocationLine.objects.bulk_create([AllocationLine(
            run=run, request=request, unit=share.ask.unit, tier=share.ask.tier, need=share.ask.need,
            minimum=share.ask.minimum, allocated=share.allocated, extra=share.extra, cut=share.cut is not None)
            for request, share in zip(pending, result.shares, strict=True)])
        for request, share in zip(pending, result.shares, strict=True):
            _move(actor, request, "allocate", allocated=share.allocated)
        audit.record_change(actor, Action.SUPPLY_REQUEST, run, before={}, after={
            "item": item.code, "source": source.code, "stock": result.stock, "available": result.available,
            "allocated": result.allocated, "cut": list(result.cut) if result.cut else None, "rate": run.cut_rate})
    return run


def dispatch_allocation(actor, allocation_id) -> list[Shipment]:
    """Ship every line of an allocation that got something, from the allocation's store: one shipment each."""
    require(actor, "shipment.dispatch")
    run = get_visible(allocations_for(actor), allocation_id)
    lines = list(run.lines.select_related("request__store").filter(allocated__gt=0,
                                                                   request__status=RequestStatus.ALLOCATED))
    if not lines:
        raise Conflict(("allocation", _("nothing left to ship in this allocation")))
    with transaction.atomic():
        return [_dispatch(actor, run.source, line.request.store, run.item, line.allocated, request=line.request)
                for line in lines]


# --- shipments and procurement ------------------------------------------------------------------------------------


def dispatch(actor, *, source_id, destination_id, item: str, quantity, note: str = "",
             idempotency_key: str | None = None) -> Shipment:
    require(actor, "shipment.dispatch")
    problems = Problems()
    source = destination = None
    try:
        source = get_visible(stores_for(actor), source_id)
    except NotFound:
        problems.add("from_store", _("choose a store of yours to ship from"))
    # Within the officer's subtree: a city warehouse ships to its counties, a county to its hospitals; between two
    # counties ships the city above them.
    destination = stores_for(actor).filter(pk=destination_id).first() if str(destination_id or "").isdigit() else None
    if destination is None:
        problems.add("to_store", _("choose a store of yours the goods go to"))
    elif source is not None and destination.pk == source.pk:
        problems.add("to_store", _("a shipment goes to another store"))
    found = _item(item, problems)
    count = whole(quantity, "quantity", problems)
    problems.refuse_if_any()
    return idempotency.once(actor, "shipment", shipments_for(actor), idempotency_key,
                            {"source": source.pk, "destination": destination.pk, "item": item, "quantity": count},
                            lambda: _dispatch(actor, source, destination, found, count, note=note))[0]


def _dispatch(actor, source: Store, destination: Store, item: Item, quantity: int, *, request=None,
              note: str = "") -> Shipment:
    with transaction.atomic():
        shipment = Shipment.objects.create(source=source, destination=destination, item=item, quantity=quantity,
                                           request=request, note=note.strip()[:200], dispatched_at=timezone.now(),
                                           dispatched_by=actor)
        _post(actor, source, item, EventKind.TRANSFER_OUT, -quantity, reason=_("shipment %(n)s") % {"n": shipment.pk},
              shipment=shipment)
        if request is not None:
            _move(actor, request, "ship")
        audit.record_change(actor, Action.SUPPLY_REQUEST, shipment, before={}, after={
            "source": source.code, "destination": destination.code, "item": item.code, "quantity": quantity,
            "status": shipment.status})
    return shipment


def receive_shipment(actor, shipment_id, received, *, note: str = "") -> Shipment:
    """The destination counts what arrived: its ledger gains that, the shipment keeps the difference. Once."""
    require(actor, "shipment.receive")
    shipment = get_visible(shipments_for(actor), shipment_id)
    problems = Problems()
    count = whole(received, "received", problems, least=0)
    problems.refuse_if_any()
    if shipment.status == ShipmentStatus.RECEIVED:
        raise Conflict(("received", _("this shipment was received on %(at)s") % {
            "at": timezone.localtime(shipment.received_at).strftime("%Y-%m-%d %H:%M")}))
    with transaction.atomic():
        claimed = Shipment.objects.filter(pk=shipment.pk, status=ShipmentStatus.DISPATCHED).update(
            status=ShipmentStatus.RECEIVED, received=count, difference=count - shipment.quantity,
            received_at=timezone.now(), received_by=actor, note=(note.strip() or shipment.note)[:200])
        if not claimed:
            raise Conflict(("received", _("this shipment was received meanwhile")))
        if count:
            _post(actor, shipment.destination, shipment.item, EventKind.TRANSFER_IN, count,
                  reason=_("shipment %(n)s") % {"n": shipment.pk}, shipment=shipment)
        audit.record_change(actor, Action.SUPPLY_REQUEST, shipment, before={"status": shipment.status},
                            after={"status": ShipmentStatus.RECEIVED, "received": count,
                                   "difference": count - shipment.quantity})
    shipment.refresh_from_db()
    return shipment


def place_order(actor, *, store_id, item: str, quantity, supplier: str, expected_on,
                idempotency_key: str | None = None) -> ProcurementOrder:
    require(actor, "procurement.order")
    store = get_visible(stores_for(actor), store_id)
    problems = Problems()
    found = _item(item, problems)
    count = whole(quantity, "quantity", problems)
    if not (supplier or "").strip():
        problems.add("supplier", _("name the supplier"))
    day = _day(expected_on, "expected_on", problems)
    problems.refuse_if_any()

    def make():
        with transaction.atomic():
            order = ProcurementOrder.objects.create(store=store, item=found, quantity=count,
                                                    supplier=supplier.strip()[:120], expected_on=day,
                                                    ordered_at=timezone.now(), ordered_by=actor)
            audit.record_change(actor, Action.SUPPLY_REQUEST, order, before={}, after={
                "store": store.code, "item": found.code, "quantity": count, "supplier": order.supplier,
                "expected_on": day, "status": order.status})
        return order
    return idempotency.once(actor, "procurement", orders_for(actor), idempotency_key,
                            {"store": store.pk, "item": item, "quantity": count, "supplier": supplier,
                             "expected_on": str(day)}, make)[0]


def deliver_order(actor, procurement_id, delivered) -> ProcurementOrder:
    """The goods of an order arrived at its store: received into the ledger, the order closed. Once."""
    require(actor, "shipment.receive")
    order = get_visible(orders_for(actor), procurement_id)
    problems = Problems()
    count = whole(delivered, "received", problems)
    problems.refuse_if_any()
    with transaction.atomic():
        claimed = ProcurementOrder.objects.filter(pk=order.pk, status=OrderStatus.ORDERED).update(
            status=OrderStatus.DELIVERED, delivered=count, delivered_at=timezone.now())
        if not claimed:
            raise Conflict(("received", _("this order is %(s)s") % {"s": order.get_status_display()}))
        _post(actor, order.store, order.item, EventKind.RECEIVE, count,
              reason=_("order %(n)s from %(s)s") % {"n": order.pk, "s": order.supplier}, order=order)
        audit.record_change(actor, Action.SUPPLY_REQUEST, order, before={"status": order.status},
                            after={"status": OrderStatus.DELIVERED, "delivered": count})
    order.refresh_from_db()
    return order


def days_text(days: float | None) -> str:
    return "∞" if days is None else f"{math.floor(days * 10) / 10:g}"


# --- registers ----------------------------------------------------------------------------------------------------

LEDGER_EXPORT = Export("stock-ledger", _("Stock ledger"), events_for, person=None, columns=[
    (_("At"), "at"), (_("Store"), "store__code"), (_("Store name"), "store__name"), (_("Item"), "item__name"),
    (_("Unit of issue"), "item__unit"), (_("Kind"), Choice("kind", EventKind.choices)), (_("Quantity"), "quantity"),
    (_("Balance"), "balance"), (_("Counted"), "counted"), (_("Unexplained difference"), "unexplained"),
    (_("Reason"), "reason"), (_("Shipment"), "shipment_id"), (_("Order"), "order_id")])

REQUESTS_EXPORT = Export("supply-requests", _("Supply requests"), requests_for, person=None, columns=[
    (_("Requested at"), "requested_at"), (_("Store"), "store__code"), (_("Store name"), "store__name"),
    (_("Item"), "item__name"), (_("Need"), "need"), (_("Minimum"), "minimum"), (_("Need by"), "need_by"),
    (_("Priority tier"), "tier"), (_("Status"), Choice("status", RequestStatus.choices)),
    (_("Allocated"), "allocated"), (_("Note"), "note")])

ALLOCATIONS_EXPORT = Export("allocations", _("Allocations"), allocation_lines_for, person=None, columns=[
    (_("Allocation"), "run_id"), (_("Made at"), "run__made_at"), (_("Item"), "run__item__name"),
    (_("From store"), "run__source__code"), (_("Stock"), "run__stock"), (_("Available"), "run__available"),
    (_("Unit"), "unit"), (_("Priority tier"), "tier"), (_("Need"), "need"), (_("Minimum"), "minimum"),
    (_("Allocated"), "allocated")])

SHIPMENTS_EXPORT = Export("shipments", _("Shipments"), shipments_for, person=None, columns=[
    (_("Dispatched at"), "dispatched_at"), (_("From store"), "source__code"), (_("To store"), "destination__code"),
    (_("Item"), "item__name"), (_("Quantity dispatched"), "quantity"), (_("Quantity received"), "received"),
    (_("Difference"), "difference"), (_("Status"), Choice("status", ShipmentStatus.choices)),
    (_("Received at"), "received_at"), (_("Note"), "note")])

ORDERS_EXPORT = Export("procurement-orders", _("Procurement orders"), orders_for, person=None, columns=[
    (_("Ordered at"), "ordered_at"), (_("Store"), "store__code"), (_("Item"), "item__name"),
    (_("Supplier"), "supplier"), (_("Quantity"), "quantity"), (_("Expected on"), "expected_on"),
    (_("Status"), Choice("status", OrderStatus.choices)), (_("Quantity delivered"), "delivered"),
    (_("Delivered at"), "delivered_at")])

EXPORTS = (LEDGER_EXPORT, REQUESTS_EXPORT, ALLOCATIONS_EXPORT, SHIPMENTS_EXPORT, ORDERS_EXPORT)
