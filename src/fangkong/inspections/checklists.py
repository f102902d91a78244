"""Version 1 of every kind's checklist, from data/checklists.json: data, not code. Later versions are added in the
app (services.add_checklist_version). Takes the model classes, so the migration can pass its historical ones."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "checklists.json"


def load_first(checklist_model, item_model) -> int:
    """Create version 1 for each kind that has no checklist yet; returns how many were created."""
    created = 0
    for kind, items in json.loads(DATA.read_text(encoding="utf-8")).items():
        if kind.startswith("_") or checklist_model.objects.filter(kind=kind).exists():
            continue
        checklist = checklist_model.objects.create(kind=kind, version=1)
        item_model.objects.bulk_create([item_model(checklist=checklist, position=i, text=text)
                                        for i, text in enumerate(items, 1)])
        created += 1
    return created
