"""Text → stated figures (``Figure``: value, unit, what is counted, the text and its span).

A number (Arabic or Chinese) followed by a classifier or currency unit of [figure_units], skipping
ordinals (第…), years and dates, phone numbers and set phrases: those of [set_phrases] (两个维护, 四种形态),
dictionary words that go on after the classifier (四套班子, 一次性), 一X一Y (一问题一台账), and 一 + classifier
as an article (作为一项重大政治任务). What is counted is the noun after the figure, or else the one before.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.mentions.common import HAN, _longest_first, _Mask
from kg.extract.numerals import cn_number
from kg.extract.segment import cutter, segment
from kg.model import Figure, Span


CN_NUMERALS = "零〇一二两三四五六七八九十百千万"


@lru_cache(maxsize=1)
def _figure_re() -> re.Pattern:
    """A number, 余/多, and a unit of [figure_units] (longest first), 万/亿 in front of the unit
    included (4.2万套, 1.2万余批次: value 4.2, unit 万套)."""
    units = "|".join(re.escape(u) for u in _longest_first("figure_units"))
    num = rf"(\d+(?:\.\d+)?|[{CN_NUMERALS}]+)"
    # the lookahead (the first character of a number) lets the scan skip other characters fast
    return re.compile(rf"(?=[\d{CN_NUMERALS}]){num}(余|多)?((?:[万亿](?:余|多)?)?(?:{units}))")


@lru_cache(maxsize=1)
def _set_phrases() -> tuple[re.Pattern, int]:
    """The set phrases of [set_phrases] (一把手, 两个维护, 四种形态 …), longest first, and the
    length of the longest."""
    words = _longest_first("set_phrases")
    return re.compile("|".join(map(re.escape, words))), max(map(len, words))


# 一X一Y: a numeral repeated by design (一问题一台账, 一单一卡, 一人一档), not two counts
REPEATED_ONE_RE = re.compile(r"一(?![季年月周天日次])[\u4e00-\u9fff]{1,3}?一[\u4e00-\u9fff]{1,2}")
# 一 + classifier after a copula or 的 is an article: 作为一项重大政治任务, 的一次实践检验
ARTICLE_BEFORE = ("作为", "是", "为", "成为", "当作", "视为", "列为", "的", "这", "那")


def _in_set_phrase(text: str, i: int, end: int) -> bool:
    """Is the numeral at ``i`` (its classifier ending at ``end``) inside a set phrase: one of
    [set_phrases] (一方面, 八项规定, 两个维护 …), or a word of the dictionary that goes on after
    the classifier (四套班子, 一条龙, 一次性)?"""
    phrases, longest = _set_phrases()
    for k in range(max(0, i - longest + 1), i + 1):
        m = phrases.match(text, k)      # the longest phrase starting at k
        if m and m.end() > i:
            return True
    if text[i].isdigit():
        return False
    freq = cutter().freq
    return any(freq.get(text[i:j]) for j in range(end + 1, min(len(text), end + 3) + 1))


def _figures(text: str, quote_mask: _Mask, mask: _Mask) -> list[Figure]:
    out = []
    freq = cutter().freq
    repeated = _Mask([m.span() for m in REPEATED_ONE_RE.finditer(text)])
    for m in _figure_re().finditer(text):
        s, e = m.start(), m.end()
        prev = text[s - 1] if s else ""
        if prev in "第.-—－" or prev.isdigit() or prev in CN_NUMERALS:
            continue
        if quote_mask.covers(s, e) or mask.covers(s, e):
            continue
        raw, unit = m.group(1), m.group(3)
        if _in_set_phrase(text, s, e) or not raw[0].isdigit() and repeated.covers(s, e):
            continue
        if not raw[0].isdigit():
            if raw == "二" or raw == "一" and text.endswith(ARTICLE_BEFORE, max(0, s - 2), s):
                continue        # 二期 (a phase: a count says 两), 作为一项任务 (an article)
            # Chinese numerals only as counts: 两次, 十个; not 统一, 唯一, 之一
            if prev and "\u4e00" <= prev <= "\u9fff" and prev not in "共近约达有了和、余超逾至到是" \
                    and (freq.get(prev + raw[0]) or prev in "之逐唯统万单同专划"):
                continue
            if unit in ("方面", "类", "种", "批", "期", "处", "支", "节", "本", "套", "张", "例", "床") and raw == "一":
                continue
        nxt = text[e:e + 1]
        if unit in ("个", "部", "处", "家", "所", "门", "期") and nxt in "月年日号版届":
            continue
        if unit == "对" and (not raw[0].isdigit() or nxt.isdigit()):
            continue        # 对子22对 is a count of pairs; 一对一, 1对1 and 对 as a preposition are not
        if unit == "个" and text.startswith("百分点", e):
            unit, e = "个百分点", e + 3
        value = cn_number(raw)
        if value is None:
            continue
        what = _what(text, s, e)
        out.append(Figure(value, unit, what, text[s:e], Span(s, e)))
    return out


_STOP_WHAT = "的和与及、已中均得在被为是将对从向并且其，。；：！？（）《》“”"
STOP_WHAT_RE = re.compile("[" + re.escape(_STOP_WHAT) + "]")
HAN_AFTER_RE = re.compile(rf"[{HAN}]{{1,8}}")
HAN_BEFORE_RE = re.compile(rf"[{HAN}]{{1,12}}$")


def _what(text: str, s: int, e: int) -> str:
    after = HAN_AFTER_RE.match(text, e)
    if after:
        w = after.group(0)
        stop = STOP_WHAT_RE.search(w)
        w = w[:stop.start()] if stop else w
        if len(w) >= 2:
            return w[:8]
    # the noun before: 专题会35次, 罚没款1.8亿元
    left = HAN_BEFORE_RE.search(text[max(0, s - 12):s])
    if not left:
        return ""
    toks = segment(left.group(0))
    for t in reversed(toks):
        if t[3].startswith(("n", "vn", "j", "l")) and len(t[2]) >= 2:
            return t[2]
    return ""
