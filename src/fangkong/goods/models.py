"""Goods and environment (M19: 把"物和环境"的检测消毒落实到位): cold-chain and imported goods batches, their samples
and results, disinfection with its certificate, every store a batch reached; a positive batch sealed wherever it is,
then returned or destroyed with the record. Workers at high-risk posts (ports, cold stores) and their tests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet


class SiteKind(models.TextChoices):
    PORT = "port", _("Port of entry")
    COLD_STORE = "cold_store", _("Cold store")
    WAREHOUSE = "warehouse", _("Warehouse")
    MARKET = "market", _("Market")


HIGH_RISK_KINDS = (SiteKind.PORT, SiteKind.COLD_STORE)


class Site(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=SiteKind.choices)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BatchStatus(models.TextChoices):
    HELD = "held", _("Held: waiting for tests and disinfection")
    RELEASED = "released", _("Released")
    SEALED = "sealed", _("Sealed: tested positive")
    RETURNED = "returned", _("Returned")
    DESTROYED = "destroyed", _("Destroyed")


class Batch(models.Model):
    number = models.CharField(_("batch number"), max_length=40, unique=True)
    goods = models.CharField(_("goods"), max_length=120)
    origin_country = models.CharField(_("origin country"), max_length=60)
    port_of_entry = models.CharField(_("port of entry"), max_length=60)
    importer = models.CharField(_("importer"), max_length=120)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="batches", verbose_name=_("store"))
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.HELD)
    received_on = models.DateField(_("received on"))
    closed_at = models.DateTimeField(null=True, blank=True)
    disposal_record = models.CharField(_("disposal record"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "received_on"])]


class Movement(models.Model):
    """Part of a released batch sent on to another store: the trace of where it went."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="movements")
    to_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    moved_on = models.DateField(_("moved on"))

    class Meta:
        ordering = ["moved_on", "id"]


class SampleKind(models.TextChoices):
    GOODS = "goods", _("Goods")
    PACKAGING = "packaging", _("Outer packaging")
    ENVIRONMENT = "environment", _("Environment")


class Result(models.TextChoices):
    PENDING = "pending", _("Pending")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


class Sample(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="samples")
    scope_path_field = "batch__owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    kind = models.CharField(_("kind"), max_length=12, choices=SampleKind.choices)
    taken_on = models.DateField(_("taken on"))
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, default=Result.PENDING)
    result_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["taken_on", "id"]


class Disinfection(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="disinfections")
    done_on = models.DateField(_("disinfected on"))
    agent = models.CharField(_("disinfectant"), max_length=60)
    certificate = models.CharField(_("certificate number"), max_length=60)

    class Meta:
        ordering = ["done_on", "id"]


class Worker(models.Model):
    """A worker at a high-risk post: tested every N days (settings), with their travel in the last 14 days."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="workers")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    post = models.CharField(_("post"), max_length=60)
    travel_14d = models.CharField(_("travel in the last 14 days"), max_length=300, blank=True)
    last_tested_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_tested_on", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "site"], name="worker_once_per_site")]


class WorkerTest(models.Model):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="tests")
    tested_on = models.DateField(_("tested on"))
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)

    class Meta:
        ordering = ["-tested_on", "-id"]
