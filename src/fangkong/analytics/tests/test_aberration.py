"""Aberration detection against the R package surveillance's own tests (test-earsC.R, test-farringtonFlexible.R)."""

import math

import numpy as np
import pytest

from fangkong.analytics import BadSeries
from fangkong.analytics.aberration import cusum, ears, farrington_flexible, farrington_threshold, noufaily_threshold

from .reference import salmonella_agona, salmonella_newport


def test_ears_c1_matches_surveillance_on_salmonella_newport():
    data = salmonella_newport()
    first_2011 = data["dates"].index("2011-01-03")
    assert first_2011 == 365
    result = ears(data["germany_total"], method="C1", alpha=0.05, baseline=7)
    upper = dict(zip(result.index.tolist(), result.upperbound.tolist()))
    assert [upper[first_2011 + i] for i in range(4)] == pytest.approx([3.278854, 3.278854, 3.436517, 3.855617],
                                                                        abs=1e-6)


def test_ears_c2_keeps_a_two_period_guard_band():
    flat = [4, 5, 4, 6, 5, 4, 5, 5, 4, 30, 31]  # the outbreak starts at index 9
    c1, c2 = ears(flat, method="C1"), ears(flat, method="C2")
    assert c2.index[0] == 9 and c1.index[0] == 7
    # Day 10: C1's baseline holds day 9's 30 and so misses day 10; C2's baseline ends at day 7 and alarms.
    assert not dict(zip(c1.index, c1.alarm))[10] and dict(zip(c2.index, c2.alarm))[10]


def test_ears_c3_alarms_on_a_sustained_rise_that_c2_needs_a_big_jump_for():
    series = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 13, 14, 15, 16]
    c3 = ears(series, method="C3")
    assert c3.alarm[-1] and not c3.alarm[0]
    assert (c3.upperbound >= 0).all()


@pytest.mark.parametrize("transform, expected", [
    ("none", (1.3073128, 8.6926872, 0.0907246, 0.8124165)),
    ("1/2", (1.9891097, 9.3744842, 0.1189986, 0.6857951)),
    ("2/3", (1.8084477, 9.1154825, 0.1094727, 0.7289546)),
])
def test_the_farrington_threshold_matches_surveillance(transform, expected):
    t = farrington_threshold(5, 0.2, 1, alpha=0.05, y=8, transform=transform)
    assert (t.lower, t.upper, t.prob, t.score) == pytest.approx(expected, abs=1e-6)


# The values of surveillance's tests/testthat/test-farringtonFlexible.R ("Noufaily threshold function").
# Some copies of these values circulate shifted by one row in the bounds and the score (their probabilities
# agree); these are the upstream file's (see data/README.md).
@pytest.mark.parametrize("method, phi, expected", [
    ("muan", 1.5, (7, 26, 0.8597797, 0.3850080)),
    ("muan", 1.0, (8, 24, 0.9093099, 0.4193982)),
    ("nbPlugin", 1.5, (1, 11, 0.03763657, 1.00000000)),
    ("nbPlugin", 1.0, (1, 10, 0.01369527, 1.11918153)),
])
def test_the_noufaily_threshold_matches_surveillance(method, phi, expected):
    t = noufaily_threshold(math.log(5), math.log(2), phi, alpha=0.05, y=11, method=method)
    assert (t.lower, t.upper, t.prob, t.score) == pytest.approx(expected, abs=1e-6)


def test_cusum_signals_a_shift_up_or_down_and_then_restarts():
    calm = [10] * 10
    result = cusum(calm + [14] * 6 + calm + [6] * 6, target=10, sd=2, k=0.5, h=4)
    alarms = np.flatnonzero(result.alarm).tolist()
    assert alarms and alarms[0] in range(10, 16) and any(a >= 26 for a in alarms)
    assert not result.alarm[:10].any() and (result.upper >= 0).all() and (result.lower >= 0).all()


@pytest.mark.parametrize("call, field", [
    (lambda: ears([1, 2, -3, 4, 5, 6, 7, 8, 9]), "observed"),
    (lambda: ears([1, 2, 3]), "observed"),
    (lambda: ears(list(range(20)), method="C4"), "method"),
    (lambda: ears(list(range(20)), baseline=2), "baseline"),
    (lambda: farrington_threshold(5, 0.2, 1, y=8, transform="3/4"), "transform"),
    (lambda: cusum([1, 2, 3], target=2, sd=0), "sd"),
])
def test_bad_input_is_refused_naming_the_argument(call, field):
    with pytest.raises(BadSeries) as refused:
        call()
    assert refused.value.field == field


@pytest.mark.parametrize("method", ["delta", "muan", "nbPlugin"])
def test_farrington_flexible_alarms_only_above_the_bound_and_never_on_zero(method):
    """surveillance's own checks of farringtonFlexible (test-farringtonFlexible.R, "Alarms")."""
    observed = np.array(salmonella_agona())
    result = farrington_flexible(observed, threshold_method=method, alpha=0.1)
    counts = observed[result.index]
    assert not result.alarm[counts == 0].any()
    assert (result.alarm <= (counts > result.upperbound)).all()
    assert (result.expected > 0).all() and (result.upperbound >= result.expected).all()


def test_an_injected_outbreak_is_flagged_and_a_quiet_series_is_not():
    rng = np.random.default_rng(5)
    weeks = 4 * 52 + 30
    quiet = rng.poisson(10 + 4 * np.sin(2 * np.pi * np.arange(weeks) / 52))
    assert farrington_flexible(quiet).alarm.mean() < 0.1  # false alarms near alpha (0.05)
    loud = quiet.copy()
    loud[-3:] += 25
    assert farrington_flexible(loud).alarm[-3:].all()
