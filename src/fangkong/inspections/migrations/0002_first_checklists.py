"""Version 1 of every kind's checklist, from inspections/data/checklists.json (inspections/checklists.py)."""

from django.db import migrations

from fangkong.inspections.checklists import load_first


def load(apps, schema_editor):
    load_first(apps.get_model("inspections", "Checklist"), apps.get_model("inspections", "ChecklistItem"))


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
