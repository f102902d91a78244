"""R_t and growth on the dashboard: the library's numbers on the report-date curve, shown only when they mean
something."""

import datetime as dt

import pytest

from fangkong.analytics import estimate_rt, growth_rate, reproduction_number_from_growth
from fangkong.cases.disease import current
from fangkong.conftest import login_client
from fangkong.dashboard import services
from fangkong.dashboard.services import judgement


def curve_with(report: list[int]) -> dict:
    start = dt.date(2026, 10, 1)
    return {"dates": [(start + dt.timedelta(days=i)).isoformat() for i in range(len(report))],
            "onset": [0] * len(report), "report": report}


@pytest.mark.django_db
def test_rt_is_the_estimators_and_starts_once_twelve_cases_are_reported():
    report = [0] * 20 + [1, 0, 2, 1, 3, 2, 4, 5, 4, 6, 8, 7, 9, 11, 12, 10, 14, 15, 13, 18] + [20] * 20
    result = judgement(curve_with(report), current())
    twelfth = next(day for day in range(len(report)) if sum(report[:day + 1]) >= 12)
    assert all(v is None for v in result["rt"][:twelfth]) and result["rt"][twelfth] is not None
    expected = estimate_rt(report, si_mean=4.7, si_sd=2.9, window=7)
    last = expected.row(-1, named=True)
    assert result["latest"] == {"date": result["dates"][-1], "mean": round(last["mean"], 3),
                                "low": round(last["q025"], 3), "high": round(last["q975"], 3)}
    assert result["growth"]["rate"] == pytest.approx(growth_rate(report[-14:]).rate)
    growth = growth_rate(report[-14:])
    assert [result["growth"][name] for name in ("r", "r_low", "r_high")] == [
        reproduction_number_from_growth(rate, gt_mean=4.7, gt_sd=2.9, discretisation="R0")
        for rate in (growth.rate, growth.rate_low, growth.rate_high)]


@pytest.mark.django_db
def test_with_few_cases_there_is_no_rt_and_no_growth():
    result = judgement(curve_with([0] * 50 + [1, 2, 0, 3, 1, 0, 2, 0, 1, 0]), current())
    assert result["latest"] is None and result["growth"] is None and set(result["rt"]) == {None}


def test_the_dashboard_shows_the_trend_panel(client, commander):
    login_client(client, commander)
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="judgement"' in page and 'id="rt"' in page


def test_the_trend_panel_says_how_r_from_growth_was_computed(client, commander, monkeypatch):
    report = [0] * 46 + [3, 4, 4, 5, 6, 7, 8, 9, 11, 12, 14, 16, 19, 22]
    monkeypatch.setattr(services, "epidemic_curve", lambda node, **_: curve_with(report))
    login_client(client, commander)
    page = client.get("/dashboard/").content.decode()
    r = reproduction_number_from_growth(growth_rate(report[-14:]).rate, gt_mean=4.7, gt_sd=2.9)
    assert f"由增长率推算的 R <strong>{r:.2f}</strong>" in page
    assert "代际间隔取序列间隔：伽马分布，均值 4.7 天、标准差 2.9 天，按 R 软件包 R0 的方法离散化（est.R0.EG）" in page
