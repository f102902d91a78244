"""Use cases of testing: tubes and their people, lab receipt and results, tests due (campaigns: campaigns.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong import bulk
from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.batches import Outcome as BatchOutcome
from fangkong.choices import Words
from fangkong.errors import Conflict, InputRefused, Problems
from fangkong.idempotency import services as idempotency

from .models import (
    DueStatus,
    KeyGroup,
    Outcome,
    Purpose,
    Sample,
    SampleMember,
    SampleStatus,
    Schedule,
    TestDue,
    TestingRules,
)

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
CODE = re.compile(r"[A-Z0-9-]{4,40}")
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


def tube_for(actor, code: str, *, lock: bool = False) -> Sample:
    code = (code or "").strip().upper()
    queryset = samples_for(actor).select_for_update() if lock else samples_for(actor)
    sample = queryset.filter(code=code).first() if code else None
    if sample is None:
        raise InputRefused(("tube", _("unknown tube code %(c)s") % {"c": code or "—"}))
    return sample


def clean_code(raw: str, problems: Problems) -> str:
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
    code = clean_code(code, problems)
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


# --- warning signals ----------------------------------------------------------------------------

def positives_on(path: str, start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    """(positive results, positive pools) reported in [start, end) for tubes taken under `path`."""
    figures = Sample.objects.filter(owner_path__startswith=path, outcome=Outcome.POSITIVE, resulted_at__gte=start,
                                    resulted_at__lt=end).aggregate(
        all=Count("id"), pools=Count("id", filter=~Q(pool_size=1)))
    return figures["all"], figures["pools"]
