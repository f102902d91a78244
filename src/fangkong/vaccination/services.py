"""Use cases of vaccination: record a dose (one from a form, a batch from the immunisation system's export), the
coverage figures of a jurisdiction rolled up from its grids' rows, the gap to the targets per grid, the list of the
unvaccinated 80+ a grid worker visits, and the nightly rebuild of the grid rows (`refresh_coverage`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Exists, ExpressionWrapper, F, IntegerField, Max, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import access
from fangkong.accounts.permissions import require
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import InputRefused, Problems
from fangkong.idempotency import services as idempotency
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.pagination import MappedPage
from fangkong.people.models import IdType, Person
from fangkong.people.services import Choice, Export, Masked, identity_hash
from fangkong.screening.services import Outcome

from .models import PRIMARY_DOSES, Band, CoverageRefresh, Dose, DoseNumber, GridCoverage, Product

MEASURES = ("first", "full", "boosted")
# The groups the national figures are reported for, as the bands they sum.
GROUPS = {"all": tuple(Band.values), "60+": (Band.FROM_60_TO_79, Band.FROM_80), "80+": (Band.FROM_80,)}


def doses_for(actor) -> QuerySet[Dose]:
    return Dose.objects.visible_to(actor).select_related("person", "grid")


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def band_of(birth: dt.date, day: dt.date) -> str:
    age = age_on(birth, day)
    return Band.FROM_80 if age >= 80 else Band.FROM_60_TO_79 if age >= 60 else Band.UNDER_60


def born_by(day: dt.date, years: int) -> dt.date:
    """The last birth date of someone who is `years` old on `day` (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def as_of() -> dt.date:
    """The day whose ages put people in the grid rows' bands (the last rebuild), today before any."""
    last = CoverageRefresh.objects.order_by("-pk").first()
    return last.as_of if last else timezone.localdate()


def counted(product: str, dose: int) -> dict[str, int]:
    """What one dose adds to its grid row: a first dose, the end of the primary series, a first booster."""
    full = dose == DoseNumber.SECOND or (dose == DoseNumber.FIRST and PRIMARY_DOSES[product] == 1)
    return {"first": int(dose == DoseNumber.FIRST), "full": int(full), "boosted": int(dose == DoseNumber.BOOSTER),
            "doses": 1}


@dataclass(frozen=True)
class DoseInput:
    product: str
    dose: object
    given_on: dt.date | None
    site: str


@dataclass(frozen=True)
class DoseRow:
    """A row of the immunisation system's export: the person by ID number (and name, checked against ours)."""

    id_number: str
    name: str
    dose: DoseInput


@dataclass(frozen=True)
class _Checked:
    person: Person
    product: str
    dose: int
    given_on: dt.date
    site: str


def _check(person: Person, data: DoseInput, earlier: dict[int, tuple[str, dt.date]], today: dt.date) -> _Checked:
    """One dose against the person's doses before it (stored, or earlier rows of the same batch)."""
    problems = Problems()
    if data.product not in Product.values:
        problems.add("product", _("not a vaccine product of the register"))
    try:
        dose = int(data.dose)
    except (TypeError, ValueError):
        dose = 0
    if dose not in DoseNumber.values:
        problems.add("dose", _("a dose is the first, the second, the booster or the second booster"))
    given_on = data.given_on
    if given_on is None:
        problems.add("given_on", _("give the day of the vaccination"))
    elif given_on > today:
        problems.add("given_on", _("a vaccination cannot be in the future"))
    elif given_on < person.birth_date:
        problems.add("given_on", _("the day is before the person's birth"))
    if not (data.site or "").strip():
        problems.add("site", _("name the vaccination site"))
    if dose in DoseNumber.values and data.product in Product.values:
        _check_order(dose, data.product, given_on, earlier, problems)
    problems.refuse_if_any()
    return _Checked(person, data.product, dose, given_on, data.site.strip()[:120])


def _check_order(dose: int, product: str, given_on, earlier: dict[int, tuple[str, dt.date]], problems: Problems):
    if dose in earlier:
        problems.add("dose", _("this dose was already recorded, on %(d)s") % {"d": earlier[dose][1].isoformat()})
        return
    needed = {DoseNumber.SECOND: DoseNumber.FIRST, DoseNumber.SECOND_BOOSTER: DoseNumber.BOOSTER}.get(dose)
    if dose == DoseNumber.SECOND:
        first = earlier.get(DoseNumber.FIRST)
        if first and PRIMARY_DOSES[first[0]] == 1:
            problems.add("dose", _("the first dose was of a one-dose product: the next dose is the booster"))
            return
    if dose == DoseNumber.BOOSTER:
        first = earlier.get(DoseNumber.FIRST)
        needed = DoseNumber.FIRST if first and PRIMARY_DOSES[first[0]] == 1 else DoseNumber.SECOND
    if needed and needed not in earlier:
        problems.add("dose", _("%(dose)s comes after %(before)s, which is not recorded") % {
            "dose": DoseNumber(dose).label, "before": DoseNumber(needed).label})
        return
    before = max((d for d in earlier if d < dose), default=None)
    if before and given_on and given_on <= earlier[before][1]:
        problems.add("given_on", _("%(dose)s must come after %(before)s, given on %(d)s") % {
            "dose": DoseNumber(dose).label, "before": DoseNumber(before).label, "d": earlier[before][1].isoformat()})


def _earlier(person_ids) -> dict[int, dict[int, tuple[str, dt.date]]]:
    earlier: dict[int, dict[int, tuple[str, dt.date]]] = defaultdict(dict)
    for person_id, dose, product, given_on in Dose.objects.filter(person_id__in=person_ids).values_list(
            "person_id", "dose", "product", "given_on"):
        earlier[person_id][dose] = (product, given_on)
    return earlier


def record_dose(actor, person_id: int, data: DoseInput, *, idempotency_key: str | None = None) -> Dose:
    require(actor, "dose.record")
    person = access.get_person_for(actor, person_id)
    return idempotency.once(actor, "dose", doses_for(actor), idempotency_key,
                            {"person": person.pk, **dataclasses.asdict(data)},
                            lambda: _store(actor, [_check(person, data, _earlier([person.pk])[person.pk],
                                                          timezone.localdate())])[0])[0]


def record_doses(actor, rows: Sequence[DoseRow], *, write: bool = True) -> list[Outcome]:
    """A batch from the immunisation system's export: every row checked first (a person's doses in dose order, each
    against the doses stored and the rows before it), then those that pass stored in one transaction. A row that
    repeats a stored dose (same product and day) or a row above is a repeat, not a refusal."""
    require(actor, "dose.record")
    hashes = {r.id_number: identity_hash(IdType.RESIDENT_ID, r.id_number.strip().upper()) for r in rows}
    people = {p.id_number_hash: p for p in access.persons_for(actor).filter(id_number_hash__in=set(hashes.values()))}
    earlier, today = _earlier([p.pk for p in people.values()]), timezone.localdate()
    stored = {pid: dict(doses) for pid, doses in earlier.items()}
    outcomes: list[Outcome] = [Outcome() for _ in rows]
    checked: dict[int, _Checked] = {}
    seen: dict[tuple, int] = {}

    def dose_of(index):
        try:
            return int(rows[index].dose.dose)
        except (TypeError, ValueError):
            return 0
    for index in sorted(range(len(rows)), key=lambda i: (rows[i].id_number, dose_of(i))):
        row = rows[index]
        person = people.get(hashes[row.id_number])
        try:
            if person is None:
                raise InputRefused(("id_number", _("no resident of your area has this ID number")))
            if row.name.strip() and row.name.strip() != person.name:
                raise InputRefused(("name", _("the name differs from the resident's record of this ID number")))
            same = (person.pk, dose_of(index), row.dose.product, row.dose.given_on)
            before = stored.get(person.pk, {}).get(dose_of(index))
            if same in seen:
                outcomes[index] = Outcome(repeated=True)
                continue
            if before and before == (row.dose.product, row.dose.given_on):
                outcomes[index] = Outcome(repeated=True, record=Dose.objects.get(person=person, dose=dose_of(index)))
                continue
            item = _check(person, row.dose, earlier[person.pk], today)
        except InputRefused as refused:
            outcomes[index] = Outcome(refused=refused)
            continue
        seen[same] = index
        earlier[person.pk][item.dose] = (item.product, item.given_on)
        checked[index] = item
    if write and checked:
        order = sorted(checked)
        for index, dose in zip(order, _store(actor, [checked[i] for i in order])):
            outcomes[index] = Outcome(record=dose, created=True)
    return outcomes


def _store(actor, items: list[_Checked]) -> list[Dose]:
    """Store checked doses and add them to their grid rows, in one transaction."""
    day = as_of()
    with transaction.atomic():
        doses = Dose.objects.bulk_create([Dose(
            person=i.person, grid_id=i.person.grid_id, jurisdiction_path=i.person.jurisdiction_path,
            product=i.product, dose=i.dose, given_on=i.given_on, site=i.site, recorded_by=actor) for i in items])
        deltas: dict[tuple[int, str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys((*MEASURES, "doses"), 0))
        for i in items:
            key = (i.person.grid_id, i.person.jurisdiction_path, band_of(i.person.birth_date, day))
            for measure, n in counted(i.product, i.dose).items():
                deltas[key][measure] += n
        for (grid_id, path, band), delta in deltas.items():
            GridCoverage.objects.get_or_create(grid_id=grid_id, band=band, defaults={"path": path})
            GridCoverage.objects.filter(grid_id=grid_id, band=band).update(
                **{m: F(m) + n for m, n in delta.items() if n})
        audit.record_many(actor, Action.DOSE_CHANGE, [(d.person_id, audit.changes(d, {}, {
            "product": d.product, "dose": d.dose, "given_on": d.given_on, "site": d.site})) for d in doses])
    return doses


def refresh_coverage(day: dt.date | None = None) -> int:
    """Rebuild every grid row from the people and doses, ages as of `day`: people who turned 60 or 80, moved or
    registered since the last rebuild land in their band and grid. One set-based statement in the database (each
    person's band from the birth date, the doses joined to their person, both grouped by grid and band), so a city
    of millions is rebuilt without its rows passing through Python. Run nightly; safe to run twice."""
    day = day or timezone.localdate()
    quote = connection.ops.quote_name
    person, dose = quote(Person._meta.db_table), quote(Dose._meta.db_table)
    grid, table = quote(Jurisdiction._meta.db_table), quote(GridCoverage._meta.db_table)
    counts = ", ".join(quote(c) for c in (*MEASURES, "doses"))
    single = ", ".join(f"'{p}'" for p, n in sorted(PRIMARY_DOSES.items()) if n == 1)
    first, second, booster = int(DoseNumber.FIRST), int(DoseNumber.SECOND), int(DoseNumber.BOOSTER)
    statement = f"""
        WITH banded AS (
            SELECT id, grid_id, CASE WHEN birth_date <= %s THEN %s WHEN birth_date <= %s THEN %s ELSE %s END AS band
            FROM {person}),
        population AS (SELECT grid_id, band, COUNT(*) AS n FROM banded GROUP BY grid_id, band),
        given AS (
            SELECT b.grid_id, b.band,
                   SUM(CASE WHEN d.dose = {first:d} THEN 1 ELSE 0 END) AS first_doses,
                   SUM(CASE WHEN d.dose = {second:d} OR (d.dose = {first:d} AND d.product IN ({single}))
                       THEN 1 ELSE 0 END) AS full_series,
                   SUM(CASE WHEN d.dose = {booster:d} THEN 1 ELSE 0 END) AS boosters,
                   COUNT(*) AS n
            FROM {dose} d JOIN banded b ON b.id = d.person_id GROUP BY b.grid_id, b.band)
        INSERT INTO {table} (grid_id, path, band, population, {counts})
        SELECT p.grid_id, g.path, p.band, p.n, COALESCE(v.first_doses, 0), COALESCE(v.full_series, 0),
               COALESCE(v.boosters, 0), COALESCE(v.n, 0)
        FROM population p JOIN {grid} g ON g.id = p.grid_id
        LEFT JOIN given v ON v.grid_id = p.grid_id AND v.band = p.band"""
    params = [born_by(day, 80), Band.FROM_80.value, born_by(day, 60), Band.FROM_60_TO_79.value, Band.UNDER_60.value]
    with transaction.atomic(), connection.cursor() as cursor:
        GridCoverage.objects.all().delete()
        cursor.execute(statement, params)
        CoverageRefresh.objects.create(as_of=day)
    with connection.cursor() as cursor:  # the table was replaced: without fresh statistics the planner expects a row
        cursor.execute(f"ANALYZE {table}")
    return GridCoverage.objects.count()


GROUPS_AND_BANDS = {**GROUPS, Band.FROM_60_TO_79.value: (Band.FROM_60_TO_79,)}


@dataclass(frozen=True)
class Target:
    group: str
    measure: str
    percent: float

    @property
    def label(self) -> str:
        return f"{self.group} {MEASURE_LABELS[self.measure]} {self.percent:g}%"

    @property
    def basis_points(self) -> int:
        """The percent in hundredths, so the people needed are counted in integers alike in Python and in SQL."""
        return round(self.percent * 100)


MEASURE_LABELS = {"first": _("at least one dose"), "full": _("fully vaccinated"), "boosted": _("boosted")}


def targets() -> list[Target]:
    """The coverage targets of the settings ("80+:first=90,60-79:full=95"); a malformed one stops start-up."""
    found = []
    for part in filter(None, (p.strip() for p in settings.VACCINATION_TARGETS.split(","))):
        try:
            where, percent = part.split("=")
            group, measure = where.split(":")
            target = Target(group.strip(), measure.strip(), float(percent))
        except ValueError:
            raise ImproperlyConfigured(f"FANGKONG_VACCINATION_TARGETS: {part!r} is not group:measure=percent") from None
        if target.group not in GROUPS_AND_BANDS or target.measure not in MEASURES or not 0 < target.percent <= 100:
            raise ImproperlyConfigured(f"FANGKONG_VACCINATION_TARGETS: {part!r}: groups {list(GROUPS_AND_BANDS)}, "
                                       f"measures {list(MEASURES)}, a percent in (0, 100]")
        found.append(target)
    return found


@dataclass
class Figures:
    """One place's coverage: per band its population and counts; the groups are sums of bands."""

    code: str
    name: str
    bands: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)

    def add(self, band: str, values: dict[str, int]) -> None:
        into = self.bands.setdefault(band, dict.fromkeys(("population", *MEASURES, "doses"), 0))
        for key, n in values.items():
            into[key] += n or 0

    def count(self, group: str, measure: str) -> int:
        return sum(self.bands.get(b, {}).get(measure, 0) for b in GROUPS_AND_BANDS[group])

    def percent(self, group: str, measure: str) -> float | None:
        population = self.count(group, "population")
        return round(100 * self.count(group, measure) / population, 1) if population else None

    def gap(self, target: Target) -> int:
        """People still to reach the target: vaccinated needed at the target rate minus those vaccinated."""
        needed = -(-target.basis_points * self.count(target.group, "population") // 10_000)
        return max(0, needed - self.count(target.group, target.measure))

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "doses": self.count("all", "doses"), "groups": [
            {"group": g, "population": self.count(g, "population"),
             **{m: self.count(g, m) for m in MEASURES}, **{f"{m}_percent": self.percent(g, m) for m in MEASURES}}
            for g in GROUPS]}


SUMS = {key: Sum(key) for key in ("population", *MEASURES, "doses")}


def totals(actor, node: Jurisdiction) -> Figures:
    """One place's figures (its dashboard's headline): a sum by band over its grid rows, one query."""
    total = Figures(node.code, node.name)
    for r in GridCoverage.objects.visible_to(actor).filter(path__startswith=node.path).values("band").annotate(**SUMS):
        total.add(r.pop("band"), r)
    return total


def coverage(actor, code: str) -> tuple[Figures, list[Figures]]:
    """The place's figures and each of its children's, summed from the grid rows in one grouped query."""
    node = access.get_jurisdiction_for(actor, code)
    children = {c.path: Figures(c.code, c.name) for c in node.children.order_by("code")}
    if not children:
        return totals(actor, node), []
    rows = GridCoverage.objects.visible_to(actor).filter(path__startswith=node.path)
    total = Figures(node.code, node.name)
    width = len(next(iter(children)))
    for r in rows.annotate(child=Substr("path", 1, width)).values("child", "band").annotate(**SUMS):
        child, band = r.pop("child"), r.pop("band")
        total.add(band, r)
        if child in children:
            children[child].add(band, r)
    return total, list(children.values())


@dataclass(frozen=True)
class GridGap:
    code: str
    name: str
    gaps: list[int]  # one per target of the settings, in their order


def grid_gaps(actor, code: str) -> MappedPage:
    """The grids under a place with their gap to each target, the widest gaps first, as a list to page through:
    each target's gap is computed in the database over the grid rows (integers: the people needed at the target
    rate, rounded up, less those vaccinated), so a page costs one grouped query and its count another, however
    many grids the place holds."""
    node = access.get_jurisdiction_for(actor, code)
    goals = targets()
    gaps = {}
    for index, target in enumerate(goals):
        within = Q(band__in=GROUPS_AND_BANDS[target.group])
        population = Coalesce(Sum("population", filter=within), 0)
        vaccinated = Coalesce(Sum(target.measure, filter=within), 0)
        needed = ExpressionWrapper((population * target.basis_points + 9_999) / 10_000, output_field=IntegerField())
        gaps[f"gap{index}"] = Greatest(needed - vaccinated, Value(0))
    total = sum((F(name) for name in gaps), Value(0))
    rows = (GridCoverage.objects.visible_to(actor).filter(path__startswith=node.path).values("grid_id")
            .annotate(code=Max("grid__code"), name=Max("grid__name"), **gaps).annotate(total=total)
            .order_by("-total", "code"))
    return MappedPage(rows, lambda r: GridGap(r["code"], r["name"], [r[name] for name in gaps]))


def unvaccinated_80(actor, code: str) -> QuerySet[Person]:
    """The people 80 and over today, under the place, with no dose recorded: the grid worker's visits."""
    node = access.get_jurisdiction_for(actor, code)
    cutoff = born_by(timezone.localdate(), 80)
    return (access.persons_for(actor).filter(jurisdiction_path__startswith=node.path, birth_date__lte=cutoff)
            .exclude(Exists(Dose.objects.filter(person=OuterRef("pk"))))
            .select_related("grid", "household").order_by("jurisdiction_path", "household__code", "id"))


DOSES_EXPORT = Export("doses", _("Vaccine doses"), doses_for, columns=[
    (_("Full name"), "person__name"), (_("ID number"), Masked("id_number")),
    (_("Vaccine product"), Choice("product", Product.choices)), (_("Dose"), Choice("dose", DoseNumber.choices)),
    (_("Vaccinated on"), "given_on"), (_("Vaccination site"), "site"), (_("Grid"), "grid__code")])
