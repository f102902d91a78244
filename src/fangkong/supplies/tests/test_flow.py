"""Requests, approval, allocation by the rule through the services, shipments (the difference recorded, received
twice refused) and procurement orders; bad input refused naming the field, nothing half-written."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone, translation

from fangkong.errors import Conflict, InputRefused
from fangkong.supplies import services
from fangkong.supplies.models import AllocationRun, RequestStatus, ShipmentStatus, StockEvent, SupplyRequest

from .conftest import receive

MASK = "medical-protective-mask"


def ask(actor, store, need, minimum=0, posts=("fever-clinic",), item=MASK):
    return services.submit_request(actor, store.pk, services.RequestInput(
        item=item, need=need, minimum=minimum, need_by=timezone.localdate() + dt.timedelta(days=2), posts=posts))


@pytest.mark.django_db
def test_a_request_takes_the_highest_tier_of_its_posts(officer, stores):
    made = ask(officer, stores["a"], 100, 20, posts=("ordinary-ward", "sampling"))
    assert (made.tier, made.status) == (1, RequestStatus.SUBMITTED)
    assert ask(officer, stores["b"], 10, posts=("administration",)).tier == 5


@pytest.mark.django_db
@pytest.mark.parametrize("change, field", [
    ({"need": "-3"}, "need"), ({"need": "2.5"}, "need"), ({"minimum": "30", "need": "20"}, "minimum"),
    ({"item": "unobtainium"}, "item"), ({"posts": ("nowhere",)}, "posts"), ({"posts": ()}, "posts"),
    ({"need_by": "2020-01-01"}, "need_by"), ({"need_by": "tomorrow"}, "need_by"),
])
def test_bad_requests_are_refused_naming_the_field(officer, stores, change, field):
    data = {"item": MASK, "need": "20", "minimum": "0", "need_by": timezone.localdate().isoformat(),
            "posts": ("fever-clinic",), **change}
    with pytest.raises(InputRefused) as refused:
        services.submit_request(officer, stores["a"].pk, services.RequestInput(**data))
    assert field in {p.field for p in refused.value.problems}
    assert not SupplyRequest.objects.exists()


@pytest.mark.django_db
def test_allocation_follows_the_rule_and_ships(officer, stores):
    city = stores["city"]
    receive(officer, city, MASK, 112)  # reserve 0.1 for masks: 100 available
    first = ask(officer, stores["hospital"], 40, 10, posts=("isolation-ward",))  # tier 1
    second = ask(officer, stores["a"], 60, posts=("laboratory",))  # tier 2
    third = ask(officer, stores["b"], 90, posts=("patient-transport",))  # tier 2
    unapproved = ask(officer, stores["b"], 5, posts=("administration",))
    for request in (first, second, third):
        services.decide_request(officer, request.pk, "approve")
    run = services.allocate_item(officer, city.pk, MASK)
    assert (run.stock, run.available, run.allocated, run.cut_tier, run.cut_rate) == (112, 100, 100, 2, "2/5")
    got = {line.request_id: line.allocated for line in run.lines.all()}
    assert got == {first.pk: 40, second.pk: 24, third.pk: 36}
    assert SupplyRequest.objects.get(pk=unapproved.pk).status == RequestStatus.SUBMITTED
    with translation.override("en"):
        why = {line.request_id: services.explain_line(run, line) for line in run.lines.all()}
    assert why[first.pk] == "served in full"
    assert why[second.pk] == "tier 2 shared at an equal rate of 40.0% (the rest of the needs), rounded down"
    shipments = services.dispatch_allocation(officer, run.pk)
    assert sorted(s.quantity for s in shipments) == [24, 36, 40]
    assert services.on_hand(city, services.Item.objects.get(code=MASK)) == 12  # the reserve stays
    with pytest.raises(Conflict):  # shipped already
        services.dispatch_allocation(officer, run.pk)


@pytest.mark.django_db
def test_a_shipment_records_the_difference_and_is_received_once(officer, stores):
    receive(officer, stores["city"], MASK, 50)
    shipment = services.dispatch(officer, source_id=stores["city"].pk, destination_id=stores["a"].pk, item=MASK,
                                 quantity=30)
    mask = services.Item.objects.get(code=MASK)
    assert services.on_hand(stores["city"], mask) == 20 and services.on_hand(stores["a"], mask) == 0
    done = services.receive_shipment(officer, shipment.pk, 28, note="两盒破损")
    assert (done.status, done.received, done.difference) == (ShipmentStatus.RECEIVED, 28, -2)
    assert services.on_hand(stores["a"], mask) == 28
    with pytest.raises(Conflict) as refused:
        services.receive_shipment(officer, shipment.pk, 28)
    assert refused.value.problems[0].field == "received"
    assert services.on_hand(stores["a"], mask) == 28


@pytest.mark.django_db
def test_a_shipment_of_more_than_on_hand_writes_nothing(officer, stores):
    receive(officer, stores["city"], MASK, 5)
    with pytest.raises(InputRefused):
        services.dispatch(officer, source_id=stores["city"].pk, destination_id=stores["a"].pk, item=MASK, quantity=6)
    assert not services.Shipment.objects.exists() and StockEvent.objects.count() == 1


@pytest.mark.django_db
def test_procurement_orders_are_expected_then_delivered_into_the_ledger_once(officer, stores):
    order = services.place_order(officer, store_id=stores["city"].pk, item=MASK, quantity=500,
                                 supplier="某医疗器械公司", expected_on=timezone.localdate() + dt.timedelta(days=3))
    assert services.stock_lines(officer) == []  # an order alone is no stock
    services.deliver_order(officer, order.pk, 480)
    assert services.on_hand(stores["city"], services.Item.objects.get(code=MASK)) == 480
    with pytest.raises(Conflict):
        services.deliver_order(officer, order.pk, 480)


@pytest.mark.django_db
def test_the_hospital_may_not_allocate_nor_dispatch(tree, stores, officer):
    from fangkong.accounts.models import Role
    from fangkong.accounts.permissions import Forbidden
    from fangkong.conftest import make_user

    nurse = make_user("nurse", Role.HOSPITAL, tree["county_a"])
    receive(nurse, stores["a"], MASK, 5)  # but keeps its ledger
    with pytest.raises(Forbidden):
        services.allocate_item(nurse, stores["a"].pk, MASK)
    with pytest.raises(Forbidden):
        services.dispatch(nurse, source_id=stores["a"].pk, destination_id=stores["hospital"].pk, item=MASK,
                          quantity=1)
    assert not AllocationRun.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections racing need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issues_of_the_last_units_never_take_the_ledger_below_zero(officer, stores):
    store = stores["a"]
    receive(officer, store, MASK, 10)
    barrier, outcomes = threading.Barrier(2), []

    def issue():
        try:
            barrier.wait()
            services.record_stock(officer, store.pk, services.StockEntry("issue", MASK, 10))
            outcomes.append("issued")
        except InputRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["issued", "refused"]
    assert services.on_hand(store, services.Item.objects.get(code=MASK)) == 0
    assert StockEvent.objects.filter(store=store, kind="issue").count() == 1


@pytest.mark.django_db
def test_a_request_for_an_unknown_unit_or_one_beyond_the_subtree_is_refused_as_missing(county_officer, stores):
    from fangkong.accounts.scoping import NotFound

    for store_id in (987654, stores["a"].pk):  # no such store; district A's, asked by district B
        with pytest.raises(NotFound):
            services.submit_request(county_officer, store_id, services.RequestInput(
                item=MASK, need=5, need_by=timezone.localdate(), posts=("fever-clinic",)))
    assert not SupplyRequest.objects.exists()
