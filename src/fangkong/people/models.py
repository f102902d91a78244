"""One record per person, whatever the number of sources that registered them."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scoping import ScopedQuerySet
from fangkong.choices import Words
from fangkong.jurisdictions.models import Household, Jurisdiction

from . import crypto
from .identity import PASSPORT, RESIDENT_ID

TEXT_BYTES = "varchar_pattern_ops"  # PostgreSQL's byte-wise text comparison (other databases ignore it)


class IdType(models.TextChoices):
    RESIDENT_ID = RESIDENT_ID, _("Resident ID card")
    PASSPORT = PASSPORT, _("Passport")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


ID_TYPES = Words(IdType, {IdType.RESIDENT_ID: ("居民身份证", "身份证"), IdType.PASSPORT: ("护照",)})
SEXES = Words(Sex, {Sex.MALE: ("男",), Sex.FEMALE: ("女",)})


class Person(models.Model):
    id_type = models.CharField(_("ID type"), max_length=10, choices=IdType.choices)
    nationality = models.CharField(_("nationality"), max_length=3, default="CHN")
    # The ID number and phone are stored encrypted; the *_hash columns answer exact lookups.
    id_number_cipher = models.BinaryField(editable=False)
    id_number_hash = models.CharField(max_length=64, editable=False)  # unique: see Meta
    phone_cipher = models.BinaryField(null=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)  # indexed: see Meta
    name = models.CharField(_("name"), max_length=50)  # indexed: see Meta
    name_pinyin = models.CharField(max_length=120, editable=False)  # indexed: see Meta
    name_initials = models.CharField(max_length=20, editable=False)  # indexed: see Meta
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    grid = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="persons", verbose_name=_("grid"))
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="members",
        verbose_name=_("household"),
    )
    # The grid's path, copied so subtree filters and roll-ups need no join.
    jurisdiction_path = models.CharField(max_length=255, editable=False)  # indexed: see Meta
    scope_path_field = "jurisdiction_path"  # where a row sits in the tree: see accounts/scoping.py
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        # One index per column, declared here rather than with db_index (which on PostgreSQL builds two: one in the
        # database's collation and a varchar_pattern_ops copy for LIKE 'prefix%'): every lookup of these columns is
        # whole (=, IN) or by prefix, which the pattern index answers alone, comparing bytes. That is also three
        # times cheaper to build than the collation's (glibc strcoll, no abbreviated keys): the 10M seed rebuilds
        # them (bench/README.md, P9).
        constraints = [models.UniqueConstraint(fields=["id_number_hash"], name="person_id_number_hash_unique",
                                               opclasses=[TEXT_BYTES])]
        indexes = [models.Index(fields=[column], name=name, opclasses=[TEXT_BYTES]) for column, name in (
            ("phone_hash", "person_phone_hash"), ("name", "person_name"), ("name_pinyin", "person_name_pinyin"),
            ("name_initials", "person_name_initials"), ("jurisdiction_path", "person_jurisdiction_path"))]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_cipher)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_cipher)


class RegistrationSource(models.TextChoices):
    CENSUS = "census", _("Household census")
    GRID = "grid", _("Grid visit")
    ARRIVAL = "arrival", _("Arrival register")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    API = "api", _("Other system (API)")


INTERNAL_REFERENCE = re.compile(r"^(person-\d+|arrival:[0-9a-f]+|[0-9a-f]{32})$")


class Registration(models.Model):
    """One source's report of a person; many registrations merge onto one Person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="registrations")
    source = models.CharField(_("source"), max_length=12, choices=RegistrationSource.choices)
    # The sender's own reference (or an Idempotency-Key): the same sender's reference twice counts once.
    source_ref = models.CharField(_("source reference"), max_length=80)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    registered_at = models.DateTimeField(auto_now_add=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-registered_at"]
        # A reference is its sender's: two senders who use the same one never meet (nor learn of each other).
        constraints = [models.UniqueConstraint(fields=["registered_by", "source", "source_ref"],
                                               name="registration_once_per_sender_ref")]

    @property
    def reference_shown(self) -> str:
        """The sender's reference, for people to quote; the ones fangkong makes itself (person-12, arrival:…, a form's
        key) mean nothing to anyone and are not shown."""
        return "" if INTERNAL_REFERENCE.match(self.source_ref) else self.source_ref
