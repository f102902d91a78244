"""`fangkong seed`: write a synthetic city of N people, deterministically from a seed, in bulk.

The people are drawn at once with numpy (census.py). On PostgreSQL, outside a transaction, the
households and persons are then formatted, encrypted and COPYed by several processes at once, each
a slice of whole households on a connection of its own, with the tables' secondary indexes and
constraints dropped for the load and built again after it; inside a transaction (a test) or on
SQLite the same rows are written by this process, in that transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import connection, connections, transaction
from django.utils import timezone

from fangkong import bulk
from fangkong.bytestrings import ByteStrings
from fangkong.errors import InputRefused
from fangkong.jurisdictions.models import LEVEL_ORDER, Household, Jurisdiction
from fangkong.people import crypto
from fangkong.people.models import IdType, Person, Sex

from . import city
from .census import Census, GridPlace

JURISDICTION_COLUMNS = ["id", "code", "name", "level", "parent_id", "path", "depth", "boundary"]
SLICE_PERSONS = 50_000


@dataclass
class Load:
    """What every writing process needs: the census, where its grids are, the first ids, the time written."""

    census: Census
    grid_ids: np.ndarray
    grid_paths: ByteStrings
    first_household: int
    first_person: int
    now: dt.datetime


_LOAD: Load | None = None  # set before the writing processes fork, so they share the census's arrays


def seed_city(population: int, seed: int, progress: Callable[[int], None] = lambda n: None,
              workers: int | None = None) -> Jurisdiction:
    """Create the synthetic city; `progress` is called with the number of persons written so far.

    `workers`: processes writing at once on PostgreSQL outside a transaction (default: one per core)."""
    if population < 1:
        raise InputRefused(("population", "population must be at least 1"))
    if workers is not None and workers < 1:
        raise InputRefused(("workers", "at least one process writes"))
    if Jurisdiction.objects.filter(code=city.PROVINCE[0]).exists():
        raise InputRefused(("seed", f"a city with root {city.PROVINCE[0]} already exists; use a fresh database"))
    units, grids = city.build(population, random.Random(seed))
    census = Census([GridPlace(g.code, g.target_persons, g.county.name, g.parent.name) for g in grids], seed)
    parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        unit_ids = _write_units(units)
    load = Load(census, np.array([unit_ids[g.code] for g in grids]), ByteStrings.of([g.path for g in grids]),
                bulk.next_id(Household), bulk.next_id(Person), timezone.now())
    slices = _slices(census)
    processes = min(workers or os.cpu_count() or 1, len(slices))
    with bulk.indexes_set_aside(Household, Person, parallel=processes if parallel else 1):
        if parallel and processes > 1:
            _write_in_processes(load, slices, processes, progress)
        else:
            with transaction.atomic():
                written = 0
                for households, persons in slices:
                    written += _write_slice(load, households, persons)
                    progress(written)
    bulk.reset_sequences(Jurisdiction, Household, Person)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Household._meta.db_table}, {Person._meta.db_table}")
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


def _slices(census: Census) -> list[tuple[range, range]]:
    """The households and persons in slices of about SLICE_PERSONS persons, never splitting a household."""
    starts = census.household_start
    cuts = sorted({0, *starts.searchsorted(range(SLICE_PERSONS, census.population, SLICE_PERSONS)).tolist(),
                   len(starts) - 1})
    return [(range(a, b), range(int(starts[a]), int(starts[b]))) for a, b in zip(cuts, cuts[1:])]


def _write_slice(load: Load, households: range, persons: range) -> int:
    """Write the households and persons of one slice, each table in one batch built column by column."""
    census = load.census
    home = census.household_columns(households.start, households.stop)
    bulk.write_columns(Household, {
        "id": load.first_household + np.arange(households.start, households.stop), "code": home.code,
        "grid_id": load.grid_ids[home.grid], "address": home.address})
    people = census.person_columns(persons.start, persons.stop)
    grid = census.household_grid[people.household]
    cipher = crypto.FieldCipher()
    bulk.write_columns(Person, {
        "id": load.first_person + np.arange(persons.start, persons.stop), "id_type": IdType.RESIDENT_ID,
        "nationality": "CHN", "id_number_cipher": ByteStrings.fixed(cipher.encrypt_rows(people.resident_id)),
        "id_number_hash": ByteStrings.fixed(cipher.lookup_hash_rows(IdType.RESIDENT_ID, people.resident_id)),
        "phone_cipher": ByteStrings.fixed(cipher.encrypt_rows(people.phone)).spread(people.has_phone),
        "phone_hash": ByteStrings.fixed(cipher.lookup_hash_rows("phone", people.phone)).spread(people.has_phone),
        "name": people.name, "name_pinyin": people.pinyin, "name_initials": people.initials,
        "sex": ByteStrings.fixed(np.where(people.male, ord(Sex.MALE), ord(Sex.FEMALE)).astype(np.uint8)[:, None]),
        "birth_date": people.birth, "grid_id": load.grid_ids[grid],
        "household_id": load.first_household + people.household,
        "jurisdiction_path": load.grid_paths.take(grid), "created_at": load.now, "updated_at": load.now,
    }, nulls={"phone_cipher": ~people.has_phone})
    return len(persons)


def _write_in_processes(load: Load, slices: list, processes: int, progress) -> None:
    global _LOAD
    connections.close_all()  # each process opens its own connection
    _LOAD = load
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            written = 0
            for count in pool.imap_unordered(_write_slice_in_process, slices):
                written += count
                progress(written)
    finally:
        _LOAD = None


def _write_slice_in_process(households_and_persons: tuple[range, range]) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")  # a crash mid-seed is started again from a fresh database
    with transaction.atomic():
        count = _write_slice(_LOAD, *households_and_persons)
    return count
