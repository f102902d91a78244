"""The synthetic city: deterministic, valid IDs, realistic grids, and counts that roll up exactly."""

import hashlib
from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count

from fangkong.jurisdictions import codes
from fangkong.jurisdictions.models import Household, Jurisdiction, Level
from fangkong.jurisdictions.services import child_figures
from fangkong.people import identity
from fangkong.people.models import Person
from fangkong.people.names import name_pinyin
from fangkong.synthetic import seed
from fangkong.synthetic.seed import seed_city


@contextmanager
def override(**values):
    saved = {name: getattr(seed, name) for name in values}
    for name, value in values.items():
        setattr(seed, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(seed, name, value)


def snapshot():
    return sorted((p.name, p.birth_date, p.id_number, p.phone, p.household.code)
                  for p in Person.objects.select_related("household"))


def test_the_same_seed_gives_the_same_city(db):
    seed_city(3_000, seed=7)
    first = snapshot()
    Person.objects.all().delete()
    Household.objects.all().delete()
    _delete_tree()
    seed_city(3_000, seed=7)
    assert snapshot() == first and len(first) == 3_000


def _delete_tree():
    for depth in range(5, -1, -1):
        Jurisdiction.objects.filter(depth=depth).delete()


def test_every_resident_id_validates_and_older_people_carry_codes_newer_than_their_birth(db):
    seed_city(5_000, seed=11)
    persons = list(Person.objects.all())
    ids = [p.id_number for p in persons]
    assert len(set(ids)) == len(ids) == 5_000
    assert all(identity.normalise_resident_id(i) == i for i in ids)
    assert all(p.birth_date == identity.birth_date_and_sex(p.id_number)[0] for p in persons)
    assert all((p.sex == "M") == (int(p.id_number[16]) % 2 == 1) for p in persons)
    # Numbers were first given out in 1984: people born before carry the code of the office that gave them
    # theirs, often created after their birth (Wuhan's districts date from 1983) - as real cards do.
    newer = [p for p in persons if codes.name_in(p.id_number[:6], p.birth_date.year) is None]
    assert newer and all(p.birth_date.year < 1984 for p in newer)
    assert sum(p.birth_date.year < 1983 for p in persons) / 2 < len(newer)


def test_grids_hold_300_to_500_households_of_about_2_6_persons(db):
    seed_city(8_000, seed=3)
    per_grid = Counter(dict(Household.objects.values_list("grid").annotate(n=Count("id"))))
    assert per_grid and all(300 <= n <= 500 for n in per_grid.values()), per_grid
    assert 2.4 <= Person.objects.count() / Household.objects.count() <= 2.8
    ages = [2025 - p.birth_date.year for p in Person.objects.all()]
    assert sum(a < 15 for a in ages) / len(ages) > 0.08 and sum(a >= 65 for a in ages) / len(ages) > 0.08


def test_every_levels_figure_is_the_sum_of_its_childrens(db):
    root = seed_city(6_000, seed=5)
    for node in Jurisdiction.objects.exclude(level=Level.GRID):
        figures = child_figures(node)
        below = Person.objects.filter(jurisdiction_path__startswith=node.path).count()
        assert sum(f.persons for f in figures) == below
        assert sum(f.households for f in figures) == Household.objects.filter(grid__path__startswith=node.path).count()
    assert sum(f.persons for f in child_figures(root)) == 6_000


def fingerprint() -> str:
    """A digest of everything a seeded person and household is, ciphertexts read back (their nonces are random)."""
    digest = hashlib.sha256()
    for row in Person.objects.order_by("id").select_related("household").values_list(
            "id", "name", "name_pinyin", "name_initials", "sex", "birth_date", "id_number_hash", "phone_hash",
            "jurisdiction_path", "household__code", "household__address"):
        digest.update(repr(row).encode())
    for person in Person.objects.order_by("id"):
        digest.update(f"{person.id_number}|{person.phone}".encode())
    return digest.hexdigest()


def test_two_runs_of_one_seed_give_identical_fingerprints_and_another_seed_does_not(db):
    seed_city(2_000, seed=7)
    first = fingerprint()
    _delete_city()
    seed_city(2_000, seed=7)
    assert fingerprint() == first
    _delete_city()
    seed_city(2_000, seed=8)
    assert fingerprint() != first


def test_names_are_read_as_the_people_search_reads_them(db):
    seed_city(3_000, seed=12)
    for name, pinyin, initials in Person.objects.values_list("name", "name_pinyin", "name_initials"):
        assert name_pinyin(name) == (pinyin, initials), name


def _delete_city():
    Person.objects.all().delete()
    Household.objects.all().delete()
    _delete_tree()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parallel writers are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_processes_writing_at_once_give_the_city_one_process_writes_with_its_indexes_back():
    migrated = indexes_and_constraints()
    seed_city(4_000, seed=31, workers=1)
    alone = fingerprint()
    _delete_city()
    with override(SLICE_PERSONS=700):  # several slices, so both processes write some
        seed_city(4_000, seed=31, workers=2)
    assert fingerprint() == alone
    assert indexes_and_constraints() == migrated and len(migrated) > 10
    person = Person.objects.order_by("id").first()
    assert Person.objects.get(id_number_hash=person.id_number_hash) == person
    person.pk = None  # the same person again: the unique lookup hash is back in force
    with pytest.raises(IntegrityError, match="id_number_hash"), transaction.atomic():
        person.save()


def indexes_and_constraints() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes "
                       "WHERE tablename IN ('people_person', 'jurisdictions_household') UNION ALL "
                       "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid IN ('people_person'::regclass, 'jurisdictions_household'::regclass)")
        return {row[0] for row in cursor.fetchall()}
