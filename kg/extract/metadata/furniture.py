"""Page furniture: a line → is it something a web page prints around the text (breadcrumb, 来源/发布时间/字号
line, 【打印本页】, a URL, a bare date)? and a furniture line → the page's 来源, 发布时间 and URL, kept on the
reader's :class:`~kg.extract.metadata.common.Metadata` (the first of each found).
"""
from __future__ import annotations

import re

from kg.extract.metadata.common import _Reader
from kg.extract.metadata.dates import ANY_DATE_RE, TIME_RE, _date_only, _date_value, iso_date
from kg.model import Span

URL_RE = re.compile(r"(?:https?://|www\.)[\x21-\x7e]+")

# Page furniture: keys of the lines a web page prints around the text.
SOURCE_KEYS = ("信息来源", "文章来源", "稿件来源", "来源", "稿源")
PUBLISHED_KEYS = ("发布时间", "发布日期", "发表时间", "发稿时间", "更新时间", "成文日期", "时间", "日期")
FIELD_KEY_RE = re.compile(
    r"(信息来源|文章来源|稿件来源|来源|稿源|发布时间|发布日期|发表时间|发稿时间|更新时间|成文日期|时间|日期"
    r"|作者|责任编辑|编辑|审核|校对|浏览次数|浏览量|浏览|点击数|点击量|点击|阅读量|阅读次数|阅读|访问量"
    r"|字号|字体|索引号|发布机构|发文机关|发布单位|网址|原文链接|本文链接|链接|分享到|分享)\s*[：:]")
FURNITURE_START_RE = re.compile(
    r"^[【\[]?\s*(?:(?:信息来源|文章来源|稿件来源|来源|稿源|发布时间|发布日期|发表时间|发稿时间|更新时间|成文日期"
    r"|时间|日期|作者|责任编辑|编辑|审核|校对|浏览次数|浏览量|浏览|点击数|点击量|点击|阅读量|阅读次数|阅读|访问量"
    r"|字号|字体|索引号|发布机构|发文机关|发布单位|网址|原文链接|本文链接|链接|分享到|分享|当前位置|您的位置"
    r"|您现在的位置|您当前的位置|所在位置)\s*[：:】\]]|打印本页|关闭窗口|返回顶部|收藏本页|打印此页)")
BRACKETS_ONLY_RE = re.compile(r"(?:\s*[【\[][^】\]【\[]{0,20}[】\]])+\s*")
BREADCRUMB_START_RE = re.compile(r"^(?:首页|主页|网站首页|当前位置|您的位置|您现在的位置|您当前的位置|所在位置)")
BREADCRUMB_SEP = ">＞»›→"
CONTINUATION_RE = re.compile(r"^[（(](?:下转|转|接)第?[\d一二三四五六七八九十]+版[）)]$|^[（(]未完待续[）)]$")


def _is_breadcrumb(s: str) -> bool:
    if len(s) > 120 or "。" in s:
        return False
    seps = sum(s.count(c) for c in BREADCRUMB_SEP)
    return seps >= 2 or seps >= 1 and bool(BREADCRUMB_START_RE.match(s))


def _is_furniture(s: str) -> bool:
    """A line a web page prints around the text: breadcrumb, 来源/发布时间/字号 line, 【打印本页】, a URL, a date."""
    if not s or len(s) > 300:
        return False
    if _is_breadcrumb(s) or BRACKETS_ONLY_RE.fullmatch(s) or _date_only(s) or CONTINUATION_RE.match(s):
        return True
    if "。" in s[:-1]:
        return False
    m = FURNITURE_START_RE.match(s)
    if m:
        key = m.group(0)
        # 时间：/日期： alone is furniture, but not a period (巡视时间 lines are key：value metadata)
        return not (re.match(r"^[【\[]?\s*(?:时间|日期)", key) and re.search("至|到", s))
    return bool(URL_RE.match(s)) or bool(re.match(r"^(?:网址|链接|原文|本文)", s) and URL_RE.search(s))


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
