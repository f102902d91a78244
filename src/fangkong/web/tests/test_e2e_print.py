"""Printed from the browser: a register, the person page and the bulletin come out on white paper without the
menus, buttons or forms, and a register keeps its columns (not the phone's cards) with its header row."""

import pytest

from fangkong.conftest import PASSWORD

from .conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1366, 390])
def test_registers_and_the_person_page_print_clean(live_server, browser, world, commander, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, commander.username, PASSWORD)
    page.emulate_media(media="print")
    for path in ("/arrivals/", "/observation/", f"/persons/{world['person'].pk}/", "/bulletins/"):
        page.goto(f"{live_server.url}{path}")
        assert not page.locator(".topbar").is_visible() and not page.locator(".mainnav").is_visible()
        assert page.locator("main form:visible, main button:visible").count() == 0, path
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), (path, background)
        heads = page.locator("table.data thead")
        if heads.count():
            assert heads.first.evaluate("el => getComputedStyle(el).display") == "table-header-group", path
    assert page.pdf()[:4] == b"%PDF"
    context.close()
