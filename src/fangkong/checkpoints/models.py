"""Checkpoints (M3: 不漏一点、不漏一车、不漏一船、不漏一人): entries of people, vehicles and vessels,
and the point-to-point handover (点对点) of a traveller to the destination grid, closed only when
the grid confirms the arrival (闭环)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet


class CheckpointKind(models.TextChoices):
    STATION = "station", _("Railway station")
    AIRPORT = "airport", _("Airport")
    DOCK = "dock", _("Dock")
    HIGHWAY_EXIT = "highway_exit", _("Highway exit")
    SERVICE_AREA = "service_area", _("Service area")


class Checkpoint(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=14, choices=CheckpointKind.choices)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="checkpoints")

    def __str__(self) -> str:
        return self.name


class Subject(models.TextChoices):
    PERSON = "person", _("Person")
    VEHICLE = "vehicle", _("Vehicle")
    VESSEL = "vessel", _("Vessel")


class Entry(models.Model):
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="entries")
    scope_path_field = "checkpoint__owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    subject = models.CharField(_("subject"), max_length=8, choices=Subject.choices)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A traveller passing through to somewhere outside our jurisdiction, with no record of ours:
    # the name and the ID number (encrypted, with its keyed hash for lookup), as for a person.
    traveller_name = models.CharField(max_length=50, blank=True)
    traveller_id_cipher = models.BinaryField(null=True, blank=True, editable=False)
    traveller_id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    plate = models.CharField(_("plate or vessel number"), max_length=20, blank=True)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    fever = models.BooleanField(default=False)
    travel_history = models.CharField(_("travel history (14 days)"), max_length=300, blank=True)
    contact_history = models.CharField(_("contact history"), max_length=300, blank=True)
    destination = models.CharField(_("destination"), max_length=120, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["-entered_at"]


class HandoverStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the grid")
    OVERDUE = "overdue", _("Overdue: not confirmed in time")
    CONFIRMED = "confirmed", _("Confirmed: loop closed")


class Handover(models.Model):
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="handover")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    status = models.CharField(max_length=10, choices=HandoverStatus.choices, default=HandoverStatus.PENDING)
    due_at = models.DateTimeField(_("confirm by"))
    alerted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"])]
