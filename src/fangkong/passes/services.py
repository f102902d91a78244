"""Use cases of green-channel passes: issue one (its number from the issuer's code and the next serial), check one at
a checkpoint (valid for this vehicle, this route, today, and the driver's checks), revoke one (at once: every check
reads the pass as it is now)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.accounts.models import Role
from fangkong.accounts.permissions import require
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.checkpoints.services import checkpoints_for
from fangkong.errors import InputRefused, Problems
from fangkong.idempotency import services as idempotency
from fangkong.jurisdictions import codes
from fangkong.people.services import Choice, Export
from fangkong.screening.models import TravelMode
from fangkong.screening.services import VEHICLE_PATTERNS

from .models import HealthCode, Pass, PassCheck, PassSerial, PassStatus, VehicleUse

NUMBER = re.compile(r"^\d{12}$")
PLATE = VEHICLE_PATTERNS[TravelMode.CAR]


def passes_for(actor) -> QuerySet[Pass]:
    return Pass.objects.visible_to(actor).select_related("issuer")


def checks_for(actor) -> QuerySet[PassCheck]:
    return PassCheck.objects.visible_to(actor).select_related("checkpoint", "pass_record")


def clean_plate(text: str) -> str:
    return (text or "").strip().upper().replace(" ", "").replace("·", "")


def clean_number(text: str, problems: Problems, field: str = "pass_number") -> str:
    """The 12 digits of a pass number as typed or scanned, or a problem saying which part is wrong."""
    number = re.sub(r"[\s-]", "", text or "")
    if not NUMBER.match(number):
        problems.add(field, _("a pass number has 12 digits: the issuer's 6-digit area code and a 6-digit serial"))
        return ""
    if number[:6] not in codes.area_codes():
        problems.add(field, _("“%(c)s” (its first six digits) is not an administrative area code") % {"c": number[:6]})
    if number[6:] == "000000":
        problems.add(field, _("the serial (the last six digits) starts at 000001"))
    return number


def _route_code(text: str, field: str, problems: Problems) -> str:
    code = (text or "").strip()
    if not re.fullmatch(r"\d{6}", code) or codes.name_in(code) is None:
        problems.add(field, _("“%(v)s” is not an area code in use (6 digits, such as 420102)") % {"v": text})
    return code


def covers(route_code: str, county: str) -> bool:
    """Whether a route's province (xx0000), city (xxxx00) or county code holds the checkpoint's county."""
    if route_code.endswith("0000"):
        return county[:2] == route_code[:2]
    if route_code.endswith("00"):
        return county[:4] == route_code[:4]
    return county == route_code


@dataclass(frozen=True)
class PassInput:
    jurisdiction_code: str
    plate: str
    use: str
    carrier: str
    driver_name: str
    route_from: str
    route_to: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    route_via: tuple[str, ...] = ()
    cargo: str = ""


def issue_pass(actor, data: PassInput, *, idempotency_key: str | None = None) -> Pass:
    require(actor, "pass.issue")
    issuer = access.get_jurisdiction_for(actor, data.jurisdiction_code)
    return idempotency.once(actor, "pass_issue", passes_for(actor), idempotency_key, dataclasses.asdict(data),
                            lambda: _issue(actor, issuer, data))[0]


def _issue(actor, issuer, data: PassInput) -> Pass:
    problems = Problems()
    plate = clean_plate(data.plate)
    if not PLATE.match(plate):
        problems.add("plate", _("“%(v)s” is not a Chinese plate such as 鄂A12345") % {"v": data.plate})
    if data.use not in VehicleUse.values:
        problems.add("use", _("a pass is for supplies, medical supplies, production materials or emergency transport"))
    for field in ("carrier", "driver_name"):
        if not getattr(data, field).strip():
            problems.add(field, _("this field is required"))
    origin = _route_code(data.route_from, "route_from", problems)
    destination = _route_code(data.route_to, "route_to", problems)
    via = [_route_code(code, "route_via", problems) for code in data.route_via if code.strip()]
    if origin and origin == destination:
        problems.add("route_to", _("the destination is where the route starts"))
    today = timezone.localdate()
    if data.valid_from is None:
        problems.add("valid_from", _("give the first day of validity"))
    elif data.valid_from < today:
        problems.add("valid_from", _("a pass cannot be valid before the day it is issued"))
    if data.valid_to is None:
        problems.add("valid_to", _("give the last day of validity"))
    elif data.valid_from and data.valid_to < data.valid_from:
        problems.add("valid_to", _("the validity ends before it starts"))
    elif data.valid_from and (data.valid_to - data.valid_from).days + 1 > settings.PASS_MAX_DAYS:
        problems.add("valid_to", _("a pass is valid for at most %(n)d days") % {"n": settings.PASS_MAX_DAYS})
    problems.refuse_if_any()
    code = issuer.code[:6]
    with transaction.atomic():
        serial, _created = PassSerial.objects.select_for_update().get_or_create(code=code)
        if serial.last >= 999_999:
            raise InputRefused(("jurisdiction", _("this area has given all 999999 serials")))
        serial.last += 1
        serial.save(update_fields=["last"])
        issued = Pass.objects.create(
            number=f"{code}{serial.last:06d}", issuer=issuer, owner_path=issuer.path, plate=plate, use=data.use,
            cargo=data.cargo.strip()[:120], carrier=data.carrier.strip()[:120],
            driver_name=data.driver_name.strip()[:50], origin=origin, destination=destination, via=via,
            valid_from=data.valid_from, valid_to=data.valid_to, issued_by=actor)
        audit.record_change(actor, Action.PASS_CHANGE, issued, before={}, step="issue", after={
            "number": issued.number, "plate": plate, "route": issued.route,
            "valid_from": issued.valid_from, "valid_to": issued.valid_to})
    return issued


def revoke_pass(actor, pass_id: int, *, reason: str) -> Pass:
    """Revoked from this moment: the next check anywhere is refused."""
    require(actor, "pass.revoke")
    issued = get_visible(passes_for(actor), pass_id)
    if not (reason or "").strip():
        raise InputRefused(("reason", _("say why the pass is revoked")))
    if issued.status == PassStatus.REVOKED:
        return issued  # a second tap changes nothing
    with transaction.atomic():
        Pass.objects.filter(pk=issued.pk, status=PassStatus.ACTIVE).update(
            status=PassStatus.REVOKED, revoked_at=timezone.now(), revoked_reason=reason.strip()[:200])
        audit.record_change(actor, Action.PASS_CHANGE, issued, step="revoke", before={"status": issued.status},
                            after={"status": PassStatus.REVOKED, "reason": reason.strip()[:200]})
    issued.refresh_from_db()
    return issued


@dataclass(frozen=True)
class CheckInput:
    number: str
    plate: str
    health_code: str
    tested_at: dt.datetime | None


def verdict(issued: Pass | None, plate: str, county: str, data: CheckInput, now: dt.datetime) -> list[str]:
    """Every reason the vehicle may not pass on this pass; none: it may."""
    if issued is None:
        return [str(_("no pass has this number"))]
    reasons = []
    today = timezone.localdate(now)
    if issued.status == PassStatus.REVOKED:
        reasons.append(str(_("the pass was revoked: %(r)s") % {"r": issued.revoked_reason}))
    if today < issued.valid_from:
        reasons.append(str(_("the pass is valid from %(d)s") % {"d": issued.valid_from.isoformat()}))
    if today > issued.valid_to:
        reasons.append(str(_("the pass expired on %(d)s") % {"d": issued.valid_to.isoformat()}))
    if plate != issued.plate:
        reasons.append(str(_("the pass is for vehicle %(p)s, not this one") % {"p": issued.plate}))
    if not any(covers(code, county) for code in issued.route):
        reasons.append(str(_("this checkpoint is not on the pass's route")))
    if data.health_code != HealthCode.GREEN:
        reasons.append(str(_("the driver's health code is not green")))
    if data.tested_at is None or now - data.tested_at > dt.timedelta(hours=settings.PASS_TEST_HOURS):
        reasons.append(str(_("the driver has no negative test within %(h)d hours") % {"h": settings.PASS_TEST_HOURS}))
    return reasons


def check_pass(actor, checkpoint_id: int, data: CheckInput) -> PassCheck:
    """A checkpoint's check of a pass: the verdict at once, and the check recorded. A pass is valid on every road,
    whoever issued it, so it is looked up by its number alone; the answer shows only what the pass says."""
    require(actor, "pass.check")
    checkpoint = get_visible(checkpoints_for(actor), checkpoint_id)
    if actor.role == Role.CHECKPOINT and not checkpoint.staff.filter(pk=actor.pk).exists():
        raise InputRefused(("checkpoint", _("you are not on the staff of this checkpoint")))
    problems = Problems()
    if data.tested_at is not None and timezone.is_naive(data.tested_at):
        data = dataclasses.replace(data, tested_at=timezone.make_aware(data.tested_at))
    number = clean_number(data.number, problems)
    plate = clean_plate(data.plate)
    if not PLATE.match(plate):
        problems.add("plate", _("“%(v)s” is not a Chinese plate such as 鄂A12345") % {"v": data.plate})
    if data.health_code not in HealthCode.values:
        problems.add("health_code", _("the health code is green, yellow or red"))
    now = timezone.now()
    if data.tested_at is not None and data.tested_at > now:
        problems.add("tested_at", _("the test cannot be in the future"))
    problems.refuse_if_any()
    issued = Pass.objects.filter(number=number).first()
    reasons = verdict(issued, plate, checkpoint.jurisdiction.code[:6], data, now)
    with transaction.atomic():
        check = PassCheck.objects.create(
            checkpoint=checkpoint, number=number, pass_record=issued, plate=plate, health_code=data.health_code,
            tested_at=data.tested_at, valid=not reasons, reasons=reasons, checked_by=actor, checked_at=now)
        audit.record_change(actor, Action.PASS_CHANGE, check, step="check", before={},
                            after={"number": number, "plate": plate, "valid": check.valid})
    return check


PASSES_EXPORT = Export("passes", _("Green-channel passes"), passes_for, person=None, columns=[
    (_("Pass number"), "number"), (_("Plate"), "plate"), (_("Use"), Choice("use", VehicleUse.choices)),
    (_("Cargo"), "cargo"), (_("Carrier"), "carrier"), (_("Origin"), "origin"),
    (_("Destination"), "destination"), (_("Valid from"), "valid_from"), (_("Valid until"), "valid_to"),
    (_("Status"), Choice("status", PassStatus.choices)), (_("Issued at"), "issued_at")])
