"""The jurisdiction tree (province -> city -> county -> township -> community -> grid) and households.

Each node stores its materialised path (its ancestors' codes and its own, each followed by "/"), so
"everything under X" is one indexed prefix query, never a walk in Python.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    COMMUNITY = "community", _("Community / village")
    GRID = "grid", _("Grid")


LEVEL_ORDER = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.COMMUNITY, Level.GRID]
PATH_SEPARATOR = "/"


class Jurisdiction(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    scope_path_field = "path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    depth = models.PositiveSmallIntegerField(editable=False)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        indexes = [models.Index(fields=["parent", "code"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @staticmethod
    def path_for(parent: "Jurisdiction | None", code: str) -> str:
        return (parent.path if parent else "") + code + PATH_SEPARATOR

    @property
    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split(PATH_SEPARATOR) if c][:-1]

    def is_within(self, path_prefix: str) -> bool:
        return self.path.startswith(path_prefix)


class Household(models.Model):
    code = models.CharField(_("household code"), max_length=24, unique=True)
    grid = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="households", verbose_name=_("grid"),
        limit_choices_to={"level": Level.GRID},
    )
    scope_path_field = "grid__path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    address = models.CharField(_("address"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.code
