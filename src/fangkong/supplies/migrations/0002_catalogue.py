"""The catalogue as data: items with their unit of issue, posts with their tier and protection, stand-ins
(data/catalogue.json, loaded by catalogue.load). A later change to the catalogue is made in the admin, or by a
migration like this one."""

from django.db import migrations

from fangkong.supplies import catalogue


def load(apps, schema_editor):
    catalogue.load(*(apps.get_model("supplies", name) for name in ("Item", "Post", "StandIn")))


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_stores_ledger_requests")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
