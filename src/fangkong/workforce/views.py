import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.permissions import may
from fangkong.web.forms import submit

from . import services
from .models import PostKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def workforce(request):
    """Echelons ready to call up, the posts and their rosters, and the signed-in person's own roster."""
    readiness = services.readiness(request.user)
    return render(request, "workforce/workforce.html", {
        "readiness": [(PostKind(kind).label, levels) for kind, levels in readiness.items()],
        "rosters": services.rosters_for(request.user)[:50], "own": services.own_roster(request.user),
        "may_plan": may(request.user, "roster.plan"),
        "post_choices": [(p.pk, p.name) for p in services.posts_for(request.user)[:500]]})


@login_required
@require_POST
def create_roster(request):
    post = request.POST
    days = post.get("days", "")
    return submit(request, lambda: services.create_roster(
        request.user, int(post["post_id"]) if post.get("post_id", "").isdigit() else 0,
        starts_on=_day(post.get("starts_on", "")), days=int(days) if days.isdigit() else 0),
        _("Roster opened"), "workforce", done=lambda roster: redirect("roster", roster.pk))


def _grid_page(request, roster, days, rows, own: bool):
    shifts = list(roster.post.shift_types.all())
    tone = {s.pk: i % len(services.SHIFT_COLOURS) for i, s in enumerate(shifts)}
    table = [(row, [(day, shift, tone.get(shift.pk) if shift else None,
                     services.RULE_NAMES.get(row.off_days.get(i)))
                    for i, (day, shift) in enumerate(zip(days, row.cells))]) for row in rows]
    return render(request, "workforce/roster.html", {
        "roster": roster, "days": days, "table": table, "own": own, "rows": rows,
        "shifts": [(s, tone[s.pk]) for s in shifts], "coverage": services.coverage(roster, rows, days),
        "may_plan": not own and may(request.user, "roster.plan"), "explanation": roster.explanation,
        "staff_choices": [(r.staff.pk, r.staff.name) for r in rows],
        "shift_choices": [(s.code, f"{s.code} {s.name}") for s in shifts],
        "solving": roster.status in ("queued", "solving")})


@login_required
def roster(request, roster_id):
    return _grid_page(request, *services.grid(request.user, roster_id), own=False)


@login_required
def own_roster(request, roster_id):
    return _grid_page(request, *services.own_grid(request.user, roster_id), own=True)


@login_required
def roster_workbook(request, roster_id):
    name, content = services.workbook(request.user, roster_id)
    response = StreamingHttpResponse([content], content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _day(value: str):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
@require_POST
def set_shift(request, roster_id):
    post = request.POST
    return submit(request, lambda: services.set_shift(
        request.user, roster_id, int(post.get("staff_id") or 0) if (post.get("staff_id") or "").isdigit() else 0,
        day=_day(post.get("day", "")), shift_code=post.get("shift", "")),
        _("Roster changed"), "roster", roster_id)


@login_required
@require_POST
def solve(request, roster_id):
    return submit(request, lambda: services.queue_solve(request.user, roster_id),
                  _("Roster queued for the solver"), "roster", roster_id)
