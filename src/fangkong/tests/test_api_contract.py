"""The API's contract: refusals are JSON naming the field in the user's language, inputs are strict and bounded,
and the OpenAPI document describes every answer, each schema under a name of its own."""

import enum
import typing

import pydantic
import pytest
from django.conf import settings

from fangkong.api import ERROR_RESPONSES, api
from fangkong.cases.models import SymptomReport
from fangkong.conftest import bearer


@pytest.fixture
def command_api(client, commander):
    return bearer(client, commander)


def post(client, url, payload, **headers):
    return client.post(url, payload, content_type="application/json", headers=headers)


def problems(response) -> dict[str, str]:
    assert response["Content-Type"].startswith("application/json"), response.content
    return {p["field"]: p["message"] for p in response.json()["errors"]}


@pytest.mark.parametrize("url", ["/api/v1/cases", "/api/v1/persons/", "/api/v1/arrivals", "/api/v1/imports"])
def test_a_page_number_beyond_any_list_is_refused_naming_page(command_api, url):
    response = command_api.get(url, {"page": 2**63})
    assert response.status_code == 422 and "page" in problems(response)
    assert command_api.get(url, {"page": 1}).status_code == 200


def test_ids_beyond_the_database_are_refused_in_paths_and_bodies(command_api, person):
    response = command_api.get(f"/api/v1/cases/{2**63}")
    assert response.status_code == 422 and "case_id" in problems(response)
    response = post(command_api, "/api/v1/cases", {"person_id": 2**63})
    assert response.status_code == 422 and "person_id" in problems(response)
    response = command_api.get("/api/v1/cases/1.5")  # no route: still the API's JSON
    assert response.status_code == 404 and "path" in problems(response)


def test_days_are_written_as_dates_within_the_calendar(command_api, tree):
    for day in ("0001-01-01", 0, True):
        response = post(command_api, f"/api/v1/jurisdictions/{tree['city'].code}/reports", {"day": day})
        assert response.status_code == 422 and "day" in problems(response), day


def test_counts_and_numbers_are_not_coerced(command_api, person):
    order = post(command_api, "/api/v1/quarantine-orders", {"person_id": person.pk, "kind": "home",
                                                            "reason": "close_contact"})
    assert order.status_code == 201, order.content
    response = post(command_api, f"/api/v1/quarantine-orders/{order.json()['id']}/extend", {"days": True})
    assert response.status_code == 422 and "days" in problems(response)


@pytest.mark.parametrize("threshold", ["NaN", "Infinity", "-Infinity"])
def test_a_threshold_must_be_finite_and_the_rules_stay_readable(command_api, threshold):
    body = f'{{"name": "r", "signal": "new_cases", "threshold": {threshold}, "level": 3}}'
    response = command_api.post("/api/v1/warning/rules", body, content_type="application/json")
    assert response.status_code == 422 and "threshold" in problems(response)
    listed = command_api.get("/api/v1/warning/rules")
    assert listed.status_code == 200 and listed.json() == []


def test_text_longer_than_its_column_is_refused_with_the_limit(command_api, person):
    response = post(command_api, "/api/v1/symptom-reports", {"person_id": person.pk, "source": "grid",
                                                             "symptoms": "咳" * 10_000})
    assert response.status_code == 422
    assert problems(response) == {"symptoms": "最多 200 个字符"}
    assert not SymptomReport.objects.exists()


def test_a_body_that_is_not_json_is_refused_in_the_same_shape(command_api):
    response = command_api.post("/api/v1/cases", "{not json", content_type="application/json")
    assert response.status_code == 400 and problems(response) == {"request": "请求体不是有效的 JSON"}


def test_control_characters_are_refused_before_the_database_sees_them(command_api, person):
    response = post(command_api, "/api/v1/symptom-reports", {"person_id": person.pk, "source": "grid",
                                                             "symptoms": "咳\x00嗽"})
    assert response.status_code == 422 and problems(response) == {"symptoms": "不接受控制字符"}
    response = post(command_api, "/api/v1/persons/registrations", {
        "id_number": "420102199003071232", "name": "张三", "source": "api", "source_ref": "r",
        "details": {"a": "\x00"}})
    assert response.status_code == 422 and "details.a" in problems(response)
    assert command_api.get("/api/v1/persons/", {"q": "张\x00"}).status_code == 422


def test_a_refusal_speaks_the_users_language(command_api, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = post(command_api, "/api/v1/cases", {})
    assert response.status_code == 422 and problems(response) == {"person_id": "this field is required"}


def test_one_idempotency_key_sent_concurrently_returns_the_stored_report(command_api, person, monkeypatch):
    """The other request stores its report between our look-up and our insert: ours answers with theirs."""
    from fangkong.idempotency.models import IdempotencyKey

    payload = {"person_id": person.pk, "source": "grid", "symptoms": "发热"}
    first = post(command_api, "/api/v1/symptom-reports", payload, **{"Idempotency-Key": "k-1"})
    real_filter = IdempotencyKey.objects.filter
    missed = []

    def look_up_before_the_other_commits(*args, **kwargs):
        if "k-1" in kwargs.get("key__in", ()) and not missed:
            missed.append(True)
            return IdempotencyKey.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(IdempotencyKey.objects, "filter", look_up_before_the_other_commits)
    again = post(command_api, "/api/v1/symptom-reports", payload, **{"Idempotency-Key": "k-1"})
    assert missed and (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and SymptomReport.objects.count() == 1


def test_an_upload_and_its_job_are_both_reachable(command_api):
    listed = command_api.get("/api/v1/imports/12345")
    assert listed.status_code == 404 and "id" in problems(listed)  # not 405: the GET reaches the job
    upload = command_api.post("/api/v1/imports/arrivals", {})
    assert upload.status_code == 422 and "file" in problems(upload)


def test_every_operation_documents_the_errors_it_can_give(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["components"]["schemas"]["Errors"]["properties"]["errors"]["items"] == {
        "$ref": "#/components/schemas/Problem"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            documented = {int(code) for code in operation["responses"]}
            assert set(ERROR_RESPONSES) - {401} <= documented, (method, path)


def _named_schemas(annotation, seen: set, names: dict) -> None:
    for argument in typing.get_args(annotation):
        _named_schemas(argument, seen, names)
    if isinstance(annotation, type) and annotation not in seen:
        seen.add(annotation)
        if issubclass(annotation, (pydantic.BaseModel, enum.Enum)) and annotation.__module__.startswith("fangkong"):
            names.setdefault(annotation.__name__, set()).add(annotation)
        if issubclass(annotation, pydantic.BaseModel):
            for field in annotation.model_fields.values():
                _named_schemas(field.annotation, seen, names)


def test_no_two_schemas_share_a_name():
    """ninja names a schema by its class: two classes of one name would be documented as one of them."""
    seen, names = set(), {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    _named_schemas(model, seen, names)
    assert len(names) > 40
    assert {name: classes for name, classes in names.items() if len(classes) > 1} == {}
