"""Screening (M2): the managed list of risk areas, with its history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    LOW = "low", _("Low risk")


class RiskArea(models.Model):
    """One declaration about one area. A change is a new row; the row it replaces is marked
    superseded, never edited, so the list as it stood on any day can be read back."""

    code = models.CharField(_("area code"), max_length=12, db_index=True)
    name = models.CharField(_("area"), max_length=120)
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)  # open-ended while in force
    note = models.CharField(_("note"), max_length=200, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    declared_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code", "-declared_at"]
        constraints = [models.UniqueConstraint(fields=["code"], condition=models.Q(superseded_at=None),
                                               name="one_current_declaration_per_area")]
