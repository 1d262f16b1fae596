"""Text → activity mentions.

“Quoted” names introduced by a verb of [activity_before] (开展, 启动 …) or followed by a word of
[activity_after] (活动, 专栏, 行动 …), quoted names that end in a word of [activity_heads] (…计划, …大讲堂),
and unquoted 召开…座谈会 / 启动…工程 (ending before punctuation or 和/与/及). Text inside 《》 (the mask) is skipped.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.mentions.common import HAN, _longest_first, _Mask, _word_index
from kg.model import EntityMention, Span


NOT_ACTIVITY_AFTER = ("制度", "机制", "意识", "要求", "原则", "方针", "方向", "格局", "理念", "精神", "标准",
                      "现象", "作风", "效应", "通道", "审批", "培养模式", "自信", "责任", "清单")


def _ends_with_word(s: str, section: str) -> bool:
    """Does ``s`` end with a word of a vocab section (of any length)?"""
    words, lengths = _word_index(section)
    return any(s[-n:] in words for n in lengths if n <= len(s))


QUOTE_RE = re.compile(r"“([^“”\n]{2,30})”")
QUOTE_JOIN_RE = re.compile(r"[、和及与]?")
CLAUSE_SPLIT_RE = re.compile(r"[，。；：！？\n]")
NOT_ACTIVITY_PREFIXES = ("党", "专题", "巡视", "民主", "全面从严治党", "会议", "各", "有关", "相关")


@lru_cache(maxsize=1)
def _unquoted_activity_re() -> re.Pattern:
    """A verb of [activity_before] and a name ending in a word of [activity_heads], before punctuation
    or before 和/与/及 (推进国企改革深化提升行动和巡视整改)."""
    heads = "|".join(_longest_first("activity_heads"))
    verbs = "|".join(_longest_first("activity_before"))
    return re.compile(rf"(?:{verbs})([{HAN}]{{2,22}}?(?:{heads}))(?=[^{HAN}]|$|[和与及])")


def _quote_groups(text: str) -> list[list[re.Match]]:
    """“Quoted” names, adjacent ones grouped: “A”“B”、“C”等活动."""
    groups: list[list[re.Match]] = []
    for m in QUOTE_RE.finditer(text):
        if groups and QUOTE_JOIN_RE.fullmatch(text, groups[-1][-1].end(), m.start()):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _introduced(clause: str) -> bool:
    """Does the clause before a quote end (up to 7 characters before its end) with an
    activity verb (开展, 启动实施 …)?"""
    for k in range(0, min(len(clause), 7) + 1):
        if _ends_with_word(clause[:len(clause) - k], "activity_before"):
            return True
    return False


def _activity_context(text: str, s: int, e: int, after: tuple[str, ...]) -> bool:
    """Is the quoted group at [s, e) an activity by its context (a verb before, a word after)?"""
    clause = CLAUSE_SPLIT_RE.split(text[max(0, s - 14):s])[-1]
    rest = text[e:e + 12]
    rest_wo = rest[1:] if rest.startswith("等") else rest
    ok_after = rest_wo.startswith(after) or rest.startswith(after)
    return ok_after or (_introduced(clause) and not rest_wo.startswith(NOT_ACTIVITY_AFTER))


def _activities(text: str, mask: _Mask) -> list[EntityMention]:
    out = []
    after = _longest_first("activity_after")
    for g in _quote_groups(text):
        s, e = g[0].start(), g[-1].end()
        named = [m for m in g if len(m.group(1)) >= 4 and _ends_with_word(m.group(1), "activity_heads")]
        if named and (mask.covers(s, e) or not _activity_context(text, s, e, after)):
            # “启航计划”, “澜川文旅大讲堂”: the name says it is an activity, in a title too
            out += [EntityMention("activity", m.group(1), Span(m.start(1), m.end(1))) for m in named]
            continue
        if mask.covers(s, e):
            continue
        if not _activity_context(text, s, e, after):
            continue
        for m in g:
            out.append(EntityMention("activity", m.group(1), Span(m.start(1), m.end(1))))
    # unquoted: 召开全国诗坛座谈会 / 启动…创作工程
    for m in _unquoted_activity_re().finditer(text):
        name = m.group(1)
        if mask.covers(m.start(1), m.end(1)) or len(name) < 5:
            continue
        if name.startswith(NOT_ACTIVITY_PREFIXES):
            continue
        out.append(EntityMention("activity", name, Span(m.start(1), m.end(1))))
    return out
