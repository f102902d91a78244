"""In a real headless Chromium: every form a command-centre user can reach, as the page offers it, passes the
browser's own validation (a default the browser refuses blocks the form before it is sent), and the search
and filter forms (GET) give a page when sent with their defaults; the forecast shows when beds run short."""

import datetime as dt
import random
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.cases import services as cases
from fangkong.conftest import PASSWORD, make_user
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.synthetic.city import CITY
from fangkong.synthetic.outbreak import stage_outbreak
from fangkong.synthetic.seed import seed_city

from .conftest import log_in

pytestmark = pytest.mark.e2e

# Downloads (any path with an extension), leaving, and the machine interfaces are not pages with forms.
NOT_A_PAGE = re.compile(r"\.\w+$|^/(logout|admin|api|i18n|static)/")
# Every validity flaw the browser blocks a form for, except a required field left empty: that one the user fills.
FORM_FLAWS = """() => {
  const flaws = ["badInput", "customError", "patternMismatch", "rangeOverflow", "rangeUnderflow", "stepMismatch",
                 "tooLong", "tooShort", "typeMismatch"];
  return [...document.forms].map((form, index) => ({
    index, method: form.method, name: form.dataset.testid || form.getAttribute("action") || "(this page)",
    valid: form.checkValidity(),
    flaws: [...form.elements].filter(e => e.willValidate).flatMap(
      e => flaws.filter(f => e.validity[f]).map(f => `${e.name}=${JSON.stringify(e.value)}: ${f}`)),
  }));
}"""
# Cases reported on each of the last 14 days, growing: the forecast's defaults take the doubling time from them.
GROWING_REPORTS = [1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8]


@pytest.fixture
def command_centre(db):
    """The demo's outbreak week on a small city, more cases growing over the last two weeks, some in hospital."""
    seed_city(3_000, seed=2020)
    commander = make_user("city-command", Role.COMMAND, Jurisdiction.objects.get(code=CITY[0]))
    stage_outbreak(commander, random.Random(2020), observed=60, cases_count=30)
    people = iter(Person.objects.filter(cases=None).order_by("id"))
    now = timezone.now()
    for days_ago, count in zip(range(len(GROWING_REPORTS) - 1, -1, -1), GROWING_REPORTS):
        for _ in range(count):
            case = cases.open_case(commander, next(people).pk, detected_at=now - dt.timedelta(days=days_ago))
            if days_ago < 3:
                cases.transition(commander, case.pk, "confirm")
                cases.transition(commander, case.pk, "admit", hospital="武汉市金银潭医院")
    return commander


def reachable_pages(page, base_url: str) -> list[str]:
    """The pages of the main navigation and the pages they link to, one of each kind (/cases/7/ stands for all)."""
    page.goto(f"{base_url}/")
    queue = page.eval_on_selector_all("header nav a[href]", "links => links.map(a => a.href)")
    seen, pages = set(), []
    for depth in (0, 1):
        following = []
        for url in queue:
            path = urlsplit(url).path
            kind = re.sub(r"\d+", "N", path)
            if not url.startswith(base_url) or NOT_A_PAGE.search(path) or kind in seen:
                continue
            seen.add(kind)
            response = page.goto(url)
            assert response.ok, f"{url}: {response.status}"
            pages.append(url)
            if depth == 0:
                following += page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
        queue = following
    return pages


def test_every_form_on_every_page_passes_the_browsers_validation_with_its_defaults(live_server, page,
                                                                                     command_centre):
    log_in(page, live_server.url, command_centre.username, PASSWORD)
    pages = reachable_pages(page, live_server.url)
    assert len(pages) > 20 and any("/cases/" in p for p in pages) and any("/persons/" in p for p in pages)
    flaws, sent, forms = [], set(), 0
    for url in pages:
        page.goto(url)
        found = page.evaluate(FORM_FLAWS)
        forms += len(found)
        flaws += [f"{url} form {f['name']}: {flaw}" for f in found for flaw in f["flaws"]]
        for form in found:
            if form["method"] != "get" or not form["valid"]:
                continue
            page.goto(url)
            with page.expect_navigation() as navigation:
                page.evaluate("index => document.forms[index].requestSubmit()", form["index"])
            assert navigation.value.ok, f"{url} form {form['name']} sent with its defaults: {navigation.value.status}"
            sent.add(form["name"])
    assert not flaws, "\n".join(flaws)
    assert forms > 40 and {"forecast-form", "/persons/"} <= sent  # the forecast and the search in the header


def test_the_forecast_projects_with_its_defaults_and_shows_when_few_beds_run_short(live_server, page, command_centre):
    log_in(page, live_server.url, command_centre.username, PASSWORD)
    page.goto(f"{live_server.url}/forecast/")
    form = page.get_by_test_id("forecast-form")
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("peak-worst").is_visible() and not page.locator(".messages").count()
    assert not page.get_by_test_id("beds-short").count()  # no beds given, nothing to run short of

    form.locator("input[name=beds]").fill("2")
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    short = page.get_by_test_id("beds-short")
    assert "alarm" in short.get_attribute("class")
    assert len(re.findall(r"\d{4}-\d{2}-\d{2}", short.locator(".kpi-value").inner_text())) == 2  # current and worst

    form.locator("input[name=beds]").fill("100000")
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("beds-short").locator(".kpi-value").inner_text().split() == ["—", "—"]
