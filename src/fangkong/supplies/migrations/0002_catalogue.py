"""The catalogue as data: items with their unit of issue, posts with their tier and protection, stand-ins
(data/catalogue.json). A later change to the catalogue is made in the admin, or by a migration like this one."""

import json
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"


def load(apps, schema_editor):
    Item, Post, StandIn = (apps.get_model("supplies", name) for name in ("Item", "Post", "StandIn"))
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    items = {}
    for position, row in enumerate(data["items"]):
        items[row["code"]], _ = Item.objects.update_or_create(code=row["code"], defaults={
            "name": row["name"], "name_en": row["name_en"], "unit": row["unit"], "reserve": row["reserve"],
            "alert_days": row["alert_days"], "position": position})
    for row in data["posts"]:
        post, _ = Post.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "tier": row["tier"]})
        post.protection.set([items[code] for code in row["protection"]])
    for row in data["stand_ins"]:
        StandIn.objects.get_or_create(item=items[row["item"]], substitute=items[row["substitute"]])


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_stores_ledger_requests")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
