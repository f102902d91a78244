"""In a real headless Chromium: checkpoint staff record a traveller bound for a grid, and the grid
worker confirms the arrival, closing the loop (闭环)."""

import pytest

from fangkong.accounts.models import Role
from fangkong.checkpoints import services as checkpoints
from fangkong.checkpoints.models import Handover
from fangkong.conftest import PASSWORD, VALID_ID, make_user

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_from_the_checkpoint_form_to_the_grids_confirmation(live_server, page, browser, commander, grid_worker, tree):
    post = checkpoints.add_checkpoint(commander, name="汉口站", kind="station", jurisdiction_code="420102")
    staff = make_user("post-staff", Role.CHECKPOINT, tree["city"])
    post.staff.add(staff)

    log_in(page, live_server.url, staff.username, PASSWORD)
    page.goto(f"{live_server.url}/checkpoint/")
    form = page.get_by_test_id("entry-form")
    form.locator("select[name=subject]").select_option("person")
    form.locator("input[name=temperature]").fill("36.7")
    form.locator("input[name=name]").fill("张三")
    form.locator("input[name=id_number]").fill(VALID_ID)
    form.locator("select[name=grid_code]").select_option(tree["grid_a1"].code)
    form.locator("input[name=travel_history]").fill("北京市朝阳区")
    form.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("status").inner_text() == "已登记"
    handover = Handover.objects.get()
    assert handover.status == "pending" and handover.grid == tree["grid_a1"]

    grid = browser.new_context(viewport={"width": 414, "height": 860}).new_page()  # the grid worker's phone
    log_in(grid, live_server.url, grid_worker.username, PASSWORD)
    grid.goto(f"{live_server.url}/handovers/")
    row = grid.get_by_test_id(f"handover-{handover.pk}")
    assert "张三" in row.inner_text()
    row.locator("input[name=note]").fill("已上门核实")
    row.get_by_role("button").click()
    grid.wait_for_load_state("networkidle")
    assert Handover.objects.get().status == "confirmed"
    grid.goto(f"{live_server.url}/handovers/?status=confirmed")
    assert "张三" in grid.get_by_test_id(f"handover-{handover.pk}").inner_text()
    grid.context.close()
