"""A registration from beyond a person's subtree never moves, changes or shows them (Trust II, item 1 and 3).

Each attack is sent by someone who knows an ID number held by another district; the owner must still see
the person as they were, and the attacker's answer must hold nothing they did not type."""

import datetime as dt

import pytest
from django.db import transaction

from fangkong.accounts.models import Role
from fangkong.conftest import VALID_ID, bearer, make_user
from fangkong.people.models import Person, Registration
from fangkong.people.services import PersonInput, create_person
from fangkong.screening.models import Arrival, AssistRequest

ATTACKER_PHONE = "13900000000"


@pytest.fixture
def attacker_grid(tree):
    """A grid worker of the other district (B), where the person is not."""
    return make_user("attacker", Role.GRID, tree["grid_b1"])


def as_the_owner_sees(client, owner, person) -> dict:
    return bearer(client, owner).get(f"/api/v1/persons/{person.pk}").json()


def registration(grid, **fields) -> dict:
    return {"id_number": VALID_ID, "name": "王五", "phone": ATTACKER_PHONE, "grid_code": grid.code, **fields}


def assert_untouched_and_asked(client, grid_worker, person, before):
    assert as_the_owner_sees(client, grid_worker, person) == before
    stored = Person.objects.get(pk=person.pk)
    assert (stored.grid_id, stored.phone, stored.name) == (person.grid_id, "13812345678", "张三")
    asked = AssistRequest.objects.get(person=person)  # the owner decides
    assert asked.unit == person.grid and asked.status == "open"
    assert bearer(client, grid_worker).get("/api/v1/assist-requests").json()["count"] == 1


def test_a_grid_registration_does_not_move_the_person_out_of_their_grid(client, person, grid_worker, attacker_grid,
                                                                         tree):
    before = as_the_owner_sees(client, grid_worker, person)
    response = bearer(client, attacker_grid).post("/api/v1/persons/registrations", registration(
        tree["grid_b1"], source="grid", source_ref="visit-1"), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["person"] == {"name": "王五", "id_type": "ric", "nationality": "CHN", "id_number": "420***********1232",
                              "phone": ATTACKER_PHONE, "grid_code": tree["grid_b1"].code, "household_code": None}
    assert set(body) == {"source", "source_ref", "created", "person"}  # no record id, nothing stored
    assert_untouched_and_asked(client, grid_worker, person, before)
    assert Registration.objects.get(source_ref="visit-1").details == {"unit": tree["grid_b1"].code}
    assert bearer(client, attacker_grid).get("/api/v1/persons/", {"q": "王五"}).json()["count"] == 0


def test_a_public_user_elsewhere_does_not_overwrite_the_phone(client, person, grid_worker, tree):
    public = make_user("public-b", Role.PUBLIC, tree["grid_b1"])
    before = as_the_owner_sees(client, grid_worker, person)
    response = bearer(client, public).post("/api/v1/persons/registrations", registration(
        tree["grid_b1"], source="api", source_ref="app-7"), content_type="application/json")
    assert response.status_code == 403 and "13812345678" not in response.content.decode()  # the public writes nothing
    assert [e["field"] for e in response.json()["errors"]] == ["role"]
    assert as_the_owner_sees(client, grid_worker, person) == before
    assert not Registration.objects.filter(source_ref="app-7").exists()


def test_an_arrival_elsewhere_stays_with_the_unit_that_entered_it(client, person, grid_worker, attacker_grid, tree):
    before = as_the_owner_sees(client, grid_worker, person)
    arrived = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    bearer(client, make_user("cmd", Role.COMMAND, tree["city"])).post("/api/v1/risk-areas", {
        "code": "110105", "level": "high", "valid_from": "2020-01-01"}, content_type="application/json")
    response = bearer(client, attacker_grid).post("/api/v1/arrivals", registration(
        tree["grid_b1"], origin_code="110105", arrived_at=arrived, mode="car", vehicle="京A12345", category="visitor"),
        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["person_id"], body["person_name"], body["grid"]) == (None, "王五", tree["grid_b1"].code)
    assert body["follow_up"] == "observation" and body["follow_up_done_at"] is None  # theirs to follow up
    assert_untouched_and_asked(client, grid_worker, person, before)
    arrival = Arrival.objects.get()
    assert arrival.owner_path == tree["grid_b1"].path and not person.quarantine_orders.exists()
    assert bearer(client, grid_worker).get("/api/v1/arrivals").json()["count"] == 0
    [listed] = bearer(client, attacker_grid).get("/api/v1/arrivals").json()["items"]
    assert (listed["person_id"], listed["person_name"]) == (None, "王五")


def test_an_outsider_gets_the_same_answer_whether_or_not_the_id_is_known(client, tree, grid_worker, attacker_grid):
    """Item 3: no 409, no record, nothing of the owner's: the same status and body either way."""
    api = bearer(client, attacker_grid)
    payload = registration(tree["grid_b1"], source="checkpoint", source_ref="cp-1")

    def answer():
        with transaction.atomic():
            response = api.post("/api/v1/persons/registrations", payload, content_type="application/json")
            transaction.set_rollback(True)
        return response.status_code, response.json()

    unknown = answer()
    create_person(grid_worker, PersonInput(id_number=VALID_ID, name="张三", phone="13812345678",
                                           grid_code=grid_worker.jurisdiction.code))
    assert answer() == unknown and unknown[0] == 201


def test_adding_an_id_held_elsewhere_is_not_a_conflict_and_shows_nothing(client, person, grid_worker, attacker_grid,
                                                                        tree):
    before = as_the_owner_sees(client, grid_worker, person)
    response = bearer(client, attacker_grid).post("/api/v1/persons/", registration(tree["grid_b1"]),
                                                  content_type="application/json")
    assert response.status_code == 202 and response.json()["person"]["name"] == "王五"
    assert "张三" not in response.content.decode() and "13812345678" not in response.content.decode()
    assert_untouched_and_asked(client, grid_worker, person, before)
    inside = bearer(client, grid_worker).post("/api/v1/persons/", registration(grid_worker.jurisdiction),
                                              content_type="application/json")
    assert inside.status_code == 409  # the caller can see the record anyway: nothing to hide from them


def test_a_checkpoint_elsewhere_hands_over_nothing_of_the_owners(client, person, grid_worker, commander, tree):
    from fangkong.checkpoints import services as checkpoints

    checkpoint = checkpoints.add_checkpoint(commander, name="汉口北站", kind="station", jurisdiction_code="420103")
    staff = make_user("b-staff", Role.CHECKPOINT, tree["county_b"])
    checkpoint.staff.add(staff)
    before = as_the_owner_sees(client, grid_worker, person)
    response = bearer(client, staff).post(f"/api/v1/checkpoints/{checkpoint.pk}/entries", {
        "subject": "person", "temperature": "36.6", "person": registration(tree["grid_b1"])},
        content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["handover"] is None
    assert_untouched_and_asked(client, grid_worker, person, before)
    entry = checkpoint.entries.get()
    assert entry.person is None and entry.traveller_name == "王五"  # the traveller as entered
