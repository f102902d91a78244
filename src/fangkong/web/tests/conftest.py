import os

import pytest
from django.utils import timezone

from fangkong.cases import services as cases
from fangkong.checkpoints import services as checkpoints
from fangkong.people.services import PersonInput, create_person
from fangkong.quarantine import services as quarantine
from fangkong.reporting import services as reporting
from fangkong.screening import services as screening
from fangkong.supplies.tests.seed import seed_supplies

# Debian's Chromium, or the one FANGKONG_CHROMIUM names.
CHROMIUM = os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")
MISSING = f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium (or set FANGKONG_CHROMIUM)"
OTHER_ID = "420102198506150018"
# Playwright's sync API runs an event loop in the test thread; the ORM calls the test makes
# between browser steps are plain synchronous calls and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium. Without it the browser tests are skipped with one line saying how to install it,
    unless FANGKONG_REQUIRE_BROWSER=1 (CI sets it): there a missing browser fails them."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("FANGKONG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{MISSING}; FANGKONG_REQUIRE_BROWSER=1 requires them to run", pytrace=False)
        pytest.skip(MISSING)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run",
        ])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    yield context.new_page()
    context.close()


def log_in(page, base_url, username, password):
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def world(commander, person, tree):
    """One record of each kind a form acts on, in the commander's city."""
    order = quarantine.place_order(commander, person.pk, kind="home", reason="close_contact")
    quarantine.record_reading(commander, person.pk, temperature="39.1")  # a fever alert, open
    entry, _created = cases.report_symptoms(commander, person.pk, source="grid", symptoms="咳嗽")
    case = cases.open_case(commander, person.pk)
    post = checkpoints.add_checkpoint(commander, name="汉口站", kind="station", jurisdiction_code=tree["city"].code)
    [request] = screening.receive_assist_requests(commander, [screening.AssistInput(
        region="北京市", reference="BJ-1", name="李四", address_code=tree["grid_a1"].code)])
    reporting.submit(commander, tree["grid_a1"].code, timezone.localdate())
    return {"order": order, "entry": entry, "case": case, "post": post, "request": request.record,
            "alert": quarantine.alerts_for(commander).get(), "grid": tree["grid_a1"].code, "person": person,
            "free": create_person(commander, PersonInput(id_number=OTHER_ID, name="王五",
                                                         grid_code=tree["grid_a1"].code)).person,
            "supplies": seed_supplies(commander, tree["grid_a1"])}
