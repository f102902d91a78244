"""Users, their role and jurisdiction, API tokens and failed logins."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.jurisdictions.models import Jurisdiction


class Role(models.TextChoices):
    COMMAND = "command", _("Command centre")
    GRID = "grid", _("Grid worker")
    CHECKPOINT = "checkpoint", _("Checkpoint staff")
    EPIDEMIOLOGIST = "epidemiologist", _("Epidemiologist")
    LAB = "lab", _("Lab staff")
    HOSPITAL = "hospital", _("Hospital / quarantine site staff")
    LOGISTICS = "logistics", _("Logistics officer")
    PUBLIC = "public", _("Public (read-only)")


# Roles whose work is about individual people; the others see figures only.
PERSON_ROLES = frozenset({Role.COMMAND, Role.GRID, Role.CHECKPOINT, Role.EPIDEMIOLOGIST, Role.LAB, Role.HOSPITAL})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PUBLIC)
    # Every user works in exactly one node and sees its subtree; only a superuser may have none.
    jurisdiction = models.ForeignKey(
        Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("jurisdiction"),
    )
    full_name = models.CharField(_("full name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def sees_persons(self) -> bool:
        return self.is_superuser or self.role in PERSON_ROLES


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, blank=True)
    # Only a SHA-256 of the token is kept; the token itself is shown once, when it is made.
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginThrottle(models.Model):
    """Recent failed logins of one client address or one existing user (accounts/throttle.py)."""

    key = models.CharField(max_length=64, unique=True)  # HMAC of the address or of the user's id
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(db_index=True)
    blocked_until = models.DateTimeField(null=True)
