"""In a real headless Chromium on a 390 px phone: the oversight pages a grid worker uses never scroll sideways, in
Chinese or English; someone with no account sends a report from the public form, and a flood from one network is
made to wait."""

import pytest

from fangkong.conftest import PASSWORD
from fangkong.inspections.tests import factories as inspection_records
from fangkong.tasks.models import PublicReport
from fangkong.tasks.tests import factories as task_records

from .conftest import log_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_oversight_pages_fit_a_phone(live_server, browser, commander, grid_worker, tree, language):
    rectification = inspection_records.rectification(commander, tree["grid_a1"])
    task = task_records.task(commander, tree["grid_a1"])
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    for path in ("/todo/", "/inspections/", f"/inspections/settings/{rectification.finding.inspection.setting_id}/",
                 f"/inspections/rectifications/{rectification.pk}/", "/tasks/", f"/tasks/{task.pk}/",
                 "/inspections/checklists/", "/report/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{path} scrolls sideways"
    context.close()


def test_a_report_from_the_public_form_then_a_flood_is_made_to_wait(live_server, browser, tree, settings):
    settings.PUBLIC_REPORT_LIMIT = 2
    page = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True).new_page()

    def send(content):
        page.goto(f"{live_server.url}/report/")
        form = page.get_by_test_id("public-report-form")
        form.locator("select[name=kind]").select_option("price_gouging")
        form.locator("select[name=jurisdiction]").select_option(tree["town_a"].code)
        form.locator("input[name=place]").fill("幸福路菜市场")
        form.locator("textarea[name=content]").fill(content)
        form.locator("input[name=reporter_phone]").fill("13700001111")
        form.get_by_role("button").click()
        page.wait_for_load_state("networkidle")

    send("口罩一包卖到一百元，明码标价不实。")
    assert "举报已收到" in page.get_by_test_id("report-received").inner_text()
    send("鸡蛋一斤卖到三十元，多家商户同时涨价。")
    send("白菜一斤卖到二十元，明显哄抬。")
    assert "分钟后再试" in page.inner_text("body")
    assert page.get_by_test_id("public-report-form").locator("textarea[name=content]").input_value() == \
        "白菜一斤卖到二十元，明显哄抬。"  # what was typed is kept for later
    assert PublicReport.objects.count() == 2
    page.context.close()
