from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.permissions import may
from fangkong.audit import services as audit
from fangkong.errors import InputRefused
from fangkong.pathways import care
from fangkong.web.forms import form_key, posted_moment, safe_next, submit
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
    return render(request, "quarantine/observation.html", {"page": page, "rows": rows, "key": form_key(),
                                                           "may_record": may(request.user, "reading.record")})


@login_required
@require_POST
def add_reading(request, person_id):
    def done(result):
        _reading, _created, fever = result
        if fever:  # in red, at once: what the fever set in motion and who must act
            messages.warning(request, fever.message)
        else:
            messages.success(request, _("Reading recorded"))
        return redirect(safe_next(request, "observation"))

    return submit(request, lambda: care.record_reading(
        request.user, person_id, temperature=request.POST.get("temperature", ""),
        taken_at=posted_moment(request, "taken_at"), symptoms=request.POST.get("symptoms", ""),
        idempotency_key=request.POST.get("key") or None), "", "observation", done=done)


@login_required
def order_detail(request, order_id):
    """One order: who, where, until when, its windows and readings, its alerts; ending, extending and transferring."""
    order = services.get_order_for(request.user, order_id)
    audit.seen(request.user, [order], surface="order")
    active = order.status == OrderStatus.ACTIVE
    may_change = active and may(request.user, "order.change")
    return render(request, "quarantine/order.html", {
        "order": order, "active": active, "may_change": may_change,
        "may_record": active and may(request.user, "reading.record"), "key": form_key(),
        "may_transfer": may_change and may(request.user, "case.move") and order.person.cases.filter(
            closed_at=None).exists(),
        "endings": [(s.value, s.label) for s in (OrderStatus.RELEASED, OrderStatus.RELEASED_EARLY)],
        "slots": order.slots.select_related("reading").order_by("-opens_at")[:28],
        "readings": order.readings.order_by("-taken_at")[:50], "alerts": order.alerts.order_by("-raised_at")[:20],
    })


@login_required
@require_POST
def extend_order(request, order_id):
    return submit(request, lambda: services.extend_order(request.user, order_id, _days(request)),
                  _("Order extended"), "order", order_id)


def _days(request) -> int:
    raw = (request.POST.get("days") or "").strip()
    if not raw.isdigit():
        raise InputRefused(("days", _("give a whole number of days")))
    return int(raw)


@login_required
@require_POST
def transfer_order(request, order_id):
    return submit(request, lambda: care.transfer_from_order(request.user, order_id,
                                                            hospital=request.POST.get("hospital", "")),
                  _("Transferred: the order ended and the reading windows stopped"), "order", order_id)


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
                  _("Order ended"), "order", order_id)


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
