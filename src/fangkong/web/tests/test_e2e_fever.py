"""In a real headless Chromium: a grid worker records 38.1 °C, and the county's command dashboard
shows the new fever alert."""

import pytest

from fangkong.accounts.models import Role
from fangkong.conftest import PASSWORD, make_user
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Alert

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_a_fever_entered_by_the_grid_reaches_the_county_dashboard(live_server, page, browser, person, grid_worker,
                                                                  tree):
    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    county_command = make_user("county-command", Role.COMMAND, tree["county_a"])

    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    page.goto(f"{live_server.url}/observation/")
    row = page.get_by_test_id(f"order-{person.pk}")
    row.locator("input[name=temperature]").fill("38.1")
    row.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    said = page.get_by_test_id("urgent").inner_text()  # in red, at once: what follows and who acts
    assert "38.1 °C 为发热" in said and "第1网格" in said and "可疑症状台账" in said
    assert Alert.objects.filter(kind="fever", person=person).count() == 1

    hall = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    log_in(hall, live_server.url, county_command.username, PASSWORD)
    hall.goto(f"{live_server.url}/dashboard/{tree['county_a'].code}/?screen=1")
    tile = hall.get_by_test_id("tile-fever_alerts")
    assert tile.locator(".kpi-value").inner_text() == "1"
    assert "alarm" in tile.get_attribute("class")
    hall.goto(f"{live_server.url}/alerts/")
    assert "38.1 °C" in hall.locator("tbody").inner_text() and person.name in hall.locator("tbody").inner_text()
    hall.context.close()
