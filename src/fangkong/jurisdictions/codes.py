"""Real GB/T 2260 county codes and the years each was in use, from python-stdnum's table.

Used wherever a county code from anywhere in China must be checked or named (risk areas, places
of origin), and by the synthetic city, which draws resident-ID area codes valid in each birth year.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import stdnum

LOC_FILE = Path(stdnum.__file__).parent / "cn" / "loc.dat"
PERIOD_RE = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


@lru_cache(maxsize=1)
def county_table() -> dict[str, list[tuple[int | None, int | None, str]]]:
    """code -> [(first year, last year, name), ...] for every county-level code."""
    table: dict[str, list] = {}
    province = ""
    for line in LOC_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        suffix, rest = line.strip().split(" ", 1)
        if suffix.endswith("00"):
            continue  # a province or prefecture, not a county
        names = rest.split("=", 1)[1].strip('"')
        periods = []
        for part in names.split(","):
            match = PERIOD_RE.match(part)
            if match:
                start, end, name = match.groups()
                periods.append((int(start) if start else None, int(end) if end else None, name))
            else:
                periods.append((None, None, part))
        table[province + suffix] = periods
    return table


def name_in(code: str, year: int | None = None) -> str | None:
    """The county's name in `year` (or now), or None when the code was not in use then."""
    for start, end, name in county_table().get(code, []):
        if start is None and end is None:
            return name
        if year is None:
            if end is None:
                return name
            continue
        if (start is None or year >= start) and (end is None or year <= end):
            return name
    return None


def codes_valid_in(prefix: str, year: int) -> list[str]:
    return sorted(code for code in county_table() if code.startswith(prefix) and name_in(code, year))


def current_counties(prefix: str) -> list[tuple[str, str]]:
    """(code, name) of the counties in use today under a province or city prefix (市辖区 excluded)."""
    result = []
    for code in sorted(county_table()):
        if code.startswith(prefix) and not code.endswith("01"):
            name = name_in(code)
            if name:
                result.append((code, name))
    return result
