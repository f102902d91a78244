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
    "fangkong_passes_api_issue_pass": lambda w: ({}, {
        "jurisdiction_code": w.grid.code, "plate": "鄂A54321", "use": "supply", "carrier": "中百", "driver_name": "李",
        "route_from": "420102", "route_to": "420100", "valid_from": timezone.localdate().isoformat(),
        "valid_to": timezone.localdate().isoformat()}, 1),
    "fangkong_passes_api_revoke_pass": lambda w: ({"pass_id": w.issued.pk}, {"reason": "车辆更换"}, 1),
    "fangkong_passes_api_check_pass": lambda w: ({"checkpoint_id": w.checkpoint.pk}, {
        "pass_number": w.issued.number, "plate": "鄂A12345", "health_code": "green",
        "tested_at": (timezone.now() - dt.timedelta(hours=5)).isoformat()}, 1),
    "fangkong_goods_api_add_site": lambda w: ({}, {"name": "新冷库", "kind": "cold_store",
                                                   "jurisdiction_code": w.grid.code}, 1),
    "fangkong_goods_api_receive_batch": lambda w: ({"site_id": w.store.pk}, {
        "number": "NEW-1", "goods": "冻虾", "origin_country": "厄瓜多尔", "port_of_entry": "上海港", "importer": "某",
        "quantity": "5", "unit": "箱", "received_on": timezone.localdate().isoformat()}, 1),
    "fangkong_goods_api_take_sample": lambda w: ({"batch_id": w.lots["held"].pk}, {
        "kind": "packaging", "taken_on": timezone.localdate().isoformat()}, 1),
    "fangkong_goods_api_record_result": lambda w: ({"sample_id": w.pending.pk}, {
        "result": "negative", "result_on": timezone.localdate().isoformat()}, 1),
    "fangkong_goods_api_disinfect": lambda w: ({"batch_id": w.lots["held"].pk}, {
        "done_on": timezone.localdate().isoformat(), "agent": "过氧乙酸", "certificate": "XD-2"}, 1),
    "fangkong_goods_api_release": lambda w: ({"batch_id": w.lots["ready"].pk}, {}, 1),
    "fangkong_goods_api_dispose": lambda w: ({"batch_id": w.lots["sealed"].pk}, {
        "step": "destroy", "disposal_record": "销毁记录"}, 1),
    "fangkong_goods_api_send_on": lambda w: ({"batch_id": w.lots["released"].pk}, {
        "to_site": w.market.pk, "quantity": "4", "moved_on": timezone.localdate().isoformat()}, 1),
    "fangkong_goods_api_register_worker": lambda w: ({"site_id": w.store.pk}, {
        "person_id": w.people["病例甲"].pk, "post": "理货"}, 1),
    "fangkong_goods_api_record_worker_test": lambda w: ({"worker_id": w.worker.pk}, {
        "tested_on": timezone.localdate().isoformat(), "result": "negative"}, 1),
    "fangkong_vaccination_api_record_dose": lambda w: ({}, {
        "person_id": w.people["病例甲"].pk, "product": "bibp", "dose": 2, "given_on": "2022-02-10",
        "site": "接种点"}, 1),
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
