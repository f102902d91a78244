"""A self-report link (自主上报): one reading window of one person under home observation, answered once by the
person themselves from their own phone, with no account — as Sara Alert sends its monitorees a daily link."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet


class SelfReportLink(models.Model):
    order = models.ForeignKey("quarantine.Order", on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey("quarantine.ReadingSlot", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)  # the order's: the grid that watches
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    # Signed into the link with the id (selfreport.services.token): a link issued again replaces the nonce,
    # so an older copy of the link stops working.
    nonce = models.CharField(max_length=32)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    wrong_answers = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reading = models.ForeignKey("quarantine.Reading", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slot"], name="one_self_report_link_per_window")]
