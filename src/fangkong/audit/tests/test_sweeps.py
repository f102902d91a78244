"""What the scheduled sweeps change is audited like a user's change: one row per person, no actor (the system)."""

import datetime as dt
from collections import Counter

from django.utils import timezone

from fangkong.audit.models import Action, AuditEvent
from fangkong.checkpoints import services as checkpoints
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.models import Alert, AlertKind


def test_missed_reading_alerts_raised_by_the_sweep_are_audited_per_person(world, db):
    raised = quarantine.sweep_missed_readings(timezone.now() + dt.timedelta(days=2))
    alerts = Alert.objects.filter(kind=AlertKind.MISSED)
    rows = AuditEvent.objects.filter(action=Action.ALERT_CHANGE)
    assert raised > 0 and rows.count() == raised
    assert Counter(r.person_id for r in rows) == Counter(a.person_id for a in alerts)
    assert {(r.actor_id, r.details["changes"]["status"][1]) for r in rows} == {(None, "open")}


def test_handovers_left_unconfirmed_are_audited_once_when_they_go_overdue(world, db):
    later = timezone.now() + dt.timedelta(days=1)
    assert checkpoints.sweep_handovers(later) == 1 and checkpoints.sweep_handovers(later) == 0
    [row] = AuditEvent.objects.filter(action=Action.HANDOVER_CHANGE)
    assert (row.person, row.actor, row.details["changes"]) == (
        world.handover.person, None, {"status": ["pending", "overdue"]})


def test_a_missed_alert_a_late_entered_reading_proves_false_is_resolved_and_audited(world, db):
    person = world.case.person
    order = quarantine.place_order(world.commander, person.pk, kind="home", reason="close_contact",
                                   starts_at=timezone.now() - dt.timedelta(days=2))
    quarantine.sweep_missed_readings()
    alert = Alert.objects.filter(order=order, kind=AlertKind.MISSED).order_by("slot__opens_at").first()
    quarantine.record_reading(world.commander, person.pk, temperature="36.6",
                              taken_at=alert.slot.opens_at + dt.timedelta(minutes=1))
    alert.refresh_from_db()
    row = AuditEvent.objects.get(action=Action.ALERT_CHANGE, actor=world.commander)
    assert (alert.status, row.person, row.details["id"], row.details["changes"]) == (
        "resolved", person, alert.pk, {"status": ["open", "resolved"]})
