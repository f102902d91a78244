"""Checkpoint entries and the point-to-point handover: a loop that closes, and one that does not."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.accounts.services import create_token
from fangkong.checkpoints import services
from fangkong.checkpoints.models import Entry, Handover
from fangkong.conftest import VALID_ID, make_user
from fangkong.dashboard.services import summary
from fangkong.errors import InputRefused
from fangkong.people.services import PersonInput
from fangkong.reporting.services import figures_for


@pytest.fixture
def post(commander, tree):
    checkpoint = services.add_checkpoint(commander, name="汉口站", kind="station", jurisdiction_code="420102")
    staff = make_user("post-staff", Role.CHECKPOINT, tree["city"])
    checkpoint.staff.add(staff)
    return checkpoint, staff


def traveller(tree, **changes):
    values = {"subject": "person", "temperature": "36.6",
              "person": PersonInput(id_number=VALID_ID, name="张三", grid_code=tree["grid_a1"].code),
              "travel_history": "北京市朝阳区"}
    return services.EntryInput(**{**values, **changes})


def test_a_handover_the_grid_confirms_closes_the_loop(post, tree, grid_worker):
    checkpoint, staff = post
    entry = services.record_entry(staff, checkpoint.pk, traveller(tree), idempotency_key="scan-1")
    assert services.record_entry(staff, checkpoint.pk, traveller(tree), idempotency_key="scan-1").pk == entry.pk
    handover = entry.handover
    assert handover.grid == tree["grid_a1"] and handover.status == "pending"
    assert 3.9 < (handover.due_at - entry.entered_at).total_seconds() / 3600 < 4.1
    confirmed = services.confirm_arrival(grid_worker, handover.pk, note="已见到本人")
    assert confirmed.status == "confirmed" and confirmed.confirmed_by == grid_worker
    assert services.sweep_handovers(timezone.now() + dt.timedelta(days=1)) == 0


def test_a_handover_left_unconfirmed_raises_an_alert_once(post, tree, grid_worker):
    checkpoint, staff = post
    handover = services.record_entry(staff, checkpoint.pk, traveller(tree)).handover
    later = timezone.now() + dt.timedelta(hours=5)
    assert services.sweep_handovers(later) == 1 and services.sweep_handovers(later) == 0
    overdue = Handover.objects.get(pk=handover.pk)
    assert overdue.status == "overdue" and overdue.alerted_at is not None
    assert services.confirm_arrival(grid_worker, handover.pk).status == "confirmed"  # late, but closed


def test_only_the_destination_grid_confirms(post, tree, sibling_worker, outsider):
    checkpoint, staff = post
    handover = services.record_entry(staff, checkpoint.pk, traveller(tree)).handover
    for stranger in (sibling_worker, outsider):
        with pytest.raises(Http404):
            services.confirm_arrival(stranger, handover.pk)


def test_a_fever_is_flagged_and_vehicles_and_vessels_are_recorded(post):
    checkpoint, staff = post
    hot = services.record_entry(staff, checkpoint.pk, services.EntryInput(
        subject="person", temperature="38.2", person=PersonInput(id_number=VALID_ID, name="张三"),
        destination="湖南省长沙市"))
    assert hot.fever and hot.destination == "湖南省长沙市" and not Handover.objects.exists()
    # Passing through: no record of ours; the ID is kept encrypted, as a person's is.
    assert hot.person is None and hot.traveller_name == "张三"
    assert VALID_ID.encode() not in bytes(hot.traveller_id_cipher)
    car = services.record_entry(staff, checkpoint.pk, services.EntryInput(subject="vehicle", plate="鄂a 12345"))
    assert car.plate == "鄂A12345"
    ship = services.record_entry(staff, checkpoint.pk, services.EntryInput(subject="vessel", plate="鄂汉渡 3"))
    assert ship.subject == "vessel" and Entry.objects.count() == 3


@pytest.mark.parametrize("changes, field", [
    ({"temperature": "45.5"}, "temperature"),
    ({"temperature": ""}, "temperature"),
    ({"temperature": "hot"}, "temperature"),
    ({"subject": "vehicle", "plate": "12345"}, "plate"),
    ({"subject": "bicycle"}, "subject"),
    ({"person": PersonInput(id_number=VALID_ID, name="张三")}, "destination"),
    ({"person": PersonInput(id_number="420102199003071233", name="张三")}, "id_number"),
])
def test_bad_entries_are_refused_naming_the_field(post, tree, changes, field):
    checkpoint, staff = post
    with pytest.raises(InputRefused) as refused:
        services.record_entry(staff, checkpoint.pk, traveller(tree, **changes))
    assert field in [p.field for p in refused.value.problems]
    assert not Entry.objects.exists()


def test_staff_of_another_checkpoint_cannot_record_here(post, commander, tree):
    checkpoint, _ = post
    stranger = make_user("other-post", Role.CHECKPOINT, tree["city"])
    with pytest.raises(InputRefused) as refused:
        services.record_entry(stranger, checkpoint.pk, traveller(tree))
    assert refused.value.problems[0].field == "checkpoint"


def test_the_api_records_once_per_key_and_the_grid_confirms(client, post, tree, grid_worker):
    checkpoint, staff = post
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(staff.username)}"
    body = {"subject": "person", "temperature": "36.5",
            "person": {"id_number": VALID_ID, "name": "张三", "grid_code": tree["grid_a1"].code}}
    first = client.post(f"/api/v1/checkpoints/{checkpoint.pk}/entries", body, content_type="application/json",
                        headers={"Idempotency-Key": "scan-9"})
    client.post(f"/api/v1/checkpoints/{checkpoint.pk}/entries", body, content_type="application/json",
                headers={"Idempotency-Key": "scan-9"})
    assert first.status_code == 201 and first.json()["handover"]["status"] == "pending" and Entry.objects.count() == 1
    bad = client.post(f"/api/v1/checkpoints/{checkpoint.pk}/entries", {**body, "temperature": "50"},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "temperature"
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(grid_worker.username)}"
    done = client.post(f"/api/v1/handovers/{first.json()['handover']['id']}/confirm", {"note": "ok"},
                       content_type="application/json")
    assert done.json()["status"] == "confirmed"


def test_an_unconfirmed_handover_counts_on_the_dashboard_and_in_the_zero_report(post, tree):
    checkpoint, staff = post
    handover = services.record_entry(staff, checkpoint.pk, traveller(tree)).handover
    assert figures_for(tree["grid_a1"], timezone.localdate())["handovers_pending"] == 1
    Handover.objects.filter(pk=handover.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    assert summary(tree["city"]).totals["overdue_handovers"] == 1
