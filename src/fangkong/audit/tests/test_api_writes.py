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
from fangkong.cases import services as cases
from fangkong.inspections import services as inspections
from fangkong.inspections.tests import factories as inspection_records
from fangkong.people.models import Person
from fangkong.tasks.tests import factories as task_records

from .conftest import CLIENT_IP

WRITES = ("post", "put", "patch", "delete")
PUBLIC_WRITES = {"fangkong_tasks_api_submit_public_report"}  # open to anyone, with no account


def person_body(w, name):
    return {"id_number": next(w.ids), "name": name, "grid_code": w.grid.code}


# operation id -> (path parameters, request, rows expected); `request` is a JSON body, or ("multipart", data).
EXAMPLES = {
    # the case, and the same-day test it asks for
    "fangkong_cases_api_open_case": lambda w: ({}, {"person_id": w.people["症状乙"].pk}, 2),
    "fangkong_cases_api_apply_transition": lambda w: ({"case_id": w.case.pk}, {"action": "confirm"}, 1),
    "fangkong_cases_api_change_severity": lambda w: ({"case_id": w.case.pk}, {"severity": "severe"}, 1),
    "fangkong_cases_api_report_symptoms": lambda w: (
        {}, {"person_id": w.people["病例甲"].pk, "source": "grid", "symptoms": "发热"}, 1),
    "fangkong_cases_api_resolve_symptom_report": lambda w: ({"entry_id": w.symptom.pk}, {"resolution": "excluded"},
                                                            1),
    "fangkong_quarantine_api_place_order": lambda w: (
        {}, {"person_id": w.people["病例甲"].pk, "kind": "home", "reason": "close_contact"}, 1),
    "fangkong_quarantine_api_transfer_order": lambda w: _transferable(w),
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
    "fangkong_testing_api_take_sample": lambda w: ({"due_id": w.due.pk}, {"tube": "AUD-S2"}, 1),
    "fangkong_testing_api_receive_tubes": lambda w: ({}, {"tubes": ["AUD-P1"]}, 1),
    "fangkong_testing_api_record_results": lambda w: ({}, {"results": [{"tube": "AUD-S1", "outcome": "negative"}]}, 1),
    "fangkong_testing_api_declare_campaign": lambda w: ({}, {"name": "第二轮", "area_code": w.grid.code}, 1),
    "fangkong_testing_api_add_point": lambda w: ({"campaign_id": w.campaign.pk}, {
        "name": "二号点", "jurisdiction_code": w.grid.code, "population": 2000}, 1),
    "fangkong_testing_api_open_tube": lambda w: ({"point_id": w.point.pk}, {"tube": "AUD-P2"}, 1),
    "fangkong_testing_api_add_person": lambda w: ({"point_id": w.point.pk}, {
        "tube": "AUD-P1", "id_number": w.people["检测丑"].id_number}, 1),
    "fangkong_inspections_api_add_setting": lambda w: ({}, {
        "name": "江岸学校", "kind": "school", "grid_code": w.grid.code, "responsible_unit": "区教育局",
        "contact_name": "王老师", "contact_phone": "13912345678"}, 1),
    "fangkong_inspections_api_add_checklist": lambda w: ({}, {"kind": "school", "items": ["晨午检", "消毒记录"]}, 1),
    "fangkong_inspections_api_record_inspection": lambda w: _inspection(w),
    "fangkong_inspections_api_add_photos": lambda w: (
        {"finding_id": _rectification(w).finding_id}, ("multipart", {"file": inspection_records.png()}), 1),
    "fangkong_inspections_api_report_rectified": lambda w: _report(w),
    "fangkong_inspections_api_verify": lambda w: (
        {"rectification_id": inspection_records.reported(w.commander, w.grid).pk}, {"passed": True}, 1),
    "fangkong_inspections_api_set_publishable": lambda w: (
        {"finding_id": _rectification(w).finding_id}, {"publishable": True}, 1),
    "fangkong_tasks_api_assign_task": lambda w: ({}, {
        "title": "督导核酸检测", "responsibility": "departmental", "owner_code": w.grid.code,
        "deadline": (timezone.now() + dt.timedelta(days=1)).isoformat()}, 1),
    "fangkong_tasks_api_step_task": lambda w: (
        {"todo_id": task_records.task(w.commander, w.grid).pk}, {"action": "done", "note": "已完成"}, 1),
    "fangkong_tasks_api_record_supervision": lambda w: ({}, {
        "jurisdiction_code": w.grid.code, "visited_on": timezone.localdate().isoformat(), "team": "市督查组",
        "findings": [{"title": "补齐健康台账", "responsibility": "unit", "owner_code": w.grid.code,
                      "deadline": (timezone.now() + dt.timedelta(days=2)).isoformat()}]}, 1),
    "fangkong_tasks_api_handle_report": lambda w: (
        {"public_report_id": task_records.public_report(w.tree["town_a"]).pk},
        {"action": "refer", "unit_code": w.grid.code}, 1),
    "fangkong_tasks_api_submit_public_report": lambda w: ({}, {
        "kind": "rumour", "jurisdiction_code": w.tree["town_a"].code, "place": "业主群",
        "content": "群里说明天全城封控三个月，不知真假。"}, 1),
    "fangkong_tasks_api_reply_report": lambda w: (
        {"public_report_id": task_records.referred(w.commander, w.tree["town_a"], w.grid).pk},
        {"reply": "已核实，责令整改"}, 1),
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
    "fangkong_supplies_api_add_store": lambda w: ({}, {"code": "S-NEW", "name": "新库", "kind": "county",
                                                       "jurisdiction_code": w.grid.code}, 1),
    "fangkong_supplies_api_record_stock": lambda w: ({"store_id": _supplies(w).source.pk}, {
        "kind": "issue", "item": "gloves", "quantity": 3}, 1),
    "fangkong_supplies_api_submit_request": lambda w: ({}, {
        "store_id": _supplies(w).unit.pk, "item": "gloves", "need": 5, "need_by": _supplies(w).day.isoformat(),
        "posts": ["sampling"]}, 1),
    "fangkong_supplies_api_decide_request": lambda w: ({"supply_request_id": _supplies(w).waiting.pk},
                                                       {"action": "reject"}, 1),
    # the run, and each approved request it moves (one: gloves)
    "fangkong_supplies_api_allocate": lambda w: ({}, {"from_store": _supplies(w).source.pk, "item": "gloves"}, 2),
    # per line: the shipment, the source's ledger event, the request's move
    "fangkong_supplies_api_dispatch_allocation": lambda w: ({"allocation_id": _supplies(w).run.pk}, {}, 3),
    "fangkong_supplies_api_dispatch": lambda w: ({}, {"from_store": _supplies(w).source.pk,
                                                      "to_store": _supplies(w).unit.pk, "item": "gloves",
                                                      "quantity": 2}, 2),
    "fangkong_supplies_api_receive": lambda w: ({"shipment_id": _supplies(w).shipment.pk}, {"received": 4}, 2),
    "fangkong_supplies_api_place_order": lambda w: ({}, {"store_id": _supplies(w).source.pk, "item": "oxygen",
                                                         "quantity": 20, "supplier": "某气体公司",
                                                         "expected_on": _supplies(w).day.isoformat()}, 1),
    "fangkong_supplies_api_deliver": lambda w: ({"procurement_id": _supplies(w).order.pk}, {"received": 100}, 2),
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


def _rectification(w):
    return inspection_records.rectification(w.commander, w.grid)


def _inspection(w):
    place = inspection_records.setting(w.commander, w.grid)
    answers = [{"item_id": a.item_id, "passed": a.passed} for a in inspection_records.all_passed(place).answers]
    return {"setting_id": place.pk}, {"mode": "unannounced", "answers": answers}, 1


def _report(w):
    rectification = _rectification(w)
    inspections.add_photos(w.commander, rectification.finding_id, [inspection_records.png()], role="evidence")
    return {"rectification_id": rectification.pk}, {"report": "已整改"}, 1


def _supplies(w):
    return w.supplies


def _acknowledged(w):
    from fangkong.quarantine import services as quarantine

    return quarantine.handle_alert(w.commander, w.alert.pk, "acknowledge")


def _transferable(w):
    """The second person under observation, with an open case: the order page's transfer is its step."""
    cases.open_case(w.commander, w.orders[1].person_id)
    # the case's transition, the order ended, the journey's step
    return {"order_id": w.orders[1].pk}, {"hospital": "金银潭医院"}, 3


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
    # a public submission (no account) is no one's, even when a token happens to come with it
    actor = (None, "") if operation in PUBLIC_WRITES else (world.commander.pk, "commander")
    assert {(e.actor_id, e.actor_name, e.channel, e.ip) for e in written} == {(*actor, "api", CLIENT_IP)}
    # ID numbers and phones are personal data: the person FK stands for them
    identifiers = {p.id_number for p in Person.objects.all()} | {p.phone for p in Person.objects.all() if p.phone}
    for event in written:
        assert event.details["changes"], event.details  # the before and after of what changed
        assert not [i for i in identifiers if i in json.dumps(event.details)], event.details
