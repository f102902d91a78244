"""Identity documents and phones: validation, normalisation and masking."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from fangkong.errors import InputRefused

RESIDENT_ID = "ric"
PASSPORT = "passport"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,17}$")
NATIONALITY_RE = re.compile(r"^[A-Z]{3}$")


def normalise_resident_id(raw: str, field: str = "id_number") -> str:
    """Return the canonical 18-character resident ID, or refuse naming what is wrong.

    The checks are python-stdnum's `ric.validate` (length, digits, check digit, birth date, an area code in
    use in the birth year), done without its per-call clean-ups and with the area-code table asked once per
    (area, year): those were most of the cost of checking an import."""
    number = re.sub(r"[\s-]", "", raw or "").upper()
    try:
        if len(number) != 18:
            raise InvalidLength()
        if not number[:-1].isdigit():
            raise InvalidFormat()
        if number[-1] != ric.calc_check_digit(number):
            raise InvalidChecksum()
        if not _area_code_in_use(number[:6], _birth_date(number).year):
            raise InvalidComponent()
        return number
    except InvalidLength:
        message = _("a resident ID has 18 characters, this has %(n)d") % {"n": len(number)}
    except InvalidChecksum:
        message = _("the check digit of this resident ID is wrong")
    except InvalidFormat:
        message = _("a resident ID is 17 digits and a digit or X")
    except InvalidComponent:
        message = _("the birth date or the area code in this resident ID does not exist")
    except ValidationError:
        message = _("this is not a valid resident ID")
    raise InputRefused((field, message))


def _birth_date(number: str) -> dt.date:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidComponent() from None


@lru_cache(maxsize=1 << 16)
def _area_code_in_use(area: str, year: int) -> bool:
    try:
        ric.get_birth_place(f"{area}{year:04d}01010000")
    except InvalidComponent:
        return False
    return True


def birth_date_and_sex(resident_id: str) -> tuple[dt.date, str]:
    return _birth_date(resident_id), ("M" if int(resident_id[16]) % 2 else "F")


def normalise_passport(raw: str, nationality: str) -> tuple[str, str]:
    number = (raw or "").strip().upper().replace(" ", "")
    country = (nationality or "").strip().upper()
    problems = []
    if not PASSPORT_RE.match(number):
        problems.append(("id_number", _("a passport number is 5 to 17 letters or digits")))
    if not NATIONALITY_RE.match(country):
        problems.append(("nationality", _("nationality is a three-letter ISO 3166 code, e.g. USA")))
    if problems:
        raise InputRefused(*problems)
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
