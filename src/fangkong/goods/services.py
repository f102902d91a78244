"""Use cases of goods and environment: receive a batch at a store, sample it and record the result, disinfect it with
a certificate, release it (never without a certificate), send it on; a positive result seals the batch and traces it
to every store it reached, then it is returned or destroyed with the record. Workers at high-risk posts, their tests
and the overdue ones; the purge of records past their retention (`purge_goods`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.batches import Outcome
from fangkong.errors import InputRefused, Problems
from fangkong.people.models import IdType
from fangkong.people.services import Choice, Export, Masked, identity_hash

from .models import (
    HIGH_RISK_KINDS,
    Batch,
    BatchStatus,
    Disinfection,
    Movement,
    Result,
    Sample,
    SampleKind,
    Site,
    SiteKind,
    Worker,
    WorkerTest,
)

# The one table of batch states: which step may follow which.
TRANSITIONS = {
    "release": ({BatchStatus.HELD}, BatchStatus.RELEASED),
    "seal": ({BatchStatus.HELD, BatchStatus.RELEASED}, BatchStatus.SEALED),
    "return": ({BatchStatus.SEALED}, BatchStatus.RETURNED),
    "destroy": ({BatchStatus.SEALED}, BatchStatus.DESTROYED),
}
CLOSED = (BatchStatus.RETURNED, BatchStatus.DESTROYED)


def sites_for(actor) -> QuerySet[Site]:
    return Site.objects.visible_to(actor)


def batches_for(actor) -> QuerySet[Batch]:
    return Batch.objects.visible_to(actor).select_related("site")


def samples_for(actor) -> QuerySet[Sample]:
    return Sample.objects.visible_to(actor).select_related("batch")


def workers_for(actor) -> QuerySet[Worker]:
    return Worker.objects.visible_to(actor).select_related("person", "site")


def _day(value, field: str, problems: Problems, *, required: bool = True) -> dt.date | None:
    if value is None:
        if required:
            problems.add(field, _("give the day"))
        return None
    if value > timezone.localdate():
        problems.add(field, _("the day cannot be in the future"))
    return value


def _quantity(value, problems: Problems) -> Decimal | None:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        quantity = None
    if quantity is None or not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("1e10"):
        problems.add("quantity", _("a quantity above zero"))
        return None
    return quantity.quantize(Decimal("0.01"))


def _required(problems: Problems, **values: str) -> None:
    for field, value in values.items():
        if not (value or "").strip():
            problems.add(field, _("this field is required"))


def add_site(actor, *, name: str, kind: str, jurisdiction_code: str) -> Site:
    require(actor, "goods.site")
    node = access.get_jurisdiction_for(actor, jurisdiction_code)
    problems = Problems()
    _required(problems, name=name)
    if kind not in SiteKind.values:
        problems.add("kind", _("a site is a port of entry, a cold store, a warehouse or a market"))
    problems.refuse_if_any()
    with transaction.atomic():
        site = Site.objects.create(name=name.strip()[:120], kind=kind, jurisdiction=node, owner_path=node.path)
        audit.record_change(actor, Action.GOODS_CHANGE, site, before={}, after={"name": site.name, "kind": kind})
    return site


@dataclass(frozen=True)
class BatchInput:
    number: str
    goods: str
    origin_country: str
    port_of_entry: str
    importer: str
    quantity: object
    unit: str
    received_on: dt.date | None


@dataclass(frozen=True)
class BatchRow:
    """A row of a store's or port's goods ledger (.xlsx/CSV): the store by its name, as the sheet names it."""

    store: str
    batch: BatchInput


def _check_batch(data: BatchInput, problems: Problems) -> dict:
    """A batch's fields checked and cleaned; every problem added, naming its field."""
    _required(problems, number=data.number, goods=data.goods, origin_country=data.origin_country,
              port_of_entry=data.port_of_entry, importer=data.importer, unit=data.unit)
    quantity = _quantity(data.quantity, problems)
    received_on = _day(data.received_on, "received_on", problems)
    return {"number": (data.number or "").strip().upper()[:40], "goods": (data.goods or "").strip()[:120],
            "origin_country": (data.origin_country or "").strip()[:60],
            "port_of_entry": (data.port_of_entry or "").strip()[:60], "importer": (data.importer or "").strip()[:120],
            "quantity": quantity, "unit": (data.unit or "").strip()[:10], "received_on": received_on}


def _store_batches(actor, items: list[tuple[Site, dict]]) -> list[Batch]:
    with transaction.atomic():
        batches = [Batch.objects.create(site=site, owner_path=site.owner_path, recorded_by=actor, **fields)
                   for site, fields in items]
        for batch in batches:
            audit.record_change(actor, Action.GOODS_CHANGE, batch, before={}, step="receive", after={
                "number": batch.number, "site": batch.site_id, "origin_country": batch.origin_country,
                "quantity": str(batch.quantity)})
    return batches


def receive_batch(actor, site_id: int, data: BatchInput) -> Batch:
    """A batch arrives at a store: held until it is tested and disinfected."""
    require(actor, "goods.record")
    site = get_visible(sites_for(actor), site_id)
    problems = Problems()
    fields = _check_batch(data, problems)
    if fields["number"] and Batch.objects.filter(number=fields["number"]).exists():
        problems.add("number", _("a batch with this number is already registered"))
    problems.refuse_if_any()
    return _store_batches(actor, [(site, fields)])[0]


def receive_batches(actor, rows: Sequence[BatchRow], *, write: bool = True) -> list[Outcome]:
    """A ledger of batches (the goods import): every row checked first, then those that pass stored in one
    transaction. A batch number already registered at the same store, or in a row above, is a repeat (a sheet
    uploaded again counts once); at another store it is refused."""
    require(actor, "goods.record")
    stores: dict[str, list[Site]] = {}
    for site in sites_for(actor).filter(name__in={(r.store or "").strip() for r in rows}):
        stores.setdefault(site.name, []).append(site)
    numbers = {(r.batch.number or "").strip().upper() for r in rows}
    stored = {b.number: b for b in Batch.objects.filter(number__in=numbers - {""}).select_related("site")}
    outcomes, checked, seen = [], {}, {}
    for index, row in enumerate(rows):
        problems = Problems()
        fields = _check_batch(row.batch, problems)
        named = (row.store or "").strip()
        found = stores.get(named, [])
        if not named:
            problems.add("store", _("this field is required"))
        elif not found:
            problems.add("store", _("no store, port or market of your area has this name"))
        elif len(found) > 1:
            problems.add("store", _("several stores of your area have this name: register them under distinct "
                                    "names first"))
        site, number = found[0] if len(found) == 1 else None, fields["number"]
        earlier = stored.get(number)
        if site and earlier and earlier.site_id != site.pk:
            problems.add("number", _("this batch number is registered at another store"))
        try:
            problems.refuse_if_any()
        except InputRefused as refused:
            outcomes.append(Outcome(refused=refused))
            continue
        if earlier or number in seen:
            outcomes.append(Outcome(repeated=True, record=earlier))
            continue
        seen[number] = index
        checked[index] = (site, fields)
        outcomes.append(Outcome())
    if write and checked:
        for index, batch in zip(checked, _store_batches(actor, list(checked.values()))):
            outcomes[index] = Outcome(record=batch, created=True)
    return outcomes


def take_sample(actor, batch_id: int, *, kind: str, taken_on: dt.date | None) -> Sample:
    require(actor, "goods.sample")
    batch = get_visible(batches_for(actor), batch_id)
    problems = Problems()
    if kind not in SampleKind.values:
        problems.add("kind", _("a sample is of the goods, their outer packaging or the environment"))
    taken_on = _day(taken_on, "taken_on", problems)
    if batch.status in CLOSED:
        problems.add("status", _("this batch is %(s)s") % {"s": batch.get_status_display()})
    problems.refuse_if_any()
    with transaction.atomic():
        sample = Sample.objects.create(batch=batch, kind=kind, taken_on=taken_on)
        audit.record_change(actor, Action.GOODS_CHANGE, sample, before={}, step="sample",
                            after={"batch": batch.number, "kind": kind})
    return sample


def record_result(actor, sample_id: int, *, result: str, result_on: dt.date | None) -> Sample:
    """A sample's result; a positive one seals its batch wherever it is."""
    require(actor, "goods.sample")
    sample = get_visible(samples_for(actor), sample_id)
    problems = Problems()
    if result not in (Result.NEGATIVE, Result.POSITIVE):
        problems.add("result", _("a result is negative or positive"))
    result_on = _day(result_on, "result_on", problems)
    if result_on and result_on < sample.taken_on:
        problems.add("result_on", _("the result comes after the sample was taken"))
    if sample.result != Result.PENDING:
        problems.add("result", _("this sample's result is already recorded"))
    problems.refuse_if_any()
    with transaction.atomic():
        Sample.objects.filter(pk=sample.pk).update(result=result, result_on=result_on)
        audit.record_change(actor, Action.GOODS_CHANGE, sample, step="result", before={"result": sample.result},
                            after={"result": result})
        batch = Batch.objects.select_for_update().get(pk=sample.batch_id)
        if result == Result.POSITIVE and batch.status in TRANSITIONS["seal"][0]:
            _move(actor, batch, "seal")
    sample.refresh_from_db()
    return sample


def disinfect(actor, batch_id: int, *, done_on: dt.date | None, agent: str, certificate: str) -> Disinfection:
    require(actor, "goods.record")
    batch = get_visible(batches_for(actor), batch_id)
    problems = Problems()
    done_on = _day(done_on, "done_on", problems)
    _required(problems, agent=agent, certificate=certificate)
    if done_on and done_on < batch.received_on:
        problems.add("done_on", _("the disinfection comes after the batch was received"))
    problems.refuse_if_any()
    with transaction.atomic():
        record = Disinfection.objects.create(batch=batch, done_on=done_on, agent=agent.strip()[:60],
                                             certificate=certificate.strip()[:60])
        audit.record_change(actor, Action.GOODS_CHANGE, record, before={}, step="disinfect",
                            after={"batch": batch.number, "certificate": record.certificate})
    return record


def _move(actor, batch: Batch, step: str, **changes) -> None:
    allowed_from, to = TRANSITIONS[step]
    if batch.status not in allowed_from:
        raise InputRefused(("status", _("this batch is %(s)s") % {"s": batch.get_status_display()}))
    closed = timezone.now() if to in CLOSED else None
    updated = Batch.objects.filter(pk=batch.pk, status=batch.status).update(status=to, closed_at=closed, **changes)
    if not updated:
        raise InputRefused(("status", _("the batch changed meanwhile: look again")))
    audit.record_change(actor, Action.GOODS_CHANGE, batch, step=step, before={"status": batch.status},
                        after={"status": to, **changes})


def release(actor, batch_id: int) -> Batch:
    """Out of the store into sale: never without a disinfection certificate, a negative test, none pending."""
    require(actor, "goods.dispose")
    batch = get_visible(batches_for(actor), batch_id)
    problems = Problems()
    if not batch.disinfections.exclude(certificate="").exists():
        problems.add("certificate", _("no disinfection certificate: the batch cannot be released"))
    samples = batch.samples.values_list("result", flat=True)
    if Result.NEGATIVE not in samples:
        problems.add("result", _("no negative test of the batch yet"))
    if Result.PENDING in samples:
        problems.add("result", _("a sample's result is still pending"))
    problems.refuse_if_any()
    with transaction.atomic():
        _move(actor, batch, "release")
    batch.refresh_from_db()
    return batch


def dispose(actor, batch_id: int, *, step: str, record: str) -> Batch:
    """A sealed batch returned or destroyed, with the record (the disposal certificate or minutes)."""
    require(actor, "goods.dispose")
    batch = get_visible(batches_for(actor), batch_id)
    if step not in ("return", "destroy"):
        raise InputRefused(("step", _("a sealed batch is returned or destroyed")))
    if not (record or "").strip():
        raise InputRefused(("disposal_record", _("give the record of the return or destruction")))
    with transaction.atomic():
        _move(actor, batch, step, disposal_record=record.strip()[:200])
    batch.refresh_from_db()
    return batch


def send_on(actor, batch_id: int, *, to_site_id: int, quantity, moved_on: dt.date | None) -> Movement:
    """Part of a released batch sent to another store: the trace a positive test follows."""
    require(actor, "goods.record")
    batch = get_visible(batches_for(actor), batch_id)
    to_site = get_visible(sites_for(actor), to_site_id)
    problems = Problems()
    quantity = _quantity(quantity, problems)
    moved_on = _day(moved_on, "moved_on", problems)
    if batch.status != BatchStatus.RELEASED:
        problems.add("status", _("only a released batch moves on; this one is %(s)s") % {
            "s": batch.get_status_display()})
    if to_site.pk == batch.site_id:
        problems.add("to_site", _("the batch is already at this store"))
    sent = batch.movements.aggregate(n=Sum("quantity"))["n"] or 0
    if quantity and sent + quantity > batch.quantity:
        problems.add("quantity", _("more than the batch holds: %(n)s %(u)s left") % {
            "n": batch.quantity - sent, "u": batch.unit})
    problems.refuse_if_any()
    with transaction.atomic():
        movement = Movement.objects.create(batch=batch, to_site=to_site, quantity=quantity, moved_on=moved_on)
        audit.record_change(actor, Action.GOODS_CHANGE, movement, before={}, step="move",
                            after={"batch": batch.number, "to_site": to_site.pk, "quantity": str(quantity)})
    return movement


@dataclass(frozen=True)
class Stop:
    site: Site
    quantity: Decimal
    on: dt.date


def trace(actor, batch_id: int) -> list[Stop]:
    """Every store the batch reached: where it came in, then each store it was sent to."""
    batch = get_visible(batches_for(actor), batch_id)
    return [Stop(batch.site, batch.quantity, batch.received_on),
            *(Stop(m.to_site, m.quantity, m.moved_on) for m in batch.movements.select_related("to_site"))]


def register_worker(actor, site_id: int, *, person_id: int, post: str, travel_14d: str = "") -> Worker:
    require(actor, "goods.worker")
    site = get_visible(sites_for(actor), site_id)
    person = access.get_person_for(actor, person_id)
    problems = Problems()
    if site.kind not in HIGH_RISK_KINDS:
        problems.add("site_id", _("the worker register is for high-risk posts: ports and cold stores"))
    _required(problems, post=post)
    if Worker.objects.filter(person=person, site=site).exists():
        problems.add("person", _("this person is already on the register of this site"))
    problems.refuse_if_any()
    with transaction.atomic():
        worker = Worker.objects.create(person=person, site=site, owner_path=site.owner_path, post=post.strip()[:60],
                                       travel_14d=travel_14d.strip()[:300])
        audit.record_change(actor, Action.GOODS_CHANGE, worker, person=person, before={}, step="worker",
                            after={"site": site.pk, "post": worker.post})
    return worker


@dataclass(frozen=True)
class WorkerRow:
    """A row of a port's or cold store's staff list (.xlsx/CSV): the person by ID number (and name, checked against
    ours), the site by its name, the post, travel in the last 14 days, the day of the last test if known."""

    id_number: str
    name: str
    workplace: str
    post: str
    travel_14d: str = ""
    last_tested_on: dt.date | None = None


def register_workers(actor, rows: Sequence[WorkerRow], *, write: bool = True) -> list[Outcome]:
    """A staff list (the workers import): every row checked first, then those that pass stored in one transaction.
    A person already on the register of the same site, or in a row above, is a repeat."""
    require(actor, "goods.worker")
    hashes = {r.id_number: identity_hash(IdType.RESIDENT_ID, (r.id_number or "").strip().upper()) for r in rows}
    people = {p.id_number_hash: p for p in access.persons_for(actor).filter(id_number_hash__in=set(hashes.values()))}
    sites: dict[str, list[Site]] = {}
    for site in sites_for(actor).filter(name__in={(r.workplace or "").strip() for r in rows}):
        sites.setdefault(site.name, []).append(site)
    on_register = set(Worker.objects.filter(person__in=people.values()).values_list("person_id", "site_id"))
    outcomes, checked = [], {}
    for row in rows:
        problems = Problems()
        person = people.get(hashes[row.id_number])
        if person is None:
            problems.add("id_number", _("no resident of your area has this ID number"))
        elif (row.name or "").strip() and row.name.strip() != person.name:
            problems.add("name", _("the name differs from the resident's record of this ID number"))
        found = sites.get((row.workplace or "").strip(), [])
        if not found:
            problems.add("workplace", _("no port or cold store of your area has this name"))
        elif len(found) > 1:
            problems.add("workplace", _("several stores of your area have this name: register them under distinct "
                                        "names first"))
        elif found[0].kind not in HIGH_RISK_KINDS:
            problems.add("workplace", _("the worker register is for high-risk posts: ports and cold stores"))
        _required(problems, post=row.post)
        _day(row.last_tested_on, "last_tested_on", problems, required=False)
        try:
            problems.refuse_if_any()
        except InputRefused as refused:
            outcomes.append(Outcome(refused=refused))
            continue
        key = (person.pk, found[0].pk)
        if key in on_register or key in {(w.person.pk, w.site.pk) for w in checked.values()}:
            outcomes.append(Outcome(repeated=True))
            continue
        checked[len(outcomes)] = Worker(person=person, site=found[0], owner_path=found[0].owner_path,
                                        post=row.post.strip()[:60], travel_14d=(row.travel_14d or "").strip()[:300],
                                        last_tested_on=row.last_tested_on)
        outcomes.append(Outcome())
    if write and checked:
        with transaction.atomic():
            stored = Worker.objects.bulk_create(list(checked.values()))
            audit.record_many(actor, Action.GOODS_CHANGE, [(w.person_id, audit.changes(w, {}, {
                "site": w.site_id, "post": w.post})) for w in stored])
        for index, worker in zip(checked, stored):
            outcomes[index] = Outcome(record=worker, created=True)
    return outcomes


def record_worker_test(actor, worker_id: int, *, tested_on: dt.date | None, result: str,
                       travel_14d: str | None = None) -> WorkerTest:
    require(actor, "goods.worker")
    worker = get_visible(workers_for(actor), worker_id)
    problems = Problems()
    tested_on = _day(tested_on, "tested_on", problems)
    if result not in (Result.NEGATIVE, Result.POSITIVE):
        problems.add("result", _("a result is negative or positive"))
    problems.refuse_if_any()
    with transaction.atomic():
        test = WorkerTest.objects.create(worker=worker, tested_on=tested_on, result=result)
        latest = max(filter(None, (worker.last_tested_on, tested_on)))
        changes = {"last_tested_on": latest}
        if travel_14d is not None:
            changes["travel_14d"] = travel_14d.strip()[:300]
        Worker.objects.filter(pk=worker.pk).update(**changes)
        audit.record_change(actor, Action.GOODS_CHANGE, test, person=worker.person, before={}, step="worker_test",
                            after={"tested_on": tested_on, "result": result})
    return test


def overdue_workers(actor, day: dt.date | None = None, *, under=None) -> QuerySet[Worker]:
    """Workers whose last test is older than the interval the settings give, or who were never tested (`under`: only
    those at sites under this place, as its dashboard counts them)."""
    day = day or timezone.localdate()
    due = day - dt.timedelta(days=settings.GOODS_WORKER_TEST_DAYS)
    workers = workers_for(actor).filter(Q(last_tested_on__isnull=True) | Q(last_tested_on__lt=due))
    return workers.filter(owner_path__startswith=under.path) if under is not None else workers


def summary(actor, code: str) -> tuple[dict, list[tuple[str, str, dict]]]:
    """Batches by status and overdue workers, for the place and each child, counted from the rows."""
    node = access.get_jurisdiction_for(actor, code)
    children = {c.path: c for c in node.children.order_by("code")}
    width = len(next(iter(children))) if children else len(node.path)
    figures: dict[str, dict] = {path: dict.fromkeys((*BatchStatus.values, "overdue_workers"), 0) for path in children}
    total = dict.fromkeys((*BatchStatus.values, "overdue_workers"), 0)
    batches = batches_for(actor).filter(owner_path__startswith=node.path).annotate(child=Substr("owner_path", 1, width))
    for r in batches.values("child", "status").annotate(n=Count("id")):
        total[r["status"]] += r["n"]
        if r["child"] in figures:
            figures[r["child"]][r["status"]] += r["n"]
    overdue = overdue_workers(actor, under=node)
    for r in overdue.annotate(child=Substr("owner_path", 1, width)).values("child").annotate(n=Count("id")):
        total["overdue_workers"] += r["n"]
        if r["child"] in figures:
            figures[r["child"]]["overdue_workers"] += r["n"]
    return total, [(children[p].code, children[p].name, f) for p, f in figures.items()]


def purge(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete what is past its retention (at least two years, settings): batches closed or released that long ago
    with their samples, disinfections and moves, and workers' tests. One audit row says how many."""
    now = now or timezone.now()
    cutoff = timezone.localdate(now) - dt.timedelta(days=settings.GOODS_RETENTION_DAYS)
    with transaction.atomic():
        old = Batch.objects.filter(received_on__lt=cutoff).filter(
            Q(status__in=CLOSED, closed_at__date__lt=cutoff) | Q(status=BatchStatus.RELEASED))
        ids = list(old.values_list("pk", flat=True))
        counts = {"samples": Sample.objects.filter(batch_id__in=ids).count(),
                  "disinfections": Disinfection.objects.filter(batch_id__in=ids).count(),
                  "movements": Movement.objects.filter(batch_id__in=ids).count(), "batches": len(ids)}
        Batch.objects.filter(pk__in=ids).delete()  # samples, disinfections and moves go with their batch
        counts["worker_tests"] = WorkerTest.objects.filter(tested_on__lt=cutoff).delete()[0]
        if any(counts.values()):
            audit.record(None, Action.PURGE, register="goods", before=cutoff.isoformat(), **counts)
    return counts


BATCHES_EXPORT = Export("goods-batches", _("Cold-chain and imported goods"), batches_for, person=None, columns=[
    (_("Batch number"), "number"), (_("Goods"), "goods"), (_("Origin country"), "origin_country"),
    (_("Port of entry"), "port_of_entry"), (_("Importer"), "importer"), (_("Quantity"), "quantity"),
    (_("Unit"), "unit"), (_("Store"), "site__name"), (_("Received on"), "received_on"),
    (_("Status"), Choice("status", BatchStatus.choices)), (_("Disposal record"), "disposal_record")])

WORKERS_EXPORT = Export("goods-workers", _("Workers at high-risk posts"), workers_for, columns=[
    (_("Full name"), "person__name"), (_("ID number"), Masked("id_number")), (_("Phone"), Masked("phone")),
    (_("Site"), "site__name"), (_("Post"), "post"), (_("Travel in the last 14 days"), "travel_14d"),
    (_("Last tested on"), "last_tested_on")])
