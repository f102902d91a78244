"""The roll-up's triggers on the counted tables, and the roll-up filled from the rows already there."""

from django.db import migrations

from fangkong.dashboard import rollup


def install(apps, schema_editor):
    rollup.install(schema_editor.execute)


def uninstall(apps, schema_editor):
    rollup.uninstall(schema_editor.execute)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("cases", "0003_remove_symptomreport_idempotency_key"),
        ("quarantine", "0004_remove_reading_idempotency_key"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
