"""In a real headless Chromium, the closed loop as its users walk it: a fever reading on a phone → the symptom
ledger → a suspected case, its same-day test positive → confirmed → transferred from the order page (the readings
stop) → admitted to the tier the severity calls for → two negative tests → discharged → home health monitoring →
released; and every refusal on the way (a discharge without the negatives, a release before the monitoring ends),
each with its reason."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.conftest import PASSWORD
from fangkong.pathways.tests.lab import lab_result
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Order, ReadingSlot
from fangkong.testing.models import TestDue

from .conftest import log_in

pytestmark = pytest.mark.e2e


def apply(page, action, hospital=""):
    form = page.get_by_test_id("transition-form")
    form.locator("select[name=action]").select_option(action)
    if hospital:
        form.locator("input[name=hospital]").fill(hospital)
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")


def test_the_loop_from_a_fever_to_release(live_server, browser, person, grid_worker, epidemiologist, commander):
    order = quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact",
                                   starts_at=timezone.now() - dt.timedelta(days=1))
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    log_in(phone, live_server.url, grid_worker.username, PASSWORD)
    phone.goto(f"{live_server.url}/observation/")
    row = phone.get_by_test_id(f"order-{person.pk}")
    row.locator("input[name=temperature]").fill("38.6")
    row.get_by_role("button").click()
    phone.wait_for_load_state("networkidle")
    said = phone.get_by_test_id("urgent")
    assert "38.6 °C 为发热" in said.inner_text() and "第1网格" in said.inner_text()
    assert said.evaluate("e => getComputedStyle(e).color") != phone.locator("body").evaluate(
        "e => getComputedStyle(e).color")  # it stands out from the page's text
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.context.close()

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    log_in(desk, live_server.url, epidemiologist.username, PASSWORD)
    desk.goto(f"{live_server.url}/ledger/")
    entry = desk.locator("tbody tr", has_text=person.name)
    assert "38.6 °C" in entry.inner_text()
    entry.locator("select[name=resolution]").select_option("case_opened")
    entry.get_by_role("button").click()
    desk.wait_for_load_state("networkidle")
    case = person.cases.get()

    desk.goto(f"{live_server.url}/cases/{case.pk}/")
    details = desk.get_by_test_id("details-form")
    onset = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    details.locator("input[name=onset_date]").fill(onset)
    details.locator("input[name=sampled_on]").fill(timezone.localdate().isoformat())
    details.get_by_role("button").click()
    desk.wait_for_load_state("networkidle")
    timeline = desk.get_by_test_id("earlies").inner_text()
    assert onset in timeline and "+2 天" in timeline and "+-" not in timeline
    # the same-day test the case asked for comes back positive (the lab's own pages have their own walk)
    assert TestDue.objects.get(person=person).purpose == "clearance"
    lab_result(commander, person, "positive", hours_ago=60)
    desk.reload()
    assert "阳性" in desk.get_by_test_id("results").inner_text()
    apply(desk, "confirm")
    assert "确诊" in desk.get_by_test_id("case-state").inner_text()

    # the order's page transfers the person: the order ends and no reading window is left ahead of them
    desk.goto(f"{live_server.url}/orders/{order.pk}/")
    transfer = desk.get_by_test_id("transfer-form")
    transfer.locator("input[name=hospital]").fill("江岸区方舱医院")
    transfer.get_by_role("button").click()
    desk.wait_for_load_state("networkidle")
    assert "转院" in desk.get_by_test_id("order-state").inner_text()
    assert not ReadingSlot.objects.filter(order=order, status="due", closes_at__gt=timezone.now()).exists()
    desk.goto(f"{live_server.url}/observation/")
    assert desk.get_by_test_id(f"order-{person.pk}").count() == 0

    desk.goto(f"{live_server.url}/cases/{case.pk}/")
    apply(desk, "admit", hospital="江岸区方舱医院")
    assert "方舱医院" in desk.get_by_test_id("case-tier").inner_text()  # mild: a makeshift hospital

    apply(desk, "discharge")  # no negative test yet
    refusal = desk.get_by_test_id("transition-form").locator(".problem").inner_text()
    assert "连续 2 次阴性检测" in refusal and "目前有 0 次" in refusal
    desk.get_by_test_id("test-form").get_by_role("button").click()  # the hospital asks for the tests
    desk.wait_for_load_state("networkidle")
    assert TestDue.objects.filter(person=person, purpose="clinical").exists()
    person.cases.filter(pk=case.pk).update(treated_at=timezone.now() - dt.timedelta(days=3))  # admitted 3 days ago
    lab_result(commander, person, "negative", hours_ago=26)
    lab_result(commander, person, "negative", hours_ago=1)
    desk.goto(f"{live_server.url}/cases/{case.pk}/")
    apply(desk, "discharge")
    assert "出院" in desk.get_by_test_id("case-state").inner_text()

    apply(desk, "observe")
    monitoring = Order.objects.get(person=person, status="active")
    assert monitoring.reason == "post_discharge"
    apply(desk, "release")  # the monitoring runs for days yet
    assert "健康监测至" in desk.get_by_test_id("transition-form").locator(".problem").inner_text()
    Order.objects.filter(pk=monitoring.pk).update(planned_end_at=timezone.now() - dt.timedelta(minutes=1))
    desk.goto(f"{live_server.url}/cases/{case.pk}/")
    apply(desk, "release")
    assert "已解除" in desk.get_by_test_id("case-state").inner_text()
    monitoring.refresh_from_db()
    assert monitoring.status == "released" and person.cases.get().closed_at is not None

    # the person's page tells the whole story, in order, each line a link to its record
    desk.goto(f"{live_server.url}/persons/{person.pk}/")
    story = desk.get_by_test_id("story").inner_text()
    for line in ("体温 38.6 °C", "可疑症状台账", "病例：确诊", "观察结束", "病例：解除"):
        assert line in story, line
    desk.context.close()
