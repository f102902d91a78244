"""Use cases of the workforce: staff, training and echelons, posts and their shifts, deployments, rest rooms,
rosters solved under the rest rules (rostering/solver.py), hand edits checked by the separate evaluator
(rostering/evaluate.py), fatigue figures, the roster as a workbook."""

from __future__ import annotations

import datetime as dt
import io
import queue
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass

import xlsxwriter
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import NotFound, get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import InputRefused, Problems

from .models import (
    Accommodation,
    Assignment,
    Deployment,
    Echelon,
    Post,
    PostKind,
    RequestKind,
    RestRules,
    Roster,
    RosterStatus,
    ShiftRequest,
    ShiftType,
    Staff,
    StaffKind,
    Training,
)
from .rostering import problem as rp
from .rostering.evaluate import breaches, evaluate
from .rostering.solver import solve

DAY = 24 * 60
MAX_ROSTER_DAYS = 92
MAX_SOLVE_SECONDS = 600

# What each hard rule is called when a roster or an edit breaks it.
RULE_NAMES = {
    "one_shift_a_day": gettext_lazy("one shift a day"),
    "forbidden_succession": gettext_lazy("a shift that may not follow the one before"),
    "min_rest": gettext_lazy("minimum rest between two shifts"),
    "days_off": gettext_lazy("a day off"),
    "health_monitoring": gettext_lazy("health monitoring after a red-zone rotation"),
    "rotation": gettext_lazy("most days in a row at one post"),
    "not_deployed": gettext_lazy("not deployed to this post that day"),
    "max_shifts": gettext_lazy("most shifts of a kind"),
    "max_minutes": gettext_lazy("most minutes in the roster"),
    "min_minutes": gettext_lazy("fewest minutes in the roster"),
    "max_consecutive_shifts": gettext_lazy("most working days in a row"),
    "min_consecutive_shifts": gettext_lazy("fewest working days in a row"),
    "min_consecutive_days_off": gettext_lazy("fewest days off in a row"),
    "max_weekends": gettext_lazy("most weekends worked"),
    "max_minutes_per_week": gettext_lazy("most hours in any 7 days"),
    "shift_length": gettext_lazy("longest shift in protective equipment"),
    "cover_minimum": gettext_lazy("minimum cover"),
}

# The one table of roster states: which step may follow which.
TRANSITIONS = {
    "queue": ({RosterStatus.DRAFT, RosterStatus.SOLVED, RosterStatus.INFEASIBLE}, RosterStatus.QUEUED),
    "claim": ({RosterStatus.QUEUED}, RosterStatus.SOLVING),
    "solved": ({RosterStatus.SOLVING}, RosterStatus.SOLVED),
    "infeasible": ({RosterStatus.SOLVING}, RosterStatus.INFEASIBLE),
}


def _move(actor, roster: Roster, step: str, **fields) -> None:
    allowed, target = TRANSITIONS[step]
    if roster.status not in allowed:
        raise InputRefused(("status", _("a roster that is “%(s)s” cannot do this") % {
            "s": roster.get_status_display()}))
    before = roster.status
    roster.status = target
    for name, value in fields.items():
        setattr(roster, name, value)
    roster.save()
    audit.record_change(actor, Action.ROSTER_CHANGE, roster, before={"status": before},
                        after={"status": target, "step": step})


def rules_for(kind: str) -> RestRules:
    """The post kind's rules as the command centre left them, else the defaults of settings."""
    rules = RestRules.objects.filter(post_kind=kind).first()
    return rules or RestRules.objects.create(post_kind=kind, **settings.WORKFORCE_REST_RULES[kind])


# --- reading ---------------------------------------------------------------------------------------------------

def staff_for(actor) -> QuerySet[Staff]:
    return Staff.objects.visible_to(actor).select_related("jurisdiction")


def posts_for(actor) -> QuerySet[Post]:
    return Post.objects.visible_to(actor)


def rosters_for(actor) -> QuerySet[Roster]:
    return Roster.objects.visible_to(actor).select_related("post")


def deployments_for(actor) -> QuerySet[Deployment]:
    return Deployment.objects.visible_to(actor).select_related("staff", "post")


def accommodations_for(actor) -> QuerySet[Accommodation]:
    return Accommodation.objects.visible_to(actor).select_related("staff", "post")


def readiness(actor, on: dt.date | None = None) -> dict[str, dict[int, int]]:
    """Per kind of post, how many of each echelon the user could call up on a day: trained, not deployed."""
    on = on or timezone.localdate()
    busy = Deployment.objects.filter(starts_on__lte=on, ends_on__gte=on).values("staff_id")
    counts = defaultdict(lambda: dict.fromkeys((1, 2, 3), 0))
    rows = Echelon.objects.visible_to(actor).exclude(staff_id__in=busy).values_list("post_kind", "level")
    for kind, level in rows:
        counts[kind][level] += 1
    return {kind: counts[kind] for kind in PostKind.values if kind in counts}


# --- staff, training, posts, shifts -------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffInput:
    name: str
    kind: str
    employer: str
    jurisdiction_code: str
    profession: str = ""
    qualifications: str = ""
    person_id: int | None = None


def add_staff(actor, data: StaffInput) -> Staff:
    require(actor, "workforce.staff")
    problems = Problems()
    if not data.name.strip():
        problems.add("name", _("give the person's name"))
    if data.kind not in StaffKind.values:
        problems.add("kind", _("staff are medical staff or cadres"))
    if not data.employer.strip():
        problems.add("employer", _("give the unit the person works for"))
    with problems.gathered():
        home = access.get_jurisdiction_for(actor, data.jurisdiction_code)
    person = None
    if data.person_id is not None:
        with problems.gathered():
            person = get_visible(access.persons_for(actor), data.person_id)
    problems.refuse_if_any()
    with transaction.atomic():
        staff = Staff.objects.create(name=data.name.strip(), kind=data.kind, employer=data.employer.strip(),
                                     profession=data.profession.strip(), qualifications=data.qualifications.strip(),
                                     jurisdiction=home, owner_path=home.path, person=person)
        audit.record_change(actor, Action.STAFF_CHANGE, staff, before={}, person=person,
                            after={"name": staff.name, "kind": staff.kind, "employer": staff.employer})
    return staff


def _post_kind(value: str, problems: Problems, field: str = "post_kind") -> None:
    if value not in PostKind.values:
        problems.add(field, _("“%(v)s” is not a kind of post") % {"v": value})


def train(actor, staff_id: int, *, post_kind: str, course: str, completed_on: dt.date, level: int) -> Training:
    """A completed course; it puts the person in an echelon for that kind of post (or moves them)."""
    require(actor, "workforce.staff")
    staff = get_visible(staff_for(actor), staff_id)
    problems = Problems()
    _post_kind(post_kind, problems)
    if not course.strip():
        problems.add("course", _("name the course"))
    if completed_on > timezone.localdate():
        problems.add("completed_on", _("a course is recorded once it is completed"))
    if level not in (1, 2, 3):
        problems.add("level", _("the echelon is 1, 2 or 3"))
    problems.refuse_if_any()
    with transaction.atomic():
        training = Training.objects.create(staff=staff, post_kind=post_kind, course=course.strip(),
                                           completed_on=completed_on)
        Echelon.objects.update_or_create(staff=staff, post_kind=post_kind, defaults={"level": level})
        audit.record_change(actor, Action.STAFF_CHANGE, staff, before={}, person=staff.person,
                            after={"training": course.strip(), "post_kind": post_kind, "echelon": level})
    return training


def add_post(actor, *, name: str, kind: str, jurisdiction_code: str) -> Post:
    require(actor, "roster.plan")
    problems = Problems()
    if not name.strip():
        problems.add("name", _("give the post a name"))
    _post_kind(kind, problems, "kind")
    with problems.gathered():
        node = access.get_jurisdiction_for(actor, jurisdiction_code)
    problems.refuse_if_any()
    with transaction.atomic():
        post = Post.objects.create(name=name.strip(), kind=kind, jurisdiction=node, owner_path=node.path)
        audit.record_change(actor, Action.STAFF_CHANGE, post, before={}, after={"name": post.name, "kind": kind})
    return post


def add_shift_type(actor, post_id: int, *, code: str, name: str, starts_at: dt.time, minutes: int,
                   minimum: int = 0, preferred: int = 0) -> ShiftType:
    require(actor, "roster.plan")
    post = get_visible(posts_for(actor), post_id)
    rules, problems = rules_for(post.kind), Problems()
    code = code.strip().upper()
    if not code or not code.isalnum():
        problems.add("shift_code", _("a shift code is letters or digits, such as D or N"))
    elif post.shift_types.filter(code=code).exists():
        problems.add("shift_code", _("this post has a shift %(code)s already") % {"code": code})
    if not 0 < minutes <= DAY:
        problems.add("minutes", _("a shift lasts more than 0 and at most 1,440 minutes"))
    elif rules.max_shift_minutes and minutes > rules.max_shift_minutes:
        problems.add("minutes", _("%(rule)s: at most %(n)d minutes at a %(kind)s") % {
            "rule": RULE_NAMES["shift_length"], "n": rules.max_shift_minutes, "kind": post.get_kind_display()})
    if minimum > preferred:
        problems.add("minimum", _("the minimum cover (%(a)d) is above the preferred (%(b)d)") % {
            "a": minimum, "b": preferred})
    problems.refuse_if_any()
    with transaction.atomic():
        shift = ShiftType.objects.create(post=post, code=code, name=name.strip() or code, starts_at=starts_at,
                                         minutes=minutes, minimum=minimum, preferred=preferred)
        audit.record_change(actor, Action.ROSTER_CHANGE, post, before={},
                            after={"shift": code, "starts_at": starts_at.isoformat(), "minutes": minutes})
    return shift


# --- deployments and rooms ------------------------------------------------------------------------------------------

def _period(starts_on: dt.date, ends_on: dt.date, problems: Problems) -> None:
    if ends_on < starts_on:
        problems.add("ends_on", _("the period ends before it starts"))


def deploy(actor, staff_id: int, post_id: int, *, starts_on: dt.date, ends_on: dt.date,
           sent_down: bool = False) -> Deployment:
    """A person to a post for a period, refused when it breaks a rotation rule (naming it and the person)."""
    require(actor, "workforce.deploy")
    staff = get_visible(staff_for(actor), staff_id)
    post = get_visible(posts_for(actor), post_id)
    problems = Problems()
    _period(starts_on, ends_on, problems)
    problems.refuse_if_any()
    clash = staff.deployments.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).select_related("post").first()
    if clash:
        problems.add("starts_on", _("%(person)s is at %(post)s from %(a)s to %(b)s") % {
            "person": staff.name, "post": clash.post.name, "a": clash.starts_on, "b": clash.ends_on})
    rules = rules_for(post.kind)
    start = _continuous_start(staff, post, starts_on)
    if rules.max_days_at_post and (ends_on - start).days + 1 > rules.max_days_at_post:
        problems.add("ends_on", _("%(rule)s: %(person)s may stay at most %(n)d days in a row (from %(a)s)") % {
            "rule": RULE_NAMES["rotation"], "person": staff.name, "n": rules.max_days_at_post, "a": start})
    monitored = _monitoring(staff, exclude_post=post)
    if any(a <= ends_on and starts_on <= b for a, b in monitored):
        problems.add("starts_on", _("%(rule)s: %(person)s is under health monitoring until %(b)s") % {
            "rule": RULE_NAMES["health_monitoring"], "person": staff.name,
            "b": max(b for a, b in monitored if a <= ends_on)})
    problems.refuse_if_any()
    with transaction.atomic():
        deployment = Deployment.objects.create(staff=staff, post=post, starts_on=starts_on, ends_on=ends_on,
                                               sent_down=sent_down)
        audit.record_change(actor, Action.STAFF_CHANGE, deployment, before={}, person=staff.person,
                            after={"post": post.name, "from": starts_on, "to": ends_on, "sent_down": sent_down})
    return deployment


def _continuous_start(staff: Staff, post: Post, day: dt.date) -> dt.date:
    """The first day of the unbroken stay at `post` that `day` continues (back-to-back deployments count as one)."""
    start = day
    while True:
        before = staff.deployments.filter(post=post, ends_on=start - dt.timedelta(days=1)).first()
        if before is None:
            return start
        start = before.starts_on


def _monitoring(staff: Staff, exclude_post: Post | None = None) -> list[tuple[dt.date, dt.date]]:
    """The health-monitoring periods after the person's red-zone rotations."""
    out = []
    for d in staff.deployments.select_related("post"):
        if exclude_post is not None and d.post_id == exclude_post.pk:
            continue
        rules = rules_for(d.post.kind)
        if rules.red_zone and rules.monitoring_days:
            out.append((d.ends_on + dt.timedelta(days=1), d.ends_on + dt.timedelta(days=rules.monitoring_days)))
    return out


def accommodate(actor, staff_id: int, post_id: int, *, hotel: str, room: str, starts_on: dt.date,
                ends_on: dt.date) -> Accommodation:
    require(actor, "workforce.deploy")
    staff = get_visible(staff_for(actor), staff_id)
    post = get_visible(posts_for(actor), post_id)
    problems = Problems()
    if not hotel.strip():
        problems.add("hotel", _("name the hotel"))
    if not room.strip():
        problems.add("room", _("give the room number"))
    _period(starts_on, ends_on, problems)
    problems.refuse_if_any()
    overlapping = Q(starts_on__lte=ends_on, ends_on__gte=starts_on)
    taken = Accommodation.objects.filter(overlapping, hotel=hotel.strip(), room=room.strip()).first()
    if taken:
        problems.add("room", _("room %(room)s is taken from %(a)s to %(b)s") % {
            "room": room.strip(), "a": taken.starts_on, "b": taken.ends_on})
    if staff.rooms.filter(overlapping).exists():
        problems.add("starts_on", _("%(person)s has a room for these nights already") % {"person": staff.name})
    problems.refuse_if_any()
    with transaction.atomic():
        stay = Accommodation.objects.create(staff=staff, post=post, hotel=hotel.strip(), room=room.strip(),
                                            starts_on=starts_on, ends_on=ends_on)
        audit.record_change(actor, Action.STAFF_CHANGE, stay, before={}, person=staff.person,
                            after={"hotel": stay.hotel, "room": stay.room, "from": starts_on, "to": ends_on})
    return stay


# --- rosters ----------------------------------------------------------------------------------------------------------

def create_roster(actor, post_id: int, *, starts_on: dt.date | None, days: int = 28, seconds: int = 60) -> Roster:
    require(actor, "roster.plan")
    post = get_visible(posts_for(actor), post_id)
    problems = Problems()
    if starts_on is None:
        problems.add("starts_on", _("give the roster's first day"))
    if not 1 <= days <= MAX_ROSTER_DAYS:
        problems.add("days", _("a roster covers 1 to %(n)d days") % {"n": MAX_ROSTER_DAYS})
    if not 1 <= seconds <= MAX_SOLVE_SECONDS:
        problems.add("seconds", _("the solver runs 1 to %(n)d seconds") % {"n": MAX_SOLVE_SECONDS})
    if not post.shift_types.exists():
        problems.add("post_id", _("define the post's shifts first"))
    problems.refuse_if_any()
    with transaction.atomic():
        roster = Roster.objects.create(post=post, starts_on=starts_on, days=days, seconds=seconds)
        audit.record_change(actor, Action.ROSTER_CHANGE, roster, before={},
                            after={"post": post.name, "from": starts_on, "days": days})
    return roster


def _roster_for(actor, roster_id: int) -> Roster:
    return get_visible(rosters_for(actor), roster_id)


def _day_index(roster: Roster, day: dt.date | None, problems: Problems) -> int | None:
    if day is None:
        problems.add("day", _("give the day"))
        return None
    index = (day - roster.starts_on).days
    if not 0 <= index < roster.days:
        problems.add("day", _("%(d)s is outside the roster (%(a)s to %(b)s)") % {
            "d": day, "a": roster.starts_on, "b": roster.starts_on + dt.timedelta(days=roster.days - 1)})
        return None
    return index


def _rostered_staff(roster: Roster) -> QuerySet[Staff]:
    return Staff.objects.filter(deployments__post=roster.post, deployments__starts_on__lte=_last_day(roster),
                                deployments__ends_on__gte=roster.starts_on).distinct().order_by("name", "pk")


def _last_day(roster: Roster) -> dt.date:
    return roster.starts_on + dt.timedelta(days=roster.days - 1)


def add_request(actor, roster_id: int, staff_id: int, *, day: dt.date, kind: str, shift_code: str = "",
                weight: int = 1) -> ShiftRequest:
    """A person's wish for a day (a shift, or to be off): soft, weighed against the others by `weight`."""
    require(actor, "roster.plan")
    roster = _roster_for(actor, roster_id)
    problems = Problems()
    staff = _rostered_staff(roster).filter(pk=staff_id).first()
    if staff is None:
        problems.add("staff_id", _("this person is not deployed to the post during the roster"))
    _day_index(roster, day, problems)
    if kind not in RequestKind.values:
        problems.add("kind", _("a request is for a shift or to be off"))
    shift = None
    if shift_code:
        shift = roster.post.shift_types.filter(code=shift_code.strip().upper()).first()
        if shift is None:
            problems.add("shift", _("the post has no shift %(code)s") % {"code": shift_code})
    elif kind == RequestKind.ON:
        problems.add("shift", _("say which shift the person asks for"))
    if weight < 0:
        problems.add("weight", _("a weight is 0 or more"))
    problems.refuse_if_any()
    with transaction.atomic():
        request = ShiftRequest.objects.create(roster=roster, staff=staff, day=day, shift=shift, kind=kind,
                                              weight=weight)
        audit.record_change(actor, Action.ROSTER_CHANGE, roster, before={}, person=staff.person,
                            after={"request": kind, "staff": staff.pk, "day": day, "shift": shift_code})
    return request


@dataclass
class Built:
    """A roster as a rostering Problem, and the way back from the problem's ids."""

    problem: rp.Problem
    staff: dict[str, Staff]
    shifts: dict[str, ShiftType]
    roster: Roster

    def day(self, index: int) -> dt.date:
        return self.roster.starts_on + dt.timedelta(days=index)


def build_problem(roster: Roster) -> Built:
    """The roster's post, shifts, deployed staff, rest rules, requests and cover as one Problem."""
    rules = rules_for(roster.post.kind)
    shift_types = list(roster.post.shift_types.all())
    shifts = [rp.Shift(s.code, s.minutes, s.starts_at.hour * 60 + s.starts_at.minute) for s in shift_types]
    forbidden = rp.too_little_rest(shifts, rules.min_rest_minutes)
    people = list(_rostered_staff(roster))
    horizon, days = roster.days, [roster.starts_on + dt.timedelta(days=i) for i in range(roster.days)]
    staff, days_off = [], {}
    for person in people:
        key = str(person.pk)
        staff.append(rp.Staff(key, {}, max_minutes=horizon * DAY, min_minutes=0,
                              max_consecutive=rules.max_consecutive_days, min_consecutive=1,
                              min_days_off=rules.min_days_off, max_weekends=horizon,
                              max_minutes_per_week=rules.max_minutes_per_week, name=person.name))
        days_off[key] = _unavailable(person, roster, rules, days)
    cover = [rp.Cover(d, s.code, s.preferred, settings.ROSTER_UNDER_WEIGHT, settings.ROSTER_OVER_WEIGHT, s.minimum)
             for d in range(horizon) for s in shift_types]
    on, off = [], []
    for r in roster.requests.select_related("shift"):
        index = (r.day - roster.starts_on).days
        if str(r.staff_id) not in days_off or not 0 <= index < horizon:
            continue  # a request of someone no longer deployed here, or of a day the roster no longer has
        if r.kind == RequestKind.ON:
            on.append(rp.Request(str(r.staff_id), index, r.shift.code, r.weight))
        else:
            off += [rp.Request(str(r.staff_id), index, s.id, r.weight) for s in shifts
                    if r.shift is None or r.shift.code == s.id]
    problem = rp.Problem(horizon, shifts, staff, forbidden=forbidden, days_off=days_off, on_requests=on,
                         off_requests=off, cover=cover)
    return Built(problem, {str(p.pk): p for p in people}, {s.code: s for s in shift_types}, roster)


def _unavailable(person: Staff, roster: Roster, rules: RestRules, days: list[dt.date]) -> dict[int, str]:
    """The days the person may not be rostered here, each with the rule that says so."""
    here = [(d.starts_on, d.ends_on) for d in person.deployments.filter(post=roster.post)]
    monitored = _monitoring(person, exclude_post=roster.post)
    out = {}
    for index, day in enumerate(days):
        if any(a <= day <= b for a, b in monitored):
            out[index] = "health_monitoring"
        elif not any(a <= day <= b for a, b in here):
            out[index] = "not_deployed"
        elif rules.max_days_at_post and (day - _continuous_start(person, roster.post, day)).days \
                >= rules.max_days_at_post:
            out[index] = "rotation"
    return out


def current_roster(built: Built) -> rp.Roster:
    return {(str(a.staff_id), (a.day - built.roster.starts_on).days): a.shift.code
            for a in built.roster.assignments.select_related("shift")}


def queue_solve(actor, roster_id: int, *, seconds: int | None = None) -> Roster:
    """Ask for the roster to be solved; `fangkong sweep_rosters` picks it up."""
    require(actor, "roster.plan")
    roster = _roster_for(actor, roster_id)
    if seconds is not None and not 1 <= seconds <= MAX_SOLVE_SECONDS:
        raise InputRefused(("seconds", _("the solver runs 1 to %(n)d seconds") % {"n": MAX_SOLVE_SECONDS}))
    with transaction.atomic():
        _move(actor, roster, "queue", seconds=seconds or roster.seconds, progress=[], explanation={})
    return roster


def sweep_rosters(limit: int | None = None, workers: int | None = None) -> list[Roster]:
    """Solve the queued rosters, each claimed by a conditional update so two sweeps never solve the same one."""
    done = []
    for roster_id in Roster.objects.filter(status=RosterStatus.QUEUED).values_list("pk", flat=True)[:limit]:
        claimed = Roster.objects.filter(pk=roster_id, status=RosterStatus.QUEUED).update(
            status=RosterStatus.SOLVING, claimed_at=timezone.now())
        if claimed:
            done.append(_solve(Roster.objects.select_related("post").get(pk=roster_id),
                               workers or settings.ROSTER_SOLVER_WORKERS))
    return done


def _solve(roster: Roster, workers: int) -> Roster:
    """The solver runs in a thread; this one writes each better roster's penalty and bound as progress."""
    built = build_problem(roster)
    found, points = {}, queue.Queue()
    thread = threading.Thread(target=lambda: found.update(result=solve(
        built.problem, seconds=roster.seconds, workers=workers, on_progress=lambda *p: points.put(p))))
    thread.start()
    progress = []
    while thread.is_alive() or not points.empty():
        try:
            point = points.get(timeout=0.5)
        except queue.Empty:
            continue
        progress.append([round(point[0], 2), point[1], point[2]])
        Roster.objects.filter(pk=roster.pk).update(progress=progress, penalty=point[1], bound=point[2])
    thread.join()
    result = found["result"]
    with transaction.atomic():
        roster.assignments.all().delete()
        if result.status in ("optimal", "feasible"):
            Assignment.objects.bulk_create([
                Assignment(roster=roster, staff=built.staff[e], day=built.day(d), shift=built.shifts[s])
                for (e, d), s in result.roster.items()])
            _move(None, roster, "solved", penalty=result.penalty, bound=result.bound, progress=progress,
                  solved_at=timezone.now(), explanation=explain(built, result.roster, result.status))
        else:
            _move(None, roster, "infeasible", penalty=None, bound=None, progress=progress, solved_at=timezone.now(),
                  explanation={"status": result.status, "conflict": [
                      _conflict_text(built, rule, subject) for rule, subject in result.conflict]})
    return roster


def _conflict_text(built: Built, rule: str, subject) -> str:
    if rule == "cover_minimum":
        day, shift = subject
        return _("%(rule)s: %(shift)s on %(day)s") % {"rule": RULE_NAMES[rule], "shift": shift, "day": built.day(day)}
    return _("%(rule)s: %(person)s") % {"rule": RULE_NAMES[rule], "person": built.staff[subject].name}


def explain(built: Built, roster: rp.Roster, status: str) -> dict:
    """The penalty by kind, the requests not met and the shifts under or over cover, recounted by the evaluator."""
    check = evaluate(built.problem, roster)
    return {
        "status": status, "penalty": check.penalty, "by_kind": check.by_kind,
        "unmet": [{"kind": kind, "staff": built.staff[r.employee].name, "day": built.day(r.day).isoformat(),
                   "shift": r.shift, "weight": r.weight} for kind, r in check.unmet_requests],
        "gaps": [{"day": built.day(d).isoformat(), "shift": s, "staffed": n, "preferred": req}
                 for d, s, n, req in check.cover_gaps],
    }


def set_shift(actor, roster_id: int, staff_id: int, *, day: dt.date | None, shift_code: str = "") -> Roster:
    """A hand edit: the person works `shift_code` that day (nothing: the day off). Refused, naming the rule and
    the person, when the roster would then break a hard rule it did not break before."""
    require(actor, "roster.plan")
    roster = _roster_for(actor, roster_id)
    if roster.status in (RosterStatus.QUEUED, RosterStatus.SOLVING):
        raise InputRefused(("status", _("wait for the solver to finish")))
    built, problems = build_problem(roster), Problems()
    index = _day_index(roster, day, problems)
    person = built.staff.get(str(staff_id))
    if person is None:
        problems.add("staff_id", _("this person is not deployed to the post during the roster"))
    code = shift_code.strip().upper()
    if code and code not in built.shifts:
        problems.add("shift", _("the post has no shift %(code)s") % {"code": shift_code})
    problems.refuse_if_any()
    before = current_roster(built)
    after = dict(before)
    after.pop((str(staff_id), index), None)
    if code:
        after[str(staff_id), index] = code
    old = set(breaches(built.problem, before))
    new = [b for b in breaches(built.problem, after) if b not in old]
    for breach in new:
        who = built.staff[breach.employee].name if breach.employee else built.roster.post.name
        problems.add("shift", _("%(rule)s: %(person)s (%(detail)s)") % {
            "rule": RULE_NAMES[breach.rule], "person": who,
            "detail": breach.detail or built.day(breach.day if breach.day is not None else index)})
    problems.refuse_if_any()
    with transaction.atomic():
        Assignment.objects.filter(roster=roster, staff_id=staff_id, day=day).delete()
        if code:
            Assignment.objects.create(roster=roster, staff=person, day=day, shift=built.shifts[code])
        roster.penalty = evaluate(built.problem, after).penalty
        roster.explanation = explain(built, after, "edited")
        roster.save(update_fields=["penalty", "explanation"])
        audit.record_change(actor, Action.ROSTER_CHANGE, roster, person=person.person,
                            before={"shift": before.get((str(staff_id), index), "")}, after={"shift": code},
                            staff=person.pk, day=day)
    return roster


# --- the page, fatigue, the workbook ----------------------------------------------------------------------------

def is_night(shift: ShiftType) -> bool:
    start = shift.starts_at.hour * 60 + shift.starts_at.minute
    return start + shift.minutes > DAY or start < 6 * 60


@dataclass
class Row:
    staff: Staff
    cells: list[ShiftType | None]
    hours_7_days: float  # in the 7 days up to the reference day
    nights_in_a_row: int  # ending on the reference day
    off_days: dict[int, str]  # the days the person may not be rostered, by rule


def grid(actor, roster_id: int, *, reference: dt.date | None = None, export: bool = False
         ) -> tuple[Roster, list[dt.date], list[Row]]:
    """The roster as people × days with each person's fatigue figures, every person shown (or exported) audited."""
    roster = _roster_for(actor, roster_id)
    days, rows = _rows(roster, reference=reference)
    if export:
        audit.record_many(actor, Action.EXPORT_PERSON, [
            (r.staff.person_id, {"surface": "roster-xlsx", "record": "staff", "id": r.staff.pk}) for r in rows])
    else:
        audit.seen(actor, [r.staff for r in rows], surface="roster")
    return roster, days, rows


def _rows(roster: Roster, *, only: Staff | None = None, reference: dt.date | None = None):
    """People × days; the fatigue figures are those of the reference day (today, within the roster)."""
    built = build_problem(roster)
    days = [built.day(i) for i in range(roster.days)]
    ref = min(max(((reference or timezone.localdate()) - roster.starts_on).days, 0), roster.days - 1)
    cells = defaultdict(dict)
    for a in roster.assignments.select_related("shift"):
        cells[str(a.staff_id)][(a.day - roster.starts_on).days] = a.shift
    rows = []
    for key, person in built.staff.items():
        if only is not None and person.pk != only.pk:
            continue
        mine = [cells[key].get(i) for i in range(roster.days)]
        hours = sum(s.minutes for s in mine[max(0, ref - 6):ref + 1] if s) / 60
        nights = 0
        for s in reversed(mine[:ref + 1]):
            if not (s and is_night(s)):
                break
            nights += 1
        rows.append(Row(person, mine, hours, nights, built.problem.days_off.get(key, {})))
    return days, rows


def own_roster(user) -> tuple[Staff, list[Roster]] | None:
    """The signed-in person's staff record and the rosters they are on."""
    staff = Staff.objects.filter(user=user).first() if user.is_authenticated else None
    if staff is None:
        return None
    rosters = Roster.objects.filter(post__deployments__staff=staff).distinct().select_related("post").order_by(
        "-starts_on")
    return staff, list(rosters)


def own_grid(user, roster_id: int) -> tuple[Roster, list[dt.date], list[Row]]:
    """One person's own roster: theirs to see whatever their role's scope, and only their row."""
    mine = own_roster(user)
    roster = next((r for r in mine[1] if r.pk == roster_id), None) if mine else None
    if roster is None:
        raise NotFound()
    days, rows = _rows(roster, only=mine[0])
    audit.seen(user, [r.staff for r in rows], surface="own-roster")
    return roster, days, rows


# Fill colours of the shifts in the workbook, by the shift's order in the day (the page's CSS has the same ones).
SHIFT_COLOURS = ("#cfe8ff", "#ffe2b3", "#d9c7f2", "#c8ecd0", "#f6c6c6", "#e9e3c8")


def workbook(actor, roster_id: int) -> tuple[str, bytes]:
    """The roster as an .xlsx: people × days, each shift in its colour, the fatigue figures, the penalty."""
    roster, days, rows = grid(actor, roster_id, export=True)
    shifts = list(roster.post.shift_types.all())
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_("Roster"))
    bold = book.add_format({"bold": True})
    fills = {s.pk: book.add_format({"bg_color": SHIFT_COLOURS[i % len(SHIFT_COLOURS)], "align": "center",
                                    "border": 1}) for i, s in enumerate(shifts)}
    off = book.add_format({"font_color": "#888888", "align": "center", "border": 1})
    sheet.write(0, 0, f"{roster.post.name} {days[0]} – {days[-1]}", bold)
    header = [_("Name"), *[f"{d:%m-%d}" for d in days], _("Hours in 7 days"), _("Nights in a row")]
    sheet.write_row(2, 0, header, bold)
    for r, row in enumerate(rows, start=3):
        sheet.write(r, 0, row.staff.name)
        for c, shift in enumerate(row.cells, start=1):
            if shift:
                sheet.write(r, c, shift.code, fills[shift.pk])
            else:
                sheet.write(r, c, "", off)
        sheet.write(r, len(days) + 1, row.hours_7_days)
        sheet.write(r, len(days) + 2, row.nights_in_a_row)
    legend = len(rows) + 4
    for i, s in enumerate(shifts):
        sheet.write(legend + i, 0, s.code, fills[s.pk])
        sheet.write(legend + i, 1, f"{s.name} {s.starts_at:%H:%M} +{s.minutes} min")
    if roster.penalty is not None:
        sheet.write(legend + len(shifts) + 1, 0, _("Penalty"), bold)
        sheet.write(legend + len(shifts) + 1, 1, roster.penalty)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, len(days), 5)
    sheet.freeze_panes(3, 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    book.close()
    return f"roster-{roster.pk}-{days[0]}.xlsx", out.getvalue()


def coverage(roster: Roster, rows: list[Row], days: list[dt.date]) -> list[tuple[ShiftType, list[int]]]:
    """How many people each shift has on each day, beside its minimum and preferred cover."""
    counts = Counter((i, s.pk) for row in rows for i, s in enumerate(row.cells) if s)
    return [(s, [counts[i, s.pk] for i in range(len(days))]) for s in roster.post.shift_types.all()]
