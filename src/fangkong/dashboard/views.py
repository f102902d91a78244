import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.cases import disease as diseases
from fangkong.errors import Problems
from fangkong.inspections import services as inspections
from fangkong.jurisdictions import services as jurisdictions
from fangkong.tasks import services as tasks
from fangkong.testing import services as testing
from fangkong.warning import services as warning
from fangkong.web.forms import Submitted

from . import services


@login_required
def dashboard(request, code=None):
    node = access.get_jurisdiction_for(request.user, code) if code else access.root_for(request.user)
    result = services.summary(node)
    curve = services.epidemic_curve(node)
    judgement = services.judgement(curve, diseases.current())
    tiles = services.tiles(request.user, result, curve)
    shown = [t.name for t in tiles if t.allowed]  # the map and the table offer only what the role may see
    figure = request.GET.get("figure") if request.GET.get("figure") in shown else (
        "fever_alerts" if "fever_alerts" in shown else shown[0])
    children = [c for c, _f in result.children]
    values = {c.code: f[figure] for c, f in result.children}
    context = {
        "node": node, "summary": result, "figure": figure, "tiles": tiles,
        "figure_choices": [(name, services.FIGURE_LABELS[name]) for name in shown],
        "rows": [(c, [f[name] for name in shown]) for c, f in result.children],
        "direct": [result.direct[name] for name in shown] if any(result.direct[n] for n in shown) else None,
        "columns": [services.FIGURE_LABELS[name] for name in shown],
        "withheld": len(tiles) > len(shown),
        "map_json": json.dumps(jurisdictions.boundary_feature_collection(children, values)),
        "curve_json": json.dumps(curve),
        "judgement": judgement, "rt_json": json.dumps(judgement), "warning": warning.situation(node),
        "breadcrumbs": [a for a in jurisdictions.ancestors(node)
                        if a.path.startswith(access.root_for(request.user).path)] + [node],
        "screen": request.GET.get("screen") == "1",
        "link": reverse("dashboard", args=["__code__"]),
        "progress": testing.round_progress_for(request.user),
        "tests_overdue": testing.overdue_for(request.user).filter(owner_path__startswith=node.path).count(),
        "rectifications": inspections.overdue_rising(node), "overdue_tasks": tasks.overdue_tasks(node),
    }
    return render(request, "dashboard/dashboard.html", context)


FORECAST_FIELDS = {"days": int, "doubling_time": float, "relative_contact_rate": float,
                   "hospitalization_rate": float, "length_of_stay": int, "infectious_days": float, "beds": int}


@login_required
def forecast(request):
    node = access.root_for(request.user)
    values, problems = {}, Problems()
    for name, kind in FORECAST_FIELDS.items():
        raw = request.GET.get(name, "").strip()
        if raw:
            try:
                values[name] = kind(raw)
            except ValueError:
                problems.add(name, _("“%(v)s” is not a number") % {"v": raw})
    given = services.ForecastInput(**values)
    result = None
    if not problems:
        with problems.gathered():
            result = services.forecast(node, given)
    if problems:  # the form shows each problem at its field, with what was typed
        request.submitted = Submitted(request.path, request.GET, list(problems), "forecast")
    return render(request, "dashboard/forecast.html", {
        "node": node, "given": given, "result": result,
        "forecast_json": json.dumps(result) if result else ""})
