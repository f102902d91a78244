"""A 10-in-1 campaign on a seeded city, end to end through the services and the pathway."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import pooling
from fangkong.audit.models import Action, AuditEvent
from fangkong.cases.models import Case, Classification
from fangkong.conftest import make_user
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.pathways import testing as pathway
from fangkong.people.models import Person
from fangkong.quarantine.models import Order, OrderStatus
from fangkong.synthetic.seed import seed_city
from fangkong.testing import campaigns, services
from fangkong.testing.models import DueStatus, Purpose, SampleStatus, TestDue
from fangkong.testing.services import ResultInput


@pytest.fixture
def city(db):
    seed_city(400, seed=3)
    return Jurisdiction.objects.get(level=Level.CITY)


@pytest.fixture
def staff(city):
    return {"command": make_user("cmd", Role.COMMAND, city), "sampler": make_user("sampler", Role.HOSPITAL, city),
            "lab": make_user("lab", Role.LAB, city)}


def sample_people(staff, point, people, *, first_code: int) -> list[str]:
    codes = []
    for index, person in enumerate(people):
        if index % 10 == 0:
            code = f"T{first_code + index // 10:06d}"
            campaigns.open_tube(staff["sampler"], point.pk, code)
            codes.append(code)
        campaigns.add_to_tube(staff["sampler"], code, person.id_number)
    return codes


def test_a_positive_pool_isolates_its_ten_who_are_retested_nine_released_one_confirmed(city, staff):
    rules = services.rules()
    rules.positive_makes_confirmed = True
    rules.save()
    campaign = campaigns.declare_campaign(staff["command"], name="全员核酸第一轮", area_code=city.code, rounds=3)
    community = Jurisdiction.objects.filter(level=Level.COMMUNITY, path__startswith=city.path).first()
    residents = list(Person.objects.filter(jurisdiction_path__startswith=community.path).order_by("id")[:30])
    assert len(residents) == 30
    point = campaigns.add_point(staff["command"], campaign.pk, name="一号采样点", jurisdiction_code=community.code,
                                population=2500)
    codes = sample_people(staff, point, residents, first_code=1)
    tubes = {s.code: s for s in services.samples_for(staff["lab"]).filter(code__in=codes)}
    assert all(t.status == SampleStatus.SEALED and t.members.count() == 10 for t in tubes.values())  # sealed at 10

    assert all(o.created for o in services.receive_tubes(staff["lab"], codes))
    positive, *negatives = codes
    pathway.enter_results(staff["lab"], [ResultInput(positive, "阳性", "31.2")]
                          + [ResultInput(code, "阴性") for code in negatives])

    pool = [m.person for m in tubes[positive].members.all()]
    isolated = Order.objects.filter(status=OrderStatus.ACTIVE)
    assert sorted(isolated.values_list("person_id", flat=True)) == sorted(p.pk for p in pool)
    retests = TestDue.objects.filter(purpose=Purpose.RETEST, status=DueStatus.DUE)
    assert sorted(retests.values_list("person_id", flat=True)) == sorted(p.pk for p in pool)
    deadline = timezone.now() + dt.timedelta(hours=rules.retest_hours)
    assert all(abs((d.due_at - deadline).total_seconds()) < 60 for d in retests)
    assert AuditEvent.objects.filter(action=Action.QUARANTINE_CHANGE, person__in=pool).count() == 10
    # one pool of three positive: the prevalence behind it, 1 - (2/3)^(1/10), and Dorfman's best size for it
    assert campaigns.pool_advice(campaign) == pooling.best_pool_size(1 - (2 / 3) ** 0.1, max_pool=rules.max_pool)

    # each re-test is its own single tube, taken by the sampler, received and reported by the lab
    single_codes = {}
    for index, due in enumerate(retests.order_by("person_id")):
        single_codes[due.person_id] = services.take_sample(staff["sampler"], due.pk, f"R{index:05d}").code
    services.receive_tubes(staff["lab"], list(single_codes.values()))
    sick = pool[3]
    pathway.enter_results(staff["lab"], [
        ResultInput(code, "positive", "24.5") if pid == sick.pk else ResultInput(code, "negative", "38")
        for pid, code in single_codes.items()])

    assert list(Order.objects.filter(status=OrderStatus.ACTIVE).values_list("person_id", flat=True)) == [sick.pk]
    assert Order.objects.filter(status=OrderStatus.RELEASED_EARLY).count() == 9
    case = Case.objects.get(person=sick)
    assert case.classification == Classification.CONFIRMED
    assert not Case.objects.exclude(person=sick).exists()
    assert not TestDue.objects.filter(status__in=services.OPEN_DUE).exists()
    assert [r.outcome for r in services.results_of(sick, single_only=True)] == ["positive"]


def test_coverage_per_grid_equals_an_independent_count(city, staff):
    campaign = campaigns.declare_campaign(staff["command"], name="全员", area_code=city.code, rounds=1)
    community = Jurisdiction.objects.filter(level=Level.COMMUNITY, path__startswith=city.path).first()
    point = campaigns.add_point(staff["command"], campaign.pk, name="点", jurisdiction_code=community.code,
                                population=2000)
    everyone = list(Person.objects.filter(jurisdiction_path__startswith=city.path).order_by("id"))
    chosen = everyone[::3][:47]
    sample_people(staff, point, chosen, first_code=500)
    round_ = campaign.round_set.get(number=1)

    grid_of = {p.pk: p.grid.code for p in everyone}
    due, sampled = Counter(grid_of.values()), Counter(grid_of[p.pk] for p in chosen)
    rows = campaigns.coverage(staff["command"], round_.pk)
    assert {r.code: r.due for r in rows} == dict(due)
    assert {r.code: r.sampled for r in rows if r.sampled} == dict(sampled)
    assert set(campaigns.missed_for(staff["command"], round_.pk).values_list("pk", flat=True)) == \
        {p.pk for p in everyone} - {p.pk for p in chosen}
    [progress] = campaigns.round_progress_for(staff["command"])
    assert (progress.sampled, progress.due) == (47, len(everyone))
    assert progress.behind is False or progress.share < progress.time_share

    # a grid worker sees the same round, counted over their own grid only
    grid = Jurisdiction.objects.get(code=grid_of[chosen[0].pk])
    [own] = campaigns.round_progress_for(make_user("gridder", Role.GRID, grid))
    assert (own.sampled, own.due) == (sampled[grid.code], due[grid.code])
