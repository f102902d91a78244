"""The hall screen in headless Chromium: one fixed page at 1920×1080 and 3840×2160 with every panel in view,
the districts on their real boundaries, panels that refresh alone and say plainly when the server is gone, and
a tile that opens the records behind it."""

import json
from pathlib import Path

import pytest

from fangkong.conftest import PASSWORD
from fangkong.dashboard import screen
from fangkong.jurisdictions import services as jurisdictions
from fangkong.quarantine import services as quarantine
from fangkong.web.management.commands.seed import REAL_BOUNDARIES

from .conftest import log_in

SHOTS = Path("/tmp/fangkong-shots")


def real_boundaries_of(tree):
    """The shipped Wuhan file cut to the test tree's city and districts."""
    codes = {n.code for n in tree.values()}
    collection = json.loads(REAL_BOUNDARIES.read_text(encoding="utf-8"))
    collection["features"] = [f for f in collection["features"] if f["properties"]["code"] in codes]
    jurisdictions.load_boundaries(json.dumps(collection))


def in_view(page, selector) -> bool:
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0
            && r.bottom <= window.innerHeight && r.right <= window.innerWidth; }""")


@pytest.mark.parametrize("width,height", [(1920, 1080), (3840, 2160)])
def test_the_wall_fits_without_scrolling_and_shows_every_panel(live_server, browser, tree, commander, person,
                                                               width, height):
    real_boundaries_of(tree)
    quarantine.place_order(commander, person.pk, kind="home", reason="close_contact")
    quarantine.record_reading(commander, person.pk, temperature="38.8")
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, commander.username, PASSWORD)
    page.goto(f"{live_server.url}/dashboard/420100/?screen=1")
    page.wait_for_selector(".wall-map canvas")
    page.wait_for_selector(".wall-curve .rt canvas")
    sizes = page.evaluate("""() => ({
        sh: document.documentElement.scrollHeight, sw: document.documentElement.scrollWidth,
        ih: innerHeight, iw: innerWidth, font: parseFloat(getComputedStyle(document.body).fontSize)})""")
    assert sizes["sh"] <= sizes["ih"] and sizes["sw"] <= sizes["iw"], sizes
    assert sizes["font"] == pytest.approx(width / 120)  # 16 px on 1080p, 32 px on a 4K wall
    for name in screen.PANELS:
        assert in_view(page, f"[data-panel={name}]"), name
    assert in_view(page, "[data-testid=clock]") and page.inner_text("[data-testid=clock]").strip()
    assert page.locator(".topbar, .mainnav, .foot").count() == 0
    assert page.locator("[data-testid=tile-fever_alerts]").get_attribute("class").split() == ["kpi", "alarm"]
    first = page.locator(".wall-tiles .kpi").first.get_attribute("data-testid")
    assert first == "tile-fever_alerts"  # the only alarm that is not zero leads the wall
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"hall-{width}x{height}.png"))
    context.close()


def test_panels_refresh_alone_say_when_they_are_stale_and_recover(live_server, page, tree, commander, settings):
    settings.SCREEN_REFRESH_SECONDS = 1
    log_in(page, live_server.url, commander.username, PASSWORD)
    page.goto(f"{live_server.url}/dashboard/420100/?screen=1")
    page.evaluate("window.__loaded = performance.timeOrigin")
    first = page.get_attribute("[data-panel=figures]", "data-as-of")
    page.wait_for_function("(first) => document.querySelector('[data-panel=figures]').dataset.asOf !== first",
                           arg=first)
    assert page.is_hidden("[data-testid=stale]")
    page.route("**/panel/**", lambda route: route.abort())  # the server is gone (restarting)
    page.wait_for_selector("[data-testid=stale]", state="visible", timeout=10_000)
    page.unroute("**/panel/**")
    page.route("**/panel/**", lambda route: route.fulfill(status=200, body="<html>login</html>"))  # not a panel
    page.wait_for_timeout(2500)
    assert page.locator("[data-panel]").count() == len(screen.PANELS)  # nothing but panels is ever swapped in
    page.unroute("**/panel/**")
    page.wait_for_selector("[data-testid=stale]", state="hidden", timeout=10_000)
    assert page.evaluate("window.__loaded") == page.evaluate("performance.timeOrigin")  # never a full reload


def test_a_tile_opens_its_records(live_server, page, tree, commander, person):
    quarantine.place_order(commander, person.pk, kind="home", reason="close_contact")
    quarantine.record_reading(commander, person.pk, temperature="39.2")
    log_in(page, live_server.url, commander.username, PASSWORD)
    page.goto(f"{live_server.url}/dashboard/420100/?screen=1")
    page.click("[data-testid=tile-fever_alerts]")
    page.wait_for_selector("[data-testid=records]")
    assert person.name in page.inner_text("[data-testid=records]")
    page.click(f"text={person.name}")
    page.wait_for_url(f"**/persons/{person.pk}/")


def test_units_without_a_boundary_are_a_treemap_that_opens_them(live_server, page, tree, commander):
    real_boundaries_of(tree)  # the districts have shapes, their townships none
    log_in(page, live_server.url, commander.username, PASSWORD)
    page.goto(f"{live_server.url}/dashboard/{tree['county_a'].code}/")
    assert page.locator("#map").count() == 0  # no invented areas on a map
    treemap = page.get_by_test_id("treemap")
    treemap.locator("canvas").wait_for()
    treemap.scroll_into_view_if_needed()
    box = treemap.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the district's one township
    page.wait_for_url(f"**/dashboard/{tree['town_a'].code}/**")
    page.goto(f"{live_server.url}/dashboard/420100/")
    page.locator("#map canvas").wait_for()  # the city's districts: on their real boundaries
    page.screenshot(path=str(SHOTS / "dashboard-desk.png"), full_page=True)
