"""In a real headless Chromium on a 390 px phone: a vaccination nurse opens the unvaccinated 80+ of a grid, records a
dose for one of them (a future day is refused at its field, nothing written), and the person leaves the list while the
coverage page counts the dose; the grid list of gaps pages."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.conftest import PASSWORD, make_user
from fangkong.people.services import PersonInput, create_person
from fangkong.vaccination.models import Dose
from fangkong.vaccination.services import refresh_coverage

from .conftest import log_in

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/fangkong-shots")


def test_a_dose_for_an_unvaccinated_elder_recorded_on_a_phone(live_server, browser, grid_worker, tree):
    elder = create_person(grid_worker, PersonInput(id_number="420102193001011239", name="老寿星",
                                                   grid_code=tree["grid_a1"].code)).person
    refresh_coverage()  # the nightly rebuild has counted the grid's people
    nurse = make_user("nurse", Role.HOSPITAL, tree["city"])
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    log_in(phone, live_server.url, nurse.username, PASSWORD)
    phone.goto(f"{live_server.url}/vaccination/{tree['grid_a1'].code}/unvaccinated/")
    assert "老寿星" in phone.get_by_test_id("unvaccinated").inner_text()
    phone.get_by_test_id("unvaccinated").get_by_role("link", name="老寿星").click()
    phone.wait_for_load_state("networkidle")
    form = phone.get_by_test_id("dose-form")
    form.locator("select[name=product]").select_option("coronavac")
    form.locator("select[name=dose]").select_option("1")
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()  # past the field's max, as a stale page
    form.locator("input[name=given_on]").evaluate(
        "(input, day) => { input.removeAttribute('max'); input.value = day; }", tomorrow)
    form.locator("input[name=site]").fill("江岸区社区卫生服务中心")
    form.get_by_role("button").click()
    phone.wait_for_load_state("networkidle")
    assert "has-problem" in phone.locator("[data-field=given_on]").get_attribute("class")
    assert not Dose.objects.exists()
    phone.get_by_test_id("dose-form").locator("input[name=given_on]").fill(timezone.localdate().isoformat())
    phone.get_by_test_id("dose-form").get_by_role("button").click()
    phone.wait_for_load_state("networkidle")
    assert Dose.objects.get().person == elder
    assert "科兴" in phone.get_by_test_id("doses").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SHOTS / "vaccination-doses-390.png"))

    phone.goto(f"{live_server.url}/vaccination/{tree['grid_a1'].code}/unvaccinated/")
    assert "老寿星" not in phone.get_by_test_id("unvaccinated").inner_text()
    phone.goto(f"{live_server.url}/vaccination/{tree['city'].code}/")
    overall = phone.get_by_test_id("coverage-total").locator("tr[data-group='80+']").inner_text()
    assert "100.0%" in overall
    assert tree["grid_a1"].name in phone.get_by_test_id("coverage-gaps").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=str(SHOTS / "vaccination-coverage-390.png"), full_page=True)
    phone.context.close()
