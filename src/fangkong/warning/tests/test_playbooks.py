"""The six fast actions are tracked until done, by their owners only; a drill measures the times."""

import pytest
from django.http import Http404

from fangkong.accounts.permissions import Forbidden
from fangkong.accounts.services import create_token
from fangkong.warning import services
from fangkong.warning.models import Playbook, Task


@pytest.fixture
def drill(commander, tree):
    return services.open_playbook(commander, tree["county_a"], exercise=True)


def test_tasks_are_done_once_and_the_playbook_closes_with_the_last(drill, grid_worker, commander):
    tasks = list(drill.tasks.all())
    first = services.complete_task(commander, tasks[0].pk, note="已完成")
    again = services.complete_task(commander, tasks[0].pk, note="再次提交")  # a double tap
    assert again.done_at == first.done_at and again.note == "已完成"
    for task in tasks[1:]:
        services.complete_task(commander, task.pk)
    assert Playbook.objects.get(pk=drill.pk).closed_at is not None


def test_a_drill_measures_each_action_against_its_deadline(drill, commander):
    task = drill.tasks.get(action="transfer")
    services.complete_task(commander, task.pk)
    timings = {t.task.action: t for t in services.timings(Playbook.objects.get(pk=drill.pk))}
    assert timings["transfer"].minutes is not None and timings["transfer"].minutes < 1
    assert not timings["transfer"].late and timings["closure"].minutes is None


def test_a_task_outside_ones_subtree_is_not_found_and_a_grid_worker_may_not_do_one(drill, outsider, grid_worker):
    task = drill.tasks.first()
    with pytest.raises(Http404):
        services.complete_task(outsider, task.pk)
    with pytest.raises(Forbidden):
        services.complete_task(grid_worker, task.pk)
    assert not Task.objects.filter(done_at__isnull=False).exists()


def test_drills_do_not_count_on_the_dashboard(drill, tree, commander):
    assert services.situation(tree["county_a"])["open_tasks"] == 0
    services.open_playbook(commander, tree["county_a"])
    assert services.situation(tree["city"])["open_tasks"] == 6


def test_the_api_names_an_unknown_signal_and_serves_the_situation(client, commander, tree):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(commander.username)}"
    response = client.post("/api/v1/warning/rules", {"name": "x", "signal": "moon", "threshold": 1, "level": 4},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "signal"
    created = client.post("/api/v1/warning/rules", {"name": "新增病例", "signal": "new_cases", "threshold": 1,
                                                    "level": 4}, content_type="application/json")
    assert created.status_code == 201 and created.json()["signal"] == "new_cases"
    body = client.get(f"/api/v1/jurisdictions/{tree['county_a'].code}/warning").json()
    assert body == {"code": "420102", "level": 5, "below": None, "open_tasks": 0, "overdue_tasks": 0}
