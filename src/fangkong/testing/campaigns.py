"""Use cases of mass testing (全员核酸检测): campaigns and their rounds, sampling points and the tubes they fill
(one by one from the point's phone, or a batch of closed tubes at once), coverage by grid, round progress,
pool advice and closing a round. Tubes, the lab and results are testing.services'."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

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
from fangkong.errors import Conflict, InputRefused, Problems
from fangkong.idempotency import services as idempotency
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import IdType, Person
from fangkong.people.services import Export, Masked, identity_hash

from . import services
from .models import (
    Campaign,
    Group,
    Outcome,
    Purpose,
    Round,
    Sample,
    SampleMember,
    SampleStatus,
    SamplingPoint,
    default_campaign_rules,
)

RESIDENT_ID = re.compile(r"\d{17}[\dX]")


# --- scoped reads -------------------------------------------------------------------------------

def campaigns_for(actor) -> QuerySet[Campaign]:
    """Campaigns the actor may see: those in their subtree and those whose area holds the actor's node (a grid
    works in the city's campaign; its figures are the grid's own)."""
    path = access.scope_path(actor)
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
    cleaned = clean_rules(rules_by_group or default_campaign_rules(), problems, services.rules().max_pool)
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
    code = services.clean_code(code, problems)
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

        return idempotency.once(actor, "testing.open_tube", services.samples_for(actor), idempotency_key,
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
        sample = services.tube_for(actor, code, lock=True)
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

        members = SampleMember.objects.filter(sample__in=services.samples_for(actor))
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
        sample = services.tube_for(actor, code, lock=True)
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


@dataclass(frozen=True)
class TubeEntry:
    """One closed tube as a point's phone sends it with others: its code and the people scanned into it (by the
    register's person id, which the health code carries)."""

    code: str
    person_ids: Sequence[int]


def ingest_tubes(actor, point_id: int, entries: Sequence[TubeEntry]) -> list[BatchOutcome]:
    """A batch of closed tubes from one point (a phone catching up after a dead spot, thousands at once): every
    tube is checked first (code, pool size, people known and not yet in another tube of the round); those that
    pass are stored sealed, in bulk, with an audit row each; a tube sent again with the same people is a repeat,
    counted once. On PostgreSQL the batch is checked and written in the database, set-based: the links COPY'd
    into a staging table, the lookups joined to it, tubes, links and audit rows written by one statement. Each
    outcome's record is a services.Tube (id, code)."""
    require(actor, "sample.take")
    point = get_point_for(actor, point_id)
    round_ = current_round(point.campaign)
    if round_ is None:
        raise InputRefused(("round", _("no round of this campaign is being sampled now")))
    size = int(point.campaign.rules.get(point.group, 1))
    tubes = [((e.code or "").strip().upper(), list(dict.fromkeys(e.person_ids))) for e in entries]
    with transaction.atomic():
        for attempt in (1, 2, 3):
            try:
                with transaction.atomic():  # a batch that lost a race with another point's is checked again
                    found = _look_up_tubes(actor, round_, tubes)
                    outcomes, accepted = _check_tubes(point, size, tubes, found)
                    _store_tubes(actor, point, round_, size, tubes, accepted, found, outcomes)
                    return outcomes
            except _Raced:
                if attempt == 3:
                    raise Conflict(("tube", _("other points wrote the same tubes or people meanwhile: send again"))) \
                        from None
    raise AssertionError("unreachable")


class _Raced(Exception):
    """Another batch wrote a tube code or a person of this one between its check and its write."""


@dataclass
class _Found:
    """What the database already holds about a batch's tubes and people."""

    unknown: set[int]  # persons not registered in the actor's subtree
    in_round: dict[int, str]  # person -> the code of the tube they are in this round
    earlier: dict[str, tuple[int, int | None]]  # a code already used -> (tube id, its point)
    earlier_members: dict[int, set[int]]  # those tubes' people
    paths: dict[int, str]  # SQLite: each known person's grid path (PostgreSQL joins it at the write)


def _person_ids(people: Sequence) -> list[int]:
    return [pid for pid in people if type(pid) is int and 0 < pid < 2**63]


def _look_up_tubes(actor, round_: Round, tubes: list[tuple[str, list]]) -> _Found:
    wanted = {pid for _code, people in tubes for pid in people}
    if connection.vendor != "postgresql":
        paths = dict(access.persons_for(actor).filter(pk__in=_person_ids(wanted)).values_list("pk",
                                                                                             "jurisdiction_path"))
        earlier = dict((code, (pk, point)) for pk, code, point in Sample.objects.filter(
            code__in={code for code, _people in tubes}).values_list("pk", "code", "point_id"))
        in_round = dict(SampleMember.objects.filter(round=round_, person__in=list(paths)).values_list(
            "person_id", "sample__code"))
        return _Found(wanted - set(paths), in_round, earlier, _members_of(earlier), paths)
    stage = bulk.stage("testing_tube_stage", [("entry", "int"), ("code", "text"), ("person", "bigint")], (
        (index, code, pid) for index, (code, people) in enumerate(tubes) for pid in _person_ids(people) or [None]))
    persons = access.persons_for(actor).order_by().values("id")
    with connection.cursor() as cursor:
        if persons.query.is_empty():
            unknown = set(wanted)
        else:
            sql, params = persons.query.sql_with_params()
            # LATERAL ... LIMIT 1: one probe of the primary key per staged person, never a scan of the city's
            # people to hash them (what the planner picks for a city-wide actor otherwise).
            cursor.execute(f"SELECT DISTINCT s.person FROM {stage} s LEFT JOIN LATERAL (SELECT 1 AS seen FROM "
                           f"({sql}) p WHERE p.id = s.person LIMIT 1) p ON true WHERE s.person IS NOT NULL "
                           "AND p.seen IS NULL", params)
            unknown = {pid for (pid,) in cursor.fetchall()} | (wanted - set(_person_ids(wanted)))
        cursor.execute(f"SELECT m.person_id, t.code FROM {stage} s JOIN {SampleMember._meta.db_table} m "
                       f"ON m.round_id = %s AND m.person_id = s.person JOIN {Sample._meta.db_table} t "
                       "ON t.id = m.sample_id", [round_.pk])
        in_round = dict(cursor.fetchall())
        cursor.execute(f"SELECT t.id, t.code, t.point_id FROM (SELECT DISTINCT code FROM {stage}) s JOIN LATERAL "
                       f"(SELECT id, code, point_id FROM {Sample._meta.db_table} t WHERE t.code = s.code LIMIT 1) t "
                       "ON true")
        earlier = {code: (pk, point) for pk, code, point in cursor.fetchall()}
    return _Found(unknown, in_round, earlier, _members_of(earlier), {})


def _members_of(earlier: dict[str, tuple[int, int | None]]) -> dict[int, set[int]]:
    members = {}
    for sample_id, person_id in SampleMember.objects.filter(sample__in=[pk for pk, _point in earlier.values()]) \
            .values_list("sample_id", "person_id"):
        members.setdefault(sample_id, set()).add(person_id)
    return members


def _check_tubes(point: SamplingPoint, size: int, tubes: list[tuple[str, list]],
                 found: _Found) -> tuple[list[BatchOutcome], list[int]]:
    """Each tube in order (an earlier tube of the batch claims its people first): its outcome, and the indexes of
    those to store."""
    outcomes, accepted, taken = [], [], {}
    for index, (code, people) in enumerate(tubes):
        problems = Problems()
        if not services.CODE.fullmatch(code):
            problems.add("tube", _("a tube code is 4 to 40 letters, digits or dashes, as its label prints it"))
        earlier = found.earlier.get(code)
        if earlier is not None:
            if earlier[1] == point.pk and found.earlier_members.get(earlier[0], set()) == set(people):
                outcomes.append(BatchOutcome(record=services.Tube(earlier[0], code), repeated=True))
                continue
            problems.add("tube", _("tube code %(c)s is already used") % {"c": code})
        if code in taken:
            problems.add("tube", _("tube code %(c)s is already used") % {"c": code})
        if not people:
            problems.add("tube", _("tube %(c)s is empty") % {"c": code})
        elif size and len(people) > size:
            problems.add("tube", _("tube %(c)s is full: it holds %(n)d people") % {"c": code, "n": size})
        for pid in people:
            if pid in found.unknown:
                problems.add("person", _("no one with this ID is registered here: register them first"))
                break
            other = found.in_round.get(pid) or taken.get(pid)
            if other:
                problems.add("person", _("already sampled in this round, in tube %(c)s") % {"c": other})
                break
        if problems.found:
            outcomes.append(BatchOutcome(refused=InputRefused(*problems.found)))
            continue
        taken.update(dict.fromkeys(people, code))
        taken[code] = code
        accepted.append(index)
        outcomes.append(BatchOutcome())
    return outcomes, accepted


def _store_tubes(actor, point: SamplingPoint, round_: Round, size: int, tubes: list[tuple[str, list]],
                 accepted: list[int], found: _Found, outcomes: list[BatchOutcome]) -> None:
    if not accepted:
        return
    now = timezone.now()
    if connection.vendor != "postgresql":
        samples = [Sample(code=tubes[index][0], purpose=Purpose.CAMPAIGN, pool_size=size, round=round_, point=point,
                          status=SampleStatus.SEALED, sampled_at=now, owner_path=point.owner_path, created_by=actor)
                   for index in accepted]
        bulk.insert(samples)
        stamp = connection.ops.adapt_datetimefield_value(now)
        bulk.write_rows(SampleMember, ["sample_id", "person_id", "round_id", "jurisdiction_path", "added_at"], (
            (sample.pk, pid, round_.pk, found.paths[pid], stamp)
            for sample, index in zip(samples, accepted) for pid in tubes[index][1]))
        audit.record_many(actor, Action.SAMPLE_CHANGE, [(None, audit.changes(
            sample, {}, {"code": sample.code, "status": sample.status, "people": len(tubes[index][1])}))
            for sample, index in zip(samples, accepted)])
        stored = {sample.code: sample.pk for sample in samples}
    else:
        stored = _write_tubes(actor, point, round_, size, accepted, now,
                              links=sum(len(tubes[index][1]) for index in accepted))
    for index in accepted:
        code = tubes[index][0]
        outcomes[index].record, outcomes[index].created = services.Tube(stored[code], code), True


def _write_tubes(actor, point: SamplingPoint, round_: Round, size: int, accepted: list[int], now: dt.datetime, *,
                 links: int) -> dict[str, int]:
    """PostgreSQL: the accepted tubes of the staged batch, their links and an audit row per tube, in one statement
    (a sealed tube's row as Sample's defaults make it). A code or a person another batch took since the check
    breaks a unique index: _Raced (a plain INSERT: the batch was checked, ON CONFLICT would cost every row a
    speculative insertion)."""
    sample, member = Sample._meta.db_table, SampleMember._meta.db_table
    log, log_params = audit.insert_sql(actor, Action.SAMPLE_CHANGE, (
        "SELECT NULL::bigint AS person_id, jsonb_build_object('record', 'sample', 'id', t.id, 'changes', "
        "jsonb_build_object('code', jsonb_build_array(NULL, t.code), 'status', jsonb_build_array(NULL, %s::text), "
        "'people', jsonb_build_array(NULL, c.n))) AS details "
        "FROM tubes t JOIN (SELECT sample_id, count(*) AS n FROM links GROUP BY sample_id) c ON c.sample_id = t.id"))
    statement = (
        f"WITH chosen AS (SELECT s.entry, s.code, s.person FROM testing_tube_stage s WHERE s.entry = ANY(%s)), "
        f"tubes AS (INSERT INTO {sample} (code, purpose, pool_size, household_id, round_id, point_id, status, "
        f"  sampled_at, received_at, lab_path, outcome, ct, resulted_at, owner_path, created_by_id) "
        f"  SELECT code, %s, %s, NULL, %s, %s, %s, %s, NULL, '', '', NULL, NULL, %s, %s "
        f"  FROM (SELECT DISTINCT entry, code FROM chosen) c ORDER BY entry RETURNING id, code), "
        f"links AS (INSERT INTO {member} (sample_id, person_id, round_id, jurisdiction_path, added_at) "
        f"  SELECT t.id, c.person, %s, p.jurisdiction_path, %s FROM tubes t JOIN chosen c ON c.code = t.code "
        f"  JOIN {Person._meta.db_table} p ON p.id = c.person RETURNING sample_id), "
        f"logged AS ({log}) "
        f"SELECT t.id, t.code, (SELECT count(*) FROM links) FROM tubes t")
    with connection.cursor() as cursor:
        try:
            cursor.execute(statement, [accepted, Purpose.CAMPAIGN, size, round_.pk, point.pk, SampleStatus.SEALED, now,
                                       point.owner_path, getattr(actor, "pk", None), round_.pk, now, *log_params,
                                       SampleStatus.SEALED])
        except IntegrityError:
            raise _Raced from None
        rows = cursor.fetchall()
    if len(rows) != len(accepted) or rows[0][2] != links:
        raise _Raced
    return {code: pk for pk, code, _links in rows}


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
    path = access.scope_path(actor) or ""
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
    return pooling.best_pool_size(prevalence, max_pool=services.rules().max_pool)


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
