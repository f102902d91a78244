"""The three personas: inside sees the person (masked, audited); sibling and outsider get the same 404."""

import pytest

from fangkong.accounts.models import Role
from fangkong.accounts.services import create_token
from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import make_user


def views_of(person):
    return AuditEvent.objects.filter(action=Action.VIEW_PERSON, person=person)


def test_a_grid_worker_sees_a_person_of_the_grid_masked_and_the_view_is_audited(client, grid_worker, person):
    client.force_login(grid_worker)
    response = client.get(f"/persons/{person.pk}/?reason=follow_up")
    assert response.status_code == 200
    html = response.content.decode()
    assert "420***********1232" in html and "420102199003071232" not in html
    assert "13812345678" in html  # a grid worker calls people: the phone is shown in clear
    event = views_of(person).get()
    assert (event.actor, event.reason, event.channel) == (grid_worker, "follow_up", "web")


@pytest.mark.parametrize("persona", ["sibling_worker", "outsider"])
def test_a_person_outside_the_subtree_is_not_found_and_no_view_is_recorded(client, request, person, persona):
    client.force_login(request.getfixturevalue(persona))
    missing = client.get("/persons/999999/")
    response = client.get(f"/persons/{person.pk}/")
    assert response.status_code == missing.status_code == 404
    assert not views_of(person).exists()


def test_an_epidemiologist_sees_the_id_number_in_clear(client, tree, person):
    client.force_login(make_user("epi", Role.EPIDEMIOLOGIST, tree["county_a"]))
    assert "420102199003071232" in client.get(f"/persons/{person.pk}/").content.decode()


def test_a_logistics_officer_sees_figures_but_no_person(client, tree, person):
    client.force_login(make_user("logi", Role.LOGISTICS, tree["city"]))
    assert client.get(f"/persons/{person.pk}/").status_code == 404
    assert client.get(f"/j/{tree['city'].code}/").status_code == 200


def test_the_api_gives_the_same_404_for_missing_and_not_yours(client, person, sibling_worker):
    headers = {"Authorization": f"Bearer {create_token(sibling_worker.username)}"}
    missing = client.get("/api/v1/persons/999999", headers=headers)
    forbidden = client.get(f"/api/v1/persons/{person.pk}", headers=headers)
    assert missing.status_code == forbidden.status_code == 404
    assert missing.json() == forbidden.json()
    assert not views_of(person).exists()


def test_a_jurisdiction_outside_the_subtree_is_not_found_in_pages_and_api(client, tree, grid_worker):
    client.force_login(grid_worker)
    assert client.get(f"/j/{tree['grid_a2'].code}/").status_code == 404
    assert client.get(f"/j/{tree['city'].code}/").status_code == 404
    assert client.get(f"/api/v1/jurisdictions/{tree['grid_a2'].code}").status_code == 404
    assert client.get(f"/j/{tree['grid_a1'].code}/persons.csv").status_code == 200
    assert client.get(f"/j/{tree['grid_a2'].code}/persons.csv").status_code == 404


def test_search_finds_only_inside_the_subtree_and_every_hit_shown_is_audited(client, person, grid_worker,
                                                                           sibling_worker):
    client.force_login(sibling_worker)
    assert "张三" not in client.get("/persons/", {"q": "张"}).content.decode()
    assert not views_of(person).exists()  # not shown to the sibling, so not seen
    client.force_login(grid_worker)
    queries = ("138 1234 5678", "张", "zhangs", "zs")  # a grid worker, who sees IDs masked, does not search by one
    for query in queries:
        assert f"/persons/{person.pk}/" in client.get("/persons/", {"q": query}).content.decode(), query
    assert views_of(person).filter(actor=grid_worker, reason="search", channel="web").count() == len(queries)
    client.get(f"/persons/{person.pk}/?reason=search")
    assert views_of(person).count() == len(queries) + 1


def test_an_export_audits_every_person_it_contains(client, person, grid_worker, tree):
    client.force_login(grid_worker)
    response = client.get(f"/j/{tree['grid_a1'].code}/persons.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "张三" in body and "420***********1232" in body
    exported = AuditEvent.objects.get(action=Action.EXPORT_PERSON)
    assert exported.person == person and exported.actor == grid_worker
