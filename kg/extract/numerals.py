"""Chinese and Arabic numerals.

>>> cn_number("二十三"), cn_number("两"), cn_number("三百万"), cn_number("二〇一九"), cn_number("1.8")
(23.0, 2.0, 3000000.0, 2019.0, 1.8)
>>> cn_number("若干") is None, cn_number("万") is None, cn_number("十")
(True, True, 10.0)
"""
from __future__ import annotations

import re

ARABIC_RE = re.compile(r"\d+(?:\.\d+)?")
CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def cn_number(s: str) -> float | None:
    """Value of an Arabic or Chinese numeral (十个 → 10, 两次 → 2, 二十三 → 23); a run of
    digits without units is read digit by digit (二〇一九 → 2019). None when ``s`` is not one, and for
    a bare 百/千/万 (全县万人起诉率: a numeral has a digit or 十)."""
    if ARABIC_RE.fullmatch(s):
        return float(s)
    if not any(ch in CN_DIGITS or ch == "十" for ch in s):
        return None
    if len(s) > 1 and all(ch in CN_DIGITS for ch in s):
        return float("".join(str(CN_DIGITS[ch]) for ch in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            u = CN_UNITS[ch]
            if u == 10000:
                section = (section + (digit or 0)) * u
                total += section
                section = 0
            else:
                section += (1 if digit is None else digit) * u
            digit = None
        else:
            return None
    return float(total + section + (digit or 0))


def cn_int(s: str) -> int:
    """:func:`cn_number` as an int; ValueError when ``s`` is not a numeral.

    >>> cn_int("十三"), cn_int("12")
    (13, 12)
    """
    v = cn_number(s.strip())
    if v is None:
        raise ValueError(f"not a numeral: {s!r}")
    return int(v)
