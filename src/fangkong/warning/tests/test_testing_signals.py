"""Positive results and positive pools per day and jurisdiction are warning signals, counted where tubes were taken."""

import datetime as dt

from django.utils import timezone

from fangkong.cases import disease as diseases
from fangkong.testing.models import Outcome, Purpose, Sample, SampleStatus
from fangkong.warning.models import SignalKind
from fangkong.warning.services import signals_for


def tube(node, code, pool_size, outcome, when):
    return Sample.objects.create(code=code, purpose=Purpose.CAMPAIGN, pool_size=pool_size, sampled_at=when,
                                 status=SampleStatus.RESULTED, outcome=outcome,
                                 ct=30 if outcome == "positive" else None,
                                 resulted_at=when, owner_path=node.path)


def test_positive_results_and_pools_of_the_day_under_the_node(tree):
    now = timezone.now()
    tube(tree["grid_a1"], "P-1", 10, Outcome.POSITIVE, now)
    tube(tree["grid_a1"], "S-1", 1, Outcome.POSITIVE, now)
    tube(tree["grid_a2"], "P-2", 10, Outcome.NEGATIVE, now)
    tube(tree["grid_b1"], "P-3", 10, Outcome.POSITIVE, now)  # another district
    tube(tree["grid_a1"], "P-4", 10, Outcome.POSITIVE, now - dt.timedelta(days=2))  # another day
    today = timezone.localdate()
    figures = signals_for(tree["county_a"], today, diseases.current())
    assert (figures[SignalKind.POSITIVE_RESULTS], figures[SignalKind.POSITIVE_POOLS]) == (2, 1)
    city = signals_for(tree["city"], today, diseases.current())
    assert (city[SignalKind.POSITIVE_RESULTS], city[SignalKind.POSITIVE_POOLS]) == (3, 2)
