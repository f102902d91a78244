"""The per-owner daily roll-up equals a recount of the rows after every kind of write, one by one and
concurrently, and the dashboard read from it gives the figures counted from the rows."""

import datetime as dt
import random
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from fangkong import bulk
from fangkong.accounts.models import Role, User
from fangkong.cases import services as cases
from fangkong.checkpoints import services as checkpoints
from fangkong.dashboard import rollup
from fangkong.dashboard.models import DailyCount
from fangkong.dashboard.services import summary, summary_from_rows
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.pathways import arrivals, care
from fangkong.people.models import Person
from fangkong.people.services import PersonInput
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Alert, Order, ReadingSlot
from fangkong.screening import services as screening
from fangkong.synthetic.outbreak import place_under_observation
from fangkong.synthetic.seed import seed_city


def assert_rollup_equals_recount(root, step: str) -> None:
    assert rollup.differences() == {}, step
    now = timezone.now()
    for node in [root, *Jurisdiction.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).order_by("code")[:3]]:
        kept, counted = summary(node, now=now), summary_from_rows(node, now=now)
        assert (kept.totals, kept.direct, kept.children) == (counted.totals, counted.direct, counted.children), step


@pytest.fixture
def city(db):
    root = seed_city(3_000, seed=21)
    chief = User.objects.create(username="chief", role=Role.COMMAND, jurisdiction=root)
    return root, chief


def free_people(n: int) -> list[Person]:
    return list(Person.objects.exclude(quarantine_orders__status="active").filter(cases=None)
                .order_by("id")[:n])


def test_every_kind_of_write_keeps_the_rollup_equal_to_a_recount(city):
    root, chief = city
    now = timezone.now()
    check = lambda step: assert_rollup_equals_recount(root, step)  # noqa: E731
    assert DailyCount.objects.count() == 0
    place_under_observation(40, random.Random(3), now - dt.timedelta(days=2))  # bulk_create of orders and slots
    check("orders and slots written in bulk")
    assert DailyCount.objects.filter(figure="home_observation").exists()
    watched = list(Order.objects.filter(status="active").order_by("id"))
    quarantine.record_reading(chief, watched[0].person_id, temperature="38.4", taken_at=now)  # a fever: an alert
    check("a reading with a fever")
    quarantine.record_readings(chief, [quarantine.ReadingEntry(o.person_id, "36.6", now) for o in watched[1:10]])
    check("a batch of readings")
    assert quarantine.sweep_missed_readings(now + dt.timedelta(days=1)) > 0
    check("the sweep marks windows missed and raises alerts")
    alerts = list(Alert.objects.order_by("id")[:3])
    quarantine.handle_alert(chief, alerts[0].pk, "acknowledge")
    check("an alert acknowledged")
    quarantine.handle_alert(chief, alerts[0].pk, "resolve")
    check("an alert resolved")
    quarantine.extend_order(chief, watched[11].pk, 3)
    check("an order extended: new windows")
    quarantine.end_order(chief, watched[12].pk, status="transferred")
    check("an order ended: its open windows dropped")
    watched_case = cases.open_case(chief, watched[13].person_id, detected_at=now)
    cases.transition(chief, watched_case.pk, "confirm")
    care.transfer_from_order(chief, watched[13].pk, hospital="金银潭医院")
    check("a confirmed person under observation transferred to hospital")
    site = quarantine.add_site(chief, name="集中隔离点", jurisdiction_code=Jurisdiction.objects.filter(
        level=Level.COUNTY).order_by("code").first().code, address="武汉市", rooms=4)
    person, patient = free_people(2)
    quarantine.place_order(chief, person.pk, kind="central", reason="risk_area",
                           room_id=site.rooms.order_by("id").first().pk)
    check("a central quarantine order owned by a county's site")
    case = cases.open_case(chief, patient.pk, detected_at=now - dt.timedelta(hours=3))
    check("a case opened")
    for step in ("transfer", "confirm", "admit"):
        cases.transition(chief, case.pk, step, hospital="金银潭医院" if step == "admit" else "")
        check(f"a case moved: {step}")
    cases.set_severity(chief, case.pk, "critical")
    check("a case's severity")
    for step in ("discharge", "observe", "release"):
        cases.transition(chief, case.pk, step)
        check(f"a case moved: {step}")
    traveller = free_people(1)[0]
    screening.declare(chief, code="110105", level="high", valid_from=timezone.localdate() - dt.timedelta(days=2))
    arrivals.register_arrival(chief, screening.ArrivalInput(
        person=PersonInput(id_number=traveller.id_number, name=traveller.name, grid_code=traveller.grid.code),
        origin_code="110105", mode="train", vehicle="G67", category="resident", arrived_at=now - dt.timedelta(hours=2)))
    check("an arrival from a high-risk area: a home order")
    county = Jurisdiction.objects.filter(level=Level.COUNTY).order_by("code").first()
    post = checkpoints.add_checkpoint(chief, name="火车站", kind="station", jurisdiction_code=county.code)
    entrant = free_people(1)[0]
    entry = checkpoints.record_entry(chief, post.pk, checkpoints.EntryInput(
        subject="person", temperature="36.5", travel_history="北京市朝阳区",
        person=PersonInput(id_number=entrant.id_number, name=entrant.name, grid_code=entrant.grid.code)))
    check("a checkpoint entry handed over")
    if getattr(entry, "handover", None):
        checkpoints.confirm_arrival(chief, entry.handover.pk)
        check("a handover confirmed")
    slots = list(ReadingSlot.objects.filter(status="due").order_by("id")[:30])
    other_grid = Jurisdiction.objects.filter(level=Level.GRID).order_by("-code").first()
    for slot in slots:
        slot.status, slot.owner_path = "done", other_grid.path
    bulk.update(slots, ["status", "owner_path"])
    check("windows moved to another grid by bulk.update")
    ReadingSlot.objects.filter(id__in=[s.pk for s in slots[:10]]).update(status="missed")
    check("a conditional update")
    Order.objects.filter(pk=watched[20].pk).delete()  # cascades to its windows and alerts
    check("an order deleted with its windows and alerts")


def test_a_recount_finds_a_counter_changed_behind_the_triggers_back(city):
    root, _ = city
    place_under_observation(10, random.Random(4))
    counter = DailyCount.objects.filter(figure="home_observation").order_by("id").first()
    DailyCount.objects.filter(pk=counter.pk).update(n=counter.n + 5)
    assert rollup.differences() == {(counter.owner_path, "home_observation", rollup.STANDING): (counter.n + 5,
                                                                                                 counter.n)}
    rollup.install()  # what the migration runs: triggers recreated, counters refilled from the rows
    assert rollup.differences() == {}
    assert summary(root).totals["home_observation"] == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_in_one_grid_add_up():
    root = seed_city(2_000, seed=22)
    chief = User.objects.create(username="chief", role=Role.COMMAND, jurisdiction=root)
    grid = Jurisdiction.objects.filter(level=Level.GRID).order_by("code").first()
    people = list(Person.objects.filter(grid=grid).order_by("id")[:40])
    starts = {p.pk: timezone.now() - dt.timedelta(hours=1) for p in people}
    with transaction.atomic():
        quarantine.place_home_orders(chief, starts, reason="close_contact")
    barrier = threading.Barrier(2)
    failures = []

    def write(share: list[Person], temperature: str) -> None:
        try:
            barrier.wait()
            for person in share:
                quarantine.record_reading(chief, person.pk, temperature=Decimal(temperature))
            for order in Order.objects.filter(person__in=share[:5], status="active"):
                quarantine.end_order(chief, order.pk, status="transferred")
        except Exception as error:  # reported below, with the thread's name
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(people[:20], "38.5")),
               threading.Thread(target=write, args=(people[20:], "36.6"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert rollup.differences() == {}
    figures = summary(root).totals
    assert figures["home_observation"] == 30 and figures["fever_alerts"] == 20


def test_the_rollup_command_checks_prunes_and_rebuilds(city):
    from io import StringIO

    from django.core.management import CommandError, call_command

    place_under_observation(12, random.Random(5))
    out = StringIO()
    call_command("rollup", stdout=out)
    assert "equals a recount" in out.getvalue()
    order = Order.objects.order_by("id").first()
    Order.objects.filter(pk=order.pk).delete()  # its owner's counters drop, some to zero
    call_command("rollup", "--prune", stdout=out)
    assert not DailyCount.objects.filter(n=0).exists()
    DailyCount.objects.filter(figure="readings_due").order_by("id")[:1].get().delete()
    with pytest.raises(CommandError, match="differs from the rows in 1 counters"):
        call_command("rollup", stdout=StringIO())
    call_command("rollup", "--rebuild", stdout=out)
    assert rollup.differences() == {}
