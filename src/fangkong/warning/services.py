"""Use cases of early warning: compute the day's signals, fire rules once per crossing, change the
response level with its audit row, and open and track playbooks (real or drills)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong import analytics
from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action as AuditAction
from fangkong.cases import disease as diseases
from fangkong.cases.models import SymptomReport
from fangkong.dashboard import services as dashboard
from fangkong.errors import Problems
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.jurisdictions.models import Level as Tier
from fangkong.quarantine.models import Alert, AlertKind
from fangkong.testing import services as testing

from .models import Action, Firing, Level, LevelChange, Playbook, Rule, SignalKind, SignalValue, Task

# Hours each of the six fast actions is due in once a playbook opens (以快制快).
ACTION_HOURS = {Action.TRANSFER: 2, Action.CLOSURE: 6, Action.DISINFECTION: 12, Action.CONTACT_SCREENING: 24,
                Action.TRAJECTORY: 24, Action.AREA_TESTING: 48}
# Signals are judged down to the township; grids are too small for rates to mean anything.
SIGNAL_TIERS = [Tier.PROVINCE, Tier.CITY, Tier.COUNTY, Tier.TOWNSHIP]


# --- signals ------------------------------------------------------------------------------------

def compute_signals(day: dt.date) -> int:
    """Compute every signal for every jurisdiction down to the township on `day`; running twice is harmless."""
    disease = diseases.current()
    written = 0
    for node in Jurisdiction.objects.filter(level__in=SIGNAL_TIERS):
        for kind, value in signals_for(node, day, disease).items():
            SignalValue.objects.update_or_create(jurisdiction=node, day=day, kind=kind, defaults={"value": value})
            written += 1
    return written


def signals_for(node: Jurisdiction, day: dt.date, disease) -> dict[str, float]:
    curve = dashboard.epidemic_curve(node, days=60, today=day)
    rt = dashboard.judgement(curve, disease)["rt"]
    above = 0
    for value in reversed(rt):
        if value is None or value <= 1:
            break
        above += 1
    day_start = dt.datetime.combine(day, dt.time.min, tzinfo=diseases.zone(disease))
    fevers = Alert.objects.filter(owner_path__startswith=node.path, kind=AlertKind.FEVER,
                                  raised_at__gte=day_start, raised_at__lt=day_start + dt.timedelta(days=1)).count()
    positives, pools = testing.positives_on(node.path, day_start, day_start + dt.timedelta(days=1))
    return {SignalKind.NEW_CASES: curve["report"][-1], SignalKind.FEVER_ALERTS: fevers,
            SignalKind.SYMPTOM_ABERRATION: _symptom_aberration(node, day, disease),
            SignalKind.RT_ABOVE_ONE_DAYS: above, SignalKind.POSITIVE_RESULTS: positives,
            SignalKind.POSITIVE_POOLS: pools}


def _symptom_aberration(node: Jurisdiction, day: dt.date, disease, days: int = 28) -> float:
    """1 when today's symptom reports exceed the EARS C2 upper bound of the weeks before."""
    start = day - dt.timedelta(days=days - 1)
    per_day = dict(SymptomReport.objects.filter(owner_path__startswith=node.path)
                   .annotate(d=TruncDate("reported_at", tzinfo=diseases.zone(disease)))
                   .filter(d__gte=start, d__lte=day).values_list("d").annotate(n=Count("id")))
    counts = [per_day.get(start + dt.timedelta(days=i), 0) for i in range(days)]
    result = analytics.ears(counts, method="C2", alpha=0.001)
    return float(result.alarm[-1])


# --- rules --------------------------------------------------------------------------------------

def add_rule(actor, *, name: str, signal: str, threshold, level, tier: str = Tier.COUNTY) -> Rule:
    require(actor, "warning.rule")
    problems = Problems()
    if tier not in SIGNAL_TIERS:
        problems.add("tier", _("a rule applies to provinces, cities, counties or townships"))
    if signal not in SignalKind.values:
        problems.add("signal", _("unknown signal %(s)s; the signals are %(all)s")
                     % {"s": signal, "all": ", ".join(str(label) for label in SignalKind.labels)})
    try:
        threshold = float(threshold)
        if not math.isfinite(threshold):  # NaN or infinity: no signal crosses it, and JSON cannot carry it
            raise ValueError
        if threshold < 0:
            problems.add("threshold", _("a threshold cannot be negative"))
    except (TypeError, ValueError):
        problems.add("threshold", _("the threshold is a number"))
    try:
        level = int(level)
        if level not in (Level.I, Level.II, Level.III, Level.IV):
            raise ValueError
    except (TypeError, ValueError):
        problems.add("level", _("the level is 1 (I) to 4 (IV)"))
    if not (name or "").strip():
        problems.add("name", _("give the rule a name"))
    problems.refuse_if_any()
    with transaction.atomic():
        rule = Rule.objects.create(name=name.strip(), signal=signal, threshold=threshold, level=level, tier=tier,
                                   created_by=actor)
        audit.record_change(actor, AuditAction.RULE_CHANGE, rule, before={},
                            after={"name": rule.name, "signal": signal, "threshold": threshold, "level": level,
                                   "tier": tier, "active": rule.active})
    return rule


def set_rule_active(actor, rule_id: int, active: bool) -> Rule:
    require(actor, "warning.rule")
    rule = get_visible(Rule.objects.all(), rule_id)  # rules are the whole country's: nothing to scope
    with transaction.atomic():
        before = rule.active
        rule.active = active
        rule.save(update_fields=["active"])
        audit.record_change(actor, AuditAction.RULE_CHANGE, rule, before={"active": before}, after={"active": active})
    return rule


def evaluate_rules(day: dt.date) -> list[Firing]:
    """Fire each active rule where its signal reached the threshold today and was below it before.

    A firing stays open while the signal stays at or above the threshold, so a rule fires once
    per crossing however often this runs; it closes on the first day the signal is below.
    """
    fired = []
    values = list(SignalValue.objects.filter(day=day).select_related("jurisdiction"))
    for rule in Rule.objects.filter(active=True):
        for value in (v for v in values if v.kind == rule.signal and v.jurisdiction.level == rule.tier):
            open_firing = Firing.objects.filter(rule=rule, jurisdiction=value.jurisdiction, ended_on=None).first()
            if value.value >= rule.threshold and open_firing is None:
                firing = _fire(rule, value)
                if firing:
                    fired.append(firing)
            elif value.value < rule.threshold and open_firing is not None and open_firing.day < day:
                with transaction.atomic():
                    if Firing.objects.filter(pk=open_firing.pk, ended_on=None).update(ended_on=day):
                        audit.record_change(None, AuditAction.RULE_FIRED, open_firing, rule=rule.pk,
                                            jurisdiction=value.jurisdiction.code, before={"ended_on": None},
                                            after={"ended_on": day})
    return fired


def _fire(rule: Rule, value: SignalValue) -> Firing | None:
    try:
        with transaction.atomic():
            firing = Firing.objects.create(rule=rule, jurisdiction=value.jurisdiction, day=value.day,
                                           value=value.value)
            audit.record_change(None, AuditAction.RULE_FIRED, firing, rule=rule.pk,
                                jurisdiction=value.jurisdiction.code, before={},
                                after={"day": firing.day, "value": firing.value})
            if rule.level < level_of(value.jurisdiction):
                change_level(None, value.jurisdiction, rule.level, note=rule.name, firing=firing)
            if not Playbook.objects.filter(jurisdiction=value.jurisdiction, closed_at=None, exercise=False).exists():
                open_playbook(None, value.jurisdiction, firing=firing)
    except IntegrityError:  # another run fired it at the same moment
        return None
    return firing


def run_warning(day: dt.date) -> list[Firing]:
    compute_signals(day)
    return evaluate_rules(day)


# --- response levels ----------------------------------------------------------------------------

def level_of(node: Jurisdiction, at: dt.datetime | None = None) -> int:
    """The response level now, or as it stood at `at`."""
    changes = LevelChange.objects.filter(jurisdiction=node)
    latest = (changes.filter(changed_at__lte=at) if at else changes).first()
    return latest.level if latest else Level.NONE


def change_level(actor, node: Jurisdiction, level: int, *, note: str = "", firing: Firing | None = None) -> LevelChange:
    """Set a jurisdiction's response level (a rule raises it; the command centre may lower it, with a note)."""
    problems = Problems()
    if actor is not None:  # None: a rule that fired
        require(actor, "warning.level")
        node = access.get_jurisdiction_for(actor, node.code)
        if not note.strip():
            problems.add("note", _("say why the level changes"))
    previous = level_of(node)
    if level not in Level.values:
        problems.add("level", _("the level is 1 (I) to 4 (IV), or 5 for none"))
    elif level == previous:
        problems.add("level", _("the level is already %(l)s") % {"l": Level(level).label})
    problems.refuse_if_any()
    with transaction.atomic():
        change = LevelChange.objects.create(jurisdiction=node, level=level, previous=previous, firing=firing,
                                            note=note[:200], changed_by=actor, changed_at=timezone.now())
        audit.record_change(actor, AuditAction.LEVEL_CHANGE, change, jurisdiction=node.code, note=note[:200],
                            firing=firing, before={"level": previous}, after={"level": level})
    return change


# --- playbooks ----------------------------------------------------------------------------------

def open_playbook(actor, node: Jurisdiction, *, firing: Firing | None = None, exercise: bool = False) -> Playbook:
    """Open the six fast actions for `node`, each due in its hours; a drill is the same, marked as one."""
    if actor is not None:  # None: a rule that fired
        require(actor, "warning.playbook")
        node = access.get_jurisdiction_for(actor, node.code)
    now = timezone.now()
    with transaction.atomic():
        playbook = Playbook.objects.create(jurisdiction=node, firing=firing, exercise=exercise, opened_at=now,
                                           opened_by=actor)
        Task.objects.bulk_create([Task(playbook=playbook, action=action, owner=node, owner_path=node.path,
                                       due_at=now + dt.timedelta(hours=hours))
                                  for action, hours in ACTION_HOURS.items()])
        audit.record_change(actor, AuditAction.PLAYBOOK_CHANGE, playbook, jurisdiction=node.code, firing=firing,
                            step="opened", before={}, after={"exercise": exercise, "opened_at": now})
    return playbook


def tasks_for(actor) -> QuerySet[Task]:
    return Task.objects.visible_to(actor).select_related("playbook", "owner")


def playbooks_for(actor) -> QuerySet[Playbook]:
    return Playbook.objects.visible_to(actor).select_related("jurisdiction")


def level_changes_for(actor) -> QuerySet[LevelChange]:
    return LevelChange.objects.visible_to(actor).select_related("jurisdiction")


def complete_task(actor, task_id: int, *, note: str = "") -> Task:
    require(actor, "warning.task")
    task = get_visible(tasks_for(actor), task_id)
    if task.done_at is not None:
        return task  # a second tap on a flaky phone changes nothing
    now = timezone.now()
    with transaction.atomic():
        claimed = Task.objects.filter(pk=task.pk, done_at=None).update(done_at=now, done_by=actor, note=note[:200])
        if claimed and not Task.objects.filter(playbook=task.playbook, done_at=None).exists():
            Playbook.objects.filter(pk=task.playbook_id, closed_at=None).update(closed_at=now)
        if claimed:
            audit.record_change(actor, AuditAction.PLAYBOOK_CHANGE, task, jurisdiction=task.owner.code,
                                playbook=task.playbook_id, task=task.action, step="done",
                                before={"done_at": None}, after={"done_at": now})
    task.refresh_from_db()
    return task


@dataclass(frozen=True)
class TaskTiming:
    task: Task
    minutes: float | None  # from opening to done
    late: bool


def timings(playbook: Playbook, now: dt.datetime | None = None) -> list[TaskTiming]:
    """How long each action took (a drill's measurement), and whether it missed its deadline."""
    now = now or timezone.now()
    return [TaskTiming(task=t, minutes=(t.done_at - playbook.opened_at).total_seconds() / 60 if t.done_at else None,
                       late=(t.done_at or now) > t.due_at) for t in playbook.tasks.all()]


@dataclass(frozen=True)
class LevelBelow:
    """The most severe response in force under a jurisdiction, and the places that declared it."""

    level: Level
    places: list[Jurisdiction]

    @property
    def names(self) -> str:
        shown = "、".join(p.name for p in self.places[:3])
        return shown + ("…" if len(self.places) > 3 else "")


def level_below(node: Jurisdiction) -> LevelBelow | None:
    """The most severe level in force anywhere in `node`'s subtree below it, None when none is."""
    latest: dict[int, LevelChange] = {}
    for change in (LevelChange.objects.filter(jurisdiction__path__startswith=node.path).exclude(jurisdiction=node)
                   .select_related("jurisdiction").order_by("-changed_at", "-id")):
        latest.setdefault(change.jurisdiction_id, change)
    in_force = [c for c in latest.values() if c.level != Level.NONE]
    if not in_force:
        return None
    top = min(c.level for c in in_force)  # I (1) is the most severe
    return LevelBelow(Level(top), sorted((c.jurisdiction for c in in_force if c.level == top), key=lambda j: j.code))


def situation(node: Jurisdiction) -> dict:
    """What the dashboard shows: the level in force, the most severe one below it when that is more severe
    (a city with no response of its own whose districts are at level IV), and the open tasks of the subtree."""
    open_tasks = Task.objects.filter(owner_path__startswith=node.path, done_at=None, playbook__exercise=False)
    level, below = Level(level_of(node)), level_below(node)
    return {"level": level, "below": below if below and below.level < level else None,
            "open_tasks": open_tasks.count(), "overdue_tasks": open_tasks.filter(due_at__lt=timezone.now()).count()}
