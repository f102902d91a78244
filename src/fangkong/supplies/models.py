"""Supplies (M11): items and who needs which, stores and their stock ledgers, requests from units, allocations
under scarcity, shipments between stores and procurement orders.

Items, posts (with their priority tier and the protection they need) and stand-ins are data (data/catalogue.json,
loaded by a migration, edited in the admin). Stock on hand is never typed in: it is the sum of a store's ledger
events, each written under a lock on the store so the ledger never goes negative."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet


class Item(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    unit = models.CharField(_("unit of issue"), max_length=20)  # 只, 套, 人份, 瓶 …
    unit_en = models.CharField(_("English unit of issue"), max_length=20, blank=True)
    # Held back for the worst-case forecast when allocating under scarcity (0.1 = 10 %).
    reserve = models.DecimalField(_("reserve"), max_digits=4, decimal_places=3, default=0,
                                  validators=[MinValueValidator(0), MaxValueValidator(1)])
    # Low-stock alert when a store has fewer days of stock left than this.
    alert_days = models.PositiveIntegerField(_("alert below days of stock"), default=7)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        """The name in the reader's language (the catalogue holds both)."""
        return self.name_en if _english() and self.name_en else self.name

    @property
    def shown_unit(self) -> str:
        return self.unit_en if _english() and self.unit_en else self.unit


def _english() -> bool:
    return (get_language() or "").startswith("en")


class Post(models.Model):
    """A kind of post (fever clinic, sampling, isolation ward …): its priority tier and the protection it needs."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    tier = models.PositiveSmallIntegerField(_("priority tier"))
    protection = models.ManyToManyField(Item, related_name="posts", blank=True, verbose_name=_("protection"))

    class Meta:
        ordering = ["tier", "code"]

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name


class StandIn(models.Model):
    """`substitute` may be issued for `item` when it runs short (KN95 for a medical protective mask)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="stand_ins")
    substitute = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "substitute"], name="supplies_standin_once")]


class StoreKind(models.TextChoices):
    CITY_WAREHOUSE = "city_warehouse", _("City warehouse")
    COUNTY = "county", _("County store")
    HOSPITAL = "hospital", _("Hospital store")
    SITE = "site", _("Site store")


class Store(models.Model):
    """A place that holds stock and asks for it: its code is the unit code allocations name (ties go to the lower)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=StoreKind.choices)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    RECEIVE = "receive", _("Received")
    ISSUE = "issue", _("Issued")
    TRANSFER_OUT = "transfer_out", _("Transferred out")
    TRANSFER_IN = "transfer_in", _("Transferred in")
    ADJUSTMENT = "adjustment", _("Adjustment")
    COUNT = "count", _("Physical count")


class StockEvent(models.Model):
    """One line of a store's ledger: `quantity` is the signed change, `balance` the stock on hand after it."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="events")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    scope_path_field = "store__owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    kind = models.CharField(_("kind"), max_length=14, choices=EventKind.choices)
    quantity = models.IntegerField(_("quantity"))
    balance = models.PositiveIntegerField(_("balance"))
    counted = models.PositiveIntegerField(_("counted"), null=True, blank=True)  # a physical count's figure
    unexplained = models.BooleanField(_("unexplained difference"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    shipment = models.ForeignKey("Shipment", null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    order = models.ForeignKey("ProcurementOrder", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="events")
    at = models.DateTimeField(db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["store", "item", "kind", "at"])]
        constraints = [models.CheckConstraint(condition=models.Q(balance__gte=0), name="supplies_never_negative")]


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    ALLOCATED = "allocated", _("Allocated")
    SHIPPED = "shipped", _("Shipped")
    REJECTED = "rejected", _("Rejected")


class SupplyRequest(models.Model):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="requests")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    scope_path_field = "store__owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    need = models.PositiveIntegerField(_("need"))
    minimum = models.PositiveIntegerField(_("minimum"), default=0)
    need_by = models.DateField(_("need by"))
    posts = models.ManyToManyField(Post, related_name="+", verbose_name=_("posts served"))
    tier = models.PositiveSmallIntegerField(_("priority tier"))  # the highest tier (lowest number) of its posts
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.SUBMITTED)
    allocated = models.PositiveIntegerField(_("allocated"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tier", "need_by", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(minimum__lte=models.F("need")),
                                              name="supplies_minimum_within_need")]


class AllocationRun(models.Model):
    """One allocation of one item from one store, as the rule made it: every line says why."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="allocations")
    scope_path_field = "source__owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    stock = models.PositiveIntegerField(_("stock"))
    reserve = models.DecimalField(_("reserve"), max_digits=4, decimal_places=3)
    available = models.PositiveIntegerField(_("available"))
    allocated = models.PositiveIntegerField(_("allocated"))
    cut_stage = models.CharField(max_length=8, blank=True)  # minimum | rest, "" when every need was met
    cut_tier = models.PositiveSmallIntegerField(null=True, blank=True)
    cut_rate = models.CharField(max_length=40, blank=True)  # the exact fraction, e.g. "2/5"
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-made_at", "-id"]


class AllocationLine(models.Model):
    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="lines")
    request = models.ForeignKey(SupplyRequest, on_delete=models.PROTECT, related_name="allocation_lines")
    unit = models.CharField(_("unit"), max_length=40)
    tier = models.PositiveSmallIntegerField(_("priority tier"))
    need = models.PositiveIntegerField(_("need"))
    minimum = models.PositiveIntegerField(_("minimum"))
    allocated = models.PositiveIntegerField(_("allocated"))
    extra = models.BooleanField(default=False)  # got one of the units left over after rounding down
    cut = models.BooleanField(default=False)  # was in the tier where the stock ran out, or after it

    class Meta:
        ordering = ["tier", "unit"]


class ShipmentStatus(models.TextChoices):
    DISPATCHED = "dispatched", _("Dispatched")
    RECEIVED = "received", _("Received")


class Shipment(models.Model):
    """Goods on their way from one store to another: the source's ledger loses them at dispatch, the destination's
    gains what arrived at receipt, and the difference stays on the shipment."""

    source = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="shipments_out")
    destination = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="shipments_in")
    # Seen where it goes and above (a city warehouse sees what it sent to its counties).
    scope_path_field = "destination__owner_path"
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(SupplyRequest, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="shipments")
    quantity = models.PositiveIntegerField(_("quantity dispatched"))
    received = models.PositiveIntegerField(_("quantity received"), null=True, blank=True)
    difference = models.IntegerField(_("difference"), null=True, blank=True)  # received − dispatched
    status = models.CharField(_("status"), max_length=10, choices=ShipmentStatus.choices,
                              default=ShipmentStatus.DISPATCHED)
    note = models.CharField(_("note"), max_length=200, blank=True)
    dispatched_at = models.DateTimeField()
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-dispatched_at", "-id"]


class OrderStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class ProcurementOrder(models.Model):
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="orders")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    scope_path_field = "store__owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    supplier = models.CharField(_("supplier"), max_length=120)
    quantity = models.PositiveIntegerField(_("quantity"))
    expected_on = models.DateField(_("expected on"))
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.ORDERED)
    delivered = models.PositiveIntegerField(_("quantity delivered"), null=True, blank=True)
    ordered_at = models.DateTimeField()
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["expected_on", "id"]
