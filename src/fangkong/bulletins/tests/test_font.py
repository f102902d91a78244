"""The bulletin prints in the CJK font shipped with fangkong, whatever fonts the server has, or not at all."""

import fnmatch
import json
import os
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from fangkong import fonts
from fangkong.bulletins import charts, services
from fangkong.bulletins.models import Bulletin, Status
from fangkong.conftest import login_client
from fangkong.errors import InputRefused

from .pdfs import pdf_fonts, pdf_text

# Renders a bulletin's content (JSON on stdin) as its published PDF, and says which warnings were raised.
RENDER = """
import datetime as dt, json, sys, warnings
import django
django.setup()
from django.utils import timezone
from fangkong.bulletins import services
from fangkong.bulletins.models import Bulletin
content = json.load(sys.stdin)
bulletin = Bulletin(date=dt.date.fromisoformat(content["date"]), version=1, status="published",
                    published_at=timezone.now(), content=content)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    pdf = services.render_pdf(bulletin)
open(sys.argv[1], "wb").write(pdf)
print(json.dumps([str(w.message) for w in caught]))
"""


@pytest.fixture
def no_system_fonts(tmp_path):
    """A fontconfig setup that knows no font at all: its only directory is empty."""
    (tmp_path / "no-fonts").mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{tmp_path / "no-fonts"}</dir>'
                    f'<cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>\n')
    return {**os.environ, "FONTCONFIG_FILE": str(conf), "FANGKONG_VAR_DIR": str(tmp_path / "var")}


def test_the_pdf_prints_chinese_in_the_shipped_font_where_the_server_has_no_font(
        no_system_fonts, tmp_path, commander, tree, outbreak):
    listed = subprocess.run(["fc-list"], env=no_system_fonts, capture_output=True, text=True)
    assert listed.stdout.strip() == ""  # the premise: fontconfig offers nothing to fall back on
    content = services.build_content(tree["city"], timezone.localdate())
    out = tmp_path / "bulletin.pdf"
    done = subprocess.run([sys.executable, "-c", RENDER, str(out)], input=json.dumps(content), env=no_system_fonts,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    raised = json.loads(done.stdout.splitlines()[-1])
    assert not [message for message in raised if "missing from font" in message or "Glyph" in message]
    text = pdf_text(out.read_bytes()).replace("\n", "").replace(" ", "")
    assert "武汉市疫情防控每日通报" in text
    assert f"现有确诊{content['figures']['confirmed']}例" in text and "居家医学观察" in text
    assert "江岸区" in text and "流行曲线" in text
    assert pdf_fonts(out.read_bytes()) == {"Fangkong-Sans-SC", "Fangkong-Sans-SC-Bold"}


def test_the_charts_draw_their_chinese_labels_in_the_shipped_font():
    curve = {"dates": ["2026-11-30", "2026-12-01"], "onset": [1, 2], "report": [0, 3]}
    children = [{"name": "江岸区", "value": 3, "boundary": {"type": "Polygon",
                                                          "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.curve_svg(curve, {"onset": "按发病日期", "report": "按报告日期"})
        charts.map_svg(children, "确诊和无症状感染者")
    assert not [w for w in caught if "missing from font" in str(w.message)]


@pytest.fixture
def font_gone(monkeypatch, tmp_path):
    monkeypatch.setitem(fonts.FACES, 400, tmp_path / "FangkongSansSC-Regular.otf")


@pytest.fixture
def font_damaged(monkeypatch, tmp_path):
    damaged = tmp_path / "FangkongSansSC-Bold.otf"
    damaged.write_bytes(b"not a font")
    monkeypatch.setitem(fonts.FACES, 700, damaged)


@pytest.mark.parametrize("broken", ["font_gone", "font_damaged"])
def test_publishing_refuses_without_the_font_and_the_draft_stays_a_draft(request, broken, commander, tree, outbreak):
    draft = services.draft(commander, tree["city"].code, timezone.localdate())
    request.getfixturevalue(broken)
    with pytest.raises(InputRefused) as refused:
        services.publish(commander, draft.pk)
    assert refused.value.problems[0].field == "pdf" and "FangkongSansSC-" in refused.value.problems[0].message
    stored = Bulletin.objects.get(pk=draft.pk)
    assert (stored.status, stored.pdf, stored.published_at) == (Status.DRAFT, None, None)


def test_the_refusal_is_in_the_users_language_on_the_page(client, commander, tree, outbreak, font_gone):
    draft = services.draft(commander, tree["city"].code, timezone.localdate())
    login_client(client, commander)
    page = client.post(f"/bulletins/{draft.pk}/publish/", follow=True).content.decode()
    assert "中文字体" in page and "FangkongSansSC-Regular.otf" in page
    assert Bulletin.objects.get(pk=draft.pk).status == Status.DRAFT


def test_the_cli_writes_no_pdf_without_the_font(tmp_path, commander, tree, outbreak, font_gone):
    out = tmp_path / "b.pdf"
    with pytest.raises(CommandError, match="FangkongSansSC-Regular.otf"):
        call_command("bulletin", date=timezone.localdate().isoformat(), jurisdiction="420100", pdf=str(out))
    assert not out.exists()


def test_the_font_and_its_licence_are_package_data():
    """An installed fangkong (not only a checkout) carries the faces and the OFL text."""
    pyproject = Path(fonts.__file__).resolve().parents[2] / "pyproject.toml"
    globs = tomllib.loads(pyproject.read_text())["tool"]["setuptools"]["package-data"]["*"]
    shipped = sorted(p.name for p in fonts.DIRECTORY.iterdir())
    assert {p.name for p in fonts.FACES.values()} | {"OFL.txt"} <= set(shipped)
    assert [name for name in shipped if not any(fnmatch.fnmatch(name, g) for g in globs)] == []


def test_the_font_draws_every_place_name_china_has_had():
    """Bulletins print place names, some beyond GB2312 (硚口区, 鄠邑区): each character is in both weights."""
    from fontTools.ttLib import TTFont

    from fangkong.jurisdictions.codes import area_codes

    needed = {c for periods in area_codes().values() for period in periods for c in period.name}
    for face in fonts.FACES.values():
        missing = needed - {chr(point) for point in TTFont(face).getBestCmap()}
        assert not missing, f"{face.name} lacks {''.join(sorted(missing))}: run tools/subset_cjk_font.py"
