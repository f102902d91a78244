"""Every refusal names its field and why; nothing half-written; a resubmission counts once."""

import pytest

from fangkong.errors import InputRefused
from fangkong.pathways import testing as pathway
from fangkong.people.models import Person
from fangkong.testing import campaigns, services
from fangkong.testing.models import Sample, SampleMember, SampleStatus
from fangkong.testing.services import ResultInput

from .test_campaign import city, staff  # noqa: F401  (fixtures)


@pytest.fixture
def point(city, staff):  # noqa: F811
    from fangkong.jurisdictions.models import Jurisdiction, Level

    campaign = campaigns.declare_campaign(staff["command"], name="全员", area_code=city.code,
                                          rules_by_group={"general": 5})
    community = Jurisdiction.objects.filter(level=Level.COMMUNITY).first()
    return campaigns.add_point(staff["command"], campaign.pk, name="点", jurisdiction_code=community.code,
                               population=2500)


def refused(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(InputRefused) as caught:
        call(*args, **kwargs)
    return {p.field: str(p.message) for p in caught.value.problems}


def people(n):
    return list(Person.objects.order_by("id")[:n])


def test_unknown_tube_codes_are_refused_by_name(staff, point):  # noqa: F811
    assert "unknown tube code ZZ-404" in refused(campaigns.add_to_tube, staff["sampler"], "zz-404",
                                                 people(1)[0].id_number)["tube"]
    [outcome] = services.receive_tubes(staff["lab"], ["NOPE-1"])
    assert "unknown tube code NOPE-1" in str(outcome.refused.problems[0].message)
    assert "tube code" in refused(campaigns.open_tube, staff["sampler"], point.pk, "x!")["tube"]


def test_a_tube_closes_at_its_pool_size_and_takes_no_one_more(staff, point):  # noqa: F811
    campaigns.open_tube(staff["sampler"], point.pk, "POOL-5")
    five, sixth = people(6)[:5], people(6)[5]
    for person in five:
        campaigns.add_to_tube(staff["sampler"], "POOL-5", person.id_number)
    assert Sample.objects.get(code="POOL-5").status == SampleStatus.SEALED
    assert "sealed (5 people)" in refused(campaigns.add_to_tube, staff["sampler"], "POOL-5", sixth.id_number)["tube"]
    assert SampleMember.objects.filter(sample__code="POOL-5").count() == 5


def test_a_person_already_in_another_tube_of_the_round_is_refused(staff, point):  # noqa: F811
    person = people(1)[0]
    campaigns.open_tube(staff["sampler"], point.pk, "TUBE-A")
    campaigns.open_tube(staff["sampler"], point.pk, "TUBE-B")
    campaigns.add_to_tube(staff["sampler"], "TUBE-A", person.id_number)
    assert "in tube TUBE-A" in refused(campaigns.add_to_tube, staff["sampler"], "TUBE-B", person.id_number)["id_number"]
    assert not SampleMember.objects.filter(sample__code="TUBE-B").exists()
    assert "resident ID" in refused(campaigns.add_to_tube, staff["sampler"], "TUBE-B", "12345")["id_number"]


def test_a_resubmitted_scan_counts_once(staff, point):  # noqa: F811
    person = people(1)[0]
    first = campaigns.open_tube(staff["sampler"], point.pk, "TUBE-R", idempotency_key="k1")
    assert campaigns.open_tube(staff["sampler"], point.pk, "TUBE-R", idempotency_key="k1") == first
    assert campaigns.open_tube(staff["sampler"], point.pk, "tube-r") == first  # the same code again: the same tube
    assert campaigns.add_to_tube(staff["sampler"], "TUBE-R", person.id_number, idempotency_key="k2").created
    again = campaigns.add_to_tube(staff["sampler"], "TUBE-R", person.id_number, idempotency_key="k2")
    assert not again.created and again.count == 1
    assert not campaigns.add_to_tube(staff["sampler"], "TUBE-R", person.id_number).created
    assert SampleMember.objects.filter(sample=first).count() == 1
    [received] = services.receive_tubes(staff["lab"], ["TUBE-R"])
    [repeat] = services.receive_tubes(staff["lab"], ["TUBE-R"])
    assert received.created and repeat.repeated


def test_results_for_tubes_never_received_and_impossible_ct_are_refused_and_nothing_is_written(staff, point):  # noqa: F811
    campaigns.open_tube(staff["sampler"], point.pk, "TUBE-X")
    campaigns.open_tube(staff["sampler"], point.pk, "TUBE-Y")
    a, b = people(2)
    campaigns.add_to_tube(staff["sampler"], "TUBE-X", a.id_number)
    campaigns.add_to_tube(staff["sampler"], "TUBE-Y", b.id_number)
    services.receive_tubes(staff["lab"], ["TUBE-X"])
    outcomes = services.record_results(staff["lab"], [
        ResultInput("TUBE-X", "negative"),  # fine
        ResultInput("TUBE-Y", "negative"),  # never received
        ResultInput("TUBE-X", "positive", "0"),
        ResultInput("TUBE-X", "positive", "51"),
        ResultInput("TUBE-X", "positive", "abc"),
        ResultInput("TUBE-X", "positive", "nan"),
        ResultInput("TUBE-X", "positive"),
        ResultInput("TUBE-X", "negative", "21"),
        ResultInput("TUBE-X", "maybe"),
    ], write=False)
    messages = [{p.field: str(p.message) for p in o.refused.problems} if o.refused else {} for o in outcomes]
    assert messages[0] == {}
    assert "never received" in messages[1]["tube"]
    assert "impossible" in messages[2]["ct"] and "impossible" in messages[3]["ct"]
    assert "number" in messages[4]["ct"] and "number" in messages[5]["ct"]
    assert "needs its Ct" in messages[6]["ct"]
    assert "below the negative cut-off" in messages[7]["ct"]
    assert "negative, positive or invalid" in messages[8]["outcome"]

    problems = refused(pathway.enter_results, staff["lab"], [ResultInput("TUBE-X", "negative"),
                                                              ResultInput("TUBE-Y", "positive", "30")])
    assert "TUBE-Y" in problems["tube"]
    assert Sample.objects.get(code="TUBE-X").resulted_at is None  # the good entry was not half-written
    pathway.enter_results(staff["lab"], [ResultInput("TUBE-X", "negative")])
    assert "already has a result" in refused(pathway.enter_results, staff["lab"],
                                             [ResultInput("TUBE-X", "positive", "30")])["tube"]
    assert pathway.enter_results(staff["lab"], [ResultInput("TUBE-X", "阴性")])[0].repeated


def test_a_batch_of_tubes_from_a_phone_is_checked_first_and_counted_once(staff, point):  # noqa: F811
    from fangkong.testing.campaigns import TubeEntry, ingest_tubes

    ids = [p.pk for p in people(12)]
    campaigns.open_tube(staff["sampler"], point.pk, "LIVE-1")
    campaigns.add_to_tube(staff["sampler"], "LIVE-1", Person.objects.get(pk=ids[11]).id_number)
    batch = [TubeEntry("BATCH-1", ids[0:5]), TubeEntry("BATCH-2", ids[5:11]),  # six in a 5-in-1 tube
             TubeEntry("BATCH-3", [ids[4], ids[10]]),  # ids[4] is in BATCH-1 already
             TubeEntry("BATCH-4", [ids[11]]),  # sampled in this round at the point, in LIVE-1
             TubeEntry("BATCH-5", [987654321]), TubeEntry("LIVE-1", [ids[10]]), TubeEntry("BATCH-6", ids[6:10])]
    outcomes = ingest_tubes(staff["sampler"], point.pk, batch)
    problems = [{p.field: str(p.message) for p in o.refused.problems} if o.refused else {} for o in outcomes]
    assert outcomes[0].created and outcomes[6].created
    assert "holds 5 people" in problems[1]["tube"]
    assert "in tube BATCH-1" in problems[2]["person"] and "in tube LIVE-1" in problems[3]["person"]
    assert "registered" in problems[4]["person"] and "already used" in problems[5]["tube"]
    assert SampleMember.objects.filter(sample__code__startswith="BATCH").count() == 9
    again = ingest_tubes(staff["sampler"], point.pk, [TubeEntry("BATCH-1", ids[0:5])])  # the phone resends
    assert again[0].repeated and SampleMember.objects.filter(sample__code="BATCH-1").count() == 5
