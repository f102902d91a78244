"""Testing (M9): tubes (one person's or a pool), lab receipt and results, tests due, schedules, campaigns.

A tube (`Sample`) carries one code and up to `pool_size` people (`SampleMember`); the lab receives it and
reports one result for it. A test someone must take (`TestDue`: the same-day test of a suspected case, a
scheduled or periodic test, the single-tube re-test after a positive pool) is done by the tube taken for it.
A campaign (全员核酸检测) covers a subtree in rounds; its sampling points open tubes whose size comes from the
campaign's rules (data). Nothing here knows cases or quarantine: pathways/testing.py crosses over.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.accounts.scoping import ScopedQuerySet


class Group(models.TextChoices):
    """How a campaign samples a group of people (区域核酸检测指南, 2nd edition): the rules map each to a size."""

    ISOLATION = "isolation", _("Isolation sites")
    KEY_GROUP = "key_group", _("Key groups")
    HIGH_RISK = "high_risk", _("High-risk areas")
    SEALED = "sealed", _("Sealed compounds (one tube per household)")
    GENERAL = "general", _("Everyone else")


def default_campaign_rules():
    # pool size per group; 0 means one tube per household. 区域新冠病毒核酸检测组织实施指南 (2nd edition).
    return {Group.ISOLATION: 1, Group.KEY_GROUP: 1, Group.HIGH_RISK: 1, Group.SEALED: 0, Group.GENERAL: 10}


class TestingRules(models.Model):
    """The testing numbers in force (one active row; a fresh deployment gets these defaults)."""

    __test__ = False  # not a pytest class

    name = models.CharField(_("name"), max_length=80, unique=True)
    active = models.BooleanField(_("in force"), default=True)
    retest_hours = models.PositiveSmallIntegerField(_("re-test of a positive pool due within (hours)"), default=6)
    # 疑似病例核酸检测当日清零: due by the end of the day it was asked for.
    clearance_cutoff = models.TimeField(_("same-day results due by (local time)"), default="23:59")
    # What a positive single-tube result makes of the person: a suspected case or a confirmed one.
    positive_makes_confirmed = models.BooleanField(_("a positive single tube confirms the case"), default=False)
    ct_min = models.DecimalField(_("lowest possible Ct"), max_digits=4, decimal_places=1, default=0)
    ct_max = models.DecimalField(_("highest possible Ct"), max_digits=4, decimal_places=1, default=45)
    # 第九版诊疗方案: two consecutive negatives, Ct >= 35, at least 24 h apart, before leaving hospital.
    negative_ct = models.DecimalField(_("negative at Ct of at least"), max_digits=4, decimal_places=1, default=35)
    max_pool = models.PositiveSmallIntegerField(_("largest pool"), default=10)

    class Meta:
        verbose_name = _("testing rules")
        verbose_name_plural = _("testing rules")

    def __str__(self) -> str:
        return self.name


class Schedule(models.Model):
    """A test schedule (data): who it applies to, the days of their period on which they are tested, or every
    N days for a key group. Defaults: 第九版防控方案, close contacts central days 1, 2, 3, 5, 7, at home day 3."""

    class AppliesTo(models.TextChoices):
        CONTACT_CENTRAL = "contact_central", _("Close contacts in central quarantine")
        CONTACT_HOME = "contact_home", _("Close contacts at home")
        HIGH_RISK_ARRIVAL = "high_risk_arrival", _("Arrivals from a high-risk area")
        KEY_GROUP = "key_group", _("Key group")

    name = models.CharField(_("name"), max_length=80)
    applies_to = models.CharField(_("applies to"), max_length=20, choices=AppliesTo.choices)
    days = models.JSONField(_("days of the period"), default=list, blank=True)
    every_days = models.PositiveSmallIntegerField(_("every N days"), null=True, blank=True)
    edition = models.CharField(_("source"), max_length=80, blank=True)
    active = models.BooleanField(_("in force"), default=True)

    class Meta:
        ordering = ["applies_to", "name"]

    def __str__(self) -> str:
        return self.name


class KeyGroup(models.Model):
    """A key group tested periodically (port workers, cold-chain workers…), owned by one unit."""

    name = models.CharField(_("name"), max_length=80)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    schedule = models.ForeignKey(Schedule, on_delete=models.PROTECT, related_name="groups")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    members = models.ManyToManyField("people.Person", related_name="key_groups", blank=True)

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A mass-testing campaign (全员核酸检测) over a subtree, in rounds of a target time each."""

    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("area"))
    rounds = models.PositiveSmallIntegerField(_("rounds"), default=3)
    round_hours = models.PositiveSmallIntegerField(_("target time per round (hours)"), default=24)
    rules = models.JSONField(_("pool size by group"), default=default_campaign_rules)
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="round_set")
    number = models.PositiveSmallIntegerField(_("round"))
    starts_at = models.DateTimeField(_("start"))
    target_at = models.DateTimeField(_("target end"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="round_number_once")]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.number}"


class SamplingPoint(models.Model):
    """A sampling point (采样点) of a campaign: where it is, the people it serves and how it samples them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="points")
    name = models.CharField(_("name"), max_length=100)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("served area"))
    population = models.PositiveIntegerField(_("population served"))
    group = models.CharField(_("group"), max_length=10, choices=Group.choices, default=Group.GENERAL)
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "name"]

    def __str__(self) -> str:
        return self.name


class Purpose(models.TextChoices):
    CLEARANCE = "clearance", _("Same-day test of a suspected case")
    SCHEDULE = "schedule", _("Scheduled test")
    PERIODIC = "periodic", _("Periodic test of a key group")
    RETEST = "retest", _("Single-tube re-test of a positive pool")
    CAMPAIGN = "campaign", _("Mass testing")
    CLINICAL = "clinical", _("Clinical test")


class SampleStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("tube", "Collecting")
    SEALED = "sealed", pgettext_lazy("tube", "Sealed")
    RECEIVED = "received", pgettext_lazy("tube", "Received by the lab")
    RESULTED = "resulted", pgettext_lazy("tube", "Resulted")


class Outcome(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    INVALID = "invalid", _("Invalid")


class Sample(models.Model):
    """One tube: one code, `pool_size` places (1 for a single tube), received by a lab, one result."""

    code = models.CharField(_("tube code"), max_length=40, unique=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    pool_size = models.PositiveSmallIntegerField(_("pool size"), default=1)
    household = models.ForeignKey("jurisdictions.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.PROTECT, related_name="samples")
    point = models.ForeignKey(SamplingPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="samples")
    status = models.CharField(_("status"), max_length=10, choices=SampleStatus.choices, default=SampleStatus.OPEN)
    sampled_at = models.DateTimeField(_("sampled"))
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    lab_path = models.CharField(max_length=255, blank=True, editable=False)  # the receiving lab's node
    outcome = models.CharField(_("result"), max_length=8, choices=Outcome.choices, blank=True)
    ct = models.DecimalField(_("Ct"), max_digits=4, decimal_places=1, null=True, blank=True)
    resulted_at = models.DateTimeField(_("result time"), null=True, blank=True)
    # The unit that took the tube (a sampling point's area, a grid, a site): the tube sits there in the tree.
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-sampled_at"]
        indexes = [models.Index(fields=["owner_path", "status"]), models.Index(fields=["round", "outcome"])]

    def __str__(self) -> str:
        return self.code

    @property
    def pooled(self) -> bool:
        return self.pool_size != 1


class SampleMember(models.Model):
    """One person in one tube. A person is in at most one tube of a campaign round.

    A city's day writes ten million of these (P5), so the table carries no more than it needs: the tube, the
    person and the round are checked by the service that writes a link (testing.campaigns: the tube written by
    the same statement, the person looked up in the actor's scope, the round the point's current one), not by a
    foreign-key trigger per row at commit (deletes go through the ORM: CASCADE, PROTECT); four indexes, not
    eight: the unique (person, round) is both "once per round" (NULL rounds never clash) and the person's lookup."""

    # Each foreign key's own index is one of the indexes below: (sample, person), (person, round), (round, path).
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="members", db_index=False,
                               db_constraint=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="samples_taken",
                               db_constraint=False, db_index=False)
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              db_constraint=False, db_index=False)
    jurisdiction_path = models.CharField(max_length=255, editable=False)  # the person's grid, for coverage
    added_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sample", "person"], name="person_once_per_tube"),
            models.UniqueConstraint(fields=["person", "round"], name="one_tube_per_person_per_round"),
        ]
        indexes = [models.Index(fields=["round", "jurisdiction_path"])]


class DueStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("test", "Due")
    SAMPLED = "sampled", pgettext_lazy("test", "Sampled")
    DONE = "done", pgettext_lazy("test", "Result back")
    CANCELLED = "cancelled", pgettext_lazy("test", "Cancelled")


class TestDue(models.Model):
    """A test one person must take: sampled by `owner_path`'s unit, result back by `due_at`."""

    __test__ = False  # not a pytest class

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="tests_due")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    day = models.DateField(_("day"))
    due_at = models.DateTimeField(_("result due"))
    status = models.CharField(_("status"), max_length=10, choices=DueStatus.choices, default=DueStatus.DUE)
    sample = models.ForeignKey(Sample, null=True, blank=True, on_delete=models.SET_NULL, related_name="tests_due")
    retest_of = models.ForeignKey(Sample, null=True, blank=True, on_delete=models.PROTECT, related_name="retests")
    note = models.CharField(_("note"), max_length=200, blank=True)
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("test due")
        verbose_name_plural = _("tests due")
        indexes = [models.Index(fields=["owner_path", "status", "due_at"])]
        constraints = [models.UniqueConstraint(fields=["person", "purpose", "day"],
                                               condition=models.Q(status="due"), name="one_due_test_per_day")]
