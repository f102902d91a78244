"""A rostering problem: shifts, staff with their limits, days off, requests and cover over a horizon of days.

The fields are those of the Curtois & Qu employee shift scheduling benchmark (schedulingbenchmarks.org), plus
three the product needs and the benchmark leaves empty: a shift's start (to derive the minimum rest), a cap on the
minutes of any 7 consecutive days, and a hard minimum cover beside the preferred one. Each hard rule has an id
(RULES); days off and forbidden successions carry the id of the rule that put them there, so a conflict or a
refused edit names the rule (a day off from health monitoring is not a requested day off).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The hard rules, by id. The product's own (min_rest, health_monitoring, rotation, not_deployed) arrive as
# forbidden successions or days off with their own id.
RULES = (
    "one_shift_a_day",
    "forbidden_succession",
    "min_rest",
    "days_off",
    "health_monitoring",
    "rotation",
    "not_deployed",
    "max_shifts",
    "max_minutes",
    "min_minutes",
    "max_consecutive_shifts",
    "min_consecutive_shifts",
    "min_consecutive_days_off",
    "max_weekends",
    "max_minutes_per_week",
    "shift_length",
    "cover_minimum",
)

# The soft kinds of penalty.
PENALTIES = ("shift_on_request", "shift_off_request", "cover_under", "cover_over")

WEEK = 7


@dataclass(frozen=True)
class Shift:
    id: str
    minutes: int
    start: int | None = None  # minute of the day it starts; the benchmark's shifts have none


@dataclass(frozen=True)
class Staff:
    id: str
    max_shifts: dict[str, int]  # per shift id; a shift missing here is capped by the horizon only
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int
    max_minutes_per_week: int | None = None  # any 7 consecutive days; None: no cap
    name: str = ""  # how a person is named in an explanation (the id otherwise)

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Request:
    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int  # preferred: under or over it is penalised by the weights
    under_weight: int
    over_weight: int
    minimum: int = 0  # hard: fewer is not a roster


@dataclass
class Problem:
    horizon: int
    shifts: list[Shift]
    staff: list[Staff]
    # (shift, next day's shift) -> rule id: the benchmark's forbidden successions, the product's minimum rest
    forbidden: dict[tuple[str, str], str] = field(default_factory=dict)
    # employee -> {day: rule id}
    days_off: dict[str, dict[int, str]] = field(default_factory=dict)
    on_requests: list[Request] = field(default_factory=list)
    off_requests: list[Request] = field(default_factory=list)
    cover: list[Cover] = field(default_factory=list)

    @property
    def shift_ids(self) -> list[str]:
        return [s.id for s in self.shifts]

    def shift(self, shift_id: str) -> Shift:
        return next(s for s in self.shifts if s.id == shift_id)

    def weekends(self) -> list[tuple[int, int]]:
        """Saturday and Sunday of each whole week: the horizon starts on a Monday."""
        return [(WEEK * w + 5, WEEK * w + 6) for w in range(self.horizon // WEEK)]

    def max_shifts(self, staff: Staff, shift_id: str) -> int:
        return staff.max_shifts.get(shift_id, self.horizon)


def too_little_rest(shifts: list[Shift], min_rest_minutes: int) -> dict[tuple[str, str], str]:
    """The successions (a shift, the next day's shift) that leave less than the minimum rest between them."""
    day = 24 * 60
    return {(a.id, b.id): "min_rest" for a in shifts for b in shifts
            if day + b.start - (a.start + a.minutes) < min_rest_minutes}


Roster = dict[tuple[str, int], str]  # (employee, day) -> shift id; a day off is absent
