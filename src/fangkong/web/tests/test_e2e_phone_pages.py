"""In a real headless Chromium on a 390 px phone: the grid worker's pages never scroll sideways, in Chinese or
in English (the menus wrap, a wide register scrolls inside its panel), and the observation round is one card per
person with the temperature form on the screen."""

import pytest

from fangkong.conftest import PASSWORD
from fangkong.quarantine import services as quarantine

from .conftest import log_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_grid_workers_pages_fit_a_phone(live_server, browser, grid_worker, person, language):
    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    for path in ("/", "/observation/", "/ledger/", "/arrivals/", "/reports/", "/warning/", f"/persons/{person.pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{path} scrolls sideways"
    context.close()


def test_a_temperature_is_recorded_from_its_card_without_scrolling_sideways(live_server, browser, grid_worker,
                                                                             person):
    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    page.goto(f"{live_server.url}/observation/")
    card = page.get_by_test_id(f"order-{person.pk}")
    for control in (card.locator("input[name=temperature]"), card.get_by_role("button")):
        box = control.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], "the form is on the screen"
    assert not page.locator("table.cards thead").is_visible()  # a card, not a row of columns
    card.locator("input[name=temperature]").fill("36.6")
    card.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("status").inner_text() == "已记录体温"
    context.close()
