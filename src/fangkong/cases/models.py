"""Disease settings, the suspicious-symptom ledger (M5) and cases with their closed loop (M6)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet


def default_windows():
    return [["06:00", "10:00"], ["15:00", "19:00"]]


class Disease(models.Model):
    DEFAULT_NAME = "COVID-19"

    name = models.CharField(_("disease"), max_length=80, unique=True)
    active = models.BooleanField(_("in force"), default=False)
    case_definitions = models.TextField(_("case definitions"), blank=True)
    incubation_days = models.PositiveSmallIntegerField(_("incubation period (days)"), default=14)
    observation_days = models.PositiveSmallIntegerField(_("observation days"), default=14)
    # After leaving hospital: home health monitoring (treatment protocol, 9th edition: 7 days).
    post_discharge_observation_days = models.PositiveSmallIntegerField(_("post-discharge health monitoring days"),
                                                                       default=7)
    # Leaving hospital: this many consecutive negative tests, at least this many hours apart (Ct >= 35).
    discharge_negative_tests = models.PositiveSmallIntegerField(_("negative tests before discharge"), default=2)
    discharge_test_gap_hours = models.PositiveSmallIntegerField(_("hours between those tests (at least)"),
                                                                default=24)
    # Mild cases go to a makeshift hospital (方舱); this severity and above, or a high-risk case, to a designated one.
    designated_from_severity = models.CharField(_("designated hospital from severity"), max_length=10,
                                                default="moderate")
    fever_threshold = models.DecimalField(_("fever threshold (°C)"), max_digits=3, decimal_places=1, default=37.3)
    temperature_min = models.DecimalField(_("lowest plausible temperature"), max_digits=3, decimal_places=1,
                                          default=34.0)
    temperature_max = models.DecimalField(_("highest plausible temperature"), max_digits=3, decimal_places=1,
                                          default=43.0)
    readings_per_day = models.PositiveSmallIntegerField(_("readings per day"), default=2)
    reading_windows = models.JSONField(_("reading windows (local HH:MM pairs)"), default=default_windows)
    report_deadline_hours = models.PositiveSmallIntegerField(_("reporting deadline (hours)"), default=2)
    ledger_deadline_hours = models.PositiveSmallIntegerField(_("symptom ledger deadline (hours)"), default=24)
    time_zone = models.CharField(_("time zone"), max_length=40, default="Asia/Shanghai")
    # Nishiura, Linton & Akhmetzhanov (2020): serial interval of COVID-19, mean 4.7 days, sd 2.9.
    serial_interval_mean = models.DecimalField(_("serial interval mean (days)"), max_digits=4, decimal_places=2,
                                               default=4.7)
    serial_interval_sd = models.DecimalField(_("serial interval sd (days)"), max_digits=4, decimal_places=2,
                                             default=2.9)

    class Meta:
        verbose_name = _("disease settings")
        verbose_name_plural = _("disease settings")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        import datetime as dt

        if len(self.reading_windows) != self.readings_per_day:
            raise ValidationError({"reading_windows": _("give one window per daily reading")})
        try:
            for start, end in self.reading_windows:
                dt.time.fromisoformat(start), dt.time.fromisoformat(end)
        except (TypeError, ValueError):
            raise ValidationError({"reading_windows": _('windows are pairs like ["06:00", "10:00"]')}) from None
        if not self.serial_interval_mean > 1 or not self.serial_interval_sd > 0:
            raise ValidationError({"serial_interval_mean": _("the serial interval's mean must exceed one day")})
        if not self.temperature_min < self.fever_threshold < self.temperature_max:
            raise ValidationError({"fever_threshold": _("the threshold must lie inside the plausible range")})


class Resolution(models.TextChoices):
    EXCLUDED = "excluded", _("Excluded")
    ISOLATED = "isolated", _("Isolated")
    TESTED = "tested", _("Tested")
    REFERRED = "referred", _("Referred to a fever clinic")
    CASE_OPENED = "case_opened", _("Opened as a suspected case")


class SymptomReport(models.Model):
    """One entry of the suspicious-symptom ledger (可疑症状人员台账): found, then resolved by a deadline."""

    class Source(models.TextChoices):
        FEVER_CLINIC = "fever_clinic", _("Fever clinic")
        GRID = "grid", _("Grid report")
        PHARMACY = "pharmacy", _("Pharmacy")
        CHECKPOINT = "checkpoint", _("Checkpoint")
        OBSERVATION = "observation", _("Observation reading")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="symptom_reports")
    source = models.CharField(_("source"), max_length=14, choices=Source.choices)
    symptoms = models.CharField(_("symptoms"), max_length=200)
    temperature = models.DecimalField(_("temperature"), max_digits=3, decimal_places=1, null=True, blank=True)
    onset_date = models.DateField(_("onset date"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"))
    deadline = models.DateTimeField(_("deadline"))
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    resolution = models.CharField(_("resolution"), max_length=12, choices=Resolution.choices, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["resolved_at", "deadline"])]


class Classification(models.TextChoices):
    SUSPECTED = "suspected", _("Suspected")
    CONFIRMED = "confirmed", _("Confirmed")
    ASYMPTOMATIC = "asymptomatic", _("Asymptomatic")
    EXCLUDED = "excluded", _("Excluded")


class Severity(models.TextChoices):
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")
    CRITICAL = "critical", _("Critical")


class Placement(models.TextChoices):
    AT_HOME = "at_home", _("At home")
    IN_TRANSFER = "in_transfer", _("In transfer")
    ADMITTED = "admitted", _("Admitted")
    DISCHARGED = "discharged", _("Discharged")
    POST_DISCHARGE = "post_discharge", _("Post-discharge observation")
    RELEASED = "released", _("Released")
    DECEASED = "deceased", _("Deceased")


class FacilityKind(models.TextChoices):
    """The tier of hospital a case is admitted to; the beds themselves are another register's."""

    MAKESHIFT = "makeshift", _("Makeshift hospital")
    DESIGNATED = "designated", _("Designated hospital")


class Case(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    disease = models.ForeignKey(Disease, on_delete=models.PROTECT)
    classification = models.CharField(_("classification"), max_length=12, choices=Classification.choices,
                                      default=Classification.SUSPECTED)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MILD)
    placement = models.CharField(_("where"), max_length=16, choices=Placement.choices, default=Placement.AT_HOME)
    hospital = models.CharField(_("hospital"), max_length=100, blank=True)
    facility_kind = models.CharField(_("hospital tier"), max_length=10, choices=FacilityKind.choices, blank=True)
    # Age over the settings' limit or an underlying disease: admitted to a designated hospital even when mild.
    high_risk = models.BooleanField(_("high-risk"), default=False)
    # The five earlies: onset, (discovery), report, isolation, diagnosis, treatment.
    onset_date = models.DateField(_("onset"), null=True, blank=True)
    detected_at = models.DateTimeField(_("discovered"))
    sampled_on = models.DateField(_("sampling date"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    isolated_at = models.DateTimeField(_("isolated"), null=True, blank=True)
    diagnosed_at = models.DateTimeField(_("diagnosed"), null=True, blank=True)
    treated_at = models.DateTimeField(_("treatment began"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    symptom_report = models.OneToOneField(SymptomReport, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-detected_at"]
        indexes = [models.Index(fields=["owner_path", "classification"])]
        constraints = [
            models.UniqueConstraint(fields=["person", "disease"], condition=models.Q(closed_at=None),
                                    name="one_open_case_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.get_classification_display()} #{self.pk}"


class CaseEvent(models.Model):
    """One applied transition: what it was, from which state to which, who and when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_classification = models.CharField(max_length=12)
    to_classification = models.CharField(max_length=12)
    from_placement = models.CharField(max_length=16)
    to_placement = models.CharField(max_length=16)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def step(self) -> str:
        """The step in the user's language: a transition's label, the opening, the report or a new severity."""
        from .transitions import TRANSITIONS

        kind, _colon, severity = self.action.partition(":")
        if kind in TRANSITIONS:
            return TRANSITIONS[kind].label
        if kind == "severity":
            return _("severity: %(s)s") % {"s": Severity(severity).label if severity in Severity.values else severity}
        return {"open": _("case opened"), "report": _("reported to the network")}.get(kind, self.action)

    def state(self, classification: str, placement: str) -> str:
        if not classification:
            return "—"
        return f"{Classification(classification).label} · {Placement(placement).label}"

    @property
    def before(self) -> str:
        return self.state(self.from_classification, self.from_placement)

    @property
    def after(self) -> str:
        return self.state(self.to_classification, self.to_placement)
