"""A person under home observation reports their own temperature from the link the grid sent, on their own phone
with no account: it works once, then says it was used; a link past its window says when it expired; the grid's
page shows who reported."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.conftest import PASSWORD, VALID_ID
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Reading, ReadingSlot

from .conftest import OTHER_ID, log_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def window_open_now(person):
    now = timezone.now()
    first = ReadingSlot.objects.filter(order__person=person).order_by("opens_at").first()
    ReadingSlot.objects.filter(pk=first.pk).update(opens_at=now - dt.timedelta(hours=1),
                                                   closes_at=now + dt.timedelta(hours=1), day=timezone.localdate(now))
    return first


def test_a_self_report_link_works_once_and_then_expires(live_server, browser, page, grid_worker, person, world):
    other = world["free"]
    assert other.id_number == OTHER_ID
    quarantine.place_order(grid_worker, other.pk, kind="home", reason="close_contact")  # the world watches `person`
    for someone in (person, other):
        window_open_now(someone)
    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    page.goto(f"{live_server.url}/self-report/")
    page.get_by_role("button", name="下一个测温时段的链接").click()
    page.wait_for_load_state("networkidle")
    links = {p.pk: page.get_by_test_id(f"self-report-{p.pk}") for p in (person, other)}
    for row in links.values():
        row.locator("summary").click()
        assert row.locator("img.qr").get_attribute("src").startswith("data:image/svg+xml")
    url = links[person.pk].get_by_test_id("link-url").input_value()
    expired_url = links[other.pk].get_by_test_id("link-url").input_value()

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    own = phone.new_page()  # the person's own phone: not logged in
    own.goto(url)
    assert own.locator(".mainnav").count() == 0
    own.get_by_label("身份证件号码后4位").fill(VALID_ID[-4:])
    own.get_by_label("体温（°C）").fill("36.6")
    own.get_by_role("button", name="提交").click()
    own.wait_for_load_state("networkidle")
    assert "已记录" in own.inner_text("main")
    assert Reading.objects.filter(order__person=person, temperature="36.6").count() == 1
    own.goto(url)  # the same link again
    assert "只能使用一次" in own.get_by_test_id("self-report-refused").inner_text()

    ReadingSlot.objects.filter(order__person=other).update(closes_at=timezone.now() - dt.timedelta(minutes=5))
    own.goto(expired_url)
    assert "过期" in own.get_by_test_id("self-report-refused").inner_text()
    own.screenshot(path="/tmp/fangkong-shots/self-report-expired.png")
    phone.close()

    page.reload()
    assert "36.6" in page.get_by_test_id(f"self-report-{person.pk}").inner_text()
    assert page.get_by_test_id(f"self-report-{other.pk}").locator("[data-state=missed]").count() == 1
