import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import access
from fangkong.accounts.permissions import may
from fangkong.accounts.scoping import get_visible
from fangkong.errors import InputRefused
from fangkong.web.forms import form_key, grid_choices, submit
from fangkong.web.registers import register_page

from . import services
from .models import Mode, RectificationStatus, SettingKind, Severity

VERDICTS = [("pass", _("Passed")), ("fail", _("Failed"))]


@login_required
@register_page(services.SETTINGS_EXPORT)
def overview(request):
    """The settings of the user's area, the figures by jurisdiction, and the rectifications still open."""
    node = access.root_for(request.user)
    total, children = services.figures(node)
    kind = request.GET.get("kind") if request.GET.get("kind") in SettingKind.values else ""
    rows = services.settings_for(request.user)
    rectifications = services.rectifications_for(request.user).exclude(status=RectificationStatus.CLOSED)
    return render(request, "inspections/overview.html", {
        "node": node, "total": total, "children": children, "kinds": SettingKind.choices, "kind": kind,
        "settings": (rows.filter(kind=kind) if kind else rows)[:300], "rectifications": rectifications[:200],
        "rising": services.overdue_rising(node), "grid_choices": grid_choices(request.user),
        "may_register": may(request.user, "setting.register"), "today": dt.date.today()})


@login_required
@require_POST
def add_setting(request):
    post = request.POST
    return submit(request, lambda: services.add_setting(request.user, services.SettingInput(
        name=post.get("name", ""), kind=post.get("kind", ""), grid_code=post.get("grid_code", ""),
        responsible_unit=post.get("responsible_unit", ""), contact_name=post.get("contact_name", ""),
        contact_phone=post.get("contact_phone", ""), address=post.get("address", ""))),
        _("Setting registered"), "inspections")


@login_required
def setting(request, setting_id):
    """A setting and its inspections; the inspector's phone checklist (every item, pass or fail, photos)."""
    place = get_visible(services.settings_for(request.user), setting_id)
    checklist = services.current_checklist(place.kind)
    items = [{"text": i.text, "field": f"item_{i.pk}", "severity": f"item_{i.pk}_severity",
              "description": f"item_{i.pk}_description", "photos": f"item_{i.pk}_photos"}
             for i in (checklist.items.all() if checklist else [])]
    return render(request, "inspections/setting.html", {
        "setting": place, "checklist": checklist, "items": items, "key": form_key(), "verdicts": VERDICTS,
        "modes": Mode.choices, "severities": Severity.choices,
        "inspections": services.inspections_for(request.user).filter(setting=place)[:50],
        "may_inspect": may(request.user, "inspection.conduct")})


def _answers(request) -> tuple:
    """The checklist's answers as the phone sent them: item_<id> pass/fail, and for a failed one its severity,
    description and photos. An item id the form did not show is sent on, so the service names it."""
    post, answers = request.POST, []
    for name, verdict in post.items():
        if not (name.startswith("item_") and name[5:].isdigit()):
            continue
        answers.append(services.AnswerInput(
            item_id=int(name[5:]), passed=verdict == "pass", severity=post.get(f"{name}_severity", ""),
            description=post.get(f"{name}_description", "") if verdict == "fail" else "",
            note=post.get(f"{name}_note", ""), photos=tuple(request.FILES.getlist(f"{name}_photos"))))
        if verdict not in ("pass", "fail"):
            raise InputRefused((name, _("answer passed or failed")))
    return tuple(answers)


def _day(raw: str, field: str):
    if not (raw or "").strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InputRefused((field, _("“%(v)s” is not a date such as 2026-12-01") % {"v": raw})) from None


@login_required
@require_POST
def inspect(request, setting_id):
    post = request.POST
    checklist = post.get("checklist", "")

    def record():
        return services.record_inspection(request.user, setting_id, services.InspectionInput(
            mode=post.get("mode", ""), answers=_answers(request),
            checklist_id=int(checklist) if checklist.isdigit() else None, owner_code=post.get("owner_code", ""),
            deadline=_day(post.get("deadline", ""), "deadline")), idempotency_key=post.get("key") or None)
    return submit(request, record, _("Inspection recorded"), reverse("setting", args=[setting_id]))


@login_required
def rectification(request, rectification_id):
    item = get_visible(services.rectifications_for(request.user), rectification_id)
    return render(request, "inspections/rectification.html", {
        "r": item, "finding": item.finding, "photos": item.finding.photos.all(),
        "may_report": may(request.user, "rectification.report") and item.status == RectificationStatus.OPEN,
        "may_verify": may(request.user, "rectification.verify") and item.status == RectificationStatus.REPORTED,
        "may_publish": may(request.user, "finding.publish"),
        "verdicts": [("close", _("Rectified: close")), ("reopen", _("Not rectified: reopen"))]})


@login_required
@require_POST
def report_rectified(request, rectification_id):
    return submit(request, lambda: services.report_rectified(
        request.user, rectification_id, report=request.POST.get("report", ""),
        photos=request.FILES.getlist("photos")), _("Reported done: awaiting re-inspection"),
        reverse("rectification", args=[rectification_id]))


@login_required
@require_POST
def verify(request, rectification_id):
    verdict = request.POST.get("verdict", "")

    def record():
        if verdict not in ("close", "reopen"):
            raise InputRefused(("verdict", _("close it or reopen it")))
        return services.verify_rectification(request.user, rectification_id, passed=verdict == "close",
                                             note=request.POST.get("verification", ""))
    return submit(request, record, _("Re-inspection recorded"), reverse("rectification", args=[rectification_id]))


@login_required
@require_POST
def publish(request, finding_id):
    return submit(request, lambda: services.set_publishable(request.user, finding_id,
                                                            request.POST.get("publishable") == "1"),
                  _("Saved"), "inspections")


@login_required
def photo(request, photo_id):
    """A photo of a finding, for whoever may see the finding; never a public static file."""
    shown = services.photo_for(request.user, photo_id)
    response = FileResponse(shown.image.open("rb"), content_type=shown.content_type)
    response["Content-Disposition"] = "inline"
    return response


@login_required
def checklists(request):
    return render(request, "inspections/checklists.html", {
        "checklists": services.current_checklists(), "kinds": SettingKind.choices,
        "may_edit": may(request.user, "checklist.edit")})


@login_required
@require_POST
def add_checklist(request):
    return submit(request, lambda: services.add_checklist_version(
        request.user, request.POST.get("kind", ""), request.POST.get("items", "").splitlines(),
        note=request.POST.get("note", "")), _("New checklist version saved"), "checklists")


def published(request):
    """The findings the command centre chose to publish: open to everyone, no account needed."""
    return render(request, "inspections/published.html", {"findings": services.published_findings()[:200]})
