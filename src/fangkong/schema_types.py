"""The field types of every API schema: strict, bounded to what the database holds, and finite.

Pydantic's defaults coerce: `true` becomes 1, `0` becomes 1970-01-01, `NaN` and `Infinity` pass as
floats, an id of 2^64 reaches the database and a string of any length reaches its column. The types
here refuse all of that before a service runs, each with an error type that `fangkong.api` words in
the user's language (`MESSAGES`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

MAX_ID = 2**63 - 1  # BigAutoField, on PostgreSQL and SQLite alike
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def _written(kind: str, *types: type):
    """Accept a value only as JSON writes it (text for dates and times), never a number or a boolean."""

    def check(value: Any) -> Any:
        if isinstance(value, types) and not isinstance(value, bool):
            return value
        raise PydanticCustomError(kind, "expected {kind}", {"kind": kind})

    return BeforeValidator(check)


def _whole_number(value: Any) -> Any:
    """An integer as JSON writes it, or as a path or query writes it (digits); never true, 1.5 or "1e3"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit() and value.isascii():
        return int(value)
    raise PydanticCustomError("int_type", "expected a whole number")


Id = Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=MAX_ID)]
Count = Annotated[int, BeforeValidator(_whole_number), Field(ge=0, le=2**31 - 1)]
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
def _within_calendar(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PydanticCustomError("date_range", "a date from {first} to {last}",
                                  {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()})
    return day


Day = Annotated[dt.date, _written("date_text", str, dt.date), AfterValidator(_within_calendar)]
Moment = Annotated[dt.datetime, _written("datetime_text", str, dt.datetime)]
Flag = Annotated[bool, Strict()]
Temperature = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=4, decimal_places=1)]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text: str) -> str:
    """No control characters but tab and line breaks: PostgreSQL refuses NUL, and no register needs the others."""
    if _CONTROL.search(text):
        raise PydanticCustomError("text_control", "control characters are not accepted")
    return text


def Text(max_length: int, *, min_length: int = 0):  # noqa: N802 - a type, spelled as one
    return Annotated[str, Strict(), Field(min_length=min_length, max_length=max_length), AfterValidator(_printable)]


def _json_scalar(value: Any) -> Any:
    """One value of a source's own details: short printable text, a finite number, true/false or null."""
    if value is None or isinstance(value, bool) or (isinstance(value, (int, float)) and math.isfinite(value)):
        return value
    if isinstance(value, str) and len(value) <= 200:
        return _printable(value)
    raise PydanticCustomError("detail_value", "text of at most 200 characters, a number, true, false or null")


Details = Annotated[dict[Text(40), Annotated[Any, BeforeValidator(_json_scalar), WithJsonSchema(
    {"type": ["string", "number", "boolean", "null"], "maxLength": 200})]], Field(max_length=50)]


def Column(model: type[Model], field: str, **constraints):  # noqa: N802 - a type, spelled as one
    """Text that fits `model.field`: its max_length is read off the column, so schema and table agree."""
    return Text(model._meta.get_field(field).max_length, **constraints)


class Problem(Schema):
    field: str
    message: str


class Errors(Schema):
    """The body of every refusal the API gives."""

    errors: list[Problem]


# Error types (pydantic's and ours above) -> the message shown, in the user's language.
MESSAGES = {
    "missing": _("this field is required"),
    "extra_forbidden": _("this field is not expected"),
    "string_too_long": _("at most %(max_length)s characters"),
    "string_too_short": _("at least %(min_length)s characters"),
    "string_type": _("text is expected"),
    "text_control": _("control characters are not accepted"),
    "detail_value": _("text of at most 200 characters, a number, true, false or null"),
    "int_type": _("a whole number is expected"),
    "int_parsing": _("a whole number is expected"),
    "int_from_float": _("a whole number is expected"),
    "float_type": _("a number is expected"),
    "float_parsing": _("a number is expected"),
    "finite_number": _("a finite number is expected"),
    "decimal_parsing": _("a number is expected"),
    "decimal_type": _("a number is expected"),
    "decimal_max_places": _("at most %(decimal_places)s decimal places"),
    "decimal_max_digits": _("at most %(max_digits)s digits"),
    "decimal_whole_digits": _("at most %(whole_digits)s digits before the decimal point"),
    "bool_type": _("true or false is expected"),
    "bool_parsing": _("true or false is expected"),
    "greater_than_equal": _("at least %(ge)s"),
    "greater_than": _("more than %(gt)s"),
    "less_than_equal": _("at most %(le)s"),
    "less_than": _("less than %(lt)s"),
    "date_text": _("a date is written YYYY-MM-DD"),
    "date_range": _("a date from %(first)s to %(last)s"),
    "date_parsing": _("a date is written YYYY-MM-DD"),
    "date_from_datetime_parsing": _("a date is written YYYY-MM-DD"),
    "date_from_datetime_inexact": _("a date is written YYYY-MM-DD"),
    "date_type": _("a date is written YYYY-MM-DD"),
    "datetime_text": _("a time is written as ISO 8601, e.g. 2020-01-23T10:00:00+08:00"),
    "datetime_parsing": _("a time is written as ISO 8601, e.g. 2020-01-23T10:00:00+08:00"),
    "datetime_from_date_parsing": _("a time is written as ISO 8601, e.g. 2020-01-23T10:00:00+08:00"),
    "datetime_type": _("a time is written as ISO 8601, e.g. 2020-01-23T10:00:00+08:00"),
    "enum": _("one of: %(expected)s"),
    "literal_error": _("one of: %(expected)s"),
    "list_type": _("a list is expected"),
    "too_short": _("at least %(min_length)s items"),
    "too_long": _("at most %(max_length)s items"),
    "dict_type": _("an object is expected"),
    "model_type": _("an object is expected"),
    "model_attributes_type": _("an object is expected"),
    "json_invalid": _("the body is not valid JSON"),
}
UNKNOWN = _("this value is not accepted")


def message(error: dict) -> str:
    """One pydantic error in the user's language, with its limits (a length, a bound)."""
    template = MESSAGES.get(error.get("type"), UNKNOWN)
    context = error.get("ctx") or {}
    try:
        return str(template) % context if context else str(template)
    except (KeyError, TypeError, ValueError):
        return str(template)
