"""Care (M10): facilities (designated hospitals 定点, makeshift hospitals 方舱, central quarantine sites, reserve
facilities), their wards and beds, and the admissions the pathway sends them (waiting for a bed, in a bed,
transferred, discharged).

A bed's state is HL7 table 0116's. The census and 床等人 (free beds against patients waiting) are counted from the
beds and the admissions, never typed in: each bed carries its facility's tier and place so one grouped count
answers for the whole tree."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet


class FacilityKind(models.TextChoices):
    DESIGNATED = "designated", _("Designated hospital")
    MAKESHIFT = "makeshift", _("Makeshift hospital")
    QUARANTINE = "quarantine", _("Central quarantine site")
    RESERVE = "reserve", _("Reserve facility")


class Tier(models.TextChoices):
    """The tier of care a facility gives, as the pathway's admission tier (cases.FacilityKind) names it."""

    MAKESHIFT = "makeshift", _("Makeshift hospital")
    DESIGNATED = "designated", _("Designated hospital")


class FacilityState(models.TextChoices):
    RESERVE = "reserve", _("Reserve")
    PREPARING = "preparing", _("Preparing")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Facility(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=FacilityKind.choices)
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices)
    # A central quarantine site is the quarantine register's: linked, not copied.
    site = models.OneToOneField("quarantine.Site", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="facility")
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=FacilityState.choices,
                             default=FacilityState.RESERVE)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    ready_by = models.DateTimeField(_("ready by"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class WardKind(models.TextChoices):
    GENERAL = "general", _("General")
    ICU = "icu", _("ICU")
    NEGATIVE_PRESSURE = "negative_pressure", _("Negative-pressure")
    ISOLATION = "isolation", _("Isolation")


class Ward(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="wards")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=WardKind.choices, default=WardKind.GENERAL)

    class Meta:
        ordering = ["facility", "name"]
        constraints = [models.UniqueConstraint(fields=["facility", "name"], name="care_ward_name_once")]

    def __str__(self) -> str:
        return self.name


class BedState(models.TextChoices):
    """HL7 v2 table 0116 (bed status)."""

    CLOSED = "C", _("Closed")
    HOUSEKEEPING = "H", _("Housekeeping")
    ISOLATED = "I", _("Isolated")
    CONTAMINATED = "K", _("Contaminated")
    OCCUPIED = "O", _("Occupied")
    UNOCCUPIED = "U", _("Unoccupied")


class Bed(models.Model):
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="beds")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="beds")
    code = models.CharField(_("bed"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=WardKind.choices, default=WardKind.GENERAL)
    state = models.CharField(_("state"), max_length=1, choices=BedState.choices, default=BedState.UNOCCUPIED)
    # Copied from the facility (kept in step by the services) so the census is one grouped count.
    tier = models.CharField(max_length=12, choices=Tier.choices, editable=False)
    owner_path = models.CharField(max_length=255, editable=False)
    scope_path_field = "owner_path"
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["ward", "code"]
        constraints = [models.UniqueConstraint(fields=["ward", "code"], name="care_bed_code_once")]
        indexes = [models.Index(fields=["owner_path", "tier", "state"], name="care_bed_census")]

    def __str__(self) -> str:
        return f"{self.ward.name} {self.code}"


class AdmissionState(models.TextChoices):
    WAITING = "waiting", _("Waiting for a bed")
    IN_BED = "in_bed", _("In a bed")
    DISCHARGED = "discharged", _("Discharged")


class Admission(models.Model):
    """A patient the pathway sends to a tier: waiting (for the tier, or for a facility after a transfer), in a bed,
    then discharged. At most one open admission per case."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="admissions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices)
    state = models.CharField(_("state"), max_length=10, choices=AdmissionState.choices,
                             default=AdmissionState.WAITING)
    facility = models.ForeignKey(Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="admissions")
    bed = models.OneToOneField(Bed, null=True, blank=True, on_delete=models.PROTECT, related_name="admission")
    waiting_since = models.DateTimeField(_("waiting since"))
    admitted_at = models.DateTimeField(_("in bed since"), null=True, blank=True)
    discharged_at = models.DateTimeField(_("discharged"), null=True, blank=True)
    owner_path = models.CharField(max_length=255, editable=False)
    scope_path_field = "owner_path"
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["waiting_since", "pk"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=~models.Q(state="discharged"),
                                               name="care_admission_open_once")]
        indexes = [models.Index(fields=["owner_path", "tier", "state"], name="care_admission_waiting")]


class TransferState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


class Transfer(models.Model):
    admission = models.ForeignKey(Admission, on_delete=models.PROTECT, related_name="transfers")
    source = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="transfers_out")
    destination = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="transfers_in")
    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=TransferState.choices,
                             default=TransferState.REQUESTED)
    requested_at = models.DateTimeField(_("requested"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    owner_path = models.CharField(max_length=255, editable=False)
    scope_path_field = "owner_path"
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
