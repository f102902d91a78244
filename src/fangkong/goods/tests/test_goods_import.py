"""The goods ledger as ports and cold stores keep it in Excel (进口冷链货物台账): every row checked first, each refusal
by row, column and reason; then nothing, or only the valid rows, imported; the same sheet uploaded again counts once;
its template is a file the import reads."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from fangkong.accounts.models import Role
from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import make_user, xlsx_rows
from fangkong.goods import services
from fangkong.goods.models import Batch
from fangkong.imports import services as imports
from fangkong.imports.models import ImportStatus
from fangkong.imports.registers import GOODS_BATCHES
from fangkong.imports.tests.workbooks import workbook

pytestmark = pytest.mark.django_db
HEADER = ["批次号", "品名", "原产国", "入境口岸", "进口商", "数量", "单位", "存放冷库", "入库日期"]


@pytest.fixture
def officer(tree):
    return make_user("logistics", Role.LOGISTICS, tree["county_a"])


@pytest.fixture
def stores(commander, tree):
    cold = services.add_site(commander, name="江岸冷库", kind="cold_store", jurisdiction_code=tree["county_a"].code)
    services.add_site(commander, name="白沙洲冷库", kind="cold_store", jurisdiction_code=tree["county_b"].code)
    return cold


def ledger(*rows: dict):
    """A ledger of valid rows but for the cells each dict changes (by column index)."""
    day = dt.datetime.combine(timezone.localdate() - dt.timedelta(days=2), dt.time())
    base = ["CN-2026-0001", "冷冻牛肉", "巴西", "天津港", "江岸进出口公司", 1200, "kg", "江岸冷库", day]
    return workbook([[row.get(i, v) for i, v in enumerate(base)] for row in rows],
                    header=HEADER, sheet="进口冷链货物台账", title="江岸区进口冷链食品台账")


def test_a_goods_ledger_is_checked_row_by_row_then_only_the_valid_rows_are_imported(officer, stores):
    tomorrow = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time())
    data = ledger({}, {0: "CN-2026-0002"}, {},  # the third row repeats the first
                  {0: "CN-2026-0003", 5: "一千"}, {0: "CN-2026-0004", 7: "白沙洲冷库"},
                  {0: "CN-2026-0005", 8: tomorrow}, {0: "CN-2026-0006", 1: ""})
    with translation.override("en"):
        job, _ = imports.upload(officer, "goods-batches", "台账.xlsx", data)
        job = imports.run_to_end(job)
    assert (job.status, job.total_rows, job.valid_rows, job.repeated_rows, job.refused_rows) == (
        ImportStatus.CHECKED, 7, 2, 1, 4)
    refused = {(r.row, r.column, r.message) for r in job.refusals.filter(repeat=False)}
    assert [(r.row, r.repeat) for r in job.refusals.filter(repeat=True)] == [(5, True)]  # listed as a repeat
    columns = {(row, column) for row, column, _m in refused}
    # row 1 is the title, row 2 the header: the data begins on row 3
    assert columns == {(6, "F"), (7, "H"), (8, "I"), (9, "B")}
    assert any("quantity above zero" in m for _r, _c, m in refused)
    assert any("no store, port or market of your area" in m for _r, _c, m in refused)  # out of the officer's area
    assert any("future" in m for _r, _c, m in refused)
    assert not Batch.objects.exists()  # checking writes nothing
    job = imports.run_to_end(imports.choose(officer, job.pk, import_valid=True))
    assert job.written_rows == 2
    assert sorted(Batch.objects.values_list("number", "status", "site__name")) == [
        ("CN-2026-0001", "held", "江岸冷库"), ("CN-2026-0002", "held", "江岸冷库")]
    assert AuditEvent.objects.filter(action=Action.GOODS_CHANGE, details__step="receive").count() == 2
    again, _ = imports.upload(officer, "goods-batches", "台账-重传.xlsx", ledger({}))
    again = imports.run_to_end(again)
    assert (again.valid_rows, again.repeated_rows, again.refused_rows) == (0, 1, 0)  # the same sheet again counts once
    assert Batch.objects.count() == 2


def test_a_batch_number_of_another_store_is_refused_and_nothing_is_half_written(officer, stores, commander, tree):
    other = services.add_site(commander, name="阳逻港", kind="port", jurisdiction_code=tree["county_a"].code)
    services.receive_batch(commander, other.pk, services.BatchInput(
        number="CN-2026-0009", goods="冻虾", origin_country="厄瓜多尔", port_of_entry="上海港", importer="某公司",
        quantity="10", unit="箱", received_on=timezone.localdate()))
    rows = [services.BatchRow("江岸冷库", services.BatchInput(
        number=n, goods="冻虾", origin_country="厄瓜多尔", port_of_entry="上海港", importer="某公司", quantity=q,
        unit="箱", received_on=timezone.localdate())) for n, q in (("CN-2026-0009", "5"), ("CN-2026-0010", "0"))]
    outcomes = services.receive_batches(officer, rows)
    assert [{p.field for p in o.refused.problems} for o in outcomes] == [{"number"}, {"quantity"}]
    assert Batch.objects.count() == 1


def test_only_a_role_that_records_goods_imports_a_ledger(tree, stores):
    from fangkong.accounts.permissions import Forbidden

    worker = make_user("grid-worker-2", Role.GRID, tree["grid_a1"])
    with pytest.raises(Forbidden):
        imports.upload(worker, "goods-batches", "台账.xlsx", ledger({}))


def test_the_goods_template_is_a_file_the_import_reads(officer):
    header = xlsx_rows(GOODS_BATCHES.template())[0]
    assert [h.lstrip("*") for h in header] == HEADER and all(h.startswith("*") for h in header)
    with translation.override("en"):
        job, _ = imports.upload(officer, "goods-batches", "t.xlsx", GOODS_BATCHES.template())
    assert job.status == ImportStatus.REFUSED and "no rows under it" in job.refusals.get().message


WORKER_HEADER = ["姓名", "身份证号", "工作场所", "岗位", "近14天行程", "最近核酸日期"]


def test_a_staff_list_puts_residents_on_the_worker_register_and_refuses_by_cell(commander, stores, person, tree):
    for name, kind in (("江岸菜场", "market"), ("阳逻港", "port"), ("二号冷库", "cold_store")):
        services.add_site(commander, name=name, kind=kind, jurisdiction_code=tree["county_a"].code)
    tested = dt.datetime.combine(timezone.localdate() - dt.timedelta(days=1), dt.time())
    rows = [["张三", person.id_number, "江岸冷库", "搬运", "无", tested],
            ["张三", person.id_number, "江岸冷库", "搬运", "无", tested],  # the same row twice
            ["李四", person.id_number, "阳逻港", "搬运", "", ""],  # not the name of this ID
            ["张三", "420102199001011230", "江岸冷库", "搬运", "", ""],  # no such resident
            ["张三", person.id_number, "江岸菜场", "理货", "", ""],  # a market is no high-risk post
            ["张三", person.id_number, "二号冷库", "", "", ""]]
    with translation.override("en"):
        job, _ = imports.upload(commander, "goods-workers", "人员.xlsx", workbook(
            rows, header=WORKER_HEADER, sheet="高风险岗位人员名单"))
        job = imports.run_to_end(job)
    refused = {(r.row, r.column) for r in job.refusals.filter(repeat=False)}
    assert refused == {(4, "A"), (5, "B"), (6, "C"), (7, "D")}
    assert list(job.refusals.filter(repeat=True).values_list("row", flat=True)) == [3]
    assert (job.valid_rows, job.repeated_rows) == (1, 1)
    job = imports.run_to_end(imports.choose(commander, job.pk, import_valid=True))
    assert job.written_rows == 1
    worker = services.workers_for(commander).get()
    assert (worker.person, worker.site, worker.last_tested_on) == (person, stores, tested.date())
    assert AuditEvent.objects.filter(action=Action.GOODS_CHANGE, person=person).count() == 1
    assert not services.overdue_workers(commander).exists()


def test_overdue_workers_rise_on_the_dashboard_of_their_place_and_above(commander, stores, person, tree):
    from django.test import Client

    (outcome,) = services.register_workers(commander, [services.WorkerRow(person.id_number, "", "江岸冷库", "搬运")])
    assert outcome.created
    client = Client()
    client.force_login(commander)
    for node in ("county_a", "city"):
        page = client.get(f"/dashboard/{tree[node].code}/").content.decode()
        assert 'data-testid="overdue-workers"' in page and "1名从业人员检测逾期" in page, node
    assert 'data-testid="overdue-workers"' not in client.get(f"/dashboard/{tree['county_b'].code}/").content.decode()
