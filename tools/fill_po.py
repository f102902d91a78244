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
    if entry.msgid_plural:
        text = ZH_PLURAL.get(entry.msgid)
        if text:
            entry.msgstr_plural = {0: text}
    elif entry.msgid in ZH:
        entry.msgstr = ZH[entry.msgid]
    else:
        missing.append(entry.msgid)
        continue
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
po.metadata["Language"] = "zh_Hans"
po.metadata.update({"Project-Id-Version": "fangkong", "Language-Team": "fangkong <zh_Hans>",
                    "Last-Translator": "fangkong maintainers", "PO-Revision-Date": po.metadata.get("POT-Creation-Date", "")})
po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
po.save()
subprocess.run(["msgfmt", "--check", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
for msgid in missing:
    print("missing:", msgid)
sys.exit(1 if missing else 0)
