"""Goods and environment: a batch held until tested and disinfected, never released without a certificate; a positive
batch sealed and traced to every store it reached, then returned or destroyed with the record; workers at high-risk
posts and their overdue tests; records purged only after their retention."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import Forbidden
from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import bearer, make_user
from fangkong.errors import InputRefused
from fangkong.goods import services
from fangkong.goods.models import Batch, Sample, WorkerTest


@pytest.fixture(autouse=True)
def english():
    """The messages below are read in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield

TODAY = dt.date.today()


@pytest.fixture
def officer(tree):
    return make_user("logistics", Role.LOGISTICS, tree["city"])


@pytest.fixture
def stores(commander, tree):
    port = services.add_site(commander, name="阳逻港", kind="port", jurisdiction_code=tree["county_a"].code)
    cold = services.add_site(commander, name="江岸冷库", kind="cold_store", jurisdiction_code=tree["county_a"].code)
    market = services.add_site(commander, name="白沙洲市场", kind="market", jurisdiction_code=tree["county_b"].code)
    return port, cold, market


def batch_input(**changes):
    values = dict(number="CN-2026-0001", goods="冷冻牛肉", origin_country="巴西", port_of_entry="天津港",
                  importer="江岸进出口公司", quantity="1200", unit="kg", received_on=timezone.localdate())
    return services.BatchInput(**{**values, **changes})


def fields(refused):
    return {p.field for p in refused.value.problems}


def test_a_batch_without_a_certificate_cannot_be_released(officer, stores):
    _port, cold, _market = stores
    batch = services.receive_batch(officer, cold.pk, batch_input())
    sample = services.take_sample(officer, batch.pk, kind="packaging", taken_on=timezone.localdate())
    services.record_result(officer, sample.pk, result="negative", result_on=timezone.localdate())
    with pytest.raises(InputRefused) as refused:
        services.release(officer, batch.pk)
    assert fields(refused) == {"certificate"}
    services.disinfect(officer, batch.pk, done_on=timezone.localdate(), agent="过氧乙酸", certificate="XD-001")
    assert services.release(officer, batch.pk).status == "released"


def test_a_batch_is_not_released_before_its_test_is_back(officer, stores):
    _port, cold, _market = stores
    batch = services.receive_batch(officer, cold.pk, batch_input())
    services.disinfect(officer, batch.pk, done_on=timezone.localdate(), agent="过氧乙酸", certificate="XD-001")
    services.take_sample(officer, batch.pk, kind="goods", taken_on=timezone.localdate())
    with pytest.raises(InputRefused) as refused:
        services.release(officer, batch.pk)
    assert fields(refused) == {"result"}


def test_a_positive_batch_is_sealed_traced_and_destroyed_with_the_record(officer, stores, commander):
    _port, cold, market = stores
    batch = services.receive_batch(officer, cold.pk, batch_input())
    first = services.take_sample(officer, batch.pk, kind="goods", taken_on=timezone.localdate())
    services.record_result(officer, first.pk, result="negative", result_on=timezone.localdate())
    services.disinfect(officer, batch.pk, done_on=timezone.localdate(), agent="过氧乙酸", certificate="XD-001")
    services.release(officer, batch.pk)
    services.send_on(commander, batch.pk, to_site_id=market.pk, quantity="300", moved_on=timezone.localdate())
    with pytest.raises(InputRefused) as refused:
        services.send_on(commander, batch.pk, to_site_id=market.pk, quantity="901", moved_on=timezone.localdate())
    assert fields(refused) == {"quantity"}
    later = services.take_sample(officer, batch.pk, kind="environment", taken_on=timezone.localdate())
    services.record_result(officer, later.pk, result="positive", result_on=timezone.localdate())
    batch.refresh_from_db()
    assert batch.status == "sealed"
    stops = [(s.site.name, s.quantity) for s in services.trace(commander, batch.pk)]
    assert stops == [("江岸冷库", 1200), ("白沙洲市场", 300)]
    with pytest.raises(InputRefused) as refused:
        services.dispose(officer, batch.pk, step="destroy", record=" ")
    assert fields(refused) == {"disposal_record"}
    done = services.dispose(officer, batch.pk, step="destroy", record="销毁记录 2026-118")
    assert (done.status, done.disposal_record) == ("destroyed", "销毁记录 2026-118") and done.closed_at
    steps = list(AuditEvent.objects.filter(action=Action.GOODS_CHANGE, details__step__in=["seal", "destroy"])
                 .values_list("details__step", flat=True))
    assert sorted(steps) == ["destroy", "seal"]
    with pytest.raises(InputRefused):
        services.release(officer, batch.pk)


@pytest.mark.parametrize("changes, field", [
    ({"quantity": "-3"}, "quantity"), ({"quantity": "many"}, "quantity"), ({"importer": ""}, "importer"),
    ({"received_on": TODAY + dt.timedelta(days=2)}, "received_on"), ({"received_on": None}, "received_on"),
])
def test_bad_batch_input_is_refused_naming_the_field(officer, stores, changes, field):
    with pytest.raises(InputRefused) as refused:
        services.receive_batch(officer, stores[1].pk, batch_input(**changes))
    assert fields(refused) == {field}
    assert not Batch.objects.exists()


def test_only_the_roles_of_the_table_write_goods(grid_worker, stores):
    with pytest.raises(Forbidden):
        services.receive_batch(grid_worker, stores[1].pk, batch_input())


def test_overdue_workers_rise_and_a_test_clears_them(commander, stores, person, settings):
    settings.GOODS_WORKER_TEST_DAYS = 2
    port, _cold, market = stores
    with pytest.raises(InputRefused) as refused:
        services.register_worker(commander, market.pk, person_id=person.pk, post="理货")
    assert fields(refused) == {"site_id"}
    worker = services.register_worker(commander, port.pk, person_id=person.pk, post="装卸", travel_14d="无")
    assert list(services.overdue_workers(commander)) == [worker]  # never tested
    services.record_worker_test(commander, worker.pk, tested_on=timezone.localdate() - dt.timedelta(days=3),
                                result="negative")
    assert list(services.overdue_workers(commander)) == [worker]
    services.record_worker_test(commander, worker.pk, tested_on=timezone.localdate(), result="negative")
    assert not services.overdue_workers(commander).exists()
    assert services.overdue_workers(commander, timezone.localdate() + dt.timedelta(days=3)).count() == 1
    total, _children = services.summary(commander, "420100")
    assert total["overdue_workers"] == 0


def test_records_are_purged_only_after_their_retention(officer, stores, settings):
    settings.GOODS_RETENTION_DAYS = 731
    cold = stores[1]
    old = services.receive_batch(officer, cold.pk, batch_input(number="OLD-1"))
    services.disinfect(officer, old.pk, done_on=old.received_on, agent="过氧乙酸", certificate="XD-9")
    sample = services.take_sample(officer, old.pk, kind="goods", taken_on=timezone.localdate())
    services.record_result(officer, sample.pk, result="negative", result_on=timezone.localdate())
    services.release(officer, old.pk)
    recent = services.receive_batch(officer, cold.pk, batch_input(number="NEW-1"))
    Batch.objects.filter(pk=old.pk).update(received_on=timezone.localdate() - dt.timedelta(days=800))
    call_command("purge_goods")
    assert list(Batch.objects.values_list("number", flat=True)) == [recent.number]
    assert not Sample.objects.filter(batch_id=old.pk).exists()
    purge = AuditEvent.objects.get(action=Action.PURGE)
    assert purge.details["batches"] == 1 and purge.details["samples"] == 1
    assert services.purge() == {"samples": 0, "disinfections": 0, "movements": 0, "batches": 0, "worker_tests": 0}
    assert not WorkerTest.objects.exists()


def test_the_api_refuses_a_release_without_a_certificate(client, officer, stores):
    answer = bearer(client, officer).post(f"/api/v1/goods/sites/{stores[1].pk}/batches", {
        "number": "API-1", "goods": "冻虾", "origin_country": "厄瓜多尔", "port_of_entry": "上海港",
        "importer": "某公司", "quantity": "50.5", "unit": "箱", "received_on": timezone.localdate().isoformat()},
        content_type="application/json")
    assert answer.status_code == 201, answer.content
    released = client.post(f"/api/v1/goods/batches/{answer.json()['id']}/release")
    assert released.status_code == 400
    assert {e["field"] for e in released.json()["errors"]} == {"certificate", "result"}
