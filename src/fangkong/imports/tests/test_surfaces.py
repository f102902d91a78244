"""The import from the page, the API and the command line; assist requests from a file; the template."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from fangkong.accounts.services import create_token
from fangkong.conftest import VALID_ID, login_client, xlsx_rows
from fangkong.errors import InputRefused
from fangkong.imports import services
from fangkong.imports.models import ImportJob, ImportStatus
from fangkong.imports.registers import ARRIVALS, ASSIST
from fangkong.screening.models import Arrival, AssistRequest

from .workbooks import OTHER_IDS, arrival_row, workbook

ASSIST_HEADER = ["协查编号", "姓名", "身份证号", "联系电话", "住址编码", "协查事由"]


def test_the_page_uploads_steps_and_imports_only_the_valid_rows(client, grid_worker):
    grid = grid_worker.jurisdiction.code
    data = workbook([arrival_row(grid), arrival_row(grid, id_number="420102199003071233")])
    login_client(client, grid_worker)
    response = client.post("/imports/upload/", {"register": "arrivals", "key": "form-1",
                                                "file": io.BytesIO(data)}, format="multipart")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert f'hx-post="/imports/{job.pk}/step/"' in page  # the page asks for steps while it checks
    panel = client.post(f"/imports/{job.pk}/step/").content.decode()
    assert 'data-status="checked"' in panel and "hx-post" not in panel
    assert "身份证号码的校验码应为 2" in panel  # in the worker's language, with its row
    assert client.get(f"/imports/{job.pk}/refused-rows.xlsx").status_code == 200
    client.post(f"/imports/{job.pk}/choice/", {"choice": "import"})
    panel = client.post(f"/imports/{job.pk}/step/").content.decode()
    assert 'data-status="imported"' in panel and Arrival.objects.count() == 1


def test_the_refusals_download_lists_row_column_and_reason(client, grid_worker):
    grid = grid_worker.jurisdiction.code
    with translation.override("zh-hans"):
        job = services.run_to_end(services.upload(grid_worker, "arrivals", "a.xlsx", workbook(
            [arrival_row(grid), arrival_row(grid, id_number="420102199003071233")]))[0])
    login_client(client, grid_worker)
    rows = xlsx_rows(b"".join(client.get(f"/imports/{job.pk}/refusals.xlsx").streaming_content))
    assert rows[1][:4] == [3, "B", "身份证号", "身份证号码的校验码应为 2"]
    fixable = xlsx_rows(b"".join(client.get(f"/imports/{job.pk}/refused-rows.xlsx").streaming_content))
    assert fixable[0][1] == "身份证号" and fixable[1][1] == "420102199003071233" and "校验码应为 2" in fixable[1][-1]


def test_another_worker_cannot_see_or_step_the_job(client, grid_worker, sibling_worker):
    job, _ = services.upload(grid_worker, "arrivals", "a.xlsx", workbook([arrival_row(grid_worker.jurisdiction.code)]))
    login_client(client, sibling_worker)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/step/").status_code == 404


def test_the_api_uploads_once_per_key_steps_and_pages_the_refusals(client, grid_worker):
    token = create_token(grid_worker)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    grid = grid_worker.jurisdiction.code
    data = workbook([arrival_row(grid), arrival_row(grid, id_number=OTHER_IDS[0], origin="99")])

    def send():
        return client.post("/api/v1/imports/arrivals", {"file": io.BytesIO(data)}, HTTP_IDEMPOTENCY_KEY="up-1", **auth)

    first, again = send(), send()
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    job_id = first.json()["id"]
    body = client.post(f"/api/v1/imports/{job_id}/step", **auth).json()
    assert (body["status"], body["valid_rows"], body["refused_rows"]) == ("checked", 1, 1)
    refusals = client.get(f"/api/v1/imports/{job_id}/refusals", **auth).json()["items"]
    assert refusals[0]["row"] == 3 and refusals[0]["column"] == "D"
    chosen = client.post(f"/api/v1/imports/{job_id}/choice", {"import_valid": True}, content_type="application/json",
                         **auth)
    assert chosen.json()["status"] == "importing"
    assert client.post(f"/api/v1/imports/{job_id}/step", **auth).json()["written_rows"] == 1
    listed = client.get("/api/v1/imports", **auth).json()["items"]
    assert [(j["id"], j["register_name"], j["status"]) for j in listed] == [(job_id, "arrivals", "imported")]


def test_the_api_refuses_an_unknown_register_naming_it(client, grid_worker):
    token = create_token(grid_worker)
    response = client.post("/api/v1/imports/beds", {"file": io.BytesIO(b"x")}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "register"


def test_a_role_that_does_not_register_people_cannot_import(tree):
    from fangkong.accounts.models import Role
    from fangkong.conftest import make_user

    logistics = make_user("stores", Role.LOGISTICS, tree["city"])
    with pytest.raises(InputRefused) as refused:
        services.upload(logistics, "arrivals", "a.xlsx", workbook([]))
    assert refused.value.problems[0].field == "role"


def test_the_command_line_lists_refusals_and_imports_nothing_unless_told(tmp_path, grid_worker, capsys):
    grid = grid_worker.jurisdiction.code
    path = tmp_path / "arrivals.xlsx"
    path.write_bytes(workbook([arrival_row(grid), arrival_row(grid, id_number=OTHER_IDS[0], category="游客")]))
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_xlsx", "arrivals", str(path), user=grid_worker.username)
    assert "row 3 column I (人员类别)" in capsys.readouterr().err and not Arrival.objects.exists()
    call_command("import_xlsx", "arrivals", str(path), user=grid_worker.username, valid_only=True)
    assert "1 rows imported" in capsys.readouterr().out and Arrival.objects.count() == 1


def test_check_only_lists_and_imports_nothing_and_the_sweep_reports_its_work(tmp_path, grid_worker, capsys):
    path = tmp_path / "arrivals.xlsx"
    path.write_bytes(workbook([arrival_row(grid_worker.jurisdiction.code)]))
    call_command("import_xlsx", "arrivals", str(path), user=grid_worker.username, check_only=True)
    assert "1 valid, 0 refused" in capsys.readouterr().out and not Arrival.objects.exists()
    assert ImportJob.objects.get().status == ImportStatus.DISCARDED
    call_command("sweep_imports")
    assert "0 import(s) resumed" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no active user"):
        call_command("import_xlsx", "arrivals", str(path), user="nobody")


def test_assist_requests_arrive_as_a_file_routed_with_the_region_given_at_upload(commander, grid_worker, person):
    unit = grid_worker.jurisdiction.code
    rows = [["BJ-1", "张三", VALID_ID, "13812345678", unit, "密接"],
            ["BJ-2", "李四", "", "", unit, "时空伴随"],
            ["BJ-2", "李四", "", "", unit, "时空伴随"],
            ["BJ-3", "王五", "", "", "999999", ""]]
    job, _ = services.upload(commander, "assist", "协查.xlsx", workbook(rows, header=ASSIST_HEADER, sheet="协查名单"),
                             region="北京市朝阳区疾控中心")
    job = services.run_to_end(job, import_valid=True)
    assert (job.written_rows, job.repeated_rows, job.refused_rows) == (2, 1, 1)
    first = AssistRequest.objects.get(reference="BJ-1")
    assert first.region == "北京市朝阳区疾控中心" and first.person == person and first.unit == person.grid
    assert job.refusals.get(repeat=False).column == "E"


def test_assist_rows_without_a_region_are_refused_when_none_is_given(commander, grid_worker):
    rows = [["BJ-1", "张三", "", "", grid_worker.jurisdiction.code, ""]]
    job = services.run_to_end(services.upload(commander, "assist", "a.xlsx",
                                              workbook(rows, header=ASSIST_HEADER))[0])
    assert job.refusals.get().message.startswith("say which region asked")


@pytest.mark.parametrize("register", [ARRIVALS, ASSIST])
def test_the_template_is_a_file_the_import_reads(commander, register):
    header = xlsx_rows(register.template())[0]
    assert header[0].lstrip("*") == register.columns[0].header
    job, _ = services.upload(commander, register.name, "t.xlsx", register.template())
    assert job.status == ImportStatus.REFUSED and "no rows under it" in job.refusals.get().message
