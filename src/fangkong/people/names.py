"""Pinyin of Chinese names, with the surname readings that differ from the common reading."""

from pypinyin import Style, lazy_pinyin

# A character read one way as a surname and another way elsewhere (曾 zeng, not ceng).
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou", "乐": "yue",
    "覃": "qin", "翟": "zhai", "缪": "miao", "尉": "yu", "长": "chang", "万": "wan", "盖": "ge", "召": "shao",
}


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) without tones, lower case: 曾小明 -> ("zengxiaoming", "zxm")."""
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore")]
    if name and name[0] in SURNAME_READINGS and syllables:
        syllables[0] = SURNAME_READINGS[name[0]]
    syllables = [s for s in syllables if s.isalpha()]
    return "".join(syllables), "".join(s[0] for s in syllables)
