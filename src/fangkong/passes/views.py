import io

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import may
from fangkong.accounts.scoping import get_visible
from fangkong.checkpoints.services import checkpoints_for
from fangkong.web.forms import form_key, submit

from . import services
from .models import HealthCode, VehicleUse


def _day(text: str):
    try:
        return parse_date(text or "")
    except ValueError:
        return None


@login_required
def passes(request):
    """The passes issued in the user's subtree, and the form that issues one."""
    rows = services.passes_for(request.user).order_by("-issued_at", "-id")
    query = (request.GET.get("q") or "").strip().upper()
    if query:
        rows = rows.filter(number__startswith=query) | rows.filter(plate__contains=query)
    return render(request, "passes/passes.html", {
        "rows": rows[:200], "q": query, "key": form_key(), "uses": VehicleUse.choices,
        "may_issue": may(request.user, "pass.issue"), "home": request.user.jurisdiction})


@login_required
@require_POST
def issue(request):
    post = request.POST
    return submit(request, lambda: services.issue_pass(request.user, services.PassInput(
        jurisdiction_code=post.get("jurisdiction_code") or (request.user.jurisdiction.code
                                                            if request.user.jurisdiction else ""),
        plate=post.get("plate", ""), use=post.get("use", ""), cargo=post.get("cargo", ""),
        carrier=post.get("carrier", ""), driver_name=post.get("driver_name", ""),
        route_from=post.get("route_from", ""), route_to=post.get("route_to", ""),
        route_via=tuple(post.get("route_via", "").replace("，", ",").split(",")),
        valid_from=_day(post.get("valid_from")), valid_to=_day(post.get("valid_to"))),
        idempotency_key=post.get("key") or None), _("Pass issued"), "passes",
        done=lambda issued: redirect("pass", issued.pk))


@login_required
def detail(request, pass_id):
    """The pass as printed: number, QR code, vehicle, route and validity."""
    issued = get_visible(services.passes_for(request.user), pass_id)
    return render(request, "passes/pass.html", {"p": issued, "may_revoke": may(request.user, "pass.revoke")})


@login_required
def qr(request, pass_id):
    issued = get_visible(services.passes_for(request.user), pass_id)
    out = io.BytesIO()
    segno.make(issued.number, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@login_required
@require_POST
def revoke(request, pass_id):
    return submit(request, lambda: services.revoke_pass(request.user, pass_id, reason=request.POST.get("reason", "")),
                  _("Pass revoked: every checkpoint refuses it from now"), "pass", pass_id)


def _checkpoint(request, checkpoint_id):
    posts = checkpoints_for(request.user)
    if request.user.role == Role.CHECKPOINT:
        posts = posts.filter(staff=request.user)
    return get_visible(posts, checkpoint_id)


@login_required
def check_page(request, checkpoint_id):
    """The checkpoint's pass check: scan the QR code or type the number; the verdict shows at once."""
    post = _checkpoint(request, checkpoint_id)
    shown = request.GET.get("check")
    check = get_visible(services.checks_for(request.user), int(shown)) if shown and shown.isdigit() else None
    return render(request, "passes/check.html", {
        "post": post, "check": check, "health_codes": HealthCode.choices,
        "recent": services.checks_for(request.user).filter(checkpoint=post)[:20]})


def _moment(text: str):
    """A datetime-local field's value, in the server's zone."""
    try:
        moment = parse_datetime(text or "")
    except ValueError:
        return None
    return timezone.make_aware(moment) if moment and timezone.is_naive(moment) else moment


@login_required
@require_POST
def check(request, checkpoint_id):
    post = request.POST
    return submit(request, lambda: services.check_pass(request.user, checkpoint_id, services.CheckInput(
        number=post.get("pass_number", ""), plate=post.get("plate", ""), health_code=post.get("health_code", ""),
        tested_at=_moment(post.get("tested_at")))), _("Pass checked"), "pass-check-page", checkpoint_id,
        done=lambda made: redirect(f"{reverse('pass-check-page', args=[checkpoint_id])}?check={made.pk}"))
