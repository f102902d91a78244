"""Today's figures for a jurisdiction, rolled up over its subtree, and for each of its children.

Every figure is a count over the rows the loops wrote (cases, orders, slots, alerts, the ledger),
grouped by the prefix of their owner path: a level's figure is the sum of its children's plus what
is owned by the level itself (a county's quarantine site, say), never a number typed in.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import reduce

import numpy as np
from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Left, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong import analytics
from fangkong.accounts import access
from fangkong.care import services as care
from fangkong.cases.disease import current as disease_settings
from fangkong.cases.models import Case, Classification, Placement, Severity, SymptomReport
from fangkong.checkpoints.models import Handover, HandoverStatus
from fangkong.dashboard import rollup
from fangkong.dashboard.models import DailyCount
from fangkong.errors import InputRefused, Problems
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.quarantine.models import (
    OPEN_STATUSES,
    Alert,
    AlertKind,
    Kind,
    Order,
    OrderStatus,
    ReadingSlot,
    SlotStatus,
)
from fangkong.screening.models import Arrival, AssistRequest, AssistStatus, FollowUp

FIGURES = [
    "suspected", "confirmed", "asymptomatic", "severe", "critical", "new_cases_today", "home_observation",
    "central_quarantine", "readings_due", "readings_done", "readings_missed", "fever_alerts", "missed_alerts",
    "overdue_ledger", "overdue_assist", "overdue_handovers", "overdue_follow_ups",
    "overdue_admissions",
]
FIGURE_LABELS = {
    "suspected": _("Suspected"), "confirmed": _("Confirmed"), "asymptomatic": _("Asymptomatic"),
    "severe": _("Severe"), "critical": _("Critical"), "new_cases_today": _("New cases today"),
    "home_observation": _("Home observation"), "central_quarantine": _("Central quarantine"),
    "readings_due": _("Readings due today"), "readings_done": _("Readings done"),
    "readings_missed": _("Readings missed"), "fever_alerts": _("Fever alerts"),
    "missed_alerts": _("Missed-reading alerts"),
    "overdue_ledger": _("Overdue symptom reports"), "overdue_assist": _("Overdue assist requests"),
    "overdue_handovers": _("Unconfirmed handovers"), "overdue_follow_ups": _("Overdue arrival follow-ups"),
    "overdue_admissions": _("Patients waiting too long for a bed"),
}
# The counts the daily bulletin publishes are for every role; the work queues behind them (readings, alerts,
# what is overdue) are about named people's care and follow-up, for the roles that work with people.
PUBLISHED_FIGURES = frozenset({"suspected", "confirmed", "asymptomatic", "severe", "critical", "new_cases_today",
                               "home_observation", "central_quarantine"})


def may_see_figure(actor, name: str) -> bool:
    return name in PUBLISHED_FIGURES or access.may_see_persons(actor)


@dataclass(frozen=True)
class Tile:
    """One figure as `actor` sees it: its value, or withheld from their role (never shown as a zero)."""

    name: str
    label: str
    allowed: bool
    value: int | None = None
    change: int | None = None  # against the day before, for the figures counted per day


def tiles(actor, result: Summary, curve: dict[str, list]) -> list[Tile]:
    """The dashboard's tiles; today's new cases carry their change from yesterday's (the report-date curve)."""
    shown = []
    for name in FIGURES:
        if not may_see_figure(actor, name):
            shown.append(Tile(name, FIGURE_LABELS[name], allowed=False))
            continue
        value = result.totals[name]
        change = value - curve["report"][-2] if name == "new_cases_today" else None
        shown.append(Tile(name, FIGURE_LABELS[name], allowed=True, value=value, change=change))
    return shown


def _sources(today: dt.date, now: dt.datetime) -> list[tuple[QuerySet, dict[str, Q]]]:
    """Each source table with the figures it answers, as conditional counts over the rows."""
    day_start = dt.datetime.combine(today, dt.time.min, tzinfo=timezone.get_current_timezone())
    return [
        (Case.objects.filter(closed_at=None).exclude(classification=Classification.EXCLUDED), {
            "suspected": Q(classification=Classification.SUSPECTED),
            "confirmed": Q(classification=Classification.CONFIRMED),
            "asymptomatic": Q(classification=Classification.ASYMPTOMATIC),
            "severe": Q(severity=Severity.SEVERE), "critical": Q(severity=Severity.CRITICAL),
            "new_cases_today": Q(detected_at__gte=day_start),
        }),
        (Order.objects.filter(status=OrderStatus.ACTIVE), {
            "home_observation": Q(kind=Kind.HOME), "central_quarantine": Q(kind=Kind.CENTRAL),
        }),
        (ReadingSlot.objects.filter(day=today), {
            "readings_due": Q(), "readings_done": Q(status=SlotStatus.DONE),
            "readings_missed": Q(status=SlotStatus.MISSED),
        }),
        (Alert.objects.filter(status__in=OPEN_STATUSES), {
            "fever_alerts": Q(kind=AlertKind.FEVER), "missed_alerts": Q(kind=AlertKind.MISSED),
        }),
        (SymptomReport.objects.filter(resolved_at=None, deadline__lt=now), {"overdue_ledger": Q()}),
        (AssistRequest.objects.filter(status=AssistStatus.OPEN, deadline__lt=now), {"overdue_assist": Q()}),
        (Handover.objects.exclude(status=HandoverStatus.CONFIRMED).filter(due_at__lt=now), {"overdue_handovers": Q()}),
        (Arrival.objects.exclude(follow_up=FollowUp.NONE).filter(follow_up_done_at=None, follow_up_due__lt=now),
         {"overdue_follow_ups": Q()}),
        (care.waiting_for_beds(), {"overdue_admissions": care.overdue(now)}),
    ]


@dataclass
class Summary:
    node: Jurisdiction
    today: dt.date
    totals: dict[str, int]
    children: list[tuple[Jurisdiction, dict[str, int]]] = field(default_factory=list)
    direct: dict[str, int] = field(default_factory=dict)


def summary(node: Jurisdiction, today: dt.date | None = None, now: dt.datetime | None = None) -> Summary:
    """Figures for `node`'s subtree and per child: the rolled-up figures read from the per-owner daily
    roll-up (rollup.py: a few rows per grid, kept by triggers in the writers' transactions), the figures
    that depend on the clock counted from the rows."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    children = list(node.children.all())
    by_owner = _clock_figures(node, children, today, now)
    for owner, counts in _read_rollup(node, children, today).items():
        by_owner[owner].update(counts)
    return _summary_of(node, today, children, by_owner)


def summary_from_rows(node: Jurisdiction, today: dt.date | None = None, now: dt.datetime | None = None) -> Summary:
    """The same figures counted from the rows alone (the dashboard before the roll-up): the check of the
    roll-up's reading and the benchmark's baseline."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    children = list(node.children.all())
    return _summary_of(node, today, children, _counted_from_rows(node, children, today, now))


def _summary_of(node, today, children, by_owner: dict[str, Counter]) -> Summary:
    direct = by_owner[node.path]
    totals = Counter()
    for counts in by_owner.values():
        totals.update(counts)
    return Summary(
        node=node, today=today, totals={f: totals[f] for f in FIGURES},
        children=[(c, {f: by_owner[c.path][f] for f in FIGURES}) for c in children],
        direct={f: direct[f] for f in FIGURES},
    )


def _counted_from_rows(node, children, today, now) -> dict[str, Counter]:
    """One statement per source table: a UNION ALL of one plain conditional count per child, plus one for
    the rows the node owns itself; each branch is a range scan of a covering index, with no grouping of
    millions of rows by a long path string (which costs more than the scan at the city level)."""
    by_owner: dict[str, Counter] = defaultdict(Counter)
    for queryset, figures in _sources(today, now):
        counts = {name: Count("owner_path", filter=condition) for name, condition in figures.items()}
        branches = [queryset.filter(owner_path=node.path).annotate(owner=Value(node.path))]
        branches += [queryset.filter(owner_path__startswith=c.path).annotate(owner=Value(c.path)) for c in children]
        branches = [b.order_by().values("owner").annotate(**counts) for b in branches]
        for row in branches[0].union(*branches[1:], all=True):
            by_owner[row.pop("owner")].update(row)
    return by_owner


def _read_rollup(node, children, today) -> dict[str, Counter]:
    """The roll-up's counters of `node` itself and of each child's subtree, for today and the standing ones."""
    by_owner: dict[str, Counter] = defaultdict(Counter)
    counters = DailyCount.objects.filter(day__in=[rollup.STANDING, today])
    for rows in _grouped_by_child(counters, node, children, ["figure"], {"n": Sum("n")}):
        for row in rows:
            by_owner[row["owner"]][row["figure"]] += row["n"]
    return by_owner


def _clock_figures(node, children, today, now) -> dict[str, Counter]:
    """The figures the roll-up cannot hold, as they change with the clock (what is overdue now, today's new
    cases), counted from the rows: small sets (work not done in time), one grouped statement per table."""
    by_owner: dict[str, Counter] = defaultdict(Counter)
    for queryset, figures in _sources(today, now):
        counts = {name: Count("owner_path", filter=condition) for name, condition in figures.items()
                  if name not in rollup.ROLLED_UP}
        if counts:
            for rows in _grouped_by_child(queryset, node, children, [], counts):
                for row in rows:
                    by_owner[row.pop("owner")].update(row)
    return by_owner


def _grouped_by_child(queryset, node, children, keys: list[str], aggregates: dict):
    """`queryset`'s rows in `node`'s subtree grouped by the child they lie under (or the node itself), by the owner
    path cut at the children's path length: every path below a child starts with the child's path, and the
    node's own path is shorter, so it stays a group of its own. One query per length of the children's paths."""
    lengths = sorted({len(c.path) for c in children}) or [len(node.path)]
    for i, length in enumerate(lengths):
        rows = (queryset.filter(owner_path__startswith=node.path).annotate(owner=Left("owner_path", length))
                .order_by().values("owner", *keys).annotate(**aggregates))
        if len(lengths) > 1:  # children with paths of several lengths: each query reads its own children
            owned = [Q(owner_path__startswith=c.path) for c in children if len(c.path) == length]
            rows = rows.filter(reduce(operator.or_, owned + ([Q(owner_path=node.path)] if i == 0 else [])))
        yield rows


def epidemic_curve(node: Jurisdiction, days: int = 60, today: dt.date | None = None) -> dict[str, list]:
    """New cases per day by onset date and by report (discovery) date, excluded cases left out."""
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=days - 1)
    cases = (Case.objects.filter(owner_path__startswith=node.path)
             .exclude(classification=Classification.EXCLUDED))
    by_onset = dict(cases.filter(onset_date__gte=start).values_list("onset_date").annotate(n=Count("id")))
    by_report = dict(cases.annotate(d=TruncDate("detected_at")).filter(d__gte=start)
                     .values_list("d").annotate(n=Count("id")))
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    return {
        "dates": [d.isoformat() for d in dates],
        "onset": [by_onset.get(d, 0) for d in dates],
        "report": [by_report.get(d, 0) for d in dates],
    }





# Cori et al. (2013): with fewer cases than this behind a window, the posterior's CV exceeds 0.3.
MIN_CASES_FOR_RT = 12


def judgement(curve: dict[str, list], disease) -> dict:
    """R_t by report date with its 95 % interval, and the last 14 days' growth rate, doubling time and the R
    that growth implies (Wallinga & Lipsitch, as R0's est.R0.EG computes it).

    R_t is shown for windows ending once 12 cases have been reported, as Cori et al. advise.
    """
    counts = curve["report"]
    result = {"dates": curve["dates"], "rt": [None] * len(counts), "rt_low": [None] * len(counts),
              "rt_high": [None] * len(counts), "latest": None, "growth": None}
    cumulative = np.cumsum(counts)
    if cumulative[-1] >= MIN_CASES_FOR_RT:
        enough_from = int(np.argmax(cumulative >= MIN_CASES_FOR_RT))  # 0-based day
        rt = analytics.estimate_rt(counts, si_mean=float(disease.serial_interval_mean),
                                   si_sd=float(disease.serial_interval_sd), window=7)
        for row in rt.iter_rows(named=True):
            day = row["t_end"] - 1
            if day >= enough_from:
                result["rt"][day], result["rt_low"][day], result["rt_high"][day] = (
                    round(row["mean"], 3), round(row["q025"], 3), round(row["q975"], 3))
        result["latest"] = {"date": curve["dates"][-1], "mean": result["rt"][-1], "low": result["rt_low"][-1],
                            "high": result["rt_high"][-1]}
    recent = counts[-14:]
    if sum(recent) >= MIN_CASES_FOR_RT:
        growth = analytics.growth_rate(recent)
        # The generation time is taken to be the serial interval, discretised as the R package R0 does.
        gt = {"gt_mean": float(disease.serial_interval_mean), "gt_sd": float(disease.serial_interval_sd),
              "discretisation": "R0"}
        result["growth"] = {"rate": growth.rate, "low": growth.rate_low, "high": growth.rate_high,
                            "doubling_time": growth.doubling_time, "generation_time": gt,
                            **{name: analytics.reproduction_number_from_growth(rate, **gt) for name, rate in (
                                ("r", growth.rate), ("r_low", growth.rate_low), ("r_high", growth.rate_high))}}
    return result


@dataclass(frozen=True)
class ForecastInput:
    days: int = 60
    doubling_time: float | None = None  # days; None takes it from the last 14 days of reports
    relative_contact_rate: float = 0.3  # how much distancing has cut contacts
    hospitalization_rate: float = 0.05  # share of infections that need a bed
    length_of_stay: int = 14
    infectious_days: float = 14
    beds: int | None = None  # beds the area can give to this disease, when known


def forecast(node: Jurisdiction, given: ForecastInput, today: dt.date | None = None) -> dict:
    """Beds for the next `days` days, in the current case and the worst case (distancing achieves nothing).

    CHIME's model (analytics.sir) fitted to today's admitted cases in the subtree; the population
    is the people registered in it.
    """
    today = today or timezone.localdate()
    problems = Problems()
    if not 7 <= given.days <= 120:
        problems.add("days", _("project 7 to 120 days ahead"))
    if given.beds is not None and given.beds < 0:
        problems.add("beds", _("the number of beds cannot be negative"))
    admitted = Case.objects.filter(owner_path__startswith=node.path, closed_at=None,
                                   placement=Placement.ADMITTED).count()
    if admitted == 0:
        problems.add("admitted", _("no case is in hospital here today: there is nothing to fit the model to"))
    doubling = given.doubling_time
    if doubling is None:
        growth = judgement(epidemic_curve(node, days=60, today=today), disease_settings())["growth"]
        if growth is None or growth["rate"] <= 0:
            problems.add("doubling_time", _("cases are not growing here: give the doubling time to project"))
        else:
            doubling = growth["doubling_time"]
    problems.refuse_if_any()
    population = Person.objects.filter(jurisdiction_path__startswith=node.path).count()
    parameters = analytics.SirParameters(
        population=population, current_hospitalized=admitted, doubling_time=doubling,
        infectious_days=given.infectious_days, relative_contact_rate=given.relative_contact_rate,
        mitigation_day=0, n_days=given.days,
        dispositions={"hospitalized": analytics.Disposition(given.hospitalization_rate, given.length_of_stay)})
    try:
        current, worst = analytics.project(parameters), analytics.project(parameters, worst_case=True)
    except analytics.BadSeries as refused:
        raise InputRefused((refused.field, refused.message)) from None
    tiers = _tier_capacity(node)
    result = {"dates": [(today + dt.timedelta(days=d)).isoformat() for d in range(given.days + 1)],
              "capacity": tiers, "admitted": admitted, "population": population, "doubling_time": doubling,
              "beds": given.beds}
    for name, projection in (("current", current), ("worst", worst)):
        ahead = projection.day >= 0
        census = np.nan_to_num(projection.census["hospitalized"][ahead])
        result[name] = {"census": [round(float(c)) for c in census],
                        "peak": round(float(census.max())), "peak_date": result["dates"][int(census.argmax())],
                        "r_t": projection.r_t, "beds_short_from": None}
        if given.beds is not None and (census > given.beds).any():
            result[name]["beds_short_from"] = result["dates"][int(np.argmax(census > given.beds))]
        result[name]["tiers"] = _tiers_run_out(census, tiers, result["dates"])
    return result


def _tier_capacity(node: Jurisdiction) -> dict[str, dict]:
    """The real beds by tier under the node (care's census, counted from the beds) and each tier's share of the
    patients in hospital today (the cases' admission tier; all to the makeshift tier when nobody is in yet)."""
    capacity = care.capacity_under(node.path)
    admitted = dict(Case.objects.filter(owner_path__startswith=node.path, closed_at=None,
                                        placement=Placement.ADMITTED).values_list("facility_kind")
                    .annotate(n=Count("pk")).order_by())
    total = sum(admitted.values())
    return {tier: {**beds, "share": admitted.get(tier, 0) / total if total else float(tier == "makeshift")}
            for tier, beds in capacity.items()}


def _tiers_run_out(census, tiers: dict[str, dict], dates: list[str]) -> dict[str, str | None]:
    """The first day on which a tier's share of the projected patients exceeds its beds in service (None: not
    within the projection)."""
    out = {}
    for tier, t in tiers.items():
        need = census * t["share"]
        short = need > t["in_service"]
        out[tier] = dates[int(np.argmax(short))] if t["share"] and short.any() else None
    return out
