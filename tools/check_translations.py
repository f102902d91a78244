"""Fail when the Chinese catalogue is behind the code: run makemessages on a copy of the source (the tree stays
clean) and list every msgid that is new without a translation, has an empty or fuzzy translation, or is no longer
used; and check that the committed .mo is the compiled .po.

    python tools/check_translations.py        (exit 1 and the list when something is missing)
"""

from __future__ import annotations

import ast
import gettext
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "fangkong"
CATALOGUE = Path("locale") / "zh_Hans" / "LC_MESSAGES"


def read_po(path: Path) -> dict[tuple[str, str], dict]:
    """The entries of a .po file by (context, msgid): their translations and flags (a small reader: no dependency)."""
    entries, entry, key = {}, None, None

    def close():
        if entry is not None and (entry["msgid"] or entry["msgctxt"]):
            entries[(entry["msgctxt"], entry["msgid"])] = entry

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip() or (line.startswith("#") and entry is not None and key is not None):
            close()
            entry, key = None, None
            if not line.strip():
                continue
        if entry is None:
            entry = {"msgctxt": "", "msgid": "", "msgstr": {}, "flags": set(), "obsolete": False}
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, key, ast.literal_eval(line))
        else:
            key, _space, value = line.partition(" ")
            _append(entry, key, ast.literal_eval(value), start=True)
    return {k: e for k, e in entries.items() if not e["obsolete"]}


def _append(entry: dict, key: str, text: str, start: bool = False) -> None:
    if key.startswith("msgstr"):
        index = key[7:-1] if key.startswith("msgstr[") else "0"
        entry["msgstr"][index] = ("" if start else entry["msgstr"].get(index, "")) + text
    elif key in ("msgid", "msgctxt", "msgid_plural"):
        entry[key] = ("" if start else entry.get(key, "")) + text


def problems() -> list[str]:
    found = []
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "fangkong"
        shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "static"))
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}  # write into the copy only
        subprocess.run([str(Path(sys.executable).with_name("django-admin")), "makemessages", "-l", "zh_Hans",
                        "--no-obsolete"], cwd=copy, env=env, check=True, capture_output=True)
        fresh, committed = read_po(copy / CATALOGUE / "django.po"), read_po(SOURCE / CATALOGUE / "django.po")
        for (context, msgid), entry in fresh.items():
            name = f"{msgid!r}" + (f" (context {context!r})" if context else "")
            if (context, msgid) not in committed:
                found.append(f"new, not in django.po: {name}")
            elif "fuzzy" in entry["flags"]:
                found.append(f"fuzzy: {name}")
            elif not all(entry["msgstr"].values()) or not entry["msgstr"]:
                found.append(f"empty: {name}")
        for _context, msgid in committed.keys() - fresh.keys():
            found.append(f"no longer used (run makemessages --no-obsolete): {msgid!r}")
        compiled = Path(scratch) / "django.mo"
        subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(SOURCE / CATALOGUE / "django.po")], check=True)
        if _catalog(compiled) != _catalog(SOURCE / CATALOGUE / "django.mo"):
            found.append("django.mo is not the compiled django.po: run compilemessages -l zh_Hans")
    return found


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


if __name__ == "__main__":
    missing = problems()
    for line in missing:
        print(line)
    sys.exit(1 if missing else 0)
