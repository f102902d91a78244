"""The page forms write the same audit rows as the API, through channel "web", with the client's IP."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from fangkong.audit.models import Action, AuditEvent

from .conftest import CLIENT_IP

# url -> (form fields, the action of the one row it writes, the record it names)
FORMS = {
    "symptoms": (lambda w: f"/persons/{w.case.person_id}/symptoms/", lambda w: {"symptoms": "乏力"},
                 Action.SYMPTOM_REPORT, "symptomreport"),
    "place order": (lambda w: f"/persons/{w.case.person_id}/observation/", lambda w: {"kind": "home"},
                    Action.QUARANTINE_CHANGE, "order"),
    "switch a rule off": (lambda w: f"/warning/rules/{w.rule.pk}/active/", lambda w: {"active": "0"},
                          Action.RULE_CHANGE, "rule"),
    "answer an assist request": (lambda w: f"/assist/{w.assist.pk}/answer/", lambda w: {"status": "found"},
                                 Action.ASSIST_ANSWER, "assistrequest"),
    "confirm a handover": (lambda w: f"/handovers/{w.handover.pk}/confirm/", lambda w: {},
                           Action.HANDOVER_CHANGE, "handover"),
    "zero report": (lambda w: f"/reports/{w.grid.code}/submit/", lambda w: {"day": timezone.localdate().isoformat()},
                    Action.REPORT_SUBMITTED, "dailyreport"),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_page_form_writes_one_audit_row_through_the_web(world, db, client, form):
    address, fields, action, record = FORMS[form]
    client.force_login(world.commander)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.post(address(world), fields(world), REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    [row] = AuditEvent.objects.exclude(pk__in=before)
    assert (row.action, row.actor, row.channel, row.ip, row.details["record"]) == (
        action, world.commander, "web", CLIENT_IP, record)
    assert row.details["changes"]  # what changed, before and after


def test_switching_a_rule_off_records_its_before_and_after(world, db, client):
    client.force_login(world.commander)
    client.post(f"/warning/rules/{world.rule.pk}/active/", {"active": "0"})
    row = AuditEvent.objects.get(action=Action.RULE_CHANGE)
    assert row.details == {"record": "rule", "id": world.rule.pk, "changes": {"active": [True, False]}}
