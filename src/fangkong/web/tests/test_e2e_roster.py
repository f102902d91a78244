"""In a real headless Chromium: the command centre reads a solved roster (people × days, a colour per shift,
coverage), a hand edit that would break the minimum rest is refused at the form naming the rule and the person,
an allowed one is kept; a nurse reads her own roster on a 390 px phone without scrolling sideways."""

import datetime as dt

import pytest

from fangkong.accounts.models import Role
from fangkong.conftest import PASSWORD, make_user
from fangkong.workforce import services
from fangkong.workforce.models import Assignment
from fangkong.workforce.tests.fixtures import MONDAY, ward

from .conftest import log_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def test_the_roster_page_its_hand_edits_and_the_own_roster_on_a_phone(live_server, page, browser, commander, tree):
    post, staff, roster = ward(commander)
    services.queue_solve(commander, roster.pk)
    services.sweep_rosters(workers=1)
    log_in(page, live_server.url, commander.username, PASSWORD)
    page.goto(f"{live_server.url}/rosters/{roster.pk}/")
    grid = page.get_by_test_id("roster")
    assert "已排好" in page.get_by_test_id("roster-status").inner_text()
    row = page.get_by_test_id(f"roster-row-{staff[0].pk}")
    assert staff[0].name in row.inner_text()
    assert grid.locator("td.shift.tone-0").count() + grid.locator("td.shift.tone-1").count() == 3 * 14
    page.screenshot(path="/tmp/roster-e2e-desk.png", full_page=True)

    nurse = staff[0]
    Assignment.objects.filter(roster=roster, staff=nurse).delete()
    services.set_shift(commander, roster.pk, nurse.pk, day=MONDAY, shift_code="N")
    page.reload()
    form = page.get_by_test_id("roster-edit")
    form.locator("select[name=staff_id]").select_option(str(nurse.pk))
    form.locator("input[name=day]").fill((MONDAY + dt.timedelta(days=1)).isoformat())
    form.locator("select[name=shift]").select_option("D")
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    refusal = page.get_by_test_id("roster-edit").inner_text()
    assert "两班之间最少休息" in refusal and nurse.name in refusal
    assert not Assignment.objects.filter(roster=roster, staff=nurse, day=MONDAY + dt.timedelta(days=1)).exists()

    form = page.get_by_test_id("roster-edit")
    form.locator("select[name=staff_id]").select_option(str(nurse.pk))
    form.locator("input[name=day]").fill((MONDAY + dt.timedelta(days=1)).isoformat())
    form.locator("select[name=shift]").select_option("N")
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert Assignment.objects.get(roster=roster, staff=nurse, day=MONDAY + dt.timedelta(days=1)).shift.code == "N"

    nurse.user = make_user("nurse", Role.HOSPITAL, tree["county_a"])
    nurse.save()
    phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    log_in(phone, live_server.url, "nurse", PASSWORD)
    phone.goto(f"{live_server.url}/workforce/")
    phone.get_by_test_id("own-rosters").get_by_role("link").first.click()
    phone.wait_for_load_state("networkidle")
    days = phone.get_by_test_id("own-days")
    assert days.is_visible() and days.locator("li").count() == 14
    assert "N 20:00" in days.locator("li").nth(0).inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.get_by_test_id("roster-edit").count() == 0
    phone.screenshot(path="/tmp/roster-e2e-phone.png", full_page=True)
    phone.context.close()
