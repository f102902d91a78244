"""Streaming exports of any register, as CSV or .xlsx, with flat memory however many rows.

CSV streams row by row to the client. .xlsx is written by rust_xlsxwriter (John McNamara's Rust port of
XlsxWriter, through rustpy-xlsxwriter) in constant-memory mode, pulling the rows from the register's
generator: ten times XlsxWriter's speed, which a million-row register needs (docs/adr/0002). The finished
workbook is then streamed. A sheet holds at most 1,048,576 rows, so a longer register continues on a
next sheet. Text is never run as a formula (the writer writes strings as strings), and in CSV a cell
starting with =, +, - or @ gets a leading apostrophe (the OWASP advice against CSV injection).
"""

from __future__ import annotations

import csv
import itertools
import tempfile
from collections.abc import Iterable, Sequence

import rustpy_xlsxwriter
from django.http import FileResponse, Http404, StreamingHttpResponse

XLSX_MAX_ROWS = 1_048_576
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff" + writer.writerow(header)  # BOM so Excel reads UTF-8 Chinese
        for row in rows:
            yield writer.writerow([_safe(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_xlsx(target, header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Sheet1",
               *, max_rows: int = XLSX_MAX_ROWS) -> int:
    """Write `rows` under `header`, continuing on further sheets past a sheet's rows when `rows` says how many it
    holds (`rows.total`, as a register export does); returns the number of rows written."""
    if len(set(header)) != len(header):
        raise ValueError(f"the columns of a sheet need distinct headers: {header}")
    per_sheet, total = max_rows - 1, getattr(rows, "total", None)
    iterator, written = iter(rows), [0]

    def records(limit: int):
        empty = True
        for row in itertools.islice(iterator, limit):
            empty = False
            written[0] += 1
            yield dict(zip(header, row))
        if empty:
            yield dict.fromkeys(header)  # a row of nothing: the sheet keeps its header, and no row under it

    names = [sheet[:31]] + [f"{sheet[:24]} ({n})" for n in range(2, -(-(total or 0) // per_sheet) + 1)]
    rustpy_xlsxwriter.write_worksheets([(name, records(per_sheet)) for name in names], target,
                                       freeze_panes={"general": {"row": 1, "col": 0}}, bold_headers=True)
    if next(iterator, None) is not None:
        raise ValueError(f"more rows than {len(names)} sheet(s) hold; the rows must say their total")
    return written[0]


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence],
                  sheet: str = "Sheet1") -> FileResponse:
    spool = tempfile.TemporaryFile()
    write_xlsx(spool, header, rows, sheet)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


FORMATS = ("xlsx", "csv")


def register_response(fmt: str, filename: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Sheet1"):
    """The register in the format the address asks for (.xlsx or .csv; any other is not found)."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, sheet)
    return csv_response(filename, header, rows)
