"""In headless Chromium at 390 px: the hospital's nurse takes a waiting patient into a bed from the admissions page,
sees them (masked) on the ward board, and nothing scrolls sideways."""

import pytest

from fangkong.care.models import Admission
from fangkong.care.tests.conftest import admitted, hospital, opened  # noqa: F401  (the care fixtures)
from fangkong.conftest import PASSWORD
from fangkong.web.tests.conftest import log_in

pytestmark = pytest.mark.e2e


def test_the_ward_board_on_a_phone(live_server, browser, opened, admitted, hospital):  # noqa: F811
    admission = Admission.objects.get(case=admitted())
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US").new_page()
    log_in(phone, live_server.url, hospital.username, PASSWORD)
    phone.goto(f"{live_server.url}/care/admissions/")
    row = phone.get_by_test_id(f"admission-{admission.pk}")
    assert "张**" in row.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    row.get_by_role("button").click()
    phone.wait_for_load_state("networkidle")
    admission.refresh_from_db()
    assert admission.state == "in_bed"
    phone.goto(f"{live_server.url}/care/facilities/{opened['makeshift'].pk}/")
    assert "张**" in phone.get_by_test_id(f"bed-patient-{admission.bed_id}").inner_text()
    assert phone.get_by_test_id(f"bed-state-{admission.bed_id}").inner_text() == "占用"  # Chinese first
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
