"""Vaccination coverage (M18: 强化疫苗接种工作，尽快建立群体免疫屏障): the doses each person was given, and per grid and
age band the counts the national figures are reported in (at least one dose, fully vaccinated, boosted), kept up to
date by every dose written so a city's figures are a sum over its grids' rows, not a count over its doses."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet
from fangkong.choices import Words


class Product(models.TextChoices):
    BIBP = "bibp", _("Sinopharm BIBP (inactivated)")
    WIBP = "wibp", _("Sinopharm WIBP (inactivated)")
    CORONAVAC = "coronavac", _("Sinovac CoronaVac (inactivated)")
    AD5 = "ad5", _("CanSino Ad5-nCoV (adenovirus vector)")


# The doses of the primary series: after them a person is fully vaccinated and the next dose is a booster.
PRIMARY_DOSES = {Product.BIBP: 2, Product.WIBP: 2, Product.CORONAVAC: 2, Product.AD5: 1}

PRODUCTS = Words(Product, {
    Product.BIBP: ("北京生物", "国药北京", "国药中生北京", "新冠病毒灭活疫苗（Vero细胞）北京生物"),
    Product.WIBP: ("武汉生物", "国药武汉", "国药中生武汉"),
    Product.CORONAVAC: ("北京科兴", "科兴", "科兴中维"),
    Product.AD5: ("康希诺", "康希诺生物", "腺病毒载体疫苗")})


class DoseNumber(models.IntegerChoices):
    FIRST = 1, _("First dose")
    SECOND = 2, _("Second dose")
    BOOSTER = 3, _("Booster")
    SECOND_BOOSTER = 4, _("Second booster")


DOSE_NUMBERS = Words(DoseNumber, {
    DoseNumber.FIRST: ("第1剂", "第一剂", "1"), DoseNumber.SECOND: ("第2剂", "第二剂", "2"),
    DoseNumber.BOOSTER: ("加强针", "加强免疫", "第1剂加强", "3"),
    DoseNumber.SECOND_BOOSTER: ("第二剂加强", "第2剂加强", "4")})


class Dose(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="doses")
    # The person's grid and path when the dose was given: the grid row its counts went to.
    grid = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    jurisdiction_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "jurisdiction_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    product = models.CharField(_("vaccine product"), max_length=10, choices=Product.choices)
    dose = models.PositiveSmallIntegerField(_("dose"), choices=DoseNumber.choices)
    given_on = models.DateField(_("vaccinated on"))
    site = models.CharField(_("vaccination site"), max_length=120)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person_id", "dose"]
        constraints = [models.UniqueConstraint(fields=["person", "dose"], name="dose_once_per_person")]


class Band(models.TextChoices):
    UNDER_60 = "0-59", _("Under 60")
    FROM_60_TO_79 = "60-79", _("60 to 79")
    FROM_80 = "80+", _("80 and over")


class GridCoverage(models.Model):
    """One grid's people of one age band: how many, and how many have had a first dose, the full primary series, a
    booster. Written by every dose (the counts) and rebuilt from the rows by `refresh_coverage` (population and
    bands, as people age, move and register)."""

    grid = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    scope_path_field = "path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = False
    objects = ScopedQuerySet.as_manager()
    band = models.CharField(max_length=5, choices=Band.choices)
    population = models.PositiveIntegerField(default=0)
    first = models.PositiveIntegerField(default=0)
    full = models.PositiveIntegerField(default=0)
    boosted = models.PositiveIntegerField(default=0)
    doses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grid", "band"], name="coverage_once_per_grid_band")]


class CoverageRefresh(models.Model):
    """When the grid rows were last rebuilt: the day whose ages put each person in a band."""

    as_of = models.DateField()
    refreshed_at = models.DateTimeField(auto_now=True)
