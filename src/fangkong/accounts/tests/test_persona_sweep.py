"""The persona sweep: every API operation and every page route that names a record, called by every role from
inside, from the sibling grid and from another district.

- Reads: someone who is not inside gets, for a real record of the inside grid, exactly the answer a missing id
  gets (same status, same body), and no list they get holds a record of the inside grid.
- Writes: a role that accounts/permissions.py does not give the write to is refused (403 from the API) and the
  database is exactly as before, row for row; so is it for a permitted role outside the record's subtree. A
  permitted role inside does write (which shows the example body is a real one).

Path parameters are filled from PARAMS (parameter name -> seeded record), so a new route with a known parameter
name is swept without editing this file; an unknown name, or a write not in the write tables, fails and says
what to add. One database is seeded per module; every call runs in a savepoint that is rolled back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from stdnum.cn import ric

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import WRITE
from fangkong.accounts.services import create_user
from fangkong.api import api
from fangkong.audit.models import AuditEvent
from fangkong.bulletins import services as bulletins
from fangkong.care.tests.seed import seed_care
from fangkong.cases import services as cases
from fangkong.checkpoints import services as checkpoints
from fangkong.conftest import PASSWORD, VALID_ID, build_tree
from fangkong.goods import services as goods
from fangkong.imports import services as imports
from fangkong.imports.registers import ARRIVALS
from fangkong.inspections import services as inspections
from fangkong.inspections.models import Setting
from fangkong.inspections.tests import factories as inspection_records
from fangkong.passes import services as passes
from fangkong.pathways import arrivals as arrival_journey
from fangkong.people.services import PersonInput, create_person
from fangkong.quarantine import services as quarantine
from fangkong.reporting import services as reporting
from fangkong.screening import services as screening
from fangkong.supplies.tests.seed import seed_supplies
from fangkong.tasks.tests import factories as task_records
from fangkong.testing import campaigns
from fangkong.testing import services as testing
from fangkong.vaccination import services as vaccination
from fangkong.warning import services as warning
from fangkong.workforce import services as workforce
from fangkong.workforce.tests.fixtures import MONDAY
from fangkong.workforce.tests.fixtures import ward as roster_ward

MISSING_ID, MISSING_CODE = "987654", "999999999999999"  # a grid code's shape, as the seeded code has
# What only the inside grid's records show: its people's and places' names, and the grid's code.
MARKERS = ("林内甲", "林内乙", "内站检查站", "内隔离点", "420102001001001")
MARKERS = (*MARKERS, "IN-STORE-")  # the inside grid's supply stores' codes
MARKERS = ("林内甲", "林内乙", "内站检查站", "内隔离点", "420102001001001", "林内护士")


def resident_id(birth: str, sequence: str) -> str:
    """A valid resident ID of Jiang'an district (420102)."""
    body = f"420102{birth}{sequence}"
    return body + ric.calc_check_digit(body + "0")  # it reads the digits before the last one


@dataclass
class Seeded:
    tree: dict
    records: dict  # parameter name -> value
    watched: int  # the person under observation (the records' person_id is one with no order or case)
    clients: dict  # (role, place) -> logged-in client; (None, "anonymous") -> anonymous
    baseline: str


def fingerprint() -> str:
    """Every row of every table, read with plain SQL: the sweep takes one after each of about a thousand writes.
    Sessions (logging in writes them) and audit rows (a refused form shows its page again, and seeing a person
    is recorded) are the trail of the call, not data it changed."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model not in (Session, AuditEvent):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)} ORDER BY 1")
                for row in cursor.fetchall():
                    digest.update(repr([bytes(v) if isinstance(v, memoryview) else v for v in row]).encode())
    return digest.hexdigest()


PLACES = {"inside": "grid_a1", "sibling": "grid_a2", "outside": "county_b"}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        tree = build_tree()
        users = {(role, place): create_user(username=f"{role}-{place}", password=PASSWORD, role=role,
                                            jurisdiction_code=tree[node].code)
                 for role in Role.values for place, node in PLACES.items()}
        seeder = users[(Role.COMMAND, "inside")]
        grid = tree["grid_a1"]
        watched = create_person(seeder, PersonInput(id_number=VALID_ID, name="林内甲", phone="13812345678",
                                                    grid_code=grid.code)).person
        clean = create_person(seeder, PersonInput(id_number=resident_id("19850101", "002"), name="林内乙",
                                                  grid_code=grid.code)).person
        order = quarantine.place_order(seeder, watched.pk, kind="home", reason="close_contact")
        quarantine.record_reading(seeder, watched.pk, temperature="38.6")
        case = cases.open_case(seeder, watched.pk)
        entry, _ = cases.report_symptoms(seeder, watched.pk, source="grid", symptoms="发热")
        screening.declare(seeder, code="110105", level="medium", valid_from=timezone.localdate() - dt.timedelta(3))
        arrival, _ = arrival_journey.register_arrival(seeder, screening.ArrivalInput(
            person=PersonInput(id_number=resident_id("19920202", "013"), name="林内丙", grid_code=grid.code),
            origin_code="110105", arrived_at=timezone.now() - dt.timedelta(hours=2), mode="car", vehicle="鄂A12345",
            category="resident"))
        request, _ = screening.receive_assist_request(seeder, screening.AssistInput(
            region="北京市朝阳区", reference="SWEEP-1", name="林内丁", address_code=grid.code))
        post = checkpoints.add_checkpoint(seeder, name="内站检查站", kind="station", jurisdiction_code=grid.code)
        post.staff.add(users[(Role.CHECKPOINT, "inside")])
        crossing = checkpoints.record_entry(seeder, post.pk, checkpoints.EntryInput(
            subject="person", temperature="36.5", person=PersonInput(
                id_number=resident_id("19930303", "024"), name="林内戊", grid_code=grid.code)))
        quarantine.add_site(seeder, name="内隔离点", jurisdiction_code=grid.code, rooms=2)
        reporting.submit(seeder, grid.code, timezone.localdate())
        playbook = warning.open_playbook(seeder, grid, exercise=True)
        rule = warning.add_rule(seeder, name="sweep", signal="new_cases", threshold=5, level=3)
        bulletin = bulletins.draft(seeder, grid.code, timezone.localdate())
        owner = users[(Role.GRID, "inside")]
        job, _ = imports.upload(owner, ARRIVALS.name, "t.xlsx", ARRIVALS.template())
        due = testing.ask_test(seeder, clean.pk)
        sampled = testing.ask_test(seeder, clean.pk, purpose="schedule")
        testing.take_sample(seeder, sampled.pk, "SW-S1")
        testing.receive_tubes(seeder, ["SW-S1"])
        campaign = campaigns.declare_campaign(seeder, name="扫", area_code=grid.code)
        point = campaigns.add_point(seeder, campaign.pk, name="扫点", jurisdiction_code=grid.code, population=2500)
        campaigns.open_tube(seeder, point.pk, "SW-P1")
        campaigns.add_to_tube(seeder, "SW-P1", clean.id_number)
        place = inspection_records.setting(seeder, grid)
        finding = inspections.record_inspection(seeder, place.pk, inspection_records.one_failed(
            place, photos=[inspection_records.png()])).findings.get()
        todo = task_records.task(seeder, grid)
        city = create_user(username="city-command", password=PASSWORD, role=Role.COMMAND,
                           jurisdiction_code=tree["city"].code)  # refers a street's report down to the grid
        report = task_records.referred(city, tree["town_a"], grid)
        issued = passes.issue_pass(seeder, passes.PassInput(
            jurisdiction_code=grid.code, plate="鄂A12345", use="medical", carrier="内站物流", driver_name="王师傅",
            route_from="420102", route_to="110000", valid_from=timezone.localdate(),
            valid_to=timezone.localdate() + dt.timedelta(days=3)))
        vaccination.record_dose(seeder, watched.pk, vaccination.DoseInput(
            product="bibp", dose=1, given_on=dt.date(2022, 1, 5), site="内站接种点"))
        store = goods.add_site(seeder, name="内冷库", kind="cold_store", jurisdiction_code=grid.code)
        batch = goods.receive_batch(seeder, store.pk, goods.BatchInput(
            number="SWEEP-B1", goods="冻肉", origin_country="巴西", port_of_entry="天津港", importer="某公司",
            quantity="10", unit="kg", received_on=timezone.localdate()))
        sample = goods.take_sample(seeder, batch.pk, kind="goods", taken_on=timezone.localdate())
        worker = goods.register_worker(seeder, store.pk, person_id=watched.pk, post="装卸")
        ward, nurses, roster = roster_ward(seeder, grid.code, nurses=("林内护士",))
        reserve = workforce.add_staff(seeder, workforce.StaffInput(name="后备", kind="medical", employer="协和医院",
                                                                   jurisdiction_code=grid.code))
        nurses[0].user = users[(Role.HOSPITAL, "inside")]
        nurses[0].save()
        workforce.set_shift(seeder, roster.pk, nurses[0].pk, day=MONDAY, shift_code="D")
        records = {
            "code": grid.code, "person_id": clean.pk, "case_id": case.pk, "entry_id": entry.pk,
            "order_id": order.pk, "alert_id": order.alerts.get().pk, "arrival_id": arrival.pk,
            "request_id": request.pk, "checkpoint_id": post.pk, "handover_id": crossing.handover.pk,
            "task_id": playbook.tasks.first().pk, "rule_id": rule.pk, "bulletin_id": bulletin.pk, "job_id": job.pk,
            "due_id": due.pk, "campaign_id": campaign.pk, "point_id": point.pk,
            "round_id": campaign.round_set.get(number=1).pk,
            "setting_id": place.pk, "finding_id": finding.pk, "rectification_id": finding.rectification.pk,
            "photo_id": finding.photos.get().pk, "todo_id": todo.pk, "public_report_id": report.pk,
            "pass_id": issued.pk, "site_id": store.pk, "batch_id": batch.pk, "sample_id": sample.pk,
            "worker_id": worker.pk,
            "roster_id": roster.pk, "post_id": ward.pk, "staff_id": nurses[0].pk, "reserve_id": reserve.pk,
        }
        supplies = seed_supplies(seeder, grid)
        records.update(store_id=supplies.source.pk, supply_request_id=supplies.waiting.pk,
                       allocation_id=supplies.run.pk, shipment_id=supplies.shipment.pk,
                       procurement_id=supplies.order.pk)
        beds = seed_care(seeder, grid, case, transfer=True)  # the case in a bed, its transfer requested
        records.update(facility_id=beds.facility.pk, bed_id=beds.bed.pk, admission_id=beds.admission.pk,
                       transfer_id=beds.transfer.pk)
        clients = {(None, "anonymous"): Client()}
        for key, user in users.items():
            clients[key] = Client()
            clients[key].force_login(user)
        yield Seeded(tree, records, watched.pk, clients, fingerprint())
        transaction.set_rollback(True)


# Parameter name -> (value, is it a record). A record parameter is also called with a missing value, and who is
# not inside must get the same answer for both. Rules and the other values are the same for everyone.
def PARAMS(seeded: Seeded) -> dict[str, tuple[str, bool]]:
    r = seeded.records
    return {
        **{name: (str(value), name != "rule_id") for name, value in r.items()},
        "day": (timezone.localdate().isoformat(), False), "fmt": ("csv", False), "step": ("acknowledge", False),
        "name": ("persons", False), "register": ("arrivals", False), "register_name": ("arrivals", False),
        "key": ("arrivals", False),  # /imports/{key}: a register's name to upload into, or a job's id
        "figure": ("fever_alerts", False), "panel": ("figures", False),  # the dashboard's records, the hall screen
        "token": ("not-a-link", False),  # a self-report link: a signed secret, not a record id
    }


@dataclass(frozen=True)
class Write:
    """A write: the permission it needs (None: the uploader's own job, scoping alone), an example body, whether
    it is scoped (False: the same for the whole country, or the caller's own), whether it changes the seeded
    database when a permitted inside user sends the example."""

    write: str | None
    body: Callable[[Seeded], dict] = lambda s: {}
    scoped: bool = True
    changes: bool = True
    multipart: bool = False


def _today(s):
    return timezone.localdate().isoformat()


def _new_person(s, number: str) -> dict:
    return {"id_number": resident_id("19990909", number), "name": "新登记", "grid_code": s.records["code"]}


def _new_pass(s) -> dict:
    return {"jurisdiction_code": s.records["code"], "plate": "鄂A54321", "use": "supply", "carrier": "物流",
            "driver_name": "李师傅", "route_from": "420102", "route_to": "420100", "valid_from": _today(s),
            "valid_to": _today(s)}


def _pass_check(s) -> dict:
    from fangkong.passes.models import Pass

    return {"pass_number": Pass.objects.get(pk=s.records["pass_id"]).number, "plate": "鄂A12345",
            "health_code": "green", "tested_at": (timezone.now() - dt.timedelta(hours=3)).isoformat()[:16]}


# Writes open to anyone, with no account: no permission to sweep (the public report, throttled per network and
# tested in tasks); the sweep checks they are public in the OpenAPI document, so a forgotten auth=None shows.
PUBLIC_API_WRITES = {"POST /api/v1/public-reports"}

API_WRITES = {
    "POST /api/v1/cases": Write("case.open", lambda s: {"person_id": s.records["person_id"]}),
    "POST /api/v1/cases/{case_id}/transitions": Write("case.move", lambda s: {"action": "confirm"}),
    "POST /api/v1/cases/{case_id}/severity": Write("case.move", lambda s: {"severity": "severe"}),
    "POST /api/v1/symptom-reports": Write("symptoms.report", lambda s: {
        "person_id": s.records["person_id"], "source": "grid", "symptoms": "咳嗽"}),
    "POST /api/v1/symptom-reports/{entry_id}/resolve": Write("symptoms.resolve", lambda s: {"resolution": "tested"}),
    "POST /api/v1/quarantine-orders": Write("order.place", lambda s: {
        "person_id": s.records["person_id"], "kind": "home", "reason": "close_contact"}),
    "POST /api/v1/quarantine-orders/{order_id}/extend": Write("order.change", lambda s: {"days": 3}),
    "POST /api/v1/quarantine-orders/{order_id}/end": Write("order.change", lambda s: {
        "status": "released_early", "note": "核酸阴性"}),
    "POST /api/v1/readings": Write("reading.record", lambda s: {"person_id": s.watched, "temperature": "36.6"}),
    "POST /api/v1/readings/batch": Write("reading.record", lambda s: {"readings": [
        {"person_id": s.watched, "temperature": "36.6"}]}),
    "POST /api/v1/alerts/{alert_id}/acknowledge": Write("alert.handle"),
    "POST /api/v1/alerts/{alert_id}/resolve": Write("alert.handle", changes=False),  # open: acknowledge first
    "POST /api/v1/persons/": Write("person.register", lambda s: _new_person(s, "035")),
    "POST /api/v1/persons/registrations": Write("person.register", lambda s: {
        **_new_person(s, "046"), "source": "grid", "source_ref": "sweep"}),
    "POST /api/v1/warning/rules": Write("warning.rule", lambda s: {
        "name": "r", "signal": "new_cases", "threshold": 9, "level": 2}, scoped=False),
    "POST /api/v1/warning/tasks/{task_id}/done": Write("warning.task"),
    "POST /api/v1/risk-areas": Write("riskarea.declare", lambda s: {
        "code": "110106", "level": "high", "valid_from": _today(s)}, scoped=False),
    "POST /api/v1/arrivals": Write("arrival.register", lambda s: {
        **_new_person(s, "057"), "origin_code": "110105", "arrived_at": timezone.now().isoformat(), "mode": "car",
        "vehicle": "鄂A54321", "category": "visitor"}),
    "POST /api/v1/assist-requests": Write("assist.receive", lambda s: {
        "region": "北京市", "reference": "SWEEP-2", "name": "某", "address_code": s.records["code"]}),
    "POST /api/v1/assist-requests/{request_id}/answer": Write("assist.answer", lambda s: {"status": "found"}),
    "POST /api/v1/jurisdictions/{code}/reports": Write("report.submit", lambda s: {"day": _today(s), "note": "更正"}),
    "POST /api/v1/checkpoints/{checkpoint_id}/entries": Write("checkpoint.entry", lambda s: {
        "subject": "vehicle", "plate": "鄂A12345"}),
    "POST /api/v1/handovers/{handover_id}/confirm": Write("handover.confirm"),
    "POST /api/v1/imports/{key}": Write("arrival.register", scoped=False, multipart=True),
    "POST /api/v1/imports/{job_id}/step": Write(None, changes=False),  # a refused file: nothing to step
    "POST /api/v1/imports/{job_id}/choice": Write(None, lambda s: {"import_valid": False}, changes=False),
    "POST /api/v1/tests-due/{due_id}/sample": Write("sample.take", lambda s: {"tube": "SW-T1"}),
    "POST /api/v1/tubes/receive": Write("sample.receive", lambda s: {"tubes": ["SW-P1"]}),
    "POST /api/v1/test-results": Write("result.record", lambda s: {"results": [{"tube": "SW-S1",
                                                                                 "outcome": "negative"}]}),
    "POST /api/v1/campaigns": Write("campaign.declare", lambda s: {"name": "扫二", "area_code": s.records["code"]}),
    "POST /api/v1/campaigns/{campaign_id}/points": Write("campaign.declare", lambda s: {
        "name": "扫点二", "jurisdiction_code": s.records["code"], "population": 2000}),
    "POST /api/v1/sampling-points/{point_id}/tubes": Write("sample.take", lambda s: {"tube": "SW-T2"}),
    "POST /api/v1/sampling-points/{point_id}/people": Write("sample.take", lambda s: {"tube": "SW-P1",
                                                                                       "id_number": VALID_ID}),
    # the watched person has the open case: the transfer is the case's step, so the case's write
    "POST /api/v1/quarantine-orders/{order_id}/transfer": Write("case.move", lambda s: {"hospital": "金银潭医院"}),
    "POST /api/v1/special-settings": Write("setting.register", lambda s: {
        "name": "新学校", "kind": "school", "grid_code": s.records["code"], "responsible_unit": "区教育局",
        "contact_name": "王老师", "contact_phone": "13912345678"}),
    "POST /api/v1/checklists": Write("checklist.edit", lambda s: {"kind": "school", "items": ["晨午检"]},
                                     scoped=False),
    "POST /api/v1/special-settings/{setting_id}/inspections": Write("inspection.conduct", lambda s: {
        "mode": "planned", "answers": [{"item_id": a.item_id, "passed": True} for a in _all_passed(s)]}),
    # the sweep's upload is a spreadsheet, not a photo: refused, nothing stored (photos: inspections/tests)
    "POST /api/v1/findings/{finding_id}/photos": Write("inspection.conduct", multipart=True, changes=False),
    "POST /api/v1/rectifications/{rectification_id}/report": Write(  # no evidence photo yet: refused
        "rectification.report", lambda s: {"report": "已整改"}, changes=False),
    "POST /api/v1/rectifications/{rectification_id}/verify": Write(  # not reported done yet: refused
        "rectification.verify", lambda s: {"passed": True}, changes=False),
    "POST /api/v1/findings/{finding_id}/publishable": Write("finding.publish", lambda s: {"publishable": True}),
    "POST /api/v1/tasks": Write("task.assign", lambda s: {
        "title": "督导核酸检测", "responsibility": "territorial", "owner_code": s.records["code"],
        "deadline": (timezone.now() + dt.timedelta(days=1)).isoformat()}),
    "POST /api/v1/tasks/{todo_id}/step": Write("task.work", lambda s: {"action": "start"}),
    "POST /api/v1/supervisions": Write("supervision.record", lambda s: {
        "jurisdiction_code": s.records["code"], "visited_on": _today(s), "team": "市督查组"}),
    "POST /api/v1/public-reports/{public_report_id}/handle": Write(  # referred already: refused
        "public_report.handle", lambda s: {"action": "close"}, changes=False),
    "POST /api/v1/public-reports/{public_report_id}/reply": Write("public_report.reply", lambda s: {
        "reply": "已核实，责令整改"}),
    "POST /api/v1/passes": Write("pass.issue", lambda s: _new_pass(s)),
    "POST /api/v1/passes/{pass_id}/revoke": Write("pass.revoke", lambda s: {"reason": "车辆更换"}),
    "POST /api/v1/checkpoints/{checkpoint_id}/pass-checks": Write("pass.check", lambda s: _pass_check(s)),
    "POST /api/v1/goods/sites": Write("goods.site", lambda s: {"name": "新冷库", "kind": "cold_store",
                                                            "jurisdiction_code": s.records["code"]}),
    "POST /api/v1/goods/sites/{site_id}/batches": Write("goods.record", lambda s: {
        "number": "SWEEP-B2", "goods": "冻虾", "origin_country": "厄瓜多尔", "port_of_entry": "上海港",
        "importer": "某", "quantity": "5", "unit": "箱", "received_on": _today(s)}),
    "POST /api/v1/goods/batches/{batch_id}/samples": Write("goods.sample", lambda s: {"kind": "packaging",
                                                                                        "taken_on": _today(s)}),
    "POST /api/v1/goods/samples/{sample_id}/result": Write("goods.sample", lambda s: {"result": "negative",
                                                                                        "result_on": _today(s)}),
    "POST /api/v1/goods/batches/{batch_id}/disinfections": Write("goods.record", lambda s: {
        "done_on": _today(s), "agent": "过氧乙酸", "certificate": "XD-1"}),
    # held, untested, not disinfected: refused alike for every role (the states are tested in goods/tests)
    "POST /api/v1/goods/batches/{batch_id}/release": Write("goods.dispose", changes=False),
    "POST /api/v1/goods/batches/{batch_id}/dispose": Write("goods.dispose", lambda s: {
        "step": "destroy", "disposal_record": "销毁"}, changes=False),
    "POST /api/v1/goods/batches/{batch_id}/moves": Write("goods.record", lambda s: {
        "to_site": s.records["site_id"], "quantity": "1", "moved_on": _today(s)}, changes=False),
    "POST /api/v1/goods/sites/{site_id}/workers": Write("goods.worker", lambda s: {
        "person_id": s.records["person_id"], "post": "理货"}),
    "POST /api/v1/goods/workers/{worker_id}/tests": Write("goods.worker", lambda s: {
        "tested_on": _today(s), "result": "negative"}),
    "POST /api/v1/doses": Write("dose.record", lambda s: {
        "person_id": s.records["person_id"], "product": "bibp", "dose": 1, "given_on": "2022-01-05", "site": "接种点"}),
    "POST /api/v1/supplies/stores": Write("store.add", lambda s: {
        "code": "NEW-STORE", "name": "新库", "kind": "site", "jurisdiction_code": s.records["code"]}),
    "POST /api/v1/supplies/stores/{store_id}/stock": Write("stock.record", lambda s: {
        "kind": "receive", "item": "gloves", "quantity": 5}),
    "POST /api/v1/supplies/requests": Write("supply.request", lambda s: {
        "store_id": s.records["store_id"], "item": "gloves", "need": 5, "need_by": _today(s),
        "posts": ["fever-clinic"]}),
    "POST /api/v1/supplies/requests/{supply_request_id}/decision": Write("supply.approve", lambda s: {
        "action": "approve"}),
    "POST /api/v1/supplies/allocations": Write("supply.allocate", lambda s: {
        "from_store": s.records["store_id"], "item": "gloves"}),
    "POST /api/v1/supplies/allocations/{allocation_id}/dispatch": Write("shipment.dispatch"),
    "POST /api/v1/supplies/shipments": Write("shipment.dispatch", lambda s: {
        "from_store": s.records["store_id"], "to_store": s.records["store_id"] + 1, "item": "gloves",
        "quantity": 1}),
    "POST /api/v1/supplies/shipments/{shipment_id}/receive": Write("shipment.receive", lambda s: {"received": 5}),
    "POST /api/v1/supplies/orders": Write("procurement.order", lambda s: {
        "store_id": s.records["store_id"], "item": "gloves", "quantity": 9, "supplier": "某公司",
        "expected_on": _today(s)}),
    "POST /api/v1/supplies/orders/{procurement_id}/deliver": Write("shipment.receive", lambda s: {"received": 100}),
    "POST /api/v1/workforce/staff": Write("workforce.staff", lambda s: {
        "name": "新护士", "kind": "medical", "employer": "协和医院", "jurisdiction_code": s.records["code"]}),
    "POST /api/v1/workforce/deployments": Write("workforce.deploy", lambda s: {
        "staff_id": s.records["reserve_id"], "post_id": s.records["post_id"], "starts_on": MONDAY.isoformat(),
        "ends_on": (MONDAY + dt.timedelta(days=6)).isoformat()}),
    "POST /api/v1/rosters/{roster_id}/shifts": Write("roster.plan", lambda s: {
        "staff_id": s.records["staff_id"], "day": (MONDAY + dt.timedelta(days=1)).isoformat(), "shift": "N"}),
    "POST /api/v1/rosters/{roster_id}/solve": Write("roster.plan"),
    "POST /api/v1/workforce/posts": Write("roster.plan", lambda s: {
        "name": "新病区", "kind": "icu", "jurisdiction_code": s.records["code"]}),
    "POST /api/v1/workforce/posts/{post_id}/shifts": Write("roster.plan", lambda s: {
        "code": "E", "name": "中班", "starts_at": "14:00", "minutes": 240, "minimum": 1, "preferred": 1}),
    "POST /api/v1/rosters": Write("roster.plan", lambda s: {
        "post_id": s.records["post_id"], "starts_on": (MONDAY + dt.timedelta(days=14)).isoformat(), "days": 7}),
}

PAGE_WRITES = {
    "case-transition": Write("case.move", lambda s: {"action": "confirm"}),
    "case-open": Write("case.open"),
    "symptoms-report": Write("symptoms.report", lambda s: {"symptoms": "咳嗽"}),
    "ledger-resolve": Write("symptoms.resolve", lambda s: {"resolution": "tested"}),
    "reading-add": Write("reading.record", lambda s: {"temperature": "36.6"}, changes=False),  # not watched
    "order-place": Write("order.place", lambda s: {"kind": "home", "reason": "close_contact"}),
    "order-end": Write("order.change", lambda s: {"status": "released_early", "note": "核酸阴性"}),
    "alert-step": Write("alert.handle"),
    "warning-rule-toggle": Write("warning.rule", lambda s: {"active": "0"}, scoped=False),
    "warning-task-done": Write("warning.task"),
    "bulletin-publish": Write("bulletin.publish"),
    "assist-answer": Write("assist.answer", lambda s: {"status": "found"}),
    "arrival-follow-up": Write("arrival.follow_up"),
    "report-submit": Write("report.submit", lambda s: {"note": "更正"}),
    "checkpoint-entry": Write("checkpoint.entry", lambda s: {"subject": "vehicle", "plate": "鄂A12345"}),
    "handover-confirm": Write("handover.confirm"),
    "import-step": Write(None, changes=False),
    "import-choice": Write(None, changes=False),
    "testing-take": Write("sample.take", lambda s: {"tube": "SW-T3"}),
    "testing-point-add": Write("campaign.declare", lambda s: {
        "name": "扫点三", "jurisdiction_code": s.records["code"], "population": "2000"}),
    "testing-tube-open": Write("sample.take", lambda s: {"tube": "SW-T4"}),
    "testing-tube-add": Write("sample.take", lambda s: {"tube": "SW-P1", "id_number": VALID_ID}),
    "testing-tube-seal": Write("sample.take", lambda s: {"tube": "SW-P1"}),
    "case-details": Write("case.move", lambda s: {"severity": "severe", "onset_date": _today(s)}),
    "order-extend": Write("order.change", lambda s: {"days": "3"}),
    "order-transfer": Write("case.move", lambda s: {"hospital": "金银潭医院"}),
    "setting-inspect": Write("inspection.conduct", lambda s: {
        "mode": "planned", **{f"item_{a.item_id}": "pass" for a in _all_passed(s)}}),
    "rectification-report": Write("rectification.report", lambda s: {"report": "已整改"}, changes=False),
    "rectification-verify": Write("rectification.verify", lambda s: {"verdict": "close"}, changes=False),
    "finding-publish": Write("finding.publish", lambda s: {"publishable": "1"}),
    "task-step": Write("task.work", lambda s: {"action": "start"}),
    "public-report-handle": Write("public_report.handle", lambda s: {"action": "close"}, changes=False),
    "public-report-reply": Write("public_report.reply", lambda s: {"reply": "已核实，责令整改"}),
    "pass-revoke": Write("pass.revoke", lambda s: {"reason": "车辆更换"}),
    "pass-check": Write("pass.check", lambda s: _pass_check(s)),
    "goods-sample": Write("goods.sample", lambda s: {"kind": "packaging", "taken_on": _today(s)}),
    "goods-result": Write("goods.sample", lambda s: {"result": "negative", "result_on": _today(s)}),
    "goods-disinfect": Write("goods.record", lambda s: {"done_on": _today(s), "agent": "过氧乙酸",
                                                        "certificate": "XD-1"}),
    "goods-release": Write("goods.dispose", changes=False),
    "goods-dispose": Write("goods.dispose", lambda s: {"step": "destroy", "disposal_record": "销毁"}, changes=False),
    "goods-move": Write("goods.record", lambda s: {"to_site": s.records["site_id"], "quantity": "1",
                                                   "moved_on": _today(s)}, changes=False),
    "goods-worker-test": Write("goods.worker", lambda s: {"tested_on": _today(s), "result": "negative"}),
    "dose-record": Write("dose.record", lambda s: {"product": "bibp", "dose": "1", "given_on": "2022-01-05",
                                                   "site": "接种点"}),
    "supplies-stock-record": Write("stock.record", lambda s: {"kind": "receive", "item": "gloves", "quantity": "5"}),
    "supplies-request-decide": Write("supply.approve", lambda s: {"action": "approve"}),
    "supplies-allocation-dispatch": Write("shipment.dispatch"),
    "supplies-shipment-receive": Write("shipment.receive", lambda s: {"received": "5"}),
    "supplies-order-deliver": Write("shipment.receive", lambda s: {"received": "100"}),
    "roster-set-shift": Write("roster.plan", lambda s: {
        "staff_id": s.records["staff_id"], "day": (MONDAY + dt.timedelta(days=1)).isoformat(), "shift": "N"}),
    "roster-solve": Write("roster.plan"),
    "case-test": Write("case.move", changes=False),  # the seeded case is at home: a discharge test is refused
    "care-facility-step": Write("facility.change", lambda s: {"step": "close"}, changes=False),  # a patient in it
    "care-beds-add": Write("facility.beds", lambda s: {"ward": "B区", "bed_kind": "icu", "count": "2"}),
    "care-bed-state": Write("bed.assign", lambda s: {"bed_state": "C"}),
    "care-bed-assign": Write("bed.assign", lambda s: {"bed": s.records["bed_id"]}, changes=False),  # in a bed
    "care-transfer-request": Write("transfer.request", lambda s: {"destination": s.records["facility_id"],
                                                                  "reason": "病情"}, changes=False),  # under way
    "care-transfer-step": Write("transfer.decide", lambda s: {"step": "accept"}),
}


def _all_passed(s):
    return inspection_records.all_passed(Setting.objects.get(pk=s.records["setting_id"])).answers


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [(method.upper(), path) for path, ops in schema["paths"].items() for method in ops]


def page_routes() -> list[tuple[str, str]]:
    """(name, route) of every page that takes a parameter, the API, admin and i18n aside."""
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern) not in ("admin/", "api/v1/", "i18n/"):
                    yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and "<" in str(p.pattern):
                yield p.name, prefix + str(p.pattern)
    return sorted(walk(get_resolver().url_patterns))


def fill(template: str, params: dict, missing: bool) -> str | None:
    """The URL with each parameter from PARAMS ({name} in the API, <conv:name> on pages); the record ones
    missing instead when `missing`; None when the route names no record."""
    names = re.findall(r"\{(?:\w+:)?(\w+)\}|<(?:\w+:)?(\w+)>", template)
    unknown = [a or b for a, b in names if (a or b) not in params]
    assert not unknown, f"{template}: add {unknown} to PARAMS (parameter name -> a seeded record)"

    def value(match):
        name = match.group(1) or match.group(2)
        real, is_record = params[name]
        if missing and is_record:
            return MISSING_CODE if name == "code" else MISSING_ID
        return real
    url = re.sub(r"\{(?:\w+:)?(\w+)\}|<(?:\w+:)?(\w+)>", value, template)
    return url if not missing or any(params[a or b][1] for a, b in names) else None


def call(client: Client, method: str, url: str, spec: Write | None, seeded: Seeded, *, page: bool):
    """One request in a savepoint rolled back afterwards: (status, body, fingerprint after or None)."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif spec and spec.multipart:
            from django.core.files.uploadedfile import SimpleUploadedFile

            response = client.post(url, {"file": SimpleUploadedFile("t.xlsx", ARRIVALS.template())})
        elif page:
            response = client.post(url, spec.body(seeded) if spec else {})
        else:
            response = client.post(url, json.dumps(spec.body(seeded) if spec else {}),
                                   content_type="application/json")
        after = fingerprint() if method != "GET" else None
        body = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    return response.status_code, body, after


def holds_marker(body: bytes) -> bool:
    """Whether a response shows one of the inside grid's records (JSON escapes non-ASCII, so decode it first)."""
    try:
        text = json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        text = body.decode("utf-8", "replace")
    return any(marker in text for marker in MARKERS)


def permitted(role, write: str | None) -> bool:
    return role is not None and write is not None and role in WRITE[write]


def sweep(seeded: Seeded, method: str, template: str, spec: Write | None, *, page: bool) -> list[str]:
    """Call one operation as every persona; the list of what went wrong, one line each."""
    params = PARAMS(seeded)
    url, missing_url = fill(template, params, False), fill(template, params, True)
    problems = []
    for (role, place), client in seeded.clients.items():
        who = f"{role or 'anonymous'}@{place}"
        inside = place == "inside"
        if method == "GET" and inside:
            continue
        status, body, after = call(client, method, url, spec, seeded, page=page)
        if method == "GET":
            if missing_url:
                missing_status, missing_body, _ = call(client, method, missing_url, spec, seeded, page=page)
                same = (status, body.replace(url.encode(), b"")) == (missing_status,
                                                                     missing_body.replace(missing_url.encode(), b""))
                if not same:
                    problems.append(f"LEAK {who}: {status} for the record, {missing_status} for a missing one")
            elif holds_marker(body):
                problems.append(f"LEAK {who}: {status}, the list holds a record of the inside grid")
            continue
        changed = after != seeded.baseline
        if spec.write is None:  # the uploader's own job: only they may touch it
            if changed and client is not seeded.clients[(Role.GRID, "inside")]:
                problems.append(f"WRITE {who}: {status}, changed the uploader's job")
            continue
        if not permitted(role, spec.write):
            if changed:
                problems.append(f"WRITE {who}: {status}, a role without {spec.write} changed the database")
            if not page and status not in (401 if role is None else 403,):
                problems.append(f"STATUS {who}: {status} instead of {401 if role is None else 403}")
        elif inside:
            if not page and status == 403:
                problems.append(f"REFUSED {who}: 403 although {spec.write} is theirs")
            if spec.changes and not changed:
                problems.append(f"NO-OP {who}: {status} {body[:200]!r}: the example wrote nothing")
        elif spec.scoped and changed:
            problems.append(f"WRITE {who}: {status}, changed a record outside their subtree")
    return problems


OPERATIONS = api_operations()
PAGES = page_routes()


@pytest.mark.django_db
@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_api_operation_as_every_persona(seeded, method, path):
    spec = None
    if f"{method} {path}" in PUBLIC_API_WRITES:
        assert not api.get_openapi_schema()["paths"][path][method.lower()].get("security")
        return
    if method != "GET":
        spec = API_WRITES.get(f"{method} {path}")
        assert spec, f"{method} {path}: add it to API_WRITES (its permission and an example body)"
    problems = sweep(seeded, method, path, spec, page=False)
    assert not problems, "\n".join([f"{method} {path}", *problems])


@pytest.mark.django_db
@pytest.mark.parametrize("name, route", PAGES, ids=[name for name, _ in PAGES])
def test_every_page_naming_a_record_as_every_persona(seeded, name, route):
    spec = PAGE_WRITES.get(name)
    if spec is None:
        status, _body, _after = call(seeded.clients[(Role.COMMAND, "inside")], "GET",
                                     "/" + fill(route, PARAMS(seeded), False), None, seeded, page=True)
        assert status != 405, f"{name}: a POST-only page: add it to PAGE_WRITES (its permission and a form)"
    problems = sweep(seeded, "POST" if spec else "GET", "/" + route, spec, page=True)
    assert not problems, "\n".join([name, *problems])


# Writes that no API operation and no page naming a record reaches; their services are tested on their own.
# test.ask: a suspected case's same-day test is asked by the case pathway, scheduled tests by their schedule.
# facility.add: its form is on the care page, which names no record.
NOT_SWEPT = {"site.add", "checkpoint.add", "warning.level", "warning.playbook", "test.ask", "selfreport.issue",
             "facility.add"}


def test_the_sweep_covers_every_write_of_the_table():
    """Each permission is exercised by some route, and each table entry still names a route that exists."""
    swept = {spec.write for spec in (*API_WRITES.values(), *PAGE_WRITES.values())}
    assert set(WRITE) - swept == NOT_SWEPT
    assert set(API_WRITES) <= {f"{m} {p}" for m, p in OPERATIONS}
    assert set(PAGE_WRITES) <= {name for name, _ in PAGES}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/cases", "/api/v1/handovers", "/api/v1/persons/", "/observation/",
                                 "/exports/persons.csv"])
def test_the_inside_command_centre_sees_the_markers_the_sweep_looks_for(seeded, url):
    _status, body, _after = call(seeded.clients[(Role.COMMAND, "inside")], "GET", url, None, seeded, page=True)
    assert holds_marker(body)
