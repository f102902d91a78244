"""Every GB/T 2260 code since 1980, with its names and the years each was in use, from python-stdnum's table.

One table serves every place a code from anywhere in China is checked or named: resident IDs (whose
area code is that of the office that issued the number and stays on the card after the code is
abolished, so any code that ever existed is accepted), risk areas and places of origin (county-level
codes), and the synthetic city, which draws the codes in force when each number was issued.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import stdnum

LOC_FILE = Path(stdnum.__file__).parent / "cn" / "loc.dat"
PERIOD_RE = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


class Period(NamedTuple):
    first: int | None  # None: in use when the table begins (1980)
    last: int | None  # None: still in use
    name: str

    def covers(self, year: int) -> bool:
        return (self.first is None or year >= self.first) and (self.last is None or year <= self.last)


@lru_cache(maxsize=1)
def area_codes() -> dict[str, tuple[Period, ...]]:
    """code -> its names and years, for every province (xx0000), prefecture (xxxx00) and county code."""
    table: dict[str, tuple[Period, ...]] = {}
    province = ""
    for line in LOC_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        suffix, rest = line.strip().split(" ", 1)
        names = rest.split("=", 1)[1].strip('"')
        periods = []
        for part in names.split(","):
            match = PERIOD_RE.match(part)
            if match:
                first, last, name = match.groups()
                periods.append(Period(int(first) if first else None, int(last) if last else None, name))
            else:
                periods.append(Period(None, None, part))
        table[province + suffix] = tuple(periods)
    return table


@lru_cache(maxsize=1)
def county_codes() -> frozenset[str]:
    """The county-level codes: counties, districts, county-level cities, and the prefecture-level cities
    that have no counties (东莞 441900, 中山 442000, 嘉峪关 620200), whose townships sit right under them."""
    table = area_codes()
    divided = {code[:4] for code in table if not code.endswith("00")}
    return frozenset(code for code in table if not code.endswith("00") or
                     (not code.endswith("0000") and code[:4] not in divided))


def name_in(code: str, year: int | None = None) -> str | None:
    """The code's name in `year` (or now), or None when the code was not in use then."""
    for period in area_codes().get(code, ()):
        if (period.covers(year) if year is not None else period.last is None):
            return period.name
    return None


def latest_name(code: str) -> str | None:
    """The name today, or the last name an abolished code had."""
    periods = area_codes().get(code)
    return (name_in(code) or periods[-1].name) if periods else None


def codes_valid_in(prefix: str, year: int) -> list[str]:
    """The county-level codes under a province or city prefix that were in use in `year`."""
    return sorted(code for code in county_codes() if code.startswith(prefix) and name_in(code, year))


def current_counties(prefix: str) -> list[tuple[str, str]]:
    """(code, name) of the counties in use today under a province or city prefix (市辖区 excluded)."""
    result = []
    for code in sorted(county_codes()):
        if code.startswith(prefix) and not code.endswith("01"):
            name = name_in(code)
            if name:
                result.append((code, name))
    return result
