"""Identity documents and phones: validation, normalisation and masking."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from fangkong.errors import InputRefused, Problems
from fangkong.jurisdictions.codes import area_codes

RESIDENT_ID = "ric"
PASSPORT = "passport"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,17}$")
NATIONALITY_RE = re.compile(r"^[A-Z]{3}$")


# Nobody has been recorded living past 122: a birth date further back than this is a typing error.
OLDEST_AGE_YEARS = 130


def normalise_resident_id(raw: str, field: str = "id_number") -> str:
    """Return the canonical 18-character resident ID (GB 11643), or refuse saying which part is wrong.

    The area code is the one of the office that issued the number, often years after the birth, and it
    stays on the card when the code is abolished (python-stdnum's `ric.validate` wants it in use in the
    birth year, which refuses millions of real cards): any code GB/T 2260 has ever had is accepted. The
    lookups are a dict and a date, with no per-call clean-ups: imports check 100k numbers at a time."""
    number = re.sub(r"[\s-]", "", raw or "").upper()
    if len(number) != 18:
        raise InputRefused((field, _("a resident ID has 18 characters, this has %(n)d") % {"n": len(number)}))
    if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        raise InputRefused((field, _("a resident ID is 17 digits and a digit or X")))
    problem = _resident_id_problem(number)
    if problem:
        raise InputRefused((field, problem))
    return number


def _resident_id_problem(number: str) -> str | None:
    """What is wrong with an 18-character number of the right shape, or None. The parts are checked in the
    order a reader can verify them: the area code, the birth date, then the check digit over it all."""
    area, digits = number[:6], number[6:14]
    if area not in area_codes():
        return _("the area code %(code)s in this resident ID has never been an administrative division code") % {
            "code": area}
    try:
        born = _birth_date(number)
    except ValueError:
        return _("the birth date %(date)s in this resident ID does not exist") % {"date": digits}
    today = dt.datetime.now(timezone.get_default_timezone()).date()  # the deployment's day; localdate() is slow
    if born > today:
        return _("the birth date %(date)s in this resident ID is in the future") % {"date": digits}
    if (born.year + OLDEST_AGE_YEARS, born.month, born.day) < (today.year, today.month, today.day):
        return _("the birth date %(date)s in this resident ID is more than %(years)d years ago") % {
            "date": digits, "years": OLDEST_AGE_YEARS}
    check_digit = ric.calc_check_digit(number)
    if number[-1] != check_digit:
        return _("the check digit of this resident ID should be %(digit)s") % {"digit": check_digit}
    return None


def _birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def birth_date_and_sex(resident_id: str) -> tuple[dt.date, str]:
    return _birth_date(resident_id), ("M" if int(resident_id[16]) % 2 else "F")


def normalise_passport(raw: str, nationality: str) -> tuple[str, str]:
    number = (raw or "").strip().upper().replace(" ", "")
    country = (nationality or "").strip().upper()
    problems = Problems()
    if not PASSPORT_RE.match(number):
        problems.add("id_number", _("a passport number is 5 to 17 letters or digits"))
    if not NATIONALITY_RE.match(country):
        problems.add("nationality", _("nationality is a three-letter ISO 3166 code, e.g. USA"))
    problems.refuse_if_any()
    return number, country


def normalise_phone(raw: str, field: str = "phone") -> str:
    value = re.sub(r"[\s()]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    if MOBILE_RE.match(value) or LANDLINE_RE.match(value):
        return value.replace("-", "")
    raise InputRefused((field, _("%(v)s is not a mainland mobile (11 digits starting with 1) or landline number")
                        % {"v": raw}))


def mask_id_number(value: str) -> str:
    """Keep what cannot give the number back: a resident ID keeps its first three and last four characters
    (420***********1234), so the county and the birth date stay hidden; any other document its last two,
    hiding at least four. Shown beside the mask, the birth date (or an age) would undo it: it is masked with
    the ID (access.UNMASKED_FIELDS), and the sex is already in the last four."""
    if len(value) == 18:
        return value[:3] + "*" * 11 + value[-4:]
    if len(value) < 6:
        return "*" * len(value)
    return "*" * (len(value) - 2) + value[-2:]


def mask_birth_date(value) -> str:
    """Withheld whole: with the ID's first three and last four shown, any part of it narrows the ID down."""
    return ""


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str) -> str:
    """Hide house numbers and rooms: the part that locates a door, not a street."""
    return re.sub(r"\d", "*", value)
