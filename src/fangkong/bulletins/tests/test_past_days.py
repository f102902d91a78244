"""A bulletin drafted for a past day shows that day's figures, as they stood at its end, and says it is a re-count."""

import datetime as dt

import pytest
from django.utils import timezone
from stdnum.cn import ric

from fangkong.bulletins import services
from fangkong.cases import services as cases
from fangkong.conftest import login_client
from fangkong.dashboard.services import summary
from fangkong.people.services import PersonInput, create_person
from fangkong.quarantine import services as quarantine

from .pdfs import pdf_text


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def someone(worker, name: str, born: str):
    body = f"420102{born}001"
    return create_person(worker, PersonInput(id_number=body + ric.calc_check_digit(body + "?"), name=name,
                                             grid_code=worker.jurisdiction.code)).person


@pytest.fixture
def week(grid_worker, epidemiologist, outbreak):
    """Two days ago a suspected case is found and a contact is put under observation; yesterday the case is
    confirmed; today the contact is released early (and the `outbreak` case is found and confirmed)."""
    today = timezone.localdate()
    two_days_ago, yesterday = today - dt.timedelta(days=2), today - dt.timedelta(days=1)
    case = cases.open_case(epidemiologist, someone(grid_worker, "李四", "19850101").pk,
                           detected_at=at(two_days_ago, 10))
    cases.transition(epidemiologist, case.pk, "confirm", at=at(yesterday, 9))
    order = quarantine.place_order(grid_worker, someone(grid_worker, "王五", "19860202").pk, kind="home",
                                   reason="close_contact", starts_at=at(two_days_ago, 11))
    quarantine.end_order(grid_worker, order.pk, status="released_early", note="核酸阴性")
    return two_days_ago, yesterday, today


def test_a_past_day_counts_what_stood_at_its_end(commander, tree, week):
    two_days_ago, yesterday, today = week
    first = services.draft(commander, tree["city"].code, two_days_ago).content
    assert {k: first["figures"][k] for k in ("suspected", "confirmed", "home_observation")} == {
        "suspected": 1, "confirmed": 0, "home_observation": 1}
    second = services.draft(commander, tree["city"].code, yesterday).content
    assert {k: second["figures"][k] for k in ("suspected", "confirmed", "home_observation")} == {
        "suspected": 0, "confirmed": 1, "home_observation": 1}
    by_area = {child["name"]: child for child in second["children"]}
    assert (by_area["江岸区"]["confirmed"], by_area["江岸区"]["observed"], by_area["江汉区"]["confirmed"]) == (1, 1, 0)
    assert first["recount"]["as_of"] == at(two_days_ago + dt.timedelta(days=1), 0).isoformat()
    live = services.draft(commander, tree["city"].code, today).content
    assert live["recount"] is None
    assert (live["figures"]["confirmed"], live["figures"]["home_observation"]) == (2, 1)


def test_counted_at_the_present_moment_the_re_count_equals_the_dashboard(tree, week):
    now = timezone.now()
    totals, children = services.figures_at(tree["city"], now)
    live = summary(tree["city"], now=now)
    assert totals == {f: live.totals[f] for f in services.FIGURES_AT}
    assert children == [(c, {f: figures[f] for f in services.FIGURES_AT}) for c, figures in live.children]


def test_the_re_count_says_so_on_the_page_and_in_the_pdf(client, commander, tree, week):
    two_days_ago, _, today = week
    bulletin = services.publish(commander, services.draft(commander, tree["city"].code, two_days_ago).pk)
    notice = f"根据各项记录的时间重新统计，数据为 {two_days_ago.isoformat()} 日终时的情况"
    assert notice in pdf_text(bytes(bulletin.pdf)).replace("\n", "")
    page = login_client(client, commander).get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert 'data-testid="recount"' in page and notice in page
    today_page = client.get(f"/bulletins/{services.draft(commander, tree['city'].code, today).pk}/").content.decode()
    assert 'data-testid="recount"' not in today_page
