"""Dorfman pooling against Dorfman (1943)'s optimal pool sizes."""

import pytest

from fangkong.analytics import BadSeries
from fangkong.analytics.pooling import best_pool_size, dorfman_tests_per_person


@pytest.mark.parametrize("prevalence, size, tests", [(0.01, 11, 0.1956), (0.02, 8, 0.2742), (0.05, 5, 0.4262),
                                                     (0.10, 4, 0.5939)])
def test_the_best_pool_size_is_dorfmans(prevalence, size, tests):
    advice = best_pool_size(prevalence)
    assert advice.pool_size == size and advice.tests_per_person == pytest.approx(tests, abs=1e-4)


def test_above_about_thirty_percent_pooling_does_not_pay():
    assert best_pool_size(0.35).pool_size == 1 and best_pool_size(0.35).saving == 0


def test_an_imperfect_assay_costs_more_retests():
    assert dorfman_tests_per_person(0.01, 10, specificity=0.98) > dorfman_tests_per_person(0.01, 10)


@pytest.mark.parametrize("kwargs, field", [({"prevalence": 1.5}, "prevalence"),
                                           ({"prevalence": 0.1, "sensitivity": 0}, "sensitivity")])
def test_bad_input_is_refused(kwargs, field):
    with pytest.raises(BadSeries) as refused:
        best_pool_size(**kwargs)
    assert refused.value.field == field
