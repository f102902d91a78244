"""The care journey as its users walk it: each step, what it does across domains, and every refusal on the way."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from fangkong.audit.models import Action, AuditEvent
from fangkong.cases import disease as diseases
from fangkong.cases import services as cases
from fangkong.cases.models import SymptomReport
from fangkong.conftest import bearer
from fangkong.errors import InputRefused
from fangkong.pathways import care
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Alert, Order, OrderStatus, ReadingSlot, SlotStatus

from .lab import lab_result

HOSPITAL = "武汉市金银潭医院"


@pytest.fixture
def results(person, commander):
    """Report a result of the person: results(outcome, hours_ago) — through the lab's own steps."""
    return lambda outcome, hours_ago: lab_result(commander, person, outcome, hours_ago=hours_ago)


@pytest.fixture
def watched(person, grid_worker):
    """The person under home observation since yesterday, with reading windows ahead."""
    return quarantine.place_order(grid_worker, person.pk, kind="home", reason="close_contact",
                                  starts_at=timezone.now() - dt.timedelta(days=1))


def refusal(call) -> str:
    with translation.override("en"):
        with pytest.raises(InputRefused) as caught:
            call()
        return " ".join(str(p.message) for p in caught.value.problems)


def test_a_fever_reading_raises_an_alert_and_a_ledger_entry_and_says_so(watched, person, grid_worker):
    with translation.override("en"):
        reading, created, fever = care.record_reading(grid_worker, person.pk, temperature="38.6")
        message = fever.message
    alert = Alert.objects.get(reading=reading)
    entry = SymptomReport.objects.get(person=person)
    assert created and alert.owner_path == watched.owner_path
    assert (entry.source, entry.temperature, entry.resolved_at) == ("observation", reading.temperature, None)
    assert "38.6 °C is a fever" in message and grid_worker.jurisdiction.name in message
    assert "symptom ledger" in message
    # the next fever while the entry is open adds an alert, not a second entry; a normal reading tells nothing
    care.record_reading(grid_worker, person.pk, temperature="38.9")
    assert SymptomReport.objects.filter(person=person).count() == 1
    assert care.record_reading(grid_worker, person.pk, temperature="36.6")[2] is None


def test_a_resubmitted_fever_reading_enters_the_ledger_once(watched, person, grid_worker):
    for _attempt in range(2):
        care.record_reading(grid_worker, person.pk, temperature="38.6", idempotency_key="phone-1")
    assert SymptomReport.objects.filter(person=person).count() == 1
    assert Alert.objects.filter(order=watched).count() == 1


def test_the_journey_from_a_fever_to_release(watched, person, grid_worker, epidemiologist, results):
    care.record_reading(grid_worker, person.pk, temperature="38.6")
    entry = SymptomReport.objects.get(person=person)
    cases.resolve_symptom_report(epidemiologist, entry.pk, "case_opened")
    case = person.cases.get()
    care.move(epidemiologist, case.pk, "confirm")

    # transfer: the observation order ends and its windows stop: the sweep finds only those missed before it
    case = care.move(epidemiologist, case.pk, "transfer")
    watched.refresh_from_db()
    assert (case.placement, watched.status) == ("in_transfer", OrderStatus.TRANSFERRED)
    assert not ReadingSlot.objects.filter(order=watched, status=SlotStatus.DUE, closes_at__gt=watched.ended_at).exists()
    missed_before_transfer = ReadingSlot.objects.filter(order=watched, status=SlotStatus.DUE).count()
    quarantine.sweep_missed_readings(timezone.now() + dt.timedelta(days=3))
    assert Alert.objects.filter(kind="missed", order=watched).count() == missed_before_transfer
    assert AuditEvent.objects.filter(action=Action.PATHWAY_STEP, person=person,
                                     details__step="transfer").exists()

    case = care.move(epidemiologist, case.pk, "admit", hospital=HOSPITAL, at=timezone.now() - dt.timedelta(days=2))
    assert (case.placement, case.facility_kind) == ("admitted", "makeshift")  # mild

    # discharge: refused without the negatives, with one, with two too close together, after a positive
    assert "2 consecutive negative tests" in refusal(lambda: care.move(epidemiologist, case.pk, "discharge"))
    results("negative", 44)
    results("negative", 34)  # 10 h after the first
    assert "there are 1" in refusal(lambda: care.move(epidemiologist, case.pk, "discharge"))
    results("positive", 30)
    results("invalid", 5)  # counts neither way
    results("negative", 4)
    assert "there are 1" in refusal(lambda: care.move(epidemiologist, case.pk, "discharge"))
    case.refresh_from_db()
    assert case.placement == "admitted"
    results("negative", 29)  # after the positive, 25 h before the last negative: two that count
    case = care.move(epidemiologist, case.pk, "discharge")
    assert case.placement == "discharged"

    # health monitoring: a home order of the settings' days; release refused until it ends
    case = care.move(epidemiologist, case.pk, "observe")
    monitoring = Order.objects.get(person=person, status=OrderStatus.ACTIVE)
    days = diseases.current().post_discharge_observation_days
    assert (monitoring.reason, monitoring.kind, monitoring.case_id) == ("post_discharge", "home", case.pk)
    assert monitoring.planned_end_at - monitoring.starts_at == dt.timedelta(days=days)
    assert "health monitoring runs until" in refusal(lambda: care.move(epidemiologist, case.pk, "release"))
    Order.objects.filter(pk=monitoring.pk).update(planned_end_at=timezone.now() - dt.timedelta(minutes=1))
    case = care.move(epidemiologist, case.pk, "release")
    monitoring.refresh_from_db()
    assert (case.placement, monitoring.status) == ("released", OrderStatus.RELEASED)
    assert case.closed_at is not None
    assert list(case.events.order_by("id").values_list("action", flat=True)) == [
        "open", "confirm", "transfer", "admit", "discharge", "observe", "release"]


@pytest.mark.parametrize("severity, high_risk, tier", [
    ("mild", False, "makeshift"), ("mild", True, "designated"), ("moderate", False, "designated"),
    ("severe", False, "designated"), ("critical", False, "designated")])
def test_admission_goes_to_the_tier_the_settings_give(person, epidemiologist, severity, high_risk, tier):
    case = cases.open_case(epidemiologist, person.pk, severity=severity, high_risk=high_risk)
    care.move(epidemiologist, case.pk, "confirm")
    assert care.move(epidemiologist, case.pk, "admit", hospital=HOSPITAL).facility_kind == tier


def test_the_settings_decide_from_which_severity_a_designated_hospital_takes_over(person, epidemiologist):
    disease = diseases.current()
    disease.designated_from_severity = "severe"
    disease.save()
    case = cases.open_case(epidemiologist, person.pk, severity="moderate")
    assert care.move(epidemiologist, case.pk, "admit", hospital=HOSPITAL).facility_kind == "makeshift"


def test_the_settings_decide_how_many_negatives_and_how_far_apart(person, epidemiologist, results):
    disease = diseases.current()
    disease.discharge_negative_tests, disease.discharge_test_gap_hours = 3, 12
    disease.save()
    case = cases.open_case(epidemiologist, person.pk)
    care.move(epidemiologist, case.pk, "confirm")
    care.move(epidemiologist, case.pk, "admit", hospital=HOSPITAL, at=timezone.now() - dt.timedelta(days=2))
    results("negative", 30)
    results("negative", 17)
    assert "3 consecutive negative tests at least 12 h apart" in refusal(
        lambda: care.move(epidemiologist, case.pk, "discharge"))
    results("negative", 4)
    assert care.move(epidemiologist, case.pk, "discharge").placement == "discharged"


def test_results_from_before_admission_do_not_count(person, epidemiologist, results):
    case = cases.open_case(epidemiologist, person.pk)
    results("negative", 72)
    results("negative", 48)
    for step in ("confirm", "admit"):
        care.move(epidemiologist, case.pk, step, hospital=HOSPITAL)
    assert "there are 0" in refusal(lambda: care.move(epidemiologist, case.pk, "discharge"))


def test_a_step_the_table_forbids_is_refused_with_the_steps_allowed(person, epidemiologist):
    case = cases.open_case(epidemiologist, person.pk)
    message = refusal(lambda: care.move(epidemiologist, case.pk, "discharge"))
    assert "cannot discharge" in message and "allowed now" in message


def test_the_order_page_transfer_needs_an_open_case(watched, person, epidemiologist):
    assert "open case" in refusal(lambda: care.transfer_from_order(epidemiologist, watched.pk))
    case = cases.open_case(epidemiologist, person.pk)
    order = care.transfer_from_order(epidemiologist, watched.pk, hospital=HOSPITAL)
    case.refresh_from_db()
    assert (order.status, case.placement) == (OrderStatus.TRANSFERRED, "in_transfer")
    assert "has ended" in refusal(lambda: care.transfer_from_order(epidemiologist, watched.pk))


def test_the_api_transition_goes_through_the_pathway(watched, person, epidemiologist, client):
    case = cases.open_case(epidemiologist, person.pk)
    api = bearer(client, epidemiologist)
    response = api.post(f"/api/v1/cases/{case.pk}/transitions", {"action": "transfer"},
                        content_type="application/json")
    assert response.status_code == 200 and response.json()["placement"] == "in_transfer"
    watched.refresh_from_db()
    assert watched.status == OrderStatus.TRANSFERRED
    refused = api.post(f"/api/v1/cases/{case.pk}/transitions", {"action": "release"},
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400


def test_a_grid_worker_may_not_move_a_case(person, epidemiologist, grid_worker):
    case = cases.open_case(epidemiologist, person.pk)
    assert "may not" in refusal(lambda: care.move(grid_worker, case.pk, "confirm"))


def test_a_suspected_case_gets_its_same_day_test_and_a_positive_confirms_it(person, epidemiologist, commander):
    from fangkong.testing import services as testing
    from fangkong.testing.models import TestDue, TestingRules

    rules = testing.rules()
    TestingRules.objects.filter(pk=rules.pk).update(positive_makes_confirmed=True)
    case = care.open_case(epidemiologist, person.pk)
    due = TestDue.objects.get(person=person)
    assert (due.purpose, timezone.localtime(due.due_at).date()) == ("clearance", timezone.localdate())
    lab_result(commander, person, "positive")
    case.refresh_from_db()
    assert case.classification == "confirmed" and case.diagnosed_at is not None


def test_a_discharge_test_is_asked_for_an_admitted_patient_only(person, epidemiologist):
    case = cases.open_case(epidemiologist, person.pk)
    assert "in hospital" in refusal(lambda: care.ask_discharge_test(epidemiologist, case.pk))
    care.move(epidemiologist, case.pk, "admit", hospital=HOSPITAL)
    assert care.ask_discharge_test(epidemiologist, case.pk).purpose == "clinical"


def test_the_first_case_of_a_fresh_deployment_gets_its_test(person, epidemiologist):
    """No testing rules stored yet: the defaults are made on the spot and the same-day deadline read from them."""
    from fangkong.testing.models import TestingRules

    TestingRules.objects.all().delete()  # as after a flush (the browser tests' database)
    care.open_case(epidemiologist, person.pk)
    assert person.tests_due.get().due_at.date() >= timezone.localdate() - dt.timedelta(days=1)
