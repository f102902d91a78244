"""In a real headless Chromium: the city command centre writes a rule, a fever fires it, and the
county sees its response level and works through the six fast actions."""

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.conftest import PASSWORD, make_user
from fangkong.quarantine import services as quarantine
from fangkong.warning import services as warning
from fangkong.warning.models import Task

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_a_rule_written_on_the_page_fires_and_the_county_works_its_playbook(live_server, page, browser, person,
                                                                            grid_worker, commander, tree):
    log_in(page, live_server.url, commander.username, PASSWORD)
    page.goto(f"{live_server.url}/warning/")
    form = page.get_by_test_id("rule-form")
    form.locator("input[name=name]").fill("出现发热即启动 IV 级")
    form.locator("select[name=signal]").select_option("fever_alerts")
    form.locator("input[name=threshold]").fill("1")
    form.locator("select[name=level]").select_option("4")
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert "出现发热即启动 IV 级" in page.locator("main").inner_text()

    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    quarantine.record_reading(grid_worker, person.pk, temperature="38.4")
    fired = warning.run_warning(timezone.localdate())  # the daily job
    assert tree["county_a"].code in {f.jurisdiction.code for f in fired}

    county = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(county, live_server.url, make_user("county-command", Role.COMMAND, tree["county_a"]).username, PASSWORD)
    county.goto(f"{live_server.url}/dashboard/{tree['county_a'].code}/")
    badge = county.get_by_test_id("response-level")
    assert "IV" in badge.inner_text() and "alarm" in badge.get_attribute("class")
    badge.click()
    county.wait_for_load_state("networkidle")
    row = county.get_by_test_id("task-transfer").first
    row.locator("input[name=note]").fill("已转运至定点医院")
    row.get_by_role("button").click()
    county.wait_for_load_state("networkidle")
    assert "已转运至定点医院" in county.get_by_test_id("task-transfer").first.inner_text()
    assert Task.objects.filter(action="transfer", owner=tree["county_a"]).exclude(done_at=None).count() == 1
    county.context.close()
