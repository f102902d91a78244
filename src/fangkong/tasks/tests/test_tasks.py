"""Tasks, supervision and reports from the public as their users rely on them: one transition table, escalation
of overdue tasks once, one to-do across domains, the public form throttled and its contact kept encrypted."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import Forbidden
from fangkong.audit.models import AuditEvent
from fangkong.conftest import make_user
from fangkong.errors import InputRefused
from fangkong.inspections.tests import factories as inspection_records
from fangkong.pathways.todo import todo
from fangkong.tasks import services
from fangkong.tasks.models import PublicReport, Supervision, Task
from fangkong.warning import services as warning

from . import factories

pytestmark = pytest.mark.django_db


def fields_of(refused: InputRefused) -> set[str]:
    return {p.field for p in refused.problems}


def test_a_task_moves_through_its_table_and_only_the_assigner_verifies(commander, grid_worker, tree):
    task = factories.task(commander, tree["grid_a1"])
    assert services.step_task(grid_worker, task.pk, "start").status == "in_progress"
    with pytest.raises(InputRefused) as refused:
        services.step_task(grid_worker, task.pk, "start2")
    assert fields_of(refused.value) == {"action"}
    with pytest.raises(Forbidden):  # the owner does not verify their own work
        services.step_task(grid_worker, task.pk, "verify")
    with pytest.raises(InputRefused) as refused:  # verify what is not done
        services.step_task(commander, task.pk, "verify")
    assert fields_of(refused.value) == {"status"}
    assert services.step_task(grid_worker, task.pk, "done", note="已落实").status == "done"
    with pytest.raises(InputRefused):  # sending back needs a reason
        services.step_task(commander, task.pk, "reject")
    assert services.step_task(commander, task.pk, "reject", note="缺台账").status == "in_progress"
    services.step_task(grid_worker, task.pk, "done")
    verified = services.step_task(commander, task.pk, "verify")
    assert verified.status == "verified" and verified.verified_at is not None
    steps = list(AuditEvent.objects.filter(details__record="task").order_by("id").values_list("details__step",
                                                                                             flat=True))
    assert steps == [None, "start", "done", "reject", "done", "verify"]


def test_a_personal_task_is_worked_by_its_person_only(commander, grid_worker, tree):
    colleague = make_user("colleague", Role.GRID, tree["grid_a1"])
    task = factories.task(commander, tree["grid_a1"], responsibility="personal", owner_username=grid_worker.username)
    with pytest.raises(InputRefused) as refused:
        services.step_task(colleague, task.pk, "start")
    assert fields_of(refused.value) == {"owner_username"}
    assert services.step_task(grid_worker, task.pk, "start").status == "in_progress"
    with pytest.raises(InputRefused) as refused:  # a person of another unit, and a person on a unit's task
        factories.task(commander, tree["grid_a2"], responsibility="personal", owner_username=grid_worker.username)
    assert fields_of(refused.value) == {"owner_username"}
    with pytest.raises(InputRefused) as refused:
        factories.task(commander, tree["grid_a1"], responsibility="unit", owner_username=grid_worker.username)
    assert fields_of(refused.value) == {"owner_username"}


def test_assigning_refuses_each_bad_field(commander, tree):
    with pytest.raises(InputRefused) as refused:
        services.assign_task(commander, services.TaskInput(title=" ", responsibility="moral", owner_code="999",
                                                           deadline=timezone.now() - dt.timedelta(hours=1)))
    assert fields_of(refused.value) == {"title", "responsibility", "owner_code", "deadline"}
    assert not Task.objects.exists()


def test_overdue_tasks_escalate_to_the_level_above_once(commander, grid_worker, tree):
    task = factories.task(commander, tree["grid_a1"])
    on_time = factories.task(commander, tree["grid_a1"], title="按时")
    Task.objects.filter(pk=task.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    out = StringIO()
    call_command("escalate_tasks", stdout=out)
    assert "1 task(s) escalated" in out.getvalue()
    assert services.escalate_overdue() == 0  # claimed once: a second sweep changes nothing
    task.refresh_from_db()
    on_time.refresh_from_db()
    assert task.escalated_to == tree["community_a"] and on_time.escalated_to is None
    community = make_user("community", Role.COMMAND, tree["community_a"])
    [item] = [i for i in todo(community) if i.source == "task"]
    assert item.escalated and item.overdue and item.title == task.title
    assert services.overdue_tasks(tree["community_a"]) == 1 and services.overdue_tasks(tree["grid_a2"]) == 0


def test_one_todo_holds_tasks_fast_actions_rectifications_and_referrals(commander, grid_worker, tree):
    grid = tree["grid_a1"]
    factories.task(commander, grid)
    warning.open_playbook(commander, grid)
    inspection_records.rectification(commander, grid)
    city = make_user("city-command", Role.COMMAND, tree["city"])
    factories.referred(city, tree["town_a"], grid)
    factories.task(commander, tree["grid_a2"], title="邻格任务")
    sources = [i.source for i in todo(grid_worker)]
    assert sources.count("task") == 1 and sources.count("playbook") == 6
    assert sources.count("rectification") == 1 and sources.count("public_report") == 1
    assert [i.due for i in todo(grid_worker)] == sorted(i.due for i in todo(grid_worker))
    client = Client()
    client.force_login(grid_worker)
    page = client.get("/todo/").content.decode()
    assert "落实重点场所扫码测温" in page and "内养老院" in page and "邻格任务" not in page


def test_a_supervision_visits_findings_become_tasks_all_or_none(commander, tree):
    deadline = timezone.now() + dt.timedelta(days=3)
    visit = services.record_supervision(commander, services.SupervisionInput(
        jurisdiction_code=tree["community_a"].code, visited_on=timezone.localdate(), team="市督查组",
        findings=(services.TaskInput("健康台账不全", "unit", tree["grid_a1"].code, deadline),
                  services.TaskInput("消毒记录缺失", "territorial", tree["grid_a2"].code, deadline))))
    assert sorted(visit.tasks.values_list("owner__code", flat=True)) == [tree["grid_a1"].code, tree["grid_a2"].code]
    with pytest.raises(InputRefused) as refused:
        services.record_supervision(commander, services.SupervisionInput(
            jurisdiction_code=tree["community_a"].code, visited_on=timezone.localdate() + dt.timedelta(days=1),
            team="", findings=(services.TaskInput("ok", "unit", tree["grid_a1"].code, deadline),
                               services.TaskInput("elsewhere", "unit", tree["grid_b1"].code, deadline))))
    assert fields_of(refused.value) == {"visited_on", "team", "finding_2_owner_code"}
    assert Supervision.objects.count() == 1 and Task.objects.count() == 2


def test_the_public_form_needs_no_account_keeps_the_contact_encrypted_and_masks_it(client, commander, tree):
    form = client.get("/report/")
    assert form.status_code == 200 and "九不准" in form.content.decode()
    sent = client.post("/report/", {"kind": "concealment", "jurisdiction": tree["town_a"].code,
                                    "place": "幸福小区", "content": "有发热病人在家不报告，已经三天了。",
                                    "reporter_name": "张", "reporter_phone": "13700001111"})
    assert sent.status_code == 200 and "举报已收到" in sent.content.decode()
    report = PublicReport.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tasks_publicreport")
        assert "13700001111" not in repr(cursor.fetchall())
    assert report.reporter_phone == "13700001111"
    city = make_user("city-command", Role.COMMAND, tree["city"])
    assert services.reporter_contact(city, report) == "137****1111"
    refused = client.post("/report/", {"kind": "rumour", "jurisdiction": tree["grid_a1"].code, "content": "短"})
    text = refused.content.decode()
    assert refused.status_code == 200 and "请选择事发的区或街道" in text and "至少用 10 个字" in text
    assert PublicReport.objects.count() == 1


def test_the_public_form_is_throttled_per_network(settings, tree):
    settings.PUBLIC_REPORT_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.50")
    body = {"kind": "price_gouging", "jurisdiction": tree["town_a"].code, "place": "菜市场",
            "content": "白菜一斤卖到二十元，明显哄抬。"}
    statuses = [client.post("/report/", body).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert PublicReport.objects.count() == 3
    assert "分钟后再试" in client.post("/report/", body).content.decode()
    assert Client(REMOTE_ADDR="203.0.113.51").post("/report/", body).status_code == 200  # another network
    assert PublicReport.objects.count() == 4


def test_the_public_api_needs_no_account_counts_a_resubmission_once_and_is_throttled(settings, tree):
    settings.PUBLIC_REPORT_LIMIT = 3
    phone = Client(REMOTE_ADDR="203.0.113.60")
    body = {"kind": "rumour", "jurisdiction_code": tree["town_a"].code, "place": "业主群",
            "content": "群里说明天全城封控三个月，不知真假。", "reporter_phone": "13700002222"}

    def send(payload, key):
        return phone.post("/api/v1/public-reports", payload, content_type="application/json",
                          headers={"Idempotency-Key": key})
    first = send(body, "k-1")
    assert first.status_code == 201 and first.json()["status"] == "received"
    assert "13700002222" not in first.content.decode() and "content" not in first.json()
    again = send(body, "k-1")  # the phone lost the answer and sent it again
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert PublicReport.objects.count() == 1
    changed = send({**body, "place": "另一个群"}, "k-1")
    assert changed.status_code == 422 and changed.json()["errors"][0]["field"] == "Idempotency-Key"
    refused = send({**body, "jurisdiction_code": tree["grid_a1"].code, "content": "短"}, "k-2")
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"jurisdiction", "content"}
    assert PublicReport.objects.count() == 1
    assert [send(body, key).status_code for key in ("k-3", "k-4", "k-5")] == [201, 201, 429]
    assert send(body, "k-1").status_code == 201  # a resubmission is answered even when the network must wait
    assert PublicReport.objects.count() == 3
    report = PublicReport.objects.get(pk=first.json()["id"])
    assert report.reporter_phone == "13700002222" and report.jurisdiction == tree["town_a"]


def test_a_report_is_triaged_referred_replied_closed_and_published(commander, grid_worker, tree, client):
    city = make_user("city-command", Role.COMMAND, tree["city"])
    report = factories.public_report(tree["town_a"])
    with pytest.raises(InputRefused) as refused:
        services.refer_report(city, report.pk, unit_code=tree["grid_b1"].code)
    assert fields_of(refused.value) == {"unit"}
    with pytest.raises(Forbidden):
        services.refer_report(grid_worker, report.pk, unit_code=tree["grid_a1"].code)
    referred = services.refer_report(city, report.pk, unit_code=tree["grid_a1"].code)
    assert referred.reply_by == timezone.localdate() + dt.timedelta(days=3) and referred.status == "referred"
    with pytest.raises(InputRefused):  # publish only what is closed
        services.publish_report(city, report.pk, summary="…")
    services.reply_report(grid_worker, report.pk, reply="已责令商户整改并罚款")
    services.close_report(city, report.pk)
    services.publish_report(city, report.pk, summary="某菜市场商户哄抬口罩价格，已依法查处。")
    page = client.get("/report/published/").content.decode()
    assert "已依法查处" in page and "13700001111" not in page and "举报人李" not in page
    steps = list(AuditEvent.objects.filter(details__record="publicreport").order_by("id")
                 .values_list("details__step", flat=True))
    assert steps == [None, "refer", "reply", "close", "publish"]
