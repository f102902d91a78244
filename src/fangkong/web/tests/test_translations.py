"""The Chinese catalogue is never behind the code: what CI's check says, the test command says too."""

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parents[4] / "tools" / "check_translations.py"


def test_every_msgid_has_its_chinese_and_the_mo_is_compiled():
    spec = importlib.util.spec_from_file_location("check_translations", TOOL)
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    assert check.problems() == []
