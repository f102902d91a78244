"""Every form of the product answers a bad submission the same way: the page again (200), with everything that was
typed, each problem at its field under the field's Chinese name, every problem at once."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test.html import Element, parse_html
from django.urls import reverse
from django.utils import timezone, translation

from fangkong import fields
from fangkong.accounts.models import User
from fangkong.conftest import PASSWORD, login_client
from fangkong.inspections import services as inspections
from fangkong.inspections.tests import factories as inspection_records
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.tasks.tests import factories as task_records
from fangkong.workforce.tests.fixtures import ward

BAD_ID = "420102199003071233"  # the check digit is wrong
TEMPLATES = Path(__file__).resolve().parents[2]


TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

# url name -> (the form's action, the page it sits on, what is typed, the fields that must show a problem); `w` is the
# world fixture, to which a case adds the records of its own form
def _ward(w):
    """A red-zone ward with its roster (workforce), made the first time a case asks for it."""
    if "ward" not in w:
        w["ward"] = ward(User.objects.get(username="commander"), w["grid"], nurses=("王护士",))
    return w["ward"]


# url name -> (the form's action, the page it sits on, what is typed, the fields that must show a problem)
def _testing(w, key):
    """A test due, a campaign and its point in the world's city, made once per test for the testing forms."""
    from fangkong.accounts.models import User
    from fangkong.testing import campaigns
    from fangkong.testing import services as testing

    if "testing" not in w:
        commander = User.objects.get(username="commander")
        campaign = campaigns.declare_campaign(commander, name="全员", area_code=w["grid"])
        w["testing"] = {"due": testing.ask_test(commander, w["free"].pk), "campaign": campaign,
                        "point": campaigns.add_point(commander, campaign.pk, name="点", jurisdiction_code=w["grid"],
                                                     population=2500)}
    return w["testing"][key].pk


CASES = {
    "roster-set-shift": (lambda w: reverse("roster-set-shift", args=[_ward(w)[2].pk]),
                         lambda w: reverse("roster", args=[_ward(w)[2].pk]),
                         lambda w: {"staff_id": str(_ward(w)[1][0].pk), "day": "2030-01-01", "shift": "X"},
                         {"day", "shift"}),
    "roster-create": (lambda w: reverse("roster-create"), lambda w: reverse("workforce"),
                      lambda w: {"post_id": str(_ward(w)[0].pk), "starts_on": "", "days": "200"},
                      {"starts_on", "days"}),
    "arrival-register": (lambda w: reverse("arrival-register"), lambda w: reverse("arrivals"), lambda w: {
        "name": "张三3", "id_number": BAD_ID, "phone": "12", "grid_code": w["grid"], "origin_code": "999999",
        "origin_name": "", "arrived_at": "", "mode": "flight", "vehicle": "鄂A12345", "category": "worker"},
        {"name", "id_number", "phone", "origin_code", "arrived_at", "vehicle"}),
    "checkpoint-entry": (lambda w: reverse("checkpoint-entry", args=[w["post"].pk]),
                         lambda w: f"{reverse('checkpoint')}?post={w['post'].pk}", lambda w: {
        "subject": "person", "temperature": "52", "name": "李四", "id_number": BAD_ID, "phone": "",
        "plate": "", "grid_code": "", "destination": "", "travel_history": "北京", "contact_history": ""},
        {"temperature", "id_number", "destination"}),
    "risk-area-declare": (lambda w: reverse("risk-area-declare"), lambda w: reverse("risk-areas"), lambda w: {
        "code": "12", "name": "某地", "level": "extreme", "valid_from": "2026-13-01", "valid_to": "", "note": "n"},
        {"code", "level", "valid_from"}),
    "warning-rule-add": (lambda w: reverse("warning-rule-add"), lambda w: reverse("warning"), lambda w: {
        "name": "", "signal": "weather", "threshold": "-1", "level": "9", "tier": "planet"},
        {"name", "signal", "threshold", "level", "tier"}),
    "warning-level": (lambda w: reverse("warning-level"), lambda w: reverse("warning"), lambda w: {
        "level": "9", "note": ""}, {"level", "note"}),
    "reading-add": (lambda w: reverse("reading-add", args=[w["person"].pk]), lambda w: reverse("observation"),
                    lambda w: {"temperature": "hot", "symptoms": "乏力"}, {"temperature"}),
    "symptoms-report": (lambda w: reverse("symptoms-report", args=[w["person"].pk]),
                        lambda w: reverse("person", args=[w["person"].pk]),
                        lambda w: {"symptoms": "", "temperature": "52"}, {"symptoms", "temperature"}),
    "case-transition": (lambda w: reverse("case-transition", args=[w["case"].pk]),
                        lambda w: reverse("case", args=[w["case"].pk]),
                        lambda w: {"action": "release", "hospital": "", "note": "出院"}, {"action"}),
    "report-submit": (lambda w: reverse("report-submit", args=[w["grid"]]),
                      lambda w: reverse("reports-of", args=[w["grid"]]),
                      lambda w: {"day": TOMORROW, "note": ""}, {"day"}),
    "bulletin-draft": (lambda w: reverse("bulletin-draft"), lambda w: reverse("bulletins"),
                       lambda w: {"date": "24/11/2026", "note": "更正"}, {"date"}),
    "import-upload": (lambda w: reverse("import-upload"), lambda w: reverse("imports"),
                      lambda w: {"register": "arrivals", "region": "北京市"}, {"file"}),
    "assist-answer": (lambda w: reverse("assist-answer", args=[w["request"].pk]), lambda w: reverse("assist-requests"),
                      lambda w: {"status": "moved", "note": ""}, {"note"}),
    "ledger-resolve": (lambda w: reverse("ledger-resolve", args=[w["entry"].pk]), lambda w: reverse("ledger"),
                       lambda w: {"resolution": "forgotten", "note": "已电话联系"}, {"resolution"}),
    "testing-receive": (lambda w: reverse("testing-receive"), lambda w: reverse("testing-lab"),
                        lambda w: {"tube": "NOPE-404"}, {"tube"}),
    "testing-result": (lambda w: reverse("testing-result"), lambda w: reverse("testing-lab"),
                       lambda w: {"tube": "NOPE-404", "outcome": "positive", "ct": "99"}, {"tube", "ct"}),
    "testing-declare": (lambda w: reverse("testing-declare"), lambda w: reverse("testing-campaigns"),
                        lambda w: {"name": "", "area_code": w["grid"], "rounds": "0"}, {"name", "rounds"}),
    "testing-take": (lambda w: reverse("testing-take", args=[_testing(w, "due")]), lambda w: reverse("testing-due"),
                     lambda w: {"tube": "x!"}, {"tube"}),
    "testing-point-add": (lambda w: reverse("testing-point-add", args=[_testing(w, "campaign")]),
                          lambda w: reverse("testing-campaign", args=[_testing(w, "campaign")]),
                          lambda w: {"name": "", "jurisdiction_code": w["grid"], "population": "0"},
                          {"name", "population"}),
    "testing-tube-open": (lambda w: reverse("testing-tube-open", args=[_testing(w, "point")]),
                          lambda w: reverse("testing-point", args=[_testing(w, "point")]),
                          lambda w: {"tube": "x!"}, {"tube"}),
    "order-place": (lambda w: reverse("order-place", args=[w["free"].pk]),
                    lambda w: reverse("person", args=[w["free"].pk]),
                    lambda w: {"reason": "curiosity", "kind": "home"}, {"reason"}),
    "case-open": (lambda w: reverse("case-open", args=[w["free"].pk]), lambda w: reverse("person", args=[w["free"].pk]),
                  lambda w: {"onset_date": TOMORROW, "sampled_on": "", "reported_at": "", "severity": "mild",
                             "high_risk": ""}, {"onset_date"}),
    "case-details": (lambda w: reverse("case-details", args=[w["case"].pk]),
                     lambda w: reverse("case", args=[w["case"].pk]),
                     lambda w: {"onset_date": TOMORROW, "sampled_on": TOMORROW, "reported_at": "",
                                "severity": "extreme", "high_risk": "1", "note": "复核"},
                     {"onset_date", "sampled_on", "severity"}),
    "order-extend": (lambda w: reverse("order-extend", args=[w["order"].pk]),
                     lambda w: reverse("order", args=[w["order"].pk]), lambda w: {"days": "90"}, {"days"}),
    "order-end": (lambda w: reverse("order-end", args=[w["order"].pk]),
                  lambda w: reverse("order", args=[w["order"].pk]),
                  lambda w: {"status": "released_early", "note": ""}, {"note"}),
    "order-transfer": (lambda w: reverse("order-transfer", args=[w["order"].pk]),
                       lambda w: reverse("order", args=[w["order"].pk]), lambda w: {"hospital": "医" * 101},
                       {"hospital"}),
    "pass-issue": (lambda w: reverse("pass-issue"), lambda w: reverse("passes"), lambda w: {
        "jurisdiction_code": "420100", "plate": "ABC", "use": "tourism", "cargo": "", "carrier": "",
        "driver_name": "王", "route_from": "12", "route_to": "110000", "route_via": "", "valid_from": TOMORROW,
        "valid_to": timezone.localdate().isoformat()}, {"plate", "use", "carrier", "route_from", "valid_to"}),
    "pass-revoke": (lambda w: reverse("pass-revoke", args=[_pass(w).pk]), lambda w: reverse("pass", args=[_pass(w).pk]),
                    lambda w: {"reason": ""}, {"reason"}),
    "pass-check": (lambda w: reverse("pass-check", args=[w["post"].pk]),
                   lambda w: reverse("pass-check-page", args=[w["post"].pk]), lambda w: {
        "pass_number": "12345", "plate": "X", "health_code": "blue", "tested_at": ""},
        {"pass_number", "plate", "health_code"}),
    "dose-record": (lambda w: reverse("dose-record", args=[w["person"].pk]),
                    lambda w: reverse("doses", args=[w["person"].pk]), lambda w: {
        "product": "sputnik", "dose": "1", "given_on": TOMORROW, "site": ""}, {"product", "given_on", "site"}),
    "goods-receive": (lambda w: reverse("goods-receive"), lambda w: reverse("goods"), lambda w: {
        "site_id": str(_store(w).pk), "number": "B-1", "goods": "冻肉", "origin_country": "", "port_of_entry": "天津港",
        "importer": "某公司", "quantity": "-1", "unit": "kg", "received_on": TOMORROW},
        {"origin_country", "quantity", "received_on"}),
    "goods-sample": (lambda w: reverse("goods-sample", args=[_lot(w).pk]),
                     lambda w: reverse("goods-batch", args=[_lot(w).pk]), lambda w: {
        "kind": "air", "taken_on": TOMORROW}, {"kind", "taken_on"}),
    "goods-result": (lambda w: reverse("goods-result", args=[_sample(w).pk]),
                     lambda w: reverse("goods-batch", args=[_lot(w).pk]), lambda w: {
        "result": "maybe", "result_on": TOMORROW}, {"result", "result_on"}),
    "goods-disinfect": (lambda w: reverse("goods-disinfect", args=[_lot(w).pk]),
                        lambda w: reverse("goods-batch", args=[_lot(w).pk]), lambda w: {
        "done_on": TOMORROW, "agent": "", "certificate": ""}, {"done_on", "agent", "certificate"}),
    "goods-dispose": (lambda w: reverse("goods-dispose", args=[_lot(w, "sealed").pk]),
                      lambda w: reverse("goods-batch", args=[_lot(w, "sealed").pk]), lambda w: {
        "step": "destroy", "disposal_record": ""}, {"disposal_record"}),
    "goods-move": (lambda w: reverse("goods-move", args=[_lot(w, "released").pk]),
                   lambda w: reverse("goods-batch", args=[_lot(w, "released").pk]), lambda w: {
        "to_site": str(_store(w, "market").pk), "quantity": "0", "moved_on": TOMORROW}, {"quantity", "moved_on"}),
    "goods-worker-test": (lambda w: reverse("goods-worker-test", args=[_worker(w).pk]),
                          lambda w: reverse("goods-workers"), lambda w: {
        "tested_on": TOMORROW, "result": "maybe"}, {"tested_on", "result"}),
    "setting-add": (lambda w: reverse("setting-add"), lambda w: reverse("inspections"), lambda w: {
        "name": "", "kind": "nursing_home", "grid_code": w["grid"], "address": "", "responsible_unit": "",
        "contact_name": "", "contact_phone": "123"}, {"name", "responsible_unit", "contact_name", "contact_phone"}),
    "setting-inspect": (lambda w: reverse("setting-inspect", args=[_setting(w).pk]),
                        lambda w: reverse("setting", args=[_setting(w).pk]), lambda w: {
        "mode": "planned", "owner_code": "", "deadline": "2020-01-01", **_answers(w)},
        lambda w: {"deadline", f"item_{_items(w)[0]}_severity", f"item_{_items(w)[0]}_description"}),
    "rectification-report": (lambda w: reverse("rectification-report", args=[_rectification(w).pk]),
                             lambda w: reverse("rectification", args=[_rectification(w).pk]),
                             lambda w: {"report": ""}, {"report", "photos"}),
    "rectification-verify": (lambda w: reverse("rectification-verify", args=[_reported(w).pk]),
                             lambda w: reverse("rectification", args=[_reported(w).pk]),
                             lambda w: {"verdict": "reopen", "verification": ""}, {"verification"}),
    "checklist-add": (lambda w: reverse("checklist-add"), lambda w: reverse("checklists"),
                      lambda w: {"kind": "school", "items": "", "note": "第二版"}, {"items"}),
    "task-assign": (lambda w: reverse("task-assign"), lambda w: reverse("tasks"), lambda w: {
        "title": "", "detail": "", "responsibility": "personal", "owner_code": w["grid"], "owner_username": "nobody",
        "deadline": "2020-01-01T08:00"}, {"title", "owner_username", "deadline"}),
    "supervision-add": (lambda w: reverse("supervision-add"), lambda w: reverse("supervisions"), lambda w: {
        "jurisdiction": w["grid"], "visited_on": TOMORROW, "team": "", "summary": "",
        "finding_1_title": "补齐台账", "finding_1_responsibility": "unit", "finding_1_owner_code": w["grid"],
        "finding_1_deadline": ""}, {"visited_on", "team", "finding_1_deadline"}),
    "public-report-form": (lambda w: reverse("public-report-form"), lambda w: reverse("public-report-form"),
                           lambda w: {"kind": "rumour", "jurisdiction": "", "place": "", "content": "短",
                                      "reporter_name": "", "reporter_phone": "12"},
                           {"jurisdiction", "place", "content", "reporter_phone"}),
    "public-report-handle": (lambda w: reverse("public-report-handle", args=[_report(w).pk]),
                             lambda w: reverse("public-report", args=[_report(w).pk]),
                             lambda w: {"action": "dismiss", "triage_note": ""}, {"triage_note"}),
    "public-report-reply": (lambda w: reverse("public-report-reply", args=[_referred(w).pk]),
                            lambda w: reverse("public-report", args=[_referred(w).pk]),
                            lambda w: {"reply": ""}, {"reply"}),
    "supplies-stock-record": (lambda w: reverse("supplies-stock-record", args=[w["supplies"].source.pk]),
                              lambda w: f"{reverse('supplies')}?store={w['supplies'].source.pk}",
                              lambda w: {"kind": "adjustment", "item": "gloves", "quantity": "2.5", "reason": ""},
                              {"quantity", "reason"}),
    "supplies-store-add": (lambda w: reverse("supplies-store-add"), lambda w: reverse("supplies"),
                           lambda w: {"store_code": "", "store_name": "", "kind": "depot"}, {"store_code", "store_name",
                                                                                           "kind"}),
    "supplies-request-add": (lambda w: reverse("supplies-request-add"), lambda w: reverse("supplies-requests"),
                             lambda w: {"store": str(w["supplies"].unit.pk), "item": "gloves", "need": "5",
                                        "minimum": "9", "need_by": "soon"}, {"minimum", "need_by"}),
    "supplies-shipment-dispatch": (lambda w: reverse("supplies-shipment-dispatch"),
                                   lambda w: reverse("supplies-shipments"),
                                   lambda w: {"from_store": str(w["supplies"].source.pk),
                                              "to_store": str(w["supplies"].source.pk), "item": "gloves",
                                              "quantity": "-2"}, {"to_store", "quantity"}),
    "supplies-shipment-receive": (lambda w: reverse("supplies-shipment-receive", args=[w["supplies"].shipment.pk]),
                                  lambda w: reverse("supplies-shipments"), lambda w: {"received": "-1"},
                                  {"received"}),
    "supplies-order-add": (lambda w: reverse("supplies-order-add"), lambda w: reverse("supplies-orders"),
                           lambda w: {"store": str(w["supplies"].source.pk), "item": "gloves", "quantity": "0",
                                      "supplier": "", "expected_on": "soon"}, {"quantity", "supplier", "expected_on"}),
    "supplies-order-deliver": (lambda w: reverse("supplies-order-deliver", args=[w["supplies"].order.pk]),
                               lambda w: reverse("supplies-orders"), lambda w: {"received": "0"}, {"received"}),
}


def _commander():
    from fangkong.accounts.models import User

    return User.objects.get(username="commander")


def _once(w, key, make):
    """A record a form acts on, made the first time a case asks for it."""
    if key not in w:
        w[key] = make()
    return w[key]


def _pass(w):
    from fangkong.passes import services as passes

    today = timezone.localdate()
    return _once(w, "pass", lambda: passes.issue_pass(_commander(), passes.PassInput(
        jurisdiction_code="420100", plate="鄂A12345", use="medical", carrier="物流", driver_name="王",
        route_from="420100", route_to="110000", valid_from=today, valid_to=today)))


def _store(w, kind="cold_store"):
    from fangkong.goods import services as goods

    return _once(w, f"store-{kind}", lambda: goods.add_site(_commander(), name=kind, kind=kind,
                                                             jurisdiction_code="420100"))


def _lot(w, state="held"):
    """A batch held (with a pending sample), sealed (tested positive) or released."""
    from fangkong.goods import services as goods

    def make():
        today, actor = timezone.localdate(), _commander()
        lot = goods.receive_batch(actor, _store(w).pk, goods.BatchInput(
            number=state, goods="冻肉", origin_country="巴西", port_of_entry="天津港", importer="某公司",
            quantity="10", unit="kg", received_on=today))
        sample = goods.take_sample(actor, lot.pk, kind="goods", taken_on=today)
        if state != "held":
            goods.disinfect(actor, lot.pk, done_on=today, agent="过氧乙酸", certificate="XD")
            goods.record_result(actor, sample.pk, result="positive" if state == "sealed" else "negative",
                                result_on=today)
        if state == "released":
            goods.release(actor, lot.pk)
            _store(w, "market")
        w[f"sample-{state}"] = sample
        return lot
    return _once(w, f"lot-{state}", make)


def _sample(w):
    _lot(w)
    return w["sample-held"]


def _worker(w):
    from fangkong.goods import services as goods

    return _once(w, "worker", lambda: goods.register_worker(_commander(), _store(w).pk, person_id=w["person"].pk,
                                                            post="装卸"))


def _made(w, name, make):
    """A record of the oversight registers for a case, made once per test."""
    if name not in w:
        w[name] = make(User.objects.get(username="commander"))
    return w[name]


def _setting(w):
    return _made(w, "setting", lambda actor: inspection_records.setting(
        actor, Jurisdiction.objects.get(code=w["grid"])))


def _items(w):
    return list(inspections.current_checklist(_setting(w).kind).items.values_list("pk", flat=True))


def _answers(w):
    first, *rest = _items(w)
    return {f"item_{first}": "fail", f"item_{first}_severity": "", f"item_{first}_description": "",
            **{f"item_{pk}": "pass" for pk in rest}}


def _rectification(w):
    return _made(w, "rectification", lambda actor: inspection_records.rectification(
        actor, Jurisdiction.objects.get(code=w["grid"]), name="表单药店", kind="pharmacy"))


def _reported(w):
    return _made(w, "reported", lambda actor: inspection_records.reported(
        actor, Jurisdiction.objects.get(code=w["grid"]), name="表单学校", kind="school"))


def _report(w):
    return _made(w, "report", lambda actor: task_records.public_report(actor.jurisdiction))


def _referred(w):
    return _made(w, "referred", lambda actor: task_records.referred(actor, actor.jurisdiction,
                                                                    Jurisdiction.objects.get(code=w["grid"])))


def _elements(node):
    for child in getattr(node, "children", []):
        if isinstance(child, Element):
            yield child
            yield from _elements(child)


def _attr(element, name):
    return dict(element.attributes).get(name)


def _text(node) -> str:
    return "".join(c if isinstance(c, str) else _text(c) for c in getattr(node, "children", []))


def _form(html: str, action: str) -> Element:
    forms = [e for e in _elements(parse_html(html)) if e.name == "form" and _attr(e, "action") == action]
    assert len(forms) == 1, f"the page shows the form posting to {action} once"
    return forms[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_refused_form_comes_back_with_what_was_typed_and_each_problem_at_its_field(client, world, commander, name):
    action_of, page_of, typed_of, bad = CASES[name]
    login_client(client, commander)
    action, page, typed = action_of(world), page_of(world), typed_of(world)
    bad = bad(world) if callable(bad) else bad  # the fields of a form made from records (a checklist's items)
    response = client.post(action, {**typed, "next": page}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200  # the page again, not a redirect that forgets
    form = _form(response.content.decode(), action)
    controls = {_attr(e, "name"): e for e in _elements(form) if e.name in ("input", "select", "textarea")}
    for field, value in typed.items():
        control = controls[field]
        shown = (_attr(control, "value") if control.name == "input" else
                 next((_attr(o, "value") for o in _elements(control) if o.name == "option" and "selected" in
                       dict(o.attributes)), None) if control.name == "select" else _text(control))
        if control.name != "select" or value in [_attr(o, "value") for o in _elements(control)]:
            assert (shown or "") == value, f"{field} keeps what was typed"

    fields_with_problems = {}
    for element in _elements(form):
        if "problem" in (_attr(element, "class") or "").split():
            text = _text(element)
            assert not re.search(r"\b[a-z]+_[a-z_]+\b|^[a-z]+:", text), f"no raw field id in “{text}”"
            holder = next((e for e in _elements(form) if _attr(e, "data-field") and element in list(_elements(e))),
                          None)
            if holder is not None:
                field = _attr(holder, "data-field")
                with translation.override("zh-hans"):
                    label = str(fields.label(field, name))
                assert text.startswith(label + "：") and re.search(r"[\u4e00-\u9fff]", label), text
                fields_with_problems[field] = text
    assert bad <= set(fields_with_problems), f"every bad field shows its problem: {fields_with_problems}"


def test_a_refusal_whose_form_is_gone_from_its_page_is_said_at_the_top_of_the_page(client, world, commander):
    login_client(client, commander)  # the alert is open: its page offers to acknowledge it, not to resolve it
    response = client.post(reverse("alert-step", args=[world["alert"].pk, "resolve"]), {"note": "已复测",
                           "next": reverse("alerts")}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    [alert] = [e for e in _elements(parse_html(response.content.decode())) if _attr(e, "role") == "alert"]
    assert _text(alert).startswith("步骤：")


def test_every_form_with_fields_is_in_this_test():
    """A new form written with {% field %} cannot escape the test above."""
    forms = set()
    for template in TEMPLATES.glob("*/templates/**/*.html"):
        forms_in_template = re.findall(r'\{% form "([\w-]+)"[^%]*%\}(.*?)\{% endform %\}', template.read_text(), re.S)
        for url_name, body in forms_in_template:
            if "{% field" in body:
                forms.add(url_name)
    assert forms - set(CASES) - set(TESTED_ELSEWHERE) - set(NOTHING_TO_REFUSE) == set()


# forms whose fields take anything: a refusal there is about the record (confirmed twice), tested below
NOTHING_TO_REFUSE = {"handover-confirm": "a free note", "warning-task-done": "a free note",
                     "alert-step": "a free note; resolving too early is the test above",
                     "finding-publish": "a yes or no the button sends",
                     "task-step": "the table's next steps as buttons, with a free note"}
TESTED_ELSEWHERE = {"login": "test_the_login_keeps_the_user_name", "forecast": "test_the_forecast_keeps_its_figures",
                    "self-report": "selfreport/tests: test_the_persons_page_takes_the_reading_without_an_account",
                    "care-facility-add": "care/tests: test_bad_input_names_the_field (the services' refusals)",
                    "care-beds-add": "care/tests: test_bad_input_names_the_field",
                    "care-bed-state": "care/tests: test_bad_input_names_the_field",
                    "care-bed-assign": "care/tests: test_a_bed_assigned_twice_is_refused",
                    "care-transfer-request": "care/tests: test_bad_input_names_the_field",
                    "testing-tube-add": "test_e2e_tube_scan.py: shown only with an open tube, refused under its field"}


def test_the_login_keeps_the_user_name(client, grid_worker):
    response = client.post(reverse("login"), {"username": "inside", "password": "wrong"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    form = _form(response.content.decode(), reverse("login"))
    controls = {_attr(e, "name"): e for e in _elements(form) if e.name == "input"}
    assert _attr(controls["username"], "value") == "inside" and _attr(controls["password"], "value") is None
    assert "密码：" in _text(form)


def test_the_forecast_keeps_its_figures(client, commander):
    login_client(client, commander)
    response = client.get(reverse("forecast"), {"days": "3", "beds": "-5", "length_of_stay": "七"},
                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    form = _form(response.content.decode(), reverse("forecast"))
    problems = {_attr(e, "data-field"): _text(e) for e in _elements(form) if "has-problem" in (_attr(e, "class") or "")}
    assert set(problems) == {"length_of_stay"}  # a word where a number goes is refused before the model runs
    assert "“七”" in problems["length_of_stay"] and problems["length_of_stay"].count("平均住院日：") == 1
    controls = {_attr(e, "name"): _attr(e, "value") for e in _elements(form) if e.name == "input"}
    assert (controls["days"], controls["beds"], controls["length_of_stay"]) == ("3", "-5", "七")


@pytest.mark.parametrize("target",
                         ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"])
def test_a_form_never_sends_the_user_to_another_site(client, world, commander, target):
    login_client(client, commander)
    done = client.post(reverse("reading-add", args=[world["person"].pk]), {"temperature": "36.6", "next": target})
    assert done.status_code == 302 and done.url == reverse("observation")
    refused = client.post(reverse("reading-add", args=[world["person"].pk]), {"temperature": "hot", "next": target})
    assert refused.status_code == 200 and b"evil" not in refused.content
    client.logout()
    login = client.post(f"{reverse('login')}?next={target}", {"username": "commander", "password": PASSWORD})
    assert login.status_code == 302 and login.url == reverse("home")


def test_a_form_returns_to_the_page_it_was_on(client, world, commander):
    login_client(client, commander)
    person_page = reverse("person", args=[world["person"].pk])
    done = client.post(reverse("reading-add", args=[world["person"].pk]), {"temperature": "36.6", "next": person_page})
    assert done.url == person_page


def test_every_field_a_service_refuses_has_its_name_for_people():
    """A refusal names its field by id; the id always has a label (fangkong/fields.py), so no page shows `plate:`."""
    refused = set()
    pattern = re.compile(r'(?:problems\.add\(|InputRefused\(\(|Conflict\(\(|FieldProblem\()\s*"([a-z_]+)"')
    for source in TEMPLATES.glob("**/*.py"):
        if "tests" not in source.parts and "migrations" not in source.parts:
            refused |= set(pattern.findall(source.read_text()))
    assert refused and refused - set(fields.LABELS) == set()
