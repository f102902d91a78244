"""The daily zero report (零报告制度, M4): every grid and every level submits each day, even when
every figure is zero; a late correction is a new version and the old one is kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet


class DailyReport(models.Model):
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True, editable=False)  # the jurisdiction's, for subtree counts
    scope_path_field = "path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    day = models.DateField(_("day"))
    version = models.PositiveSmallIntegerField(default=1)
    # Computed from the registers at submission, never typed: what the unit confirms it saw that day.
    figures = models.JSONField()
    note = models.CharField(_("note"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "day", "version"], name="one_report_version"),
            models.UniqueConstraint(fields=["jurisdiction", "day"], condition=models.Q(superseded_at=None),
                                    name="one_current_report_a_day"),
        ]
        indexes = [models.Index(fields=["day", "path"], condition=models.Q(superseded_at=None),
                                name="current_reports_by_day")]
