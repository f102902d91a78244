"""The synthetic city: deterministic, valid IDs, realistic grids, and counts that roll up exactly."""

from collections import Counter

from django.db.models import Count

from fangkong.jurisdictions import codes
from fangkong.jurisdictions.models import Household, Jurisdiction, Level
from fangkong.jurisdictions.services import child_figures
from fangkong.people import identity
from fangkong.people.models import Person
from fangkong.synthetic.seed import seed_city


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
