"""A grid worker with no signal, in headless Chromium: a reading typed offline waits on the phone (IndexedDB), the
page says so, and it is sent once when the network returns — with the time it was typed. The same queued
submission sent again (a lost reply, a second tab) is still stored once; a refused one says why."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.conftest import PASSWORD
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Reading

from .conftest import log_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
QUEUED = """() => new Promise((resolve) => {
  const open = indexedDB.open("fangkong-offline", 1);
  open.onsuccess = () => { const all = open.result.transaction("queue").objectStore("queue").getAll();
                           all.onsuccess = () => resolve(all.result); };
})"""
PUT_BACK = """(item) => new Promise((resolve) => {
  const open = indexedDB.open("fangkong-offline", 1);
  open.onsuccess = () => { const tx = open.result.transaction("queue", "readwrite");
                           tx.objectStore("queue").put(item); tx.oncomplete = () => resolve(true); };
})"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    yield context, context.new_page()
    context.close()


def type_reading(page, person, temperature):
    card = page.get_by_test_id(f"order-{person.pk}")
    card.locator("input[name=temperature]").fill(temperature)
    card.get_by_role("button").click()


def test_a_reading_typed_offline_is_sent_once_when_the_network_returns(live_server, phone, grid_worker, person):
    context, page = phone
    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    page.goto(f"{live_server.url}/observation/")
    context.set_offline(True)
    typed_at = timezone.now()
    type_reading(page, person, "36.8")
    waiting = page.get_by_test_id("offline-waiting")
    waiting.wait_for()
    assert person.name in waiting.inner_text() and "1" in waiting.inner_text()
    assert Reading.objects.count() == 0
    [queued] = page.evaluate(QUEUED)
    assert dict(queued["fields"])["key"] == queued["key"] and len(queued["key"]) == 32

    context.set_offline(False)
    page.wait_for_selector("[data-offline-status]", state="hidden", timeout=15_000)
    [reading] = Reading.objects.all()
    assert str(reading.temperature) == "36.8"
    assert abs(reading.taken_at - typed_at) < dt.timedelta(seconds=30)  # when it was typed, not when it was sent

    page.evaluate(PUT_BACK, queued)  # the same submission again: its reply was lost, or a second tab sent it
    assert len(page.evaluate(QUEUED)) == 1
    page.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(100):
        if not page.evaluate(QUEUED):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(QUEUED) == []  # sent, and taken as done
    assert Reading.objects.count() == 1  # counted once


def test_a_queued_reading_the_server_refuses_says_why(live_server, phone, grid_worker, person):
    context, page = phone
    quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact")
    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    page.goto(f"{live_server.url}/observation/")
    context.set_offline(True)
    type_reading(page, person, "48.5")  # a slip of the thumb: no body is at 48.5 °C
    page.get_by_test_id("offline-waiting").wait_for()
    context.set_offline(False)
    refused = page.get_by_test_id("offline-refused")
    refused.wait_for(timeout=15_000)
    assert "体温" in refused.inner_text() and person.name in refused.inner_text()
    assert Reading.objects.count() == 0
    refused.get_by_role("button").click()
    page.wait_for_selector("[data-offline-status]", state="hidden")
    page.reload()
    assert page.is_hidden("[data-offline-status]")  # dismissed for good


def test_the_service_worker_answers_for_the_site_and_an_offline_navigation_gets_the_offline_page(
        live_server, phone, grid_worker):
    context, page = phone
    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    page.goto(f"{live_server.url}/today/")
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == f"{live_server.url}/"
    page.reload()  # now controlled by the worker
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.route("**/arrivals/", lambda route: route.abort("internetdisconnected"))
    page.goto(f"{live_server.url}/arrivals/")
    assert page.locator("h1").inner_text() in ("No signal", "无信号")
