"""One seeded city per test module, for the audit tests that walk every operation: each test runs in its own
transaction on top of it, so the writes of one never meet the next."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from fangkong.accounts.models import Role
from fangkong.accounts.services import create_token
from fangkong.audit.models import AuditEvent
from fangkong.cases import services as cases
from fangkong.checkpoints import services as checkpoints
from fangkong.conftest import build_tree, make_user
from fangkong.goods import services as goods
from fangkong.imports import services as imports
from fangkong.imports.tests.workbooks import arrival_row, workbook
from fangkong.passes import services as passes
from fangkong.pathways import arrivals as arrival_journey
from fangkong.people.services import PersonInput, create_person
from fangkong.quarantine import services as quarantine
from fangkong.screening import services as screening
from fangkong.supplies.tests.seed import seed_supplies
from fangkong.testing import campaigns
from fangkong.testing import services as testing
from fangkong.vaccination import services as vaccination
from fangkong.warning import services as warning
from fangkong.workforce.tests.fixtures import ward

CLIENT_IP = "203.0.113.7"


def resident_ids():
    """Valid resident IDs of Jiang'an district, born 1990-03-07, one per sequence number."""
    for sequence in range(200, 1000):
        base = f"42010219900307{sequence:03d}"
        yield from (base + d for d in "0123456789X" if ric.is_valid(base + d))


def seed() -> SimpleNamespace:
    tree = build_tree()
    commander = make_user("commander", Role.COMMAND, tree["city"])
    grid = tree["grid_a1"]
    ids = resident_ids()

    def person(name):
        return create_person(commander, PersonInput(id_number=next(ids), name=name, phone="13812345678",
                                                    grid_code=grid.code)).person

    names = ["病例甲", "症状乙", "观察丙", "观察丁", "协查戊", "抵达己", "卡口庚", "检测子", "检测丑"]
    people = {name: person(name) for name in names}
    case = cases.open_case(commander, people["病例甲"].pk)
    symptom, _ = cases.report_symptoms(commander, people["症状乙"].pk, source="grid", symptoms="咳嗽")
    orders = [quarantine.place_order(commander, people[n].pk, kind="home", reason="close_contact")
              for n in ("观察丙", "观察丁")]
    quarantine.record_reading(commander, people["观察丙"].pk, temperature="38.6")
    alert = orders[0].alerts.get()
    assist, _ = screening.receive_assist_request(commander, screening.AssistInput(
        region="北京市", reference="BJ-1", name="协查戊", address_code=grid.code,
        id_number=people["协查戊"].id_number))
    stranger, _ = screening.receive_assist_request(commander, screening.AssistInput(  # not in our register
        region="北京市", reference="BJ-2", name="外地壬", address_code=grid.code))
    arrival, _ = arrival_journey.register_arrival(commander, screening.ArrivalInput(
        person=PersonInput(id_number=people["抵达己"].id_number, name="抵达己", grid_code=grid.code),
        origin_code="110105", arrived_at=timezone.now() - dt.timedelta(hours=1), mode="train", vehicle="G1234",
        category="worker"))
    post = checkpoints.add_checkpoint(commander, name="汉口站", kind="station", jurisdiction_code=tree["city"].code)
    checkpoints.record_entry(commander, post.pk, checkpoints.EntryInput(
        subject="person", temperature="36.5",
        person=PersonInput(id_number=people["卡口庚"].id_number, name="卡口庚", grid_code=grid.code)))
    passing = checkpoints.record_entry(commander, post.pk, checkpoints.EntryInput(  # passing through, not ours
        subject="person", temperature="36.6", person=PersonInput(id_number=next(ids), name="过境癸"),
        destination="长沙"))
    checkpoints.record_entry(commander, post.pk, checkpoints.EntryInput(subject="vehicle", plate="鄂A12345"))
    handover = checkpoints.handovers_for(commander).get()
    rule = warning.add_rule(commander, name="新增病例", signal="new_cases", threshold=5, level=3)
    playbook = warning.open_playbook(commander, tree["city"], exercise=True)
    file = workbook([arrival_row(grid.code, id_number=next(ids), name="导入辛")])
    checking, _ = imports.upload(commander, "arrivals", "a.xlsx", file)
    checked, _ = imports.upload(commander, "arrivals", "b.xlsx", file)
    checked = imports.run_to_end(checked)
    overdue = testing.ask_test(commander, people["检测子"].pk)
    due = testing.ask_test(commander, people["检测丑"].pk)
    testing.take_sample(commander, overdue.pk, "AUD-S1")
    testing.receive_tubes(commander, ["AUD-S1"])
    type(overdue).objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    campaign = campaigns.declare_campaign(commander, name="全员", area_code=tree["city"].code)
    point = campaigns.add_point(commander, campaign.pk, name="采样点", jurisdiction_code=grid.code, population=2500)
    campaigns.open_tube(commander, point.pk, "AUD-P1")
    campaigns.add_to_tube(commander, "AUD-P1", people["检测子"].id_number)
    eldest_id = "42010219300101123"  # born 1930: one of the 80+ with no dose
    eldest_id += ric.calc_check_digit(eldest_id + "0")  # it reads the digits before the last one
    eldest = create_person(commander, PersonInput(id_number=eldest_id, name="高龄子", grid_code=grid.code)).person
    dose = vaccination.record_dose(commander, people["病例甲"].pk, vaccination.DoseInput(
        product="bibp", dose=1, given_on=dt.date(2022, 1, 5), site="江岸区接种点"))
    issued = passes.issue_pass(commander, passes.PassInput(
        jurisdiction_code=tree["city"].code, plate="鄂A12345", use="medical", carrier="九州通", driver_name="王师傅",
        route_from="420100", route_to="110000", valid_from=timezone.localdate(),
        valid_to=timezone.localdate() + dt.timedelta(days=3)))
    store = goods.add_site(commander, name="江岸冷库", kind="cold_store", jurisdiction_code=grid.code)
    today = timezone.localdate()
    lots = {}
    for number in ("held", "ready", "sealed", "released"):
        lots[number] = goods.receive_batch(commander, store.pk, goods.BatchInput(
            number=number, goods="冻肉", origin_country="巴西", port_of_entry="天津港", importer="某公司",
            quantity="10", unit="kg", received_on=today))
    for number in ("ready", "released"):
        goods.disinfect(commander, lots[number].pk, done_on=today, agent="过氧乙酸", certificate="XD-1")
        tested = goods.take_sample(commander, lots[number].pk, kind="goods", taken_on=today)
        goods.record_result(commander, tested.pk, result="negative", result_on=today)
    goods.release(commander, lots["released"].pk)
    positive = goods.take_sample(commander, lots["sealed"].pk, kind="goods", taken_on=today)
    goods.record_result(commander, positive.pk, result="positive", result_on=today)
    pending = goods.take_sample(commander, lots["held"].pk, kind="goods", taken_on=today)
    market = goods.add_site(commander, name="市场", kind="market", jurisdiction_code=grid.code)
    worker = goods.register_worker(commander, store.pk, person_id=people["卡口庚"].pk, post="装卸")
    _ward, rostered, roster = ward(commander, grid.code, nurses=("护士癸", "护士子"))
    rostered[0].user = commander  # the commander is on the roster too: their own roster shows one of the two
    rostered[0].save()
    return SimpleNamespace(
        due=due, campaign=campaign, point=point, round=campaign.round_set.get(number=1),
        tree=tree, grid=grid, commander=commander, token=create_token("commander"), people=people, ids=ids,
        case=case, symptom=symptom, orders=orders, alert=alert, assist=assist, stranger=stranger, arrival=arrival,
        checkpoint=post, passing=passing,
        handover=handover, rule=rule, task=playbook.tasks.first(), checking=checking, checked=checked,
        file=file, eldest=eldest, dose=dose, issued=issued, store=store, lots=lots, pending=pending, market=market,
        worker=worker, supplies=seed_supplies(commander, grid), roster=roster, rostered=rostered)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seeded = seed()
        AuditEvent.objects.all().delete()  # each test counts the rows its own call writes
        yield seeded
        transaction.set_rollback(True)
