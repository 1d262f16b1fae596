"""The end: the last lines → the signature's unit, its span and its date (a unit line, then a date line, or
both on one line); furniture after it (责任编辑, 【打印本页】, a 来源 line) is skipped and its fields kept.
"""
from __future__ import annotations

import re

from kg.extract.metadata.common import HEADING_RE, TAIL_LINES, _Reader
from kg.extract.metadata.dates import ANY_DATE_RE, _date_only, _date_value, iso_date
from kg.extract.metadata.furniture import _is_furniture, furniture_fields
from kg.model import Span

UNIT_BAD_START = ("联系", "欢迎", "地址", "通信", "电话", "邮编", "邮箱", "电子", "举报", "附件", "注")


def _is_unit(s: str) -> bool:
    """A signature's unit line: a short name, no punctuation, no heading marker."""
    return (2 <= len(s) <= 40 and not re.search(r"[。，,；;：:！？!?]", s) and not HEADING_RE.match(s)
            and not s.startswith(UNIT_BAD_START) and not _is_furniture(s))


def signature(r: _Reader) -> tuple[str, Span | None, str]:
    """(unit, its span, ISO date) of the signature at the end: a unit line, then a date line (or both on
    one line). Furniture after it (责任编辑, 【打印本页】, 来源 line) is skipped and its fields kept."""
    paras = r.paras
    k = len(paras) - 1
    seen = 0
    date = ""
    while k >= r.md.first and seen < TAIL_LINES:
        s = r.line(k)
        if not s:
            k -= 1
            continue
        seen += 1
        d = _date_only(s)
        if d and not date:
            date = d
            k -= 1
            continue
        if date:
            if _is_unit(s):
                st = r.lstart(k)
                return r.text[st:paras[k].end].rstrip(), Span(st, st + len(s)), date
            return "", None, date
        if _is_furniture(s):
            furniture_fields(r, k)
            k -= 1
            continue
        m = ANY_DATE_RE.search(s, max(0, len(s) - 20))
        if m and m.end() == len(s) and m.start() >= 2:
            v = _date_value(m)
            unit = s[:m.start()].rstrip(" \u3000")
            if v and v[0] is not None and _is_unit(unit):
                st = r.lstart(k)
                return r.text[st:st + len(unit)], Span(st, st + len(unit)), iso_date(*v)
        return "", None, ""
    return "", None, date
