"""Green-channel passes (M20: 一断三不断, 应急运输绿色通道不能断): one vehicle, one pass, one route, valid for the
days the issuing jurisdiction sets; the number is the issuer's 6-digit administrative code and a 6-digit serial.
A checkpoint checks a pass by its number (scanned from the QR code or typed) and records the driver's checks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet


class VehicleUse(models.TextChoices):
    SUPPLY = "supply", _("Supplies for daily life")
    MEDICAL = "medical", _("Medical supplies")
    PRODUCTION = "production", _("Production materials")
    EMERGENCY = "emergency", _("Emergency transport")


class PassStatus(models.TextChoices):
    ACTIVE = "active", _("Valid")
    REVOKED = "revoked", _("Revoked")


class HealthCode(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class PassSerial(models.Model):
    """The last serial an administrative code has given: the next pass takes the one after (locked row)."""

    code = models.CharField(max_length=6, unique=True)
    last = models.PositiveIntegerField(default=0)


class Pass(models.Model):
    number = models.CharField(_("pass number"), max_length=12, unique=True)
    issuer = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False  # the driver is named on the pass, not a person of the register
    objects = ScopedQuerySet.as_manager()
    plate = models.CharField(_("plate"), max_length=12)
    use = models.CharField(_("use"), max_length=12, choices=VehicleUse.choices)
    cargo = models.CharField(_("cargo"), max_length=120, blank=True)
    carrier = models.CharField(_("carrier"), max_length=120)
    driver_name = models.CharField(_("driver"), max_length=50)
    # The route: administrative codes (province, city or county); a checkpoint inside any of them is on it.
    origin = models.CharField(_("origin"), max_length=6)
    destination = models.CharField(_("destination"), max_length=6)
    via = models.JSONField(_("via"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=8, choices=PassStatus.choices, default=PassStatus.ACTIVE)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(_("reason"), max_length=200, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("green-channel pass")
        verbose_name_plural = _("green-channel passes")

    def __str__(self) -> str:
        return self.number

    @property
    def route(self) -> list[str]:
        return [self.origin, *self.via, self.destination]


class PassCheck(models.Model):
    """One check of a pass at a checkpoint, with the driver's health code and last negative test, and the verdict."""

    checkpoint = models.ForeignKey("checkpoints.Checkpoint", on_delete=models.PROTECT, related_name="+")
    scope_path_field = "checkpoint__owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    number = models.CharField(_("pass number"), max_length=12)
    pass_record = models.ForeignKey(Pass, null=True, on_delete=models.PROTECT, related_name="checks")
    plate = models.CharField(_("plate"), max_length=12)
    health_code = models.CharField(_("health code"), max_length=6, choices=HealthCode.choices)
    tested_at = models.DateTimeField(_("last negative test"), null=True)
    valid = models.BooleanField()
    reasons = models.JSONField(default=list)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["-checked_at"]
