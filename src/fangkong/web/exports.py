"""Streaming exports of any register, as CSV or .xlsx, with flat memory however many rows.

CSV streams row by row to the client. .xlsx is written by XlsxWriter in constant-memory mode, which
keeps one row in memory and spools each sheet to a temporary file; the finished workbook is then
streamed. A sheet holds at most 1,048,576 rows, so a longer register continues on a next sheet.
Text is never run as a formula: XlsxWriter is told so, and in CSV a cell starting with =, +, - or @
gets a leading apostrophe (the OWASP advice against CSV injection).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Sequence

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse

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
    """Write `rows` under `header`; returns the number of rows written."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    written, worksheet, line = 0, None, max_rows
    for row in rows:
        if line == max_rows:
            worksheet = book.add_worksheet(sheet if worksheet is None else f"{sheet[:24]} ({written // (max_rows - 1) + 1})")
            worksheet.set_column(0, len(header) - 1, 16)
            worksheet.freeze_panes(1, 0)
            worksheet.write_row(0, 0, header, bold)
            line = 1
        worksheet.write_row(line, 0, row)
        line += 1
        written += 1
    if worksheet is None:
        book.add_worksheet(sheet).write_row(0, 0, header, bold)
    book.close()
    return written


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Sheet1") -> FileResponse:
    spool = tempfile.TemporaryFile()
    write_xlsx(spool, header, rows, sheet)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def register_response(fmt: str, filename: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Sheet1"):
    """The register as the user asked for it: .xlsx, or CSV for anything else."""
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, sheet)
    return csv_response(filename, header, rows)
