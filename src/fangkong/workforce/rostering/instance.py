"""The Curtois & Qu instance text format (schedulingbenchmarks.org): read into a Problem, bad input refused.

Every refusal names the line and the field (`InstanceError`), in the file's own vocabulary: a missing section,
an unknown shift id, a day outside the horizon, a negative weight, a minimum above its maximum.
"""

from __future__ import annotations

from dataclasses import dataclass

from .problem import Cover, Problem, Request, Shift, Staff

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
STAFF_FIELDS = ("ID", "MaxShifts", "MaxTotalMinutes", "MinTotalMinutes", "MaxConsecutiveShifts",
                "MinConsecutiveShifts", "MinConsecutiveDaysOff", "MaxWeekends")
REQUEST_FIELDS = ("EmployeeID", "Day", "ShiftID", "Weight")
COVER_FIELDS = ("Day", "ShiftID", "Requirement", "Weight for under", "Weight for over")


class InstanceError(ValueError):
    def __init__(self, line: int | None, field: str, message: str):
        self.line, self.field, self.message = line, field, message
        where = f"line {line}, " if line else ""
        super().__init__(f"{where}{field}: {message}")


@dataclass
class _Line:
    number: int
    cells: list[str]

    def cell(self, index: int, name: str) -> str:
        if index >= len(self.cells) or (self.cells[index] == "" and index == 0):
            raise InstanceError(self.number, name, "missing")
        return self.cells[index]

    def count(self, index: int, name: str, minimum: int = 0) -> int:
        text = self.cell(index, name)
        try:
            value = int(text)
        except ValueError:
            raise InstanceError(self.number, name, f"not a whole number: {text!r}") from None
        if value < minimum:
            raise InstanceError(self.number, name, f"{value} is below {minimum}")
        return value


def _sections(text: str) -> dict[str, list[_Line]]:
    sections: dict[str, list[_Line]] = {}
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise InstanceError(number, "section", f"unknown section {line}")
            if line in sections:
                raise InstanceError(number, "section", f"{line} given twice")
            current = sections[line] = []
            continue
        if current is None:
            raise InstanceError(number, "section", "data before the first section")
        current.append(_Line(number, [c.strip() for c in line.split(",")]))
    for name in SECTIONS:
        if name not in sections:
            raise InstanceError(None, name, "section missing")
    return sections


def read(path) -> Problem:
    with open(path, encoding="utf-8") as f:
        return parse(f.read())


def parse(text: str) -> Problem:
    sections = _sections(text)
    horizon_lines = sections["SECTION_HORIZON"]
    if len(horizon_lines) != 1:
        raise InstanceError(horizon_lines[1].number if horizon_lines else None, "SECTION_HORIZON",
                            "exactly one line: the number of days")
    horizon = horizon_lines[0].count(0, "horizon", minimum=1)

    shifts, successions = [], []
    for line in sections["SECTION_SHIFTS"]:
        shift_id = line.cell(0, "ShiftID")
        if any(s.id == shift_id for s in shifts):
            raise InstanceError(line.number, "ShiftID", f"{shift_id} defined twice")
        shifts.append(Shift(shift_id, line.count(1, "Length in mins", minimum=1)))
        following = line.cells[2] if len(line.cells) > 2 else ""
        successions += [(line.number, shift_id, t.strip()) for t in following.split("|") if t.strip()]
    if not shifts:
        raise InstanceError(None, "SECTION_SHIFTS", "no shift defined")
    ids = {s.id for s in shifts}

    def shift_id(line: _Line, index: int, name: str = "ShiftID") -> str:
        value = line.cell(index, name)
        if value not in ids:
            raise InstanceError(line.number, name, f"unknown shift id {value!r}")
        return value

    def day(line: _Line, index: int, name: str = "Day") -> int:
        value = line.count(index, name)
        if value >= horizon:
            raise InstanceError(line.number, name, f"day {value} is outside the horizon of {horizon} days")
        return value

    forbidden = {}
    for number, first, then in successions:
        if then not in ids:
            raise InstanceError(number, "Shifts which cannot follow", f"unknown shift id {then!r}")
        forbidden[(first, then)] = "forbidden_succession"

    staff = []
    for line in sections["SECTION_STAFF"]:
        staff.append(_staff(line, ids, horizon))
        if sum(1 for s in staff if s.id == staff[-1].id) > 1:
            raise InstanceError(line.number, "ID", f"{staff[-1].id} defined twice")
    if not staff:
        raise InstanceError(None, "SECTION_STAFF", "no staff defined")
    staff_ids = {s.id for s in staff}

    def employee(line: _Line) -> str:
        value = line.cell(0, "EmployeeID")
        if value not in staff_ids:
            raise InstanceError(line.number, "EmployeeID", f"unknown employee {value!r}")
        return value

    days_off: dict[str, dict[int, str]] = {}
    for line in sections["SECTION_DAYS_OFF"]:
        who = employee(line)
        for index in range(1, len(line.cells)):
            days_off.setdefault(who, {})[day(line, index, "DayIndexes")] = "days_off"

    def requests(name: str) -> list[Request]:
        out = []
        for line in sections[name]:
            out.append(Request(employee(line), day(line, 1), shift_id(line, 2),
                               line.count(3, "Weight", minimum=0)))
        return out

    cover = []
    for line in sections["SECTION_COVER"]:
        entry = Cover(day(line, 0), shift_id(line, 1), line.count(2, "Requirement"),
                      line.count(3, "Weight for under"), line.count(4, "Weight for over"))
        if any((c.day, c.shift) == (entry.day, entry.shift) for c in cover):
            raise InstanceError(line.number, "Day", f"cover for day {entry.day}, shift {entry.shift} given twice")
        cover.append(entry)

    return Problem(horizon=horizon, shifts=shifts, staff=staff, forbidden=forbidden, days_off=days_off,
                   on_requests=requests("SECTION_SHIFT_ON_REQUESTS"),
                   off_requests=requests("SECTION_SHIFT_OFF_REQUESTS"), cover=cover)


def _staff(line: _Line, ids: set[str], horizon: int) -> Staff:
    max_shifts = {}
    for part in line.cell(1, "MaxShifts").split("|"):
        shift, _, limit = part.partition("=")
        if shift not in ids:
            raise InstanceError(line.number, "MaxShifts", f"unknown shift id {shift!r}")
        try:
            max_shifts[shift] = int(limit)
        except ValueError:
            raise InstanceError(line.number, "MaxShifts", f"not a whole number: {limit!r}") from None
        if max_shifts[shift] < 0:
            raise InstanceError(line.number, "MaxShifts", f"{max_shifts[shift]} is below 0")
    values = [line.count(i, STAFF_FIELDS[i]) for i in range(2, 8)]
    staff = Staff(line.cell(0, "ID"), max_shifts, *values)
    for low, high, low_name, high_name in (
        (staff.min_minutes, staff.max_minutes, "MinTotalMinutes", "MaxTotalMinutes"),
        (staff.min_consecutive, staff.max_consecutive, "MinConsecutiveShifts", "MaxConsecutiveShifts"),
    ):
        if low > high:
            raise InstanceError(line.number, low_name, f"{low} is above {high_name} {high}")
    return staff
