from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.audit import services as audit
from fangkong.web.forms import form_key, submit
from fangkong.web.registers import register_page

from . import services
from .models import OPEN_STATUSES, Kind, OrderStatus, ReadingSlot, Reason


@login_required
@register_page(services.ORDERS_EXPORT)
def observation(request):
    orders = services.orders_for(request.user).filter(status=OrderStatus.ACTIVE).order_by("person__grid__path", "id")
    page = Paginator(orders, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    slots = {}
    for slot in ReadingSlot.objects.filter(order__in=list(page.object_list), day=today).order_by("index"):
        slots.setdefault(slot.order_id, []).append(slot)
    rows = [(order, slots.get(order.pk, [])) for order in audit.seen(request.user, page.object_list,
                                                                     surface="observation")]
    return render(request, "quarantine/observation.html", {"page": page, "rows": rows, "key": form_key()})


@login_required
@require_POST
def add_reading(request, person_id):
    taken_at = parse_datetime(request.POST.get("taken_at") or "") if request.POST.get("taken_at") else None
    if taken_at and timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at)
    return submit(request, lambda: services.record_reading(
        request.user, person_id, temperature=request.POST.get("temperature", ""), taken_at=taken_at,
        symptoms=request.POST.get("symptoms", ""), idempotency_key=request.POST.get("key") or None),
        _("Reading recorded"), "observation")


@login_required
@require_POST
def place_order(request, person_id):
    return submit(request, lambda: services.place_order(
        request.user, person_id, kind=request.POST.get("kind", Kind.HOME),
        reason=request.POST.get("reason", Reason.CLOSE_CONTACT), room_id=request.POST.get("room") or None),
        _("Placed under observation"), "person", person_id)


@login_required
@require_POST
def end_order(request, order_id):
    return submit(request, lambda: services.end_order(request.user, order_id, status=request.POST.get("status", ""),
                                                     note=request.POST.get("note", "")),
                  _("Order ended"), "observation")


@login_required
@register_page(services.ALERTS_EXPORT)
def alerts(request):
    status = request.GET.get("status", "open")
    alerts = services.alerts_for(request.user).select_related("reading", "slot")
    alerts = alerts.filter(status__in=OPEN_STATUSES) if status == "open" else alerts.filter(status=status)
    page = Paginator(alerts.order_by("-raised_at", "-id"), 30).get_page(request.GET.get("page"))
    audit.seen(request.user, page.object_list, surface="alerts")
    return render(request, "quarantine/alerts.html", {"page": page, "status": status})


@login_required
@require_POST
def alert_step(request, alert_id, step):
    return submit(request, lambda: services.handle_alert(request.user, alert_id, step, request.POST.get("note", "")),
                  _("Alert updated"), "alerts")
