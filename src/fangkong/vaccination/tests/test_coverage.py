"""Coverage as the national figures are reported, from the grid rows, equal to an independent count of the people
and doses of a seeded city: kept by every dose written, and rebuilt by the nightly refresh."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.conftest import make_user
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.models import Person
from fangkong.synthetic.seed import seed_city
from fangkong.synthetic.vaccination import seed_doses
from fangkong.vaccination import services
from fangkong.vaccination.models import Dose, GridCoverage


def independent_count(node, day):
    """The figures counted straight from people and doses, without the services' rows or rules."""
    people = {pid: (birth, path) for pid, birth, path in
              Person.objects.filter(jurisdiction_path__startswith=node.path).values_list(
                  "id", "birth_date", "jurisdiction_path")}
    doses = {}
    for pid, number, product in Dose.objects.filter(person_id__in=people).values_list("person_id", "dose", "product"):
        doses.setdefault(pid, {})[number] = product
    figures = Counter()
    for pid, (birth, _path) in people.items():
        age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        mine = doses.get(pid, {})
        full = 2 in mine or mine.get(1) == "ad5"
        for group, member in (("all", True), ("60+", age >= 60), ("80+", age >= 80)):
            if member:
                figures[(group, "population")] += 1
                figures[(group, "first")] += 1 in mine
                figures[(group, "full")] += full
                figures[(group, "boosted")] += 3 in mine
    return figures


def reported(figures):
    return Counter({(g, m): figures.count(g, m) for g in services.GROUPS
                    for m in ("population", "first", "full", "boosted")})


@pytest.fixture
def city(db):
    seed_city(3000, seed=7)
    return Jurisdiction.objects.get(level=Level.CITY)


def test_the_rebuilt_rows_equal_an_independent_count(city):
    today = timezone.localdate()
    assert seed_doses(random.Random(3), today) > 3000
    commander = make_user("city-command", Role.COMMAND, city)
    total, children = services.coverage(commander, city.code)
    expected = independent_count(city, today)
    assert reported(total) == expected
    assert expected[("80+", "population")] > 0 and 0 < expected[("80+", "first")] < expected[("80+", "population")]
    for child in children:
        assert reported(child) == independent_count(Jurisdiction.objects.get(code=child.code), today)
    assert sum(c.count("all", "population") for c in children) == total.count("all", "population")


def test_doses_recorded_one_by_one_keep_the_rows_equal_to_the_count(city):
    today = timezone.localdate()
    services.refresh_coverage(today)
    nurse = make_user("nurse", Role.HOSPITAL, city)
    rng = random.Random(11)
    people = list(Person.objects.filter(birth_date__lt=dt.date(2015, 1, 1)).order_by("?")[:400])
    entries = []
    for person in people:
        product = rng.choice(["bibp", "coronavac", "ad5"])
        numbers = [1, 3] if product == "ad5" else [1, 2, 3][:rng.randint(1, 3)]
        for offset, number in enumerate(numbers):
            entries.append((person, services.DoseInput(product, number, dt.date(2022, 1, 1) + dt.timedelta(60 * offset),
                                                       "武汉市第一医院")))
    for person, data in entries[:50]:
        services.record_dose(nurse, person.pk, data)
    rows = [services.DoseRow(id_number=p.id_number, name=p.name, dose=d) for p, d in entries[50:]]
    outcomes = services.record_doses(nurse, rows)
    assert all(o.created for o in outcomes), [o.refused.problems for o in outcomes if o.refused]
    total, _children = services.coverage(nurse, city.code)
    assert reported(total) == independent_count(city, today)
    before = list(GridCoverage.objects.order_by("grid_id", "band").values_list(
        "grid_id", "band", "population", "first", "full", "boosted", "doses"))
    services.refresh_coverage(today)
    assert list(GridCoverage.objects.order_by("grid_id", "band").values_list(
        "grid_id", "band", "population", "first", "full", "boosted", "doses")) == before


def test_the_gap_per_grid_is_counted_against_the_targets(city, settings):
    settings.VACCINATION_TARGETS = "80+:first=90,all:full=80.5"
    today = timezone.localdate()
    seed_doses(random.Random(5), today)
    commander = make_user("city-command", Role.COMMAND, city)
    ranked = services.grid_gaps(commander, city.code)
    grids = Jurisdiction.objects.filter(level=Level.GRID, persons__isnull=False).distinct()
    assert ranked.count() == grids.count() >= 3
    listed = ranked[0:ranked.count()]
    for grid in (Jurisdiction.objects.get(code=listed[0].code), Jurisdiction.objects.get(code=listed[-1].code)):
        counted = independent_count(grid, today)
        expected = [max(0, -(-9000 * counted[("80+", "population")] // 10000) - counted[("80+", "first")]),
                    max(0, -(-8050 * counted[("all", "population")] // 10000) - counted[("all", "full")])]
        assert next(g for g in listed if g.code == grid.code).gaps == expected
    assert sum(listed[0].gaps) > 0
    assert [sum(g.gaps) for g in listed] == sorted((sum(g.gaps) for g in listed), reverse=True)
    assert [g.code for g in ranked[1:2]] == [g.code for g in listed[1:2]]  # a page is the ranked list's slice


def test_the_unvaccinated_80_plus_are_listed_for_the_visits(city):
    today = timezone.localdate()
    seed_doses(random.Random(5), today)
    grid = Jurisdiction.objects.filter(level=Level.GRID).order_by("code").first()
    worker = make_user("grid-worker", Role.GRID, grid)
    listed = set(services.unvaccinated_80(worker, grid.code).values_list("id", flat=True))
    cutoff = services.born_by(today, 80)
    expected = {p.pk for p in Person.objects.filter(grid=grid, birth_date__lte=cutoff) if not p.doses.exists()}
    assert listed == expected and listed


@pytest.mark.parametrize("value", ["80+:first", "90+:first=90", "80+:jabs=90", "80+:first=120"])
def test_a_malformed_target_is_refused_naming_the_variable(settings, value):
    from django.core.exceptions import ImproperlyConfigured

    settings.VACCINATION_TARGETS = value
    with pytest.raises(ImproperlyConfigured, match="FANGKONG_VACCINATION_TARGETS"):
        services.targets()


def test_the_dashboard_heads_with_the_places_coverage(city, client):
    seed_doses(random.Random(5), timezone.localdate())
    commander = make_user("city-command", Role.COMMAND, city)
    county = Jurisdiction.objects.filter(level=Level.COUNTY).order_by("code").first()
    figures = services.totals(commander, county)
    client.force_login(commander)
    page = client.get(f"/dashboard/{county.code}/").content.decode()
    assert 'data-testid="coverage-headline"' in page
    assert f"{figures.percent('all', 'full')}%" in page and f"{figures.percent('80+', 'first')}%" in page
