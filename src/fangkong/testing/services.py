"""Use cases of testing: tubes and their people, lab receipt and results, tests due, campaigns, coverage."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong import bulk
from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import get_visible
from fangkong.analytics import pooling
from fangkong.analytics.pooling import PoolAdvice
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.batches import Outcome as BatchOutcome
from fangkong.choices import Words
from fangkong.errors import Conflict, InputRefused, Problems
from fangkong.idempotency import services as idempotency
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import IdType, Person
from fangkong.people.services import Export, Masked, identity_hash

from .models import (
    Campaign,
    DueStatus,
    Group,
    KeyGroup,
    Outcome,
    Purpose,
    Round,
    Sample,
    SampleMember,
    SampleStatus,
    SamplingPoint,
    Schedule,
    TestDue,
    TestingRules,
    default_campaign_rules,
)

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
CODE = re.compile(r"[A-Z0-9-]{4,40}")
RESIDENT_ID = re.compile(r"\d{17}[\dX]")
OPEN_DUE = (DueStatus.DUE, DueStatus.SAMPLED)
OUTCOMES = Words(Outcome, {Outcome.NEGATIVE: ("阴性", "neg", "-"), Outcome.POSITIVE: ("阳性", "pos", "+"),
                           Outcome.INVALID: ("无效", "无效样本")})


@dataclass(frozen=True)
class Result:
    """One result that concerns a person: the tube's, so a pooled tube's result is the pool's, not theirs."""

    sample_id: int
    code: str
    sampled_at: dt.datetime
    resulted_at: dt.datetime
    outcome: str
    ct: Decimal | None
    pooled: bool

    @property
    def negative(self) -> bool:
        return self.outcome == Outcome.NEGATIVE


def results_of(person, *, single_only: bool = False) -> list[Result]:
    """Every result of a tube `person` was in, oldest sampling first (pending tubes left out).

    For a decision about the person (discharge after two negatives 24 h apart) pass `single_only=True`: a
    pooled tube's negative speaks for the pool. Reads no scope: the caller already holds the person."""
    members = SampleMember.objects.filter(person=person, sample__resulted_at__isnull=False)
    if single_only:
        members = members.filter(sample__pool_size=1)
    samples = Sample.objects.filter(pk__in=members.values("sample_id")).order_by("sampled_at", "id")
    return [Result(s.pk, s.code, s.sampled_at, s.resulted_at, s.outcome, s.ct, s.pooled) for s in samples]


# --- settings -----------------------------------------------------------------------------------

def rules() -> TestingRules:
    """The testing rules in force; a fresh deployment gets the defaults."""
    found = TestingRules.objects.filter(active=True).order_by("-id").first()
    if found is None:
        found = TestingRules.objects.get_or_create(name="默认（第九版）")[0]
        found.refresh_from_db()  # a new row as stored: the cut-off a time, not its "23:59" default string
    return found


def _zone():
    return ZoneInfo(settings.TIME_ZONE)


def clearance_deadline(at: dt.datetime, cutoff: dt.time) -> dt.datetime:
    """当日清零: the result of a test asked for at `at` is due by the cut-off of that local day."""
    local = at.astimezone(_zone())
    return dt.datetime.combine(local.date(), cutoff, tzinfo=_zone())


# --- scoped reads -------------------------------------------------------------------------------

def samples_for(actor) -> QuerySet[Sample]:
    return Sample.objects.visible_to(actor)


def tests_due_for(actor) -> QuerySet[TestDue]:
    return TestDue.objects.visible_to(actor).select_related("person", "person__grid", "sample")


def open_tests_for(actor) -> QuerySet[TestDue]:
    """The to-do: tests not yet back, soonest deadline first."""
    return tests_due_for(actor).filter(status__in=OPEN_DUE)


def overdue_for(actor, now: dt.datetime | None = None, *, under=None) -> QuerySet[TestDue]:
    """Tests whose result is not back by their deadline: the unit must still sample, or the lab must report.
    `under` (a jurisdiction in the actor's subtree) narrows them to the place a dashboard shows."""
    overdue = open_tests_for(actor).filter(due_at__lt=now or timezone.now())
    return overdue.filter(owner_path__startswith=under.path) if under is not None else overdue


def waiting_in_lab_for(actor) -> QuerySet[Sample]:
    """Tubes a lab received in the actor's subtree that have no result yet, oldest first."""
    return Sample.objects.filter(lab_path__startswith=_path(actor), status=SampleStatus.RECEIVED) \
        .order_by("received_at") if _path(actor) is not None else Sample.objects.none()


def _path(actor) -> str | None:
    return access.scope_path(actor)


def campaigns_for(actor) -> QuerySet[Campaign]:
    """Campaigns the actor may see: those in their subtree and those whose area holds the actor's node (a grid
    works in the city's campaign; its figures are the grid's own)."""
    path = _path(actor)
    if path is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(Q(owner_path__startswith=path) | Q(owner_path__in=_ancestors(path))) \
        .select_related("area")


def _ancestors(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[:n]) for n in range(1, len(parts))]


def get_campaign_for(actor, campaign_id) -> Campaign:
    return get_visible(campaigns_for(actor), campaign_id)


def points_for(actor) -> QuerySet[SamplingPoint]:
    return SamplingPoint.objects.visible_to(actor).select_related("campaign", "jurisdiction")


def get_point_for(actor, point_id) -> SamplingPoint:
    return get_visible(points_for(actor), point_id)


def _tube(actor, code: str, *, lock: bool = False) -> Sample:
    code = (code or "").strip().upper()
    queryset = samples_for(actor).select_for_update() if lock else samples_for(actor)
    sample = queryset.filter(code=code).first() if code else None
    if sample is None:
        raise InputRefused(("tube", _("unknown tube code %(c)s") % {"c": code or "—"}))
    return sample


def _clean_code(raw: str, problems: Problems) -> str:
    code = (raw or "").strip().upper()
    if not CODE.fullmatch(code):
        problems.add("tube", _("a tube code is 4 to 40 letters, digits or dashes, as its label prints it"))
    return code


# --- tests asked for: same-day clearance, schedules, periodic key groups ----------------------------

def ask_test(actor, person_id: int, *, purpose: str = Purpose.CLEARANCE, due_at: dt.datetime | None = None,
             note: str = "") -> TestDue:
    """A test one person must take: a suspected case's is due the same day (当日清零). The unit that must sample
    is the person's grid; the to-do shows it there until a tube is taken, then waits on the lab."""
    require(actor, "test.ask")
    person = access.get_person_for(actor, person_id)
    if purpose not in Purpose.values or purpose == Purpose.CAMPAIGN:
        raise InputRefused(("purpose", _("a single test is a same-day, scheduled, periodic, re-test or clinical one")))
    now = timezone.now()
    due_at = due_at or clearance_deadline(now, rules().clearance_cutoff)
    if due_at < now - FUTURE_TOLERANCE:
        raise InputRefused(("due_at", _("the deadline has already passed")))
    with transaction.atomic():
        [due] = _ask(actor, [person], purpose=purpose, due_at=due_at, note=note)
    return due


def _ask(actor, persons, *, purpose: str, due_at: dt.datetime, note: str = "", retest_of: Sample | None = None,
         owner_path: str | None = None) -> list[TestDue]:
    """Tests due for many people at once, in bulk, audited; a test of the same purpose already due that day
    for a person is kept, not doubled. Call inside a transaction."""
    day = timezone.localtime(due_at, _zone()).date()
    already = dict(TestDue.objects.filter(person__in=[p.pk for p in persons], purpose=purpose, day=day,
                                          status=DueStatus.DUE).values_list("person_id", "pk"))
    dues = [TestDue(person=p, purpose=purpose, day=day, due_at=due_at, retest_of=retest_of, note=note,
                    owner_path=owner_path or p.jurisdiction_path) for p in persons if p.pk not in already]
    bulk.insert(dues)
    audit.record_many(actor, Action.TEST_RESULT, [(d.person_id, audit.changes(
        d, {}, {"status": d.status, "purpose": purpose, "due_at": due_at, "retest_of": retest_of}, change="asked"))
        for d in dues])
    return dues + list(TestDue.objects.filter(pk__in=already.values()))


def schedule_tests(actor, person_id: int, applies_to: str, start: dt.date) -> list[TestDue]:
    """The tests a schedule (data) gives a person whose period starts on `start` (day 1): e.g. a close contact in
    central quarantine on days 1, 2, 3, 5 and 7 (第九版), each due by the end of its day."""
    require(actor, "test.ask")
    person = access.get_person_for(actor, person_id)
    schedule = Schedule.objects.filter(applies_to=applies_to, active=True).order_by("-id").first()
    if schedule is None or not schedule.days:
        raise InputRefused(("schedule", _("no schedule of tests by day is in force for this group")))
    cutoff, made = rules().clearance_cutoff, []
    with transaction.atomic():
        for day in schedule.days:
            at = dt.datetime.combine(start + dt.timedelta(days=int(day) - 1), cutoff, tzinfo=_zone())
            made += _ask(actor, [person], purpose=Purpose.SCHEDULE, due_at=at, note=schedule.name)
    return made


def sweep_periodic_tests(today: dt.date | None = None) -> int:
    """Ask the periodic test of every key-group member whose last test is N days old or more (the group's
    schedule); safe to run twice a day: a test already due that day is not asked again."""
    today = today or timezone.localdate()
    cutoff, made = rules().clearance_cutoff, 0
    for group in KeyGroup.objects.select_related("schedule").filter(schedule__active=True,
                                                                      schedule__every_days__isnull=False):
        since = today - dt.timedelta(days=group.schedule.every_days - 1)
        recent = SampleMember.objects.filter(person__in=group.members.all(),
                                             sample__sampled_at__date__gte=since).values("person_id")
        asked = TestDue.objects.filter(purpose=Purpose.PERIODIC, day__gte=since).values("person_id")
        persons = list(group.members.exclude(pk__in=recent).exclude(pk__in=asked))
        with transaction.atomic():
            made += len(_ask(None, persons, purpose=Purpose.PERIODIC, note=group.name,
                             due_at=dt.datetime.combine(today, cutoff, tzinfo=_zone()), owner_path=group.owner_path))
    return made


def take_sample(actor, due_id: int, code: str, *, idempotency_key: str | None = None) -> Sample:
    """Sample a person for a test due, in a single tube with its own code: the to-do item now waits on the lab."""
    require(actor, "sample.take")
    problems = Problems()
    code = _clean_code(code, problems)
    problems.refuse_if_any()
    payload = {"due": due_id, "code": code}

    def make() -> Sample:
        due = get_visible(tests_due_for(actor).select_for_update(of=("self",)), due_id)
        if due.status != DueStatus.DUE:
            raise Conflict(("due", _("this test was already taken (%(s)s)") % {"s": due.get_status_display()}))
        now = timezone.now()
        try:
            with transaction.atomic():
                sample = Sample.objects.create(code=code, purpose=due.purpose, pool_size=1, sampled_at=now,
                                               status=SampleStatus.SEALED, owner_path=due.owner_path,
                                               created_by=actor)
        except IntegrityError:
            raise Conflict(("tube", _("tube code %(c)s is already used") % {"c": code})) from None
        SampleMember.objects.create(sample=sample, person=due.person, jurisdiction_path=due.person.jurisdiction_path,
                                    added_at=now)
        due.status, due.sample = DueStatus.SAMPLED, sample
        due.save(update_fields=["status", "sample"])
        audit.record_change(actor, Action.SAMPLE_CHANGE, sample, person=due.person, before={},
                            after={"code": code, "purpose": due.purpose, "pool_size": 1, "due": due.pk})
        return sample

    with transaction.atomic():
        return idempotency.once(actor, "testing.take_sample", samples_for(actor), idempotency_key, payload, make)[0]


# --- campaigns ----------------------------------------------------------------------------------

def clean_rules(raw, problems: Problems, max_pool: int) -> dict[str, int]:
    """A campaign's pool size per group: every group named, each 1 (single tube), 0 (one tube per household) or a
    pool of 2 to the largest pool the rules allow (no pooling of pools)."""
    raw = raw if isinstance(raw, dict) else {}
    result = {}
    for group in Group.values:
        try:
            size = int(raw.get(group, default_campaign_rules()[group]))
        except (TypeError, ValueError):
            size = -1
        if not 0 <= size <= max_pool:
            problems.add("rules", _("%(g)s: the pool size is 0 (per household), 1 (single tube) or up to %(n)d")
                         % {"g": Group(group).label, "n": max_pool})
        result[group] = size
    return result


def declare_campaign(actor, *, name: str, area_code: str, rounds: int = 3, round_hours: int = 24,
                     starts_at: dt.datetime | None = None, rules_by_group: dict | None = None) -> Campaign:
    """The command centre declares mass testing of a subtree: rounds of a target time each (指南第三版: 24 h,
    cities over 10M included), and how each group is sampled."""
    require(actor, "campaign.declare")
    area = access.get_jurisdiction_for(actor, area_code)
    problems = Problems()
    if not (name or "").strip():
        problems.add("name", _("give the campaign a name"))
    if not 1 <= _int(rounds) <= 10:
        problems.add("rounds", _("a campaign has 1 to 10 rounds"))
    if not 1 <= _int(round_hours) <= 72:
        problems.add("round_hours", _("a round's target time is 1 to 72 hours"))
    cleaned = clean_rules(rules_by_group or default_campaign_rules(), problems, rules().max_pool)
    starts_at = starts_at or timezone.now()
    problems.refuse_if_any()
    rounds, round_hours = int(rounds), int(round_hours)
    with transaction.atomic():
        campaign = Campaign.objects.create(name=name.strip(), area=area, rounds=rounds, round_hours=round_hours,
                                           rules=cleaned, owner_path=area.path, created_by=actor)
        Round.objects.bulk_create([
            Round(campaign=campaign, number=n + 1, owner_path=area.path, starts_at=starts_at + dt.timedelta(days=n),
                  target_at=starts_at + dt.timedelta(days=n, hours=round_hours))
            for n in range(rounds)])
        audit.record_change(actor, Action.CAMPAIGN_CHANGE, campaign, before={},
                            after={"name": campaign.name, "area": area.code, "rounds": rounds,
                                   "round_hours": round_hours, "rules": cleaned, "starts_at": starts_at})
    return campaign


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def add_point(actor, campaign_id: int, *, name: str, jurisdiction_code: str, population: int,
              group: str = Group.GENERAL) -> SamplingPoint:
    """A sampling point serving an area of the campaign (指南: one per 2,000-3,000 people)."""
    require(actor, "campaign.declare")
    campaign = get_visible(Campaign.objects.visible_to(actor), campaign_id)
    node = access.get_jurisdiction_for(actor, jurisdiction_code)
    problems = Problems()
    if not node.path.startswith(campaign.owner_path):
        problems.add("jurisdiction", _("the point must serve a place inside the campaign's area"))
    if not (name or "").strip():
        problems.add("name", _("give the point a name"))
    if not 1 <= _int(population) <= 100_000:
        problems.add("population", _("the population served is 1 to 100,000 people"))
    if group not in Group.values:
        problems.add("group", _("unknown group %(g)s") % {"g": group})
    problems.refuse_if_any()
    with transaction.atomic():
        point = SamplingPoint.objects.create(campaign=campaign, name=name.strip(), jurisdiction=node,
                                             population=int(population), group=group, owner_path=node.path)
        audit.record_change(actor, Action.CAMPAIGN_CHANGE, point, before={},
                            after={"name": point.name, "jurisdiction": node.code, "population": point.population,
                                   "group": group})
    return point


def current_round(campaign: Campaign, now: dt.datetime | None = None) -> Round | None:
    """The round being sampled: the latest that has begun and is not closed."""
    now = now or timezone.now()
    return campaign.round_set.filter(starts_at__lte=now, closed_at=None).order_by("-number").first()


def open_tube(actor, point_id: int, code: str, *, idempotency_key: str | None = None) -> Sample:
    """A sampling point scans a new tube: its size comes from the campaign's rule for the point's group. The same
    code scanned again at the same point (a phone that lost the answer) is the same tube."""
    require(actor, "sample.take")
    problems = Problems()
    code = _clean_code(code, problems)
    problems.refuse_if_any()
    with transaction.atomic():
        point = get_visible(points_for(actor), point_id)
        round_ = current_round(point.campaign)
        if round_ is None:
            raise InputRefused(("round", _("no round of this campaign is being sampled now")))
        earlier = Sample.objects.filter(code=code).first()
        if earlier is not None:
            if earlier.point_id == point.pk and earlier.round_id == round_.pk:
                return earlier
            raise Conflict(("tube", _("tube code %(c)s is already used") % {"c": code}))
        size = int(point.campaign.rules.get(point.group, 1))

        def make() -> Sample:
            sample = Sample.objects.create(code=code, purpose=Purpose.CAMPAIGN, pool_size=size, round=round_,
                                           point=point, sampled_at=timezone.now(), owner_path=point.owner_path,
                                           created_by=actor)
            audit.record_change(actor, Action.SAMPLE_CHANGE, sample, before={},
                                after={"code": code, "pool_size": size, "point": point.pk, "round": round_.number})
            return sample

        return idempotency.once(actor, "testing.open_tube", samples_for(actor), idempotency_key,
                                {"point": point.pk, "code": code}, make)[0]


def find_person(actor, typed: str) -> Person:
    """A person by what the point scans or types: the resident ID (from the card or the health code's QR)."""
    compact = (typed or "").strip().replace(" ", "").upper()
    if not RESIDENT_ID.fullmatch(compact):
        raise InputRefused(("id_number", _("scan the person's code or type their 18-character resident ID")))
    person = access.persons_for(actor).filter(
        id_number_hash=identity_hash(IdType.RESIDENT_ID, compact)).first()
    if person is None:
        raise InputRefused(("id_number", _("no one with this ID is registered here: register them first")))
    return person


@dataclass(frozen=True)
class Added:
    sample: Sample
    person: Person
    created: bool  # False: the person was already in this tube (a resubmission)

    @property
    def count(self) -> int:
        return self.sample.members.count()


def add_to_tube(actor, code: str, typed_id: str, *, point_id: int | None = None,
                idempotency_key: str | None = None) -> Added:
    """Add one person to an open tube (of the point, when one is named); the tube seals itself when it reaches its
    pool size. A person already in another tube of the round is refused, one already in this tube counts once."""
    require(actor, "sample.take")
    point = get_point_for(actor, point_id) if point_id is not None else None
    person = find_person(actor, typed_id)
    payload = {"code": (code or "").strip().upper(), "person": person.pk}
    with transaction.atomic():
        sample = _tube(actor, code, lock=True)
        if point is not None and sample.point_id != point.pk:
            raise InputRefused(("tube", _("tube %(c)s was opened at another point") % {"c": sample.code}))
        if sample.members.filter(person=person).exists():
            return Added(sample, person, False)
        problems = Problems()
        if sample.status != SampleStatus.OPEN:
            problems.add("tube", _("tube %(c)s is sealed (%(n)d people): scan a new tube")
                         % {"c": sample.code, "n": sample.members.count()})
        elif sample.pool_size and sample.members.count() >= sample.pool_size:
            problems.add("tube", _("tube %(c)s is full: it holds %(n)d people") % {"c": sample.code,
                                                                                   "n": sample.pool_size})
        if sample.round_id:
            other = SampleMember.objects.filter(round=sample.round_id, person=person).select_related("sample").first()
            if other is not None:
                problems.add("id_number", _("already sampled in this round, in tube %(c)s") % {"c": other.sample.code})
        if sample.pool_size == 0 and sample.household_id and person.household_id != sample.household_id:
            problems.add("id_number", _("this tube is one household's: the person lives in another household"))
        problems.refuse_if_any()

        def make() -> SampleMember:
            member = SampleMember.objects.create(sample=sample, person=person, round_id=sample.round_id,
                                                 jurisdiction_path=person.jurisdiction_path, added_at=timezone.now())
            count = sample.members.count()
            audit.record_change(actor, Action.SAMPLE_CHANGE, sample, person=person, before={"people": count - 1},
                                after={"people": count})
            if sample.pool_size == 0 and not sample.household_id:
                sample.household_id = person.household_id
                sample.save(update_fields=["household"])
            if sample.pool_size and count >= sample.pool_size:
                _seal(actor, sample)
            return member

        members = SampleMember.objects.filter(sample__in=samples_for(actor))
        member, created = idempotency.once(actor, "testing.add_to_tube", members, idempotency_key, payload, make)
    sample.refresh_from_db()
    return Added(sample, person, created)


def _seal(actor, sample: Sample) -> None:
    before = sample.status
    sample.status = SampleStatus.SEALED
    sample.save(update_fields=["status"])
    audit.record_change(actor, Action.SAMPLE_CHANGE, sample, before={"status": before},
                        after={"status": sample.status, "people": sample.members.count()})


def seal_tube(actor, code: str, *, point_id: int | None = None) -> Sample:
    """Close a tube before it is full (the queue ended); an empty tube cannot be sealed."""
    require(actor, "sample.take")
    point = get_point_for(actor, point_id) if point_id is not None else None
    with transaction.atomic():
        sample = _tube(actor, code, lock=True)
        if point is not None and sample.point_id != point.pk:
            raise InputRefused(("tube", _("tube %(c)s was opened at another point") % {"c": sample.code}))
        if sample.status == SampleStatus.SEALED:
            return sample
        if sample.status != SampleStatus.OPEN:
            raise InputRefused(("tube", _("tube %(c)s is already with the lab") % {"c": sample.code}))
        if not sample.members.exists():
            raise InputRefused(("tube", _("tube %(c)s is empty") % {"c": sample.code}))
        _seal(actor, sample)
    return sample


# --- the lab ------------------------------------------------------------------------------------

def receive_tubes(actor, codes: Sequence[str]) -> list[BatchOutcome]:
    """The lab scans tubes in (one, or a rack of thousands): each known, non-empty tube is received once (a second
    scan is a repeat); unknown codes and empty tubes are refused by name, the others received together."""
    require(actor, "sample.receive")
    lab_path, now = _path(actor) or "", timezone.now()
    cleaned = [(raw or "").strip().upper() for raw in codes]
    with transaction.atomic():
        known = {s.code: s for s in samples_for(actor).select_for_update().filter(code__in=set(cleaned))}
        filled = set(SampleMember.objects.filter(sample__in=[s.pk for s in known.values()])
                     .values_list("sample_id", flat=True).distinct())
        outcomes, received = [], {}
        for code in cleaned:
            sample = known.get(code)
            if sample is None:
                outcomes.append(BatchOutcome(refused=InputRefused(("tube", _("unknown tube code %(c)s")
                                                                   % {"c": code or "—"}))))
            elif sample.received_at is not None or code in received:
                outcomes.append(BatchOutcome(record=sample, repeated=True))
            elif sample.pk not in filled:
                outcomes.append(BatchOutcome(refused=InputRefused(("tube", _("tube %(c)s is empty") % {"c": code}))))
            else:
                received[code] = sample
                outcomes.append(BatchOutcome(record=sample, created=True))
        before = {s.pk: s.status for s in received.values()}
        for sample in received.values():
            sample.status, sample.received_at, sample.lab_path = SampleStatus.RECEIVED, now, lab_path
        bulk.update(list(received.values()), ["status", "received_at", "lab_path"])
        audit.record_many(actor, Action.SAMPLE_CHANGE, [(None, audit.changes(
            s, {"status": before[s.pk]}, {"status": s.status, "received_at": now})) for s in received.values()])
    return outcomes


@dataclass(frozen=True)
class TubeEntry:
    """One closed tube as a point's phone sends it with others: its code and the people scanned into it (by the
    register's person id, which the health code carries)."""

    code: str
    person_ids: Sequence[int]


def ingest_tubes(actor, point_id: int, entries: Sequence[TubeEntry]) -> list[BatchOutcome]:
    """A batch of closed tubes from one point (a phone catching up after a dead spot, thousands at once): every
    tube is checked first (code, pool size, people known and not yet in another tube of the round); those that
    pass are stored sealed, in bulk; a tube sent again with the same people is a repeat, counted once."""
    require(actor, "sample.take")
    point = get_point_for(actor, point_id)
    round_ = current_round(point.campaign)
    if round_ is None:
        raise InputRefused(("round", _("no round of this campaign is being sampled now")))
    size = int(point.campaign.rules.get(point.group, 1))
    codes = [(e.code or "").strip().upper() for e in entries]
    wanted = {pid for e in entries for pid in e.person_ids}
    paths = dict(access.persons_for(actor).filter(pk__in=wanted).values_list("pk", "jurisdiction_path"))
    earlier = {s.code: s for s in Sample.objects.filter(code__in=set(codes))}
    earlier_members = {}
    for sample_id, person_id in SampleMember.objects.filter(sample__in=[s.pk for s in earlier.values()]) \
            .values_list("sample_id", "person_id"):
        earlier_members.setdefault(sample_id, set()).add(person_id)
    in_round = dict(SampleMember.objects.filter(round=round_, person__in=wanted).values_list("person_id",
                                                                                            "sample__code"))
    outcomes, accepted, taken = [], [], {}
    for entry, code in zip(entries, codes):
        problems, people = Problems(), list(dict.fromkeys(entry.person_ids))
        if not CODE.fullmatch(code):
            problems.add("tube", _("a tube code is 4 to 40 letters, digits or dashes, as its label prints it"))
        sample = earlier.get(code)
        if sample is not None:
            if sample.point_id == point.pk and earlier_members.get(sample.pk, set()) == set(people):
                outcomes.append(BatchOutcome(record=sample, repeated=True))
                continue
            problems.add("tube", _("tube code %(c)s is already used") % {"c": code})
        if code in taken:
            problems.add("tube", _("tube code %(c)s is already used") % {"c": code})
        if not people:
            problems.add("tube", _("tube %(c)s is empty") % {"c": code})
        elif size and len(people) > size:
            problems.add("tube", _("tube %(c)s is full: it holds %(n)d people") % {"c": code, "n": size})
        for pid in people:
            if pid not in paths:
                problems.add("person", _("no one with this ID is registered here: register them first"))
                break
            other = in_round.get(pid) or taken.get(pid)
            if other:
                problems.add("person", _("already sampled in this round, in tube %(c)s") % {"c": other})
                break
        if problems.found:
            outcomes.append(BatchOutcome(refused=InputRefused(*problems.found)))
            continue
        taken.update(dict.fromkeys(people, code))
        taken[code] = code
        accepted.append((len(outcomes), code, people))
        outcomes.append(BatchOutcome())
    if accepted:
        now = timezone.now()
        with transaction.atomic():
            samples = [Sample(code=code, purpose=Purpose.CAMPAIGN, pool_size=size, round=round_, point=point,
                              status=SampleStatus.SEALED, sampled_at=now, owner_path=point.owner_path,
                              created_by=actor) for _index, code, _people in accepted]
            bulk.insert(samples)
            stamp = connection.ops.adapt_datetimefield_value(now)
            bulk.write_rows(SampleMember, ["sample_id", "person_id", "round_id", "jurisdiction_path", "added_at"], (
                (sample.pk, pid, round_.pk, paths[pid], stamp)
                for sample, (_index, _code, people) in zip(samples, accepted) for pid in people))
            audit.record_many(actor, Action.SAMPLE_CHANGE, [(None, audit.changes(
                sample, {}, {"code": sample.code, "status": sample.status, "people": len(people)}))
                for sample, (_index, _code, people) in zip(samples, accepted)])
        for sample, (index, _code, _people) in zip(samples, accepted):
            outcomes[index].record, outcomes[index].created = sample, True
    return outcomes


@dataclass(frozen=True)
class ResultInput:
    code: str
    outcome: str
    ct: Decimal | str | None = None
    resulted_at: dt.datetime | None = None


def _check_result(entry: ResultInput, known: dict[str, Sample], limits: TestingRules, now: dt.datetime) -> dict:
    problems = Problems()
    code = (entry.code or "").strip().upper()
    sample = known.get(code)
    if not code:
        problems.add("tube", _("give the tube code"))
    elif sample is None:
        problems.add("tube", _("unknown tube code %(c)s") % {"c": code})
    elif sample.received_at is None:
        problems.add("tube", _("tube %(c)s was never received by the lab: scan it in first") % {"c": code})
    outcome = OUTCOMES.value(str(entry.outcome or "").strip())
    if outcome is None:
        problems.add("outcome", _("the result is negative, positive or invalid"))
    ct = None
    if entry.ct not in (None, ""):
        try:
            ct = Decimal(str(entry.ct).strip()).quantize(Decimal("0.1"))
            if not ct.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.add("ct", _("the Ct is a number such as 32.5"))
        else:
            if not limits.ct_min < ct <= limits.ct_max:
                problems.add("ct", _("a Ct of %(ct)s is impossible: it lies above %(lo)s and at most %(hi)s")
                             % {"ct": ct, "lo": limits.ct_min, "hi": limits.ct_max})
                ct = None
    if outcome == Outcome.POSITIVE and ct is None and not any(p.field == "ct" for p in problems.found):
        problems.add("ct", _("a positive result needs its Ct"))
    if outcome == Outcome.NEGATIVE and ct is not None and ct < limits.negative_ct:
        problems.add("ct", _("a Ct of %(ct)s is below the negative cut-off %(cut)s: not a negative")
                     % {"ct": ct, "cut": limits.negative_ct})
    at = entry.resulted_at or now
    if at > now + FUTURE_TOLERANCE:
        problems.add("resulted_at", _("this time is in the future"))
    elif sample is not None and at < sample.sampled_at:
        problems.add("resulted_at", _("a result comes after its tube was sampled"))
    if sample is not None and sample.resulted_at is not None and not problems.found and (
            sample.outcome, sample.ct) != (outcome, ct):
        problems.add("tube", _("tube %(c)s already has a result (%(r)s): a correction goes through the lab's head")
                     % {"c": code, "r": sample.get_outcome_display()})
    problems.refuse_if_any()
    return {"sample": sample, "outcome": outcome, "ct": ct, "at": at}


def record_results(actor, entries: Sequence[ResultInput], *, write: bool = True) -> list[BatchOutcome]:
    """The lab reports per tube. Every entry is checked first (unknown or unreceived tubes, impossible Ct); those
    that pass are stored together; a result sent again is a repeat. With `write=False` nothing is stored.
    Callers go through pathways.testing.record_results, which acts on the positives."""
    require(actor, "result.record")
    limits, now = rules(), timezone.now()
    codes = {(e.code or "").strip().upper() for e in entries}
    known = {s.code: s for s in samples_for(actor).filter(code__in=codes)}
    outcomes, checked = [], {}
    for index, entry in enumerate(entries):
        try:
            checked[index] = _check_result(entry, known, limits, now)
            outcomes.append(BatchOutcome())
        except InputRefused as refused:
            outcomes.append(BatchOutcome(refused=refused))
    first = {}
    for index, item in list(checked.items()):
        sample = item["sample"]
        if sample.resulted_at is not None or sample.pk in first:
            outcomes[index].record, outcomes[index].repeated = sample, True
            del checked[index]
        else:
            first[sample.pk] = index
    if write and checked:
        with transaction.atomic():
            _store_results(actor, list(checked.values()))
        for index, item in checked.items():
            outcomes[index].record, outcomes[index].created = item["sample"], True
    return outcomes


def _store_results(actor, items: list[dict]) -> None:
    samples = []
    for item in items:
        sample = item["sample"]
        sample.outcome, sample.ct, sample.resulted_at, sample.status = (item["outcome"], item["ct"], item["at"],
                                                                        SampleStatus.RESULTED)
        samples.append(sample)
    bulk.update(samples, ["outcome", "ct", "resulted_at", "status"])
    TestDue.objects.filter(sample__in=samples, status=DueStatus.SAMPLED).update(status=DueStatus.DONE)
    singles = dict(SampleMember.objects.filter(sample__in=[s for s in samples if s.pool_size == 1])
                   .values_list("sample_id", "person_id"))
    audit.record_many(actor, Action.TEST_RESULT, [(singles.get(s.pk), audit.changes(
        s, {"status": SampleStatus.RECEIVED}, {"status": s.status, "outcome": s.outcome, "ct": s.ct,
                                               "resulted_at": s.resulted_at})) for s in samples])


def results_refused(outcomes: list[BatchOutcome], entries: Sequence[ResultInput]) -> None:
    """Refuse a whole form or API batch when one of its entries was refused, each problem naming its tube."""
    problems = Problems()
    for outcome, entry in zip(outcomes, entries):
        for problem in outcome.refused.problems if outcome.refused else ():
            problems.add(problem.field, f"{(entry.code or '').strip().upper() or '—'}: {problem.message}")
    problems.refuse_if_any()


def ask_retests(actor, sample: Sample, at: dt.datetime) -> list[TestDue]:
    """A positive (or invalid) pool: each person in it gets a single-tube re-test, due within the rules' hours.
    The pooled tube itself is never pooled again. Call inside a transaction."""
    persons = [m.person for m in sample.members.select_related("person")]
    return _ask(actor, persons, purpose=Purpose.RETEST, retest_of=sample,
                due_at=at + dt.timedelta(hours=rules().retest_hours))


# --- coverage and progress ----------------------------------------------------------------------

@dataclass(frozen=True)
class GridCoverage:
    path: str
    code: str
    name: str
    due: int
    sampled: int

    @property
    def share(self) -> float:
        return self.sampled / self.due if self.due else 1.0

    @property
    def missed(self) -> int:
        return max(self.due - self.sampled, 0)


def _area_for(actor, round_: Round) -> str:
    """The part of the round's area the actor answers for: the area, or their own subtree inside it."""
    path = _path(actor) or ""
    return path if path.startswith(round_.owner_path) else round_.owner_path


def get_round_for(actor, round_id) -> Round:
    return get_visible(Round.objects.filter(campaign__in=campaigns_for(actor)).select_related("campaign"), round_id)


def coverage(actor, round_id: int) -> list[GridCoverage]:
    """应检尽检 by grid: the people registered in each grid of the area (due) and those sampled in this round."""
    round_ = get_round_for(actor, round_id)
    area = _area_for(actor, round_)
    due = dict(Person.objects.filter(jurisdiction_path__startswith=area).values_list("jurisdiction_path")
               .annotate(n=Count("id")).order_by())
    sampled = dict(SampleMember.objects.filter(round=round_, jurisdiction_path__startswith=area)
                   .values_list("jurisdiction_path").annotate(n=Count("id")).order_by())
    grids = {j.path: j for j in Jurisdiction.objects.filter(path__in=set(due) | set(sampled))}
    return [GridCoverage(path, grids[path].code if path in grids else "", grids[path].name if path in grids else path,
                         due.get(path, 0), sampled.get(path, 0)) for path in sorted(set(due) | set(sampled))]


def missed_for(actor, round_id: int) -> QuerySet[Person]:
    """Who was not sampled in the round, in the actor's part of its area."""
    round_ = get_round_for(actor, round_id)
    return access.persons_for(actor).filter(jurisdiction_path__startswith=_area_for(actor, round_)).exclude(
        pk__in=SampleMember.objects.filter(round=round_).values("person_id")).select_related("grid")


def _latest_missed(actor) -> QuerySet[Person]:
    round_ = Round.objects.filter(campaign__in=campaigns_for(actor), starts_at__lte=timezone.now()) \
        .order_by("-starts_at").first()
    return missed_for(actor, round_.pk) if round_ else access.persons_for(actor).none()


MISSED_EXPORT = Export("missed", _("Not sampled in the latest round"), _latest_missed, person="", columns=[
    (_("Record"), "pk"), (_("Full name"), "name"), (_("ID number"), Masked("id_number")),
    (_("Phone"), Masked("phone")), (_("Grid"), "grid__code"), (_("Household"), "household__code"),
    (_("Address"), Masked("address"))])


@dataclass(frozen=True)
class RoundProgress:
    round: Round
    due: int
    sampled: int
    positive_pools: int
    now: dt.datetime

    @property
    def share(self) -> float:
        return self.sampled / self.due if self.due else 1.0

    @property
    def time_share(self) -> float:
        span = (self.round.target_at - self.round.starts_at).total_seconds()
        return min(max((self.now - self.round.starts_at).total_seconds() / span, 0.0), 1.0) if span > 0 else 1.0

    @property
    def behind(self) -> bool:
        """Fewer sampled than the share of the target time gone by (a straight line to 100 % at the target)."""
        return self.share < self.time_share

    @property
    def hours_left(self) -> float:
        return (self.round.target_at - self.now).total_seconds() / 3600


def round_progress_for(user, now: dt.datetime | None = None) -> list[RoundProgress]:
    """Every round being sampled that concerns the user: sampled / due in their part of its area, against the
    round's target time. The dashboard panel and the hall screen show it."""
    now = now or timezone.now()
    rounds = Round.objects.filter(campaign__in=campaigns_for(user), starts_at__lte=now, closed_at=None) \
        .select_related("campaign").order_by("target_at")
    progress = []
    for round_ in rounds:
        area = _area_for(user, round_)
        due = Person.objects.filter(jurisdiction_path__startswith=area).count()
        sampled = SampleMember.objects.filter(round=round_, jurisdiction_path__startswith=area).count()
        positive = Sample.objects.filter(round=round_, owner_path__startswith=area, outcome=Outcome.POSITIVE).count()
        progress.append(RoundProgress(round_, due, sampled, positive, now))
    return progress


def pool_advice(campaign: Campaign) -> PoolAdvice | None:
    """The pool size the last rounds' prevalence calls for (Dorfman): the share of pools found positive
    turned back into the share of people, 1 - (1 - q)^(1/k); None before any result."""
    resulted = Sample.objects.filter(round__campaign=campaign, resulted_at__isnull=False).exclude(outcome="invalid")
    figures = resulted.aggregate(tubes=Count("id", distinct=True), people=Count("members"),
                                 positive=Count("id", distinct=True, filter=Q(outcome=Outcome.POSITIVE)))
    if not figures["tubes"]:
        return None
    size = figures["people"] / figures["tubes"]
    prevalence = 1 - (1 - figures["positive"] / figures["tubes"]) ** (1 / size)
    return pooling.best_pool_size(prevalence, max_pool=rules().max_pool)


def close_round(actor, round_id: int) -> Round:
    require(actor, "campaign.declare")
    with transaction.atomic():
        round_ = get_visible(Round.objects.visible_to(actor).select_for_update(), round_id)
        if round_.closed_at is None:
            round_.closed_at = timezone.now()
            round_.save(update_fields=["closed_at"])
            audit.record_change(actor, Action.CAMPAIGN_CHANGE, round_, before={"closed_at": None},
                                after={"closed_at": round_.closed_at})
    return round_


# --- warning signals ----------------------------------------------------------------------------

def positives_on(path: str, start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    """(positive results, positive pools) reported in [start, end) for tubes taken under `path`."""
    figures = Sample.objects.filter(owner_path__startswith=path, outcome=Outcome.POSITIVE, resulted_at__gte=start,
                                    resulted_at__lt=end).aggregate(
        all=Count("id"), pools=Count("id", filter=~Q(pool_size=1)))
    return figures["all"], figures["pools"]
