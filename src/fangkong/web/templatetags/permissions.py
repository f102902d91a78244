"""`{% if user|may:"arrival.register" %}`: a page hides the form of a write the user's role may not do (the
service refuses it anyway: accounts/permissions.py)."""

from django import template

from fangkong.accounts import permissions

register = template.Library()


@register.filter
def may(user, write: str) -> bool:
    return permissions.may(user, write)
