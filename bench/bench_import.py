"""P3: import a 100k-row arrival register (.xlsx) in which 1 % of the rows are bad.

    python bench/bench_import.py [--rows 100000] [--database postgres|sqlite] [--baseline 1000]

Makes a fresh database (PostgreSQL `fk_bench_import`, or a temporary SQLite file) holding a seeded
city of 20,000 people, declares one high-risk and one medium-risk origin, and writes an arrival register
the way grids keep them: a title row, a Chinese header, 20 % of the rows people already living here, 2 %
from the high-risk area (each put under home observation), 5 % from the medium one, and 1 % bad rows of
every kind (check digit, unknown area code, a date in the future, an empty name, a travel mode nobody
uses, a bad plate, a grid outside the city, a copy of an earlier row).

It times the whole import as a user runs it (upload: read and stage; check every row; import the valid
rows) and reports the peak RSS of the process. The same run measures the baseline: `--baseline` rows
registered one by one through `register_arrival`, the form's path, scaled to the file's size.
"""

import argparse
import datetime as dt
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

HEADER = ["姓名", "身份证号", "联系电话", "来源地代码", "来源地", "抵达时间", "交通方式", "车次/航班/车牌", "人员类别",
          "网格编码"]
HIGH, MEDIUM, ELSEWHERE = "110105", "310115", ["440106", "330106", "510107", "610113", "120101", "370102"]
MODES = [("火车", lambda r: f"G{r.randint(1, 9999)}"), ("飞机", lambda r: f"CZ{r.randint(100, 9999)}"),
         ("自驾", lambda r: f"粤A{r.randint(10000, 99999)}"), ("汽车", lambda r: f"鄂B{r.randint(10000, 99999)}")]
CATEGORIES = ["返岗务工", "返校学生", "返乡居民", "外来访客"]


def configure(database: str) -> None:
    if database == "postgres":
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "fk_bench_import"], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "fk_bench_import"], check=True)
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/fk_bench_import"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("FANGKONG_VAR_DIR", tempfile.mkdtemp())
    os.environ["DJANGO_SETTINGS_MODULE"] = "fangkong.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def register_file(rows: int, grids: list[str], residents: list[str], rng: random.Random) -> tuple[bytes, int]:
    """The register as bytes, and how many rows in it are bad."""
    import xlsxwriter
    from django.utils import timezone

    from fangkong.synthetic.population import PopulationGenerator

    outsiders = PopulationGenerator(rng, home_prefix="4401", province_prefix="44")
    now = timezone.localtime().replace(tzinfo=None)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet("来返人员登记")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, ["武汉市来返人员登记表"])
    sheet.write_row(1, 0, HEADER)
    bad, written = 0, []
    for index in range(rows):
        draw = rng.random()
        if draw < 0.2:
            id_number, name = residents[rng.randrange(len(residents))]
        else:
            person = outsiders.person(rng.choice("王李张刘陈杨赵黄周吴"), adult=True)
            id_number, name = person.resident_id, person.name
        origin = HIGH if draw % 0.1 < 0.002 else MEDIUM if draw % 0.1 < 0.007 else rng.choice(ELSEWHERE)
        mode, vehicle = rng.choice(MODES)
        arrived = now - dt.timedelta(minutes=rng.randint(60, 14 * 24 * 60))
        row = [name, id_number, f"13{rng.randrange(10**9):09d}", origin, "", arrived, mode, vehicle(rng),
               rng.choice(CATEGORIES), rng.choice(grids)]
        if index % 100 == 50:  # 1 % bad, every kind in turn
            bad += 1
            kind = (index // 100) % 8
            if kind == 0:
                row[1] = id_number[:-1] + ("0" if id_number[-1] != "0" else "1")
            elif kind == 1:
                row[3] = "990101"
            elif kind == 2:
                row[5] = now + dt.timedelta(days=2)
            elif kind == 3:
                row[0] = ""
            elif kind == 4:
                row[6] = "骑马"
            elif kind == 5:
                row[6], row[7] = "自驾", "ABC"
            elif kind == 6:
                row[9] = "110105001001001"
            else:
                row = list(written[rng.randrange(len(written))])
        written.append(row)
        for column, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(index + 2, column, value, when)
            else:
                sheet.write_string(index + 2, column, value)
    book.close()
    return out.getvalue(), bad


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--baseline", type=int, default=1000)
    args = parser.parse_args()
    configure(args.database)

    from django.utils import timezone

    from fangkong.accounts.models import Role
    from fangkong.accounts.services import create_user
    from fangkong.imports import services
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.people.models import Person
    from fangkong.people.services import PersonInput
    from fangkong.quarantine.models import Order
    from fangkong.screening import services as screening
    from fangkong.screening.models import Arrival
    from fangkong.synthetic.seed import seed_city

    rng = random.Random(7)
    seed_city(20_000, seed=1)
    city = Jurisdiction.objects.get(level=Level.CITY)
    user = create_user(username="bench", password="bench-password-1", role=Role.COMMAND, jurisdiction_code=city.code)
    screening.declare(user, code=HIGH, level="high", valid_from=timezone.localdate() - dt.timedelta(days=20))
    screening.declare(user, code=MEDIUM, level="medium", valid_from=timezone.localdate() - dt.timedelta(days=20))
    grids = list(Jurisdiction.objects.filter(level=Level.GRID).values_list("code", flat=True))
    residents = [(p.id_number, p.name) for p in Person.objects.order_by("?")[:5000]]
    started = time.perf_counter()
    data, bad = register_file(args.rows, grids, residents, rng)
    print(f"register file: {args.rows:,} rows, {bad:,} bad, {len(data) / 1e6:.1f} MB, "
          f"written in {time.perf_counter() - started:.1f} s")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marks = {"start": time.perf_counter()}
    job, _ = services.upload(user, "arrivals", "来返人员登记.xlsx", data)
    marks["staged"] = time.perf_counter()
    job = services.run_to_end(job)
    marks["checked"] = time.perf_counter()
    job = services.run_to_end(job, import_valid=True)
    marks["imported"] = time.perf_counter()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = marks["imported"] - marks["start"]
    print(f"\nP3 import ({args.database}): {total:.1f} s for {args.rows:,} rows "
          f"({args.rows / total:,.0f} rows/s); goal <= 60 s")
    print(f"  read + stage {marks['staged'] - marks['start']:.1f} s, check {marks['checked'] - marks['staged']:.1f} s, "
          f"import {marks['imported'] - marks['checked']:.1f} s")
    print(f"  peak RSS {rss_after:.0f} MB (before the import: {rss_before:.0f} MB)")
    print(f"  refused {job.refused_rows:,}, repeated {job.repeated_rows:,}, written {job.written_rows:,}; "
          f"arrivals {Arrival.objects.count():,}, observation orders {Order.objects.count():,}")
    assert job.refused_rows + job.repeated_rows == bad, (job.refused_rows, job.repeated_rows, bad)
    assert job.written_rows == Arrival.objects.count() == args.rows - bad

    grid = grids[0]
    outsiders = __import__("fangkong.synthetic.population", fromlist=["x"]).PopulationGenerator(
        random.Random(99), home_prefix="5101", province_prefix="51")
    entries = []
    for _ in range(args.baseline):
        p = outsiders.person("孙", adult=True)
        entries.append(screening.ArrivalInput(
            person=PersonInput(id_number=p.resident_id, name=p.name, phone="13812345678", grid_code=grid),
            origin_code=rng.choice(ELSEWHERE), arrived_at=timezone.now() - dt.timedelta(hours=2), mode="train",
            vehicle="G12", category="worker"))
    started = time.perf_counter()
    for entry in entries:
        screening.register_arrival(user, entry)
    per_row = time.perf_counter() - started
    scaled = per_row / args.baseline * args.rows
    print(f"\nbaseline: register_arrival one row at a time, {args.baseline:,} rows in {per_row:.1f} s "
          f"({args.baseline / per_row:,.0f} rows/s) -> {scaled:.0f} s for {args.rows:,} (no check pass, no refusals)")
    print(f"ratio: the import is {scaled / total:.1f}x faster than the form's path row by row")


if __name__ == "__main__":
    main()
