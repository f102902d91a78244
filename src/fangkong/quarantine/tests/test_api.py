import pytest
from stdnum.cn import ric

from fangkong.accounts.services import create_token
from fangkong.people.services import PersonInput, create_person
from fangkong.quarantine.models import Alert, Reading


@pytest.fixture
def api(client, grid_worker):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(grid_worker.username)}"
    return client


def post(client, url, payload, **headers):
    return client.post(url, payload, content_type="application/json", headers=headers)


def test_a_reading_posted_twice_with_one_key_is_stored_once(api, person):
    assert post(api, "/api/v1/quarantine-orders", {"person_id": person.pk, "kind": "home",
                                                   "reason": "close_contact"}).status_code == 201
    first = post(api, "/api/v1/readings", {"person_id": person.pk, "temperature": "38.1"}, **{"Idempotency-Key": "x"})
    again = post(api, "/api/v1/readings", {"person_id": person.pk, "temperature": "38.1"}, **{"Idempotency-Key": "x"})
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["fever"] is True
    assert Reading.objects.count() == 1
    alerts = api.get("/api/v1/alerts").json()
    assert alerts["count"] == 1 and alerts["items"][0]["temperature"] == "38.1"


def test_refusals_name_the_field(api, person):
    response = post(api, "/api/v1/readings", {"person_id": person.pk, "temperature": "36.5"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "person"
    post(api, "/api/v1/quarantine-orders", {"person_id": person.pk, "kind": "home", "reason": "close_contact"})
    response = post(api, "/api/v1/readings", {"person_id": person.pk, "temperature": "45.0"})
    assert response.json()["errors"][0]["field"] == "temperature"
    response = post(api, "/api/v1/readings", {"person_id": person.pk, "temperature": "36.5",
                                              "taken_at": "2099-01-01T08:00:00+08:00"})
    assert response.json()["errors"][0]["field"] == "taken_at"


def test_a_forbidden_transition_is_a_400_naming_the_action(client, epidemiologist, person):
    api = client
    api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(epidemiologist.username)}"
    case = post(api, "/api/v1/cases", {"person_id": person.pk}).json()
    assert case["allowed_actions"] == ["confirm", "asymptomatic", "exclude", "transfer", "admit", "die"]
    response = post(api, f"/api/v1/cases/{case['id']}/transitions", {"action": "discharge"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "action"


def test_the_summary_rolls_up_and_is_scoped(client, commander, grid_worker, person, tree):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(commander.username)}"
    post(client, "/api/v1/quarantine-orders", {"person_id": person.pk, "kind": "home", "reason": "close_contact"})
    post(client, "/api/v1/readings", {"person_id": person.pk, "temperature": "38.1"})
    body = client.get(f"/api/v1/jurisdictions/{tree['city'].code}/summary").json()
    assert body["figures"]["fever_alerts"] == 1 and body["figures"]["home_observation"] == 1
    assert sum(c["figures"]["fever_alerts"] for c in body["children"]) == 1
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(grid_worker.username)}"
    assert client.get(f"/api/v1/jurisdictions/{tree['city'].code}/summary").status_code == 404


def test_a_batch_stores_each_reading_once_and_refuses_the_bad_ones_alone(api, person, grid_worker):
    post(api, "/api/v1/quarantine-orders", {"person_id": person.pk, "kind": "home", "reason": "close_contact"})
    body17 = "42010219850101001"  # calc_check_digit ignores the last character it is given
    unwatched = create_person(grid_worker, PersonInput(id_number=body17 + ric.calc_check_digit(body17 + "?"),
                                                       name="李四", grid_code=grid_worker.jurisdiction.code)).person
    batch = {"readings": [
        {"person_id": person.pk, "temperature": "36.6", "idempotency_key": "round-1-a"},
        {"person_id": person.pk, "temperature": "38.2", "idempotency_key": "round-1-b"},
        {"person_id": person.pk, "temperature": "36.6", "idempotency_key": "round-1-a"},
        {"person_id": person.pk, "temperature": "50.0", "idempotency_key": "round-1-c"},
        {"person_id": unwatched.pk, "temperature": "36.6"},
        {"person_id": 987654321, "temperature": "36.6"},
    ]}
    results = post(api, "/api/v1/readings/batch", batch).json()
    assert [r["status"] for r in results] == ["created", "created", "repeated", "refused", "refused", "refused"]
    assert results[2]["reading"]["id"] == results[0]["reading"]["id"] and results[1]["reading"]["fever"] is True
    assert [r["errors"][0]["field"] for r in results[3:]] == ["temperature", "person", "person_id"]
    assert Reading.objects.count() == 2 and Alert.objects.filter(kind="fever").count() == 1

    again = post(api, "/api/v1/readings/batch", batch).json()  # the phone's connection dropped: it sends all again
    assert [r["status"] for r in again[:3]] == ["repeated"] * 3
    assert Reading.objects.count() == 2 and Alert.objects.filter(kind="fever").count() == 1


def test_a_batch_says_which_entry_is_malformed(api, person):
    response = post(api, "/api/v1/readings/batch", {"readings": [{"person_id": person.pk}]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "readings.0.temperature"
    assert post(api, "/api/v1/readings/batch", {"readings": []}).status_code == 422
