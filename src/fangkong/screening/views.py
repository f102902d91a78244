import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.models import Role
from fangkong.errors import InputRefused
from fangkong.web.forms import run

from . import services
from .models import RiskLevel


def risk_areas(request):
    """Public and read-only: anyone may see which areas are at risk today (or on a past day)."""
    try:
        day = dt.date.fromisoformat(request.GET["day"]) if request.GET.get("day") else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    user = request.user
    return render(request, "screening/risk_areas.html", {
        "day": day, "areas": services.in_force(day), "levels": RiskLevel.choices,
        "may_declare": user.is_authenticated and (user.is_superuser or user.role == Role.COMMAND)})


def _date(raw: str, field: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputRefused((field, _("give the date as YYYY-MM-DD"))) from None


@login_required
@require_POST
def declare(request):
    def action():
        start = _date(request.POST.get("valid_from", ""), "valid_from") or timezone.localdate()
        services.declare(request.user, code=request.POST.get("code", ""), level=request.POST.get("level", ""),
                         valid_from=start, valid_to=_date(request.POST.get("valid_to", ""), "valid_to"),
                         name=request.POST.get("name", ""), note=request.POST.get("note", ""))

    run(request, action, _("Risk area saved"))
    return redirect("risk-areas")
