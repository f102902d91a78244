"""Use cases of screening: declare, change or lift a risk area; read the list as of any day."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import Role
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import Conflict, InputRefused
from fangkong.synthetic.areas import county_table, name_in

from .models import RiskArea, RiskLevel


def _area_name(code: str, given: str) -> tuple[str | None, tuple[str, str] | None]:
    """The area's name, or the (field, problem) that prevents it. Areas may lie outside our tree."""
    if not code.isdigit() or len(code) not in (6, 12):
        return None, ("code", _("an area code is 6 digits (GB/T 2260 county) or 12 (township or community)"))
    county = code[:6]
    if county not in county_table():
        return None, ("code", _("%(c)s is not a county code in GB/T 2260") % {"c": county})
    if len(code) == 6:
        return given.strip() or name_in(county) or county_table()[county][-1][2], None
    if not given.strip():
        return None, ("name", _("give the township's or community's name: only county names are in the code table"))
    return given.strip(), None


def declare(actor, *, code: str, level: str, valid_from: dt.date, valid_to: dt.date | None = None,
            name: str = "", note: str = "") -> RiskArea:
    """Declare an area's risk level, or change it: the current declaration is superseded, not edited."""
    if not (actor.is_superuser or actor.role == Role.COMMAND):
        raise InputRefused(("role", _("only the command centre declares risk areas")))
    code = (code or "").strip()
    resolved, problem = _area_name(code, name or "")
    problems = [problem] if problem else []
    if level not in RiskLevel.values:
        problems.append(("level", _("the level is high, medium or low")))
    if valid_to is not None and valid_to < valid_from:
        problems.append(("valid_to", _("the end comes before the start")))
    if problems:
        raise InputRefused(*problems)
    now = timezone.now()
    try:
        with transaction.atomic():
            RiskArea.objects.filter(code=code, superseded_at=None).update(superseded_at=now)
            area = RiskArea.objects.create(code=code, name=resolved, level=level, valid_from=valid_from,
                                           valid_to=valid_to, note=note[:200], declared_by=actor, declared_at=now)
            audit.record(actor, Action.RISK_AREA_CHANGE, code=code, level=level, valid_from=valid_from.isoformat(),
                         valid_to=valid_to.isoformat() if valid_to else None)
    except IntegrityError:
        raise Conflict(("code", _("this area was changed at the same moment by someone else; reload"))) from None
    return area


def lift(actor, code: str, on: dt.date, *, note: str = "") -> RiskArea:
    """End a declaration on `on` (the last day it applies), as a new row in the history."""
    current = RiskArea.objects.filter(code=code, superseded_at=None).first()
    if current is None:
        raise InputRefused(("code", _("%(c)s is not on the list") % {"c": code}))
    return declare(actor, code=code, level=current.level, valid_from=current.valid_from, valid_to=on,
                   name=current.name, note=note or str(_("lifted")))


def in_force(day: dt.date | None = None) -> list[RiskArea]:
    """The risk areas that apply on `day`: per area, the latest declaration that had begun by then,
    if it has not ended. (A new declaration replaces the older ones from its first day on.)"""
    day = day or timezone.localdate()
    latest: dict[str, RiskArea] = {}
    for area in RiskArea.objects.filter(valid_from__lte=day).order_by("declared_at", "id"):
        latest[area.code] = area
    order = {level: rank for rank, level in enumerate(RiskLevel.values)}
    return sorted((a for a in latest.values() if a.valid_to is None or a.valid_to >= day),
                  key=lambda a: (order[a.level], a.code))


def history(code: str) -> QuerySet[RiskArea]:
    return RiskArea.objects.filter(code=code).order_by("declared_at")


def level_of(area_code: str, day: dt.date | None = None) -> str | None:
    """The risk level that applies to a place of origin: its own declaration, or its county's."""
    areas = {a.code: a.level for a in in_force(day) if a.code in (area_code, area_code[:6])}
    return areas.get(area_code) or areas.get(area_code[:6])
