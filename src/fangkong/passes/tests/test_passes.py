"""Green-channel passes: issued with a number from the issuer's code, checked at a checkpoint for this vehicle, route,
day and driver, refused at once when revoked; every bad input refused naming its field."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import Forbidden
from fangkong.audit.models import Action, AuditEvent
from fangkong.checkpoints import services as checkpoints
from fangkong.conftest import bearer, make_user
from fangkong.errors import InputRefused
from fangkong.passes import services
from fangkong.passes.models import Pass, PassCheck


@pytest.fixture(autouse=True)
def english():
    """The messages below are read in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def officer(tree):
    return make_user("logistics", Role.LOGISTICS, tree["city"])


@pytest.fixture
def post(commander, tree):
    """A highway exit in district A (420102) and its staff."""
    checkpoint = checkpoints.add_checkpoint(commander, name="江岸高速出口", kind="highway_exit",
                                            jurisdiction_code=tree["county_a"].code)
    staff = make_user("exit-staff", Role.CHECKPOINT, tree["city"])
    checkpoint.staff.add(staff)
    return checkpoint, staff


def pass_input(**changes):
    today = timezone.localdate()
    values = dict(jurisdiction_code="420100", plate="鄂A12345", use="medical", cargo="防护服", carrier="九州通物流",
                  driver_name="王师傅", route_from="420102", route_to="110000", route_via=("410100",),
                  valid_from=today, valid_to=today + dt.timedelta(days=6))
    return services.PassInput(**{**values, **changes})


def check(number, **changes):
    values = dict(number=number, plate="鄂A12345", health_code="green",
                  tested_at=timezone.now() - dt.timedelta(hours=20))
    return services.CheckInput(**{**values, **changes})


def problems(refused):
    return {p.field for p in refused.value.problems}


def test_the_number_is_the_issuers_code_and_the_next_serial(officer):
    first = services.issue_pass(officer, pass_input())
    second = services.issue_pass(officer, pass_input(plate="鄂A54321"))
    assert (first.number, second.number) == ("420100000001", "420100000002")
    assert first.route == ["420102", "410100", "110000"]
    assert AuditEvent.objects.filter(action=Action.PASS_CHANGE, details__step="issue").count() == 2


def test_a_resubmitted_issue_counts_once(officer):
    first = services.issue_pass(officer, pass_input(), idempotency_key="tap-1")
    again = services.issue_pass(officer, pass_input(), idempotency_key="tap-1")
    assert first.pk == again.pk and Pass.objects.count() == 1


def test_a_valid_pass_lets_the_vehicle_through(officer, post):
    checkpoint, staff = post
    issued = services.issue_pass(officer, pass_input())
    result = services.check_pass(staff, checkpoint.pk, check(issued.number))
    assert result.valid and result.reasons == [] and result.pass_record == issued


def test_a_revoked_pass_is_refused_at_the_next_check(officer, post):
    checkpoint, staff = post
    issued = services.issue_pass(officer, pass_input())
    assert services.check_pass(staff, checkpoint.pk, check(issued.number)).valid
    services.revoke_pass(officer, issued.pk, reason="车辆转作他用")
    result = services.check_pass(staff, checkpoint.pk, check(issued.number))
    assert not result.valid and any("车辆转作他用" in r for r in result.reasons)


@pytest.mark.parametrize("changes, reason", [
    ({"plate": "鄂B99999"}, "not this one"),
    ({"health_code": "yellow"}, "health code"),
    ({"tested_at": None}, "negative test"),
    ({"tested_at": "50h"}, "negative test"),
])
def test_the_wrong_vehicle_or_a_driver_without_checks_is_stopped(officer, post, changes, reason):
    checkpoint, staff = post
    issued = services.issue_pass(officer, pass_input())
    if changes.get("tested_at") == "50h":
        changes["tested_at"] = timezone.now() - dt.timedelta(hours=50)
    result = services.check_pass(staff, checkpoint.pk, check(issued.number, **changes))
    assert not result.valid and any(reason in r for r in result.reasons), result.reasons


def test_a_checkpoint_off_the_route_refuses_the_pass(officer, post):
    checkpoint, staff = post
    issued = services.issue_pass(officer, pass_input(route_from="420103", route_to="110000", route_via=()))
    result = services.check_pass(staff, checkpoint.pk, check(issued.number))
    assert not result.valid and any("route" in r for r in result.reasons)


def test_a_pass_is_valid_only_on_its_days(officer, post):
    checkpoint, staff = post
    today = timezone.localdate()
    later = services.issue_pass(officer, pass_input(valid_from=today + dt.timedelta(days=2),
                                                    valid_to=today + dt.timedelta(days=3)))
    assert not services.check_pass(staff, checkpoint.pk, check(later.number)).valid


@pytest.mark.parametrize("number, why", [
    ("42010000001", "12 digits"),  # eleven
    ("990100000001", "area code"),  # no such area
    ("420100000000", "serial"),  # serial zero
])
def test_a_number_with_a_wrong_code_or_serial_is_refused(post, number, why):
    checkpoint, staff = post
    with pytest.raises(InputRefused) as refused:
        services.check_pass(staff, checkpoint.pk, check(number))
    assert problems(refused) == {"pass_number"} and why in refused.value.problems[0].message
    assert PassCheck.objects.count() == 0


def test_an_unknown_number_is_recorded_as_refused(post):
    checkpoint, staff = post
    result = services.check_pass(staff, checkpoint.pk, check("420100123456"))
    assert not result.valid and result.pass_record is None


def test_a_validity_that_ends_before_it_starts_is_refused(officer):
    today = timezone.localdate()
    with pytest.raises(InputRefused) as refused:
        services.issue_pass(officer, pass_input(valid_from=today + dt.timedelta(days=3), valid_to=today))
    assert problems(refused) == {"valid_to"}
    assert Pass.objects.count() == 0


def test_every_bad_field_is_named_at_once(officer, settings):
    settings.PASS_MAX_DAYS = 7
    today = timezone.localdate()
    with pytest.raises(InputRefused) as refused:
        services.issue_pass(officer, pass_input(plate="ABC", use="tourism", carrier=" ", route_from="123",
                                                route_to="999999", valid_to=today + dt.timedelta(days=7)))
    assert problems(refused) == {"plate", "use", "carrier", "route_from", "route_to", "valid_to"}


def test_only_the_roles_of_the_table_issue_and_check(grid_worker, post, officer):
    checkpoint, _staff = post
    with pytest.raises(Forbidden):
        services.issue_pass(grid_worker, pass_input(jurisdiction_code=grid_worker.jurisdiction.code))
    with pytest.raises(Forbidden):
        services.check_pass(officer, checkpoint.pk, check("420100000001"))


def test_staff_of_another_checkpoint_cannot_check_here(officer, post, tree):
    checkpoint, _staff = post
    other = make_user("other-staff", Role.CHECKPOINT, tree["city"])
    issued = services.issue_pass(officer, pass_input())
    with pytest.raises(InputRefused) as refused:
        services.check_pass(other, checkpoint.pk, check(issued.number))
    assert problems(refused) == {"checkpoint"}


def test_the_api_checks_and_revokes(client, officer, post):
    checkpoint, staff = post
    today = timezone.localdate()
    issued = bearer(client, officer).post("/api/v1/passes", {
        "jurisdiction_code": "420100", "plate": "鄂A12345", "use": "supply", "carrier": "中百物流",
        "driver_name": "李师傅", "route_from": "420100", "route_to": "420100", "valid_from": today.isoformat(),
        "valid_to": (today + dt.timedelta(days=2)).isoformat()}, content_type="application/json")
    assert issued.status_code == 400 and issued.json()["errors"][0]["field"] == "route_to"
    issued = client.post("/api/v1/passes", {
        "jurisdiction_code": "420100", "plate": "鄂A12345", "use": "supply", "carrier": "中百物流",
        "driver_name": "李师傅", "route_from": "420100", "route_to": "110000", "valid_from": today.isoformat(),
        "valid_to": (today + dt.timedelta(days=2)).isoformat()}, content_type="application/json")
    assert issued.status_code == 201, issued.content
    number = issued.json()["number"]
    body = {"pass_number": number, "plate": "鄂A12345", "health_code": "green",
            "tested_at": (timezone.now() - dt.timedelta(hours=3)).isoformat()}
    checked = bearer(client, staff).post(f"/api/v1/checkpoints/{checkpoint.pk}/pass-checks", body,
                                         content_type="application/json")
    assert checked.status_code == 201 and checked.json()["valid"] is True
    revoked = bearer(client, officer).post(f"/api/v1/passes/{issued.json()['id']}/revoke", {"reason": "驾驶员更换"},
                                           content_type="application/json")
    assert revoked.json()["status"] == "revoked"
    checked = bearer(client, staff).post(f"/api/v1/checkpoints/{checkpoint.pk}/pass-checks", body,
                                         content_type="application/json")
    assert checked.json()["valid"] is False


def test_the_printable_pass_carries_a_qr_code_of_its_number(client, officer):
    issued = services.issue_pass(officer, pass_input())
    client.force_login(officer)
    page = client.get(f"/passes/{issued.pk}/")
    assert page.status_code == 200 and issued.number in page.content.decode()
    svg = client.get(f"/passes/{issued.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
