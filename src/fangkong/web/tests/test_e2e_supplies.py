"""In a real headless Chromium: the logistics officer sees the rule's allocation with each unit's reason, allocates
and ships it; the hospital counts what arrived on its phone (390 px, no sideways scroll), a negative count refused
at its field first; on the stock page a fraction is held back and an issue beyond the stock refused at its field."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.conftest import PASSWORD, make_user
from fangkong.supplies import services
from fangkong.supplies.models import RequestStatus, Shipment, ShipmentStatus

from .conftest import log_in

pytestmark = pytest.mark.e2e
MASK = "medical-protective-mask"


@pytest.fixture(autouse=True)
def catalogue(db):
    services.load_catalogue()  # the live server's database is flushed between tests, the catalogue with it


def test_allocate_ship_and_receive(live_server, page, browser, tree):
    officer = make_user("officer", Role.LOGISTICS, tree["city"])
    nurse = make_user("nurse", Role.HOSPITAL, tree["county_a"])
    add = services.add_store
    city = add(officer, code="WH-1", name="市储备库", kind="city_warehouse", jurisdiction_code=tree["city"].code)
    units = {code: add(officer, code=code, name=name, kind="hospital", jurisdiction_code=tree["county_a"].code)
             for code, name in (("H-A", "甲医院"), ("H-B", "乙医院"), ("H-C", "丙医院"))}
    services.record_stock(officer, city.pk, services.StockEntry("receive", MASK, 112))  # 100 after the reserve
    day = timezone.localdate() + dt.timedelta(days=1)
    for code, need, post in (("H-A", 40, "isolation-ward"), ("H-B", 60, "laboratory"), ("H-C", 90, "disinfection")):
        request = services.submit_request(officer, units[code].pk, services.RequestInput(
            item=MASK, need=need, need_by=day, posts=(post,)))
        services.decide_request(officer, request.pk, "approve")

    log_in(page, live_server.url, officer.username, PASSWORD)
    page.goto(f"{live_server.url}/supplies/allocate/?from_store={city.pk}&item={MASK}")
    assert "100" in page.get_by_test_id("preview-summary").inner_text()
    shares = {code: page.get_by_test_id(f"share-{code}") for code in units}
    assert [shares[c].locator(".allocated").inner_text() for c in ("H-A", "H-B", "H-C")] == ["40", "24", "36"]
    assert "40.0%" in shares["H-B"].inner_text()  # the reason: tier 2 shared at one rate
    page.get_by_test_id("allocate-form").get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert "/supplies/allocations/" in page.url
    assert services.SupplyRequest.objects.filter(status=RequestStatus.ALLOCATED).count() == 3
    page.get_by_test_id("dispatch-allocation").get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert Shipment.objects.filter(status=ShipmentStatus.DISPATCHED).count() == 3

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()  # the hospital's phone
    log_in(phone, live_server.url, nurse.username, PASSWORD)
    phone.goto(f"{live_server.url}/supplies/shipments/")
    shipment = Shipment.objects.get(destination=units["H-B"])
    row = phone.get_by_test_id(f"shipment-{shipment.pk}")
    row.locator("input[name=received]").fill("-3")
    row.get_by_role("button").click()
    phone.wait_for_load_state("networkidle")
    row = phone.get_by_test_id(f"shipment-{shipment.pk}")
    assert row.locator("[data-field=received].has-problem .problem").count() == 1
    assert row.locator("input[name=received]").input_value() == "-3"
    assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.DISPATCHED
    row = phone.get_by_test_id(f"shipment-{shipment.pk}")
    row.locator("input[name=received]").fill("23")
    row.get_by_role("button").click()
    phone.wait_for_load_state("networkidle")
    done = Shipment.objects.get(pk=shipment.pk)
    assert (done.status, done.received, done.difference) == (ShipmentStatus.RECEIVED, 23, -1)
    for path in ("/supplies/", "/supplies/shipments/?status=all", "/supplies/requests/?status=all"):
        phone.goto(f"{live_server.url}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, f"{path} scrolls sideways"
    phone.context.close()


def test_a_fractional_issue_is_refused_at_its_field(live_server, page, tree):
    officer = make_user("officer", Role.LOGISTICS, tree["city"])
    store = services.add_store(officer, code="WH-1", name="市储备库", kind="city_warehouse",
                               jurisdiction_code=tree["city"].code)
    services.record_stock(officer, store.pk, services.StockEntry("receive", MASK, 10))
    log_in(page, live_server.url, officer.username, PASSWORD)
    page.goto(f"{live_server.url}/supplies/?store={store.pk}")
    form = page.get_by_test_id("stock-form")
    form.locator("select[name=kind]").select_option("issue")
    form.locator("select[name=item]").select_option(MASK)
    form.locator("input[name=quantity]").fill("2.5")  # the browser itself holds back a fraction (step 1)
    form.get_by_role("button").click()
    assert form.locator("input[name=quantity]").evaluate("e => e.validity.stepMismatch")
    form.locator("input[name=quantity]").fill("11")  # more than on hand: refused by the ledger, at its field
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    problem = page.locator("[data-field=quantity] .problem").inner_text()
    assert "10" in problem and page.locator("[data-field=quantity] input").input_value() == "11"
    assert services.on_hand(store, services.Item.objects.get(code=MASK)) == 10
