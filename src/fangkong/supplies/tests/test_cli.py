"""`fangkong supplies allocate`: the rule on a CSV, the headers exactly as the issue has them, bad rows refused
naming their line and column, nothing written."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation


def run(tmp_path, text, *extra, stock="112"):
    requests, out = tmp_path / "requests.csv", tmp_path / "allocation.csv"
    requests.write_text(text, encoding="utf-8")
    call_command("supplies", "allocate", "--stock", stock, "--requests", str(requests), "--out", str(out), *extra)
    return out.read_text(encoding="utf-8")


def test_allocates_by_the_rule_with_the_headers_of_the_issue(tmp_path):
    text = "unit,tier,need,minimum\nB,2,60,\nA,1,40,10\nC,2,90,0\n"
    assert run(tmp_path, text) == ("unit,tier,need,minimum,allocated\n"  # 112 less 10 % = 100 available
                                   "B,2,60,0,24\nA,1,40,10,40\nC,2,90,0,36\n")
    # no reserve: 72 left for tier 2 asking 150: 28.8 → 29 (the larger remainder), 43.2 → 43
    assert run(tmp_path, text, "--reserve", "0").splitlines()[1:] == ["B,2,60,0,29", "A,1,40,10,40", "C,2,90,0,43"]


def test_bad_rows_are_refused_by_line_and_column_and_nothing_is_written(tmp_path):
    text = "unit,tier,need,minimum\nA,1,40,\nB,7,10,\nC,2,6.5,\nD,2,-4,\nE,1,5,9\n,1,5,\nA,1,3,\n"
    with translation.override("en"), pytest.raises(CommandError) as refused:
        run(tmp_path, text)
    lines = str(refused.value).splitlines()
    assert any("line 3, column tier" in line and "7" in line for line in lines)
    assert any("line 4, column need" in line and "6.5" in line for line in lines)
    assert any("line 5, column need" in line for line in lines)
    assert any("line 6, column minimum" in line and "9" in line for line in lines)
    assert any("line 7, column unit" in line for line in lines)
    assert any("line 8, column unit" in line and "twice" in line for line in lines)
    assert not (tmp_path / "allocation.csv").exists()


@pytest.mark.parametrize("args, text", [
    (["--reserve", "1.5"], "unit,tier,need,minimum\nA,1,4,\n"),
    (["--reserve", "abc"], "unit,tier,need,minimum\nA,1,4,\n"),
    ([], "unit,priority,need\nA,1,4\n"),
])
def test_a_bad_reserve_or_header_is_refused(tmp_path, args, text):
    with pytest.raises(CommandError):
        run(tmp_path, text, *args)


@pytest.mark.parametrize("stock", ["-1", "2.5", "many"])
def test_a_bad_stock_is_refused(tmp_path, stock):
    with pytest.raises(CommandError):
        run(tmp_path, "unit,tier,need,minimum\nA,1,4,\n", stock=stock)
