"""P-M18: vaccination coverage of a city, by grid and rolled up to the city (overall, 60+, 80+; first dose, fully
vaccinated, boosted; the gap to every target per grid).

    python bench/bench_coverage.py [--population 10000000] [--doses 25000000] [--runs 30] [--baseline-grids 20]
                                   [--database NAME]

Uses (and keeps) its own PostgreSQL database, seeded once: the synthetic city (`fangkong seed --population N`
into it beforehand is the same), then about `--doses` doses drawn with numpy as the immunisation system would hold
them (~90 % a first dose, ~85 % a second, ~50 % a booster, fewer among the old) and loaded by one COPY with the
table's indexes set aside; then the per-grid rows are rebuilt by `refresh_coverage` (one set-based statement).

Measures what the coverage page and API do: `coverage` of the city (the city and its counties rolled up, one grouped
query over the grid rows), of a county and of a grid, and `grid_gaps` (every grid's gap to every target, ranked, in
SQL) for its first and its last page of 50 with the count of grids; p50/p95 over `--runs` warm runs each.

The baseline, in the same run, is the same figures by per-grid ORM counts over the people and the doses (two
aggregate queries a grid: the people by band, the doses by band and kind). At 10M it takes hours for every grid,
so it runs for `--baseline-grids` grids spread over the city and its time for all grids is extrapolated from them
(printed as such). Checks: the sampled grids' baseline counts equal their grid rows, and the city's figures equal
one independent count over the people and doses.
"""

import argparse
import datetime as dt
import io
import time

import numpy as np
from common import percentile, use_postgres

# First-dose share by age today (years, share), then each next dose's share of those who had the one before.
FIRST_BY_AGE = ((80, 0.66), (60, 0.88), (0, 0.955))
SECOND_BY_AGE = ((80, 0.86), (60, 0.93), (0, 0.965))
BOOSTER_BY_AGE = ((80, 0.42), (60, 0.55), (0, 0.64))
SECOND_BOOSTER_BY_AGE = ((80, 0.35), (60, 0.52), (0, 0.66))
PRODUCT_SHARES = {"bibp": 0.33, "wibp": 0.12, "coronavac": 0.45, "ad5": 0.10}
START = dt.date(2021, 3, 1)
ELIGIBLE_BORN_BY = dt.date(2018, 3, 1)  # three years old when the campaign began


def by_age(age: np.ndarray, table) -> np.ndarray:
    share = np.zeros(len(age))
    for low, value in reversed(table):
        share[age >= low] = value
    return share


def timed(fn, runs: int) -> list[float]:
    fn()  # warm once, as a page open all day is
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def load_doses(day: dt.date, seed: int = 4) -> int:
    """Draw every person's doses with numpy and COPY them into the dose table in one go (indexes set aside)."""
    import polars as pl
    from django.db import connection

    from fangkong import bulk
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.vaccination.models import PRIMARY_DOSES, Dose

    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(
            "COPY (SELECT id, grid_id, birth_date - DATE '1970-01-01' FROM people_person ORDER BY id) "
            "TO STDOUT WITH (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    people = pl.read_csv(buffer, has_header=False, new_columns=["id", "grid", "born"])
    ids, grids, born = (people[c].to_numpy() for c in ("id", "grid", "born"))
    epoch, today = dt.date(1970, 1, 1), (day - dt.date(1970, 1, 1)).days
    age = (today - born) // 365.2425
    rng = np.random.default_rng(seed)
    n = len(ids)
    products = np.array(sorted(PRODUCT_SHARES))
    product = rng.choice(len(products), n, p=[PRODUCT_SHARES[p] for p in products])
    two_dose = np.array([PRIMARY_DOSES[p] == 2 for p in products])[product]
    first = (born <= (ELIGIBLE_BORN_BY - epoch).days) & (rng.random(n) < by_age(age, FIRST_BY_AGE))
    second = first & two_dose & (rng.random(n) < by_age(age, SECOND_BY_AGE))
    booster = (second | (first & ~two_dose)) & (rng.random(n) < by_age(age, BOOSTER_BY_AGE))
    second_booster = booster & (rng.random(n) < by_age(age, SECOND_BOOSTER_BY_AGE))
    given = (START - epoch).days + rng.integers(0, 300, n)
    paths = dict(Jurisdiction.objects.filter(level=Level.GRID).values_list("id", "path"))
    frames, next_id = [], bulk.next_id(Dose)
    for number, who in ((1, first), (2, second), (3, booster), (4, second_booster)):
        if number > 1:
            given = given + rng.integers(21, 200, n)
        picked = who & (given <= today)
        count = int(picked.sum())
        frames.append(pl.DataFrame({
            "id": np.arange(next_id, next_id + count), "person_id": ids[picked], "grid_id": grids[picked],
            "product": products[product[picked]], "dose": np.full(count, number),
            "given_on": pl.Series(given[picked]).cast(pl.Date)}))
        next_id += count
    doses = pl.concat(frames).with_columns(
        pl.col("grid_id").replace_strict(paths, return_dtype=pl.String).alias("jurisdiction_path"),
        pl.lit("社区卫生服务中心接种点").alias("site"), pl.lit(dt.datetime.now(dt.UTC)).alias("recorded_at"))
    columns = ["id", "person_id", "grid_id", "jurisdiction_path", "product", "dose", "given_on", "site",
               "recorded_at"]
    with bulk.indexes_set_aside(Dose, parallel=2):
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY vaccination_dose ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy:
            for start in range(0, len(doses), 1_000_000):
                copy.write(doses.slice(start, 1_000_000).select(columns).write_csv(include_header=False))
    bulk.reset_sequences(Dose)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE vaccination_dose")
    return len(doses)


def bands(day, person: str = ""):
    from django.db.models import Q

    from fangkong.vaccination.services import born_by

    cut_60, cut_80, field = born_by(day, 60), born_by(day, 80), f"{person}birth_date"
    return {"80+": Q(**{f"{field}__lte": cut_80}), "60-79": Q(**{f"{field}__lte": cut_60, f"{field}__gt": cut_80}),
            "0-59": Q(**{f"{field}__gt": cut_60})}


def baseline(grids, day):
    """What one writes first: per grid, a count of its people by band, and of its doses by band and kind."""
    from django.db.models import Count, Q

    from fangkong.people.models import Person
    from fangkong.vaccination.models import PRIMARY_DOSES, Dose

    single = [p for p, n in PRIMARY_DOSES.items() if n == 1]
    kinds = {"first": Q(dose=1), "full": Q(dose=2) | Q(dose=1, product__in=single), "boosted": Q(dose=3)}
    people_bands, dose_bands = bands(day), bands(day, "person__")
    figures = {}
    for grid in grids:
        people = Person.objects.filter(grid=grid).aggregate(
            **{band: Count("id", filter=where) for band, where in people_bands.items()})
        doses = Dose.objects.filter(person__grid=grid).aggregate(
            **{f"{band}|{kind}": Count("id", filter=where & condition)
               for band, where in dose_bands.items() for kind, condition in kinds.items()})
        for band in people_bands:
            figures[(grid.pk, band)] = (people[band], *(doses[f"{band}|{kind}"] for kind in kinds))
    return figures


def independent_city_count(day):
    """The city's figures straight from people and doses in one SQL pass, without the grid rows."""
    from django.db import connection

    from fangkong.vaccination.services import born_by

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT COUNT(*), COUNT(*) FILTER (WHERE p.birth_date <= %s),
                   COUNT(d.had_first), COUNT(d.had_first) FILTER (WHERE p.birth_date <= %s),
                   COUNT(d.had_series), COUNT(d.had_booster)
            FROM people_person p LEFT JOIN (
                SELECT person_id, MAX(CASE WHEN dose = 1 THEN 1 END) AS had_first,
                       MAX(CASE WHEN dose = 2 OR (dose = 1 AND product = 'ad5') THEN 1 END) AS had_series,
                       MAX(CASE WHEN dose = 3 THEN 1 END) AS had_booster
                FROM vaccination_dose GROUP BY person_id) d ON d.person_id = p.id""", [born_by(day, 80)] * 2)
        return cursor.fetchone()


def report(label: str, samples: list[float]) -> float:
    p95 = percentile(samples, 95)
    print(f"{label}: p50 {percentile(samples, 50):.1f} ms, p95 {p95:.1f} ms ({len(samples)} runs)")
    return p95


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--population", type=int, default=10_000_000)
    parser.add_argument("--doses", type=int, default=25_000_000, help="roughly; the shares above decide")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--baseline-grids", type=int, default=20)
    parser.add_argument("--database", default="fk_registers_10m")
    args = parser.parse_args()
    use_postgres(args.database)
    from common import ensure_seeded
    from django.utils import timezone

    from fangkong.accounts.models import Role, User
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.people.models import Person
    from fangkong.vaccination import services
    from fangkong.vaccination.models import Dose, GridCoverage

    day = timezone.localdate()
    ensure_seeded(args.population)
    if not Dose.objects.exists():
        started = time.perf_counter()
        written = load_doses(day)
        print(f"drew and COPYed {written:,} doses in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    services.refresh_coverage(day)
    print(f"refresh_coverage (the nightly rebuild, one statement): {time.perf_counter() - started:.1f} s")
    city = Jurisdiction.objects.get(level=Level.CITY)
    actor, _ = User.objects.get_or_create(username="bench-command", defaults={"role": Role.COMMAND,
                                                                             "jurisdiction": city.parent})
    grids = list(Jurisdiction.objects.filter(level=Level.GRID, path__startswith=city.path).order_by("code"))
    county = Jurisdiction.objects.filter(level=Level.COUNTY, path__startswith=city.path).order_by("code").first()
    print(f"persons {Person.objects.count():,}, doses {Dose.objects.count():,}, grids {len(grids):,}, "
          f"grid rows {GridCoverage.objects.count():,}, targets {len(services.targets())}")

    def page(code, number):
        rows = services.grid_gaps(actor, code)
        count = rows.count()
        last = max(0, (count - 1) // 50)
        start = 50 * (last if number == "last" else 0)
        return count, rows[start:start + 50]

    def city_page(number):
        def run():
            total, children = services.coverage(actor, city.code)
            return total, children, page(city.code, number)
        return run

    p95 = {}
    p95["city"] = report("city rolled up + its counties + grid gaps, first page",
                         timed(city_page("first"), args.runs))
    p95["city-last"] = report("city rolled up + its counties + grid gaps, last page",
                              timed(city_page("last"), args.runs))
    p95["county"] = report(f"county {county.code} + its townships + grid gaps, first page", timed(
        lambda: (services.coverage(actor, county.code), page(county.code, "first")), args.runs))
    p95["grid"] = report(f"grid {grids[0].code}", timed(lambda: services.coverage(actor, grids[0].code), args.runs))
    p95["coverage-only"] = report("city rolled up + its counties only",
                                  timed(lambda: services.coverage(actor, city.code), args.runs))

    total, _children, (count, _first) = city_page("first")()
    assert count == len({r for r in GridCoverage.objects.values_list("grid_id", flat=True)})
    started = time.perf_counter()
    independent = independent_city_count(day)
    print(f"independent count over people and doses (one SQL pass): {time.perf_counter() - started:.1f} s")
    ours = (total.count("all", "population"), total.count("80+", "population"), total.count("all", "first"),
            total.count("80+", "first"), total.count("all", "full"), total.count("all", "boosted"))
    assert tuple(independent) == ours, (independent, ours)
    print("the city's figures equal the independent count (population, 80+, first, 80+ first, full, boosted):",
          ", ".join(f"{n:,}" for n in ours))

    step = max(1, len(grids) // args.baseline_grids)
    sample = grids[::step][:args.baseline_grids]
    started = time.perf_counter()
    counted = baseline(sample, day)
    elapsed = time.perf_counter() - started
    rows = {(r.grid_id, r.band): (r.population, r.first, r.full, r.boosted)
            for r in GridCoverage.objects.filter(grid__in=sample)}
    assert {k: v for k, v in counted.items() if any(v)} == rows, "baseline and grid rows differ"
    per_grid = elapsed / len(sample) * 1000
    estimate = per_grid * len(grids)
    print(f"baseline per-grid ORM counts: {per_grid:.0f} ms a grid over {len(sample)} grids (equal to their grid "
          f"rows); all {len(grids):,} grids: about {estimate / 1000:.0f} s (extrapolated)")
    print(f"ratio (baseline for every grid, extrapolated / ours p95 for the city page): {estimate / p95['city']:,.0f}x")


if __name__ == "__main__":
    main()
