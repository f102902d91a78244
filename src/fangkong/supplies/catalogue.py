"""The catalogue as data (data/catalogue.json): items with their unit of issue, posts with their tier and the
protection they need, stand-ins. `load` takes the model classes, so the migration runs it with its historical
models and `services.load_catalogue` with today's (a database flushed by a test, a new installation's check)."""

import json
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent / "data" / "catalogue.json"


def _known(model, values: dict) -> dict:
    """The values the model (as the migration being run has it) has fields for."""
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in values.items() if k in names}


def load(Item, Post, StandIn) -> None:  # noqa: N803 - model classes
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    items = {}
    for position, row in enumerate(data["items"]):
        items[row["code"]], _ = Item.objects.update_or_create(code=row["code"], defaults=_known(Item, {
            "name": row["name"], "name_en": row["name_en"], "unit": row["unit"], "unit_en": row["unit_en"],
            "reserve": row["reserve"], "alert_days": row["alert_days"], "position": position}))
    for row in data["posts"]:
        post, _ = Post.objects.update_or_create(code=row["code"], defaults=_known(Post, {
            "name": row["name"], "name_en": row["name_en"], "tier": row["tier"]}))
        post.protection.set([items[code] for code in row["protection"]])
    for row in data["stand_ins"]:
        StandIn.objects.get_or_create(item=items[row["item"]], substitute=items[row["substitute"]])
