from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import access
from fangkong.accounts.permissions import may
from fangkong.errors import InputRefused
from fangkong.web.forms import form_key, submit, submitted_for
from fangkong.web.registers import register_page

from . import services
from .models import EventKind, OrderStatus, RequestStatus, ShipmentStatus, StoreKind

# The forms each page shows only to a role that may use them.
MAY = {"may_record": "stock.record", "may_add_store": "store.add", "may_request": "supply.request",
       "may_decide": "supply.approve", "may_allocate": "supply.allocate", "may_dispatch": "shipment.dispatch",
       "may_receive": "shipment.receive", "may_order": "procurement.order"}


def _page(request, template: str, context: dict):
    return render(request, template, {**context, **{name: may(request.user, w) for name, w in MAY.items()}})


def _choices(user):
    stores = list(services.stores_for(user))
    return stores, [(str(s.pk), f"{s.name} ({s.code})") for s in stores], [
        (i.code, f"{i.shown_name} · {i.shown_unit}") for i in services.items()]


@login_required
@register_page(services.LEDGER_EXPORT)
def stock(request):
    """Stock by store: on hand from the ledger, daily use, days left, low-stock alerts; the roll-up by place; the
    ledger entry form of the chosen store."""
    stores, store_choices, item_choices = _choices(request.user)
    chosen = next((s for s in stores if str(s.pk) == request.GET.get("store")), stores[0] if stores else None)
    lines = services.stock_lines(request.user)
    rollup = services.rollup(request.user, lines) if request.user.jurisdiction_id or stores else []
    return _page(request, "supplies/stock.html", {
        "stores": stores, "store": chosen, "store_choices": store_choices, "item_choices": item_choices,
        "lines": lines, "low": [x for x in lines if x.low], "rollup": rollup, "key": form_key(),
        "entry_kinds": [(k, label) for k, label in (
            ("receive", _("Receive")), ("issue", _("Issue")), ("transfer", _("Transfer to another store")),
            ("adjustment", _("Adjustment (with a reason)")), ("count", _("Physical count")))],
        "yes_no": [("", _("No")), ("1", _("Yes: nobody can explain the difference"))],
        "ledger": services.events_for(request.user).filter(store=chosen)[:30] if chosen else [],
        "store_kinds": StoreKind.choices, "event_kinds": dict(EventKind.choices),
        "jurisdiction_choices": [(j.code, f"{j.name} ({j.code})") for j in
                                 access.jurisdictions_for(request.user).order_by("path")[:300]]})


@login_required
@require_POST
def record_stock(request, store_id):
    post = request.POST
    return submit(request, lambda: services.record_stock(request.user, store_id, services.StockEntry(
        kind=post.get("kind", ""), item=post.get("item", ""), quantity=post.get("quantity", ""),
        reason=post.get("reason", ""), destination=post.get("to_store") or None,
        unexplained=post.get("unexplained") == "1"), idempotency_key=post.get("key") or None),
        _("Entry recorded"), f"{reverse('supplies')}?store={store_id}")


@login_required
@require_POST
def add_store(request):
    post = request.POST
    return submit(request, lambda: services.add_store(
        request.user, code=post.get("store_code", ""), name=post.get("store_name", ""), kind=post.get("kind", ""),
        jurisdiction_code=post.get("jurisdiction", "")), _("Store added"), "supplies")


@login_required
@register_page(services.REQUESTS_EXPORT)
def requests(request):
    status = request.GET.get("status") or RequestStatus.SUBMITTED
    rows = services.requests_for(request.user)
    rows = rows if status == "all" else rows.filter(status=status)
    _stores, store_choices, item_choices = _choices(request.user)
    return _page(request, "supplies/requests.html", {
        "rows": rows.prefetch_related("posts")[:300], "status": status, "statuses": RequestStatus.choices,
        "store_choices": store_choices, "item_choices": item_choices, "key": form_key(),
        "post_choices": [(p.code, _("%(post)s · tier %(tier)s") % {"post": p.shown_name, "tier": p.tier})
                         for p in services.posts()]})


@login_required
@require_POST
def add_request(request):
    post = request.POST
    return submit(request, lambda: services.submit_request(request.user, post.get("store") or 0, services.RequestInput(
        item=post.get("item", ""), need=post.get("need", ""), minimum=post.get("minimum", ""),
        need_by=post.get("need_by", ""), posts=tuple(post.getlist("posts")), note=post.get("note", "")),
        idempotency_key=post.get("key") or None), _("Request submitted"), "supplies-requests")


@login_required
@require_POST
def decide_request(request, supply_request_id):
    return submit(request, lambda: services.decide_request(request.user, supply_request_id,
                                                           request.POST.get("action", ""),
                                                           note=request.POST.get("note", "")),
                  _("Decision recorded"), "supplies-requests")


@login_required
@register_page(services.ALLOCATIONS_EXPORT)
def allocate(request):
    """Choose a store and an item: the rule's allocation of its stock over the approved requests, each line saying
    why, before anything is written; then allocate."""
    stores, store_choices, item_choices = _choices(request.user)
    submitted = submitted_for(request, reverse("supplies-allocation-make"))
    values = submitted.values if submitted else request.GET
    source_id, item_code = values.get("from_store"), values.get("item")
    preview = problem = None
    if source_id and item_code:
        try:
            source, item, pending, result = services.preview(request.user, source_id, item_code)
            preview = {"source": source, "item": item, "result": result,
                       "rows": [(r, s, services.explain(s)) for r, s in zip(pending, result.shares, strict=True)]}
        except InputRefused as refused:
            problem = "; ".join(p.text for p in refused.problems)
    return _page(request, "supplies/allocate.html", {
        "store_choices": store_choices, "item_choices": item_choices, "preview": preview, "problem": problem,
        "from_store": source_id or "", "item": item_code or "",
        "runs": services.allocations_for(request.user)[:20]})


@login_required
@require_POST
def make_allocation(request):
    post = request.POST
    return submit(request, lambda: services.allocate_item(request.user, post.get("from_store") or 0,
                                                          post.get("item", "")),
                  _("Allocated by the rule"), "supplies-allocate",
                  done=lambda run: redirect("supplies-allocation", run.pk))


@login_required
def allocation(request, allocation_id):
    run = services.get_allocation(request.user, allocation_id)
    return _page(request, "supplies/allocation.html", {
        "run": run, "lines": [(line, services.explain_line(run, line)) for line in run.lines.all()]})


@login_required
@require_POST
def dispatch_allocation(request, allocation_id):
    return submit(request, lambda: services.dispatch_allocation(request.user, allocation_id),
                  _("Shipments dispatched"), "supplies-shipments")


@login_required
@register_page(services.SHIPMENTS_EXPORT)
def shipments(request):
    status = request.GET.get("status") or ShipmentStatus.DISPATCHED
    rows = services.shipments_for(request.user)
    rows = rows if status == "all" else rows.filter(status=status)
    _stores, store_choices, item_choices = _choices(request.user)
    return _page(request, "supplies/shipments.html", {
        "rows": rows[:300], "status": status, "store_choices": store_choices, "item_choices": item_choices,
        "key": form_key()})


@login_required
@require_POST
def dispatch(request):
    post = request.POST
    return submit(request, lambda: services.dispatch(
        request.user, source_id=post.get("from_store") or 0, destination_id=post.get("to_store"),
        item=post.get("item", ""), quantity=post.get("quantity", ""), note=post.get("note", ""),
        idempotency_key=post.get("key") or None), _("Shipment dispatched"), "supplies-shipments")


@login_required
@require_POST
def receive(request, shipment_id):
    return submit(request, lambda: services.receive_shipment(request.user, shipment_id,
                                                             request.POST.get("received", ""),
                                                             note=request.POST.get("note", "")),
                  _("Shipment received"), "supplies-shipments")


@login_required
@register_page(services.ORDERS_EXPORT)
def orders(request):
    _stores, store_choices, item_choices = _choices(request.user)
    rows = services.orders_for(request.user)
    return _page(request, "supplies/orders.html", {
        "expected": rows.filter(status=OrderStatus.ORDERED)[:300],
        "done": rows.exclude(status=OrderStatus.ORDERED).order_by("-delivered_at")[:50],
        "store_choices": store_choices, "item_choices": item_choices, "key": form_key()})


@login_required
@require_POST
def add_order(request):
    post = request.POST
    return submit(request, lambda: services.place_order(
        request.user, store_id=post.get("store") or 0, item=post.get("item", ""), quantity=post.get("quantity", ""),
        supplier=post.get("supplier", ""), expected_on=post.get("expected_on", ""),
        idempotency_key=post.get("key") or None), _("Order placed"), "supplies-orders")


@login_required
@require_POST
def deliver(request, procurement_id):
    return submit(request, lambda: services.deliver_order(request.user, procurement_id,
                                                          request.POST.get("received", "")),
                  _("Delivery received"), "supplies-orders")
