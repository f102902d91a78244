"""The one access helper: what a user may see, scoped to their jurisdiction subtree.

Every page, API call, export and search fetches through these functions. A record outside the
user's subtree and a record that does not exist give the same Http404, so ids leak nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from fangkong.errors import InputRefused

from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person

from .models import Role, User

# Roles whose work is about individual people; the others see figures only.
PERSON_ROLES = {Role.COMMAND, Role.GRID, Role.CHECKPOINT, Role.EPIDEMIOLOGIST, Role.LAB, Role.HOSPITAL}
# Fields each role sees in clear (PIPL: the minimum the work needs); all else is masked. The birth date goes
# with the ID number: beside a masked ID it (or the age) would give back the hidden digits.
UNMASKED_FIELDS = {
    Role.GRID: {"phone", "address"},
    Role.EPIDEMIOLOGIST: {"id_number", "birth_date", "phone", "address"},
    Role.HOSPITAL: {"id_number", "birth_date", "phone"},
    Role.CHECKPOINT: {"phone"},
}


def scope_path(user: User) -> str | None:
    """The path prefix of everything `user` may see; None when they may see nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.jurisdiction_id is None:
        return "" if user.is_superuser else None
    return user.jurisdiction.path


def jurisdictions_for(user: User) -> QuerySet[Jurisdiction]:
    path = scope_path(user)
    if path is None:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.filter(path__startswith=path)


def get_jurisdiction_for(user: User, code: str) -> Jurisdiction:
    try:
        return jurisdictions_for(user).get(code=code)
    except Jurisdiction.DoesNotExist:
        raise Http404("No such jurisdiction") from None


def root_for(user: User) -> Jurisdiction:
    if user.jurisdiction_id:
        return user.jurisdiction
    root = jurisdictions_for(user).filter(parent=None).first()
    if root is None:
        raise Http404("No jurisdiction")
    return root


def may_see_persons(user: User) -> bool:
    return user.is_superuser or user.role in PERSON_ROLES


def persons_for(user: User) -> QuerySet[Person]:
    path = scope_path(user)
    if path is None or not may_see_persons(user):
        return Person.objects.none()
    return Person.objects.filter(jurisdiction_path__startswith=path)


def get_person_for(user: User, person_id: int) -> Person:
    try:
        return persons_for(user).select_related("grid", "household").get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person") from None


def unmasked_fields(user: User) -> set[str]:
    if user.is_superuser:
        return {"id_number", "birth_date", "phone", "address"}
    return UNMASKED_FIELDS.get(user.role, set())


def require_command(user: User, refusal) -> None:
    """Refuse, naming the role, anything only a command centre may do (declare, publish, set levels)."""
    if not (user.is_superuser or user.role == Role.COMMAND):
        raise InputRefused(("role", refusal))
