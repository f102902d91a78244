"""Quarantine (M8): sites and rooms, observation orders, twice-daily readings, reading slots, alerts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.accounts.scoping import ScopedQuerySet


class Site(models.Model):
    """A central quarantine site (集中隔离点)."""

    name = models.CharField(_("name"), max_length=100)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="sites")
    address = models.CharField(_("address"), max_length=200, blank=True)
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="rooms")
    number = models.CharField(_("room"), max_length=20)
    family_room = models.BooleanField(_("family room"), default=False)

    class Meta:
        ordering = ["site", "number"]
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="room_number_once_per_site")]

    def __str__(self) -> str:
        return f"{self.site.name} {self.number}"


class Kind(models.TextChoices):
    HOME = "home", _("Home medical observation")
    CENTRAL = "central", _("Central quarantine")


class Reason(models.TextChoices):
    CLOSE_CONTACT = "close_contact", _("Close contact")
    RISK_AREA = "risk_area", _("Arrival from a risk area")
    POST_DISCHARGE = "post_discharge", _("Post-discharge observation")
    SUSPECTED = "suspected", _("Suspected case")
    OTHER = "other", _("Other")


class OrderStatus(models.TextChoices):
    ACTIVE = "active", _("Under observation")
    RELEASED = "released", _("Released")
    RELEASED_EARLY = "released_early", _("Released early")
    TRANSFERRED = "transferred", _("Transferred to hospital")


class Order(models.Model):
    """An observation order for one person: home or central, with a planned end from the disease settings."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="quarantine_orders")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    starts_at = models.DateTimeField(_("start"))
    planned_end_at = models.DateTimeField(_("planned end"))
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.ACTIVE)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # The grid (home) or the site (central) that watches the person: alerts belong to it.
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["owner_path", "status"]),
            # Covers the dashboard's count of active orders by owner and kind (an index-only scan).
            models.Index(fields=["owner_path", "kind"], condition=models.Q(status="active"),
                         name="order_active_by_owner", opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(status="active"),
                                    name="one_active_order_per_person"),
        ]


class Reading(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="readings")
    taken_at = models.DateTimeField(_("taken at"))
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    symptoms = models.CharField(_("symptoms"), max_length=200, blank=True)
    # Judged against the threshold in force when it was taken; a later change of settings does not rewrite it.
    fever = models.BooleanField(_("fever"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_at"]


class SlotStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("watch list", "Due")  # a reading window not read yet: 待测, not a deadline
    DONE = "done", pgettext_lazy("watch list", "Done")
    MISSED = "missed", _("Missed")


class ReadingSlot(models.Model):
    """One reading window of one order on one day: due, then done by a reading or missed when it closes."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="slots")
    owner_path = models.CharField(max_length=255, editable=False)
    day = models.DateField()
    index = models.PositiveSmallIntegerField()
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=SlotStatus.choices, default=SlotStatus.DUE)
    reading = models.ForeignKey(Reading, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The sweep that marked it missed, so a second run never claims it again.
    claim = models.CharField(max_length=36, blank=True)

    class Meta:
        ordering = ["opens_at"]
        indexes = [
            models.Index(fields=["status", "closes_at"]), models.Index(fields=["owner_path", "day"]),
            # Covers the dashboard's count of today's windows by owner and status.
            models.Index(fields=["day", "owner_path", "status"], name="slot_day_owner_status",
                         opclasses=["date_ops", "varchar_pattern_ops", "varchar_pattern_ops"]),
        ]
        constraints = [models.UniqueConstraint(fields=["order", "day", "index"], name="one_slot_per_window")]


class AlertKind(models.TextChoices):
    FEVER = "fever", _("Fever")
    MISSED = "missed", _("Missed reading")
    CHECKPOINT_FEVER = "checkpoint", _("Fever at a checkpoint")


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


OPEN_STATUSES = [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=AlertKind.choices)
    # A checkpoint's fever alert has no order, and no person when the traveller is not in our register (the note
    # names them).
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reading = models.ForeignKey(Reading, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    slot = models.OneToOneField(ReadingSlot, null=True, blank=True, on_delete=models.CASCADE, related_name="alert")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    raised_at = models.DateTimeField(_("raised"))
    status = models.CharField(_("status"), max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["owner_path", "status"]),
            # Covers the dashboard's count of alerts still in hand, by owner and kind.
            models.Index(fields=["owner_path", "kind"], condition=models.Q(status__in=OPEN_STATUSES),
                         name="alert_in_hand_by_owner", opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
        ]
