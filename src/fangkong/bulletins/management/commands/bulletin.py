import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fangkong.bulletins import services
from fangkong.bulletins.models import Bulletin
from fangkong.errors import InputRefused
from fangkong.jurisdictions.models import Jurisdiction


class Command(BaseCommand):
    help = "Write the bulletin of a date as a PDF: the published version if there is one, else a marked draft."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--jurisdiction", required=True, help="the jurisdiction's code, e.g. 420100")
        parser.add_argument("--pdf", required=True, help="where to write the PDF")

    def handle(self, *args, date, jurisdiction, pdf, **options):
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise CommandError(f"--date: {date!r} is not a date like 2026-11-24") from None
        node = Jurisdiction.objects.filter(code=jurisdiction).first()
        if node is None:
            raise CommandError(f"--jurisdiction: no jurisdiction has the code {jurisdiction!r}")
        bulletin = services.published(node.code, day)
        if bulletin is not None:
            data = bytes(bulletin.pdf)
        else:
            bulletin = Bulletin(jurisdiction=node, date=day, content=services.build_content(node, day))
            try:
                data = services.render_pdf(bulletin)
            except InputRefused as refused:
                raise CommandError(str(refused)) from None
        Path(pdf).write_bytes(data)
        state = f"version {bulletin.version}, published" if bulletin.pk else "draft (nothing is published for that day)"
        self.stdout.write(f"{node.name} {day}: {state} -> {pdf} ({len(data):,} bytes)")
