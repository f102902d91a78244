import datetime as dt

from django.utils import timezone

from fangkong.testing.models import Outcome, Purpose, Sample, SampleMember, SampleStatus
from fangkong.testing.services import results_of


def tube(person, code, *, pool_size, hours_ago, outcome=""):
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    sample = Sample.objects.create(code=code, purpose=Purpose.CLINICAL, pool_size=pool_size, sampled_at=at,
                                   status=SampleStatus.RESULTED if outcome else SampleStatus.SEALED,
                                   outcome=outcome, ct=36 if outcome else None,
                                   resulted_at=at + dt.timedelta(hours=2) if outcome else None,
                                   owner_path=person.jurisdiction_path)
    SampleMember.objects.create(sample=sample, person=person, jurisdiction_path=person.jurisdiction_path, added_at=at)
    return sample


def test_results_of_lists_resulted_tubes_in_sampling_order_and_single_only_drops_pools(person):
    tube(person, "P1", pool_size=10, hours_ago=60, outcome=Outcome.NEGATIVE)
    tube(person, "S2", pool_size=1, hours_ago=30, outcome=Outcome.NEGATIVE)
    tube(person, "S1", pool_size=1, hours_ago=50, outcome=Outcome.POSITIVE)
    tube(person, "S3", pool_size=1, hours_ago=1)  # not back yet
    assert [r.code for r in results_of(person)] == ["P1", "S1", "S2"]
    single = results_of(person, single_only=True)
    assert [(r.code, r.outcome, r.pooled) for r in single] == [("S1", "positive", False), ("S2", "negative", False)]
    assert single[1].negative and not single[0].negative
