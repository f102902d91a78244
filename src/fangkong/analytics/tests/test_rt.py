"""R_t against EpiEstim 3.0's own saved output (tests/testthat/_snaps/estimate_R.md)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.analytics import BadSeries, estimate_rt, estimate_rt_many
from fangkong.analytics.rt import discretised_si

from .reference import epiestim_dataset, epiestim_example

COLUMNS = {"Mean(R)": "mean", "Std(R)": "std", "Quantile.0.025(R)": "q025", "Median(R)": "median",
           "Quantile.0.975(R)": "q975"}


def assert_matches_epiestim(ours, expected):
    assert ours["t_start"].to_list() == [int(v) for v in expected["t_start"]]
    assert ours["t_end"].to_list() == [int(v) for v in expected["t_end"]]
    for theirs, column in COLUMNS.items():
        # EpiEstim prints 7-8 significant digits; 1e-6 relative is what that printing allows.
        np.testing.assert_allclose(ours[column].to_numpy(), [float(v) for v in expected[theirs]], rtol=1e-6, atol=1e-9)


def test_example_1_non_parametric_serial_interval():
    flu = epiestim_dataset("Flu2009")
    ours = estimate_rt(flu["incidence"]["I"], si_distr=flu["si_distr"], window=7)
    assert_matches_epiestim(ours, epiestim_example(1)["R"])


def test_example_2_local_and_imported_cases():
    example = epiestim_example(2)
    ours = estimate_rt(example["I_local"], imported=example["I_imported"], si_mean=2.6, si_sd=1.5, window=7)
    assert_matches_epiestim(ours, example["R"])


def test_example_3_parametric_serial_interval():
    flu = epiestim_dataset("Flu2009")
    ours = estimate_rt(flu["incidence"]["I"], si_mean=2.6, si_sd=1.5, window=7)
    assert_matches_epiestim(ours, epiestim_example(3)["R"])
    first = ours.row(0, named=True)
    assert (first["mean"], first["std"], first["median"]) == pytest.approx((1.7357977, 0.40913143, 1.7037612), rel=1e-7)


def test_the_discretised_serial_interval_is_epiestims():
    # The $si_distr EpiEstim printed for Example 2 (mean 2.6, sd 1.5).
    printed = [0.0, 2.331721e-01, 3.585794e-01, 1.981108e-01, 1.033427e-01, 5.290518e-02, 2.682146e-02]
    np.testing.assert_allclose(discretised_si(7, 2.6, 1.5), printed, rtol=1e-6, atol=1e-12)


def test_many_places_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(7)
    matrix = rng.poisson(rng.uniform(1, 40, size=(6, 1)), size=(6, 60))
    together = estimate_rt_many(matrix, si_mean=4.7, si_sd=2.9, window=7)
    for place in range(6):
        alone = estimate_rt(matrix[place], si_mean=4.7, si_sd=2.9, window=7)
        np.testing.assert_allclose(together.mean[place], alone["mean"].to_numpy(), rtol=1e-12)
        np.testing.assert_allclose(together.q975[place], alone["q975"].to_numpy(), rtol=1e-12)


series = st.lists(st.integers(0, 500), min_size=10, max_size=60)


@settings(max_examples=60, deadline=None)
@given(series, st.integers(1, 8))
def test_estimates_are_non_negative_and_their_quantiles_ordered(counts, window):
    window = min(window, len(counts) - 1)
    r = estimate_rt(counts, si_mean=4.7, si_sd=2.9, window=window)
    assert (r["q025"] >= 0).all() and (r["mean"] >= 0).all() and (r["std"] >= 0).all()
    assert (r["q025"] <= r["median"]).all() and (r["median"] <= r["q975"]).all()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 50), min_size=12, max_size=40))
def test_with_many_cases_the_posterior_mean_tends_to_local_over_infectiousness(counts):
    """As counts grow by a constant factor, the prior washes out: mean -> sum(local) / sum(Lambda)."""
    counts = np.array(counts)
    w = discretised_si(len(counts), 4.7, 2.9)
    local = counts.astype(float).copy()
    local[0] = 0
    lam = np.array([sum(counts[t - s] * w[s] for s in range(1, t + 1)) for t in range(len(counts))])
    ratio = local[1:8].sum() / lam[1:8].sum()  # the first window, days 2..8
    gaps = [abs(estimate_rt(counts * k, si_mean=4.7, si_sd=2.9)["mean"][0] - ratio) for k in (1, 10, 100, 10_000)]
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 1e-3 * max(ratio, 1)


@pytest.mark.parametrize("kwargs, field", [
    ({"incidence": [3, -1, 4, 5, 6, 7, 8, 9, 10]}, "incidence"),
    ({"incidence": [3, 1.5, 4, 5, 6, 7, 8, 9, 10]}, "incidence"),
    ({"incidence": [3, float("nan"), 4, 5, 6, 7, 8, 9, 10]}, "incidence"),
    ({"incidence": [3, 1, 4, 5, 6, 7, 8, 9, 10], "si_mean": 1.0}, "si_mean"),
    ({"incidence": [3, 1, 4, 5, 6, 7, 8, 9, 10], "window": 9}, "window"),
    ({"incidence": [3, 1, 4, 5, 6, 7, 8, 9, 10], "imported": [1, 2]}, "imported"),
])
def test_bad_input_is_refused_naming_the_argument(kwargs, field):
    arguments = {"si_mean": 4.7, "si_sd": 2.9, "window": 7, **kwargs}
    incidence = arguments.pop("incidence")
    with pytest.raises(BadSeries) as refused:
        estimate_rt(incidence, **arguments)
    assert refused.value.field == field
