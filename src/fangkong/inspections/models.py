"""Special settings under watch and their inspections (M13: 飞行检查; 隐患问题立即无条件彻底整改).

A setting (nursing home, prison, clinic, market, school, site, enterprise) sits in a grid with its responsible
unit and contact. Its kind has a checklist, kept as data and versioned: an inspection keeps the version it was
worked through with. Every failed item is a finding (severity, photos) with one rectification owned by a unit
of the tree, due by a deadline, reported done with evidence, and verified by a re-inspection, which closes it
or reopens it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet
from fangkong.choices import Words


class SettingKind(models.TextChoices):
    NURSING_HOME = "nursing_home", _("Nursing home")
    PRISON = "prison", _("Prison")
    CLINIC = "clinic", _("Private clinic")
    PHARMACY = "pharmacy", _("Pharmacy")
    MARKET = "market", _("Market")
    SUPERMARKET = "supermarket", _("Supermarket")
    SCHOOL = "school", _("School")
    CONSTRUCTION = "construction", _("Construction site")
    ENTERPRISE = "enterprise", _("Enterprise resuming work")


SETTING_KINDS = Words(SettingKind, {
    SettingKind.NURSING_HOME: ("养老机构", "养老院", "敬老院", "福利院"),
    SettingKind.PRISON: ("监管场所", "监狱", "看守所"),
    SettingKind.CLINIC: ("民营诊所", "诊所", "私人诊所", "个体诊所"),
    SettingKind.PHARMACY: ("药店", "零售药店", "药房"),
    SettingKind.MARKET: ("农贸市场", "市场", "菜市场"),
    SettingKind.SUPERMARKET: ("商超", "超市", "商场"),
    SettingKind.SCHOOL: ("学校", "托幼机构", "幼儿园"),
    SettingKind.CONSTRUCTION: ("建筑工地", "工地"),
    SettingKind.ENTERPRISE: ("复工企业", "企业", "工厂"),
})


class Setting(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=SettingKind.choices)
    grid = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    address = models.CharField(_("address"), max_length=200, blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=120)
    contact_name = models.CharField(_("contact"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20)  # the unit's duty line, not a person's own
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="one_setting_name_per_grid")]

    def __str__(self) -> str:
        return self.name


class Checklist(models.Model):
    """One version of a kind's checklist; the newest version is the one new inspections use."""

    kind = models.CharField(_("kind"), max_length=16, choices=SettingKind.choices)
    version = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="one_checklist_version")]

    def __str__(self) -> str:
        return gettext("%(kind)s, version %(n)s") % {"kind": self.get_kind_display(), "n": self.version}


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("item"), max_length=200)

    class Meta:
        ordering = ["checklist", "position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "position"], name="one_item_per_position")]

    def __str__(self) -> str:
        return self.text


class Mode(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNANNOUNCED = "unannounced", _("Unannounced")


class InspectionStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    DONE = "done", _("Done")


class Inspection(models.Model):
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="inspections")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    status = models.CharField(max_length=8, choices=InspectionStatus.choices, default=InspectionStatus.OPEN)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]


class Answer(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField()
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["item__position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="one_answer_per_item")]


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)  # the setting's, as inspected
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    description = models.CharField(_("description"), max_length=300)
    publishable = models.BooleanField(_("may be published"), default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="one_finding_per_item")]


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("To rectify")
    REPORTED = "reported", _("Reported done, awaiting re-inspection")
    CLOSED = "closed", _("Closed")


class Rectification(models.Model):
    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="rectification")
    owner = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    deadline = models.DateField(_("deadline"))
    status = models.CharField(max_length=8, choices=RectificationStatus.choices, default=RectificationStatus.OPEN)
    reported_at = models.DateTimeField(null=True, blank=True)
    report = models.CharField(_("what was done"), max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(default=0)
    verification = models.CharField(_("re-inspection note"), max_length=300, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    @property
    def closed_on_time(self) -> bool:
        return self.closed_at is not None and timezone.localtime(self.closed_at).date() <= self.deadline

    @property
    def overdue(self) -> bool:
        return self.status != RectificationStatus.CLOSED and self.deadline < timezone.localdate()


class PhotoRole(models.TextChoices):
    FINDING = "finding", _("Finding")
    EVIDENCE = "evidence", _("Evidence of rectification")


class Photo(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    role = models.CharField(max_length=8, choices=PhotoRole.choices)
    image = models.FileField(upload_to="inspections/%Y/%m/")
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]
