"""In headless Chromium on a 390 px phone: a sampling point scans a tube, then people into it; a wrong ID is
refused under its field in Chinese, a resubmitted scan counts once, and the tube seals itself at its pool size."""

import os

import pytest

from fangkong.conftest import PASSWORD
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.models import Person
from fangkong.testing import campaigns
from fangkong.testing.models import Sample, SampleStatus
from fangkong.testing.tests.test_campaign import city, staff  # noqa: F401  (fixtures)

from .conftest import log_in

pytestmark = pytest.mark.e2e
SCREENSHOT = os.environ.get("FANGKONG_SCREENSHOTS", "")


def test_the_tube_scan_page_on_a_phone(live_server, browser, staff):  # noqa: F811
    campaign = campaigns.declare_campaign(staff["command"], name="全员", area_code=Jurisdiction.objects.get(
        level=Level.CITY).code, rules_by_group={"general": 5})
    community = Jurisdiction.objects.filter(level=Level.COMMUNITY).first()
    point = campaigns.add_point(staff["command"], campaign.pk, name="一号点", jurisdiction_code=community.code,
                                population=2500)
    people = list(Person.objects.filter(jurisdiction_path__startswith=community.path).order_by("id")[:5])
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    log_in(page, live_server.url, staff["sampler"].username, PASSWORD)
    page.goto(f"{live_server.url}/testing/points/{point.pk}/")
    page.get_by_test_id("tube-form").locator("input[name=tube]").fill("e2e-0001")
    page.get_by_test_id("tube-form").get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert "E2E-0001" in page.get_by_test_id("tube").inner_text()

    form = page.get_by_test_id("person-form")
    form.locator("input[name=id_number]").fill("420102199003071233")  # a wrong check digit
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    problem = page.get_by_test_id("person-form").locator("[data-field=id_number] .problem")
    assert problem.inner_text().startswith("证件号码：")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing to scroll sideways"

    def scan(person):
        form = page.get_by_test_id("person-form")
        form.locator("input[name=id_number]").fill(person.id_number)
        form.get_by_role("button").click()
        page.wait_for_load_state("networkidle")

    scan(people[0])
    scan(people[0])  # the phone sent it again: counted once
    assert page.get_by_test_id("tube").inner_text().endswith("1 / 5")
    if SCREENSHOT:
        page.screenshot(path=os.path.join(SCREENSHOT, "tube-scan-390.png"), full_page=True)
    for person in people[1:]:
        scan(person)
    assert "已封管" in page.get_by_test_id("tube-sealed").inner_text()
    assert page.get_by_test_id("tube-form").is_visible()  # ready for the next tube
    tube = Sample.objects.get(code="E2E-0001")
    assert tube.status == SampleStatus.SEALED and tube.members.count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
