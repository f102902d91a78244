"""The arrival register: an arrival from a risk area gets its grid's follow-up with a deadline; repeats count once."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.accounts.services import create_token
from fangkong.conftest import VALID_ID, login_client
from fangkong.dashboard.services import summary
from fangkong.errors import InputRefused
from fangkong.pathways import arrivals as arrival_journey
from fangkong.people.services import PersonInput
from fangkong.quarantine.models import Order
from fangkong.screening import services
from fangkong.screening.models import Arrival


def arrival(grid_worker, **changes):
    values = {"person": PersonInput(id_number=VALID_ID, name="张三", phone="13812345678",
                                    grid_code=grid_worker.jurisdiction.code),
              "origin_code": "110105", "arrived_at": timezone.now() - dt.timedelta(hours=1),
              "mode": "train", "vehicle": "G1234", "category": "worker", **changes}
    return services.ArrivalInput(**values)


def test_from_a_high_risk_area_the_person_is_put_under_home_observation(grid_worker, commander):
    services.declare(commander, code="110105", level="high", valid_from=timezone.localdate() - dt.timedelta(days=3))
    registered, created = arrival_journey.register_arrival(grid_worker, arrival(grid_worker))
    assert created and registered.origin_name == "朝阳区" and registered.origin_risk == "high"
    assert registered.follow_up == "observation" and registered.order.reason == "risk_area"
    assert Order.objects.get(person=registered.person, status="active").owner_path == grid_worker.jurisdiction.path
    assert registered.follow_up_done_at is not None


def test_from_a_medium_risk_area_a_test_is_due_and_rises_when_overdue(grid_worker, commander):
    # From yesterday: the arrival an hour ago may fall on yesterday's local date just after midnight.
    services.declare(commander, code="110105", level="medium", valid_from=timezone.localdate() - dt.timedelta(days=1))
    registered, _ = arrival_journey.register_arrival(grid_worker, arrival(grid_worker))
    assert registered.follow_up == "test" and registered.follow_up_done_at is None
    assert 23.9 < (registered.follow_up_due - registered.entered_at).total_seconds() / 3600 < 24.1
    Arrival.objects.filter(pk=registered.pk).update(follow_up_due=timezone.now() - dt.timedelta(minutes=1))
    assert list(services.overdue_follow_ups(grid_worker)) == [Arrival.objects.get(pk=registered.pk)]
    assert summary(grid_worker.jurisdiction.parent).totals["overdue_follow_ups"] == 1
    services.complete_follow_up(grid_worker, registered.pk)
    assert not services.overdue_follow_ups(grid_worker).exists()


def test_from_anywhere_else_nothing_is_due_and_the_same_key_counts_once(grid_worker):
    sent = arrival(grid_worker)
    first, created = arrival_journey.register_arrival(grid_worker, sent, idempotency_key="k-1")
    again, created_again = arrival_journey.register_arrival(grid_worker, sent, idempotency_key="k-1")
    assert (created, created_again, first.pk == again.pk) == (True, False, True)
    assert first.follow_up == "none" and Arrival.objects.count() == 1


@pytest.mark.parametrize("changes, field", [
    ({"origin_code": "99"}, "origin_code"),
    ({"mode": "horse"}, "mode"),
    ({"vehicle": "不是车次"}, "vehicle"),
    ({"mode": "car", "vehicle": "12345"}, "vehicle"),
    ({"category": "tourist"}, "category"),
    ({"arrived_at": timezone.now() + dt.timedelta(days=1)}, "arrived_at"),
    ({"person": PersonInput(id_number="420102199003071233", name="张三")}, "id_number"),
])
def test_bad_entries_are_refused_naming_the_field_and_nothing_is_written(grid_worker, changes, field):
    with pytest.raises(InputRefused) as refused:
        arrival_journey.register_arrival(grid_worker, arrival(grid_worker, **changes))
    assert field in [p.field for p in refused.value.problems]
    assert not Arrival.objects.exists()


def test_a_plate_and_a_flight_are_accepted_in_their_shapes(grid_worker):
    car, _ = arrival_journey.register_arrival(grid_worker, arrival(grid_worker, mode="car", vehicle="鄂a·12345"))
    assert car.vehicle == "鄂A·12345"


def test_the_neighbouring_grid_does_not_see_the_arrival(grid_worker, sibling_worker):
    arrival_journey.register_arrival(grid_worker, arrival(grid_worker))
    assert services.arrivals_for(grid_worker).count() == 1 and not services.arrivals_for(sibling_worker).exists()


def test_the_api_registers_once_per_key_and_names_bad_fields(client, grid_worker):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(grid_worker.username)}"
    body = {"id_number": VALID_ID, "name": "张三", "grid_code": grid_worker.jurisdiction.code,
            "origin_code": "110105", "arrived_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
            "mode": "flight", "vehicle": "CA1234", "category": "student"}
    first = client.post("/api/v1/arrivals", body, content_type="application/json", headers={"Idempotency-Key": "a"})
    again = client.post("/api/v1/arrivals", body, content_type="application/json", headers={"Idempotency-Key": "a"})
    assert (first.status_code, again.status_code) == (201, 200) and Arrival.objects.count() == 1
    bad = client.post("/api/v1/arrivals", {**body, "mode": "horse"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "mode"
    listed = client.get("/api/v1/arrivals").json()
    assert listed["count"] == 1 and listed["items"][0]["origin_name"] == "朝阳区"


def test_a_grid_worker_registers_from_the_page_and_a_double_submit_counts_once(client, grid_worker, commander):
    services.declare(commander, code="110105", level="high", valid_from=timezone.localdate() - dt.timedelta(days=1))
    login_client(client, grid_worker)
    form = {"key": "form-1", "name": "张三", "id_number": VALID_ID, "grid_code": grid_worker.jurisdiction.code,
            "origin_code": "110105", "arrived_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "mode": "train", "vehicle": "G1234", "category": "student"}
    client.post("/arrivals/register/", form)
    client.post("/arrivals/register/", form)
    assert Arrival.objects.count() == 1 and Order.objects.filter(reason="risk_area").count() == 1
    page = client.get("/arrivals/").content.decode()
    assert "朝阳区" in page and "G1234" in page
    bad = client.post("/arrivals/register/", {**form, "key": "form-2", "vehicle": "马"}, follow=True).content.decode()
    assert "vehicle" in bad or "车次" in bad


def test_arrivals_registered_before_fingerprints_get_theirs_and_then_count_once(grid_worker):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("fangkong.screening.migrations.0003_fingerprint_earlier_arrivals")
    first, _ = arrival_journey.register_arrival(grid_worker, arrival(grid_worker))
    copy = Arrival.objects.get(pk=first.pk)
    copy.pk, copy.idempotency_key, copy.fingerprint = None, None, None
    copy.save()  # the same arrival typed twice before this release
    Arrival.objects.update(fingerprint=None)
    migration.fingerprint_earlier_arrivals(apps, None)
    assert list(Arrival.objects.order_by("id").values_list("fingerprint", flat=True)) == [first.fingerprint, None]
    again, created = arrival_journey.register_arrival(grid_worker, arrival(grid_worker, arrived_at=first.arrived_at))
    assert (created, again.pk) == (False, first.pk)

