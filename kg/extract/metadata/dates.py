"""Dates: text → ISO dates (2023年4月6日, 4月6日, 二〇二三年四月六日, 2023-04-06 / 2023.4.6 / 2023/4/6).

:func:`iso_date` formats one; ``_date_value`` reads a match of ``ANY_DATE_RE``; ``_date_only`` reads a line
that is a date and nothing else; ``_Dates`` reads dates in order, a date without a year taking it from the
dates before it; ``_ranges`` pairs the dates joined by 至/到/—.
"""
from __future__ import annotations

import re

from kg.extract.numerals import cn_int

DATE_RE = re.compile(r"((?:19|20)\d{2}|[二〇○零一三四五六七八九]{4})年([\d一二三四五六七八九十]{1,3})月"
                     r"([\d一二三四五六七八九十]{1,3})日")
SHORT_DATE_RE = re.compile(r"(?:((?:19|20)\d{2})年)?([\d一二三四五六七八九十]{1,3})月([\d一二三四五六七八九十]{1,3})日")

# Any date: 2023年4月6日, 4月6日, 二〇二三年四月六日, 2023-04-06 / 2023.4.6 / 2023/4/6.
ANY_DATE_RE = re.compile(
    r"(?:((?:19|20)\d{2}|[二〇○零一三四五六七八九]{4})\s?年\s?)?([\d一二三四五六七八九十]{1,3})\s?月\s?"
    r"([\d一二三四五六七八九十]{1,3})\s?[日号]"
    r"|(?<![\d.])((?:19|20)\d{2})([-./])(\d{1,2})\5(\d{1,2})(?![\d.])")
RANGE_SEP_RE = re.compile(r"\s*起?\s*(?:至|到|—{1,2}|－{1,2}|-{1,2}|~|～|–)\s*")
TIME_RE = re.compile(r"\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")


def iso_date(y: int, m: int, d: int) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


def _date_value(m: re.Match) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of an :data:`ANY_DATE_RE` match; None when it is not a valid date."""
    try:
        if m.group(4):
            y, mo, d = int(m.group(4)), int(m.group(6)), int(m.group(7))
        else:
            y = cn_int(m.group(1)) if m.group(1) else None
            mo, d = cn_int(m.group(2)), cn_int(m.group(3))
    except ValueError:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31) or (y is not None and not 1900 <= y <= 2199):
        return None
    return y, mo, d


def _date_only(s: str) -> str:
    """ISO date when ``s`` is a date and nothing else (2023年9月28日, 二〇二三年九月二十八日, 2023-09-28)."""
    s = s.strip()
    if len(s) > 26:
        return ""
    if s[:1] in "（(" and s[-1:] in "）)":
        s = s[1:-1].strip()
    m = ANY_DATE_RE.fullmatch(s)
    v = _date_value(m) if m else None
    return iso_date(*v) if v and v[0] is not None else ""


class _Dates:
    """Reads dates in order; a date without a year takes it from the dates before it (the next year when its
    month is smaller than the one before), or else from ``ref`` (the signature's or the page's date)."""

    def __init__(self, ref: str = "") -> None:
        self.year: int | None = None
        self.month = 0
        self.ref = ref

    def resolve(self, v: tuple[int | None, int, int]) -> str:
        y, mo, d = v
        if y is None:
            if self.year is not None:
                y = self.year + (1 if mo < self.month else 0)
            elif self.ref:
                ry, rm, rd = (int(x) for x in self.ref[:10].split("-"))
                y = ry if (mo, d) <= (rm, rd) else ry - 1
            else:
                return ""
        self.year, self.month = y, mo
        return iso_date(y, mo, d)

    def scan(self, s: str, offset: int = 0) -> list[tuple[int, int, str]]:
        """[(start, end, iso)] of the dates in ``s`` (offsets + ``offset``), years filled in."""
        out = []
        for m in ANY_DATE_RE.finditer(s):
            v = _date_value(m)
            if v is None:
                continue
            iso = self.resolve(v)
            if iso:
                out.append((offset + m.start(), offset + m.end(), iso))
        return out


def _ranges(s: str, dates: list[tuple[int, int, str]], offset: int = 0) -> list[tuple[int, int]]:
    """Index pairs (i, i+1) of ``dates`` joined by 至/到/— in ``s``."""
    out = []
    for i in range(len(dates) - 1):
        a, b = dates[i], dates[i + 1]
        gap = s[a[1] - offset:b[0] - offset]
        if len(gap) <= 6 and RANGE_SEP_RE.fullmatch(gap):
            out.append((i, i + 1))
    return out
