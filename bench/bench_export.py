"""P4: export a 1M-row register (the arrival register) to .xlsx and to CSV, streaming, with flat memory.

    python bench/bench_export.py [--rows 1000000]

Uses (and keeps) the PostgreSQL database `fk_bench_1m`: a seeded city of 1M people, to which it adds
`--rows` arrivals once, by COPY. Each export then runs in a fresh process as a command-centre user of
the city would run it (`ARRIVALS_EXPORT.rows`: scoped, masked, every person audited; then the CSV
stream or XlsxWriter's constant-memory workbook) into a file, and reports its time and peak RSS, with
the RSS sampled every 100k rows to show that it stays flat.

Baselines in the same run: for CSV, PostgreSQL's own `COPY (SELECT ...) TO STDOUT` of the same columns
(no masking, no audit: the floor); for .xlsx, XlsxWriter's default in-memory mode on 200k rows, whose
peak RSS grows with the rows.
"""

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

from common import ROOT, ensure_city, use_postgres

DATABASE = "fk_bench_1m"


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def ensure_arrivals(rows: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from fangkong import bulk
    from fangkong.people.models import Person
    from fangkong.screening.models import Arrival

    have = Arrival.objects.count()
    if have >= rows:
        return
    started = time.perf_counter()
    rng = random.Random(3)
    now = timezone.now()
    # read before the COPY starts: the connection cannot fetch while it copies
    persons = list(Person.objects.order_by("id").values_list("id", "grid_id", "jurisdiction_path")[:rows - have])
    columns = ["person_id", "origin_code", "origin_name", "arrived_at", "mode", "vehicle", "category", "grid_id",
               "owner_path", "origin_risk", "follow_up", "entered_at", "fingerprint"]
    bulk.write_rows(Arrival, columns, (
        (pid, "440106", "天河区", now - dt.timedelta(minutes=rng.randint(60, 20000)), "train",
         f"G{rng.randint(1, 9999)}", "worker", grid, path, "", "none", now, f"bench-{have + i}")
        for i, (pid, grid, path) in enumerate(persons)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after such a load: the planner needs the new row counts
    print(f"added {rows - have:,} arrivals in {time.perf_counter() - started:.0f} s")


def run_export(fmt: str, rows: int) -> None:
    """One export in this process, into a temporary file: prints seconds, rows, peak RSS and the RSS curve."""
    use_postgres(DATABASE)
    from fangkong import actors
    from fangkong.accounts.models import Role, User
    from fangkong.accounts.services import create_user
    from fangkong.audit.models import AuditEvent
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.screening.services import ARRIVALS_EXPORT
    from fangkong.web.exports import csv_response, write_xlsx

    user = User.objects.filter(username="bench-export").first() or create_user(
        username="bench-export", password="bench-password-1", role=Role.COMMAND,
        jurisdiction_code=Jurisdiction.objects.get(level=Level.CITY).code)
    audited_before = AuditEvent.objects.count()
    curve, started, start_rss, count = [], time.perf_counter(), rss_mb(), [0]

    def counted(source):
        for row in source:
            count[0] += 1
            if count[0] % 100_000 == 0:
                curve.append(round(rss_mb()))
            yield row

    with actors.acting(actors.CLI):  # the rows keep the channel they were made under
        rows_out = counted(ARRIVALS_EXPORT.rows(user))
    with tempfile.NamedTemporaryFile(suffix=f".{fmt}") as target:
        if fmt == "csv":
            for chunk in csv_response("bench", ARRIVALS_EXPORT.header(), rows_out).streaming_content:
                target.write(chunk.encode() if isinstance(chunk, str) else chunk)
            target.flush()
        else:
            write_xlsx(target, ARRIVALS_EXPORT.header(), rows_out, sheet="来返人员登记")
        written = count[0]
        seconds = time.perf_counter() - started
        size = os.path.getsize(target.name)
    audited = AuditEvent.objects.count() - audited_before
    AuditEvent.objects.filter(actor=user).delete()  # each run starts from the same audit table, not a growing one
    print(f"{fmt}: {seconds:.1f} s, {written:,} rows ({written / seconds:,.0f} rows/s), {size / 1e6:.0f} MB, "
          f"{audited:,} persons audited; RSS at start {start_rss:.0f} MB, peak "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; every 100k rows: {curve}")


def xlsx_in_memory_baseline(rows: int) -> None:
    """XlsxWriter without constant_memory keeps every cell until it saves: its RSS grows with the rows."""
    use_postgres(DATABASE)
    import xlsxwriter

    from fangkong.accounts.models import User
    from fangkong.screening.services import ARRIVALS_EXPORT

    user = User.objects.get(username="bench-export")
    started, curve = time.perf_counter(), []
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as target:
        book = xlsxwriter.Workbook(target.name)
        sheet = book.add_worksheet()
        for n, row in enumerate(ARRIVALS_EXPORT.rows(user), 1):
            sheet.write_row(n, 0, row)
            if n % 50_000 == 0:
                curve.append(round(rss_mb()))
            if n == rows:
                break
        book.close()
    print(f"xlsx in memory (baseline): {time.perf_counter() - started:.1f} s for {rows:,} rows, peak "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; every 50k rows: {curve}")


def copy_baseline(url: str) -> None:
    started = time.perf_counter()
    query = ("COPY (SELECT a.arrived_at, p.name, p.id_number_cipher, p.phone_cipher, a.origin_code, a.origin_name, "
             "a.origin_risk, a.mode, a.vehicle, a.category, g.code, g.name, a.follow_up, a.follow_up_due, "
             "a.follow_up_done_at, a.entered_at FROM screening_arrival a JOIN people_person p ON p.id = a.person_id "
             "JOIN jurisdictions_jurisdiction g ON g.id = a.grid_id ORDER BY a.id) TO STDOUT WITH CSV HEADER")
    with open(os.devnull, "wb") as sink:
        subprocess.run(["psql", url, "-c", query], stdout=sink, check=True)
    print(f"csv by PostgreSQL COPY (baseline, no masking, no audit): {time.perf_counter() - started:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--run", choices=["csv", "xlsx", "xlsx-in-memory"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run == "xlsx-in-memory":
        return xlsx_in_memory_baseline(200_000)
    if args.run:
        return run_export(args.run, args.rows)
    url = use_postgres(DATABASE)
    ensure_city(args.rows, observed=0)
    ensure_arrivals(args.rows)
    for step in ("csv", "xlsx", "xlsx-in-memory"):
        subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--run", step], check=True, cwd=ROOT)
    copy_baseline(url)


if __name__ == "__main__":
    main()
