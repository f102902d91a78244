"""The registers a spreadsheet can feed, in the shape grids keep them: each column's Chinese header (and
the other headers seen in the field), how a cell becomes the service's input, and which service takes
the rows. The checks themselves are the services' own, so a row is judged as the form would judge it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from io import BytesIO

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.choices import Words
from fangkong.errors import FieldProblem
from fangkong.goods import services as goods
from fangkong.inspections import services as inspections
from fangkong.inspections.models import SETTING_KINDS
from fangkong.pathways import arrivals as arrival_journey
from fangkong.pathways import testing as testing_pathway
from fangkong.people.models import ID_TYPES, SEXES, IdType
from fangkong.people.services import PersonInput
from fangkong.screening import services as screening
from fangkong.screening.models import ARRIVAL_CATEGORIES, TRAVEL_MODES, VEHICLE_PATTERNS
from fangkong.testing.services import OUTCOMES, ResultInput
from fangkong.vaccination import services as vaccination
from fangkong.vaccination.models import DOSE_NUMBERS, PRODUCTS

from .sheets import HeaderSpec

# Excel keeps 15 significant digits: an 18-digit ID typed into a number cell has lost its last ones.
EXCEL_DIGITS = 1e15
_DATETIME_FORMATS = ("%Y/%m/%d %H:%M:%S",
                     "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M",
                     "%Y年%m月%d日%H时%M分", "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


@dataclass(frozen=True)
class RequiredWhen:
    """A column that must be filled in some rows only: those where column `field` holds one of `values`
    (stored values), or, with no values, where `field` is empty; an upload `option` can stand in for the cell."""

    field: str = ""
    values: tuple[str, ...] = ()
    option: str = ""

    def holds(self, cells: Cells) -> bool:
        if self.option and cells.options.get(self.option):
            return False
        if not self.field:
            return True
        given = cells.raw(self.field)
        if not self.values:
            return not given
        return cells.columns[self.field].words.value(given) in self.values

    def rule(self, columns: dict[str, Column]) -> str:
        """The condition in words, as the template's header comment and input prompt say it."""
        if self.option:
            return _("required unless the region is named when uploading")
        other = columns[self.field]
        if not self.values:
            return _("required when %(other)s is empty") % {"other": other.header}
        return _("required when %(other)s is %(words)s") % {"other": other.header,
                                                              "words": other.words_for(self.values)}

    def refusal(self, column: Column, columns: dict[str, Column]) -> str:
        """What an empty cell is told, naming the column and the condition that makes it required."""
        if self.option:
            return _("say which region asked: fill the column, or name the region when uploading")
        other = columns[self.field]
        if not self.values:
            return _("%(column)s is required when %(other)s is empty") % {"column": column.header,
                                                                           "other": other.header}
        return _("%(column)s is required when %(other)s is %(words)s") % {
            "column": column.header, "other": other.header, "words": other.words_for(self.values)}


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as the template writes it
    aliases: tuple[str, ...] = ()
    required: bool = False  # in every row; `required_when` for some rows only
    required_when: RequiredWhen | None = None
    kind: str = "text"  # text | digits (IDs, codes, phones: kept as typed) | datetime | date | choice
    words: Words | None = None  # for a choice: the words people use for each of its values
    width: int = 14

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    @property
    def starred(self) -> bool:
        """Whether the template marks the column as one that may not be left empty (in every row or in some)."""
        return self.required or self.required_when is not None

    def words_for(self, values: Sequence[str]) -> str:
        """A choice's stored values as the sheet's first word for each: 火车/飞机/汽车."""
        return "/".join(self.words.aliases[v][0] for v in values)


class Cells:
    """One row's values by field, turned into what the services take; each problem names its field."""

    def __init__(self, columns: dict[str, Column], values: Sequence, options: dict | None = None):
        self.columns = columns  # by field, in the order the staged values come
        self.values = dict(zip(columns, values))
        self.options = options or {}
        self.problems: list[tuple[str, str]] = []

    def raw(self, name: str) -> str:
        """The cell as typed, trimmed, without any check."""
        value = self.values.get(name, "")
        return str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()

    def text(self, name: str) -> str:
        column, value = self.columns[name], self.values.get(name, "")
        if isinstance(value, float) and column.kind == "digits" and value >= EXCEL_DIGITS:
            self.problems.append((name, _("stored as a number, Excel kept only 15 digits: format the column as "
                                          "text and type it again")))
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if not text and column.required:
            self.problems.append((name, _("this cell is empty; the column is required")))
        elif not text and column.required_when and column.required_when.holds(self):
            self.problems.append((name, column.required_when.refusal(column, self.columns)))
        return text

    def choice(self, name: str, default: str = "") -> str:
        text = self.text(name)
        if not text:
            return default
        words = self.columns[name].words
        value = words.value(text)
        if value is None:
            self.problems.append((name, _("“%(v)s” is not one of: %(w)s") % {"v": text, "w": "、".join(words.words)}))
            return ""
        return value

    def moment(self, name: str) -> dt.datetime | None:
        value, text = self.values.get(name, ""), self.text(name)
        if not text:
            return None
        if isinstance(value, (int, float)) and 20000 < value < 80000:  # an Excel serial date in a number cell
            return timezone.make_aware(_EXCEL_EPOCH + dt.timedelta(days=float(value)))
        compact = re.sub(r"\s+", " ", text)
        try:  # what a date cell was read as, or ISO text
            moment = dt.datetime.fromisoformat(compact)
            return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        except ValueError:
            pass
        for pattern in _DATETIME_FORMATS:
            try:
                return timezone.make_aware(dt.datetime.strptime(compact, pattern))
            except ValueError:
                continue
        self.problems.append((name, _("“%(v)s” is not a date and time such as 2026-11-20 14:30") % {"v": text}))
        return None

    def day(self, name: str) -> dt.date | None:
        moment = self.moment(name)
        return timezone.localtime(moment).date() if moment else None


@dataclass(frozen=True)
class Register:
    name: str
    title: str
    sheet_title: str
    columns: tuple[Column, ...]
    convert: Callable  # (Cells, options) -> the service's input
    repeat_key: Callable  # (Cells) -> what makes two rows the same entry
    submit: Callable  # (actor, inputs, write) -> [batches.Outcome]
    writes: str  # the write (accounts/permissions.py) that an upload into it needs: the service's own

    @cached_property
    def by_field(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns}

    @cached_property
    def spec(self) -> HeaderSpec:
        # The title stays lazy: the spec is cached for the process, the language is each request's.
        return HeaderSpec(self.title, [(c.field, c.headers, c.required) for c in self.columns])

    def entry(self, values: Sequence, options: dict) -> tuple[object, list[FieldProblem]]:
        """The service's input from one row, and a problem for every cell that cannot be read (its field reaches
        the service empty), so the row's refusal can list those together with what the service finds."""
        cells = Cells(self.by_field, values, options)
        entry = self.convert(cells, options)
        return entry, [FieldProblem(*p) for p in cells.problems]

    def same_entry_key(self, values: Sequence) -> tuple:
        return self.repeat_key(Cells(self.by_field, values))

    def template(self) -> bytes:
        """An empty register to fill in: the header row (columns that may not be left empty starred, in red
        when required in every row; the condition of the others in the header's comment and in the prompt
        shown when a cell is chosen), ID, phone and code columns formatted as text so Excel keeps every digit,
        and the choices as drop-down lists."""
        out = BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet(self.sheet_title)
        bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        required = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "font_color": "#C00000"})
        style = {"digits": book.add_format({"num_format": "@"}),
                 "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
                 "date": book.add_format({"num_format": "yyyy-mm-dd"})}
        conditional = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "font_color": "#B45309"})
        for index, column in enumerate(self.columns):
            sheet.set_column(index, index, column.width, style.get(column.kind))
            header_format = required if column.required else conditional if column.required_when else bold
            sheet.write_string(0, index, f"*{column.header}" if column.starred else column.header, header_format)
            rule = (str(_("required")) if column.required
                    else str(column.required_when.rule(self.by_field)) if column.required_when else "")
            if rule:
                sheet.write_comment(0, index, f"{column.header}: {rule}", {"x_scale": 2})
            validation = {"validate": "any"}
            if column.kind == "choice":
                validation = {"validate": "list", "source": column.words.main_words}
            if rule:  # Excel's prompts are at most 32 (title) and 255 (message) characters
                validation |= {"input_title": column.header[:32], "input_message": rule[:255]}
            if validation["validate"] != "any" or rule:
                sheet.data_validation(1, index, 100_000, index, validation)
        sheet.freeze_panes(1, 0)
        book.close()
        return out.getvalue()


def _arrival(cells: Cells, options: dict) -> screening.ArrivalInput:
    person = PersonInput(
        id_type=cells.choice("id_type", IdType.RESIDENT_ID), id_number=cells.text("id_number"),
        nationality=cells.text("nationality") or "CHN", name=cells.text("name"), phone=cells.text("phone"),
        grid_code=cells.text("grid_code"), household_code=cells.text("household_code"), sex=cells.choice("sex"),
        birth_date=cells.day("birth_date"))
    return screening.ArrivalInput(person=person, origin_code=cells.text("origin_code"),
                                  origin_name=cells.text("origin_name"), arrived_at=cells.moment("arrived_at"),
                                  mode=cells.choice("mode"), vehicle=cells.text("vehicle"),
                                  category=cells.choice("category"))


def _arrival_key(cells: Cells) -> tuple:
    moment = cells.moment("arrived_at")
    return (cells.text("id_number").upper().replace(" ", ""),
            moment.replace(second=0, microsecond=0).isoformat() if moment else cells.text("arrived_at"),
            cells.text("origin_code"))


def _assist(cells: Cells, options: dict) -> screening.AssistInput:
    region = cells.text("region") or options.get("region", "")
    return screening.AssistInput(region=region, reference=cells.text("reference"), name=cells.text("name"),
                                 address_code=cells.text("address_code"), id_number=cells.text("id_number"),
                                 phone=cells.text("phone"), reason=cells.text("reason"))


# A passport carries no birth date or sex to read them from, as a resident ID does (people.services.clean_person).
PASSPORT_ONLY = RequiredWhen("id_type", (IdType.PASSPORT,))

ARRIVALS = Register(
    name="arrivals", title=_("arrival register"), sheet_title="来返人员登记",
    columns=(
        Column("name", "姓名", ("名字",), required=True, width=10),
        Column("id_type", "证件类型", ("证件种类",), kind="choice", words=ID_TYPES),
        Column("id_number", "证件号码", ("身份证号", "身份证号码", "公民身份号码", "证件号"), required=True,
               kind="digits", width=22),
        Column("nationality", "国籍", ("国籍代码",), width=8),
        Column("sex", "性别", (), kind="choice", words=SEXES, width=6, required_when=PASSPORT_ONLY),
        Column("birth_date", "出生日期", (), kind="date", width=12, required_when=PASSPORT_ONLY),
        Column("phone", "联系电话", ("手机号", "手机号码", "电话", "联系方式"), kind="digits", width=14),
        Column("origin_code", "来源地代码", ("来源地区划代码", "出发地代码", "来源地编码"), required=True,
               kind="digits", width=14),
        Column("origin_name", "来源地", ("来源地名称", "出发地", "来自"), width=16),
        Column("arrived_at", "抵达时间", ("到达时间", "抵达日期", "返回时间", "来(返)时间", "来返时间"),
               required=True, kind="datetime", width=18),
        Column("mode", "交通方式", ("交通工具", "出行方式"), required=True, kind="choice",
               words=TRAVEL_MODES, width=10),
        Column("vehicle", "车次/航班/车牌", ("车次航班车牌", "车次/航班号/车牌号", "车次", "航班号", "车牌号",
                                              "班次"), width=14,
               required_when=RequiredWhen("mode", tuple(VEHICLE_PATTERNS))),
        Column("category", "人员类别", ("人员类型", "类别"), required=True, kind="choice",
               words=ARRIVAL_CATEGORIES, width=12),
        Column("grid_code", "网格编码", ("所属网格编码", "网格代码", "网格"), kind="digits", width=18,
               required_when=RequiredWhen("household_code")),  # the household names its grid
        Column("household_code", "户编码", ("住户编码", "家庭户编码"), kind="digits", width=22),
    ),
    convert=_arrival, repeat_key=_arrival_key, writes="arrival.register",
    submit=lambda actor, entries, write: arrival_journey.register_arrivals(actor, entries, write=write))

ASSIST = Register(
    name="assist", title=_("assist-investigation requests"), sheet_title="协查名单",
    columns=(
        Column("reference", "协查编号", ("协查函编号", "编号", "函号", "序号"), required=True),
        Column("region", "发函地区", ("协查发起地", "发起单位", "来函单位", "发函单位"), width=18,
               required_when=RequiredWhen(option="region")),
        Column("name", "姓名", ("名字",), required=True, width=10),
        Column("id_number", "身份证号", ("证件号码", "身份证号码", "公民身份号码"), kind="digits", width=22),
        Column("phone", "联系电话", ("手机号", "手机号码", "电话"), kind="digits", width=14),
        Column("address_code", "住址编码", ("现住址编码", "地址编码", "所属单位编码", "网格编码"), required=True,
               kind="digits", width=18),
        Column("reason", "协查事由", ("事由", "协查原因", "原因"), width=30),
    ),
    convert=_assist, repeat_key=lambda cells: (cells.text("region"), cells.text("reference")),
    writes="assist.receive",
    submit=lambda actor, entries, write: screening.receive_assist_requests(actor, entries, write=write))


def _result(cells: Cells, options: dict) -> ResultInput:
    return ResultInput(code=cells.text("tube"), outcome=cells.choice("outcome"), ct=cells.raw("ct") or None,
                       resulted_at=cells.moment("resulted_at"))


# The lab's result list as its system exports it (.xlsx or CSV): one row per tube.
RESULTS = Register(
    name="results", title=_("test results"), sheet_title="核酸检测结果",
    columns=(
        Column("tube", "试管编码", ("管码", "样本编号", "条码", "试管条码", "采样管编码"), required=True, kind="digits",
               width=18),
        Column("outcome", "检测结果", ("结果", "核酸结果"), required=True, kind="choice", words=OUTCOMES, width=10),
        Column("ct", "Ct值", ("CT值", "ct", "Ct"), width=8),
        Column("resulted_at", "报告时间", ("检测时间", "出具时间", "结果时间"), kind="datetime", width=18),
    ),
    convert=_result, repeat_key=lambda cells: (cells.text("tube").upper(),), writes="result.record",
    submit=lambda actor, entries, write: testing_pathway.record_results(actor, entries, write=write))


SETTINGS = Register(
    name="settings", title=_("special settings"), sheet_title="重点场所名单",
    columns=(
        Column("name", "场所名称", ("单位名称", "名称", "场所"), required=True, width=24),
        Column("kind", "场所类型", ("类型", "场所类别", "类别"), required=True, kind="choice", words=SETTING_KINDS,
               width=12),
        Column("grid_code", "网格编码", ("所属网格编码", "网格代码", "网格"), required=True, kind="digits", width=18),
        Column("address", "地址", ("场所地址", "详细地址"), width=30),
        Column("responsible_unit", "责任单位", ("主管单位", "监管单位", "包保单位"), required=True, width=20),
        Column("contact_name", "联系人", ("负责人", "防疫联络员"), required=True, width=10),
        Column("contact_phone", "联系电话", ("电话", "手机号", "联系方式"), required=True, kind="digits", width=14),
    ),
    convert=lambda cells, options: inspections.SettingInput(
        name=cells.text("name"), kind=cells.choice("kind"), grid_code=cells.text("grid_code"),
        address=cells.text("address"), responsible_unit=cells.text("responsible_unit"),
        contact_name=cells.text("contact_name"), contact_phone=cells.text("contact_phone")),
    repeat_key=lambda cells: (cells.text("grid_code"), cells.text("name")), writes="setting.register",
    submit=lambda actor, entries, write: inspections.add_settings(actor, entries, write=write))

def _dose(cells: Cells, options: dict) -> vaccination.DoseRow:
    return vaccination.DoseRow(id_number=cells.text("id_number").upper().replace(" ", ""), name=cells.text("name"),
                               dose=vaccination.DoseInput(product=cells.choice("product"), dose=cells.choice("dose"),
                                                          given_on=cells.day("given_on"), site=cells.text("site")))


# The immunisation information system's export (接种记录): one row per dose.
DOSES = Register(
    name="doses", title=_("vaccine doses"), sheet_title="接种记录",
    columns=(
        Column("name", "姓名", ("受种者姓名", "名字"), width=10),
        Column("id_number", "身份证号", ("证件号码", "身份证号码", "公民身份号码", "受种者证件号码"), required=True,
               kind="digits", width=22),
        Column("product", "疫苗名称", ("疫苗生产企业", "生产企业", "疫苗厂家", "疫苗"), required=True, kind="choice",
               words=PRODUCTS, width=14),
        Column("dose", "剂次", ("接种剂次", "针次"), required=True, kind="choice", words=DOSE_NUMBERS, width=10),
        Column("given_on", "接种日期", ("接种时间",), required=True, kind="date", width=12),
        Column("site", "接种单位", ("接种点", "接种地点"), required=True, width=24),
    ),
    convert=_dose, writes="dose.record",
    repeat_key=lambda cells: (cells.text("id_number").upper().replace(" ", ""), cells.raw("dose")),
    submit=lambda actor, entries, write: vaccination.record_doses(actor, entries, write=write))

def _goods_batch(cells: Cells, options: dict) -> goods.BatchRow:
    return goods.BatchRow(store=cells.text("store"), batch=goods.BatchInput(
        number=cells.text("number"), goods=cells.text("goods"), origin_country=cells.text("origin_country"),
        port_of_entry=cells.text("port_of_entry"), importer=cells.text("importer"), quantity=cells.raw("quantity"),
        unit=cells.text("unit"), received_on=cells.day("received_on")))


# The cold-chain and imported goods ledger a port or cold store keeps (进口冷链食品台账): one row per batch.
GOODS_BATCHES = Register(
    name="goods-batches", title=_("cold-chain and imported goods batches"), sheet_title="进口冷链货物台账",
    columns=(
        Column("number", "批次号", ("货物批次号", "批号", "批次编号", "追溯码"), required=True, kind="digits",
               width=18),
        Column("goods", "品名", ("货物名称", "商品名称", "产品名称", "货品"), required=True, width=16),
        Column("origin_country", "原产国", ("产地国", "原产地", "来源国", "原产国家"), required=True, width=10),
        Column("port_of_entry", "入境口岸", ("进口口岸", "口岸", "入境口岸名称"), required=True, width=12),
        Column("importer", "进口商", ("进口企业", "货主", "收货人", "货主单位"), required=True, width=20),
        Column("quantity", "数量", ("重量", "数量/重量", "件数"), required=True, width=10),
        Column("unit", "单位", ("计量单位", "数量单位"), required=True, width=8),
        Column("store", "存放冷库", ("冷库名称", "存放仓库", "存放地点", "仓库", "冷库"), required=True, width=18),
        Column("received_on", "入库日期", ("到货日期", "入库时间", "入境日期"), required=True, kind="date", width=12),
    ),
    convert=_goods_batch, writes="goods.record",
    repeat_key=lambda cells: (cells.text("number").upper(),),
    submit=lambda actor, entries, write: goods.receive_batches(actor, entries, write=write))

# The staff list of a port or cold store (高风险岗位人员名单): one row per worker, already a resident of the register.
GOODS_WORKERS = Register(
    name="goods-workers", title=_("workers at high-risk posts"), sheet_title="高风险岗位人员名单",
    columns=(
        Column("name", "姓名", ("名字", "员工姓名"), width=10),
        Column("id_number", "身份证号", ("证件号码", "身份证号码", "公民身份号码"), required=True, kind="digits",
               width=22),
        Column("workplace", "工作场所", ("单位", "所在冷库", "所在口岸", "场所名称", "冷库名称"), required=True,
               width=18),
        Column("post", "岗位", ("工种", "岗位名称"), required=True, width=12),
        Column("travel_14d", "近14天行程", ("14天行程", "近14天旅居史", "行程"), width=30),
        Column("last_tested_on", "最近核酸日期", ("最近一次核酸", "核酸日期", "末次核酸检测日期"), kind="date",
               width=12),
    ),
    convert=lambda cells, options: goods.WorkerRow(
        id_number=cells.text("id_number").upper().replace(" ", ""), name=cells.text("name"),
        workplace=cells.text("workplace"), post=cells.text("post"), travel_14d=cells.text("travel_14d"),
        last_tested_on=cells.day("last_tested_on")),
    writes="goods.worker",
    repeat_key=lambda cells: (cells.text("id_number").upper().replace(" ", ""), cells.text("workplace")),
    submit=lambda actor, entries, write: goods.register_workers(actor, entries, write=write))

# One per line, so a new register is one added line.
REGISTERS = {r.name: r for r in (
    ARRIVALS,
    ASSIST,
    RESULTS,
    SETTINGS,
    DOSES,
    GOODS_BATCHES,
    GOODS_WORKERS,
)}
