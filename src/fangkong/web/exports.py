"""Streaming exports of any register, as CSV or .xlsx, with flat memory however many rows.

CSV streams row by row to the client. .xlsx is written by openpyxl's write-only workbook, which
keeps one row in memory and spools the sheet to a temporary file that is then streamed.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff" + writer.writerow(header)  # BOM so Excel reads UTF-8 Chinese
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_xlsx(target, header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Sheet1") -> None:
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    book.save(target)


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Sheet1") -> FileResponse:
    spool = tempfile.TemporaryFile()
    write_xlsx(spool, header, rows, sheet)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
