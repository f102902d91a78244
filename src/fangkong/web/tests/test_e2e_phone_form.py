"""In a real headless Chromium on a 390 px phone: a grid worker registers an arrival with two mistakes; the form
comes back with everything typed, each mistake under its field in Chinese, and fixing them registers it."""

import os

import pytest

from fangkong.conftest import PASSWORD, VALID_ID
from fangkong.screening.models import Arrival

from .conftest import log_in

pytestmark = pytest.mark.e2e
SCREENSHOT = os.environ.get("FANGKONG_SCREENSHOTS", "")  # a folder: where a person can look at the phone form


def test_a_refused_arrival_keeps_what_was_typed_on_a_phone(live_server, browser, grid_worker):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    page.goto(f"{live_server.url}/arrivals/")
    form = page.get_by_test_id("arrival-form")
    form.locator("input[name=name]").fill("张三")
    form.locator("input[name=id_number]").fill("420102199003071233")  # one digit wrong
    form.locator("input[name=phone]").fill("138123")  # too short
    form.locator("input[name=origin_code]").fill("110105")
    form.locator("select[name=mode]").select_option("train")
    form.locator("input[name=vehicle]").fill("G1234")
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")

    form = page.get_by_test_id("arrival-form")
    assert form.locator("input[name=name]").input_value() == "张三"
    assert form.locator("input[name=id_number]").input_value() == "420102199003071233"
    assert form.locator("input[name=vehicle]").input_value() == "G1234"
    id_problem = form.locator("[data-field=id_number] .problem")
    phone_problem = form.locator("[data-field=phone] .problem")
    assert id_problem.inner_text().startswith("证件号码：") and phone_problem.inner_text().startswith("联系电话：")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the form fits the phone's width: nothing to scroll sideways"
    box = id_problem.bounding_box()
    field_box = form.locator("input[name=id_number]").bounding_box()
    assert 0 <= box["y"] - (field_box["y"] + field_box["height"]) < 40  # right under its field
    if SCREENSHOT:
        page.screenshot(path=os.path.join(SCREENSHOT, "arrival-refused-390.png"), full_page=True)

    form.locator("input[name=id_number]").fill(VALID_ID)
    form.locator("input[name=phone]").fill("13812345678")
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("status").inner_text() == "已登记"
    assert Arrival.objects.get().person.name == "张三"
    context.close()
