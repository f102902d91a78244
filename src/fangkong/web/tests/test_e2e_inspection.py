"""In a real headless Chromium, on phones: an inspector works a nursing home's checklist through (a file that is
not a photo refused at its field), the failed item becomes a finding with its rectification in the grid's to-do,
the grid reports it done with a photo, the re-inspection reopens it, and after a second report closes it."""

import pytest

from fangkong.accounts.models import Role
from fangkong.conftest import PASSWORD, make_user
from fangkong.inspections.models import Finding, Rectification
from fangkong.inspections.tests import factories

from .conftest import log_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def phone(browser, live_server, user):
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    log_in(page, live_server.url, user.username, PASSWORD)
    return page


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def photo_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(factories.png(name).read())
    return str(path)


def report_done(page, url, rectification, tmp_path, text):
    page.goto(f"{url}/todo/")
    page.get_by_test_id("todo").get_by_role("link").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/inspections/rectifications/{rectification.pk}/")
    form = page.get_by_test_id("report-form")
    form.locator("textarea[name=report]").fill(text)
    form.locator("input[name=photos]").set_input_files(photo_file(tmp_path, "after.png"))
    form.locator("button.primary").click()
    page.wait_for_load_state("networkidle")


def test_inspection_finding_rectification_reinspection(live_server, browser, commander, grid_worker, tree,
                                                       tmp_path):
    home = factories.setting(commander, tree["grid_a1"], name="幸福养老院")
    inspector = make_user("inspector", Role.EPIDEMIOLOGIST, tree["city"])
    url = live_server.url

    inspecting = phone(browser, live_server, inspector)
    inspecting.goto(f"{url}/inspections/settings/{home.pk}/")
    assert fits(inspecting)
    form = inspecting.get_by_test_id("inspection-form")
    form.locator("select[name=mode]").select_option("unannounced")
    items = form.locator("fieldset.check-item")
    count = items.count()
    assert count == 7  # the nursing home's checklist, version 1
    first = items.nth(0)
    assert not first.locator("select").nth(1).is_visible()  # the failure fields wait until the item fails
    first.locator("select").first.select_option("fail")
    assert first.locator("select").nth(1).is_visible()
    first.locator("select").nth(1).select_option("major")
    first.locator("input[type=text]").fill("门口无人查验场所码")
    not_a_photo = tmp_path / "scan.png"
    not_a_photo.write_text("this is not an image")
    first.locator("input[type=file]").set_input_files(str(not_a_photo))
    for index in range(1, count):
        items.nth(index).locator("select").first.select_option("pass")
    form.get_by_role("button", name="记录检查").click()
    inspecting.wait_for_load_state("networkidle")
    problem = inspecting.get_by_test_id("inspection-form").locator(".has-problem .problem")
    assert "scan.png" in problem.inner_text() and "照片" in problem.inner_text()
    assert not Finding.objects.exists()  # nothing half-written
    form = inspecting.get_by_test_id("inspection-form")
    assert form.locator("fieldset.check-item").nth(0).locator("input[type=text]").input_value() == "门口无人查验场所码"
    form.locator("fieldset.check-item").nth(0).locator("input[type=file]").set_input_files(
        photo_file(tmp_path, "door.png"))
    form.get_by_role("button", name="记录检查").click()
    inspecting.wait_for_load_state("networkidle")
    finding = Finding.objects.get()
    rectification = finding.rectification
    assert (finding.severity, finding.photos.count(), rectification.owner) == ("major", 1, tree["grid_a1"])
    inspecting.screenshot(path=str(tmp_path / "inspection.png"), full_page=True)

    grid = phone(browser, live_server, grid_worker)
    report_done(grid, url, rectification, tmp_path, "已安排专人在门口扫码测温")
    assert Rectification.objects.get().status == "reported"
    assert fits(grid)

    inspecting.goto(f"{url}/todo/")
    assert "幸福养老院" in inspecting.get_by_test_id("todo").inner_text()
    inspecting.goto(f"{url}/inspections/rectifications/{rectification.pk}/")
    assert inspecting.locator(".photos img").count() == 2  # the finding's and the evidence
    verify = inspecting.get_by_test_id("verify-form")
    verify.locator("select[name=verdict]").select_option("reopen")
    verify.locator("textarea[name=verification]").fill("复查时仍无人值守")
    verify.get_by_role("button").click()
    inspecting.wait_for_load_state("networkidle")
    reopened = Rectification.objects.get()
    assert (reopened.status, reopened.reopened) == ("open", 1)

    report_done(grid, url, rectification, tmp_path, "已排班，24小时值守")
    inspecting.goto(f"{url}/inspections/rectifications/{rectification.pk}/")
    verify = inspecting.get_by_test_id("verify-form")
    verify.locator("select[name=verdict]").select_option("close")
    verify.get_by_role("button").click()
    inspecting.wait_for_load_state("networkidle")
    assert inspecting.get_by_test_id("status").inner_text() == "已关闭"
    closed = Rectification.objects.get()
    assert closed.status == "closed" and closed.closed_on_time
    grid.goto(f"{url}/todo/")
    assert "幸福养老院" not in grid.get_by_test_id("todo").inner_text()
    grid.context.close()
    inspecting.context.close()
