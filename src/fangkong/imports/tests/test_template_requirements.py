"""The template says which columns may not be left empty, and the check refuses exactly those: both come
from the one column definition, conditions included (车次/航班/车牌 when travelling by train, flight or car)."""

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone, translation

from fangkong.conftest import VALID_ID, xlsx_rows
from fangkong.imports.registers import ARRIVALS, ASSIST

ARRIVED = (timezone.now() - dt.timedelta(hours=3)).isoformat()


def arrival(grid: str, **cells) -> dict:
    return {"name": "张三", "id_type": "", "id_number": VALID_ID, "nationality": "", "sex": "", "birth_date": "",
            "phone": "13812345678", "origin_code": "110105", "origin_name": "", "arrived_at": ARRIVED,
            "mode": "火车", "vehicle": "G1234", "category": "返岗务工", "grid_code": grid, "household_code": "",
            **cells}


def valid_rows(register, grid: str) -> list[dict]:
    """Rows the register takes, one for each way a column becomes required."""
    if register is ASSIST:
        return [{"reference": "BJ-1", "region": "北京市朝阳区疾控中心", "name": "张三", "id_number": VALID_ID,
                 "phone": "", "address_code": grid, "reason": "密接"}]
    return [arrival(grid), arrival(grid, mode="飞机", vehicle="CZ3151"), arrival(grid, mode="自驾", vehicle="鄂A12345"),
            arrival(grid, mode="其他", vehicle=""),
            arrival(grid, id_type="护照", id_number="E12345678", nationality="USA", sex="男", birth_date="1990-01-01")]


def refused_fields(register, actor, cells: dict) -> set[str]:
    """The fields the import's check names when it refuses this row (nothing when it takes it)."""
    values = [cells[c.field] for c in register.columns]
    entry, unreadable = register.entry(values, {})
    (outcome,) = register.submit(actor, [entry], False)
    return {p.field for p in unreadable} | ({p.field for p in outcome.refused.problems} if outcome.refused else set())


def template_comments(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/comments"))


@pytest.mark.parametrize("register", [ARRIVALS, ASSIST], ids=lambda r: r.name)
def test_every_column_the_check_refuses_empty_is_starred_in_the_template_and_no_other(register, grid_worker, commander):
    grid = grid_worker.jurisdiction.code
    importer = commander if register is ASSIST else grid_worker  # assist requests are received by the command
    refusable = set()
    for row in valid_rows(register, grid):
        assert refused_fields(register, importer, row) == set(), row
        for column in register.columns:
            if row[column.field] != "" and column.field in refused_fields(register, importer,
                                                                              {**row, column.field: ""}):
                refusable.add(column.field)
    data = register.template()
    header = xlsx_rows(data)[0]
    starred = {c.field for c, text in zip(register.columns, header) if text.startswith("*")}
    assert starred == refusable
    comments = template_comments(data)
    for column in register.columns:
        if column.required_when:
            assert str(column.required_when.rule(register.by_field)) in comments, column.header


def test_an_empty_vehicle_cell_is_told_the_condition_that_requires_it(grid_worker):
    values = [arrival(grid_worker.jurisdiction.code, vehicle="")[c.field] for c in ARRIVALS.columns]
    _entry, unreadable = ARRIVALS.entry(values, {})
    assert [(p.field, str(p.message)) for p in unreadable] == [
        ("vehicle", "车次/航班/车牌 is required when 交通方式 is 火车/飞机/汽车")]
    with translation.override("zh-hans"):
        assert str(ARRIVALS.entry(values, {})[1][0].message) == "交通方式为火车/飞机/汽车时，车次/航班/车牌必填"
    assert "车次/航班/车牌: required when 交通方式 is 火车/飞机/汽车" in template_comments(ARRIVALS.template())
