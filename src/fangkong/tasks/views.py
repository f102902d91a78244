import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import access
from fangkong.accounts.permissions import may
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.errors import InputRefused
from fangkong.net import client_ip
from fangkong.pathways.todo import todo as todo_items
from fangkong.web.forms import Submitted, form_key, submit
from fangkong.web.registers import register_page

from . import services
from .models import ReportKind, ReportStatus, Responsibility, TaskStatus

FINDING_ROWS = 3  # findings a supervision form offers; the API takes any number


def moment(raw: str, field: str) -> dt.datetime | None:
    """A date-time field as a browser sends it (2026-12-05T18:00), or a date (the end of that day)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw) if "T" in raw or " " in raw else dt.datetime.combine(
            dt.date.fromisoformat(raw), dt.time(23, 59))
    except ValueError:
        raise InputRefused((field, _("“%(v)s” is not a date and time such as 2026-12-05 18:00") % {"v": raw})) \
            from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def day(raw: str, field: str) -> dt.date | None:
    value = moment(raw, field)
    return timezone.localtime(value).date() if value else None


def unit_choices(user) -> list[tuple[str, str]]:
    return [(j.code, f"{j.name} ({j.code})") for j in access.jurisdictions_for(user).order_by("path")[:500]]


@login_required
def todo(request):
    """One to-do: every task, fast action, rectification and referral the user's unit (or the user) has to act on."""
    items = todo_items(request.user)
    return render(request, "tasks/todo.html", {"items": items, "overdue": sum(1 for i in items if i.overdue)})


@login_required
@register_page(services.TASKS_EXPORT)
def task_list(request):
    status = request.GET.get("status") if request.GET.get("status") in TaskStatus.values else ""
    rows = services.tasks_for(request.user)
    return render(request, "tasks/tasks.html", {
        "rows": (rows.filter(status=status) if status else rows.exclude(status=TaskStatus.VERIFIED))[:300],
        "status": status, "statuses": TaskStatus.choices, "responsibilities": Responsibility.choices,
        "units": unit_choices(request.user), "key": form_key(), "may_assign": may(request.user, "task.assign"),
        "now": timezone.now()})


@login_required
@require_POST
def assign(request):
    post = request.POST
    return submit(request, lambda: services.assign_task(request.user, services.TaskInput(
        title=post.get("title", ""), responsibility=post.get("responsibility", ""),
        owner_code=post.get("owner_code", ""), deadline=moment(post.get("deadline", ""), "deadline"),
        detail=post.get("detail", ""), owner_username=post.get("owner_username", "")),
        idempotency_key=post.get("key") or None), _("Task assigned"), "tasks")


@login_required
def task(request, todo_id):
    item = get_visible(services.tasks_for(request.user), todo_id)
    steps = [(name, label) for name, label in STEP_LABELS.items()
             if item.status in services.TRANSITIONS[name][0] and may(request.user, services.TRANSITIONS[name][2])]
    return render(request, "tasks/task.html", {"task": item, "steps": steps, "now": timezone.now()})


STEP_LABELS = {"start": _("Start"), "done": _("Done"), "verify": _("Verified"), "reject": _("Send back")}


@login_required
@require_POST
def step(request, todo_id):
    return submit(request, lambda: services.step_task(request.user, todo_id, request.POST.get("action", ""),
                                                      note=request.POST.get("note", "")),
                  _("Task updated"), reverse("task", args=[todo_id]))


@login_required
def supervisions(request):
    return render(request, "tasks/supervisions.html", {
        "visits": services.supervisions_for(request.user)[:100], "units": unit_choices(request.user),
        "responsibilities": Responsibility.choices, "rows": range(1, FINDING_ROWS + 1),
        "may_record": may(request.user, "supervision.record")})


@login_required
@require_POST
def record_supervision(request):
    post = request.POST

    def record():
        findings = tuple(services.TaskInput(
            title=post.get(f"finding_{i}_title", ""), responsibility=post.get(f"finding_{i}_responsibility", ""),
            owner_code=post.get(f"finding_{i}_owner_code", ""),
            deadline=moment(post.get(f"finding_{i}_deadline", ""), f"finding_{i}_deadline"))
            for i in range(1, FINDING_ROWS + 1) if post.get(f"finding_{i}_title", "").strip())
        return services.record_supervision(request.user, services.SupervisionInput(
            jurisdiction_code=post.get("jurisdiction", ""), visited_on=day(post.get("visited_on", ""), "visited_on"),
            team=post.get("team", ""), summary=post.get("summary", ""), findings=findings))
    return submit(request, record, _("Supervision visit recorded"), "supervisions")


def public_report_form(request):
    """举报: anyone may report, with no account; a network sending too many is made to wait."""
    if request.method == "POST":
        post = request.POST
        try:
            report = services.submit_public_report(services.PublicReportInput(
                kind=post.get("kind", ""), jurisdiction_code=post.get("jurisdiction", ""),
                place=post.get("place", ""), content=post.get("content", ""),
                reporter_name=post.get("reporter_name", ""), reporter_phone=post.get("reporter_phone", "")),
                ip=client_ip(request))
        except InputRefused as refused:
            request.submitted = Submitted(request.path, post, refused.problems, "public-report-form")
            return render(request, "tasks/report_form.html", _form_context(), status=refused.status
                          if refused.status == 429 else 200)
        return render(request, "tasks/report_thanks.html", {"report": report})
    return render(request, "tasks/report_form.html", _form_context())


def _form_context() -> dict:
    return {"kinds": ReportKind.choices, "places": [(j.code, j.name) for j in services.public_report_places()]}


def published_reports(request):
    return render(request, "tasks/published_reports.html", {"reports": services.published_reports()[:100]})


@login_required
@register_page(services.PUBLIC_REPORTS_EXPORT)
def public_reports(request):
    status = request.GET.get("status") if request.GET.get("status") in ReportStatus.values else ""
    rows = services.public_reports_for(request.user)
    return render(request, "tasks/public_reports.html", {
        "rows": (rows.filter(status=status) if status else rows)[:300], "status": status,
        "statuses": ReportStatus.choices})


@login_required
def public_report(request, public_report_id):
    report = get_visible(services.public_reports_for(request.user), public_report_id)
    audit.seen(request.user, [report], surface="public-report")
    return render(request, "tasks/public_report.html", {
        "report": report, "contact": services.reporter_contact(request.user, report),
        "units": unit_choices(request.user), "may_handle": may(request.user, "public_report.handle"),
        "may_reply": may(request.user, "public_report.reply") and report.status == ReportStatus.REFERRED,
        "actions": [(a, HANDLE_LABELS[a]) for a in ("refer", "dismiss", "close")
                    if report.status in services.REPORT_TRANSITIONS[a][0]]
        + ([("publish", HANDLE_LABELS["publish"])] if report.status == ReportStatus.CLOSED and not report.published
           else [])})


HANDLE_LABELS = {"refer": _("Refer to the responsible unit"), "dismiss": _("Dismiss"), "close": _("Close"),
                 "publish": _("Publish as a typical case")}


@login_required
@require_POST
def handle_report(request, public_report_id):
    post, action = request.POST, request.POST.get("action", "")

    def handle():
        return services.handle_report(request.user, public_report_id, action, unit_code=post.get("unit", ""),
                                      reply_by=day(post.get("reply_by", ""), "reply_by"),
                                      note=post.get("triage_note", ""), summary=post.get("published_summary", ""))
    return submit(request, handle, _("Report updated"), reverse("public-report", args=[public_report_id]))


@login_required
@require_POST
def reply_report(request, public_report_id):
    return submit(request, lambda: services.reply_report(request.user, public_report_id,
                                                         reply=request.POST.get("reply", "")),
                  _("Reply recorded"), reverse("public-report", args=[public_report_id]))
