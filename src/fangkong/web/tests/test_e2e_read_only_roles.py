"""In a real headless Chromium: a read-only user is offered no form for what their role may not write (the
zero report, the warning tasks), while the grid worker beside them submits the same report from the page."""

import pytest

from fangkong.accounts.models import Role
from fangkong.conftest import PASSWORD, make_user
from fangkong.reporting.models import DailyReport
from fangkong.warning import services as warning

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_the_public_role_gets_no_write_forms_and_the_grid_worker_submits(live_server, page, browser, tree,
                                                                         grid_worker, commander):
    warning.open_playbook(commander, tree["grid_a1"], exercise=True)
    reader = make_user("reader", Role.PUBLIC, tree["grid_a1"])
    log_in(page, live_server.url, reader.username, PASSWORD)
    page.goto(f"{live_server.url}/reports/")
    assert page.get_by_test_id("report-read-only").is_visible()
    assert page.get_by_test_id("report-form").count() == 0
    page.goto(f"{live_server.url}/warning/")
    assert page.get_by_test_id("task-transfer").count() == 1  # the task is shown...
    assert page.get_by_test_id("task-transfer").locator("form").count() == 0  # ...without a "done" form

    worker = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    log_in(worker, live_server.url, grid_worker.username, PASSWORD)
    worker.goto(f"{live_server.url}/reports/")
    assert worker.get_by_test_id("report-read-only").count() == 0
    assert "—" in worker.get_by_test_id("own-report").inner_text()  # not reported yet
    worker.get_by_test_id("report-form").get_by_role("button").click()
    worker.wait_for_load_state("networkidle")
    assert "1" in worker.get_by_test_id("own-report").inner_text()  # version 1 (第 1 版)
    assert "—" not in worker.get_by_test_id("own-report").inner_text()
    assert DailyReport.objects.filter(jurisdiction=tree["grid_a1"], submitted_by=grid_worker).count() == 1
    worker.context.close()
