import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.audit import services as audit
from fangkong.cases import disease as diseases
from fangkong.errors import Problems
from fangkong.goods import services as goods
from fangkong.inspections import services as inspections
from fangkong.jurisdictions import services as jurisdictions
from fangkong.quarantine.models import ReadingSlot
from fangkong.tasks import services as tasks
from fangkong.testing import campaigns
from fangkong.testing import services as testing
from fangkong.vaccination import services as vaccination
from fangkong.warning import services as warning
from fangkong.web.forms import Submitted

from . import screen, services


def _map(node, result, figure: str) -> dict:
    """The children coloured by `figure`: on their real boundaries, or as a treemap where they have none
    (townships, communities and grids of a deployment without their shapes are never drawn as invented areas)."""
    children = [c for c, _f in result.children]
    values = {c.code: f[figure] for c, f in result.children}
    geo = jurisdictions.boundary_feature_collection(children, values)
    if children and len(geo["features"]) == len(children):
        return {"map_json": json.dumps(geo), "treemap_json": ""}
    return {"map_json": "", "treemap_json": json.dumps(
        [{"name": c.code, "label": c.name, "value": values[c.code]} for c in children])}


def _figure(request, tiles) -> str:
    shown = [t.name for t in tiles if t.allowed]  # the map and the table offer only what the role may see
    wanted = request.GET.get("figure")
    return wanted if wanted in shown else ("fever_alerts" if "fever_alerts" in shown else shown[0])


@login_required
def dashboard(request, code=None):
    node = access.get_jurisdiction_for(request.user, code) if code else access.root_for(request.user)
    if request.GET.get("screen") == "1":
        return hall_screen(request, node)
    result = services.summary(node)
    curve = services.epidemic_curve(node)
    judgement = services.judgement(curve, diseases.current())
    tiles = services.tiles(request.user, result, curve)
    shown = [t.name for t in tiles if t.allowed]
    figure = _figure(request, tiles)
    context = {
        "node": node, "summary": result, "figure": figure, "tiles": tiles,
        "figure_choices": [(name, services.FIGURE_LABELS[name]) for name in shown],
        "rows": [(c, [f[name] for name in shown]) for c, f in result.children],
        "direct": [result.direct[name] for name in shown] if any(result.direct[n] for n in shown) else None,
        "columns": [services.FIGURE_LABELS[name] for name in shown],
        "withheld": len(tiles) > len(shown),
        **_map(node, result, figure),
        "curve_json": json.dumps(curve),
        "judgement": judgement, "rt_json": json.dumps(judgement), "warning": warning.situation(node),
        "breadcrumbs": _breadcrumbs(request.user, node),
        "link": reverse("dashboard", args=["__code__"]),
        "progress": campaigns.round_progress_for(request.user),
        "tests_overdue": testing.overdue_for(request.user, under=node).count(),
        "rectifications": inspections.overdue_rising(node), "overdue_tasks": tasks.overdue_tasks(node),
        "overdue_workers": goods.overdue_workers(request.user, under=node).count(),
        "coverage": vaccination.totals(request.user, node),
    }
    return render(request, "dashboard/dashboard.html", context)


def _breadcrumbs(user, node):
    root = access.root_for(user)
    return [a for a in jurisdictions.ancestors(node) if a.path.startswith(root.path)] + [node]


def hall_screen(request, node):
    """The wall of the command hall: a fixed page whose panels refresh themselves (`screen_panel`)."""
    context = {"node": node, "breadcrumbs": _breadcrumbs(request.user, node),
               "refresh_seconds": settings.SCREEN_REFRESH_SECONDS}
    figures = _Figures(node)
    for name in screen.PANELS:
        context.update(_panel_context(request, figures, name))
    return render(request, "dashboard/screen.html", context)


class _Figures:
    """A unit's summary and epidemic curve, each read at most once however many panels of a request show them
    (the whole screen's first paint shows them in three)."""

    def __init__(self, node):
        self.node = node

    @cached_property
    def summary(self):
        return services.summary(self.node)

    @cached_property
    def curve(self):
        return services.epidemic_curve(self.node)


def _panel_context(request, figures: _Figures, name: str) -> dict:
    context = {"as_of": screen.as_of()}
    node = figures.node
    if name in ("figures", "map"):
        result, curve = figures.summary, figures.curve
        tiles = services.tiles(request.user, result, curve)
        figure = _figure(request, tiles)
        context.update({"ranked": screen.ranked(tiles), "figure": figure,
                        "figure_label": services.FIGURE_LABELS[figure], **_map(node, result, figure),
                        "link": reverse("dashboard", args=["__code__"]) + "?screen=1&figure=" + figure})
    elif name == "curve":
        curve = figures.curve
        judgement = services.judgement(curve, diseases.current())
        context.update({"curve_json": json.dumps(curve), "judgement": judgement, "rt_json": json.dumps(judgement)})
    elif name == "level":
        context.update({"warning": warning.situation(node), "tasks": screen.open_tasks(node)})
    elif name == "testing":
        context["rounds"] = campaigns.round_progress_for(request.user)
    return {f"{name}_panel": context}


@login_required
def screen_panel(request, code, panel):
    """One panel of the hall screen, re-read by itself every few seconds (htmx); a fragment, never a page."""
    node = access.get_jurisdiction_for(request.user, code)
    name = screen.panel_or_404(panel)
    context = {"node": node, "refresh_seconds": settings.SCREEN_REFRESH_SECONDS,
               **_panel_context(request, _Figures(node), name)}
    return render(request, f"dashboard/screen/_{name}.html", context)


@login_required
def figure_records(request, code, figure):
    """The records behind one figure of one unit: the rows its count counts, scoped, masked and audited."""
    node = access.get_jurisdiction_for(request.user, code)
    page = Paginator(screen.figure_records(request.user, node, figure), 50).get_page(request.GET.get("page"))
    rows = screen.record_rows(page.object_list)
    audit.seen(request.user, [r.record.order if isinstance(r.record, ReadingSlot) else r.record for r in rows],
               surface="dashboard-records")
    return render(request, "dashboard/records.html", {
        "node": node, "figure": figure, "label": services.FIGURE_LABELS[figure], "page": page, "rows": rows,
        "count": page.paginator.count, "breadcrumbs": _breadcrumbs(request.user, node)})


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
