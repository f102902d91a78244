"""The one scoping kernel: which rows of a scoped model a user may see, and one way to fetch one of them.

A scoped model declares, once, the path field that places its rows in the jurisdiction tree and whether its
rows are about individual people, and uses `ScopedQuerySet` as its manager:

    scope_path_field = "owner_path"
    scope_holds_persons = True
    objects = ScopedQuerySet.as_manager()

`Model.objects.visible_to(user)` is then the user's part of it, an indexed prefix scan on that field
(PostgreSQL gets `varchar_pattern_ops` from Django), and `get_visible(queryset, pk)` fetches one row or
raises the same 404 for "missing" and "not yours", so ids leak nothing.

This module imports no model (the models import it); the user's scope comes from `access`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404


class NotFound(Http404):
    """Missing and forbidden alike: one message, so the page and the API body say the same for both."""

    def __init__(self):
        super().__init__("not found")


def scope_path(user) -> str | None:
    """The path prefix of everything `user` may see; None when they may see nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.jurisdiction_id is None:
        return "" if user.is_superuser else None
    return user.jurisdiction.path


def may_see_persons(user) -> bool:
    return user.is_authenticated and user.sees_persons


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user) -> ScopedQuerySet:
        """The rows under the user's jurisdiction; none for a user who may see nothing here."""
        path = scope_path(user)
        if path is None or (self.model.scope_holds_persons and not may_see_persons(user)):
            return self.none()
        return self.filter(**{f"{self.model.scope_path_field}__startswith": path})


def get_visible(queryset: models.QuerySet, pk, *, field: str = "pk"):
    """One row of `queryset` (already scoped), or NotFound whether it is missing, not yours or a bad id."""
    try:
        return queryset.get(**{field: pk})
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None
