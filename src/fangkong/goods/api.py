import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from fangkong.audit import services as audit
from fangkong.pagination import MappedPage, Pages
from fangkong.schema_types import Column, Day, Id, Text

from . import services
from .models import Batch, Disinfection, Site, Worker

router = Router(tags=["goods"])

Quantity = Field(gt=0, lt=10**10, max_digits=12, decimal_places=2)


class SiteIn(Schema):
    name: Column(Site, "name")
    kind: Text(12)
    jurisdiction_code: Text(20)


class SiteOut(Schema):
    id: int
    name: str
    kind: str


class GoodsBatchIn(Schema):
    number: Column(Batch, "number")
    goods: Column(Batch, "goods")
    origin_country: Column(Batch, "origin_country")
    port_of_entry: Column(Batch, "port_of_entry")
    importer: Column(Batch, "importer")
    quantity: Decimal = Quantity
    unit: Column(Batch, "unit")
    received_on: Day


class BatchOut(Schema):
    id: int
    number: str
    goods: str
    origin_country: str
    site_id: int
    quantity: Decimal
    unit: str
    status: str
    received_on: dt.date


class GoodsSampleIn(Schema):
    kind: Text(12)
    taken_on: Day


class GoodsResultIn(Schema):
    result: Text(8)
    result_on: Day


class SampleOut(Schema):
    id: int
    batch_id: int
    kind: str
    result: str


class DisinfectionIn(Schema):
    done_on: Day
    agent: Column(Disinfection, "agent")
    certificate: Column(Disinfection, "certificate")


class DisposeIn(Schema):
    step: Text(8)
    disposal_record: Column(Batch, "disposal_record")


class MoveIn(Schema):
    to_site: Id
    quantity: Decimal = Quantity
    moved_on: Day


class StopOut(Schema):
    site_id: int
    site: str
    quantity: Decimal
    on: dt.date


class WorkerIn(Schema):
    person_id: Id
    post: Column(Worker, "post")
    travel_14d: Column(Worker, "travel_14d") = ""


class WorkerOut(Schema):
    id: int
    person_id: int
    site_id: int
    post: str
    last_tested_on: dt.date | None


class WorkerTestIn(Schema):
    tested_on: Day
    result: Text(8)
    travel_14d: Column(Worker, "travel_14d") | None = None


def _batch(b: Batch) -> dict:
    return {"id": b.pk, "number": b.number, "goods": b.goods, "origin_country": b.origin_country,
            "site_id": b.site_id, "quantity": b.quantity, "unit": b.unit, "status": b.status,
            "received_on": b.received_on}


def _worker(w: Worker) -> dict:
    return {"id": w.pk, "person_id": w.person_id, "site_id": w.site_id, "post": w.post,
            "last_tested_on": w.last_tested_on}


@router.post("/goods/sites", response={201: SiteOut}, summary="A port, cold store, warehouse or market to watch")
def add_site(request, payload: SiteIn):
    site = services.add_site(request.auth, **payload.dict())
    return Status(201, {"id": site.pk, "name": site.name, "kind": site.kind})


@router.get("/goods/batches", response=list[BatchOut], summary="Goods batches in the caller's subtree")
@paginate(Pages, page_size=50)
def list_batches(request, status: Text(10) | None = None):
    rows = services.batches_for(request.auth)
    return MappedPage(rows.filter(status=status) if status else rows, _batch)


@router.post("/goods/sites/{int:site_id}/batches", response={201: BatchOut}, summary="A batch received at a store")
def receive_batch(request, site_id: Id, payload: GoodsBatchIn):
    return Status(201, _batch(services.receive_batch(request.auth, site_id, services.BatchInput(**payload.dict()))))


@router.post("/goods/batches/{int:batch_id}/samples", response={201: SampleOut}, summary="A sample taken of a batch")
def take_sample(request, batch_id: Id, payload: GoodsSampleIn):
    sample = services.take_sample(request.auth, batch_id, kind=payload.kind, taken_on=payload.taken_on)
    return Status(201, {"id": sample.pk, "batch_id": sample.batch_id, "kind": sample.kind, "result": sample.result})


@router.post("/goods/samples/{int:sample_id}/result", response=SampleOut,
             summary="A sample's result; a positive one seals its batch")
def record_result(request, sample_id: Id, payload: GoodsResultIn):
    sample = services.record_result(request.auth, sample_id, result=payload.result, result_on=payload.result_on)
    return {"id": sample.pk, "batch_id": sample.batch_id, "kind": sample.kind, "result": sample.result}


@router.post("/goods/batches/{int:batch_id}/disinfections", response={201: BatchOut},
             summary="A disinfection of a batch, with its certificate")
def disinfect(request, batch_id: Id, payload: DisinfectionIn):
    record = services.disinfect(request.auth, batch_id, **payload.dict())
    return Status(201, _batch(record.batch))


@router.post("/goods/batches/{int:batch_id}/release", response=BatchOut,
             summary="Release a batch: refused without a disinfection certificate and a negative test")
def release(request, batch_id: Id):
    return _batch(services.release(request.auth, batch_id))


@router.post("/goods/batches/{int:batch_id}/dispose", response=BatchOut,
             summary="A sealed batch returned or destroyed, with the record")
def dispose(request, batch_id: Id, payload: DisposeIn):
    return _batch(services.dispose(request.auth, batch_id, step=payload.step, record=payload.disposal_record))


@router.post("/goods/batches/{int:batch_id}/moves", response={201: list[StopOut]},
             summary="Part of a released batch sent on to another store")
def send_on(request, batch_id: Id, payload: MoveIn):
    services.send_on(request.auth, batch_id, to_site_id=payload.to_site, quantity=payload.quantity,
                     moved_on=payload.moved_on)
    return Status(201, trace(request, batch_id))


@router.get("/goods/batches/{int:batch_id}/trace", response=list[StopOut],
            summary="Every store the batch reached")
def trace(request, batch_id: Id):
    return [{"site_id": s.site.pk, "site": s.site.name, "quantity": s.quantity, "on": s.on}
            for s in services.trace(request.auth, batch_id)]


@router.post("/goods/sites/{int:site_id}/workers", response={201: WorkerOut},
             summary="A worker at a high-risk post (port, cold store) on the health register")
def register_worker(request, site_id: Id, payload: WorkerIn):
    return Status(201, _worker(services.register_worker(request.auth, site_id, **payload.dict())))


@router.post("/goods/workers/{int:worker_id}/tests", response={201: WorkerOut},
             summary="A worker's test (and their travel in the last 14 days)")
def record_worker_test(request, worker_id: Id, payload: WorkerTestIn):
    test = services.record_worker_test(request.auth, worker_id, **payload.dict())
    test.worker.refresh_from_db()
    return Status(201, _worker(test.worker))


@router.get("/goods/workers/overdue", response=list[WorkerOut],
            summary="Workers at high-risk posts whose test is overdue")
@paginate(Pages, page_size=100)
def overdue_workers(request):
    return MappedPage(services.overdue_workers(request.auth), _worker,
                      on_page=lambda rows: audit.seen(request.auth, rows, surface="goods-workers"))
