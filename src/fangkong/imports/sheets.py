"""Reading a register out of a workbook the way grids keep it: one sheet, perhaps a title above, then a
Chinese header row and one row per entry. Anything that makes the file unreadable as a whole is refused
here, naming the sheet or the column; problems of single rows are left to the register's checks."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from io import BytesIO

import python_calamine
from django.utils.translation import gettext_lazy as _

from fangkong.errors import InputRefused

HEADER_SEARCH_ROWS = 10  # the header row may sit under a title, within the first rows
_HEADER_NOISE = re.compile(r"[\s*＊:：]")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as Excel shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def normalise_header(text) -> str:
    return _HEADER_NOISE.sub("", str(text)).replace("（", "(").replace("）", ")").lower()


@dataclass(frozen=True)
class HeaderSpec:
    """What a register's sheet must look like: each field's accepted headers, and which are required."""

    title: str  # or a lazy translation
    fields: Sequence[tuple[str, Sequence[str], bool]]  # (field, accepted headers, column required)

    @cached_property
    def _wanted(self) -> dict[str, str]:
        return {normalise_header(h): f for f, headers, _required in self.fields for h in (*headers, f)}

    def find(self, cells: Sequence) -> tuple[dict[str, int], list[tuple[str, int, int]]]:
        """The fields a row's cells name, by column; and (field, first, again) for a field headed twice."""
        found: dict[str, int] = {}
        again: list[tuple[str, int, int]] = []
        for index, cell in enumerate(cells):
            name = self._wanted.get(normalise_header(cell)) if cell not in ("", None) else None
            if name is not None:
                if name in found:
                    again.append((name, found[name], index))
                else:
                    found[name] = index
        return found, again

    @property
    def required(self) -> list[str]:
        return [f for f, _headers, required in self.fields if required]

    def header_of(self, name: str) -> str:
        return next(headers[0] for f, headers, _required in self.fields if f == name)


@dataclass
class Sheet:
    name: str
    header_row: int  # as Excel numbers rows, from 1
    columns: dict[str, int]  # field -> column index, from 0
    headers: dict[str, str]  # field -> the header as written in the file
    rows: list[tuple[int, list]] = field(default_factory=list)  # (Excel row, one JSON value per field)
    merged: list[tuple[int, str, str]] = field(default_factory=list)  # (Excel row, field, the range)


def read(data: bytes, spec: HeaderSpec, *, max_rows: int) -> Sheet:
    """The register's sheet out of a workbook's bytes, every value ready to be stored as JSON."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(BytesIO(data))
    except Exception:  # calamine raises its own errors for every kind of unreadable file
        raise InputRefused(("file", _("this is not an Excel workbook (.xlsx or .xls) that can be read"))) from None
    candidates, best = [], (0, "", [])
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        for number, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
            columns, again = spec.find(cells)
            if all(f in columns for f in spec.required):
                candidates.append((name, sheet, rows, number, columns, again))
                break
            if len(columns) > best[0]:
                best = (len(columns), name, [spec.header_of(f) for f in spec.required if f not in columns])
    if not candidates:
        if best[0]:
            raise InputRefused(("sheet", _("sheet “%(s)s” lacks the columns %(c)s of the %(r)s")
                                % {"s": best[1], "c": "、".join(best[2]), "r": spec.title}))
        raise InputRefused(("sheet", _("no sheet has the header row of the %(r)s (%(c)s) in its first %(n)d rows")
                            % {"r": spec.title, "c": "、".join(spec.header_of(f) for f in spec.required),
                               "n": HEADER_SEARCH_ROWS}))
    if len(candidates) > 1:
        raise InputRefused(("sheet", _("the %(r)s is on several sheets (%(s)s): keep it on one sheet")
                            % {"r": spec.title, "s": "、".join(c[0] for c in candidates)}))
    name, sheet, rows, header_index, columns, again = candidates[0]
    if again:
        field_name, first, second = again[0]
        raise InputRefused((field_name, _("two columns (%(a)s and %(b)s) are headed %(h)s: keep one")
                            % {"a": column_letter(first), "b": column_letter(second),
                               "h": rows[header_index][second]}))
    result = Sheet(name=name, header_row=header_index + 1, columns=columns,
                   headers={f: str(rows[header_index][i]).strip() for f, i in columns.items()})
    order = [(f, columns.get(f)) for f, _headers, _required in spec.fields]
    for number in range(header_index + 1, len(rows)):
        cells = rows[number]
        values = [_json_value(cells[i]) if i is not None and i < len(cells) else "" for _f, i in order]
        if any(v != "" for v in values):
            result.rows.append((number + 1, values))
    if len(result.rows) > max_rows:
        raise InputRefused(("file", _("the file has %(n)d rows; at most %(m)d can be imported at once: split it")
                            % {"n": len(result.rows), "m": max_rows}))
    if not result.rows:
        raise InputRefused(("file", _("sheet “%(s)s” has a header row but no rows under it") % {"s": name}))
    position = {f: i for i, (f, _column) in enumerate(order)}
    for f in spec.required:
        if all(values[position[f]] == "" for _row, values in result.rows):
            raise InputRefused((f, _("column %(c)s (%(h)s) is empty in every row")
                                % {"c": column_letter(columns[f]), "h": result.headers[f]}))
    by_column = {i: f for f, i in columns.items()}
    for (top, left), (bottom, right) in sheet.merged_cell_ranges:
        span = f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}"
        for number in range(max(top, header_index + 1), bottom + 1):
            for index in range(left, right + 1):
                if index in by_column:
                    result.merged.append((number + 1, by_column[index], span))
    return result


def _json_value(cell):
    """A cell as JSON keeps it: text and numbers as they are, dates and times as ISO text."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, (int, float)):
        return cell
    if isinstance(cell, (dt.datetime, dt.date, dt.time)):
        return cell.isoformat()
    return str(cell)
