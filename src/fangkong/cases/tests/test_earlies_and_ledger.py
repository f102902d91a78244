import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from fangkong.cases import services
from fangkong.cases.models import Case
from fangkong.dashboard.services import summary
from fangkong.errors import InputRefused


def test_the_five_earlies_intervals_and_a_late_report(person, epidemiologist):
    now = timezone.now()
    detected = now - dt.timedelta(hours=10)
    case = services.open_case(epidemiologist, person.pk, onset_date=(now - dt.timedelta(days=3)).date(),
                              detected_at=detected)
    services.record_report(epidemiologist, case.pk, detected + dt.timedelta(hours=3))
    services.transition(epidemiologist, case.pk, "transfer", at=detected + dt.timedelta(hours=4))
    services.transition(epidemiologist, case.pk, "confirm", at=detected + dt.timedelta(hours=8))
    services.transition(epidemiologist, case.pk, "admit", at=detected + dt.timedelta(hours=9), hospital="金银潭医院")
    earlies = services.five_earlies(Case.objects.get(pk=case.pk))
    assert earlies.detection_to_report_hours == 3.0
    assert earlies.report_late  # the deadline is 2 hours
    assert earlies.detection_to_isolation_hours == 4.0
    assert earlies.isolation_to_diagnosis_hours == 4.0
    assert earlies.diagnosis_to_treatment_hours == 1.0
    assert earlies.onset_to_detection_days in (2, 3)  # depends on the local hour


def test_a_report_within_two_hours_is_on_time(person, epidemiologist):
    detected = timezone.now() - dt.timedelta(hours=5)
    case = services.open_case(epidemiologist, person.pk, detected_at=detected,
                              reported_at=detected + dt.timedelta(minutes=90))
    assert not services.five_earlies(case).report_late


def test_times_in_the_future_are_refused(person, epidemiologist):
    with pytest.raises(InputRefused) as caught:
        services.open_case(epidemiologist, person.pk, detected_at=timezone.now() + dt.timedelta(hours=1))
    assert caught.value.problems[0].field == "detected_at"
    assert not Case.objects.exists()


def test_a_ledger_entry_is_overdue_past_its_deadline_and_resolving_it_can_open_a_case(person, epidemiologist, tree):
    entry, created = services.report_symptoms(epidemiologist, person.pk, source="fever_clinic", symptoms="发热、咳嗽",
                                              temperature=Decimal("38.2"),
                                              reported_at=timezone.now() - dt.timedelta(hours=30))
    assert created
    assert summary(tree["county_a"]).totals["overdue_ledger"] == 1
    assert summary(tree["county_b"]).totals["overdue_ledger"] == 0
    services.resolve_symptom_report(epidemiologist, entry.pk, "case_opened")
    assert summary(tree["city"]).totals["overdue_ledger"] == 0
    case = Case.objects.get(person=person)
    assert case.symptom_report == entry and case.detected_at == entry.reported_at


def test_a_ledger_entry_sent_twice_counts_once(person, epidemiologist):
    first, _ = services.report_symptoms(epidemiologist, person.pk, source="grid", symptoms="乏力", idempotency_key="a1")
    again, created = services.report_symptoms(epidemiologist, person.pk, source="grid", symptoms="乏力",
                                              idempotency_key="a1")
    assert first.pk == again.pk and not created


def test_a_ledger_entry_with_an_implausible_temperature_is_refused(person, epidemiologist):
    with pytest.raises(InputRefused) as caught:
        services.report_symptoms(epidemiologist, person.pk, source="grid", symptoms="发热", temperature=Decimal("45"))
    assert caught.value.problems[0].field == "temperature"
