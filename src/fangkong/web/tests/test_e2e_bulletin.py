"""In a real headless Chromium: the command centre drafts the day's bulletin, publishes it, and every line of
it reads dark on white (WCAG AA), headings included."""

import re

import pytest

from fangkong.cases import services as cases
from fangkong.conftest import PASSWORD
from fangkong.quarantine import services as quarantine

from .conftest import log_in

pytestmark = pytest.mark.e2e
TEXT = ["h1", "h2", ".meta", ".headline", "th", "td"]


def luminance(css_colour: str) -> float:
    """WCAG 2 relative luminance of an rgb()/rgba() colour."""
    channels = [int(v) / 255 for v in re.findall(r"[\d.]+", css_colour)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_bulletin_is_drafted_published_and_readable(live_server, page, commander, epidemiologist, person):
    quarantine.place_order(epidemiologist, person.pk, kind="home", reason="close_contact")
    cases.transition(epidemiologist, cases.open_case(epidemiologist, person.pk).pk, "confirm")
    log_in(page, live_server.url, commander.username, PASSWORD)
    page.goto(f"{live_server.url}/bulletins/")
    page.get_by_test_id("draft-form").get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    sheet = page.get_by_test_id("bulletin")
    assert "draft" in sheet.get_attribute("class")
    page.get_by_test_id("publish").click()
    page.wait_for_load_state("networkidle")
    assert "draft" not in sheet.get_attribute("class") and page.get_by_test_id("pdf-link").is_visible()
    assert "现有确诊1例" in page.get_by_test_id("headline").inner_text().replace(" ", "")

    background = sheet.evaluate("e => getComputedStyle(e).backgroundColor")
    assert luminance(background) == 1.0  # white
    for selector in TEXT:
        colours = sheet.locator(selector).evaluate_all("els => els.map(e => getComputedStyle(e).color)")
        assert colours, selector
        assert min(contrast(c, background) for c in colours) >= 4.5, (selector, colours)
