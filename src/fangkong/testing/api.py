"""Testing over the API: the to-do of tests due, a lab's receipt and results, campaigns, sampling points and
tubes, coverage and progress. Results go through pathways/testing.py like the pages' and the import's."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Header, Router, Schema, Status
from ninja.pagination import paginate

from fangkong.audit import services as audit
from fangkong.pagination import MappedPage, Pages
from fangkong.pathways import testing as pathway
from fangkong.schema_types import Count, Id, Moment, Problem, Text

from . import campaigns, services
from .models import DueStatus, Group, Outcome, Purpose

router = Router(tags=["testing"])
IDEMPOTENCY = Header("", alias="Idempotency-Key")


class TestDueOut(Schema):
    id: int
    person_id: int
    person_name: str
    purpose: Purpose
    due_at: dt.datetime
    status: DueStatus
    tube: str | None
    overdue: bool


def _due(due) -> dict:
    return {"id": due.pk, "person_id": due.person_id, "person_name": due.person.name, "purpose": due.purpose,
            "due_at": due.due_at, "status": due.status, "tube": due.sample.code if due.sample_id else None,
            "overdue": due.due_at < dt.datetime.now(dt.UTC)}


class TubeOut(Schema):
    code: str
    pool_size: int
    status: str
    people: int
    outcome: Outcome | None
    ct: Decimal | None


def _tube(sample) -> dict:
    return {"code": sample.code, "pool_size": sample.pool_size, "status": sample.status,
            "people": sample.members.count(), "outcome": sample.outcome or None, "ct": sample.ct}


class SampleIn(Schema):
    tube: Text(40, min_length=1)


class ReceiveIn(Schema):
    tubes: list[Text(40, min_length=1)] = Field(..., min_length=1, max_length=500)


class ReceiveOut(Schema):
    tube: str
    status: str
    errors: list[Problem] = []


class ResultIn(Schema):
    tube: Text(40, min_length=1)
    outcome: Outcome
    ct: Decimal | None = Field(None, allow_inf_nan=False, max_digits=4, decimal_places=1)
    resulted_at: Moment | None = None


class ResultsIn(Schema):
    results: list[ResultIn] = Field(..., min_length=1, max_length=1000)


class CampaignIn(Schema):
    name: Text(100, min_length=1)
    area_code: Text(20, min_length=1)
    rounds: Count = 3
    round_hours: Count = 24
    starts_at: Moment | None = None
    rules: dict[Group, Count] | None = None


class CampaignOut(Schema):
    id: int
    name: str
    area_code: str
    rounds: int
    round_hours: int
    rules: dict[str, int]
    round_ids: list[int]


class PointIn(Schema):
    name: Text(100, min_length=1)
    jurisdiction_code: Text(20, min_length=1)
    population: Count
    group: Group = Group.GENERAL


class PointOut(Schema):
    id: int
    name: str
    jurisdiction_code: str
    population: int
    group: Group


class TubePersonIn(Schema):
    tube: Text(40, min_length=1)
    id_number: Text(18, min_length=1)


class AddedOut(Schema):
    tube: TubeOut
    person_id: int
    created: bool


class GridCoverageOut(Schema):
    code: str
    name: str
    due: int
    sampled: int
    missed: int


class ProgressOut(Schema):
    campaign_id: int
    campaign: str
    round_id: int
    round: int
    starts_at: dt.datetime
    target_at: dt.datetime
    due: int
    sampled: int
    share: float
    behind: bool
    positive_pools: int


@router.get("/tests-due", response=list[TestDueOut])
@paginate(Pages, page_size=50)
def list_tests_due(request, overdue: bool = False):
    tests = services.overdue_for(request.auth) if overdue else services.open_tests_for(request.auth)
    return MappedPage(tests, _due, on_page=lambda rows: audit.seen(request.auth, rows, surface="tests-due"))


@router.post("/tests-due/{int:due_id}/sample", response={200: TubeOut},
             summary="The single tube taken for a test due; send an Idempotency-Key so a resubmission counts once")
def take_sample(request, due_id: Id, payload: SampleIn, idempotency_key: Text(80) = IDEMPOTENCY):
    return _tube(services.take_sample(request.auth, due_id, payload.tube, idempotency_key=idempotency_key or None))


@router.post("/tubes/receive", response=list[ReceiveOut], summary="The lab scans tubes in; each on its own")
def receive_tubes(request, payload: ReceiveIn):
    return [{"tube": code.strip().upper(), "errors": o.refused.as_dicts() if o.refused else [],
             "status": "refused" if o.refused else "repeated" if o.repeated else "received"}
            for code, o in zip(payload.tubes, services.receive_tubes(request.auth, payload.tubes))]


@router.post("/test-results", response=list[TubeOut],
             summary="The lab's results per tube: all stored, or none when one is refused")
def record_results(request, payload: ResultsIn):
    entries = [services.ResultInput(r.tube, r.outcome.value, r.ct, r.resulted_at) for r in payload.results]
    tubes = [o.record for o in pathway.enter_results(request.auth, entries)]
    samples = services.samples_for(request.auth).in_bulk([t.id for t in tubes])
    return [_tube(samples[t.id]) for t in tubes]


@router.post("/campaigns", response={201: CampaignOut})
def declare_campaign(request, payload: CampaignIn):
    campaign = campaigns.declare_campaign(
        request.auth, name=payload.name, area_code=payload.area_code, rounds=payload.rounds,
        round_hours=payload.round_hours, starts_at=payload.starts_at,
        rules_by_group={g.value: n for g, n in payload.rules.items()} if payload.rules else None)
    return Status(201, {"id": campaign.pk, "name": campaign.name, "area_code": campaign.area.code,
                        "rounds": campaign.rounds, "round_hours": campaign.round_hours, "rules": campaign.rules,
                        "round_ids": list(campaign.round_set.order_by("number").values_list("pk", flat=True))})


@router.post("/campaigns/{int:campaign_id}/points", response={201: PointOut})
def add_point(request, campaign_id: Id, payload: PointIn):
    point = campaigns.add_point(request.auth, campaign_id, name=payload.name,
                                jurisdiction_code=payload.jurisdiction_code, population=payload.population,
                                group=payload.group.value)
    return Status(201, {"id": point.pk, "name": point.name, "jurisdiction_code": point.jurisdiction.code,
                        "population": point.population, "group": point.group})


@router.post("/sampling-points/{int:point_id}/tubes", response=TubeOut,
             summary="Open a tube at the point (its size from the campaign's rules); the same code is the same tube")
def open_tube(request, point_id: Id, payload: SampleIn, idempotency_key: Text(80) = IDEMPOTENCY):
    return _tube(campaigns.open_tube(request.auth, point_id, payload.tube, idempotency_key=idempotency_key or None))


@router.post("/sampling-points/{int:point_id}/people", response=AddedOut,
             summary="Add a person to an open tube of the point; a resubmission counts once")
def add_person(request, point_id: Id, payload: TubePersonIn, idempotency_key: Text(80) = IDEMPOTENCY):
    added = campaigns.add_to_tube(request.auth, payload.tube, payload.id_number, point_id=point_id,
                                  idempotency_key=idempotency_key or None)
    return {"tube": _tube(added.sample), "person_id": added.person.pk, "created": added.created}


@router.get("/campaign-rounds/{int:round_id}/coverage", response=list[GridCoverageOut])
def round_coverage(request, round_id: Id):
    return [{"code": r.code, "name": r.name, "due": r.due, "sampled": r.sampled, "missed": r.missed}
            for r in campaigns.coverage(request.auth, round_id)]


@router.get("/campaign-rounds/progress", response=list[ProgressOut])
def round_progress(request):
    return [{"campaign_id": p.round.campaign_id, "campaign": p.round.campaign.name, "round_id": p.round.pk,
             "round": p.round.number, "starts_at": p.round.starts_at, "target_at": p.round.target_at, "due": p.due,
             "sampled": p.sampled, "share": p.share, "behind": p.behind, "positive_pools": p.positive_pools}
            for p in campaigns.round_progress_for(request.auth)]
