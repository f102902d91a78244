"""In a real headless Chromium, on a grid worker's phone: download the template, upload a register with a bad
row, watch the check's progress, read the refusal by row and column, import only the valid rows, then
download the register back as Excel."""

import pytest

from fangkong.conftest import PASSWORD, xlsx_rows
from fangkong.imports.models import ImportJob
from fangkong.imports.tests.workbooks import OTHER_IDS, arrival_row, workbook
from fangkong.screening.models import Arrival

from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_a_grid_worker_imports_the_valid_rows_of_a_register_and_downloads_it_back(live_server, browser, grid_worker,
                                                                                   tmp_path):
    grid = grid_worker.jurisdiction.code
    rows = [arrival_row(grid, id_number=i, name=n) for i, n in zip(OTHER_IDS, ["李四", "王五", "赵六"])]
    rows.append(arrival_row(grid, id_number="420102199003071233", name="钱七"))  # row 6 (under title and header)
    register = tmp_path / "来返人员登记.xlsx"
    register.write_bytes(workbook(rows, title="江岸区幸福社区来返人员登记表"))

    phone = browser.new_context(viewport={"width": 414, "height": 860}, locale="zh-CN", accept_downloads=True)
    page = phone.new_page()
    log_in(page, live_server.url, grid_worker.username, PASSWORD)
    page.goto(f"{live_server.url}/arrivals/")
    page.get_by_test_id("import-link").click()
    with page.expect_download() as template:
        page.get_by_role("link", name="来返人员登记表 (.xlsx)").click()
    assert xlsx_rows(template.value.path().read_bytes())[0][0] == "*姓名"

    form = page.get_by_test_id("import-form")
    form.locator("input[type=file]").set_input_files(str(register))
    form.get_by_role("button", name="上传并校验").click()
    page.locator("[data-testid=import-job][data-status=checked]").wait_for()  # htmx stepped the check to its end
    figures = page.get_by_test_id("import-figures").inner_text().split()
    assert figures[figures.index("有效") + 1] == "3"
    # on a phone the register is a card per row; its cells are still the row, the column and the reason
    refusal = page.get_by_test_id("import-refusals").locator("tbody tr").first.locator("td").all_inner_texts()
    assert refusal[:2] == ["6", "B 身份证号"] and "校验码应为 2" in refusal[2]
    assert not Arrival.objects.exists()

    page.get_by_test_id("import-valid").click()
    page.locator("[data-status=imported]").wait_for()
    assert "已导入 3 行" in page.get_by_test_id("import-job").get_by_role("status").inner_text()
    assert sorted(Arrival.objects.values_list("person__name", flat=True)) == ["李四", "王五", "赵六"]
    assert ImportJob.objects.get().written_rows == 3

    page.goto(f"{live_server.url}/arrivals/")
    with page.expect_download() as download:
        page.get_by_test_id("export").get_by_role("link", name="Excel").click()
    exported = xlsx_rows(download.value.path().read_bytes())
    assert exported[0][1] == "姓名" and sorted(r[1] for r in exported[1:]) == ["李四", "王五", "赵六"]
    page.screenshot(path=str(tmp_path / "import.png"), full_page=True)
    phone.close()
