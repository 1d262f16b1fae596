"""Metadata: the title, the issuer and the inspection facts of a report (team, round, period, feedback date),
and what a web page prints around it (breadcrumb, 来源, 发布时间, a URL).

The opening of a report of the genre is read line by line, from the top:

* **page furniture** — a breadcrumb (首页 > … > …), 来源：/发布时间：/浏览次数/字号：大 中 小 lines, a bare date or
  URL line — is never the title; 来源, 发布时间 and a URL are kept (also from the footer);
* a **contents list** (目录, then short heading lines) is skipped;
* the **title** is a line with no sentence punctuation that names the report (关于…, …通报/报告/情况/公告);
  a section heading (一、…, （一）…) or the preamble (根据…部署，…) never is. A title wrapped over two lines is
  joined; a title printed twice counts once. With no title line the title is "" and the issuer comes from the
  signature at the end (a unit line followed by a date line);
* **key：value lines** (被巡察单位：, 巡视组：, 巡察时间：, 反馈时间：…) give the facts directly;
* the **preamble** (the paragraphs before the first numbered heading) gives the team (中央第十四巡视组,
  市委第三巡察组, 区委巡察二组, 教育部党组第四巡视组), the round (十九届中央第四轮巡视, 区委第五轮巡察,
  教育部党组2021年第一轮巡视), the period (2023年4月6日至5月31日) and the feedback date.

A date without a year takes it from the dates before it (a month smaller than the one before means the next
year: 2023年11月20日至1月19日 ends in 2024); dates may be written in Chinese numerals. Nothing is read from inside
《》. Every search is bounded: only the head (at most ``HEAD_LINES`` lines), the preamble (at most
``INTRO_PARAS`` paragraphs) and the tail (at most ``TAIL_LINES`` lines) are looked at, and no pattern can
backtrack over a long line.

Modules, in the order they build on each other: :mod:`.common` (the bounds, the heading pattern,
:class:`Metadata`, the reader), :mod:`.dates`, :mod:`.furniture`, :mod:`.title` (the head: contents, title,
key：value lines), :mod:`.signature` (the end), :mod:`.facts` (issuer, team, round, period, feedback).

>>> from kg.extract.reading import read_bytes
>>> from kg.extract.structure import _paragraphs
>>> t = read_bytes("中共某某党组关于巡视整改进展情况的通报\\n根据统一部署，2021年3月1日至4月30日，中央第三巡视组对某某党组开展了巡视。".encode(), "x")
>>> meta, first = parse_meta(t.text, _paragraphs(t.text))
>>> meta.issuer, meta.inspector, meta.start, meta.end, first
('中共某某党组', '中央第三巡视组', '2021-03-01', '2021-04-30', 1)
>>> src = "首页 > 信息公开\\n来源：某某医院　发布时间：2023-09-28 10:15\\n根据县委统一部署，县委第二巡察组对某某医院党委开展了巡察。\\n一、整改情况\\n中共某某医院委员会\\n2023年9月28日"
>>> t = read_bytes(src.encode(), "x")
>>> md = read_metadata(t.text, _paragraphs(t.text))
>>> md.meta.title, md.meta.issuer, md.first, md.source, md.published, md.header.text(t.text)[:9]
('', '中共某某医院委员会', 2, '某某医院', '2023-09-28T10:15', '首页 > 信息公开')
"""
from __future__ import annotations

from kg.extract.metadata.common import Metadata, _Reader
from kg.extract.metadata.dates import DATE_RE, SHORT_DATE_RE, iso_date
from kg.extract.metadata.facts import facts
from kg.extract.metadata.title import TITLE_RE, head
from kg.model import ReportMeta, Span


def parse_meta(text: str, paras: list[Span]) -> tuple[ReportMeta, int]:
    """Title, issuer and the inspection facts of the opening; returns (meta, index of first body paragraph)."""
    md = read_metadata(text, paras)
    return md.meta, md.first


def read_metadata(text: str, paras: list[Span]) -> Metadata:
    """Title, issuer, inspection facts, the index of the first body paragraph, and the page's furniture
    (header span, 来源, 发布时间, URL) of a normalized report text split into ``paras`` (one per line)."""
    r = _Reader(text, paras)
    if not paras:
        return r.md
    head(r)
    facts(r)
    return r.md


__all__ = ["DATE_RE", "SHORT_DATE_RE", "TITLE_RE", "Metadata", "iso_date", "parse_meta", "read_metadata"]
