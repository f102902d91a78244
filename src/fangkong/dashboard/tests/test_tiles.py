"""The dashboard's tiles as each role sees them: a figure the role may not see says so instead of a zero, and
today's new cases read their change from yesterday as a sentence in either language."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from fangkong.accounts.models import PERSON_ROLES, Role
from fangkong.accounts.services import create_token
from fangkong.cases import services as cases
from fangkong.conftest import VALID_ID, login_client, make_user
from fangkong.dashboard.services import FIGURES, PUBLISHED_FIGURES
from fangkong.people.services import PersonInput, create_person
from fangkong.quarantine import services as quarantine

OTHER_IDS = ["420102198501011211", "420102199212120029", "420102198806061236"]


def tile(page: str, name: str) -> str:
    return page.split(f'data-testid="tile-{name}"')[1].split('data-testid="tile-')[0]


def people(grid_worker, count: int):
    grid = grid_worker.jurisdiction.code
    return [create_person(grid_worker, PersonInput(id_number=number, name=name, grid_code=grid)).person
            for number, name in zip([VALID_ID, *OTHER_IDS][:count], ["张三", "李四", "王五", "赵六"])]


@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_the_figures_it_may_and_is_told_of_the_others(client, tree, grid_worker, epidemiologist, role):
    case_person, watched = people(grid_worker, 2)
    cases.open_case(epidemiologist, case_person.pk)
    quarantine.place_order(grid_worker, watched.pk, kind="home", reason="close_contact")
    quarantine.record_reading(grid_worker, watched.pk, temperature="38.6")  # a fever alert
    login_client(client, make_user(f"user-{role}", role, tree["city"]))
    page = client.get("/dashboard/").content.decode()
    assert '<span class="kpi-value">1</span>' in tile(page, "suspected")  # published: every role sees it
    fever = tile(page, "fever_alerts")
    if role in PERSON_ROLES:
        assert '<span class="kpi-value">1</span>' in fever and "无权查看" not in fever
    else:
        assert "你的角色无权查看此项" in fever and 'class="kpi-value">1<' not in fever
        assert "<option value=\"fever_alerts\"" not in page  # nor offered on the map


def test_the_api_leaves_out_the_figures_a_role_may_not_see_and_names_them(client, tree):
    token = create_token(make_user("public", Role.PUBLIC, tree["city"]).username)
    body = client.get("/api/v1/jurisdictions/420100/summary", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert set(body["figures"]) == PUBLISHED_FIGURES
    assert set(body["withheld"]) == set(FIGURES) - PUBLISHED_FIGURES
    assert all(set(child["figures"]) == PUBLISHED_FIGURES for child in body["children"])


def test_new_cases_read_their_change_from_yesterday(client, tree, grid_worker, epidemiologist, commander):
    first, second, third, fourth = people(grid_worker, 4)
    yesterday = timezone.make_aware(dt.datetime.combine(timezone.localdate() - dt.timedelta(days=1), dt.time(12)))
    cases.open_case(epidemiologist, first.pk, detected_at=yesterday)
    cases.open_case(epidemiologist, second.pk)
    today = cases.open_case(epidemiologist, third.pk)
    login_client(client, commander)

    def change(language="zh-hans") -> str:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return tile(client.get("/dashboard/").content.decode(), "new_cases_today").split(
            'data-testid="change-new_cases_today">')[1].split("</span>")[0]

    assert (change(), change("en")) == ("较前一日 +1", "vs. yesterday +1")
    cases.open_case(epidemiologist, fourth.pk, detected_at=yesterday)
    assert (change(), change("en")) == ("与前一日持平", "same as yesterday")
    cases.transition(epidemiologist, today.pk, "exclude")
    assert (change(), change("en")) == ("较前一日 −1", "vs. yesterday −1")
