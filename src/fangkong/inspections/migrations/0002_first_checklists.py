"""Version 1 of every kind's checklist, from inspections/data/checklists.json: data, not code; later versions are
added in the app (inspections.services.add_checklist_version)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "checklists.json"


def load(apps, schema_editor):
    Checklist = apps.get_model("inspections", "Checklist")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    for kind, items in json.loads(DATA.read_text(encoding="utf-8")).items():
        if kind.startswith("_") or Checklist.objects.filter(kind=kind).exists():
            continue
        checklist = Checklist.objects.create(kind=kind, version=1, note="初始版本")
        ChecklistItem.objects.bulk_create([ChecklistItem(checklist=checklist, position=i, text=text)
                                           for i, text in enumerate(items, 1)])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
