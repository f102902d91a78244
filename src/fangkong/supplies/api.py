import datetime as dt

from ninja import Field, Header, Router, Schema, Status
from ninja.pagination import paginate

from fangkong.pagination import MappedPage, Pages
from fangkong.schema_types import Count, Day, Id, Text

from . import services
from .models import RequestStatus, ShipmentStatus

router = Router(tags=["supplies"])

class SupplyItemOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    reserve: str
    alert_days: int
    stand_ins: list[str]


class StoreIn(Schema):
    code: Text(40)
    name: Text(120)
    kind: Text(16)
    jurisdiction_code: Text(20)


class StoreOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    jurisdiction: str


class StockEntryIn(Schema):
    kind: Text(12)
    item: Text(40)
    quantity: int = Field(..., ge=-(2**31 - 1), le=2**31 - 1)
    reason: Text(200) = ""
    to_store: Id | None = None
    unexplained: bool = False


class StockEventOut(Schema):
    id: int
    store_id: int
    item: str
    kind: str
    quantity: int
    balance: int
    unexplained: bool


class StockLineOut(Schema):
    store: str
    item: str
    on_hand: int
    daily_use: float
    days_left: float | None
    low: bool
    expected: int


class SupplyRequestIn(Schema):
    store_id: Id
    item: Text(40)
    need: Count
    minimum: Count = 0
    need_by: Day
    posts: list[Text(40)] = Field(..., max_length=20)
    note: Text(200) = ""


class SupplyRequestOut(Schema):
    id: int
    store: str
    item: str
    need: int
    minimum: int
    need_by: dt.date
    tier: int
    status: str
    allocated: int | None


class SupplyDecisionIn(Schema):
    action: Text(10)
    note: Text(200) = ""


class AllocateIn(Schema):
    from_store: Id
    item: Text(40)


class AllocationLineOut(Schema):
    request_id: int
    unit: str
    tier: int
    need: int
    minimum: int
    allocated: int
    why: str


class AllocationOut(Schema):
    id: int
    item: str
    from_store: str
    stock: int
    reserve: str
    available: int
    allocated: int
    lines: list[AllocationLineOut]


class AllocationShareOut(Schema):
    unit: str
    tier: int
    need: int
    minimum: int
    allocated: int
    why: str


class AllocationPreviewOut(Schema):
    available: int
    allocated: int
    shares: list[AllocationShareOut]


class ShipmentIn(Schema):
    from_store: Id
    to_store: Id
    item: Text(40)
    quantity: Count
    note: Text(200) = ""


class ShipmentOut(Schema):
    id: int
    from_store: str
    to_store: str
    item: str
    quantity: int
    received: int | None
    difference: int | None
    status: str


class ShipmentReceiveIn(Schema):
    received: Count
    note: Text(200) = ""


class ProcurementIn(Schema):
    store_id: Id
    item: Text(40)
    quantity: Count
    supplier: Text(120)
    expected_on: Day


class ProcurementOut(Schema):
    id: int
    store: str
    item: str
    supplier: str
    quantity: int
    expected_on: dt.date
    status: str
    delivered: int | None


class DeliverIn(Schema):
    received: Count


def _store(s):
    return {"id": s.pk, "code": s.code, "name": s.name, "kind": s.kind, "jurisdiction": s.jurisdiction.code}


def _request(r):
    return {"id": r.pk, "store": r.store.code, "item": r.item.code, "need": r.need, "minimum": r.minimum,
            "need_by": r.need_by, "tier": r.tier, "status": r.status, "allocated": r.allocated}


def _allocation(run):
    return {"id": run.pk, "item": run.item.code, "from_store": run.source.code, "stock": run.stock,
            "reserve": str(run.reserve), "available": run.available, "allocated": run.allocated,
            "lines": [{"request_id": line.request_id, "unit": line.unit, "tier": line.tier, "need": line.need,
                       "minimum": line.minimum, "allocated": line.allocated, "why": services.explain_line(run, line)}
                      for line in run.lines.all()]}


def _shipment(s):
    return {"id": s.pk, "from_store": s.source.code, "to_store": s.destination.code, "item": s.item.code,
            "quantity": s.quantity, "received": s.received, "difference": s.difference, "status": s.status}


def _order(o):
    return {"id": o.pk, "store": o.store.code, "item": o.item.code, "supplier": o.supplier, "quantity": o.quantity,
            "expected_on": o.expected_on, "status": o.status, "delivered": o.delivered}


@router.get("/supplies/items", response=list[SupplyItemOut], summary="The catalogue: items, units of issue, stand-ins")
def list_items(request):
    subs = services.stand_ins()
    return [{"code": i.code, "name": i.name, "name_en": i.name_en, "unit": i.unit, "reserve": str(i.reserve),
             "alert_days": i.alert_days, "stand_ins": subs.get(i.code, [])} for i in services.items()]


@router.get("/supplies/stores", response=list[StoreOut])
@paginate(Pages, page_size=100)
def list_stores(request):
    return MappedPage(services.stores_for(request.auth), _store)


@router.post("/supplies/stores", response={201: StoreOut})
def add_store(request, payload: StoreIn):
    return Status(201, _store(services.add_store(request.auth, code=payload.code, name=payload.name,
                                                 kind=payload.kind, jurisdiction_code=payload.jurisdiction_code)))


@router.get("/supplies/stock", response=list[StockLineOut],
            summary="Stock on hand by store and item (from the ledger), daily use, days left, low-stock alerts")
def stock(request, low_only: bool = False):
    lines = services.stock_lines(request.auth)
    return [{"store": x.store.code, "item": x.item.code, "on_hand": x.on_hand, "daily_use": round(x.daily, 3),
             "days_left": None if x.days_left is None else round(x.days_left, 2), "low": x.low,
             "expected": x.expected} for x in lines if x.low or not low_only]


@router.post("/supplies/stores/{int:store_id}/stock", response={201: StockEventOut},
             summary="A ledger entry: receive, issue, transfer, adjustment (with a reason) or count; "
                     "send an Idempotency-Key so a resubmission counts once")
def record_stock(request, store_id: Id, payload: StockEntryIn,
                 idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    event = services.record_stock(request.auth, store_id, services.StockEntry(
        kind=payload.kind, item=payload.item, quantity=payload.quantity, reason=payload.reason,
        destination=payload.to_store, unexplained=payload.unexplained), idempotency_key=idempotency_key or None)
    return Status(201, {"id": event.pk, "store_id": event.store_id, "item": event.item.code, "kind": event.kind,
                        "quantity": event.quantity, "balance": event.balance, "unexplained": event.unexplained})


@router.get("/supplies/requests", response=list[SupplyRequestOut])
@paginate(Pages, page_size=100)
def list_requests(request, status: RequestStatus | None = None):
    rows = services.requests_for(request.auth)
    return MappedPage(rows.filter(status=status) if status else rows, _request)


@router.post("/supplies/requests", response={201: SupplyRequestOut})
def submit_request(request, payload: SupplyRequestIn,
                   idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    made = services.submit_request(request.auth, payload.store_id, services.RequestInput(
        item=payload.item, need=payload.need, minimum=payload.minimum, need_by=payload.need_by,
        posts=tuple(payload.posts), note=payload.note), idempotency_key=idempotency_key or None)
    return Status(201, _request(made))


@router.post("/supplies/requests/{int:supply_request_id}/decision", response=SupplyRequestOut)
def decide_request(request, supply_request_id: Id, payload: SupplyDecisionIn):
    return _request(services.decide_request(request.auth, supply_request_id, payload.action, note=payload.note))


@router.post("/supplies/allocations", response={201: AllocationOut},
             summary="Allocate a store's stock of an item over the approved requests by the rule")
def allocate(request, payload: AllocateIn):
    return Status(201, _allocation(services.allocate_item(request.auth, payload.from_store, payload.item)))


@router.get("/supplies/allocations/{int:allocation_id}", response=AllocationOut)
def allocation_detail(request, allocation_id: Id):
    return _allocation(services.get_allocation(request.auth, allocation_id))


@router.post("/supplies/allocations/{int:allocation_id}/dispatch", response={201: list[ShipmentOut]})
def dispatch_allocation(request, allocation_id: Id):
    return Status(201, [_shipment(s) for s in services.dispatch_allocation(request.auth, allocation_id)])


@router.get("/supplies/allocations/preview", response=AllocationPreviewOut,
            summary="What the rule would give the approved requests for an item from a store's stock; writes nothing")
def preview_allocation(request, from_store: Id, item: Text(40)):
    _source, _item, _pending, result = services.preview(request.auth, from_store, item)
    return {"available": result.available, "allocated": result.allocated,
            "shares": [{"unit": s.ask.unit, "tier": s.ask.tier, "need": s.ask.need, "minimum": s.ask.minimum,
                        "allocated": s.allocated, "why": services.explain(s)} for s in result.shares]}


@router.get("/supplies/shipments", response=list[ShipmentOut])
@paginate(Pages, page_size=100)
def list_shipments(request, status: ShipmentStatus | None = None):
    rows = services.shipments_for(request.auth)
    return MappedPage(rows.filter(status=status) if status else rows, _shipment)


@router.post("/supplies/shipments", response={201: ShipmentOut})
def dispatch(request, payload: ShipmentIn, idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    return Status(201, _shipment(services.dispatch(
        request.auth, source_id=payload.from_store, destination_id=payload.to_store, item=payload.item,
        quantity=payload.quantity, note=payload.note, idempotency_key=idempotency_key or None)))


@router.post("/supplies/shipments/{int:shipment_id}/receive", response=ShipmentOut)
def receive(request, shipment_id: Id, payload: ShipmentReceiveIn):
    return _shipment(services.receive_shipment(request.auth, shipment_id, payload.received, note=payload.note))


@router.get("/supplies/orders", response=list[ProcurementOut],
            summary="Procurement orders; open ones are expected deliveries")
@paginate(Pages, page_size=100)
def list_orders(request, open_only: bool = False):
    rows = services.orders_for(request.auth)
    return MappedPage(rows.filter(status="ordered") if open_only else rows, _order)


@router.post("/supplies/orders", response={201: ProcurementOut})
def place_order(request, payload: ProcurementIn, idempotency_key: Text(80) = Header("", alias="Idempotency-Key")):
    return Status(201, _order(services.place_order(
        request.auth, store_id=payload.store_id, item=payload.item, quantity=payload.quantity,
        supplier=payload.supplier, expected_on=payload.expected_on, idempotency_key=idempotency_key or None)))


@router.post("/supplies/orders/{int:procurement_id}/deliver", response=ProcurementOut)
def deliver(request, procurement_id: Id, payload: DeliverIn):
    return _order(services.deliver_order(request.auth, procurement_id, payload.received))
