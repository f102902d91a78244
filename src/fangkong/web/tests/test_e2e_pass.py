"""In a real headless Chromium: a logistics officer issues a green-channel pass and prints it with its QR code; the
checkpoint's staff, on a phone, check it at once (valid), and again after it is revoked (refused)."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.checkpoints import services as checkpoints
from fangkong.conftest import PASSWORD, make_user
from fangkong.passes.models import Pass

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_a_pass_issued_printed_checked_then_revoked(live_server, page, browser, commander, tree):
    post = checkpoints.add_checkpoint(commander, name="江岸高速出口", kind="highway_exit", jurisdiction_code="420102")
    staff = make_user("exit-staff", Role.CHECKPOINT, tree["city"])
    post.staff.add(staff)
    officer = make_user("logistics", Role.LOGISTICS, tree["city"])
    today = timezone.localdate()

    log_in(page, live_server.url, officer.username, PASSWORD)
    page.goto(f"{live_server.url}/passes/")
    page.locator("details.issue summary").click()
    form = page.get_by_test_id("pass-form")
    form.locator("input[name=plate]").fill("鄂A12345")
    form.locator("select[name=use]").select_option("medical")
    form.locator("input[name=carrier]").fill("九州通物流")
    form.locator("input[name=driver_name]").fill("王师傅")
    form.locator("input[name=route_from]").fill("420102")
    form.locator("input[name=route_to]").fill("110000")
    form.locator("input[name=valid_from]").fill(today.isoformat())
    form.locator("input[name=valid_to]").fill((today - dt.timedelta(days=1)).isoformat())
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert "has-problem" in page.locator("[data-field=valid_to]").get_attribute("class")
    assert not Pass.objects.exists()
    page.get_by_test_id("pass-form").locator("input[name=valid_to]").fill((today + dt.timedelta(days=5)).isoformat())
    page.get_by_test_id("pass-form").get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    issued = Pass.objects.get()
    assert page.get_by_test_id("pass-number").inner_text() == issued.number == "420100000001"
    assert page.locator("img.pass-qr").evaluate("img => img.complete && img.naturalWidth > 0")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US").new_page()
    log_in(phone, live_server.url, staff.username, PASSWORD)
    phone.goto(f"{live_server.url}/checkpoint/")
    phone.get_by_test_id("pass-check-link").click()
    phone.wait_for_load_state("networkidle")

    def check():
        form = phone.get_by_test_id("pass-check-form")
        form.locator("input[name=pass_number]").fill(issued.number)
        form.locator("input[name=plate]").fill("鄂A12345")
        form.locator("select[name=health_code]").select_option("green")
        tested = timezone.localtime() - dt.timedelta(hours=6)
        form.locator("input[name=tested_at]").fill(tested.strftime("%Y-%m-%dT%H:%M"))
        form.get_by_role("button").click()
        phone.wait_for_load_state("networkidle")
        return phone.get_by_test_id("verdict")

    verdict = check()
    assert "ok" in verdict.get_attribute("class").split()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.reload()
    page.locator("input[name=reason]").fill("车辆转作他用")
    page.locator("button.danger").click()
    page.wait_for_load_state("networkidle")
    assert Pass.objects.get().status == "revoked"

    verdict = check()
    assert "alarm" in verdict.get_attribute("class").split() and "车辆转作他用" in verdict.inner_text()
    phone.context.close()
