"""The stock ledger: every entry kind, stock on hand derived from the events, never negative, counts with an
unexplained difference, days of stock left rolled up, low-stock alerts; bad input refused, nothing half-written."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.audit.models import Action, AuditEvent
from fangkong.errors import InputRefused
from fangkong.supplies import services
from fangkong.supplies.models import StockEvent

from .conftest import receive

MASK = "medical-protective-mask"


def entry(actor, store, kind, quantity, item=MASK, **more):
    return services.record_stock(actor, store.pk, services.StockEntry(kind, item, quantity, **more))


@pytest.mark.django_db
def test_every_entry_kind_moves_the_stock_and_on_hand_is_the_sum_of_the_events(officer, stores):
    city, county = stores["city"], stores["a"]
    receive(officer, city, MASK, 1000)
    entry(officer, city, "issue", 120)
    entry(officer, city, "transfer", 300, destination=county.pk)
    entry(officer, city, "adjustment", -5, reason="破损")
    mask = services.Item.objects.get(code=MASK)
    assert services.on_hand(city, mask) == 1000 - 120 - 300 - 5
    assert services.on_hand(county, mask) == 300
    last = StockEvent.objects.filter(store=city).first()
    assert last.balance == 575 and last.reason == "破损"
    assert AuditEvent.objects.filter(action=Action.STOCK_CHANGE, details__record="stockevent").count() == 5


@pytest.mark.django_db
def test_the_ledger_never_goes_negative(officer, stores):
    receive(officer, stores["a"], MASK, 10)
    with pytest.raises(InputRefused) as refused:
        entry(officer, stores["a"], "issue", 11)
    assert refused.value.problems[0].field == "quantity" and "10" in str(refused.value.problems[0].message)
    with pytest.raises(InputRefused):
        entry(officer, stores["a"], "adjustment", -11, reason="盘亏")
    with pytest.raises(InputRefused):  # a transfer out of too little writes neither side
        entry(officer, stores["a"], "transfer", 50, destination=stores["b"].pk)
    assert StockEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_count_records_the_difference_with_a_reason_or_marked_unexplained(officer, stores):
    store = stores["a"]
    receive(officer, store, MASK, 100)
    with pytest.raises(InputRefused) as refused:
        entry(officer, store, "count", 97)
    assert refused.value.problems[0].field == "reason"
    event = entry(officer, store, "count", 97, unexplained=True)
    assert (event.quantity, event.balance, event.counted, event.unexplained) == (-3, 97, 97, True)
    same = entry(officer, store, "count", 97)  # no difference: nothing to explain
    assert (same.quantity, same.unexplained) == (0, False)
    assert services.on_hand(store, services.Item.objects.get(code=MASK)) == 97


@pytest.mark.django_db
@pytest.mark.parametrize("kind, quantity, item, field", [
    ("receive", "-5", MASK, "quantity"), ("receive", "2.5", MASK, "quantity"), ("receive", "abc", MASK, "quantity"),
    ("receive", "0", MASK, "quantity"), ("receive", "5", "unknown-thing", "item"), ("burn", "5", MASK, "kind"),
    ("adjustment", "0", MASK, "quantity"), ("count", "-1", MASK, "quantity"),
])
def test_bad_entries_are_refused_naming_the_field(officer, stores, kind, quantity, item, field):
    with pytest.raises(InputRefused) as refused:
        entry(officer, stores["a"], kind, quantity, item=item)
    assert field in {p.field for p in refused.value.problems}
    assert not StockEvent.objects.exists()


@pytest.mark.django_db
def test_an_adjustment_needs_a_reason(officer, stores):
    receive(officer, stores["a"], MASK, 10)
    with pytest.raises(InputRefused) as refused:
        entry(officer, stores["a"], "adjustment", -2)
    assert [p.field for p in refused.value.problems] == ["reason"]


@pytest.mark.django_db
def test_a_count_for_a_store_one_does_not_own_is_refused_as_missing(officer, county_officer, stores):
    from fangkong.accounts.scoping import NotFound

    receive(officer, stores["a"], MASK, 10)
    with pytest.raises(NotFound):
        entry(county_officer, stores["a"], "count", 0, unexplained=True)
    with pytest.raises(InputRefused) as refused:  # nor may one transfer into a store beyond one's subtree
        entry(county_officer, stores["b"], "transfer", 1, destination=stores["a"].pk)
    assert "to_store" in {p.field for p in refused.value.problems}
    assert services.on_hand(stores["a"], services.Item.objects.get(code=MASK)) == 10


@pytest.mark.django_db
def test_a_resubmitted_entry_counts_once(officer, stores):
    first, again = (services.record_stock(officer, stores["a"].pk, services.StockEntry("receive", MASK, 40),
                                          idempotency_key="k1") for _ in range(2))
    assert first.pk == again.pk and StockEvent.objects.count() == 1


@pytest.mark.django_db
def test_days_left_from_the_consumption_rate_rolled_up_with_low_stock_alerts(officer, stores, settings, tree):
    settings.SUPPLY_CONSUMPTION_DAYS = 7
    a, b = stores["a"], stores["hospital"]
    receive(officer, a, MASK, 700)
    receive(officer, b, MASK, 100)
    entry(officer, a, "issue", 70)  # 10 a day over 7 days: 630 left → 63 days
    entry(officer, b, "issue", 70)  # 10 a day: 30 left → 3 days, under the mask's 7: low
    old = StockEvent.objects.filter(store=a, kind="issue").get()
    lines = {(x.store.code, x.item.code): x for x in services.stock_lines(officer)}
    assert lines[(a.code, MASK)].days_left == pytest.approx(63)
    assert lines[(b.code, MASK)].days_left == pytest.approx(3) and lines[(b.code, MASK)].low
    assert not lines[(a.code, MASK)].low
    rolled = {(r.place.code, r.item.code): r for r in services.rollup(officer, list(lines.values()))}
    district = rolled[(tree["county_a"].code, MASK)]  # both stores lie in district A: summed, not averaged
    assert (district.on_hand, district.stores) == (660, 2) and district.days_left == pytest.approx(33)
    # an issue older than the window no longer counts towards the rate
    StockEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=8))
    lines = {(x.store.code, x.item.code): x for x in services.stock_lines(officer)}
    assert lines[(a.code, MASK)].days_left is None
