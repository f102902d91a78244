"""The roll-up's triggers again, after the pathway's migrations of cases and alerts: SQLite alters a table by
rebuilding it, which drops its triggers. Any later migration that alters a counted table needs one like this."""

from django.db import migrations

from fangkong.dashboard import rollup


def install(apps, schema_editor):
    rollup.install(schema_editor.execute)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_rollup_triggers"),
        ("cases", "0004_pathway_admission_tier_discharge_tests"),
        ("quarantine", "0005_checkpoint_fever_alerts"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
