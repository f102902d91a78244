"""Every GET operation of the API and every page that shows a named person writes an audit row for each person
shown, with the channel and a reason; the others are listed as showing none, so a new surface must be classified."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

from fangkong import urls
from fangkong.api import api
from fangkong.audit.models import Action, AuditEvent, Reason
from fangkong.care.tests.seed import seed_care
from fangkong.screening.models import AssistRequest
from fangkong.selfreport import services as selfreport
from fangkong.tasks.tests import factories as task_records

from .conftest import CLIENT_IP


def items(body):
    return body["items"] if isinstance(body, dict) else body


def person_ids(body):
    return [i["person_id"] for i in items(body)]


# operation id -> (path parameters, the persons the response shows)
API_SURFACES = {
    "fangkong_cases_api_list_cases": (lambda w: {}, person_ids),
    "fangkong_cases_api_case_detail": (lambda w: {"case_id": w.case.pk}, lambda body: [body["person_id"]]),
    "fangkong_cases_api_list_symptom_reports": (lambda w: {}, person_ids),
    "fangkong_quarantine_api_list_orders": (lambda w: {}, person_ids),
    "fangkong_quarantine_api_list_alerts": (lambda w: {}, person_ids),
    "fangkong_people_api_list_persons": (lambda w: {}, lambda body: [i["id"] for i in items(body)]),
    "fangkong_people_api_person_detail": (lambda w: {"person_id": w.case.person_id}, lambda body: [body["id"]]),
    "fangkong_screening_api_list_arrivals": (lambda w: {}, person_ids),
    "fangkong_screening_api_list_assist_requests": (lambda w: {}, lambda body: list(AssistRequest.objects.filter(
        pk__in=[i["id"] for i in items(body)]).values_list("person_id", flat=True))),
    "fangkong_checkpoints_api_list_handovers": (lambda w: {}, person_ids),
    "fangkong_testing_api_list_tests_due": (lambda w: {}, person_ids),
    "fangkong_vaccination_api_list_doses": (lambda w: {}, person_ids),
    "fangkong_vaccination_api_unvaccinated": (lambda w: {"code": w.grid.code}, person_ids),
    "fangkong_goods_api_overdue_workers": (lambda w: {}, person_ids),
    "fangkong_workforce_api_roster": (lambda w: {"roster_id": w.roster.pk},
                                      lambda body: [s["person_id"] for s in body["staff"]]),
}
API_EXPORT = "fangkong_web_api_export"  # a streamed register: its rows are audited as an export
API_WITHOUT_PERSONS = {
    "fangkong_jurisdictions_api_own_jurisdiction", "fangkong_jurisdictions_api_jurisdiction_detail",
    "fangkong_dashboard_api_jurisdiction_summary", "fangkong_warning_api_list_rules",
    "fangkong_warning_api_list_tasks", "fangkong_warning_api_situation", "fangkong_screening_api_list_risk_areas",
    "fangkong_screening_api_risk_area_history", "fangkong_reporting_api_completeness",
    "fangkong_imports_api_list_imports", "fangkong_imports_api_status", "fangkong_imports_api_refusals",
    "fangkong_web_api_list_exports",
    "fangkong_testing_api_round_coverage", "fangkong_testing_api_round_progress",  # counts by grid only
    "fangkong_inspections_api_list_settings", "fangkong_inspections_api_list_checklists",
    "fangkong_inspections_api_list_rectifications", "fangkong_inspections_api_inspection_figures",
    "fangkong_inspections_api_published_findings",
    # tasks and reports name units; a public report's list leaves its reporter out (shown on its page, audited)
    "fangkong_tasks_api_list_tasks", "fangkong_tasks_api_my_todo", "fangkong_tasks_api_list_supervisions",
    "fangkong_tasks_api_list_public_reports",
    # a pass names its vehicle and driver, not a person of the register; coverage is counts only
    "fangkong_passes_api_list_passes", "fangkong_vaccination_api_coverage",
    "fangkong_vaccination_api_grid_gaps",
    "fangkong_goods_api_list_batches", "fangkong_goods_api_trace",  # goods and stores, no one
    # supplies: stores, stock, requests, allocations, shipments and orders name units, never people
    "fangkong_supplies_api_list_items", "fangkong_supplies_api_list_stores", "fangkong_supplies_api_stock",
    "fangkong_supplies_api_list_requests", "fangkong_supplies_api_allocation_detail",
    "fangkong_supplies_api_preview_allocation",
    "fangkong_supplies_api_list_shipments", "fangkong_supplies_api_list_orders",
    "fangkong_workforce_api_readiness",
}


def read_operations():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return sorted((op["operationId"], path) for path, ops in schema["paths"].items()
                  for method, op in ops.items() if method == "get")


def seen(actor, action=Action.VIEW_PERSON):
    return AuditEvent.objects.filter(actor=actor, action=action)


@pytest.mark.parametrize("operation,path", read_operations(), ids=lambda v: v if "_api_" in v else "")
def test_every_api_read_that_shows_persons_audits_each_one(world, db, operation, path):
    client = Client(REMOTE_ADDR=CLIENT_IP, HTTP_AUTHORIZATION=f"Bearer {world.token}")
    if operation == API_EXPORT:
        response = client.get(path.format(name="cases"), {"format": "csv"})
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert world.case.person.name in body
        exported = seen(world.commander, Action.EXPORT_PERSON)
        assert [(e.person_id, e.channel, e.ip) for e in exported] == [(world.case.person_id, "api", CLIENT_IP)]
        return
    if operation in API_WITHOUT_PERSONS:
        return
    assert operation in API_SURFACES, f"{operation} ({path}): add it to API_SURFACES or API_WITHOUT_PERSONS"
    params, shown_in = API_SURFACES[operation]
    response = client.get(path.format(**params(world)))
    assert response.status_code == 200, response.content.decode()
    shown = shown_in(response.json())
    assert shown, "the seeded city must give this surface someone to show"
    views = seen(world.commander)
    assert Counter(e.person_id for e in views) == Counter(shown)  # None: someone not in the register
    assert {(e.channel, e.ip, e.reason) for e in views} == {("api", CLIENT_IP, Reason.INTEGRATION)}
    assert all(e.details["record"] for e in views if e.person_id is None)  # named by the record that shows them


def named(*persons):
    return [(p.pk, p.name) for p in persons]


def masked(*persons):
    return [(p.pk, f"{p.name[:1]}**") for p in persons]


# url name -> (its address, the persons it shows as (person id, or None for someone not in the register; name))
PAGE_SURFACES = {
    "cases": (lambda w: "/cases/", lambda w: named(w.case.person)),
    "case": (lambda w: f"/cases/{w.case.pk}/", lambda w: named(w.case.person)),
    "ledger": (lambda w: "/ledger/", lambda w: named(w.symptom.person)),
    "observation": (lambda w: "/observation/", lambda w: named(*(o.person for o in w.orders))),
    "alerts": (lambda w: "/alerts/", lambda w: named(w.alert.person)),
    "arrivals": (lambda w: "/arrivals/", lambda w: named(w.arrival.person)),
    "assist-requests": (lambda w: "/assist/", lambda w: [*named(w.assist.person), (None, w.stranger.name)]),
    "handovers": (lambda w: "/handovers/", lambda w: named(w.handover.person)),
    "checkpoint": (lambda w: f"/checkpoint/?post={w.checkpoint.pk}",
                   lambda w: [*named(w.handover.person), (None, w.passing.traveller_name)]),
    "jurisdiction": (lambda w: f"/j/{w.grid.code}/",
                     lambda w: named(*w.grid.persons.order_by("household__code", "id"))),
    "person-search": (lambda w: "/persons/?q=观察", lambda w: named(*(o.person for o in w.orders))),
    "person": (lambda w: f"/persons/{w.case.person_id}/", lambda w: named(w.case.person)),
    "testing-lab": (lambda w: "/testing/", lambda w: named(w.people["检测子"])),  # the overdue test
    "testing-due": (lambda w: "/testing/due/", lambda w: named(w.people["检测子"], w.people["检测丑"])),
    "testing-point": (lambda w: f"/testing/points/{w.point.pk}/?tube=AUD-P1", lambda w: named(w.people["检测子"])),
    "order": (lambda w: f"/orders/{w.orders[0].pk}/", lambda w: named(w.orders[0].person)),
    "public-report": (lambda w: f"/public-reports/{task_records.public_report(w.tree['town_a']).pk}/",
                      lambda w: [(None, "举报人李")]),
    "doses": (lambda w: f"/persons/{w.case.person_id}/doses/", lambda w: named(w.case.person)),
    "vaccination-unvaccinated": (lambda w: f"/vaccination/{w.grid.code}/unvaccinated/", lambda w: named(w.eldest)),
    "goods-workers": (lambda w: "/goods/workers/", lambda w: named(w.worker.person)),
    "roster": (lambda w: f"/rosters/{w.roster.pk}/", lambda w: [(None, s.name) for s in w.rostered]),
    "own-roster": (lambda w: f"/rosters/{w.roster.pk}/mine/", lambda w: [(None, w.rostered[0].name)]),
    "figure-records": (lambda w: f"/dashboard/{w.grid.code}/records/fever_alerts/", lambda w: named(w.alert.person)),
    "self-report-links": (lambda w: selfreport.issue(w.commander) and "/self-report/",
                          lambda w: named(*(o.person for o in w.orders))),
    # care: the patient's name masked (surname and stars), each view audited
    "care-admissions": (lambda w: seed_care(w.commander, w.grid, w.case) and "/care/admissions/",
                        lambda w: masked(w.case.person)),
    "care-ward-board": (lambda w: f"/care/facilities/{seed_care(w.commander, w.grid, w.case, in_bed=True).facility.pk}"
                                  "/",
                        lambda w: masked(w.case.person)),
    "care-transfers": (lambda w: seed_care(w.commander, w.grid, w.case, transfer=True) and "/care/transfers/",
                       lambda w: masked(w.case.person)),
}
PAGE_EXPORTS = {"persons-export": lambda w: f"/j/{w.grid.code}/persons.csv",
                "register-export": lambda w: "/exports/cases.csv",
                "testing-missed": lambda w: f"/testing/rounds/{w.round.pk}/missed.csv",
                "roster-xlsx": lambda w: f"/rosters/{w.roster.pk}/roster.xlsx"}
PAGES_WITHOUT_PERSONS = {
    "home", "favicon", "login", "logout", "jurisdiction-tree", "jurisdiction-map", "dashboard-home", "dashboard",
    "forecast", "warning", "bulletins", "bulletin", "bulletin-pdf", "risk-areas", "reports", "reports-of", "exports",
    "imports", "import", "import-template", "import-refusals",
    # the refused rows of a file, as it had them: not yet persons of the register; audited as an import event
    "import-refused-rows", "assist-export",  # answers only: reference, name, status, no register person
    "testing-campaigns", "testing-campaign",  # campaigns, rounds, points and coverage counts by grid
    # settings, inspections, findings and photos name places and units; tasks name units or staff, not residents
    "inspections", "setting", "rectification", "inspection-photo", "checklists", "published-findings", "todo",
    "tasks", "task", "supervisions", "public-report-form", "published-reports", "public-reports",
    # passes name a vehicle and its driver, not a person of the register; coverage is counts only
    "passes", "pass", "pass-qr", "pass-check-page", "vaccination-home", "vaccination", "goods", "goods-batch",
    "supplies", "supplies-requests", "supplies-allocate", "supplies-allocation", "supplies-shipments",
    "supplies-orders",  # units and goods, no person
    "workforce",  # echelon counts and rosters by post: no one named
    "today", "screen-panel",  # counts only
    "service-worker", "offline",  # static: no data at all
    "self-report",  # the person's own page: a window and a form, no name (the link is the person's secret)
    "care",  # facilities, readiness and bed counts by place: no one named
}
WRITE_PAGES = {  # POST only
    "case-transition", "case-open", "symptoms-report", "ledger-resolve", "reading-add", "order-place", "order-end",
    "alert-step", "warning-rule-add", "warning-rule-toggle", "warning-level", "warning-drill", "warning-task-done",
    "bulletin-draft", "bulletin-publish", "risk-area-declare", "assist-answer", "arrival-register",
    "arrival-follow-up", "report-submit", "checkpoint-entry", "handover-confirm", "import-upload", "import-step",
    "import-choice", "testing-receive", "testing-result", "testing-take", "testing-declare", "testing-point-add",
    "testing-tube-open", "testing-tube-add", "testing-tube-seal",
    "case-details", "order-extend", "order-transfer",
    "setting-add", "setting-inspect", "rectification-report", "rectification-verify",
    "finding-publish", "checklist-add", "task-assign", "task-step", "supervision-add", "public-report-handle",
    "public-report-reply",
    "pass-issue", "pass-revoke", "pass-check", "dose-record", "goods-receive", "goods-sample",
    "goods-result", "goods-disinfect", "goods-release", "goods-dispose", "goods-move", "goods-worker-test",
    "supplies-store-add", "supplies-stock-record", "supplies-request-add", "supplies-request-decide",
    "supplies-allocation-make", "supplies-allocation-dispatch", "supplies-shipment-dispatch",
    "supplies-shipment-receive", "supplies-order-add", "supplies-order-deliver",
    "roster-set-shift", "roster-solve",
    "case-test",
    "roster-create",
    "self-report-issue",
    "care-facility-add", "care-activate", "care-facility-step", "care-beds-add", "care-bed-state", "care-bed-assign",
    "care-transfer-request", "care-transfer-step",
}


def page_names():
    return sorted(p.name for p in urls.urlpatterns if isinstance(p, URLPattern)
                  and not isinstance(p, URLResolver) and p.name)


@pytest.mark.parametrize("name", page_names())
def test_every_page_that_shows_persons_audits_each_one(world, db, client, name):
    client.force_login(world.commander)
    client.defaults["REMOTE_ADDR"] = CLIENT_IP
    if name in PAGES_WITHOUT_PERSONS or name in WRITE_PAGES:
        return
    if name in PAGE_EXPORTS:
        response = client.get(PAGE_EXPORTS[name](world))
        b"".join(response.streaming_content)
        assert {(e.channel, e.ip) for e in seen(world.commander, Action.EXPORT_PERSON)} == {("web", CLIENT_IP)}
        return
    assert name in PAGE_SURFACES, f"page {name}: add it to PAGE_SURFACES, PAGES_WITHOUT_PERSONS or WRITE_PAGES"
    address, shown = PAGE_SURFACES[name]
    response = client.get(address(world))
    assert response.status_code == 200
    persons, html = shown(world), response.content.decode()
    assert persons and all(name in html for _pk, name in persons)
    views = seen(world.commander)
    assert Counter(e.person_id for e in views) == Counter(pk for pk, _name in persons)
    assert {(e.channel, e.ip) for e in views} == {("web", CLIENT_IP)}
