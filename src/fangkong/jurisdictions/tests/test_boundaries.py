"""Real boundaries: the Wuhan districts shipped with fangkong, a deployment's own file loaded onto its tree, and a
file whose features name codes that are not in the tree refused naming each one, with nothing written."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from fangkong.errors import InputRefused
from fangkong.jurisdictions import codes as areas
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.jurisdictions.services import load_boundaries, load_tree
from fangkong.jurisdictions.tests.test_tree import TREE_CSV
from fangkong.web.management.commands.seed import REAL_BOUNDARIES

SQUARE = {"type": "Polygon", "coordinates": [[[114.2, 30.6], [114.3, 30.6], [114.3, 30.7], [114.2, 30.6]]]}


@pytest.fixture(autouse=True)
def in_english():
    """The messages are checked in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code}, "geometry": geometry} for code, geometry in features]})


def shipped():
    return json.loads(REAL_BOUNDARIES.read_text(encoding="utf-8"))["features"]


def test_the_shipped_file_is_wuhan_and_all_its_current_districts():
    codes = sorted(f["properties"]["code"] for f in shipped())
    assert codes == ["420100", *sorted(code for code, _name in areas.current_counties("4201"))]
    assert len(codes) == 14
    for feature in shipped():  # real shapes: many vertices, inside Wuhan's extent (113.7-115.1 E, 29.9-31.4 N)
        points = [p for polygon in feature["geometry"]["coordinates"] for ring in polygon for p in ring]
        assert len(points) > 100
        assert all(113.6 < x < 115.2 and 29.9 < y < 31.5 for x, y in points)


def test_a_deployments_boundaries_go_onto_the_tree_it_has(db):
    load_tree(TREE_CSV)
    wuhan = [f for f in shipped() if f["properties"]["code"] in ("420100", "420102")]
    assert load_boundaries(json.dumps({"type": "FeatureCollection", "features": wuhan})) == 2
    assert Jurisdiction.objects.get(code="420102").boundary["type"] == "MultiPolygon"
    assert Jurisdiction.objects.get(code="420102001000").boundary is None


def test_codes_not_in_the_tree_are_refused_by_name_and_nothing_is_written(db):
    load_tree(TREE_CSV)
    with pytest.raises(InputRefused) as caught:
        load_boundaries(collection(("420102", SQUARE), ("420199", SQUARE), ("999999", SQUARE)))
    assert [p.field for p in caught.value.problems] == ["geojson", "geojson"]
    assert "420199" in str(caught.value) and "999999" in str(caught.value) and "properties.code" in str(caught.value)
    assert Jurisdiction.objects.get(code="420102").boundary is None


def test_a_tree_file_with_a_boundary_for_a_code_it_does_not_have_is_refused(db):
    with pytest.raises(InputRefused) as caught:
        load_tree(TREE_CSV, collection(("420102", SQUARE), ("420104", SQUARE)))
    assert "420104" in str(caught.value)
    assert Jurisdiction.objects.count() == 0


@pytest.mark.parametrize("features, words", [
    ([({"code": "420102"}, {"type": "Point", "coordinates": [114.2, 30.6]})], "feature 1 (properties.code 420102)"),
    ([({}, SQUARE)], "feature 1: properties.code"),
])
def test_a_feature_without_an_area_or_a_code_is_named(db, features, words):
    load_tree(TREE_CSV)
    text = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": geometry} for props, geometry in features]})
    with pytest.raises(InputRefused) as caught:
        load_boundaries(text)
    assert words in str(caught.value)


def test_the_command_loads_boundaries_alone_and_reports_unknown_codes(db, tmp_path, capsys):
    load_tree(TREE_CSV)
    good, bad = tmp_path / "good.geojson", tmp_path / "bad.geojson"
    good.write_text(collection(("420102", SQUARE)), encoding="utf-8")
    bad.write_text(collection(("420888", SQUARE)), encoding="utf-8")
    call_command("load_jurisdictions", geojson=good)
    assert "Loaded 1 boundaries" in capsys.readouterr().out
    with pytest.raises(CommandError, match="420888"):
        call_command("load_jurisdictions", geojson=bad)
