from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fangkong.errors import InputRefused
from fangkong.jurisdictions.services import load_tree


class Command(BaseCommand):
    help = "Load a deployment's own jurisdiction tree: CSV (code,name,level,parent_code) and optional GeoJSON."

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, type=Path)
        parser.add_argument("--geojson", type=Path)

    def handle(self, *args, csv, geojson, **options):
        try:
            count = load_tree(csv.read_text(encoding="utf-8"), geojson.read_text(encoding="utf-8") if geojson else None)
        except InputRefused as refused:
            raise CommandError("\n".join(p.text for p in refused.problems)) from None
        except OSError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Loaded {count} jurisdictions")
