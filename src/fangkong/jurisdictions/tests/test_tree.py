import pytest

from fangkong.errors import InputRefused
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.jurisdictions.services import add_jurisdiction, check_code, load_tree

TREE_CSV = """code,name,level,parent_code
420000,湖北省,province,
420100,武汉市,city,420000
420102,江岸区,county,420100
420102001000,大智街道,township,420102
420102001001,大智社区,community,420102001000
420102001001001,第1网格,grid,420102001001
"""


@pytest.mark.parametrize("code, level, parent_code, field", [
    ("4201", Level.CITY, "420000", "code"),                # wrong shape
    ("430100", Level.CITY, "420000", "code"),              # another province's prefix
    ("420102001000", Level.TOWNSHIP, "420000", "parent_code"),  # skips a level
    ("420102001001", Level.TOWNSHIP, "420102", "code"),    # a township code ends in 000
])
def test_codes_must_fit_their_level_and_parent(db, code, level, parent_code, field):
    province = add_jurisdiction(code="420000", name="湖北省", level=Level.PROVINCE, parent=None)
    if parent_code == "420102":
        city = add_jurisdiction(code="420100", name="武汉市", level=Level.CITY, parent=province)
        parent = add_jurisdiction(code="420102", name="江岸区", level=Level.COUNTY, parent=city)
    else:
        parent = province
    with pytest.raises(InputRefused) as caught:
        check_code(code, level, parent)
    assert caught.value.problems[0].field == field


def test_a_tree_loads_from_csv_with_boundaries_and_paths(db):
    geojson = ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"420102"},'
               '"geometry":{"type":"Polygon","coordinates":[[[114.2,30.6],[114.3,30.6],[114.3,30.7],[114.2,30.6]]]}}]}')
    assert load_tree(TREE_CSV, geojson) == 6
    grid = Jurisdiction.objects.get(code="420102001001001")
    assert grid.path == "420000/420100/420102/420102001000/420102001001/420102001001001/"
    assert Jurisdiction.objects.get(code="420102").boundary["type"] == "Polygon"
    assert Jurisdiction.objects.filter(path__startswith="420000/420100/420102/").count() == 4


def test_a_file_with_one_bad_row_loads_nothing_and_names_the_row(db):
    bad = TREE_CSV.replace("420102001001001,第1网格", "42010200100100,第1网格")
    with pytest.raises(InputRefused) as caught:
        load_tree(bad)
    assert caught.value.problems[0].field == "row 7 code"
    assert Jurisdiction.objects.count() == 0


def test_an_unknown_parent_is_refused(db):
    with pytest.raises(InputRefused) as caught:
        load_tree("code,name,level,parent_code\n420100,武汉市,city,990000\n")
    assert "parent_code" in caught.value.problems[0].field
