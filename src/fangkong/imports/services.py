"""Use cases of an import: upload a file, check every row, then import nothing or only the valid rows.

The work advances in bounded steps (`advance`): a page calls it while it shows the progress, the CLI
calls it until the end, and `fangkong sweep_imports` resumes jobs whose page was closed. A step claims
the job with a lease, so two never run at once; each chunk of rows is checked or imported in one
transaction with the job's cursor, so an interrupted job resumes where it stopped and never writes a
row twice. Rows wait encrypted in `ImportChunk` until the job ends, then they are deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from fangkong import actors
from fangkong.accounts.permissions import Forbidden, require
from fangkong.accounts.scoping import get_visible
from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import Conflict, FieldProblem, InputRefused
from fangkong.idempotency import services as idempotency
from fangkong.people import crypto

from . import sheets
from .models import ACTIVE, ImportChunk, ImportJob, ImportRefusal, ImportStatus
from .registers import REGISTERS, Register

log = logging.getLogger(__name__)

CHUNK_ROWS = 2000
STEP_SECONDS = 1.5  # what one page request spends before it reports progress
LEASE = dt.timedelta(minutes=2)  # longer than any step; a crashed step's lease simply runs out
ABANDONED = dt.timedelta(minutes=2)  # a job no page has stepped for this long is the sweep's to finish


def jobs_for(actor) -> QuerySet[ImportJob]:
    """The uploader's own jobs (their files hold people of their subtree only)."""
    if not actor.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.all() if actor.is_superuser else ImportJob.objects.filter(uploaded_by=actor)


def get_job_for(actor, job_id) -> ImportJob:
    return get_visible(jobs_for(actor), job_id)


def register_of(name: str) -> Register:
    register = REGISTERS.get(name)
    if register is None:
        raise InputRefused(("register", _("there is no register “%(r)s” to import into; choose one of %(all)s")
                            % {"r": name, "all": ", ".join(REGISTERS)}))
    return register


def upload(actor, register_name: str, filename: str, data: bytes, *, region: str = "",
           idempotency_key: str | None = None) -> tuple[ImportJob, bool]:
    """Read the file and stage its rows for checking. A file that cannot be read as the register at all
    (not a workbook, no sheet with its header row, too many rows) is refused as a whole: the job says why.
    `region` is the region that sent an assist file, for rows that do not name it.
    The same key twice is one upload; returns (job, created)."""
    register = register_of(register_name)
    require(actor, register.writes)
    sha256 = hashlib.sha256(data).hexdigest()
    return idempotency.once(actor, "import_upload", jobs_for(actor), idempotency_key,
                            {"register": register.name, "sha256": sha256, "region": region},
                            lambda: _upload(actor, register, filename, data, sha256, region))


def _upload(actor, register: Register, filename: str, data: bytes, sha256: str, region: str) -> ImportJob:
    options = {"region": region.strip()[:120]} if (region or "").strip() else {}
    job = ImportJob(register=register.name, filename=(filename or "upload.xlsx")[:200], sha256=sha256,
                    uploaded_by=actor, options=options, language=translation.get_language() or settings.LANGUAGE_CODE)
    try:
        if len(data) > settings.IMPORT_MAX_MB * 1024 * 1024:
            raise InputRefused(("file", _("the file is larger than %(m)d MB: split it")
                                % {"m": settings.IMPORT_MAX_MB}))
        sheet, refused = sheets.read(data, register.spec, max_rows=settings.IMPORT_MAX_ROWS,
                                      max_unzipped_mb=settings.IMPORT_MAX_UNZIPPED_MB,
                                      csv_file=job.filename.lower().endswith(".csv")), None
    except InputRefused as problems:
        sheet, refused = None, problems
    with transaction.atomic():
        if refused:
            job.status, job.finished_at = ImportStatus.REFUSED, timezone.now()
            job.save()
            ImportRefusal.objects.bulk_create(_refusals(job, register, [(0, p, False) for p in refused.problems]))
        else:
            _stage(job, register, sheet)
        _audit_job(actor, job, None, total_rows=job.total_rows)
    return job


def _stage(job: ImportJob, register: Register, sheet: sheets.Sheet) -> None:
    job.sheet, job.header_row, job.total_rows = sheet.name[:100], sheet.header_row, len(sheet.rows)
    job.columns = {name: sheets.column_letter(index) for name, index in sheet.columns.items()}
    job.options = {**job.options, "headers": sheet.headers}
    job.save()
    ImportChunk.objects.bulk_create(
        ImportChunk(job=job, number=n, rows_cipher=crypto.encrypt(json.dumps(sheet.rows[start:start + CHUNK_ROWS],
                                                                            ensure_ascii=False)))
        for n, start in enumerate(range(0, len(sheet.rows), CHUNK_ROWS)))
    ImportRefusal.objects.bulk_create(_refusals(job, register, _file_level_findings(register, sheet)),
                                      batch_size=1000)
    _count(job)
    job.save(update_fields=["refused_rows", "repeated_rows"])


def _file_level_findings(register: Register, sheet: sheets.Sheet) -> list[tuple[int, FieldProblem, bool]]:
    """Merged cells under the header, and rows that repeat one above them, found with the whole file in hand."""
    findings = [(row, FieldProblem(name, _("part of the merged cells %(r)s: unmerge them and fill in every row")
                                   % {"r": span}), False) for row, name, span in sheet.merged]
    first_of: dict[tuple, int] = {}
    for row, values in sheet.rows:
        key = register.same_entry_key(values)
        if key in first_of:
            findings.append((row, FieldProblem("", _("the same entry as row %(n)d") % {"n": first_of[key]}), True))
        else:
            first_of[key] = row
    return findings


def _refusals(job: ImportJob, register: Register, findings) -> list[ImportRefusal]:
    """ImportRefusal rows from (row, problem, repeat): the problem's field becomes the column and its header."""
    headers = {**{name: c.header for name, c in register.by_field.items()}, **job.options.get("headers", {})}
    return [ImportRefusal(job=job, row=row, column=job.columns.get(problem.field, ""),
                          header=headers.get(problem.field, "")[:60],
                          message=force_str(problem.message)[:300], repeat=repeat)
            for row, problem, repeat in findings]


def _count(job: ImportJob) -> None:
    refusals = ImportRefusal.objects.filter(job=job, row__gt=0)
    refused = refusals.filter(repeat=False).values("row")
    job.refused_rows = refused.distinct().count()
    job.repeated_rows = refusals.filter(repeat=True).exclude(row__in=refused).values("row").distinct().count()


def step(actor, job_id, *, seconds: float = STEP_SECONDS) -> ImportJob:
    return advance(get_job_for(actor, job_id), seconds=seconds)


def advance(job: ImportJob, *, seconds: float = STEP_SECONDS) -> ImportJob:
    """Check or import chunks of rows for about `seconds`, then report where the job stands."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job.pk, status__in=ACTIVE).filter(
        Q(lease_until=None) | Q(lease_until__lt=now)).update(lease_until=now + LEASE)
    job.refresh_from_db()
    if not claimed:
        return job
    register, started = REGISTERS[job.register], time.monotonic()
    try:
        with translation.override(job.language):
            _end_if_uploader_lost_the_role(job, register)
            while job.status in ACTIVE:
                chunk = ImportChunk.objects.filter(job=job, number=job.next_chunk).first()
                if chunk is None:
                    _end_phase(job)
                elif not _work_chunk(job, register, chunk):
                    break
                if time.monotonic() - started >= seconds:
                    break
                ImportJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() + LEASE)  # a long sweep keeps it
    finally:
        ImportJob.objects.filter(pk=job.pk).update(lease_until=None)
        job.lease_until = None
    return job


def _end_if_uploader_lost_the_role(job: ImportJob, register: Register) -> None:
    """When the uploader has lost, since the upload, the role that writes this register, the job ends where it
    stands (nothing imported if it was being checked, the rows already written stay) and says why."""
    try:
        require(job.uploaded_by, register.writes)
    except Forbidden as refused:
        with transaction.atomic():
            ImportRefusal.objects.bulk_create(_refusals(job, register, [(0, p, False) for p in refused.problems]))
            job.status = ImportStatus.REFUSED if job.status == ImportStatus.CHECKING else ImportStatus.IMPORTED
            job.finished_at = job.stepped_at = timezone.now()
            job.save(update_fields=["status", "finished_at", "stepped_at"])
            ImportChunk.objects.filter(job=job).delete()


def _rows(chunk: ImportChunk) -> list[tuple[int, list]]:
    return [tuple(r) for r in json.loads(crypto.decrypt(chunk.rows_cipher))]


def _work_chunk(job: ImportJob, register: Register, chunk: ImportChunk) -> bool:
    """Check the chunk's rows (writing nothing), or import those that passed; rows that fail at the import (the
    register changed since the check) are refused like the others. False when the chunk must wait for a later
    step: someone stored one of its entries at the same moment."""
    rows, importing = _rows(chunk), job.status == ImportStatus.IMPORTING
    passed_over = ImportRefusal.objects.filter(job=job, row__gte=rows[0][0], row__lte=rows[-1][0])
    if not importing:
        passed_over = passed_over.filter(repeat=True)  # the check judges every row but the copies of a row above
    passed_over = set(passed_over.values_list("row", flat=True))
    findings, entries, unread = [], {}, {}
    for row, values in rows:
        if row not in passed_over:
            # checked even with unreadable cells, so the row lists every problem at once; such a row is refused
            # at the check, so the import passes it over
            entries[row], unread[row] = register.entry(values, job.options)
    try:
        with transaction.atomic():
            with actors.acting(actors.IMPORT):  # the rows' own audit rows say they came from a file
                outcomes = register.submit(job.uploaded_by, list(entries.values()), importing)
            for row, outcome in zip(entries, outcomes):
                findings += [(row, p, False) for p in unread[row]]
                if outcome.refused:  # an unreadable cell reached the service empty: its reading problem is enough
                    named = {p.field for p in unread[row]}
                    findings += [(row, p, False) for p in outcome.refused.problems if p.field not in named]
                elif unread[row]:
                    continue
                elif outcome.repeated:
                    findings.append((row, FieldProblem("", _("already in the register") if outcome.record is not None
                                                       else _("the same entry as a row above")), True))
            ImportRefusal.objects.bulk_create(_refusals(job, register, findings), batch_size=1000)
            if importing:
                job.written_rows += sum(1 for o in outcomes if o.created)
            else:
                job.checked_rows += len(rows)
            job.next_chunk += 1
            job.stepped_at = timezone.now()
            _count(job)
            job.save(update_fields=["checked_rows", "written_rows", "next_chunk", "stepped_at", "refused_rows",
                                    "repeated_rows"])
    except IntegrityError:
        log.warning("import %s: chunk %s clashed with a concurrent write; retried on the next step", job.pk,
                    chunk.number)
        job.refresh_from_db()
        return False
    return True


def _end_phase(job: ImportJob) -> None:
    now = timezone.now()
    with transaction.atomic():
        status_before = job.status
        if job.status == ImportStatus.CHECKING:
            job.status, job.next_chunk = ImportStatus.CHECKED, 0
            passed = {"valid_rows": job.valid_rows}
        else:
            job.status, job.finished_at = ImportStatus.IMPORTED, now
            ImportChunk.objects.filter(job=job).delete()
            passed = {"written_rows": job.written_rows}
        _audit_job(job.uploaded_by, job, status_before, **passed, refused_rows=job.refused_rows,
                   repeated_rows=job.repeated_rows)
        job.stepped_at = now
        job.save(update_fields=["status", "next_chunk", "finished_at", "stepped_at"])


def _audit_job(actor, job: ImportJob, status_before: str | None, **figures) -> None:
    """The job's audit row: its status before and after, and the figures it stands at."""
    audit.record_change(actor, Action.IMPORT, job, register=job.register, file=job.filename,
                        before={"status": status_before}, after={"status": job.status, **figures})


def choose(actor, job_id, *, import_valid: bool) -> ImportJob:
    """The uploader's choice once every row is checked: import the valid rows, or nothing at all.
    Nothing can be discarded once importing has begun (it is finished instead); the same choice twice is one."""
    job = get_job_for(actor, job_id)
    now, status_before = timezone.now(), job.status
    if import_valid:
        if job.status == ImportStatus.CHECKED and job.valid_rows == 0:
            raise InputRefused(("rows", _("no row of this file can be imported")))
        with transaction.atomic():
            started = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
                status=ImportStatus.IMPORTING, next_chunk=0, stepped_at=now)
            job.refresh_from_db()
            if started:
                _audit_job(actor, job, status_before)
        if not started and job.status not in (ImportStatus.IMPORTING, ImportStatus.IMPORTED):
            raise Conflict(("status", _("this file cannot be imported now: %(s)s") % {"s": job.get_status_display()}))
        return job
    with transaction.atomic():
        dropped = ImportJob.objects.filter(pk=job.pk, status__in=[ImportStatus.CHECKING, ImportStatus.CHECKED]).update(
            status=ImportStatus.DISCARDED, finished_at=now)
        job.refresh_from_db()
        if not dropped:
            if job.status == ImportStatus.DISCARDED:
                return job
            raise Conflict(("status", _("this file can no longer be discarded: %(s)s")
                            % {"s": job.get_status_display()}))
        ImportChunk.objects.filter(job=job).delete()
        _audit_job(actor, job, status_before)
    return job


def run_to_end(job: ImportJob, *, import_valid: bool | None = None, progress=None) -> ImportJob:
    """Check (and, when told, import) a whole job in this process: the CLI's way. `progress(job)` is
    called after every step."""
    while True:
        if job.status == ImportStatus.CHECKED and import_valid:
            job = choose(job.uploaded_by, job.pk, import_valid=True)
        if job.status not in ACTIVE:
            return job
        job = advance(job, seconds=1.0)
        if progress:
            progress(job)


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Cron: finish the steps of jobs whose page was closed, and drop the staged rows of checked files
    nobody chose for within IMPORT_KEEP_HOURS. Safe to run twice: each job is claimed by its lease."""
    now = now or timezone.now()
    resumed = 0
    for job in ImportJob.objects.filter(status__in=ACTIVE).filter(
            Q(stepped_at__lt=now - ABANDONED) | Q(stepped_at=None, uploaded_at__lt=now - ABANDONED)):
        before = (job.status, job.next_chunk)
        job = advance(job, seconds=float("inf"))
        resumed += (job.status, job.next_chunk) != before
    stale = ImportJob.objects.filter(status=ImportStatus.CHECKED,
                                     uploaded_at__lt=now - dt.timedelta(hours=settings.IMPORT_KEEP_HOURS))
    dropped = 0
    for job in stale:
        with transaction.atomic():
            if ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
                    status=ImportStatus.DISCARDED, finished_at=now):
                ImportChunk.objects.filter(job=job).delete()
                job.status = ImportStatus.DISCARDED
                _audit_job(None, job, ImportStatus.CHECKED)  # no actor: nobody chose in time
                dropped += 1
    return {"resumed": resumed, "discarded": dropped}


def refusal_columns() -> list[str]:
    return [force_str(h) for h in (_("Row"), _("Column"), _("Header"), _("Reason"), _("Already there"))]


def refusal_rows(job: ImportJob) -> Iterator[list]:
    yes = force_str(_("yes"))
    for r in job.refusals.order_by("row", "id").iterator(chunk_size=2000):
        yield [r.row or "", r.column, r.header, r.message, yes if r.repeat else ""]


def refused_entries(actor, job_id) -> tuple[list[str], Iterator[list]]:
    """The refused rows as the file had them, with the reasons in a last column, to fix and upload again.
    Only while the rows are still staged (until the job ends)."""
    job = get_job_for(actor, job_id)
    register = REGISTERS[job.register]
    reasons: dict[int, list[str]] = {}
    for r in job.refusals.filter(row__gt=0):
        reasons.setdefault(r.row, []).append(f"{r.header or ''}{'：' if r.header else ''}{r.message}")
    headers = job.options.get("headers", {})
    in_file = sorted(job.columns, key=lambda name: (len(job.columns[name]), job.columns[name]))  # the file's order
    positions = [list(register.by_field).index(name) for name in in_file]
    header = [headers[name] for name in in_file] + [force_str(_("Reason"))]
    audit.record(actor, Action.IMPORT, register=job.register, file=job.filename, job=job.pk,
                 refused_rows_downloaded=len(reasons))

    def rows():
        for chunk in ImportChunk.objects.filter(job=job).order_by("number").iterator(chunk_size=10):
            for row, values in _rows(chunk):
                if row in reasons:
                    yield [*(values[p] for p in positions), "；".join(reasons[row])]

    return header, rows()
