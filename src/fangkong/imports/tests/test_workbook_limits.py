"""A workbook is refused as a whole, before calamine unpacks it, when it would unpack to more than an import
can hold: a zip bomb, a sheet whose cells reach far beyond a register, sizes that lie, a file that is no zip."""

import struct
import zipfile
from io import BytesIO

import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from fangkong.errors import InputRefused
from fangkong.imports import services, sheets
from fangkong.imports.models import ImportChunk, ImportStatus

from .workbooks import arrival_row, workbook

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def calamine_must_not_run(monkeypatch):
    calls = []

    class Untouchable:
        class CalamineWorkbook:
            @staticmethod
            def from_filelike(stream):
                calls.append(stream)
                raise RuntimeError("calamine must not read this workbook")

    monkeypatch.setattr(sheets, "python_calamine", Untouchable)
    yield
    assert not calls, "calamine was asked to read a workbook the checks should have refused"


def refused_as_a_whole(user, data) -> str:
    job, _created = services.upload(user, "arrivals", "登记表.xlsx", data)
    assert job.status == ImportStatus.REFUSED and not ImportChunk.objects.filter(job=job).exists()
    refusal = job.refusals.get()
    assert (refusal.row, refusal.column) == (0, "")
    return refusal.message


def rewritten(data: bytes, member: str, change, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with one member's text changed, zipped again."""
    source, out = zipfile.ZipFile(BytesIO(data)), BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(content) if info.filename == member else content)
    return out.getvalue()


def bomb(inflated_mb: int, level: int = 1) -> bytes:
    """A workbook whose sheet is a header, then `inflated_mb` MB of one repeated row, written a megabyte at a time
    so that building it holds no more than that in memory. Level 1 compresses it about 160:1, level 6 340:1."""
    real = zipfile.ZipFile(BytesIO(workbook([arrival_row("420102001001001")])))
    sheet = real.read(SHEET).decode()
    head, tail = sheet[:sheet.index("</sheetData>")], sheet[sheet.index("</sheetData>"):]
    block = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>' * (1024 * 1024 // 64)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in real.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, real.read(info))
        with target.open(SHEET, "w", force_zip64=True) as stream:
            stream.write(head.encode())
            for _ in range(inflated_mb):
                stream.write(block)
            stream.write(tail.encode())
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_calamine_reads_it(grid_worker, calamine_must_not_run):
    data = bomb(320)
    assert len(data) < 2 * 1024 * 1024
    assert refused_as_a_whole(grid_worker, data) == "the workbook unpacks to more than 300 MB: split it"


def test_a_member_compressed_far_beyond_a_real_sheet_is_refused(grid_worker, calamine_must_not_run):
    message = refused_as_a_whole(grid_worker, bomb(8, level=6))
    assert message.startswith(f"part {SHEET} of the workbook is compressed ")


def test_the_limit_on_the_unpacked_size_is_a_setting(grid_worker, settings, calamine_must_not_run):
    settings.IMPORT_MAX_UNZIPPED_MB = 0
    data = workbook([arrival_row(grid_worker.jurisdiction.code)])
    assert refused_as_a_whole(grid_worker, data) == "the workbook unpacks to more than 0 MB: split it"


def far_cell(column: int, row: int) -> bytes:
    out = BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("来返人员登记")
    sheet.write(0, 0, "姓名")
    sheet.write(row, column, "x")
    book.close()
    return out.getvalue()


@pytest.mark.parametrize("column, row, cell", [(30, 999_999, "AE1000000"), (52, 4, "BA5")])
def test_a_sheet_declaring_cells_beyond_a_register_is_refused(grid_worker, calamine_must_not_run, column, row,
                                                              cell):
    assert refused_as_a_whole(grid_worker, far_cell(column, row)).startswith(
        f"a sheet of the workbook reaches cell {cell}, beyond the columns (up to AZ)")


@pytest.mark.parametrize("written", [b'r="D1000000"', b"t='s'  r = 'D1000000'"], ids=["as written", "reworded"])
def test_a_sheet_whose_dimension_hides_a_far_cell_is_refused(grid_worker, calamine_must_not_run, written):
    def hide(xml):
        xml = xml.replace(b'ref="A1:D1000000"', b'ref="A1:D2"').replace(b'<row r="1000000"', b"<row")
        return xml.replace(b'r="D1000000"', written)

    data = rewritten(far_cell(3, 999_999), SHEET, hide)
    assert b'ref="A1:D2"' in zipfile.ZipFile(BytesIO(data)).read(SHEET)
    assert refused_as_a_whole(grid_worker, data).startswith("a sheet of the workbook reaches cell D1000000")


def test_a_member_that_unpacks_to_more_than_it_declares_is_refused(grid_worker, calamine_must_not_run):
    data = bytearray(workbook([arrival_row(grid_worker.jurisdiction.code)] * 50))
    info = zipfile.ZipFile(BytesIO(bytes(data))).getinfo(SHEET)
    understated = info.file_size // 10
    struct.pack_into("<I", data, info.header_offset + 22, understated)  # the size in the member's local header
    entry = data.find(b"PK\x01\x02")  # and in its entry of the central directory
    while data[entry + 46:entry + 46 + struct.unpack_from("<H", data, entry + 28)[0]] != SHEET.encode():
        entry = data.find(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", data, entry + 24, understated)
    assert zipfile.ZipFile(BytesIO(bytes(data))).getinfo(SHEET).file_size == understated
    assert refused_as_a_whole(grid_worker, bytes(data)) == (
        f"part {SHEET} of the workbook unpacks to more than it declares: the file is damaged or forged")


@pytest.mark.parametrize("data", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "姓名,证件号码\n".encode(), b""],
                         ids=["an old .xls", "a csv", "empty"])
def test_a_file_that_is_not_a_zip_is_refused(grid_worker, calamine_must_not_run, data):
    assert refused_as_a_whole(grid_worker, data).startswith("this is not an Excel workbook (.xlsx) that can be read")


def test_a_register_of_the_most_rows_passes_and_one_reaching_further_does_not(settings):
    data = workbook([arrival_row("420102001001001")] * 2000)  # the header, then rows 2 to 2001
    sheets.check_archive(data, max_rows=2000, max_unzipped_mb=settings.IMPORT_MAX_UNZIPPED_MB)
    with pytest.raises(InputRefused, match="reaches cell"):
        sheets.check_archive(data, max_rows=2001 - sheets.HEADER_SEARCH_ROWS - 1,
                             max_unzipped_mb=settings.IMPORT_MAX_UNZIPPED_MB)


def test_a_zip_compressed_in_a_way_no_spreadsheet_program_writes_is_refused(grid_worker, calamine_must_not_run):
    data = rewritten(workbook([arrival_row(grid_worker.jurisdiction.code)]), SHEET, bytes, zipfile.ZIP_BZIP2)
    assert refused_as_a_whole(grid_worker, data).startswith("this is not an Excel workbook (.xlsx) that can be read")


@given(row=st.integers(1, 10**8), last_row=st.integers(1, 10**7), zeros=st.integers(0, 3),
       column=st.sampled_from(["A", "J", "AZ", ""]))
def test_a_position_is_beyond_the_last_row_exactly_when_its_number_is_greater(row, last_row, zeros, column):
    attribute = f' r="{column}{"0" * zeros}{row}"'.encode()
    assert bool(sheets._positions_beyond(last_row).search(attribute)) == (row > last_row)


@pytest.mark.parametrize("column, beyond", [("A", False), ("AZ", False), ("BA", True), ("ZZ", True), ("AAA", True)])
def test_a_cell_is_beyond_the_columns_from_ba_on(column, beyond):
    assert bool(sheets._positions_beyond(100).search(f'<c r="{column}5" t="s">'.encode())) == beyond
