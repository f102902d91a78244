"""Reading a register out of a workbook the way grids keep it: one sheet, perhaps a title above, then a
Chinese header row and one row per entry. Anything that makes the file unreadable as a whole is refused
here, naming the sheet or the column; problems of single rows are left to the register's checks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from io import BytesIO

import python_calamine
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fangkong.errors import InputRefused

HEADER_SEARCH_ROWS = 10  # the header row may sit under a title, within the first rows
# Limits on what a workbook may unpack to, checked before calamine reads it: calamine holds every sheet as a
# dense grid from A1 to its last cell, so a few kilobytes naming cell AE1000000 cost a gigabyte.
SHEET_MAX_COLUMNS = 52  # column AZ: a register has 10-20 columns, a grid's copy a few more
MAX_COMPRESSION_RATIO = 200  # real sheets compress 5-20:1, a bomb 1000:1
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(?:[A-Z]+[0-9]+:)?([A-Z]+)([0-9]+)"')
_CELL_OR_ROW_BEYOND = rb'r\s*=\s*["\']((?:[A-Z]{3,}|[B-Z][A-Z])[0-9]+|[A-Z]*0*(?:%s))["\']'
_CUT_ELEMENT_MAX = 64 * 1024  # the most of an element cut by a chunk boundary carried into the next chunk
_INFLATE_CHUNK = 1 << 20
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

    title: Promise | str  # a lazy translation, shown in the language of whoever reads the refusal
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


def column_number(letters: str) -> int:
    """A -> 1, Z -> 26, AA -> 27: the inverse of column_letter, counted from 1."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _not_a_workbook() -> InputRefused:
    return InputRefused(("file", _("this is not an Excel workbook (.xlsx) that can be read; "
                                   "an old .xls file must first be saved as .xlsx")))


def check_archive(data: bytes, *, max_rows: int, max_unzipped_mb: int) -> None:
    """Refuse a workbook that would unpack to more than the import can hold, before anything unpacks it.

    An .xlsx is a zip; the sizes its directory declares are checked first (total, ratio, each sheet's declared
    dimension), then every member is inflated once without keeping it, so a member that inflates past what it
    declares, or a sheet whose cells reach beyond the limits whatever its dimension says, is caught too."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _not_a_workbook() from None
    if not members:
        raise _not_a_workbook()
    budget = max_unzipped_mb * 1024 * 1024
    if sum(m.file_size for m in members) > budget:
        raise InputRefused(("file", _("the workbook unpacks to more than %(m)d MB: split it")
                            % {"m": max_unzipped_mb}))
    for member in members:
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or member.flag_bits & 0x1:
            raise _not_a_workbook()  # compressed or encrypted in a way no spreadsheet program writes
        if member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1) + 1024:
            raise InputRefused(("file", _("part %(p)s of the workbook is compressed %(r)d times, far beyond what "
                                          "a real sheet compresses: the file is refused")
                                % {"p": member.filename, "r": member.file_size // max(member.compress_size, 1)}))
    last_row = max_rows + HEADER_SEARCH_ROWS
    worksheets = [m for m in members if _WORKSHEET.fullmatch(m.filename)]
    for member in worksheets:
        try:
            with archive.open(member) as stream:
                declared = _DIMENSION.search(stream.read(4096))
        except zipfile.BadZipFile:  # its checksum, when it declares less than 4 KB
            raise _forged(member) from None
        if declared and (column_number(declared[1].decode()) > SHEET_MAX_COLUMNS or int(declared[2]) > last_row):
            raise _too_far(declared[1].decode() + declared[2].decode())
    for member in members:
        _inflate(data, member, last_row=last_row if member in worksheets else None)


def _forged(member: zipfile.ZipInfo) -> InputRefused:
    return InputRefused(("file", _("part %(p)s of the workbook unpacks to more than it declares: the file is "
                                   "damaged or forged") % {"p": member.filename}))


def _too_far(cell: str) -> InputRefused:
    return InputRefused(("file", _("a sheet of the workbook reaches cell %(c)s, beyond the columns (up to AZ) and "
                                   "the rows one import can hold: delete what lies outside the register, or split it")
                         % {"c": cell}))


def _inflate(data: bytes, member: zipfile.ZipInfo, *, last_row: int | None) -> None:
    """Inflate one member from its raw bytes, refusing it as soon as it yields more than it declares (zipfile
    and calamine would trust the declared size or read on past it). With `last_row`, it is a sheet: refuse a
    cell or row placed beyond column AZ or below `last_row`, whatever the sheet's dimension said."""
    header = data[member.header_offset:member.header_offset + 30]
    if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
        raise _not_a_workbook()
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    start = member.header_offset + 30 + name_length + extra_length
    raw = memoryview(data)[start:start + member.compress_size]
    if member.compress_type == zipfile.ZIP_DEFLATED:
        pieces = _inflated_pieces(raw)
    else:
        pieces = (raw[i:i + _INFLATE_CHUNK] for i in range(0, len(raw), _INFLATE_CHUNK))
    beyond = _positions_beyond(last_row) if last_row is not None else None
    size, cut = 0, b""
    for piece in pieces:
        size += len(piece)
        if size > member.file_size:
            raise _forged(member)
        if beyond is None:
            continue
        text = cut + bytes(piece)
        rows = []
        for found in beyond.finditer(text):
            if text[found.start() - 1:found.start()].isspace():  # the attribute r, not one whose name ends in r
                position = found[1].decode()
                if position[0].isalpha():
                    raise _too_far(position)
                rows.append(position)  # a row: name the cell in it, if the chunk holds one
        if rows:
            raise _too_far(f"A{rows[0]}")  # a row's cells without positions start at A
        cut = text[max(text.rfind(b"<"), len(text) - _CUT_ELEMENT_MAX):]


@lru_cache(maxsize=4)
def _positions_beyond(last_row: int) -> re.Pattern:
    """The `r` attribute of a cell beyond column AZ, or of a cell or row below `last_row`. It starts with a literal,
    so the engine skips through a sheet in C; rows are compared as text, digit by digit (no match, no Python)."""
    digits = str(last_row)
    above = [b"[1-9][0-9]{%d,}" % len(digits)]  # more digits
    for place, digit in enumerate(digits):  # as many digits: the same up to `place`, greater there
        if digit != "9":
            above.append(digits[:place].encode() + b"[%d-9][0-9]{%d}" % (int(digit) + 1, len(digits) - place - 1))
    return re.compile(_CELL_OR_ROW_BEYOND % b"|".join(above))


def _inflated_pieces(raw: memoryview):
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for offset in range(0, len(raw), _INFLATE_CHUNK):
            pending = raw[offset:offset + _INFLATE_CHUNK]
            while pending:
                yield inflater.decompress(pending, _INFLATE_CHUNK)
                pending = inflater.unconsumed_tail
        yield inflater.flush()
    except zlib.error:
        raise _not_a_workbook() from None


def _csv_sheets(data: bytes, max_rows: int) -> list[tuple[str, list[list], list]]:
    """A CSV file (a lab system's export) as one sheet of text cells: UTF-8 (with or without BOM) or GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputRefused(("file", _("the CSV file is neither UTF-8 nor GB18030 text")))
    try:
        rows = list(itertools.islice(csv.reader(io.StringIO(text)), max_rows + HEADER_SEARCH_ROWS + 1))
    except csv.Error:
        raise InputRefused(("file", _("the CSV file cannot be read as comma-separated rows"))) from None
    return [("CSV", rows, [])]


def _workbook_sheets(data: bytes, max_rows: int, max_unzipped_mb: int) -> list[tuple[str, list[list], list]]:
    check_archive(data, max_rows=max_rows, max_unzipped_mb=max_unzipped_mb)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(BytesIO(data))
    except Exception:  # calamine raises its own errors for every kind of unreadable file
        raise _not_a_workbook() from None
    found = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        found.append((name, sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges))
    return found


def read(data: bytes, spec: HeaderSpec, *, max_rows: int, max_unzipped_mb: int, csv_file: bool = False) -> Sheet:
    """The register's sheet out of a workbook's bytes (or a CSV file's), every value ready to be stored as JSON."""
    books = _csv_sheets(data, max_rows) if csv_file else _workbook_sheets(data, max_rows, max_unzipped_mb)
    candidates, best = [], (0, "", [])
    for name, rows, merged in books:
        for number, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
            columns, again = spec.find(cells)
            if all(f in columns for f in spec.required):
                candidates.append((name, merged, rows, number, columns, again))
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
    name, merged, rows, header_index, columns, again = candidates[0]
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
    for (top, left), (bottom, right) in merged:
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
