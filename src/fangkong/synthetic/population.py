"""People and households of the synthetic city: names, ages, resident IDs that validate, phones."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate

from stdnum.cn import ric

from fangkong.jurisdictions import codes as areas
from fangkong.people.names import name_pinyin

from .vocabulary import (
    AGE_BANDS,
    FEMALE_GIVEN,
    HOUSEHOLD_SIZES,
    MALE_GIVEN,
    MOBILE_PREFIXES,
    NEUTRAL_GIVEN,
    ROAD_WORDS,
    SURNAMES,
)

# Ages are counted at a fixed date so the same seed gives the same people on any day.
REFERENCE_DATE = dt.date(2025, 12, 31)
BORN_LOCALLY = 0.8
# Resident ID numbers were first given out in 1984-85; people born earlier received theirs then or later,
# up to the second-generation cards of 2004, from the office of wherever they lived at the time.
FIRST_ISSUE_YEAR, LAST_ISSUE_YEAR = 1984, 2004


@dataclass(slots=True)
class SyntheticPerson:
    name: str
    pinyin: str
    initials: str
    sex: str
    birth_date: dt.date
    resident_id: str
    phone: str


@dataclass(slots=True)
class SyntheticHousehold:
    code: str
    address: str
    members: list[SyntheticPerson]



class PopulationGenerator:
    def __init__(self, rng: random.Random, home_prefix: str = "4201", province_prefix: str = "42"):
        self.rng = rng
        self.surnames = list(SURNAMES)
        self.surname_cum = list(accumulate(SURNAMES.values()))
        self.age_cum = list(accumulate(share for _, share in AGE_BANDS))
        self.adult_bands = [(start, share) for start, share in AGE_BANDS if start >= 20]
        self.adult_cum = list(accumulate(share for _, share in self.adult_bands))
        self.sizes = list(HOUSEHOLD_SIZES)
        self.size_cum = list(accumulate(HOUSEHOLD_SIZES.values()))
        self.home_prefix, self.province_prefix = home_prefix, province_prefix
        self.next_sequence: dict[tuple[str, str], int] = defaultdict(int)
        self._codes_by_year: dict[tuple[str, int], list[str]] = {}

    def household(self, code: str, county_name: str, community_name: str, size_limit: int) -> SyntheticHousehold:
        rng = self.rng
        size = min(size_limit, rng.choices(self.sizes, cum_weights=self.size_cum)[0])
        family_name = rng.choices(self.surnames, cum_weights=self.surname_cum)[0]
        members = []
        for i in range(size):
            adult = i == 0  # every household has an adult at its head; the others follow the pyramid
            surname = family_name if (i != 1 and rng.random() < 0.85) or i == 0 else \
                rng.choices(self.surnames, cum_weights=self.surname_cum)[0]
            members.append(self.person(surname, adult))
        address = (f"武汉市{county_name}{community_name}{rng.choice(ROAD_WORDS)}路{rng.randint(1, 399)}号"
                   f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 33)}{rng.randint(1, 4):02d}室")
        return SyntheticHousehold(code, address, members)

    def person(self, surname: str, adult: bool) -> SyntheticPerson:
        rng = self.rng
        sex = "M" if rng.random() < 0.512 else "F"
        pool = MALE_GIVEN if sex == "M" else FEMALE_GIVEN
        given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool + NEUTRAL_GIVEN)
        name = surname + given
        if adult:
            band_start = rng.choices(self.adult_bands, cum_weights=self.adult_cum)[0][0]
        else:
            band_start = rng.choices(AGE_BANDS, cum_weights=self.age_cum)[0][0]
        age_days = int((band_start + rng.random() * 5) * 365.25)
        birth = REFERENCE_DATE - dt.timedelta(days=age_days)
        age = band_start + 2
        phone = "" if age < 12 else rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        pinyin, initials = name_pinyin(name)
        return SyntheticPerson(name, pinyin, initials, sex, birth, self.resident_id(birth, sex), phone)

    def resident_id(self, birth: dt.date, sex: str) -> str:
        """A valid ID: the area code of the office that issued it, in force in the year of issue (which for
        people born before numbers existed is years after the birth, and may since have been abolished),
        a unique sequence (odd for men), the check digit."""
        date = birth.strftime("%Y%m%d")
        issued = birth.year if birth.year >= FIRST_ISSUE_YEAR else self.rng.randint(FIRST_ISSUE_YEAR, LAST_ISSUE_YEAR)
        while True:
            prefix = self.home_prefix if self.rng.random() < BORN_LOCALLY else self.province_prefix
            codes = self._codes(prefix, issued) or self._codes(self.province_prefix, issued)
            area = self.rng.choice(codes)
            counter = self.next_sequence[(area, date)]
            self.next_sequence[(area, date)] = counter + 1
            sequence = counter * 2 + (1 if sex == "M" else 2)
            if sequence <= 999:
                body = f"{area}{date}{sequence:03d}"
                return body + ric.calc_check_digit(body + "0")

    def _codes(self, prefix: str, year: int) -> list[str]:
        key = (prefix, year)
        if key not in self._codes_by_year:
            self._codes_by_year[key] = [c for c in areas.codes_valid_in(prefix, year) if not c.endswith("01")]
        return self._codes_by_year[key]
