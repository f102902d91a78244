"""The one access helper: what a user may see, scoped to their jurisdiction subtree.

Every page, API call, export and search fetches through `Model.objects.visible_to(user)` and
`get_visible` (accounts/scoping.py), which take the user's prefix from here. A record outside the
user's subtree and a record that does not exist give the same NotFound, so ids leak nothing.
What a user may *write* is accounts/permissions.py.
"""

from __future__ import annotations

from django.db.models import QuerySet

from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person

from .models import Role, User
from .scoping import NotFound, get_visible
from .scoping import may_see_persons as may_see_persons  # the kernel's answers, asked here by every domain
from .scoping import scope_path as scope_path

# Fields each role sees in clear (PIPL: the minimum the work needs); all else is masked. The birth date goes
# with the ID number: beside a masked ID it (or the age) would give back the hidden digits.
UNMASKED_FIELDS = {
    Role.GRID: {"phone", "address"},
    Role.EPIDEMIOLOGIST: {"id_number", "birth_date", "phone", "address"},
    Role.HOSPITAL: {"id_number", "birth_date", "phone"},
    Role.CHECKPOINT: {"phone"},
}


def jurisdictions_for(user: User) -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.visible_to(user)


def get_jurisdiction_for(user: User, code: str) -> Jurisdiction:
    return get_visible(jurisdictions_for(user), code, field="code")


def root_for(user: User) -> Jurisdiction:
    if user.jurisdiction_id:
        return user.jurisdiction
    root = jurisdictions_for(user).filter(parent=None).first()
    if root is None:
        raise NotFound()
    return root


def persons_for(user: User) -> QuerySet[Person]:
    return Person.objects.visible_to(user)


def get_person_for(user: User, person_id: int) -> Person:
    return get_visible(persons_for(user).select_related("grid", "household"), person_id)


def unmasked_fields(user: User) -> set[str]:
    if user.is_superuser:
        return {"id_number", "birth_date", "phone", "address"}
    return UNMASKED_FIELDS.get(user.role, set())
