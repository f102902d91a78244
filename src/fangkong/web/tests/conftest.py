import os

import pytest

# Debian's Chromium, or the one FANGKONG_CHROMIUM names.
CHROMIUM = os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")
MISSING = f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium (or set FANGKONG_CHROMIUM)"
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
