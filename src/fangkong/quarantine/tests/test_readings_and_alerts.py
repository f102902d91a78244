"""Readings, fever alerts, missed-reading alerts at window edges and across midnight, idempotency."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404
from django.utils import timezone

from fangkong.cases.disease import current
from fangkong.errors import InputRefused
from fangkong.quarantine import services
from fangkong.quarantine.models import Alert, Reading, ReadingSlot

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(y, m, d, hh, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


@pytest.fixture
def watched(person, grid_worker):
    """The person under home observation since 05:00 three days ago (local time)."""
    start = timezone.localtime() .replace(hour=5, minute=0, second=0, microsecond=0) - dt.timedelta(days=3)
    return services.place_order(grid_worker, person.pk, kind="home", reason="close_contact", starts_at=start)


def test_an_order_gets_two_windows_a_day_for_its_observation_days(watched):
    assert watched.planned_end_at - watched.starts_at == dt.timedelta(days=14)
    slots = list(watched.slots.all())
    assert len(slots) == 28
    first = timezone.localtime(slots[0].opens_at, SHANGHAI), timezone.localtime(slots[0].closes_at, SHANGHAI)
    assert (first[0].hour, first[1].hour) == (6, 10)


def test_a_fever_raises_an_alert_at_once_and_a_normal_reading_does_not(person, grid_worker, watched):
    services.record_reading(grid_worker, person.pk, temperature="37.2")
    assert not Alert.objects.exists()
    reading, _ = services.record_reading(grid_worker, person.pk, temperature="38.1")
    alert = Alert.objects.get()
    assert (alert.kind, alert.status, alert.reading, alert.owner_path) == ("fever", "open", reading,
                                                                          person.jurisdiction_path)
    services.record_reading(grid_worker, person.pk, temperature="37.3")  # the threshold itself is a fever
    assert Alert.objects.filter(kind="fever").count() == 2


@pytest.mark.parametrize("temperature, field", [("33.9", "temperature"), ("43.1", "temperature"),
                                                ("warm", "temperature")])
def test_an_implausible_temperature_is_refused(person, grid_worker, watched, temperature, field):
    with pytest.raises(InputRefused) as caught:
        services.record_reading(grid_worker, person.pk, temperature=temperature)
    assert caught.value.problems[0].field == field
    assert not Reading.objects.exists()


def test_the_plausible_range_is_configurable(person, grid_worker, watched):
    disease = current()
    disease.temperature_max = Decimal("44.0")
    disease.save()
    services.record_reading(grid_worker, person.pk, temperature="43.5")
    assert Reading.objects.count() == 1


def test_a_reading_dated_in_the_future_is_refused(person, grid_worker, watched):
    with pytest.raises(InputRefused) as caught:
        services.record_reading(grid_worker, person.pk, temperature="36.5",
                                taken_at=timezone.now() + dt.timedelta(hours=1))
    assert caught.value.problems[0].field == "taken_at"


def test_a_reading_for_someone_not_under_observation_is_refused(person, grid_worker):
    with pytest.raises(InputRefused) as caught:
        services.record_reading(grid_worker, person.pk, temperature="36.5")
    assert caught.value.problems[0].field == "person"


def test_a_reading_for_someone_outside_the_subtree_is_not_found(person, sibling_worker, watched):
    with pytest.raises(Http404):
        services.record_reading(sibling_worker, person.pk, temperature="38.5")
    assert not Reading.objects.exists()


def test_a_repeated_reading_is_counted_once(person, grid_worker, watched):
    first, created = services.record_reading(grid_worker, person.pk, temperature="38.4", idempotency_key="phone-1")
    again, created_again = services.record_reading(grid_worker, person.pk, temperature="38.4",
                                                   idempotency_key="phone-1")
    assert (created, created_again, first.pk) == (True, False, again.pk)
    assert Reading.objects.count() == 1 and Alert.objects.count() == 1


def test_window_edges_open_is_in_close_is_out(person, grid_worker, watched):
    slot = watched.slots.order_by("opens_at")[2]
    services.record_reading(grid_worker, person.pk, temperature="36.6", taken_at=slot.closes_at)
    slot.refresh_from_db()
    assert slot.status == "due"  # a reading at the closing instant belongs to no window
    services.record_reading(grid_worker, person.pk, temperature="36.6", taken_at=slot.opens_at)
    slot.refresh_from_db()
    assert slot.status == "done"


def test_a_missed_window_raises_one_alert_when_it_closes_even_if_swept_twice(watched):
    slot = watched.slots.order_by("opens_at")[0]
    assert services.sweep_missed_readings(now=slot.closes_at - dt.timedelta(seconds=1)) == 0
    assert services.sweep_missed_readings(now=slot.closes_at) == 1
    assert services.sweep_missed_readings(now=slot.closes_at) == 0
    alert = Alert.objects.get()
    assert (alert.kind, alert.slot) == ("missed", slot)
    slot.refresh_from_db()
    assert slot.status == "missed"


def test_a_reading_entered_late_but_taken_in_time_clears_the_missed_alert(person, grid_worker, watched):
    slot = watched.slots.order_by("opens_at")[0]
    services.sweep_missed_readings(now=slot.closes_at)
    services.record_reading(grid_worker, person.pk, temperature="36.7", taken_at=slot.opens_at + dt.timedelta(hours=1))
    slot.refresh_from_db()
    assert slot.status == "done" and Alert.objects.get().status == "resolved"


def test_a_window_across_midnight_closes_on_the_next_day(person, grid_worker, tree):
    disease = current()
    disease.readings_per_day, disease.reading_windows = 1, [["22:00", "02:00"]]
    disease.save()
    start = local(2026, 3, 1, 12)
    order = services.place_order(grid_worker, person.pk, kind="home", reason="close_contact", starts_at=start,
                                 days=2)
    first = order.slots.order_by("opens_at").first()
    assert (first.opens_at, first.closes_at) == (local(2026, 3, 1, 22), local(2026, 3, 2, 2))
    assert first.day == dt.date(2026, 3, 1)
    services.record_reading(grid_worker, person.pk, temperature="36.5", taken_at=local(2026, 3, 2, 1, 30))
    first.refresh_from_db()
    assert first.status == "done"
    assert services.sweep_missed_readings(now=local(2026, 3, 3, 1, 59)) == 0
    assert services.sweep_missed_readings(now=local(2026, 3, 3, 2, 0)) == 1


def test_alerts_are_acknowledged_then_resolved(person, grid_worker, sibling_worker, watched):
    services.record_reading(grid_worker, person.pk, temperature="38.8")
    alert = Alert.objects.get()
    with pytest.raises(InputRefused):
        services.handle_alert(grid_worker, alert.pk, "resolve")
    with pytest.raises(Http404):
        services.handle_alert(sibling_worker, alert.pk, "acknowledge")
    services.handle_alert(grid_worker, alert.pk, "acknowledge")
    alert = services.handle_alert(grid_worker, alert.pk, "resolve", note="复测 36.9")
    assert (alert.status, alert.acknowledged_by, alert.resolved_by, alert.note) == (
        "resolved", grid_worker, grid_worker, "复测 36.9")


def test_slots_are_one_per_window(watched):
    assert ReadingSlot.objects.values("order", "day", "index").distinct().count() == watched.slots.count()
