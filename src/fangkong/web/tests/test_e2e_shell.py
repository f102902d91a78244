"""The page shell in a real headless Chromium: the login page loads without a console error or a failed
request (the favicon included), and the header stays on one line at 1366 px in English and in Chinese."""

import pytest

from fangkong.conftest import PASSWORD

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_the_login_page_has_no_console_error_and_no_failed_request(live_server, page):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on("response",
            lambda response: response.status >= 400 and problems.append(f"{response.status}: {response.url}"))
    page.goto(f"{live_server.url}/login/")
    page.wait_for_load_state("networkidle")
    icon = page.request.get(f"{live_server.url}/favicon.ico")  # asked for by browsers whatever the page links
    assert problems == []
    assert icon.ok and icon.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert page.locator("link[rel=icon]").count() == 2


def header_lines(page) -> dict:
    """The header's height, the items whose words break onto a second row or that reach past the window's
    right edge, and how far apart the items' vertical centres are."""
    return page.evaluate("""() => {
        const header = document.querySelector('header.topbar');
        const items = [...header.querySelectorAll(
            '.brand, .mainnav > a, .navgroup > summary, .topsearch, .topright > *')]
            .filter(e => e.getClientRects().length);  // an item not shown at this width is on no row
        const breaks = e => {  // whether a run of the element's text is laid out on more than one row
            const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
            for (let text = walker.nextNode(); text; text = walker.nextNode()) {
                const range = document.createRange();
                range.selectNodeContents(text);
                const rows = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (rows.size > 1) return true;
            }
            return false;
        };
        const wrapped = items.filter(breaks).map(e => e.textContent.trim());
        const tops = new Set(items.filter(e => e.closest('.topbar') === header && !e.closest('.navgroup > div'))
            .map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)));
        const centres = [...tops];
        const outside = items.filter(e => e.getBoundingClientRect().right > window.innerWidth)
            .map(e => e.textContent.trim());
        return {height: header.getBoundingClientRect().height, wrapped, outside,
                spread: Math.max(...centres) - Math.min(...centres)};
    }""")


@pytest.mark.parametrize("language", ["English", "中文"])
def test_the_header_fits_on_one_line_at_1366_px(live_server, page, commander, language, tmp_path):
    log_in(page, live_server.url, commander.username, PASSWORD)
    if language == "English":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state("networkidle")
    page.set_viewport_size({"width": 2400, "height": 768})
    wide = header_lines(page)
    page.set_viewport_size({"width": 1366, "height": 768})
    laptop = header_lines(page)
    page.screenshot(path=tmp_path / f"header-1366-{language}.png", clip={"x": 0, "y": 0, "width": 1366, "height": 120})
    assert laptop["wrapped"] == [] and laptop["outside"] == []
    assert laptop["spread"] <= 4  # every item centred on the same line
    assert laptop["height"] == wide["height"]  # no second row at 1366 px
