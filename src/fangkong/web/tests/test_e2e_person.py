"""In a real headless Chromium: a grid worker finds a person of the grid and sees a masked ID (and no birth date),
and may not search by ID number;
a grid worker of the neighbouring grid opening the same address gets 404."""

import re

import pytest

from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import PASSWORD

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_a_grid_worker_finds_a_person_and_sees_a_masked_id(live_server, page, person, grid_worker, sibling_worker):
    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    assert page.locator("h1").first.inner_text().startswith("今日工作")  # lands on the day's work, in Chinese
    page.goto(f"{live_server.url}/j/{grid_worker.jurisdiction.code}/")
    assert page.locator("h1").first.inner_text().startswith("第1网格")
    page.fill("header input[name=q]", "张三")
    page.press("header input[name=q]", "Enter")
    page.get_by_role("link", name="张三").click()
    page.wait_for_url(re.compile(r"/persons/\d+/"))
    assert page.get_by_test_id("id-number").inner_text().startswith("420***********1232")
    assert "420102199003071232" not in page.content()
    assert "1990-03-07" not in page.content() and "岁" not in page.locator("h1").inner_text()  # no birth date, no age
    person_url = page.url
    page.fill("header input[name=q]", "420102199003071232")
    page.press("header input[name=q]", "Enter")
    assert "不能按证件号码查询" in page.get_by_role("alert").inner_text()
    seen = AuditEvent.objects.filter(action=Action.VIEW_PERSON, person=person, actor=grid_worker)
    # the grid's list on landing, the search hit, the page opened from it: each sight recorded, from the browser
    assert sorted(seen.values_list("reason", flat=True)) == ["routine", "search", "search"]
    assert set(seen.values_list("channel", "ip")) == {("web", "127.0.0.1")}

    page.context.clear_cookies()
    log_in(page, live_server.url, sibling_worker.username, PASSWORD)
    response = page.goto(person_url)
    assert response.status == 404
    assert not AuditEvent.objects.filter(action=Action.VIEW_PERSON, actor=sibling_worker).exists()


def test_the_command_centre_sees_the_map_and_switches_to_english(live_server, page, commander, person):
    log_in(page, live_server.url, commander.username, PASSWORD)
    assert page.get_by_test_id("kpi-persons").inner_text() == "1"
    page.wait_for_selector("#map canvas")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Jurisdiction tree").is_visible()
    page.get_by_role("button", name="Expand").first.click()
    page.get_by_role("link", name="江岸区一街道").wait_for()
