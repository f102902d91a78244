from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from fangkong.errors import InputRefused
from fangkong.imports import services
from fangkong.imports.models import ImportStatus
from fangkong.imports.registers import REGISTERS


class Command(BaseCommand):
    help = ("Import a register from .xlsx as USER (whose subtree bounds it): every row is checked first and the "
            "refusals listed by row, column and reason. Nothing is imported while any row is refused, unless "
            "--valid-only says to import the valid rows.")

    def add_arguments(self, parser):
        parser.add_argument("register", choices=sorted(REGISTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="the user the rows are registered by")
        parser.add_argument("--region", default="", help="assist files: the requesting region, for rows without one")
        parser.add_argument("--valid-only", action="store_true", help="import the valid rows even if some are refused")
        parser.add_argument("--check-only", action="store_true", help="check and list refusals, import nothing")

    def handle(self, *args, register, file, user, region, valid_only, check_only, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"user: no active user {user!r}")
        try:
            job, _created = services.upload(actor, register, file.name, file.read_bytes(), region=region)
        except InputRefused as refused:
            raise CommandError("\n".join(p.text for p in refused.problems)) from None
        except OSError as exc:
            raise CommandError(f"file: {exc}") from None
        with tqdm(total=job.total_rows, unit="row", desc="check", file=self.stderr, disable=None) as bar:
            def progress(current):
                bar.set_description("import" if current.status == ImportStatus.IMPORTING else "check")
                bar.total = current.valid_rows if current.status == ImportStatus.IMPORTING else current.total_rows
                bar.n = current.written_rows if current.status == ImportStatus.IMPORTING else current.checked_rows
                bar.refresh()

            job = services.run_to_end(job, progress=progress)
            for refusal in job.refusals.all():
                where = f"row {refusal.row}" if refusal.row else "file"
                column = f" column {refusal.column} ({refusal.header})" if refusal.column else ""
                self.stderr.write(f"{where}{column}: {refusal.message}")
            if job.status == ImportStatus.REFUSED:
                raise CommandError("the file was refused; nothing imported")
            self.stdout.write(f"{job.total_rows} rows: {job.valid_rows} valid, {job.refused_rows} refused, "
                              f"{job.repeated_rows} already there")
            if check_only or not job.valid_rows or (job.refused_rows and not valid_only):
                services.choose(actor, job.pk, import_valid=False)
                if check_only and not job.refused_rows:
                    self.stdout.write("checked; nothing imported (--check-only)")
                    return
                hint = " (--valid-only imports the valid rows)" if job.refused_rows and job.valid_rows else ""
                raise CommandError(f"nothing imported{hint}")
            job = services.run_to_end(job, import_valid=True, progress=progress)
        self.stdout.write(f"{job.written_rows} rows imported (import {job.pk})")
