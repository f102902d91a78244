"""The CJK font the bulletin's PDF and charts are drawn in, shipped with the package.

A server may have no Chinese font at all (no fonts-noto-cjk): WeasyPrint and matplotlib would then
draw every Chinese character as a box. Both take the font from here instead of from fontconfig:
WeasyPrint through an @font-face rule with a file:// URL, matplotlib through its font manager.
The font is a subset of Noto Sans CJK SC (tools/subset_cjk_font.py, licence in bulletins/fonts/OFL.txt).
"""

from __future__ import annotations

from pathlib import Path

FAMILY = "Fangkong Sans SC"
DIRECTORY = Path(__file__).resolve().parent / "bulletins" / "fonts"
# CSS font-weight -> the file of that face.
FACES = {400: DIRECTORY / "FangkongSansSC-Regular.otf", 700: DIRECTORY / "FangkongSansSC-Bold.otf"}

_in_matplotlib: set[Path] = set()


class FontUnavailable(RuntimeError):
    """A face of the bulletin font is missing or is not a font."""

    def __init__(self, path: Path, reason: str):
        self.path = path
        super().__init__(f"{path}: {reason}")


def require() -> dict[int, Path]:
    """The faces by weight, each checked and loaded into matplotlib (once); FontUnavailable if one cannot be."""
    from matplotlib import font_manager, rcParams

    for path in FACES.values():
        if not path.is_file():
            raise FontUnavailable(path, "no such file")
        if path not in _in_matplotlib:
            try:
                font_manager.fontManager.addfont(str(path))
            except (OSError, RuntimeError, ValueError) as error:  # FreeType's refusal of a file that is no font
                raise FontUnavailable(path, str(error)) from None
            _in_matplotlib.add(path)
    # DejaVu (matplotlib's own) draws the few signs the subset leaves out, glyph by glyph.
    rcParams["font.family"] = [FAMILY, "DejaVu Sans"]
    return dict(FACES)


def font_face_css() -> str:
    """@font-face rules that make FAMILY the shipped faces for WeasyPrint, whatever fontconfig knows."""
    return "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
        f'src: url("{path.as_uri()}") format("opentype"); }}'
        for weight, path in require().items())
