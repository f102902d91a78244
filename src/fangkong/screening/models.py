"""Screening (M2): the managed list of risk areas, with its history."""

import datetime as dt
import hashlib
import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.accounts.scoping import ScopedQuerySet
from fangkong.choices import Words


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


class TravelMode(models.TextChoices):
    TRAIN = "train", _("Train")
    FLIGHT = "flight", _("Flight")
    CAR = "car", _("Car")
    SHIP = "ship", _("Ship")
    OTHER = "other", _("Other")


# What a train number, a flight or a plate looks like (an arrival's vehicle, a checkpoint's car).
VEHICLE_PATTERNS = {
    TravelMode.TRAIN: re.compile(r"^[GDCZTKSYL]?\d{1,4}$"),
    TravelMode.FLIGHT: re.compile(r"^[A-Z0-9]{2}\d{1,4}$"),
    # 京A12345 / 粤B·D12345 (new-energy plates have six characters after the letter)
    TravelMode.CAR: re.compile(r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领]"
                               r"[A-Z]·?[A-Z0-9]{5,6}$"),
}


class ArrivalCategory(models.TextChoices):
    RETURNING_WORKER = "worker", _("Returning worker")
    STUDENT = "student", _("Returning student")
    RESIDENT = "resident", _("Resident back from travel")
    VISITOR = "visitor", _("Visitor")


# The words grid sheets, checkpoint staff and other systems use for each choice (the stored values are accepted too).
TRAVEL_MODES = Words(TravelMode, {
    TravelMode.TRAIN: ("火车", "高铁", "动车", "铁路"), TravelMode.FLIGHT: ("飞机", "航班", "民航"),
    TravelMode.CAR: ("汽车", "自驾", "自驾车", "大巴", "客车", "私家车"), TravelMode.SHIP: ("轮船", "船舶", "船"),
    TravelMode.OTHER: ("其他",)})
ARRIVAL_CATEGORIES = Words(ArrivalCategory, {
    ArrivalCategory.RETURNING_WORKER: ("返岗务工", "务工人员", "返岗人员"),
    ArrivalCategory.STUDENT: ("返校学生", "学生"),
    ArrivalCategory.RESIDENT: ("返乡居民", "返乡人员", "本地居民", "居民"),
    ArrivalCategory.VISITOR: ("外来访客", "访客", "外来人员")})


class FollowUp(models.TextChoices):
    NONE = "none", _("None needed")
    OBSERVATION = "observation", _("Home medical observation")
    TEST = "test", _("Test")


def arrival_fingerprint(person_lookup_hash: str, arrived_at: dt.datetime, origin_code: str) -> str:
    """One arrival, whatever the channel that reports it: the person, the minute they arrived, where from."""
    minute = arrived_at.astimezone(dt.UTC).replace(second=0, microsecond=0)
    return hashlib.sha256(f"{person_lookup_hash}|{minute.isoformat()}|{origin_code}".encode()).hexdigest()


class Arrival(models.Model):
    """One arrival in the register (来返人员登记): who, from where, when, by what, to which grid."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="arrivals")
    # The name and phone as entered: the register shows what its unit wrote, never the fields of a record
    # that another unit holds (people.services.register_clean leaves those untouched and unseen).
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone_cipher = models.BinaryField(null=True, blank=True, editable=False)
    origin_code = models.CharField(_("from (area code)"), max_length=12)
    origin_name = models.CharField(_("from"), max_length=120)
    arrived_at = models.DateTimeField(_("arrived at"))
    mode = models.CharField(_("by"), max_length=8, choices=TravelMode.choices)
    vehicle = models.CharField(_("train, flight or plate"), max_length=20, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=ArrivalCategory.choices)
    grid = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    origin_risk = models.CharField(_("risk at origin"), max_length=8, blank=True)  # as declared when they arrived
    follow_up = models.CharField(_("follow-up"), max_length=12, choices=FollowUp.choices, default=FollowUp.NONE)
    follow_up_due = models.DateTimeField(_("follow-up due"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    order = models.ForeignKey("quarantine.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
    # The same person arriving at the same minute from the same place, whatever the channel: one arrival.
    fingerprint = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    @property
    def person_here(self) -> bool:
        """Whether the person's record lies in this register's unit (else another unit holds it)."""
        return self.person.jurisdiction_path.startswith(self.owner_path)

    class Meta:
        ordering = ["-arrived_at"]
        indexes = [models.Index(fields=["follow_up", "follow_up_done_at", "follow_up_due"])]

    @property
    def origin_risk_label(self) -> str:
        """The risk level at the place of origin in the user's language ("" for an area at no risk)."""
        return RiskLevel(self.origin_risk).label if self.origin_risk in RiskLevel.values else ""


class AssistStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("assist request", "Open")
    FOUND = "found", _("Found")
    NOT_FOUND = "not_found", _("Not found")
    MOVED = "moved", _("Moved away")


class AssistRequest(models.Model):
    """An assist-investigation request (协查) from another region: find this person on the ground."""

    region = models.CharField(_("requesting region"), max_length=120)
    reference = models.CharField(_("their reference"), max_length=60)
    name = models.CharField(_("name"), max_length=50)
    id_number_cipher = models.BinaryField(null=True, blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_cipher = models.BinaryField(null=True, blank=True, editable=False)
    address_code = models.CharField(_("address (unit code)"), max_length=24)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    received_at = models.DateTimeField()
    deadline = models.DateTimeField(_("answer by"))
    status = models.CharField(_("status"), max_length=10, choices=AssistStatus.choices, default=AssistStatus.OPEN)
    answer_note = models.CharField(_("answer"), max_length=300, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["deadline"]
        constraints = [models.UniqueConstraint(fields=["region", "reference"], name="one_request_per_reference")]
        indexes = [models.Index(fields=["status", "deadline"])]
