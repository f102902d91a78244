"""In a real headless Chromium, with the Content-Security-Policy on: the main pages load, their charts and map
draw and their forms work, and the browser reports no violation of the policy and no console error."""

import re

import pytest
from django.utils import timezone

from fangkong.bulletins import services as bulletins
from fangkong.conftest import PASSWORD

from .conftest import log_in

pytestmark = pytest.mark.e2e

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture
def watched(page):
    """The page, recording policy violations (reported to the document) and console errors."""
    page.add_init_script(WATCH_VIOLATIONS)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(
        f"{message.location['url']}: {message.text}"))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    # A request the next navigation cancels (the favicon, often) is aborted, not failed.
    page.on("requestfailed", lambda request: request.failure != "net::ERR_ABORTED" and page.console_errors.append(
        f"{request.url}: {request.failure}"))
    page.on("response", lambda response: response.status >= 400 and page.console_errors.append(
        f"{response.url}: {response.status}"))
    return page


def assert_clean(page):
    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []


def hover_over(page, selector):
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)  # ECharts shows its tooltip on the next frames


def test_the_main_pages_keep_to_the_policy_and_still_draw(live_server, watched, commander, person):
    page = watched
    response = page.goto(f"{live_server.url}/login/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert_clean(page)

    log_in(page, live_server.url, commander.username, PASSWORD)
    page.wait_for_selector("#map canvas")  # the jurisdiction page's map, fetched and drawn by map.js
    hover_over(page, "#map")
    assert_clean(page)

    response = page.goto(f"{live_server.url}/dashboard/")
    assert "no-store" in response.headers["cache-control"]
    page.wait_for_selector("#curve canvas")
    page.wait_for_selector("#rt canvas")
    hover_over(page, "#curve")
    assert_clean(page)
    page.select_option("select[name=figure]", index=1)  # the select submits its form without inline script
    page.wait_for_url(re.compile(r"figure="))
    assert_clean(page)

    page.goto(f"{live_server.url}/persons/{person.pk}/")
    page.select_option("select[name=reason]", index=1)
    page.wait_for_url(re.compile(r"reason="))
    assert page.get_by_test_id("id-number").is_visible()
    assert_clean(page)

    page.goto(f"{live_server.url}/arrivals/")
    page.get_by_test_id("arrival-form").wait_for()
    assert_clean(page)

    page.goto(f"{live_server.url}/forecast/")
    page.wait_for_load_state("networkidle")
    assert_clean(page)

    bulletin = bulletins.draft(commander, commander.jurisdiction.code, timezone.localdate())
    page.goto(f"{live_server.url}/bulletins/{bulletin.pk}/")
    heading = page.locator(".bulletin h1")
    assert heading.evaluate("e => getComputedStyle(e).color") == "rgb(185, 28, 28)"  # from the static sheet.css
    assert page.locator(".bulletin img").first.evaluate("i => i.complete && i.naturalWidth > 0")
    assert_clean(page)


def test_the_jurisdiction_tree_expands_with_htmx_under_the_policy(live_server, watched, commander):
    page = watched
    log_in(page, live_server.url, commander.username, PASSWORD)
    page.get_by_role("button", name="展开").first.click()
    page.get_by_role("link", name="江岸区一街道").wait_for()
    assert_clean(page)


def test_the_api_docs_and_the_admin_login_keep_to_the_policy(live_server, watched, commander):
    page = watched
    log_in(page, live_server.url, commander.username, PASSWORD)
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert_clean(page)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.wait_for_selector("input[name=username]")
    assert_clean(page)
