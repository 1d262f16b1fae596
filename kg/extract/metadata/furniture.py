"""Page furniture → its fields: the page's 来源, 发布时间 and URL of a furniture line, kept on the reader's
:class:`~kg.extract.metadata.common.Metadata` (the first of each found). What furniture is (breadcrumb,
来源/发布时间/字号 line, 【打印本页】, a URL) is ruled in one place, :func:`kg.extract.reading.is_furniture`;
around the title and the signature a bare date and a continuation note count too (:func:`_is_furniture`).
"""
from __future__ import annotations

import re

from kg.extract.metadata.common import _Reader
from kg.extract.metadata.dates import ANY_DATE_RE, TIME_RE, _date_only, _date_value, iso_date
from kg.extract.reading import CONTINUATION_RE, PAGE_KEYS, URL_RE, alternatives, is_furniture
from kg.model import Span

# the keys whose values a page's furniture gives (the rules of what furniture is: kg.extract.reading)
SOURCE_KEYS = ("信息来源", "文章来源", "稿件来源", "来源", "稿源")
PUBLISHED_KEYS = ("发布时间", "发布日期", "发表时间", "发稿时间", "更新时间", "成文日期", "时间", "日期")
FIELD_KEY_RE = re.compile(r"(" + alternatives(PAGE_KEYS) + r")\s*[：:]")


def _is_furniture(s: str) -> bool:
    """A line printed around the text, before the title or after the signature: page furniture
    (:func:`kg.extract.reading.is_furniture`), a bare date (the page's) or a continuation note (（下转第3版）)."""
    return is_furniture(s) or bool(_date_only(s)) or bool(CONTINUATION_RE.fullmatch(s.strip()))


def furniture_fields(r: _Reader, i: int) -> None:
    """Keep 来源, 发布时间 and a URL of furniture line ``i`` (the first of each found)."""
    s, base, md = r.line(i), r.lstart(i), r.md
    keys = list(FIELD_KEY_RE.finditer(s))
    for k, m in enumerate(keys):
        key = m.group(1)
        vs = m.end()
        ve = keys[k + 1].start() if k + 1 < len(keys) else len(s)
        raw = s[vs:ve]
        value = raw.strip(" \u3000\t【】[]|｜")
        if not value:
            continue
        off = vs + (len(raw) - len(raw.lstrip(" \u3000\t【】[]|｜")))
        if key in SOURCE_KEYS and not md.source:
            tok = re.match(r"[^\s\u3000|｜]+", value)
            if tok:
                md.source, md.source_span = tok.group(0), Span(base + off, base + off + tok.end())
                rest = value[tok.end():]
                d = ANY_DATE_RE.search(rest)
                if d and not md.published:
                    set_published(r, rest, d, base + off + tok.end())
        elif key in PUBLISHED_KEYS and not md.published:
            d = ANY_DATE_RE.search(value)
            if d and d.start() <= 2:
                set_published(r, value, d, base + off)
    if not keys and not md.published:
        d = ANY_DATE_RE.fullmatch(s.strip())
        if d:
            set_published(r, s, d, base)
    u = URL_RE.search(s)
    if u and not md.url:
        md.url, md.url_span = u.group(0).rstrip("。，,；;）)】"), Span(base + u.start(), base + u.end())


def set_published(r: _Reader, s: str, d: re.Match, base: int) -> None:
    v = _date_value(d)
    if not v or v[0] is None:
        return
    iso, end = iso_date(*v), d.end()
    t = TIME_RE.match(s, d.end())
    if t and int(t.group(1)) < 24 and int(t.group(2)) < 60:
        iso += f"T{int(t.group(1)):02d}:{t.group(2)}" + (f":{t.group(3)}" if t.group(3) else "")
        end = t.end()
    r.md.published, r.md.published_span = iso, Span(base + d.start(), base + end)
