"""Workforce (M12: 轮岗轮休; 应休尽休; 合理安排医疗人员班次): staff and cadres, echelons of trained staff ready for a
kind of post, deployments to posts, rest accommodation near a hospital, the rest rules of each kind of post, and
rosters solved under them (rostering/)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet


class PostKind(models.TextChoices):
    RED_ZONE_WARD = "red_zone_ward", _("Red-zone ward")
    ICU = "icu", _("ICU")
    MAKESHIFT = "makeshift", _("Makeshift hospital")
    SAMPLING = "sampling", _("Sampling point")
    EPIDEMIOLOGY = "epidemiology", _("Epidemiological investigation")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    GRID = "grid", _("Grid")


class RestRules(models.Model):
    """The hard rest rules of one kind of post; the defaults come from settings.WORKFORCE_REST_RULES."""

    post_kind = models.CharField(_("kind of post"), max_length=14, choices=PostKind.choices, unique=True)
    red_zone = models.BooleanField(_("red zone"), default=False)
    max_shift_minutes = models.PositiveIntegerField(_("longest shift in protective equipment (minutes)"), null=True,
                                                    blank=True)
    min_rest_minutes = models.PositiveIntegerField(_("minimum rest between two shifts (minutes)"))
    max_consecutive_days = models.PositiveIntegerField(_("most working days in a row"))
    min_days_off = models.PositiveIntegerField(_("fewest days off in a row"))
    max_minutes_per_week = models.PositiveIntegerField(_("most minutes in any 7 days"), null=True, blank=True)
    max_days_at_post = models.PositiveIntegerField(_("most days in a row at one post"), null=True, blank=True)
    monitoring_days = models.PositiveIntegerField(_("health monitoring after a rotation (days)"), default=0)

    def __str__(self) -> str:
        return self.get_post_kind_display()


class StaffKind(models.TextChoices):
    MEDICAL = "medical", _("Medical staff")
    CADRE = "cadre", _("Cadre")


class Staff(models.Model):
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind of staff"), max_length=8, choices=StaffKind.choices)
    profession = models.CharField(_("profession"), max_length=40, blank=True)  # doctor, nurse, 党员干部 …
    qualifications = models.CharField(_("qualifications"), max_length=200, blank=True)
    employer = models.CharField(_("employer unit"), max_length=120)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="staff_record")  # whose own roster this is

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Echelon(models.Model):
    """梯队: a person trained and ready for a kind of post, in echelon 1 (goes first), 2 or 3."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="echelons")
    scope_path_field = "staff__owner_path"
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    post_kind = models.CharField(_("kind of post"), max_length=14, choices=PostKind.choices)
    level = models.PositiveSmallIntegerField(_("echelon"), choices=[(1, "1"), (2, "2"), (3, "3")])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "post_kind"], name="one_echelon_per_post_kind")]


class Training(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="trainings")
    scope_path_field = "staff__owner_path"
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    post_kind = models.CharField(_("kind of post"), max_length=14, choices=PostKind.choices)
    course = models.CharField(_("course"), max_length=120)
    completed_on = models.DateField(_("completed on"))

    class Meta:
        ordering = ["-completed_on"]


class Post(models.Model):
    """A place staff are deployed to and rostered at: a ward, a makeshift hospital, a sampling point, a grid …"""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind of post"), max_length=14, choices=PostKind.choices)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owner_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "owner_path"
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Deployment(models.Model):
    """A person at a post for a period; a cadre sent down (下沉) to a community or village is one too."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="deployments")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="deployments")
    scope_path_field = "post__owner_path"
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    sent_down = models.BooleanField(_("sent down to the front line"), default=False)

    class Meta:
        ordering = ["-starts_on", "pk"]


class Accommodation(models.Model):
    """A hotel room near a post (征集医院周边宾馆) where one person on shift rests, for some nights."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="rooms")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="rooms")
    scope_path_field = "post__owner_path"
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    hotel = models.CharField(_("hotel"), max_length=120)
    room = models.CharField(_("room"), max_length=20)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    class Meta:
        ordering = ["hotel", "room", "starts_on"]


class ShiftType(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="shift_types")
    scope_path_field = "post__owner_path"
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    code = models.CharField(_("shift code"), max_length=4)
    name = models.CharField(_("name"), max_length=40)
    starts_at = models.TimeField(_("starts at"))
    minutes = models.PositiveIntegerField(_("length (minutes)"))
    minimum = models.PositiveIntegerField(_("minimum cover"), default=0)
    preferred = models.PositiveIntegerField(_("preferred cover"), default=0)

    class Meta:
        ordering = ["starts_at", "code"]
        constraints = [models.UniqueConstraint(fields=["post", "code"], name="one_shift_code_per_post")]

    def __str__(self) -> str:
        return self.code


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Waiting for the solver")
    SOLVING = "solving", _("Solving")
    SOLVED = "solved", _("Solved")
    INFEASIBLE = "infeasible", _("No roster keeps the rules")


class Roster(models.Model):
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="rosters")
    scope_path_field = "post__owner_path"
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    starts_on = models.DateField(_("first day"))
    days = models.PositiveIntegerField(_("days"))
    status = models.CharField(max_length=10, choices=RosterStatus.choices, default=RosterStatus.DRAFT)
    seconds = models.PositiveIntegerField(_("time limit (seconds)"), default=60)
    penalty = models.IntegerField(null=True, blank=True)
    bound = models.IntegerField(null=True, blank=True)
    progress = models.JSONField(default=list, blank=True)  # [seconds, penalty, bound] at each better roster
    explanation = models.JSONField(default=dict, blank=True)  # penalty by kind, unmet requests, gaps, conflict
    claimed_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "pk"]


class Assignment(models.Model):
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="assignments")
    scope_path_field = "roster__post__owner_path"
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    shift = models.ForeignKey(ShiftType, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["roster", "staff", "day"], name="one_shift_a_day")]


class RequestKind(models.TextChoices):
    ON = "on", _("Wants this shift")
    OFF = "off", _("Wants to be off")


class ShiftRequest(models.Model):
    """A person's wish for a day: a shift, or not to work it (no shift: the whole day off)."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="requests")
    scope_path_field = "roster__post__owner_path"
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    shift = models.ForeignKey(ShiftType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("request"), max_length=3, choices=RequestKind.choices)
    weight = models.PositiveIntegerField(_("weight"), default=1)
