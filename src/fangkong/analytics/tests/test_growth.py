import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fangkong.analytics import BadSeries
from fangkong.analytics.growth import growth_rate, r0_generation_time, reproduction_number_from_growth

DATA = Path(__file__).parent / "data"


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
def test_reproduction_number_from_growth_with_a_continuous_interval(rate, mean, sd, expected):
    assert reproduction_number_from_growth(rate, gt_mean=mean, gt_sd=sd, discretisation="continuous") == \
        pytest.approx(expected, rel=1e-12)


def test_the_generation_time_is_discretised_as_r0_prints_it():
    # R0's tests/generation.time.R and its saved output (R 4.2.1): generation.time("gamma", c(2.45, 1.38))
    gt = r0_generation_time(2.45, 1.38)
    printed = [0.0000000000, 0.2553188589, 0.3247178420, 0.2199060781, 0.1144367560, 0.0515687896, 0.0212246257,
               0.0082077973, 0.0030329325, 0.0010825594, 0.0003760069, 0.0001277537]
    assert gt == pytest.approx(printed, abs=5e-11)
    days = np.arange(gt.size)
    mean = np.sum(gt * days)
    assert (mean, math.sqrt(np.sum(gt * days**2) - mean**2)) == pytest.approx((2.504038, 1.37276), abs=5e-7)


def test_r_from_the_growth_of_germany_1918_is_r0s():
    # R0's documented example (man/est.R0.EG.Rd, tests/est.R0.EG.R):
    # est.R0.EG(Germany.1918, generation.time("gamma", c(3, 1.5)), begin=1, end=27) gives R = 1.525895.
    # R0 fits a Poisson GLM to days 1-27; the quasi-Poisson slope is the same estimate.
    cases = json.loads((DATA / "r0_germany_1918.json").read_text())["cases"]
    rate = growth_rate(cases[:27]).rate
    assert reproduction_number_from_growth(rate, gt_mean=3, gt_sd=1.5) == pytest.approx(1.525895, abs=5e-7)
    assert reproduction_number_from_growth(rate, gt_mean=3, gt_sd=1.5, discretisation="R0") == \
        reproduction_number_from_growth(rate, gt_mean=3, gt_sd=1.5)  # R0's is the default


def test_r0s_formula_as_written_in_r_from_r():
    # R.from.r: R = r / sum(GT * (exp(-r * (0:(Tmax-1))) - exp(-r * (1:Tmax)))), computed here as written there.
    gt, rate = r0_generation_time(4.7, 2.9), 0.08
    days = np.arange(gt.size)
    as_written = rate / np.sum(gt * (np.exp(-rate * days) - np.exp(-rate * (days + 1))))
    assert reproduction_number_from_growth(rate, gt_mean=4.7, gt_sd=2.9) == pytest.approx(as_written, rel=1e-12)
    assert reproduction_number_from_growth(0.0, gt_mean=4.7, gt_sd=2.9) == 1.0  # R0 itself gives 0/0 here
    assert reproduction_number_from_growth(1e-12, gt_mean=4.7, gt_sd=2.9) == pytest.approx(1.0, abs=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.floats(-0.15, 0.3).filter(lambda rate: abs(rate) > 1e-9), st.floats(2, 8), st.floats(0.5, 4),
       st.sampled_from(["R0", "continuous"]))
def test_growth_above_zero_means_r_above_one(rate, mean, sd, discretisation):
    assume(1 + rate * sd**2 / mean > 0)  # steeper declines are refused by the continuous form (tested below)
    r = reproduction_number_from_growth(rate, gt_mean=mean, gt_sd=sd, discretisation=discretisation)
    assert (r > 1) == (rate > 0)


def test_a_decline_steeper_than_the_continuous_interval_allows_is_refused_and_r0s_has_no_such_limit():
    with pytest.raises(BadSeries) as refused:
        reproduction_number_from_growth(-0.125, gt_mean=2, gt_sd=4, discretisation="continuous")
    assert refused.value.field == "rate"
    assert 0 < reproduction_number_from_growth(-0.125, gt_mean=2, gt_sd=4) < 1


def test_an_unknown_discretisation_is_refused():
    with pytest.raises(BadSeries) as refused:
        reproduction_number_from_growth(0.1, gt_mean=4, gt_sd=2, discretisation="EpiEstim")
    assert refused.value.field == "discretisation"


@pytest.mark.parametrize("counts", [[1, 2], [1, -2, 3, 4], [0, 0, 0, 0], [1.5, 2, 3]])
def test_bad_counts_are_refused(counts):
    with pytest.raises(BadSeries) as refused:
        growth_rate(counts)
    assert refused.value.field == "counts"
