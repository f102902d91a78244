"""Imports of registers from spreadsheets: the job, its rows staged encrypted, and what it refused."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked: choose what to import")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    DISCARDED = "discarded", _("Nothing imported")
    REFUSED = "refused", _("File refused")


ACTIVE = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


class ImportJob(models.Model):
    """One uploaded file on its way into a register: every row checked first, then the uploader chooses to
    import nothing or the valid rows. The work advances in bounded steps, so a page can show progress and
    an interrupted job resumes where it stopped."""

    register = models.CharField(_("register"), max_length=20)
    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    language = models.CharField(max_length=10, default="zh-hans")  # refusals are written in the uploader's
    options = models.JSONField(default=dict, blank=True)  # e.g. the requesting region of an assist file
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(default=0)
    columns = models.JSONField(default=dict, blank=True)  # field -> column letter in the file
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices,
                              default=ImportStatus.CHECKING)
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    refused_rows = models.PositiveIntegerField(default=0)
    repeated_rows = models.PositiveIntegerField(default=0)
    written_rows = models.PositiveIntegerField(default=0)
    next_chunk = models.PositiveIntegerField(default=0)  # the phase's cursor
    lease_until = models.DateTimeField(null=True, blank=True)  # one step at a time
    stepped_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["status", "stepped_at"])]

    @property
    def valid_rows(self) -> int:
        return self.total_rows - self.refused_rows - self.repeated_rows

    @property
    def percent(self) -> int:
        done = self.written_rows if self.status == ImportStatus.IMPORTING else self.checked_rows
        target = self.valid_rows if self.status == ImportStatus.IMPORTING else self.total_rows
        return 100 if not target else min(100, round(100 * done / target))


class ImportChunk(models.Model):
    """A run of the file's rows, staged encrypted (they hold ID numbers) until the job ends."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    rows_cipher = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="one_chunk_per_number")]


class ImportRefusal(models.Model):
    """Why one row (0: the file as a whole) is not imported: its column, and the reason."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="refusals")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=4, blank=True)
    header = models.CharField(_("header"), max_length=60, blank=True)
    message = models.CharField(_("reason"), max_length=300)
    # Already in the register, or the same as a row above: not wrong, just not imported twice.
    repeat = models.BooleanField(default=False)

    class Meta:
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "row"])]
