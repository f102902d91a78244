"""Workbooks as grids send them, built for the tests: a header row, perhaps a title, merged cells, other sheets."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import xlsxwriter
from django.utils import timezone

from fangkong.conftest import VALID_ID

ARRIVAL_HEADER = ["姓名", "身份证号", "联系电话", "来源地代码", "来源地", "抵达时间", "交通方式", "车次/航班/车牌",
                  "人员类别", "网格编码"]
# More valid resident IDs of Wuhan (checksums computed by python-stdnum).
OTHER_IDS = ["420102198501011211", "420102199212120029", "420102198806061236"]


def arrival_row(grid_code: str, *, id_number: str = VALID_ID, name: str = "张三", origin: str = "110105",
                arrived: dt.datetime | str | None = None, mode: str = "火车", vehicle: str = "G1234",
                category: str = "返岗务工", phone: str = "13812345678") -> list:
    arrived = arrived or timezone.localtime() - dt.timedelta(hours=3)
    if isinstance(arrived, dt.datetime):
        arrived = arrived.replace(tzinfo=None)
    return [name, id_number, phone, origin, "", arrived, mode, vehicle, category, grid_code]


def workbook(rows, *, header=ARRIVAL_HEADER, sheet="来返人员登记", title: str | None = None,
             merge: tuple[int, int, int] | None = None, other_sheets=(), numbers_as_numbers: bool = False) -> bytes:
    """An .xlsx: on `sheet`, an optional merged title row, the header, then `rows` (datetimes as date cells).
    `merge` = (column, first row, last row), indexes into `rows`: those cells merged, holding the first's value."""
    out = BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    for name, cells in other_sheets:
        extra = book.add_worksheet(name)
        for r, row in enumerate(cells):
            extra.write_row(r, 0, row)
    sheet_ = book.add_worksheet(sheet)
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    first = 0
    if title:
        sheet_.merge_range(0, 0, 0, len(header) - 1, title)
        first = 1
    sheet_.write_row(first, 0, header)
    for r, row in enumerate(rows, start=first + 1):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet_.write_datetime(r, c, value, when)
            elif isinstance(value, (int, float)) or (numbers_as_numbers and str(value).isdigit()
                                                     and len(str(value)) <= 15):
                sheet_.write_number(r, c, float(value))
            else:
                sheet_.write_string(r, c, str(value))
    if merge:
        column, top, bottom = merge
        sheet_.merge_range(first + 1 + top, column, first + 1 + bottom, column, str(rows[top][column]))
    book.close()
    return out.getvalue()
