"""The SIR projection against CHIME's own tests (tests/penn_chime/model/test_sir.py)."""

from dataclasses import replace

import numpy as np
import pytest

from fangkong.analytics import BadSeries
from fangkong.analytics.sir import Disposition, SirParameters, growth_rate_from_doubling_time, project, sir_step

CHIME_FIXTURE = SirParameters(
    population=500_000, current_hospitalized=100, doubling_time=6, infectious_days=14, market_share=0.05,
    relative_contact_rate=0.15, mitigation_day=0, n_days=60,
    dispositions={"hospitalized": Disposition(0.05, 7), "icu": Disposition(0.02, 9),
                  "ventilated": Disposition(0.01, 10)},
)


def test_one_sir_step_is_chimes():
    assert sir_step(100, 1, 0, 0.2, 0.5, 1) == pytest.approx(
        (0.7920792079207921, 0.20297029702970298, 0.0049504950495049506), abs=1e-12)


def test_growth_rate_from_doubling_time_is_chimes():
    assert growth_rate_from_doubling_time(5) == pytest.approx(0.148698, abs=1e-6)
    assert growth_rate_from_doubling_time(-4) == pytest.approx(-0.159104, abs=1e-6)
    assert growth_rate_from_doubling_time(0) == 0


def test_the_projection_is_chimes():
    p = project(CHIME_FIXTURE)
    assert p.i_day == 43
    assert p.intrinsic_growth_rate == pytest.approx(0.12246204830937302, abs=1e-12)
    assert p.r_t == pytest.approx(2.307298374881539, abs=1e-9)
    assert p.r_naught == pytest.approx(2.7144686763312222, abs=1e-9)
    assert p.doubling_time_t == pytest.approx(7.764405988534983, abs=1e-9)
    assert len(p.day) == 104 and p.day[p.i_day] == 0
    assert round(p.infected[p.i_day]) == 45810
    assert (p.susceptible[0], round(p.infected[1]), round(p.recovered[30]), round(p.susceptible[-1])) == \
        (499600, 449, 7083, 83391)


def test_the_worst_case_has_more_patients_at_the_peak():
    usual, worst = project(CHIME_FIXTURE), project(CHIME_FIXTURE, worst_case=True)
    assert np.nanmax(worst.census["hospitalized"]) > np.nanmax(usual.census["hospitalized"])
    assert worst.r_t == pytest.approx(worst.r_naught)


def test_the_census_is_admissions_over_the_length_of_stay():
    p = project(CHIME_FIXTURE)
    admits, census = p.admits["hospitalized"], p.census["hospitalized"]
    day = 50
    assert census[day] == pytest.approx(np.nansum(admits[day - 6:day + 1]))


@pytest.mark.parametrize("change, field", [({"market_share": 0}, "market_share"),
                                           ({"relative_contact_rate": 1.2}, "relative_contact_rate"),
                                           ({"doubling_time": 0}, "doubling_time"),
                                           ({"population": -5}, "population")])
def test_bad_parameters_are_refused(change, field):
    with pytest.raises(BadSeries) as refused:
        project(replace(CHIME_FIXTURE, **change))
    assert refused.value.field == field
