"""Every page each role can reach, on a 360 px phone in headless Chromium: none scrolls sideways, the main menu
sits at the bottom with targets a thumb can hit, and the registers read as cards."""

from urllib.parse import urljoin, urlparse

import pytest

from fangkong.accounts.models import Role
from fangkong.conftest import PASSWORD, make_user

from .conftest import log_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 360, "height": 780}
SKIP = ("/logout/", "/admin/", "/api/", "/static/", "/i18n/")
DOWNLOADS = (".csv", ".xlsx", ".pdf", ".json", ".geojson", ".ico")
MOST_PAGES = 45


def crawl(page, base):
    """Breadth-first over the links of the pages the user reaches, each page once (query strings kept)."""
    seen, queue, wide = set(), ["/"], []
    while queue and len(seen) < MOST_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append((page.url.removeprefix(base), width))
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))"):
            url = urlparse(urljoin(page.url, href))
            if url.netloc != urlparse(base).netloc or url.path.startswith(SKIP) or url.path.endswith(DOWNLOADS):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen and "screen=1" not in target:  # the hall screen is a wall, not a phone page
                queue.append(target)
    return seen, wide


@pytest.mark.parametrize("role", Role.values)
def test_no_page_scrolls_sideways_at_360_px(live_server, browser, world, tree, role):
    user = make_user(f"phone-{role}", role, tree["city"] if role != Role.GRID else tree["grid_a1"])
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server.url, user.username, PASSWORD)
    seen, wide = crawl(page, live_server.url)
    assert len(seen) > 10, seen
    assert not wide, f"pages wider than {PHONE['width']} px: {wide}"
    context.close()


def test_the_menu_is_at_the_bottom_with_thumb_sized_targets_and_tables_are_cards(live_server, browser, world,
                                                                                 grid_worker):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    page.goto(f"{live_server.url}/arrivals/")
    bar = page.locator(".mainnav").bounding_box()
    assert bar["y"] + bar["height"] == pytest.approx(PHONE["height"], abs=1)  # pinned to the bottom edge
    for target in page.locator(".mainnav > a, .mainnav summary").all():
        assert target.bounding_box()["height"] >= 44
    for control in page.locator("main input:visible, main select:visible, main button:visible").all():
        assert control.bounding_box()["height"] >= 44
    page.goto(f"{live_server.url}/handovers/")
    assert not page.locator("table.data thead").first.is_visible()
    first_cell = page.locator("table.data tbody td").first
    assert first_cell.get_attribute("data-label")  # the column's name travels with the value
    page.locator(".mainnav summary").first.click()  # a menu group opens upwards, on the screen
    group = page.locator(".mainnav details[open] > div").bounding_box()
    assert group["y"] >= 0 and group["y"] + group["height"] <= bar["y"] + 1
    page.screenshot(path="/tmp/fangkong-shots/phone-handovers.png", full_page=True)
    context.close()
