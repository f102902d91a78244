"""Use cases of testing: tubes and their people, lab receipt and results, tests due (campaigns: campaigns.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
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


class Tube(NamedTuple):
    """A tube a batch stored, received or found again: what its outcome names (a batch of a million tubes builds
    no million model instances)."""

    id: int
    code: str


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


def _ask(actor, persons, *, purpose: str, due_at: dt.datetime, note: str = "",
         retests_of: dict[int, Sample] | None = None, owner_path: str | None = None) -> list[TestDue]:
    """Tests due for many people at once, in bulk, audited; a test of the same purpose already due that day
    for a person is kept, not doubled. `retests_of`: the tube each person's re-test is for. Call inside a
    transaction."""
    day, retests_of = timezone.localtime(due_at, _zone()).date(), retests_of or {}
    persons = list({p.pk: p for p in persons}.values())
    already = dict(TestDue.objects.filter(person__in=[p.pk for p in persons], purpose=purpose, day=day,
                                          status=DueStatus.DUE).values_list("person_id", "pk"))
    dues = [TestDue(person=p, purpose=purpose, day=day, due_at=due_at, retest_of=retests_of.get(p.pk), note=note,
                    owner_path=owner_path or p.jurisdiction_path) for p in persons if p.pk not in already]
    bulk.insert(dues)
    audit.record_many(actor, Action.TEST_RESULT, [(d.person_id, audit.changes(
        d, {}, {"status": d.status, "purpose": purpose, "due_at": due_at, "retest_of": d.retest_of}, change="asked"))
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
    scan is a repeat); unknown codes and empty tubes are refused by name, the others received together by one
    conditional update (a tube another lab received meanwhile is a repeat) with an audit row each."""
    require(actor, "sample.receive")
    lab_path, now = _path(actor) or "", timezone.now()
    cleaned = [(raw or "").strip().upper() for raw in codes]
    with transaction.atomic():
        filled = Exists(SampleMember.objects.filter(sample=OuterRef("pk")))
        known = {code: (pk, received, status, full) for code, pk, received, status, full in samples_for(actor).filter(
            code__in=set(cleaned)).values_list("code", "pk", "received_at", "status", filled)}
        outcomes, received = [], {}
        for code in cleaned:
            pk, earlier, status, full = known.get(code, (None, None, None, False))
            if pk is None:
                outcomes.append(BatchOutcome(refused=InputRefused(("tube", _("unknown tube code %(c)s")
                                                                   % {"c": code or "—"}))))
            elif earlier is not None or code in received:
                outcomes.append(BatchOutcome(record=Tube(pk, code), repeated=True))
            elif not full:
                outcomes.append(BatchOutcome(refused=InputRefused(("tube", _("tube %(c)s is empty") % {"c": code}))))
            else:
                received[code] = (pk, status)
                outcomes.append(BatchOutcome(record=Tube(pk, code), created=True))
        done = _mark_received(actor, dict(received.values()), lab_path, now) if received else set()
    for outcome in outcomes:
        if outcome.created and outcome.record.id not in done:
            outcome.created, outcome.repeated = False, True
    return outcomes


def _mark_received(actor, statuses: dict[int, str], lab_path: str, now: dt.datetime) -> set[int]:
    """Receive the tubes (id: status before) not yet received, auditing each: returns those received now."""
    if connection.vendor != "postgresql":
        open_ids = list(Sample.objects.filter(pk__in=list(statuses), received_at=None).values_list("pk", flat=True))
        Sample.objects.filter(pk__in=open_ids).update(status=SampleStatus.RECEIVED, received_at=now, lab_path=lab_path)
        audit.record_many(actor, Action.SAMPLE_CHANGE, [(None, audit.changes(
            Sample(pk=pk), {"status": statuses[pk]}, {"status": SampleStatus.RECEIVED, "received_at": now}))
            for pk in open_ids])
        return set(open_ids)
    table = Sample._meta.db_table
    log, log_params = audit.insert_sql(actor, Action.SAMPLE_CHANGE, (
        "SELECT NULL::bigint AS person_id, jsonb_build_object('record', 'sample', 'id', id, 'changes', "
        "jsonb_build_object('status', jsonb_build_array(before, %s::text), 'received_at', "
        "jsonb_build_array(NULL, %s::text))) AS details FROM received"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH received AS (UPDATE {table} t SET status = %s, received_at = %s, lab_path = %s "
            f"  FROM unnest(%s::bigint[], %s::text[]) AS old(id, status) "
            f"  WHERE t.id = old.id AND t.received_at IS NULL RETURNING t.id, old.status AS before), "
            f"logged AS ({log}) SELECT id FROM received",
            [SampleStatus.RECEIVED, now, lab_path, list(statuses), list(statuses.values()), *log_params,
             SampleStatus.RECEIVED, audit.plain(now)])
        return {pk for (pk,) in cursor.fetchall()}


@dataclass(frozen=True)
class ResultInput:
    code: str
    outcome: str
    ct: Decimal | str | None = None
    resulted_at: dt.datetime | None = None


class _Resulting(NamedTuple):
    """What the check of a result reads of its tube."""

    id: int
    code: str
    pool_size: int
    sampled_at: dt.datetime
    received_at: dt.datetime | None
    resulted_at: dt.datetime | None
    outcome: str
    ct: Decimal | None


def _check_result(entry: ResultInput, known: dict[str, _Resulting], limits: TestingRules, now: dt.datetime) -> dict:
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
                     % {"c": code, "r": Outcome(sample.outcome).label})
    problems.refuse_if_any()
    return {"sample": sample, "outcome": outcome, "ct": ct, "at": at}


def record_results(actor, entries: Sequence[ResultInput], *, write: bool = True) -> list[BatchOutcome]:
    """The lab reports per tube. Every entry is checked first (unknown or unreceived tubes, impossible Ct); those
    that pass are stored together; a result sent again is a repeat. With `write=False` nothing is stored. Each
    outcome's record is a Tube. Callers go through pathways.testing.record_results, which acts on the positives."""
    require(actor, "result.record")
    limits, now = rules(), timezone.now()
    codes = {(e.code or "").strip().upper() for e in entries}
    known = {row.code: row for row in map(_Resulting._make, samples_for(actor).filter(code__in=codes).values_list(
        *_Resulting._fields))}
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
        if sample.resulted_at is not None or sample.id in first:
            outcomes[index].record, outcomes[index].repeated = Tube(sample.id, sample.code), True
            del checked[index]
        else:
            first[sample.id] = index
    if write and checked:
        with transaction.atomic():
            stored = _store_results(actor, list(checked.values()))
        for index, item in checked.items():
            sample = item["sample"]
            outcomes[index].record = Tube(sample.id, sample.code)
            outcomes[index].created, outcomes[index].repeated = sample.id in stored, sample.id not in stored
    return outcomes


def _store_results(actor, items: list[dict]) -> set[int]:
    """Write the checked results on tubes that have none yet (one conditional update: a tube another lab user
    resulted meanwhile keeps theirs), close the tests due they were taken for, audit each (the person's row for a
    single tube). Returns the tubes resulted now."""
    if connection.vendor != "postgresql":
        open_ids = set(Sample.objects.filter(pk__in=[i["sample"].id for i in items], resulted_at=None)
                       .values_list("pk", flat=True))
        items = [i for i in items if i["sample"].id in open_ids]
        samples = [Sample(pk=i["sample"].id, outcome=i["outcome"], ct=i["ct"], resulted_at=i["at"],
                          status=SampleStatus.RESULTED) for i in items]
        bulk.update(samples, ["outcome", "ct", "resulted_at", "status"])
        TestDue.objects.filter(sample__in=samples, status=DueStatus.SAMPLED).update(status=DueStatus.DONE)
        singles = dict(SampleMember.objects.filter(sample__in=[i["sample"].id for i in items
                                                               if i["sample"].pool_size == 1])
                       .values_list("sample_id", "person_id"))
        audit.record_many(actor, Action.TEST_RESULT, [(singles.get(s.pk), audit.changes(
            s, {"status": SampleStatus.RECEIVED}, {"status": s.status, "outcome": s.outcome, "ct": s.ct,
                                                   "resulted_at": s.resulted_at})) for s in samples])
        return open_ids
    stage = bulk.stage("testing_result_stage", [("id", "bigint"), ("outcome", "text"), ("ct", "numeric(4, 1)"),
                                                 ("at", "timestamptz"), ("at_text", "text")], (
        (i["sample"].id, i["outcome"], i["ct"], i["at"], audit.plain(i["at"])) for i in items))
    sample, due, member = Sample._meta.db_table, TestDue._meta.db_table, SampleMember._meta.db_table
    # changes() leaves out a field whose value stays: the Ct of a negative without one.
    log, log_params = audit.insert_sql(actor, Action.TEST_RESULT, (
        f"SELECT m.person_id, jsonb_build_object('record', 'sample', 'id', r.id, 'changes', "
        f"jsonb_build_object('status', jsonb_build_array(%s::text, %s::text), 'outcome', "
        f"jsonb_build_array(NULL, r.outcome)) || CASE WHEN r.ct IS NULL THEN '{{}}'::jsonb ELSE "
        f"jsonb_build_object('ct', jsonb_build_array(NULL, r.ct::text)) END || "
        f"jsonb_build_object('resulted_at', jsonb_build_array(NULL, r.at_text))) AS details FROM resulted r "
        f"LEFT JOIN {member} m ON r.pool_size = 1 AND m.sample_id = r.id"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH resulted AS (UPDATE {sample} t SET outcome = s.outcome, ct = s.ct, resulted_at = s.at, "
            f"  status = %s FROM {stage} s WHERE t.id = s.id AND t.resulted_at IS NULL "
            f"  RETURNING t.id, t.pool_size, s.outcome, s.ct, s.at_text), "
            f"done AS (UPDATE {due} d SET status = %s FROM resulted r WHERE d.sample_id = r.id AND d.status = %s), "
            f"logged AS ({log}) SELECT id FROM resulted",
            [SampleStatus.RESULTED, DueStatus.DONE, DueStatus.SAMPLED, *log_params, SampleStatus.RECEIVED,
             SampleStatus.RESULTED])
        return {pk for (pk,) in cursor.fetchall()}


def results_refused(outcomes: list[BatchOutcome], entries: Sequence[ResultInput]) -> None:
    """Refuse a whole form or API batch when one of its entries was refused, each problem naming its tube."""
    problems = Problems()
    for outcome, entry in zip(outcomes, entries):
        for problem in outcome.refused.problems if outcome.refused else ():
            problems.add(problem.field, f"{(entry.code or '').strip().upper() or '—'}: {problem.message}")
    problems.refuse_if_any()


def ask_retests(actor, samples: Sequence[Sample], at: dt.datetime) -> list[TestDue]:
    """Positive (or invalid) pools: each person in them gets a single-tube re-test, due within the rules' hours,
    all at once. The pooled tube itself is never pooled again. Call inside a transaction."""
    by_id, persons, retests_of = {s.pk: s for s in samples}, [], {}
    for member in SampleMember.objects.filter(sample__in=list(by_id)).select_related("person").order_by("id"):
        if member.person_id not in retests_of:
            retests_of[member.person_id] = by_id[member.sample_id]
            persons.append(member.person)
    return _ask(actor, persons, purpose=Purpose.RETEST, retests_of=retests_of,
                due_at=at + dt.timedelta(hours=rules().retest_hours))


# --- warning signals ----------------------------------------------------------------------------

def positives_on(path: str, start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    """(positive results, positive pools) reported in [start, end) for tubes taken under `path`."""
    figures = Sample.objects.filter(owner_path__startswith=path, outcome=Outcome.POSITIVE, resulted_at__gte=start,
                                    resulted_at__lt=end).aggregate(
        all=Count("id"), pools=Count("id", filter=~Q(pool_size=1)))
    return figures["all"], figures["pools"]
