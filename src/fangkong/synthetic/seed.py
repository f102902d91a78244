"""`fangkong seed`: write a synthetic city of N people, deterministically from a seed, in bulk."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from fangkong import bulk
from fangkong.errors import InputRefused
from fangkong.jurisdictions.models import LEVEL_ORDER, Household, Jurisdiction
from fangkong.people import crypto
from fangkong.people.models import IdType, Person

from . import city
from .population import PopulationGenerator

PERSON_COLUMNS = ["id", "id_type", "nationality", "id_number_cipher", "id_number_hash", "phone_cipher", "phone_hash",
                  "name", "name_pinyin", "name_initials", "sex", "birth_date", "grid_id", "household_id",
                  "jurisdiction_path", "created_at", "updated_at"]
HOUSEHOLD_COLUMNS = ["id", "code", "grid_id", "address"]
JURISDICTION_COLUMNS = ["id", "code", "name", "level", "parent_id", "path", "depth", "boundary"]
FLUSH_PERSONS = 20_000


def seed_city(population: int, seed: int, progress: Callable[[int], None] = lambda n: None) -> Jurisdiction:
    """Create the synthetic city; `progress` is called with the number of persons written so far."""
    if population < 1:
        raise InputRefused(("population", "population must be at least 1"))
    if Jurisdiction.objects.filter(code=city.PROVINCE[0]).exists():
        raise InputRefused(("seed", f"a city with root {city.PROVINCE[0]} already exists; use a fresh database"))
    rng = random.Random(seed)
    units, grids = city.build(population, rng)
    with transaction.atomic():
        unit_ids = _write_units(units)
        _write_people(grids, unit_ids, rng, progress)
        bulk.reset_sequences(Jurisdiction, Household, Person)
    return Jurisdiction.objects.get(code=city.PROVINCE[0])


def _write_units(units: list[city.Unit]) -> dict[str, int]:
    first = bulk.next_id(Jurisdiction)
    ids = {u.code: first + i for i, u in enumerate(units)}
    bulk.write_rows(Jurisdiction, JURISDICTION_COLUMNS, (
        (ids[u.code], u.code, u.name, u.level, ids[u.parent.code] if u.parent else None, u.path,
         LEVEL_ORDER.index(u.level), json.dumps(u.polygon()))
        for u in units
    ))
    return ids


def _write_people(grids, unit_ids, rng, progress) -> None:
    generator = PopulationGenerator(rng)
    cipher = crypto.FieldCipher()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    person_id, household_id = bulk.next_id(Person), bulk.next_id(Household)
    households, persons, written = [], [], 0
    for grid in grids:
        grid_id, path = unit_ids[grid.code], grid.path
        county_name, community_name = grid.county.name, grid.parent.name
        remaining, number = grid.target_persons, 0
        while remaining > 0:
            number += 1
            home = generator.household(f"{grid.code}{number:04d}", county_name, community_name, remaining)
            remaining -= len(home.members)
            households.append((household_id, home.code, grid_id, home.address))
            for p in home.members:
                persons.append((
                    person_id, IdType.RESIDENT_ID, "CHN", cipher.encrypt(p.resident_id),
                    cipher.lookup_hash(IdType.RESIDENT_ID, p.resident_id),
                    cipher.encrypt(p.phone) if p.phone else None,
                    cipher.lookup_hash("phone", p.phone) if p.phone else "",
                    p.name, p.pinyin, p.initials, p.sex, p.birth_date.isoformat(), grid_id, household_id, path,
                    now, now,
                ))
                person_id += 1
            household_id += 1
        if len(persons) >= FLUSH_PERSONS:
            written += _flush(households, persons)
            progress(written)
    written += _flush(households, persons)
    progress(written)


def _flush(households: list, persons: list) -> int:
    bulk.write_rows(Household, HOUSEHOLD_COLUMNS, households)
    bulk.write_rows(Person, PERSON_COLUMNS, persons)
    count = len(persons)
    households.clear()
    persons.clear()
    return count
