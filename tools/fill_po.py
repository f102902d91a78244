"""Fill the Simplified Chinese .po from tools/translations_zh.py, report what is missing, compile the .mo.

Run after `django-admin makemessages -l zh_Hans` (from src/fangkong): python tools/fill_po.py
"""

import subprocess
import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).parent))
from translations_zh import ZH, ZH_PLURAL  # noqa: E402

PO = Path(__file__).resolve().parents[1] / "src/fangkong/locale/zh_Hans/LC_MESSAGES/django.po"

po = polib.pofile(str(PO))
missing = []
for entry in po:
    # makemessages guesses ("fuzzy") from similar ids; a guess is never shipped, only the table is.
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgid_plural = None
    text = (ZH_PLURAL if entry.msgid_plural else ZH).get(entry.msgid)
    if text is None:
        missing.append(entry.msgid)
        text = ""
    if entry.msgid_plural:
        entry.msgstr_plural = {0: text}
    else:
        entry.msgstr = text
po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
po.metadata["Language"] = "zh_Hans"
po.metadata.update({"Project-Id-Version": "fangkong", "Language-Team": "fangkong <zh_Hans>",
                    "Last-Translator": "fangkong maintainers", "PO-Revision-Date": po.metadata.get("POT-Creation-Date", "")})
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.save()
for msgid in missing:
    print("missing:", msgid)
subprocess.run(["msgfmt", "--check", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
sys.exit(1 if missing else 0)
