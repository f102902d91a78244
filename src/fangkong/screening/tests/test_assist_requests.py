"""Assist-investigation requests (协查): routed to the grid with a deadline, answered once, overdue on the
dashboard, answers exported back to the region that asked."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from fangkong.accounts.services import create_token
from fangkong.conftest import VALID_ID, login_client, xlsx_rows
from fangkong.dashboard.services import summary
from fangkong.errors import InputRefused
from fangkong.screening import services
from fangkong.screening.models import AssistRequest


def request_for(**changes):
    values = {"region": "北京市朝阳区疾控中心", "reference": "BJ-2026-0001", "name": "张三",
              "address_code": "420102001001", "id_number": VALID_ID, "reason": "密接"}
    return services.AssistInput(**{**values, **changes})


def test_a_request_for_someone_we_know_goes_straight_to_their_grid(commander, person, tree):
    received, created = services.receive_assist_request(commander, request_for())
    assert created and received.unit == tree["grid_a1"] and received.person == person
    assert 23.9 < (received.deadline - received.received_at).total_seconds() / 3600 < 24.1
    again, created_again = services.receive_assist_request(commander, request_for())
    assert (again.pk, created_again) == (received.pk, False)


def test_a_stranger_is_routed_by_address_and_the_id_is_kept_encrypted(commander, tree):
    received, _ = services.receive_assist_request(commander, request_for(id_number="", address_code="420103001001"))
    assert received.unit == tree["community_b"] and received.person is None
    again, _ = services.receive_assist_request(commander, request_for(reference="X2"))
    assert again.id_number_cipher != VALID_ID.encode()


def test_the_grid_answers_once_and_others_cannot(commander, person, grid_worker, sibling_worker):
    received, _ = services.receive_assist_request(commander, request_for())
    with pytest.raises(Http404):
        services.answer_assist_request(sibling_worker, received.pk, "found")
    with pytest.raises(InputRefused) as refused:
        services.answer_assist_request(grid_worker, received.pk, "moved")
    assert refused.value.problems[0].field == "note"
    answered = services.answer_assist_request(grid_worker, received.pk, "found", note="已落地核查，居家")
    assert services.answer_assist_request(grid_worker, received.pk, "found").answered_at == answered.answered_at
    with pytest.raises(InputRefused):
        services.answer_assist_request(grid_worker, received.pk, "not_found", note="x")


def test_overdue_requests_rise_on_the_dashboard(commander, person, grid_worker, tree):
    received, _ = services.receive_assist_request(commander, request_for())
    assert summary(tree["city"]).totals["overdue_assist"] == 0
    AssistRequest.objects.filter(pk=received.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    assert summary(tree["city"]).totals["overdue_assist"] == 1
    assert list(services.overdue_assist_requests(grid_worker)) == [AssistRequest.objects.get(pk=received.pk)]


@pytest.mark.parametrize("changes, field", [
    ({"region": ""}, "region"), ({"name": " "}, "name"), ({"id_number": "420102199003071233"}, "id_number"),
    ({"address_code": "110105001001"}, "address_code"),
])
def test_bad_requests_are_refused_naming_the_field(commander, tree, changes, field):
    with pytest.raises(InputRefused) as refused:
        services.receive_assist_request(commander, request_for(**changes))
    assert field in [p.field for p in refused.value.problems] and not AssistRequest.objects.exists()


def test_the_api_receives_answers_and_exports_back(client, commander, person, grid_worker):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(commander.username)}"
    body = {"region": "北京市朝阳区疾控中心", "reference": "BJ-1", "name": "张三", "address_code": "420102001001",
            "id_number": VALID_ID}
    first = client.post("/api/v1/assist-requests", body, content_type="application/json")
    again = client.post("/api/v1/assist-requests", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(grid_worker.username)}"
    done = client.post(f"/api/v1/assist-requests/{first.json()['id']}/answer", {"status": "found", "note": "在家"},
                       content_type="application/json")
    assert done.json()["status"] == "found"
    login_client(client, commander)
    csv = b"".join(client.get("/assist/export.csv", {"region": "北京市朝阳区疾控中心"}).streaming_content).decode()
    assert "BJ-1" in csv and "found" in csv and VALID_ID not in csv


def test_the_answers_export_to_excel_in_a_sheet_of_their_own(client, commander, person, grid_worker):
    received, _ = services.receive_assist_request(commander, request_for())
    services.answer_assist_request(grid_worker, received.pk, "moved", note="已迁往武昌区")
    login_client(client, commander)
    response = client.get("/assist/export.xlsx", {"region": "北京市朝阳区疾控中心"})
    rows = xlsx_rows(b"".join(response.streaming_content), "协查反馈")
    assert rows[0][:4] == ["reference", "name", "status", "answer"] and rows[1][:4] == [
        "BJ-2026-0001", "张三", "moved", "已迁往武昌区"]
