import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fangkong.analytics import BadSeries
from fangkong.analytics.growth import growth_rate, reproduction_number_from_growth


def test_an_exact_exponential_gives_its_rate_and_doubling_time():
    counts = np.round(100 * 2 ** (np.arange(15) / 4)).astype(int)  # doubles every 4 days
    g = growth_rate(counts)
    assert g.doubling_time == pytest.approx(4, rel=2e-3)
    assert g.rate_low < math.log(2) / 4 < g.rate_high and g.doubling_low < 4 < g.doubling_high


def test_a_decline_has_a_negative_rate_and_a_halving_time():
    counts = np.round(1000 * 0.5 ** (np.arange(12) / 3)).astype(int)
    assert growth_rate(counts).doubling_time == pytest.approx(-3, rel=1e-2)


def test_noisy_counts_widen_the_interval():
    rng = np.random.default_rng(3)
    steady = np.round(50 * np.exp(0.1 * np.arange(14))).astype(int)
    noisy = rng.negative_binomial(2, 2 / (2 + steady))
    tight, wide = growth_rate(steady), growth_rate(noisy)
    assert (wide.rate_high - wide.rate_low) > (tight.rate_high - tight.rate_low) and wide.dispersion > 1


@pytest.mark.parametrize("rate, mean, sd, expected", [
    (0.1, 5, 5, 1.5),  # exponential interval: R = 1 + r m (Wallinga & Lipsitch 2007, eq. 3.2 case)
    (0.0, 4.7, 2.9, 1.0),
    (0.2, 4, 2, (1 + 0.2 * 1) ** 4),
])
def test_reproduction_number_from_growth(rate, mean, sd, expected):
    assert reproduction_number_from_growth(rate, gt_mean=mean, gt_sd=sd) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.floats(-0.15, 0.3).filter(lambda rate: abs(rate) > 1e-9), st.floats(2, 8), st.floats(0.5, 4))
def test_growth_above_zero_means_r_above_one(rate, mean, sd):
    assume(1 + rate * sd**2 / mean > 0)  # steeper declines are refused (tested below)
    assert (reproduction_number_from_growth(rate, gt_mean=mean, gt_sd=sd) > 1) == (rate > 0)


def test_a_decline_steeper_than_the_generation_interval_allows_is_refused():
    with pytest.raises(BadSeries) as refused:
        reproduction_number_from_growth(-0.125, gt_mean=2, gt_sd=4)
    assert refused.value.field == "rate"


@pytest.mark.parametrize("counts", [[1, 2], [1, -2, 3, 4], [0, 0, 0, 0], [1.5, 2, 3]])
def test_bad_counts_are_refused(counts):
    with pytest.raises(BadSeries) as refused:
        growth_rate(counts)
    assert refused.value.field == "counts"
