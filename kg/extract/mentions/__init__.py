"""Mentions of units/organisations, awards, activities and people, and stated figures.

``extract(text, report, issuer)`` returns ``(mentions, figures)``; every
``EntityMention.text`` equals ``text.text[span.start:span.end]``.

Rules combine jieba segmentation (with a user dictionary of general vocabulary of
the field, ``kg/lexicon/``) and regular expressions:

* organisations: a *unit head* (a word such as 委员会, 领导小组, 办公厅, 巡视组 or a
  noun ending in 部/司/处/厅/局/署/院/委/校/科/室/馆/站/队/办) and the name-like words left of
  it, up to a boundary word (成立, 发挥, 会同, 学习 …), a preposition, a list marker ((一), 1.)
  or punctuation. A level word (县, 市委) starts a name unless a place name precedes it; 和/与
  between two nouns stays inside a name (住房和城乡建设局); a name after 各/有关/所属 or starting
  with 基层/地方/直属单位 … names a class of units and is dropped; a name that starts inside the
  issuer's own place name (jieba: 霁/vg + 阳市…) is widened to the whole place;
* awards: words ending in 奖 (not 奖励/奖惩/评奖 …), titles after 获评/荣获 ending
  in 样板支部/称号 …, or any “quoted” title right after 被评为/荣获/获评 …;
* activities: “quoted” names introduced by 开展/启动/实施/开设 … or followed by
  活动/专栏/行动/工程/计划 …, and unquoted 召开 …座谈会 / 启动 …工程;
* people: a role (党组书记、部长 …, or 副 + a role) followed by a 2–3 character name with a
  common surname, before 同志, punctuation or a word of what the person did, or read as a name
  by jieba;
* figures: a number (Arabic or Chinese) followed by a classifier or currency unit,
  skipping ordinals (第…), years and dates, phone numbers and set phrases: those of
  [set_phrases] (两个维护, 四种形态), dictionary words that go on after the classifier (四套班子,
  一次性), 一X一Y (一问题一台账), and 一 + classifier as an article (作为一项重大政治任务).

Modules, in the order they build on each other: :mod:`.common` (sentences, bracket spans, the mask,
vocabulary helpers), :mod:`.units`, :mod:`.awards`, :mod:`.runs` (where to segment for unit and award
names), :mod:`.activities`, :mod:`.people`, :mod:`.figures`. :func:`extract` here runs them all and drops
duplicates.
"""
from __future__ import annotations

import re

# _organizations, _awards_only_tokens, _names_in_run, _name_runs, _Mask, BLOCK_RE and segment are also
# imported from here by the tests
from kg.extract.mentions.activities import _activities
from kg.extract.mentions.awards import _awards_only_tokens, _awards_regex
from kg.extract.mentions.common import HAN, _Mask, bracket_spans, sentences
from kg.extract.mentions.figures import _figures
from kg.extract.mentions.people import _people
from kg.extract.mentions.runs import BLOCK_RE, _name_runs, _names_in_run
from kg.extract.mentions.units import ORDINAL_RE, _organizations
from kg.extract.numerals import cn_number
from kg.extract.segment import segment
from kg.model import EntityMention, Figure, Report, Span, Text


def _dedupe(mentions: list[EntityMention], text: str) -> list[EntityMention]:
    """Sort, drop exact duplicates and mentions inside a longer one of the same kind, except a
    unit before a numbered branch of it (汀州市公路建设有限公司 in …有限公司第一党支部)."""
    ms = sorted({(m.span.start, -m.span.end, m.kind, m.text, m.role or ""): m for m in mentions}.values(),
                key=lambda m: (m.span.start, -m.span.end, m.kind))
    out: list[EntityMention] = []
    for m in ms:
        # inside (or equal to) a mention of the same kind among the last ones kept
        if any(o.kind == m.kind and m.span in o.span
               and not (m.kind == "organization" and o.span.start == m.span.start and o.span.end > m.span.end
                        and ORDINAL_RE.match(text, m.span.end))
               for o in out[-8:]):
            continue
        out.append(m)
    return sorted(out, key=lambda m: (m.span.start, m.span.end, m.kind))


# a breadcrumb line (首页 > 新闻中心 > 通知公告): page furniture, not the report's units
PAGE_FURNITURE_RE = re.compile(r"^(?:首页|当前位置|您的位置|您现在的位置|网站首页)[^\n]*?[>＞»›〉][^\n]*$", re.M)
# an address up to its house number (北京市东城区美术馆后街56号): places and streets, not units
ADDRESS_RE = re.compile(r"(?:通信地址|通讯地址|联系地址|地址)[:：][^；;。，\n]{0,40}?\d+号")


# the place at the start of the issuer's name: 中共霁阳市卫生健康委员会党组 → 霁阳市
ISSUER_PLACE_RE = re.compile(rf"(?:中共)?([{HAN}]{{2,4}}?[省市县区])")


def _issuer_place(issuer: str) -> str:
    """The place name that opens the issuer's name (霁阳市, 岚坪县), else ""."""
    m = ISSUER_PLACE_RE.match(issuer or "")
    return m.group(1) if m else ""


def _widen_to_place(m: EntityMention, src: str, place: str) -> EntityMention:
    """A unit name that starts inside the report's own place name, which jieba cut (霁/vg +
    阳市第一人民医院), widened to the whole place: 霁阳市第一人民医院."""
    if m.kind != "organization":
        return m
    s = m.span.start
    for k in range(1, len(place)):
        if m.text.startswith(place[k:]) and src[max(s - k, 0):s] == place[:k]:
            return EntityMention(m.kind, src[s - k:m.span.end], Span(s - k, m.span.end))
    return m


def extract(text: Text, report: Report | None = None, issuer: str = "") -> tuple[list[EntityMention], list[Figure]]:
    """Entity mentions (organization, award, activity, person) and stated figures of ``text``."""
    src = text.text
    title_spans = bracket_spans(src)
    titles = _Mask(title_spans)
    quote_spans = bracket_spans(src, "“", "”")
    quotes = _Mask(quote_spans)
    no_orgs = _Mask(title_spans + quote_spans + [m.span() for m in PAGE_FURNITURE_RE.finditer(src)]
                    + [m.span() for m in ADDRESS_RE.finditer(src)])
    mentions: list[EntityMention] = []
    for s, e in _name_runs(src, sentences(src)):
        for kind, a, b, ha, hb in _names_in_run(src[s:e]):
            if not (no_orgs if kind == "organization" else titles).covers(s + ha, s + hb):
                mentions.append(EntityMention(kind, src[s + a:s + b], Span(s + a, s + b)))
    mentions += _awards_regex(src, titles)
    mentions += _activities(src, titles)
    mentions += _people(src, titles)
    place = _issuer_place(issuer)
    if place:
        mentions = [_widen_to_place(m, src, place) for m in mentions]
    awards = [m.span for m in mentions if m.kind == "award"]
    mentions = [m for m in mentions if m.kind != "organization"
                or not any(a.start < m.span.end and m.span.start < a.end for a in awards)]
    figures = sorted(set(_figures(src, quotes, titles)), key=lambda f: (f.span.start, f.span.end))
    for m in mentions:
        assert src[m.span.start:m.span.end] == m.text
    return _dedupe(mentions, src), figures


__all__ = ["BLOCK_RE", "bracket_spans", "cn_number", "extract", "segment", "sentences"]
