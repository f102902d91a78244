"""Pinyin of Chinese names, with the surname readings that differ from the common reading."""

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# A character read one way as a surname and another way elsewhere (曾 zeng, not ceng).
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou", "乐": "yue",
    "覃": "qin", "翟": "zhai", "缪": "miao", "尉": "yu", "长": "chang", "万": "wan", "盖": "ge", "召": "shao",
}
# A Latin word (a foreign name) or one Chinese character.
TOKEN_RE = re.compile(r"[A-Za-z]+|[\u3400-\u9fff]")


@lru_cache(maxsize=20_000)
def _reading(char: str) -> str:
    syllables = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return syllables[0].lower() if syllables and syllables[0].isalpha() else ""


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) without tones, lower case: 曾小明 -> ("zengxiaoming", "zxm").

    Names are read character by character (a name is not a phrase), with the surname's own reading.
    """
    tokens = TOKEN_RE.findall(name)
    syllables = [
        token.lower() if token.isascii() else SURNAME_READINGS.get(token) if i == 0 and token in SURNAME_READINGS
        else _reading(token)
        for i, token in enumerate(tokens)
    ]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)
