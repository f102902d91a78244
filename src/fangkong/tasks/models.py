"""Accountability (M17: 四方责任; 督查检查): tasks with an owner and a deadline, escalated to the level above when
overdue; supervision visits (督查) whose findings become tasks; reports from the public (举报) triaged, referred
to the responsible unit, replied to and closed, the typical ones published. The reporter's contact is personal
data: encrypted at rest (people/crypto.py) and shown masked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.accounts.scoping import ScopedQuerySet
from fangkong.people import crypto


class Responsibility(models.TextChoices):
    """四方责任: whose task it is, as the owner's kind."""

    TERRITORIAL = "territorial", pgettext_lazy("responsibility", "Territorial")
    DEPARTMENTAL = "departmental", pgettext_lazy("responsibility", "Departmental")
    UNIT = "unit", pgettext_lazy("responsibility", "Unit")
    PERSONAL = "personal", pgettext_lazy("responsibility", "Personal")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done, awaiting verification")
    VERIFIED = "verified", _("Verified")


class Supervision(models.Model):
    """督查: a visit to a unit by the command centre's supervisors."""

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    visited_on = models.DateField(_("visited on"))
    team = models.CharField(_("supervision team"), max_length=120)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-visited_on", "-id"]


class Task(models.Model):
    title = models.CharField(_("task"), max_length=200)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    responsibility = models.CharField(_("responsibility"), max_length=12, choices=Responsibility.choices)
    owner = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # a personal task's person
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    supervision = models.ForeignKey(Supervision, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="tasks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    escalated_to = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.title


class ReportKind(models.TextChoices):
    CONCEALMENT = "concealment", _("Concealment of cases")
    RUMOUR = "rumour", _("Rumour")
    PRICE_GOUGING = "price_gouging", _("Price gouging")
    NINE_DONTS = "nine_donts", _("Breach of the nine don'ts")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    REFERRED = "referred", _("Referred to the responsible unit")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")
    DISMISSED = "dismissed", _("Dismissed at triage")


class PublicReport(models.Model):
    kind = models.CharField(_("kind"), max_length=14, choices=ReportKind.choices)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)  # the responsible unit's
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True  # the reporter's contact
    objects = ScopedQuerySet.as_manager()
    place = models.CharField(_("place"), max_length=200)
    content = models.CharField(_("what happened"), max_length=2000)
    reporter_name = models.CharField(_("your name"), max_length=50, blank=True)
    reporter_phone_cipher = models.BinaryField(null=True, blank=True, editable=False)
    reporter_phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    submitted_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.RECEIVED)
    referred_to = models.ForeignKey("jurisdictions.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reply_by = models.DateField(_("reply by"), null=True, blank=True)
    triage_note = models.CharField(_("triage note"), max_length=300, blank=True)
    reply = models.CharField(_("reply"), max_length=1000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(_("published as a typical case"), default=False)
    published_summary = models.CharField(_("published summary"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    @property
    def person_id(self):
        """The reporter is no one of the register: audit.seen names them by this record."""
        return None

    @property
    def reporter_phone(self) -> str:
        return crypto.decrypt(self.reporter_phone_cipher)
