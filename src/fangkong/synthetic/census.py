"""The people of the synthetic city drawn all at once with numpy: households, names, ages, phones, resident IDs.

Every random draw happens here, in one process, from one generator seeded by the city's seed, as
arrays over the whole population: the same seed gives the same people however many processes later
format, encrypt and write them (seed.py). A `Census` holds only numbers (indexes into the vocabulary);
`household_columns` and `person_columns` turn a slice of it into the strings the tables store, column by
column with numpy (`ByteStrings`), never a Python operation per person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from fangkong.bytestrings import ByteStrings
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
SPOUSE_OTHER_SURNAME, CHILD_OTHER_SURNAME = 1.0, 0.15
SINGLE_CHARACTER_GIVEN = 0.3
MALE_SHARE = 0.512
PHONE_FROM_AGE = 12
PHONE_DIGITS = 11
# ISO 7064 MOD 11-2, the resident ID's check: the weight of each of the first 17 digits.
CHECK_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
CHECK_CHARACTERS = np.frombuffer(b"10X98765432", dtype=np.uint8)
RESIDENT_ID_DIGITS = 17  # before the check character


@dataclass(frozen=True)
class GridPlace:
    """What the census needs to know of a grid: its code, its target population and the names in its address."""

    code: str
    persons: int
    county_name: str
    community_name: str


def _reading_of(characters: str) -> list[str]:
    """Each character's reading within a given name (after a surname: a lone character would be read as one)."""
    readings = [name_pinyin("王" + c)[0].removeprefix("wang") for c in characters]
    if not all(readings):
        raise ValueError(f"a name character without a reading in {characters!r}")
    return readings


class Vocabulary:
    """The words as arrays the census draws indexes into, with their pinyin read once."""

    def __init__(self):
        self.surnames = list(SURNAMES)
        self.surname_p = np.array(list(SURNAMES.values())) / sum(SURNAMES.values())
        self.surname_pinyin = [name_pinyin(s)[0] for s in self.surnames]
        # Given-name characters: men's, then women's, then the neutral ones a second character may also be.
        self.given = list(MALE_GIVEN) + list(FEMALE_GIVEN) + list(NEUTRAL_GIVEN)
        self.given_pinyin = _reading_of("".join(self.given))
        self.male, self.female, self.neutral = len(MALE_GIVEN), len(FEMALE_GIVEN), len(NEUTRAL_GIVEN)
        self.band_starts = np.array([start for start, _ in AGE_BANDS])
        shares = np.array([share for _, share in AGE_BANDS])
        self.band_p = shares / shares.sum()
        adult = self.band_starts >= 20
        self.adult_p = np.where(adult, shares, 0) / shares[adult].sum()
        self.sizes = np.array(list(HOUSEHOLD_SIZES))
        self.size_p = np.array(list(HOUSEHOLD_SIZES.values())) / sum(HOUSEHOLD_SIZES.values())
        # The same words as byte strings to take from by index; the last given name is none (a one-character name).
        self.surname_words = ByteStrings.of(self.surnames)
        self.surname_readings = ByteStrings.of(self.surname_pinyin)
        self.surname_initials = ByteStrings.of([p[0] for p in self.surname_pinyin])
        self.given_words = ByteStrings.of([*self.given, ""])
        self.given_readings = ByteStrings.of([*self.given_pinyin, ""])
        self.given_initials = ByteStrings.of([p[0] for p in self.given_pinyin] + [""])
        self.mobile_prefixes = ByteStrings.of(MOBILE_PREFIXES)
        self.roads = ByteStrings.of([f"{word}路" for word in ROAD_WORDS])


class AreaCodes:
    """For each (born here or elsewhere in the province, year of issue), the county codes in use that year."""

    def __init__(self, home_prefix: str, province_prefix: str):
        years = range(FIRST_ISSUE_YEAR, REFERENCE_DATE.year + 1)
        self.first_year = FIRST_ISSUE_YEAR
        lists = []
        for prefix in (home_prefix, province_prefix):
            for year in years:
                codes = [c for c in areas.codes_valid_in(prefix, year) if not c.endswith("01")] or \
                    [c for c in areas.codes_valid_in(province_prefix, year) if not c.endswith("01")]
                lists.append([int(c) for c in codes])
        self.per_year = len(years)
        self.lengths = np.array([len(codes) for codes in lists])
        self.table = np.zeros((len(lists), self.lengths.max()), dtype=np.int64)
        for i, codes in enumerate(lists):
            self.table[i, : len(codes)] = codes

    def draw(self, rng: np.random.Generator, issued_year: np.ndarray) -> np.ndarray:
        elsewhere = (rng.random(len(issued_year)) >= BORN_LOCALLY).astype(np.int64)
        group = elsewhere * self.per_year + (issued_year - self.first_year)
        pick = (rng.random(len(group)) * self.lengths[group]).astype(np.int64)
        return self.table[group, pick]


@dataclass(frozen=True)
class HouseholdColumns:
    code: ByteStrings
    grid: np.ndarray  # the index of each household's grid in the census's grids
    address: ByteStrings


@dataclass(frozen=True)
class PersonColumns:
    name: ByteStrings
    pinyin: ByteStrings
    initials: ByteStrings
    male: np.ndarray
    birth: np.ndarray  # datetime64[D]
    resident_id: np.ndarray  # (n, 18) ASCII
    has_phone: np.ndarray
    phone: np.ndarray  # (persons with a phone, 11) ASCII
    household: np.ndarray  # the index of each person's household in the census


class Census:
    """Everyone in the city, as arrays; households and persons in grid order."""

    def __init__(self, grids: list[GridPlace], seed: int, home_prefix: str = "4201", province_prefix: str = "42"):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
        words = self.words = Vocabulary()
        self.grids = grids
        self.grid_codes = ByteStrings.of([g.code for g in grids])
        self.grid_address_starts = ByteStrings.of([f"武汉市{g.county_name}{g.community_name}" for g in grids])
        # Households: sizes drawn until each grid's target is reached, the last one cut to fit.
        sizes, household_grid = [], []
        for index, grid in enumerate(grids):
            drawn = rng.choice(words.sizes, p=words.size_p, size=int(grid.persons / 2.2) + 8)
            total = np.cumsum(drawn)
            last = int(np.searchsorted(total, grid.persons))
            drawn = drawn[: last + 1].copy()
            drawn[-1] -= total[last] - grid.persons
            sizes.append(drawn)
            household_grid.append(np.full(len(drawn), index, dtype=np.int32))
        self.household_size = np.concatenate(sizes)
        self.household_grid = np.concatenate(household_grid)
        households = len(self.household_size)
        first_of_grid = np.searchsorted(self.household_grid, np.arange(len(grids)))
        self.household_number = np.arange(households) - first_of_grid[self.household_grid] + 1
        self.address = np.column_stack([rng.integers(0, len(ROAD_WORDS), households), rng.integers(1, 400, households),
                                        rng.integers(1, 31, households), rng.integers(1, 7, households),
                                        rng.integers(1, 34, households), rng.integers(1, 5, households)])
        family_name = rng.choice(len(words.surnames), p=words.surname_p, size=households)
        self.household_start = np.concatenate([[0], np.cumsum(self.household_size)])
        # Persons: the head (an adult, the family's surname), a spouse of another surname, children mostly ours.
        n = int(self.household_start[-1])
        self.household = np.repeat(np.arange(households), self.household_size)
        position = np.arange(n) - self.household_start[self.household]
        other = rng.choice(len(words.surnames), p=words.surname_p, size=n)
        other_share = np.where(position == 0, 0.0, np.where(position == 1, SPOUSE_OTHER_SURNAME, CHILD_OTHER_SURNAME))
        self.surname = np.where(rng.random(n) < other_share, other, family_name[self.household]).astype(np.int16)
        self.male = rng.random(n) < MALE_SHARE
        pool_start = np.where(self.male, 0, words.male)
        pool_size = np.where(self.male, words.male, words.female)
        self.given1 = (pool_start + (rng.random(n) * pool_size).astype(np.int64)).astype(np.int16)
        second = rng.random(n) * (pool_size + words.neutral)
        second_index = np.where(second < pool_size, pool_start + second.astype(np.int64),
                                words.male + words.female + (second - pool_size).astype(np.int64))
        self.given2 = np.where(rng.random(n) < SINGLE_CHARACTER_GIVEN, -1, second_index).astype(np.int16)
        band = np.where(position == 0, rng.choice(len(words.band_starts), p=words.adult_p, size=n),
                        rng.choice(len(words.band_starts), p=words.band_p, size=n))
        band_start = words.band_starts[band]
        age_days = ((band_start + rng.random(n) * 5) * 365.25).astype(np.int64)
        self.birth = np.datetime64(REFERENCE_DATE) - age_days.astype("timedelta64[D]")
        has_phone = band_start + 2 >= PHONE_FROM_AGE
        self.phone_prefix = np.where(has_phone, rng.integers(0, len(MOBILE_PREFIXES), n), -1).astype(np.int8)
        self.phone_number = rng.integers(0, 10**8, n)
        self._resident_ids(rng, AreaCodes(home_prefix, province_prefix))

    def _resident_ids(self, rng: np.random.Generator, codes: AreaCodes) -> None:
        """The office's area code, a sequence unique for (area, birth date) and odd for men, the check digit."""
        year = self.birth.astype("datetime64[Y]").astype(np.int64) + 1970
        issued = np.where(year >= FIRST_ISSUE_YEAR, year,
                          rng.integers(FIRST_ISSUE_YEAR, LAST_ISSUE_YEAR + 1, len(year)))
        area = codes.draw(rng, issued)
        day = self.birth.astype(np.int64)
        while True:
            key = (area * 200_000 + (day + 100_000)) * 2 + self.male
            order = np.argsort(key, kind="stable")
            ranked = key[order]
            group_start = np.flatnonzero(np.concatenate([[True], ranked[1:] != ranked[:-1]]))
            rank = np.empty(len(key), dtype=np.int64)
            rank[order] = np.arange(len(key)) - np.repeat(group_start, np.diff(np.append(group_start, len(key))))
            sequence = rank * 2 + np.where(self.male, 1, 2)
            full = sequence > 999
            if not full.any():
                break
            area = np.where(full, codes.draw(rng, issued), area)  # that office ran out of numbers that day
        month = self.birth.astype("datetime64[M]")
        ymd = (year * 10000 + (month - self.birth.astype("datetime64[Y]")).astype(np.int64) * 100 + 100
               + (self.birth - month).astype(np.int64) + 1)
        body = area * 10**11 + ymd * 1000 + sequence
        weighted = np.zeros(len(body), dtype=np.int64)
        for i, weight in enumerate(CHECK_WEIGHTS):
            weighted += (body // 10 ** (16 - i)) % 10 * weight
        self.check = CHECK_CHARACTERS[weighted % 11]
        self.id_body = body

    @property
    def population(self) -> int:
        return len(self.household)

    def household_columns(self, start: int, stop: int) -> HouseholdColumns:
        """Households start..stop-1: code (the grid's and a number), grid, address."""
        count, grid = stop - start, self.household_grid[start:stop]
        road, street_number, building, unit, floor, room = self.address[start:stop].T

        def word(text: str) -> ByteStrings:
            return ByteStrings.constant(text, count)
        return HouseholdColumns(
            ByteStrings.join(self.grid_codes.take(grid), ByteStrings.decimal(self.household_number[start:stop], 4)),
            grid,
            ByteStrings.join(self.grid_address_starts.take(grid), self.words.roads.take(road),
                             ByteStrings.decimal(street_number), word("号"), ByteStrings.decimal(building), word("栋"),
                             ByteStrings.decimal(unit), word("单元"), ByteStrings.decimal(floor),
                             ByteStrings.decimal(room, 2), word("室")))

    def person_columns(self, start: int, stop: int) -> PersonColumns:
        """Persons start..stop-1: name, its reading and initials, sex, birth date, resident ID, phone, household."""
        words = self.words
        surname, given1 = self.surname[start:stop], self.given1[start:stop]
        given2 = np.where(self.given2[start:stop] >= 0, self.given2[start:stop], len(words.given))
        resident_id = np.empty((stop - start, RESIDENT_ID_DIGITS + 1), dtype=np.uint8)
        resident_id[:, :-1] = ByteStrings.decimal(self.id_body[start:stop], RESIDENT_ID_DIGITS).rows(RESIDENT_ID_DIGITS)
        resident_id[:, -1] = self.check[start:stop]
        prefix = self.phone_prefix[start:stop]
        has_phone = prefix >= 0
        phone = ByteStrings.join(words.mobile_prefixes.take(prefix[has_phone]),
                                 ByteStrings.decimal(self.phone_number[start:stop][has_phone], 8))
        return PersonColumns(
            ByteStrings.join(words.surname_words.take(surname), words.given_words.take(given1),
                             words.given_words.take(given2)),
            ByteStrings.join(words.surname_readings.take(surname), words.given_readings.take(given1),
                             words.given_readings.take(given2)),
            ByteStrings.join(words.surname_initials.take(surname), words.given_initials.take(given1),
                             words.given_initials.take(given2)),
            self.male[start:stop], self.birth[start:stop], resident_id, has_phone, phone.rows(PHONE_DIGITS),
            self.household[start:stop])
