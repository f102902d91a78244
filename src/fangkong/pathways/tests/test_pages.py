"""The journey's pages: the case form and its five earlies, the red fever message, the order page's steps."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.cases import services as cases
from fangkong.cases.services import FiveEarlies, gap
from fangkong.conftest import login_client
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import OrderStatus


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def test_an_interval_reads_as_people_write_it():
    assert (gap(None), gap(0.0), gap(-0.01), gap(1.46), gap(-2.0)) == ("", "+0 h", "+0 h", "+1.5 h", "−2.0 h")


def test_the_case_form_sets_report_time_onset_sampling_and_severity(person, epidemiologist, client):
    browser = login_client(client, epidemiologist)
    onset = timezone.localdate() - dt.timedelta(days=3)
    opened = browser.post(f"/persons/{person.pk}/case/", {
        "onset_date": onset.isoformat(), "sampled_on": (onset + dt.timedelta(days=1)).isoformat(),
        "severity": "moderate", "high_risk": "1"})
    case = person.cases.get()
    case.detected_at -= dt.timedelta(hours=3)
    case.save(update_fields=["detected_at"])
    assert opened.status_code == 302 and (case.onset_date, case.severity, case.high_risk) == (onset, "moderate", True)
    reported = timezone.localtime(case.detected_at + dt.timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M")
    browser.post(f"/cases/{case.pk}/details/", {"onset_date": onset.isoformat(), "reported_at": reported,
                                                 "sampled_on": onset.isoformat(), "severity": "severe",
                                                 "high_risk": "1"})
    case.refresh_from_db()
    assert case.reported_at is not None and (case.severity, case.sampled_on) == ("severe", onset)
    html = browser.get(f"/cases/{case.pk}/").content.decode()
    earlies = html[html.index('data-testid="earlies"'):html.index("</section>", html.index('data-testid="earlies"'))]
    assert "+-" not in earlies and onset.isoformat() in earlies and "+3 d" in earlies
    assert earlies.count("—") == 3  # isolated, diagnosed, treated: not yet
    assert case.events.filter(action="details").exists()


@pytest.mark.parametrize("field, value, problem", [
    ("onset_date", "tomorrow", "date like"), ("sampled_on", "2999-01-01", "future"),
    ("reported_at", "2000-01-01T10:00", "after it is discovered")])
def test_a_mistake_in_the_case_form_is_refused_at_its_field(person, epidemiologist, client, field, value, problem):
    browser = login_client(client, epidemiologist)
    case = cases.open_case(epidemiologist, person.pk)
    page = browser.post(f"/cases/{case.pk}/details/", {"severity": "mild", field: value})
    assert page.status_code == 200 and problem in page.content.decode()
    case.refresh_from_db()
    assert case.events.count() == 1


def test_the_five_earlies_measure_a_diagnosis_without_isolation_from_the_discovery():
    now = timezone.now()
    earlies = FiveEarlies(None, now - dt.timedelta(hours=5), None, None, now, None, 2)
    diagnosed = next(step for step in earlies.steps if step.when == now)
    assert diagnosed.since == "+5.0 h"


def test_a_fever_reading_says_in_red_what_happens_next(person, grid_worker, client):
    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    browser = login_client(client, grid_worker)
    page = browser.post(f"/persons/{person.pk}/reading/", {"temperature": "38.7"}, follow=True)
    html = page.content.decode()
    assert 'class="error" role="alert" data-testid="urgent"' in html
    assert "38.7 °C is a fever" in html and grid_worker.jurisdiction.name in html
    calm = browser.post(f"/persons/{person.pk}/reading/", {"temperature": "36.6"}, follow=True)
    assert 'data-testid="urgent"' not in calm.content.decode() and "Reading recorded" in calm.content.decode()


def test_the_order_page_extends_ends_and_transfers(person, grid_worker, epidemiologist, client):
    order = quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    as_grid = login_client(client, grid_worker)
    html = as_grid.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="extend-form"' in html and 'data-testid="transfer-form"' not in html  # no case, no case.move
    end_before = order.planned_end_at
    as_grid.post(f"/orders/{order.pk}/extend/", {"days": "3"})
    order.refresh_from_db()
    assert order.planned_end_at - end_before == dt.timedelta(days=3)
    client.logout()
    cases.open_case(epidemiologist, person.pk)
    as_epi = login_client(client, epidemiologist)
    assert 'data-testid="transfer-form"' in as_epi.get(f"/orders/{order.pk}/").content.decode()
    as_epi.post(f"/orders/{order.pk}/transfer/", {"hospital": "金银潭医院"})
    order.refresh_from_db()
    assert order.status == OrderStatus.TRANSFERRED and person.cases.get().placement == "in_transfer"
    assert 'data-testid="extend-form"' not in as_epi.get(f"/orders/{order.pk}/").content.decode()


def test_a_refused_extension_names_the_field(person, grid_worker, client):
    order = quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    page = login_client(client, grid_worker).post(f"/orders/{order.pk}/extend/", {"days": "ninety"})
    assert page.status_code == 200 and "whole number of days" in page.content.decode()


def test_pages_hide_the_forms_a_role_may_not_use(tree, grid_worker, epidemiologist, client):
    from fangkong.conftest import make_user

    nurse = make_user("nurse", "hospital", tree["county_a"])
    for user, shown, hidden in ((grid_worker, ['data-testid="arrival-form"'], []),
                                (nurse, [], ['data-testid="arrival-form"']),
                                (epidemiologist, [], ['data-testid="arrival-form"'])):
        html = login_client(client, user).get("/arrivals/").content.decode()
        assert all(s in html for s in shown) and not any(h in html for h in hidden), user.role
        client.logout()
