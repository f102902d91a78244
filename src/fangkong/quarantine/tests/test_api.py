import pytest

from fangkong.accounts.services import create_token
from fangkong.quarantine.models import Reading


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


def test_a_forbidden_transition_is_a_400_naming_the_action(api, person):
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
