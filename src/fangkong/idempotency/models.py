"""The keys a client sent with a write, so that a resubmission is answered with the first result."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """One key of one actor for one operation: two users who pick the same key never meet.

    `fingerprint` is a hash of what was submitted under the key, so a replay that changed the body is
    refused instead of being answered with a record it does not describe."""

    # No actor: a public submission (no account), whose keys are unique per operation.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    operation = models.CharField(max_length=40)
    key = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64)
    record_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "operation", "key"], name="one_key_per_actor_operation"),
            models.UniqueConstraint(fields=["operation", "key"], condition=models.Q(actor__isnull=True),
                                    name="one_public_key_per_operation")]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
