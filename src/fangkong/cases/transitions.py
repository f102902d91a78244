"""The one transition table of a case: which action is allowed from which state, and what it changes.

A case's state is its classification (what it is) and its placement (where the person is). Each
action names the classifications and placements it may start from and what it sets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Classification as C
from .models import Placement as P

OPEN_PLACES = frozenset({P.AT_HOME, P.IN_TRANSFER, P.ADMITTED, P.DISCHARGED, P.POST_DISCHARGE})
ANY_CLASS = frozenset(C.values)
INFECTED = frozenset({C.CONFIRMED, C.ASYMPTOMATIC})


@dataclass(frozen=True)
class Transition:
    label: str
    from_classes: frozenset
    from_places: frozenset
    to_class: str | None = None
    to_place: str | None = None
    # Which five-earlies timestamp the action fills in, if still empty.
    stamps: tuple[str, ...] = field(default_factory=tuple)
    closes: bool = False


TRANSITIONS: dict[str, Transition] = {
    "confirm": Transition(_("confirm"), frozenset({C.SUSPECTED, C.ASYMPTOMATIC}), OPEN_PLACES - {P.POST_DISCHARGE},
                          to_class=C.CONFIRMED, stamps=("diagnosed_at",)),
    "asymptomatic": Transition(_("classify as asymptomatic"), frozenset({C.SUSPECTED}),
                               frozenset({P.AT_HOME, P.IN_TRANSFER, P.ADMITTED}), to_class=C.ASYMPTOMATIC,
                               stamps=("diagnosed_at",)),
    "exclude": Transition(_("exclude"), frozenset({C.SUSPECTED}), frozenset({P.AT_HOME, P.IN_TRANSFER, P.ADMITTED}),
                          to_class=C.EXCLUDED),
    "transfer": Transition(_("transfer"), frozenset({C.SUSPECTED}) | INFECTED, frozenset({P.AT_HOME}),
                           to_place=P.IN_TRANSFER, stamps=("isolated_at",)),
    "admit": Transition(_("admit"), frozenset({C.SUSPECTED}) | INFECTED, frozenset({P.AT_HOME, P.IN_TRANSFER}),
                        to_place=P.ADMITTED, stamps=("isolated_at", "treated_at")),
    "discharge": Transition(_("discharge"), ANY_CLASS, frozenset({P.ADMITTED}), to_place=P.DISCHARGED),
    "observe": Transition(_("begin post-discharge observation"), INFECTED, frozenset({P.DISCHARGED}),
                          to_place=P.POST_DISCHARGE),
    "release": Transition(_("release"), INFECTED, frozenset({P.POST_DISCHARGE}), to_place=P.RELEASED, closes=True),
    "release_excluded": Transition(_("release an excluded person"), frozenset({C.EXCLUDED}),
                                   frozenset({P.AT_HOME, P.IN_TRANSFER, P.DISCHARGED}), to_place=P.RELEASED,
                                   closes=True),
    "die": Transition(_("record death"), ANY_CLASS - {C.EXCLUDED}, frozenset({P.AT_HOME, P.IN_TRANSFER, P.ADMITTED}),
                      to_place=P.DECEASED, closes=True),
}


def allowed(action: str, classification: str, placement: str) -> bool:
    rule = TRANSITIONS.get(action)
    return bool(rule) and classification in rule.from_classes and placement in rule.from_places


def actions_from(classification: str, placement: str) -> list[str]:
    return [name for name in TRANSITIONS if allowed(name, classification, placement)]
