from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import access
from fangkong.accounts.permissions import may
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.web.forms import submit
from fangkong.web.registers import register_page

from . import services
from .models import BatchStatus, Result, SampleKind


def _day(text):
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def _id(text) -> int:
    """A chosen record's id; anything else finds nothing (the same 404 as a record out of reach)."""
    return int(text) if (text or "").isdigit() and len(text) < 12 else 0


def _site_choices(user, but: int | None = None) -> list[tuple[int, str]]:
    return [(s.pk, f"{s.name} · {s.get_kind_display()}") for s in services.sites_for(user).exclude(pk=but)[:500]]


@login_required
def goods(request):
    """The place's goods: batches by status for it and each child, the batches themselves, and the receiving form."""
    node = access.root_for(request.user)
    status = request.GET.get("status") or ""
    rows = services.batches_for(request.user)
    total, children = services.summary(request.user, node.code)
    return render(request, "goods/goods.html", {
        "node": node, "total": total, "children": children, "statuses": BatchStatus.choices, "status": status,
        "rows": (rows.filter(status=status) if status else rows)[:200], "site_choices": _site_choices(request.user),
        "may_record": may(request.user, "goods.record"), "today": timezone.localdate().isoformat()})


@login_required
@require_POST
def receive(request):
    post = request.POST
    return submit(request, lambda: services.receive_batch(request.user, _id(post.get("site_id")), services.BatchInput(
        number=post.get("number", ""), goods=post.get("goods", ""), origin_country=post.get("origin_country", ""),
        port_of_entry=post.get("port_of_entry", ""), importer=post.get("importer", ""),
        quantity=post.get("quantity", ""), unit=post.get("unit", ""), received_on=_day(post.get("received_on")))),
        _("Batch received: held until tested and disinfected"), "goods")


@login_required
def batch(request, batch_id):
    record = get_visible(services.batches_for(request.user), batch_id)
    return render(request, "goods/batch.html", {
        "batch": record, "trace": services.trace(request.user, batch_id), "samples": record.samples.all(),
        "disinfections": record.disinfections.all(), "kinds": SampleKind.choices,
        "results": [(Result.NEGATIVE, Result.NEGATIVE.label), (Result.POSITIVE, Result.POSITIVE.label)],
        "site_choices": _site_choices(request.user, but=record.site_id),
        "today": timezone.localdate().isoformat(), "may_record": may(request.user, "goods.record"),
        "may_sample": may(request.user, "goods.sample"), "may_dispose": may(request.user, "goods.dispose")})


def _on_batch(request, batch_id, action, message):
    return submit(request, action, message, "goods-batch", batch_id)


@login_required
@require_POST
def sample(request, batch_id):
    return _on_batch(request, batch_id, lambda: services.take_sample(
        request.user, batch_id, kind=request.POST.get("kind", ""), taken_on=_day(request.POST.get("taken_on"))),
        _("Sample recorded"))


@login_required
@require_POST
def result(request, sample_id):
    found = get_visible(services.samples_for(request.user), sample_id)
    return _on_batch(request, found.batch_id, lambda: services.record_result(
        request.user, sample_id, result=request.POST.get("result", ""), result_on=_day(request.POST.get("result_on"))),
        _("Result recorded"))


@login_required
@require_POST
def disinfect(request, batch_id):
    post = request.POST
    return _on_batch(request, batch_id, lambda: services.disinfect(
        request.user, batch_id, done_on=_day(post.get("done_on")), agent=post.get("agent", ""),
        certificate=post.get("certificate", "")), _("Disinfection recorded"))


@login_required
@require_POST
def release(request, batch_id):
    return _on_batch(request, batch_id, lambda: services.release(request.user, batch_id), _("Batch released"))


@login_required
@require_POST
def dispose(request, batch_id):
    return _on_batch(request, batch_id, lambda: services.dispose(
        request.user, batch_id, step=request.POST.get("step", ""), record=request.POST.get("disposal_record", "")),
        _("Disposal recorded"))


@login_required
@require_POST
def move(request, batch_id):
    post = request.POST
    return _on_batch(request, batch_id, lambda: services.send_on(
        request.user, batch_id, to_site_id=_id(post.get("to_site")), quantity=post.get("quantity", ""),
        moved_on=_day(post.get("moved_on"))), _("Move recorded"))


@login_required
@register_page(services.WORKERS_EXPORT)
def workers(request):
    """The health register of high-risk posts, overdue tests first."""
    rows = list(services.workers_for(request.user).order_by("last_tested_on", "id")[:300])
    audit.seen(request.user, rows, surface="goods-workers")
    overdue = set(services.overdue_workers(request.user).values_list("pk", flat=True))
    return render(request, "goods/workers.html", {
        "rows": [(w, w.pk in overdue) for w in rows], "overdue": len(overdue),
        "results": [(Result.NEGATIVE, Result.NEGATIVE.label), (Result.POSITIVE, Result.POSITIVE.label)],
        "today": timezone.localdate().isoformat(), "may_test": may(request.user, "goods.worker")})


@login_required
@require_POST
def worker_test(request, worker_id):
    post = request.POST
    return submit(request, lambda: services.record_worker_test(
        request.user, worker_id, tested_on=_day(post.get("tested_on")), result=post.get("result", ""),
        travel_14d=post.get("travel_14d")), _("Test recorded"), "goods-workers")
