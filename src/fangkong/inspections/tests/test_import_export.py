"""The list of special settings as units keep it in Excel: imported with every row checked first, each refusal by
row and column; exported again as a register; the overdue rectifications on the dashboard of every level above."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation

from fangkong.imports import services as imports
from fangkong.imports.models import ImportStatus
from fangkong.imports.registers import SETTINGS
from fangkong.imports.tests.workbooks import workbook
from fangkong.inspections.models import Rectification, Setting

from . import factories

pytestmark = pytest.mark.django_db
HEADER = ["场所名称", "场所类型", "网格编码", "地址", "责任单位", "联系人", "联系电话"]


def test_a_sheet_of_settings_is_checked_row_by_row_then_imported(grid_worker, tree):
    grid = tree["grid_a1"].code
    rows = [["幸福养老院", "养老院", grid, "幸福路1号", "区民政局", "王院长", "13912345678"],
            ["江岸农贸市场", "菜市场", grid, "", "区市场监管局", "李经理", "027-82801234"],
            ["外区工地", "工地", tree["grid_b1"].code, "", "区住建局", "赵", "13912345679"],
            ["无名学校", "动物园", grid, "", "", "钱", "123"]]
    with translation.override("en"):
        job, _ = imports.upload(grid_worker, "settings", "重点场所.xlsx", workbook(
            rows, header=HEADER, sheet="重点场所名单", title="江岸区重点场所名单"))
        job = imports.run_to_end(job)
    assert (job.status, job.total_rows, job.valid_rows, job.refused_rows) == (ImportStatus.CHECKED, 4, 2, 2)
    refused = {(r.row, r.column) for r in job.refusals.all()}
    assert {(5, "C"), (6, "B"), (6, "E"), (6, "G")} <= refused  # rows counted as the sheet shows them
    assert not Setting.objects.exists()  # checking writes nothing
    job = imports.run_to_end(imports.choose(grid_worker, job.pk, import_valid=True))
    assert job.written_rows == 2
    assert sorted(Setting.objects.values_list("kind", flat=True)) == ["market", "nursing_home"]
    assert Setting.objects.get(kind="market").contact_phone == "02782801234"


def test_the_settings_template_offers_the_kinds_as_a_list():
    from io import BytesIO
    from zipfile import ZipFile

    sheet = ZipFile(BytesIO(SETTINGS.template())).read("xl/worksheets/sheet1.xml").decode()
    assert "养老机构" in sheet and "复工企业" in sheet


def test_settings_and_rectifications_export_as_registers(commander, tree):
    factories.rectification(commander, tree["grid_a1"])
    client = Client()
    client.force_login(commander)
    body = b"".join(client.get("/exports/special-settings.csv").streaming_content).decode("utf-8-sig")
    assert "内养老院" in body and "区民政局" in body
    body = b"".join(client.get("/exports/rectifications.csv").streaming_content).decode("utf-8-sig")
    assert "门口未查验场所码" in body and "待整改" in body


def test_overdue_rectifications_rise_on_the_dashboard_of_the_owner_and_above(commander, tree):
    late = factories.rectification(commander, tree["grid_a1"])
    client = Client()
    client.force_login(commander)
    assert 'data-testid="overdue-oversight"' not in client.get(f"/dashboard/{tree['town_a'].code}/").content.decode()
    Rectification.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    for node in ("grid_a1", "town_a", "county_a", "city"):
        page = client.get(f"/dashboard/{tree[node].code}/").content.decode()
        assert 'data-testid="overdue-oversight"' in page and "1 项整改逾期" in page, node
    assert 'data-testid="overdue-oversight"' not in client.get(
        f"/dashboard/{tree['county_b'].code}/").content.decode()
