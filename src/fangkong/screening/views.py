import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.permissions import may
from fangkong.audit import services as audit
from fangkong.errors import Problems
from fangkong.pathways import arrivals as arrival_journey
from fangkong.people.services import PersonInput
from fangkong.web.exports import csv_response, xlsx_response
from fangkong.web.forms import form_key, grid_choices, submit
from fangkong.web.registers import register_page

from . import services
from .models import ArrivalCategory, AssistStatus, RiskLevel, TravelMode


def risk_areas(request):
    """Public and read-only: anyone may see which areas are at risk today (or on a past day)."""
    try:
        day = dt.date.fromisoformat(request.GET["day"]) if request.GET.get("day") else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return render(request, "screening/risk_areas.html", {
        "day": day, "day_iso": day.isoformat(), "areas": services.in_force(day), "levels": RiskLevel.choices,
        "may_declare": may(request.user, "riskarea.declare")})


def _date(raw: str, field: str, problems: Problems) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.add(field, _("give the date as YYYY-MM-DD"))
        return None


@login_required
@require_POST
def declare(request):
    def action():
        problems = Problems()
        start = _date(request.POST.get("valid_from", ""), "valid_from", problems) or timezone.localdate()
        end = _date(request.POST.get("valid_to", ""), "valid_to", problems)
        with problems.gathered():
            services.declare(request.user, code=request.POST.get("code", ""), level=request.POST.get("level", ""),
                             valid_from=start, valid_to=end, name=request.POST.get("name", ""),
                             note=request.POST.get("note", ""))
        problems.refuse_if_any()

    return submit(request, action, _("Risk area saved"), "risk-areas")


@login_required
@register_page(services.ARRIVALS_EXPORT)
def arrivals(request):
    arrivals = services.arrivals_for(request.user)
    if request.GET.get("overdue") == "1":
        arrivals = services.overdue_follow_ups(request.user)
    page = Paginator(arrivals, 30).get_page(request.GET.get("page"))
    audit.seen(request.user, page.object_list, surface="arrivals")
    return render(request, "screening/arrivals.html", {
        "page": page, "key": form_key(), "modes": TravelMode.choices, "categories": ArrivalCategory.choices,
        "grid_choices": grid_choices(request.user),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "overdue": services.overdue_follow_ups(request.user).count()})


@login_required
@require_POST
def register_arrival(request):
    def action():
        arrived = parse_datetime(request.POST.get("arrived_at", "") or "")
        if arrived is not None and timezone.is_naive(arrived):  # a missing time is refused with the other problems
            arrived = timezone.make_aware(arrived)
        person = PersonInput(id_number=request.POST.get("id_number", ""), name=request.POST.get("name", ""),
                             phone=request.POST.get("phone", ""), grid_code=request.POST.get("grid_code", ""))
        arrival_journey.register_arrival(request.user, services.ArrivalInput(
            person=person, origin_code=request.POST.get("origin_code", ""), arrived_at=arrived,
            mode=request.POST.get("mode", ""), vehicle=request.POST.get("vehicle", ""),
            category=request.POST.get("category", ""), origin_name=request.POST.get("origin_name", "")),
            idempotency_key=request.POST.get("key") or None)

    return submit(request, action, _("Arrival registered"), "arrivals")


@login_required
@require_POST
def follow_up_done(request, arrival_id):
    return submit(request, lambda: services.complete_follow_up(request.user, arrival_id), _("Follow-up done"),
                  "arrivals")


@login_required
@register_page(services.ASSIST_EXPORT)
def assist_requests(request):
    rows = services.assist_requests_for(request.user)
    if request.GET.get("status", "open") == "open":
        rows = rows.filter(status=AssistStatus.OPEN)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    audit.seen(request.user, page.object_list, surface="assist-requests")
    regions = services.assist_requests_for(request.user).values_list("region", flat=True).distinct()
    return render(request, "screening/assist_requests.html", {
        "page": page, "answers": [c for c in AssistStatus.choices if c[0] != AssistStatus.OPEN],
        "overdue": services.overdue_assist_requests(request.user).count(), "regions": sorted(set(regions)),
        "now": timezone.now()})


@login_required
@require_POST
def answer_assist_request(request, request_id):
    return submit(request, lambda: services.answer_assist_request(
        request.user, request_id, request.POST.get("status", ""), note=request.POST.get("note", "")),
        _("Answer saved"), "assist-requests")


@login_required
def export_assist_answers(request, fmt):
    region = request.GET.get("region", "")
    rows = services.answer_rows(request.user, region)
    name = f"assist-answers-{timezone.localdate().isoformat()}"
    if fmt == "xlsx":
        return xlsx_response(name, services.ANSWER_COLUMNS, rows, sheet="协查反馈")
    return csv_response(name, services.ANSWER_COLUMNS, rows)
