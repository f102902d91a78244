from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fangkong.errors import InputRefused
from fangkong.jurisdictions.services import load_boundaries, load_tree


class Command(BaseCommand):
    help = ("Load a deployment's own jurisdiction tree: CSV (code,name,level,parent_code) and optional GeoJSON "
            "(a FeatureCollection whose features carry properties.code); --geojson alone puts boundaries on the "
            "tree already loaded.")

    def add_arguments(self, parser):
        parser.add_argument("--csv", type=Path)
        parser.add_argument("--geojson", type=Path)

    def handle(self, *args, csv, geojson, **options):
        if csv is None and geojson is None:
            raise CommandError("give --csv, --geojson or both")
        try:
            if csv is None:
                count = load_boundaries(geojson.read_text(encoding="utf-8"))
                self.stdout.write(f"Loaded {count} boundaries")
                return
            count = load_tree(csv.read_text(encoding="utf-8"), geojson.read_text(encoding="utf-8") if geojson else None)
        except InputRefused as refused:
            raise CommandError("\n".join(p.text for p in refused.problems)) from None
        except OSError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Loaded {count} jurisdictions")
