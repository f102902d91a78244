"""The rest rules of each kind of post, from settings.WORKFORCE_REST_RULES, for the command centre to edit."""

from django.conf import settings
from django.db import migrations


def seed(apps, schema_editor):
    RestRules = apps.get_model("workforce", "RestRules")
    for kind, values in settings.WORKFORCE_REST_RULES.items():
        RestRules.objects.get_or_create(post_kind=kind, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
