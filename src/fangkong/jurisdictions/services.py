"""Use cases of the jurisdiction tree: validate codes, add nodes, load a deployment's own tree."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Left
from django.utils.translation import gettext_lazy as _

from fangkong.audit import services as audit
from fangkong.audit.models import Action
from fangkong.errors import Conflict, InputRefused, Problems

from .models import LEVEL_ORDER, Household, Jurisdiction, Level

# Official code shapes: GB/T 2260 (six digits) down to county, the twelve-digit statistical
# division codes for township and community/village, then our own suffixes for grids.
CODE_PATTERNS = {
    Level.PROVINCE: re.compile(r"^\d{2}0000$"),
    Level.CITY: re.compile(r"^\d{4}00$"),
    Level.COUNTY: re.compile(r"^\d{6}$"),
    Level.TOWNSHIP: re.compile(r"^\d{9}000$"),
    Level.COMMUNITY: re.compile(r"^\d{12}$"),
    Level.GRID: re.compile(r"^\d{15}$"),
}
# How many leading characters of a child's code repeat its parent's code.
PARENT_PREFIX = {Level.CITY: 2, Level.COUNTY: 4, Level.TOWNSHIP: 6, Level.COMMUNITY: 9, Level.GRID: 12}
CODE_SHAPE_HELP = {
    Level.PROVINCE: _("six digits ending in 0000 (GB/T 2260)"),
    Level.CITY: _("six digits ending in 00 (GB/T 2260)"),
    Level.COUNTY: _("six digits (GB/T 2260)"),
    Level.TOWNSHIP: _("twelve digits ending in 000 (statistical division code)"),
    Level.COMMUNITY: _("twelve digits (statistical division code)"),
    Level.GRID: _("fifteen digits: the community code and a three-digit grid number"),
}


def parent_level(level: str) -> str | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index - 1] if index else None


def check_code(code: str, level: str, parent: Jurisdiction | None) -> None:
    """Refuse a code whose shape does not fit its level or whose prefix does not fit its parent."""
    if level not in Level.values:
        raise InputRefused(("level", _("unknown level %(level)s") % {"level": level}))
    if not CODE_PATTERNS[Level(level)].match(code or ""):
        raise InputRefused(
            ("code", _("%(code)s is not a %(level)s code: expected %(shape)s")
             % {"code": code, "level": Level(level).label, "shape": CODE_SHAPE_HELP[Level(level)]})
        )
    expected_parent = parent_level(level)
    if expected_parent is None:
        if parent is not None:
            raise InputRefused(("parent_code", _("a province has no parent")))
        return
    if parent is None or parent.level != expected_parent:
        raise InputRefused(
            ("parent_code", _("a %(level)s must sit under a %(parent)s")
             % {"level": Level(level).label, "parent": Level(expected_parent).label})
        )
    prefix = PARENT_PREFIX[Level(level)]
    if code[:prefix] != parent.code[:prefix] or code == parent.code:
        raise InputRefused(
            ("code", _("%(code)s does not belong under %(parent)s: it must start with %(prefix)s")
             % {"code": code, "parent": parent.code, "prefix": parent.code[:prefix]})
        )


def add_jurisdiction(*, code: str, name: str, level: str, parent: Jurisdiction | None,
                     boundary: dict | None = None) -> Jurisdiction:
    code = (code or "").strip()
    name = (name or "").strip()
    if not name:
        raise InputRefused(("name", _("a name is required")))
    check_code(code, level, parent)
    if Jurisdiction.objects.filter(code=code).exists():
        raise Conflict(("code", _("code %(code)s already exists") % {"code": code}))
    return Jurisdiction.objects.create(
        code=code, name=name, level=level, parent=parent, boundary=boundary,
        path=Jurisdiction.path_for(parent, code), depth=LEVEL_ORDER.index(level),
    )


def ancestors(node: Jurisdiction) -> list[Jurisdiction]:
    by_code = {j.code: j for j in Jurisdiction.objects.filter(code__in=node.ancestor_codes)}
    return [by_code[c] for c in node.ancestor_codes if c in by_code]


@dataclass(frozen=True)
class ChildFigures:
    node: Jurisdiction
    persons: int
    households: int
    grids: int


def child_figures(node: Jurisdiction) -> list[ChildFigures]:
    """Each child of `node` with the persons, households and grids in its subtree.

    Three grouped queries, whatever the number of children: counts are always derived from the
    rows the grids entered, never stored separately.
    """
    from fangkong.people.models import Person

    children = list(node.children.all())
    if not children:
        return []
    width = len(children[0].path)
    persons = Counter(dict(
        Person.objects.filter(jurisdiction_path__startswith=node.path)
        .annotate(child=Left("jurisdiction_path", width)).values_list("child").annotate(n=Count("id"))
    ))
    households = Counter(dict(
        Household.objects.filter(grid__path__startswith=node.path)
        .annotate(child=Left("grid__path", width)).values_list("child").annotate(n=Count("id"))
    ))
    grids = Counter(dict(
        Jurisdiction.objects.filter(path__startswith=node.path, level=Level.GRID)
        .annotate(child=Left("path", width)).values_list("child").annotate(n=Count("id"))
    ))
    return [
        ChildFigures(child, persons[child.path], households[child.path],
                     grids[child.path] if child.level != Level.GRID else 1)
        for child in children
    ]


TREE_CSV_COLUMNS = ("code", "name", "level", "parent_code")


def load_tree(csv_text: str, geojson_text: str | None = None) -> int:
    """Load a deployment's own tree from CSV (code,name,level,parent_code) and optional GeoJSON.

    Every row is checked before anything is written; a refused file writes nothing and names
    each bad row. Parents may appear anywhere in the file or already be stored.
    """
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    missing = [c for c in TREE_CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputRefused(("file", _("missing columns: %(cols)s") % {"cols": ", ".join(missing)}))
    rows = list(reader)
    boundaries = _boundaries_by_code(geojson_text) if geojson_text else {}
    rows.sort(key=lambda r: LEVEL_ORDER.index(r["level"]) if r["level"] in Level.values else -1)
    problems = []
    created: dict[str, Jurisdiction] = {}
    with transaction.atomic():
        for line, row in enumerate(rows, start=2):
            parent_code = (row.get("parent_code") or "").strip()
            parent = created.get(parent_code) or (
                Jurisdiction.objects.filter(code=parent_code).first() if parent_code else None
            )
            if parent_code and parent is None:
                problems.append((f"row {line} parent_code", _("unknown parent %(code)s") % {"code": parent_code}))
                continue
            try:
                node = add_jurisdiction(code=row["code"], name=row["name"], level=row["level"], parent=parent,
                                        boundary=boundaries.get(row["code"].strip()))
            except InputRefused as refused:
                problems.extend((f"row {line} {p.field}", p.message) for p in refused.problems)
                continue
            created[node.code] = node
        stored = set(Jurisdiction.objects.filter(code__in=boundaries).values_list("code", flat=True))
        try:
            _refuse_unknown_codes(boundaries, stored)
        except InputRefused as refused:
            problems.extend((p.field, p.message) for p in refused.problems)
        if problems:
            transaction.set_rollback(True)
            raise InputRefused(*problems)
        for code in stored - set(created):  # a node stored before, given its shape by this file
            Jurisdiction.objects.filter(code=code).update(boundary=boundaries[code])
        audit.record(None, Action.JURISDICTIONS_LOADED, added=len(created), codes=sorted(created)[:1000],
                     boundaries=len(boundaries))
    return len(created)


SHAPES = ("Polygon", "MultiPolygon")


def _boundaries_by_code(geojson_text: str) -> dict[str, dict]:
    """Each feature's geometry by the code its `code` property names; a feature without one, or with no area
    (a point, a line), is refused naming the feature."""
    try:
        collection = json.loads(geojson_text)
        features = collection["features"]
        if collection.get("type") != "FeatureCollection" or not isinstance(features, list):
            raise TypeError("type is not FeatureCollection")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputRefused(("geojson", _("not a FeatureCollection with a code property: %(e)s") % {"e": exc})) from None
    problems, boundaries = Problems(), {}
    for i, feature in enumerate(features, start=1):
        properties = (feature.get("properties") if isinstance(feature, dict) else None) or {}
        code, geometry = str(properties.get("code") or "").strip(), feature.get("geometry") or {}
        if not code:
            problems.add("geojson", _("feature %(n)s: properties.code is missing") % {"n": i})
        elif geometry.get("type") not in SHAPES:
            problems.add("geojson", _("feature %(n)s (properties.code %(code)s): the geometry is not a Polygon or "
                                      "MultiPolygon") % {"n": i, "code": code})
        else:
            boundaries[code] = geometry
    problems.refuse_if_any()
    return boundaries


def _refuse_unknown_codes(boundaries: dict[str, dict], known: set[str]) -> None:
    problems = Problems()
    for code in boundaries:
        if code not in known:
            problems.add("geojson", _("properties.code %(code)s is not in the jurisdiction tree") % {"code": code})
    problems.refuse_if_any()


def load_boundaries(geojson_text: str) -> int:
    """Put a deployment's own boundaries on the tree it already has, keyed by `properties.code`.

    A feature naming a code that is not in the tree refuses the whole file, naming each such code: a typo
    would otherwise leave an area silently unmapped. Returns the number of boundaries written."""
    boundaries = _boundaries_by_code(geojson_text)
    with transaction.atomic():
        _refuse_unknown_codes(boundaries, set(Jurisdiction.objects.filter(code__in=boundaries)
                                              .values_list("code", flat=True)))
        for code, geometry in boundaries.items():
            Jurisdiction.objects.filter(code=code).update(boundary=geometry)
        audit.record(None, Action.JURISDICTIONS_LOADED, added=0, codes=[], boundaries=len(boundaries))
    return len(boundaries)


def boundary_feature_collection(nodes, values: dict[str, float] | None = None) -> dict:
    """GeoJSON of `nodes` for the map, named by code so the map can join figures to areas."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": n.boundary,
             "properties": {"name": n.code, "label": n.name, "value": (values or {}).get(n.code)}}
            for n in nodes if n.boundary
        ],
    }
