"""The early-warning page: the command centre edits rules and runs drills; a grid worker only sees."""

from fangkong.conftest import login_client
from fangkong.warning import services
from fangkong.warning.models import Playbook, Rule


def test_the_command_centre_adds_a_rule_and_runs_a_drill_from_the_page(client, commander):
    login_client(client, commander)
    client.post("/warning/rules/", {"name": "R_t 连续 3 天大于 1", "signal": "rt_above_one_days", "threshold": "3",
                                    "level": "3"})
    assert Rule.objects.get().signal == "rt_above_one_days"
    page = client.post("/warning/rules/", {"name": "x", "signal": "moon", "threshold": "1", "level": "3"}, follow=True)
    assert Rule.objects.count() == 1 and "moon" in page.content.decode()  # the refusal names what was wrong
    client.post("/warning/drill/")
    drill = Playbook.objects.get(exercise=True)
    task = drill.tasks.get(action="transfer")
    client.post(f"/warning/tasks/{task.pk}/done/", {"note": "演练"})
    page = client.get("/warning/").content.decode()
    assert 'data-testid="task-transfer"' in page and "演练" in page


def test_a_grid_worker_sees_the_level_but_no_rule_form(client, grid_worker):
    login_client(client, grid_worker)
    page = client.get("/warning/").content.decode()
    assert 'data-testid="level"' in page and 'data-testid="rule-form"' not in page
    client.post("/warning/rules/", {"name": "x", "signal": "new_cases", "threshold": "1", "level": "4"})
    assert not Rule.objects.exists()


def test_the_dashboard_shows_the_response_level(client, commander, tree):
    services.change_level(commander, tree["city"], 3, note="研判")
    login_client(client, commander)
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="response-level"' in page and "alarm" in page.split('data-testid="response-level"')[0][-60:]
