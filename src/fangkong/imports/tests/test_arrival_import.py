"""Importing the arrival register from .xlsx: every row is checked first, each refusal names its row, column
and reason, and the uploader imports nothing or only the valid rows, once."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone, translation

from fangkong.audit.models import Action, AuditEvent
from fangkong.conftest import VALID_ID
from fangkong.imports import services
from fangkong.imports.models import ImportChunk, ImportStatus
from fangkong.screening import services as screening
from fangkong.screening.models import Arrival

from .workbooks import ARRIVAL_HEADER, OTHER_IDS, arrival_row, workbook


def upload(user, data, name="arrivals"):
    job, _created = services.upload(user, name, "登记表.xlsx", data)
    return job


def checked(user, data, name="arrivals"):
    return services.run_to_end(upload(user, data, name))


def refusals(job):
    return [(r.row, r.column, r.header, r.message, r.repeat) for r in job.refusals.all()]


def test_a_clean_file_is_checked_then_imported_once_and_its_rows_are_registered(grid_worker, commander):
    screening.declare(commander, code="110105", level="high", valid_from=timezone.localdate() - dt.timedelta(days=2))
    grid = grid_worker.jurisdiction.code
    rows = [arrival_row(grid), arrival_row(grid, id_number=OTHER_IDS[0], name="李四", origin="310115")]
    job = checked(grid_worker, workbook(rows, title="江岸区幸福社区来返人员登记表"))
    assert (job.status, job.total_rows, job.refused_rows, job.valid_rows) == (ImportStatus.CHECKED, 2, 0, 2)
    assert job.header_row == 2 and job.columns["id_number"] == "B"
    assert not Arrival.objects.exists()  # checking writes nothing

    job = services.run_to_end(services.choose(grid_worker, job.pk, import_valid=True))
    assert (job.status, job.written_rows) == (ImportStatus.IMPORTED, 2)
    high = Arrival.objects.get(person__name="张三")
    assert high.origin_risk == "high" and high.order is not None  # the same follow-up as the form gives
    assert Arrival.objects.get(person__name="李四").follow_up == "none"
    assert not ImportChunk.objects.filter(job=job).exists()  # the staged rows are gone
    registered = AuditEvent.objects.filter(action=Action.ARRIVAL_CHANGE, channel="import")
    assert sorted(e.person.name for e in registered) == ["张三", "李四"]
    assert all(e.details["registration"]["created"] for e in registered)  # each person registered by the row

    again = checked(grid_worker, workbook(rows))  # the same file a second time
    assert (again.valid_rows, again.repeated_rows) == (0, 2)
    assert {r[3] for r in refusals(again)} == {"already in the register"}
    assert Arrival.objects.count() == 2


def test_every_kind_of_bad_cell_is_named_by_row_column_and_reason(grid_worker):
    grid = grid_worker.jurisdiction.code
    future = timezone.localtime() + dt.timedelta(days=2)
    rows = [
        arrival_row(grid),                                                     # row 2: good
        arrival_row(grid, id_number="420102199003071233", name="王五"),         # row 3: check digit
        arrival_row(grid, id_number=OTHER_IDS[0], origin="990101"),            # row 4: unknown area code
        arrival_row(grid, id_number=OTHER_IDS[1], arrived=future),             # row 5: in the future
        arrival_row(grid, id_number=OTHER_IDS[2], name=""),                    # row 6: a required cell empty
        arrival_row(grid),                                                     # row 7: the same as row 2
        arrival_row(grid, id_number=OTHER_IDS[2], mode="骑马", arrived="昨天"),  # row 8: two bad cells
    ]
    job = checked(grid_worker, workbook(rows))
    found = {(row, column): (header, message) for row, column, header, message, _repeat in refusals(job)}
    assert found[(3, "B")] == ("身份证号", "the check digit of this resident ID should be 2")
    assert found[(4, "D")][0] == "来源地代码" and "990101 is not a county code" in found[(4, "D")][1]
    assert found[(5, "F")] == ("抵达时间", "the arrival is dated in the future")
    assert found[(6, "A")] == ("姓名", "this cell is empty; the column is required")
    assert found[(7, "")][1] == "the same entry as row 2"
    assert found[(8, "G")][1].startswith("“骑马” is not one of: 火车")
    assert "is not a date and time" in found[(8, "F")][1]
    assert (job.total_rows, job.refused_rows, job.repeated_rows, job.valid_rows) == (7, 5, 1, 1)


def test_a_row_lists_its_unreadable_cells_with_the_problems_the_register_finds_in_the_others(grid_worker):
    grid = grid_worker.jurisdiction.code
    rows = [arrival_row(grid, id_number="420102199003071233", arrived="昨天", mode="骑马")]  # check digit, time, mode
    found = {column: message for _row, column, _h, message, _r in refusals(checked(grid_worker, workbook(rows)))}
    assert set(found) == {"B", "F", "G"}
    assert found["B"] == "the check digit of this resident ID should be 2"
    assert "is not a date and time" in found["F"]  # the cell's own reason, not "give the arrival time" again


def test_the_uploader_imports_nothing_or_only_the_valid_rows(grid_worker):
    grid = grid_worker.jurisdiction.code
    data = workbook([arrival_row(grid), arrival_row(grid, id_number="420102199003071233")])
    nothing = services.choose(grid_worker, checked(grid_worker, data).pk, import_valid=False)
    assert nothing.status == ImportStatus.DISCARDED and not Arrival.objects.exists()
    assert not ImportChunk.objects.filter(job=nothing).exists()

    job = services.run_to_end(checked(grid_worker, data), import_valid=True)
    assert (job.status, job.written_rows, job.refused_rows) == (ImportStatus.IMPORTED, 1, 1)
    assert list(Arrival.objects.values_list("person__name", flat=True)) == ["张三"]


def test_merged_cells_under_the_header_refuse_the_rows_they_cover(grid_worker):
    grid = grid_worker.jurisdiction.code
    rows = [arrival_row(grid, id_number=i, name="赵六") for i in (VALID_ID, OTHER_IDS[0], OTHER_IDS[1])]
    job = checked(grid_worker, workbook(rows, merge=(0, 0, 2)))  # 姓名 merged over three rows, as families are
    merged = [(row, column) for row, column, _h, message, _r in refusals(job) if "merged cells A2:A4" in message]
    assert merged == [(2, "A"), (3, "A"), (4, "A")]
    assert job.valid_rows == 0


@pytest.mark.parametrize("build, message", [
    (lambda g: workbook([arrival_row(g)], sheet="Sheet1", header=["序号", "姓名", "备注"]),
     "sheet “Sheet1” lacks the columns 证件号码、来源地代码、抵达时间、交通方式、人员类别 of the arrival register"),
    (lambda g: workbook([["说明"]], header=["填表说明"], sheet="说明"),
     "no sheet has the header row of the arrival register"),
    (lambda g: b"PK\x03\x04 not really a workbook",
     "this is not an Excel workbook (.xlsx) that can be read"),
    (lambda g: workbook([arrival_row(g)], other_sheets=[("副本", [ARRIVAL_HEADER, arrival_row(g)])]),
     "the arrival register is on several sheets (副本、来返人员登记): keep it on one sheet"),
    (lambda g: workbook([], ),
     "sheet “来返人员登记” has a header row but no rows under it"),
    (lambda g: workbook([arrival_row(g)[:1] + [""] + arrival_row(g)[2:]]),
     "column B (身份证号) is empty in every row"),
    (lambda g: workbook([arrival_row(g) + ["13900000000"]], header=ARRIVAL_HEADER + ["手机号"]),
     "two columns (C and K) are headed 手机号: keep one"),
], ids=["wrong sheet", "no header", "not a workbook", "two sheets", "no rows", "empty required column",
        "a column twice"])
def test_a_file_that_is_not_the_register_is_refused_as_a_whole(grid_worker, build, message):
    job = upload(grid_worker, build(grid_worker.jurisdiction.code))
    assert job.status == ImportStatus.REFUSED
    assert [r.row for r in job.refusals.all()] == [0] and job.refusals.get().message.startswith(message)
    assert not ImportChunk.objects.filter(job=job).exists()


def test_a_refusal_names_the_register_in_each_uploaders_language(grid_worker):
    wrong = workbook([["说明"]], header=["填表说明"], sheet="说明")
    with translation.override("zh-hans"):
        chinese = upload(grid_worker, wrong).refusals.get().message
    english = upload(grid_worker, wrong).refusals.get().message
    assert "来返人员登记表" in chinese and english.startswith("no sheet has the header row of the arrival register")


def test_an_id_typed_into_a_number_cell_is_refused_for_its_lost_digits(grid_worker):
    row = arrival_row(grid_worker.jurisdiction.code)
    row[1] = 420102199003071232  # Excel keeps 4.20102199003071E+17
    job = checked(grid_worker, workbook([row]))
    assert "Excel kept only 15 digits" in job.refusals.get(column="B").message


def test_grid_sheets_words_and_number_cells_are_read_as_a_worker_means_them(grid_worker):
    grid = grid_worker.jurisdiction.code
    row = arrival_row(grid, mode="自驾", vehicle="鄂A12345", category="外来访客",
                      arrived=(timezone.localtime() - dt.timedelta(days=1)).strftime("%Y年%m月%d日 %H:%M"))
    job = services.run_to_end(upload(grid_worker, workbook([row], numbers_as_numbers=True)), import_valid=True)
    assert job.written_rows == 1, refusals(job)
    arrival = Arrival.objects.get()
    assert (arrival.mode, arrival.category, arrival.origin_code, arrival.vehicle) == ("car", "visitor", "110105",
                                                                                      "鄂A12345")
    assert arrival.person.phone == "13812345678"


def test_a_grid_worker_cannot_import_into_a_grid_outside_their_own(grid_worker, tree):
    job = checked(grid_worker, workbook([arrival_row(tree["grid_b1"].code)]))
    assert refusals(job)[0][1:3] == ("J", "网格编码") and "unknown grid code" in refusals(job)[0][3]


def test_only_the_uploader_sees_the_job_and_a_repeated_upload_key_counts_once(grid_worker, sibling_worker):
    data = workbook([arrival_row(grid_worker.jurisdiction.code)])
    first, created = services.upload(grid_worker, "arrivals", "a.xlsx", data, idempotency_key="k1")
    again, created_again = services.upload(grid_worker, "arrivals", "a.xlsx", data, idempotency_key="k1")
    assert (created, created_again, first.pk == again.pk) == (True, False, True)
    with pytest.raises(Http404):
        services.get_job_for(sibling_worker, first.pk)


def test_a_job_advances_in_steps_that_report_progress_and_resume(grid_worker, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    grid = grid_worker.jurisdiction.code
    rows = [arrival_row(grid, id_number=i) for i in (VALID_ID, *OTHER_IDS)]
    job = upload(grid_worker, workbook(rows))
    assert ImportChunk.objects.filter(job=job).count() == 2
    job = services.step(grid_worker, job.pk, seconds=0)  # one chunk per step when the budget is spent
    assert (job.status, job.checked_rows, job.percent) == (ImportStatus.CHECKING, 2, 50)
    job = services.step(grid_worker, job.pk, seconds=0)
    job = services.step(grid_worker, job.pk, seconds=0)
    assert (job.status, job.checked_rows) == (ImportStatus.CHECKED, 4)
    services.choose(grid_worker, job.pk, import_valid=True)
    job = services.step(grid_worker, job.pk, seconds=0)
    assert (job.status, job.written_rows, Arrival.objects.count()) == (ImportStatus.IMPORTING, 2, 2)
    assert services.sweep(timezone.now() + dt.timedelta(minutes=5))["resumed"] == 1  # the page was closed
    job.refresh_from_db()
    assert (job.status, job.written_rows, Arrival.objects.count()) == (ImportStatus.IMPORTED, 4, 4)


def test_a_checked_file_nobody_chose_for_is_dropped_by_the_sweep(grid_worker, settings):
    job = checked(grid_worker, workbook([arrival_row(grid_worker.jurisdiction.code)]))
    assert services.sweep(timezone.now() + dt.timedelta(hours=settings.IMPORT_KEEP_HOURS + 1))["discarded"] == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.DISCARDED and not ImportChunk.objects.filter(job=job).exists()


def test_an_uploader_who_lost_the_role_since_imports_nothing_and_the_job_says_why(grid_worker, tree):
    job = upload(grid_worker, workbook([arrival_row(tree["grid_a1"].code)]))
    grid_worker.role = "public"
    grid_worker.save(update_fields=["role"])
    services.sweep(now=timezone.now() + dt.timedelta(hours=1))  # the cron finishes abandoned jobs, and goes on
    job.refresh_from_db()
    assert job.status == ImportStatus.REFUSED and not ImportChunk.objects.filter(job=job).exists()
    assert [(r.row, r.column) for r in job.refusals.all()] == [(0, "")]
    assert not Arrival.objects.exists()
