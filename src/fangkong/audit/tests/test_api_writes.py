"""Every write operation of the API, as the OpenAPI document lists them, writes its audit rows: one, or one per
person for a batch, naming the caller, channel "api" and the client's IP."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.api import api
from fangkong.audit.models import AuditEvent
from fangkong.people.models import Person

from .conftest import CLIENT_IP

WRITES = ("post", "put", "patch", "delete")


def person_body(w, name):
    return {"id_number": next(w.ids), "name": name, "grid_code": w.grid.code}


# operation id -> (path parameters, request, rows expected); `request` is a JSON body, or ("multipart", data).
EXAMPLES = {
    "fangkong_cases_api_open_case": lambda w: ({}, {"person_id": w.people["症状乙"].pk}, 1),
    "fangkong_cases_api_apply_transition": lambda w: ({"case_id": w.case.pk}, {"action": "confirm"}, 1),
    "fangkong_cases_api_change_severity": lambda w: ({"case_id": w.case.pk}, {"severity": "severe"}, 1),
    "fangkong_cases_api_report_symptoms": lambda w: (
        {}, {"person_id": w.people["病例甲"].pk, "source": "grid", "symptoms": "发热"}, 1),
    "fangkong_cases_api_resolve_symptom_report": lambda w: ({"entry_id": w.symptom.pk}, {"resolution": "excluded"},
                                                            1),
    "fangkong_quarantine_api_place_order": lambda w: (
        {}, {"person_id": w.people["病例甲"].pk, "kind": "home", "reason": "close_contact"}, 1),
    "fangkong_quarantine_api_extend_order": lambda w: ({"order_id": w.orders[0].pk}, {"days": 3}, 1),
    "fangkong_quarantine_api_end_order": lambda w: (
        {"order_id": w.orders[0].pk}, {"status": "released_early", "note": "复核排除"}, 1),
    "fangkong_quarantine_api_record_reading": lambda w: ({}, {"person_id": w.people["观察丁"].pk, "temperature": 36.6},
                                                         1),
    "fangkong_quarantine_api_record_readings": lambda w: ({}, {"readings": [
        {"person_id": w.people["观察丙"].pk, "temperature": 36.5},
        {"person_id": w.people["观察丁"].pk, "temperature": 36.7}]}, 2),
    "fangkong_quarantine_api_acknowledge_alert": lambda w: ({"alert_id": w.alert.pk}, {}, 1),
    "fangkong_quarantine_api_resolve_alert": lambda w: (
        {"alert_id": _acknowledged(w).pk}, {"note": "复测正常"}, 1),
    "fangkong_people_api_create_person": lambda w: ({}, person_body(w, "新增壬"), 1),
    "fangkong_people_api_register_person": lambda w: (
        {}, {**person_body(w, "登记癸"), "source": "grid", "source_ref": "G-1"}, 1),
    "fangkong_warning_api_add_rule": lambda w: ({}, {"name": "发热预警", "signal": "fever_alerts", "threshold": 3,
                                                     "level": 4}, 1),
    "fangkong_warning_api_complete_task": lambda w: ({"task_id": w.task.pk}, {"note": "已完成"}, 1),
    "fangkong_screening_api_declare": lambda w: (
        {}, {"code": "110105", "level": "medium", "valid_from": timezone.localdate().isoformat()}, 1),
    "fangkong_screening_api_register_arrival": lambda w: ({}, {
        **person_body(w, "来汉子"), "origin_code": "310101", "mode": "flight", "vehicle": "MU5101",
        "category": "visitor", "arrived_at": (timezone.now() - dt.timedelta(hours=2)).isoformat()}, 1),
    "fangkong_screening_api_receive_assist_request": lambda w: (
        {}, {"region": "上海市", "reference": "SH-9", "name": "某人", "address_code": w.grid.code}, 1),
    "fangkong_screening_api_answer_assist_request": lambda w: ({"request_id": w.assist.pk}, {"status": "found"}, 1),
    "fangkong_reporting_api_submit": lambda w: ({"code": w.grid.code}, {"day": timezone.localdate().isoformat()}, 1),
    "fangkong_checkpoints_api_record_entry": lambda w: (
        {"checkpoint_id": w.checkpoint.pk}, {"subject": "person", "temperature": 36.4,
                                             "person": person_body(w, "过站丑")}, 1),
    "fangkong_checkpoints_api_confirm": lambda w: ({"handover_id": w.handover.pk}, {}, 1),
    "fangkong_imports_api_upload": lambda w: ({"key": "arrivals"}, ("multipart", {"file": _upload(w)}), 1),
    "fangkong_imports_api_step": lambda w: ({"job_id": w.checking.pk}, {}, 1),  # the check ends: one row
    "fangkong_imports_api_choose": lambda w: ({"job_id": w.checked.pk}, {"import_valid": True}, 1),
    "fangkong_workforce_api_add_staff": lambda w: ({}, {"name": "新医生", "kind": "medical", "employer": "协和医院",
                                                        "jurisdiction_code": w.grid.code}, 1),
    "fangkong_workforce_api_deploy": lambda w: ({}, {
        "staff_id": w.rostered[1].pk, "post_id": w.roster.post_id,
        "starts_on": (w.roster.starts_on + dt.timedelta(days=14)).isoformat(),
        "ends_on": (w.roster.starts_on + dt.timedelta(days=20)).isoformat()}, 1),
    "fangkong_workforce_api_set_shift": lambda w: ({"roster_id": w.roster.pk}, {
        "staff_id": w.rostered[0].pk, "day": w.roster.starts_on.isoformat(), "shift": "D"}, 1),
    "fangkong_workforce_api_solve": lambda w: ({"roster_id": w.roster.pk}, {}, 1),
    "fangkong_workforce_api_add_post": lambda w: ({}, {"name": "新病区", "kind": "icu",
                                                       "jurisdiction_code": w.grid.code}, 1),
    "fangkong_workforce_api_add_shift_type": lambda w: ({"post_id": w.roster.post_id}, {
        "code": "E", "starts_at": "14:00", "minutes": 240}, 1),
    "fangkong_workforce_api_create_roster": lambda w: ({}, {
        "post_id": w.roster.post_id, "starts_on": w.roster.starts_on.isoformat(), "days": 7}, 1),
}


def _acknowledged(w):
    from fangkong.quarantine import services as quarantine

    return quarantine.handle_alert(w.commander, w.alert.pk, "acknowledge")


def _upload(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("c.xlsx", w.file)


def write_operations():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return sorted((op["operationId"], method, path) for path, ops in schema["paths"].items()
                  for method, op in ops.items() if method in WRITES)


@pytest.mark.parametrize("operation,method,path", write_operations(), ids=lambda v: v if "_api_" in v else "")
def test_every_api_write_writes_its_audit_rows(world, db, operation, method, path):
    assert operation in EXAMPLES, f"add an example for {operation} ({method.upper()} {path}) to EXAMPLES"
    params, request, expected = EXAMPLES[operation](world)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    client = Client(REMOTE_ADDR=CLIENT_IP, HTTP_AUTHORIZATION=f"Bearer {world.token}")
    url = path.format(**params)
    if isinstance(request, tuple):
        response = client.post(url, request[1])
    else:
        response = getattr(client, method)(url, request, content_type="application/json")
    assert response.status_code in (200, 201), response.content.decode()
    written = AuditEvent.objects.exclude(pk__in=before)
    assert written.count() == expected, list(written.values("action", "details"))
    assert {(e.actor_id, e.actor_name, e.channel, e.ip) for e in written} == {
        (world.commander.pk, "commander", "api", CLIENT_IP)}
    # ID numbers and phones are personal data: the person FK stands for them
    identifiers = {p.id_number for p in Person.objects.all()} | {p.phone for p in Person.objects.all() if p.phone}
    for event in written:
        assert event.details["changes"], event.details  # the before and after of what changed
        assert not [i for i in identifiers if i in json.dumps(event.details)], event.details
