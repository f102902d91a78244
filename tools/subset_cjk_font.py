"""Make the bulletin's CJK font: Noto Sans CJK SC cut down to what a Chinese bulletin uses.

    python tools/subset_cjk_font.py [--source-dir /usr/share/fonts/opentype/noto]

Reads Debian's fonts-noto-cjk collections (Noto Sans CJK SC is face 2 of each .ttc) and writes
src/fangkong/bulletins/fonts/FangkongSansSC-{Regular,Bold}.otf: ASCII, Latin-1, general
punctuation, letterlike symbols, number forms, enclosed numerals, CJK punctuation, full-width forms
every character GB2312 encodes, and every character of every administrative name GB/T 2260 has had since
1980 (place names go past GB2312: 硚口区, 鄠邑区, 埇桥区). The subset is renamed (OFL: a Modified Version keeps its own
name) and keeps the original copyright and licence records.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

OUT = Path(__file__).resolve().parents[1] / "src" / "fangkong" / "bulletins" / "fonts"
SC_FACE = 2  # Noto Sans CJK's .ttc holds JP, KR, SC, TC, HK, then the Mono faces
FAMILY = "Fangkong Sans SC"
BLOCKS = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: punctuation, signs, accented letters
    (0x2000, 0x206F),  # general punctuation: dashes, quotes, ellipsis, per mille
    (0x2100, 0x214F),  # letterlike symbols: ℃, №
    (0x2150, 0x218F),  # number forms: Ⅰ–Ⅻ
    (0x2460, 0x24FF),  # enclosed numerals: ①
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]


def gb2312() -> set[int]:
    """Every code point GB2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    points = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return points


def place_names() -> set[int]:
    from fangkong.jurisdictions.codes import area_codes

    return {ord(c) for periods in area_codes().values() for period in periods for c in period.name}


def code_points() -> set[int]:
    return gb2312() | place_names() | set().union(*(range(first, last + 1) for first, last in BLOCKS))


def rename(font: TTFont, weight: str) -> None:
    """Our own family name on every name record that names the font; copyright and licence stay."""
    postscript = f"{FAMILY.replace(' ', '')}-{weight}"
    names = {1: FAMILY, 2: weight, 3: f"{postscript};subset of Noto Sans CJK SC 2.004", 4: f"{FAMILY} {weight}",
             6: postscript, 16: FAMILY, 17: weight}
    table = font["name"]
    table.names = [record for record in table.names if record.nameID not in names]
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)
    font["CFF "].cff.fontNames = [postscript]
    font["CFF "].cff[0].FontName = postscript


def make(source: Path, weight: str, points: set[int]) -> Path:
    options = subset.Options()
    options.hinting = False  # rendered to PDF and SVG paths, never on a low-resolution screen
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    # Horizontal Simplified Chinese only: the Japanese, Korean and Traditional forms `locl` reaches and the
    # vertical forms and metrics would double the glyph count.
    options.layout_features = [f for f in options.layout_features if f != "locl" and not f.startswith("v")]
    options.drop_tables += ["vhea", "vmtx", "VORG"]
    font = TTFont(source, fontNumber=SC_FACE)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    rename(font, weight)
    target = OUT / f"{FAMILY.replace(' ', '')}-{weight}.otf"
    font.save(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, default=Path("/usr/share/fonts/opentype/noto"))
    args = parser.parse_args()
    points = code_points()
    for weight in ("Regular", "Bold"):
        target = make(args.source_dir / f"NotoSansCJK-{weight}.ttc", weight, points)
        print(f"{target.name}: {len(points):,} code points, {target.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
