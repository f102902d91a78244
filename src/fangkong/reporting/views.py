import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import access
from fangkong.accounts.permissions import may
from fangkong.web import forms

from . import services


def _day(raw: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def reports(request, code=None):
    node = access.get_jurisdiction_for(request.user, code) if code else access.root_for(request.user)
    day = _day(request.GET.get("day"))
    return render(request, "reporting/reports.html", {
        "node": node, "day": day, "day_iso": day.isoformat(), "status": services.completeness(node, day),
        "figures": services.figures_for(node, day), "versions": services.versions(node, day), "key": forms.form_key(),
        "names": services.FIGURE_LABELS, "may_submit": may(request.user, "report.submit")})


@login_required
@require_POST
def submit(request, code):
    day = _day(request.POST.get("day"))
    return forms.submit(request, lambda: services.submit(request.user, code, day, note=request.POST.get("note", ""),
                                                         idempotency_key=request.POST.get("key") or None),
                        _("Report submitted"), f"{reverse('reports-of', args=[code])}?day={day.isoformat()}",
                        done=lambda _report: redirect(f"{reverse('reports-of', args=[code])}?day={day.isoformat()}"))
