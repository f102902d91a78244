"""Early warning (M15): daily signals per jurisdiction, rules the command role edits, response
levels with their history, and playbooks of timed tasks (the six fast actions), real or drills."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet
from fangkong.jurisdictions.models import Level as Tier

TIER_CHOICES = [(t.value, t.label) for t in (Tier.PROVINCE, Tier.CITY, Tier.COUNTY, Tier.TOWNSHIP)]


class SignalKind(models.TextChoices):
    NEW_CASES = "new_cases", _("New cases reported today")
    FEVER_ALERTS = "fever_alerts", _("Fever alerts raised today")
    SYMPTOM_ABERRATION = "symptom_aberration", _("Symptom reports above the EARS C2 bound (1 = yes)")
    RT_ABOVE_ONE_DAYS = "rt_above_one_days", _("Days in a row with R_t above 1")
    POSITIVE_RESULTS = "positive_results", _("Positive test results today")
    POSITIVE_POOLS = "positive_pools", _("Positive pooled tubes today")


class Level(models.IntegerChoices):
    """China's four-tier emergency response: I is the most severe; 5 means no response in force."""

    I = 1, _("Level I (most severe)")  # noqa: E741 - response level I is the domain's own word
    II = 2, _("Level II")
    III = 3, _("Level III")
    IV = 4, _("Level IV")
    NONE = 5, _("No response")


class SignalValue(models.Model):
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=24, choices=SignalKind.choices)
    value = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "day", "kind"], name="one_signal_value_a_day")]


class Rule(models.Model):
    """When a signal reaches its threshold in a jurisdiction, raise the response there to `level`."""

    name = models.CharField(_("name"), max_length=120)
    signal = models.CharField(_("signal"), max_length=24, choices=SignalKind.choices)
    threshold = models.FloatField(_("threshold (at or above)"))
    level = models.PositiveSmallIntegerField(_("response level"), choices=[c for c in Level.choices if c[0] != 5])
    # Which level of the tree the rule judges: a county's response is declared by the county.
    tier = models.CharField(_("applies to"), max_length=12, choices=TIER_CHOICES, default="county")
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Firing(models.Model):
    """A rule's signal above its threshold in one jurisdiction, from one crossing until it falls back."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    value = models.FloatField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "jurisdiction"], condition=models.Q(ended_on=None),
                                               name="one_open_firing_per_rule_and_place")]


class LevelChange(models.Model):
    """The response level of a jurisdiction is the latest of these; the history is never rewritten."""

    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="+")
    scope_path_field = "jurisdiction__path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    previous = models.PositiveSmallIntegerField(choices=Level.choices)
    firing = models.ForeignKey(Firing, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-id"]


class Action(models.TextChoices):
    """六个快速: the six fast actions, with the hours each is due in by default."""

    CONTACT_SCREENING = "contact_screening", _("Close-contact screening")
    TRANSFER = "transfer", _("Transfer of cases")
    TRAJECTORY = "trajectory", _("Trajectory investigation")
    DISINFECTION = "disinfection", _("Disinfection")
    CLOSURE = "closure", _("Community closure")
    AREA_TESTING = "area_testing", _("Area-wide testing")


class Playbook(models.Model):
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="+")
    scope_path_field = "jurisdiction__path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    firing = models.ForeignKey(Firing, null=True, blank=True, on_delete=models.SET_NULL, related_name="playbooks")
    exercise = models.BooleanField(_("drill"), default=False)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]


class Task(models.Model):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="tasks")
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    owner = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["playbook", "action"], name="one_task_per_action")]
