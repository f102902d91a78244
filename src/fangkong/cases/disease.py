"""The disease in force: every number the loops depend on is data, edited in the admin, not code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fangkong.errors import Problems

from .models import Disease


def current() -> Disease:
    """The active disease settings; a fresh deployment gets the defaults (a COVID-19-like profile)."""
    disease = Disease.objects.filter(active=True).order_by("-id").first()
    if disease is None:
        disease, _ = Disease.objects.get_or_create(name=Disease.DEFAULT_NAME, defaults={"active": True})
    return disease


def zone(disease: Disease) -> ZoneInfo:
    return ZoneInfo(disease.time_zone or settings.TIME_ZONE)


def windows_on(disease: Disease, day: dt.date) -> list[tuple[int, dt.datetime, dt.datetime]]:
    """The reading windows that open on `day`, as (index, opens, closes) aware datetimes.

    A window whose end is not after its start (e.g. 22:00-02:00) closes on the next day.
    """
    tz = zone(disease)
    result = []
    for index, (start, end) in enumerate(disease.reading_windows):
        opens = dt.datetime.combine(day, dt.time.fromisoformat(start), tzinfo=tz)
        closes = dt.datetime.combine(day, dt.time.fromisoformat(end), tzinfo=tz)
        if closes <= opens:
            closes += dt.timedelta(days=1)
        result.append((index, opens, closes))
    return result


def temperature(disease: Disease, raw, problems: Problems, field: str = "temperature") -> Decimal | None:
    """A body temperature as typed (to 0.1 °C), or None with a problem when it is not a plausible one."""
    try:
        value = Decimal(str(raw).strip().replace(",", ".")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        problems.add(field, _("a temperature is a number in °C, e.g. 36.8"))
        return None
    if not disease.temperature_min <= value <= disease.temperature_max:
        problems.add(field, _("%(t)s °C is implausible: expected %(lo)s to %(hi)s")
                     % {"t": value, "lo": disease.temperature_min, "hi": disease.temperature_max})
        return None
    return value
