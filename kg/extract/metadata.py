"""Metadata: the title, the issuer and the inspection facts of a report (team, round, period, feedback date).

>>> from kg.extract.reading import read_bytes
>>> from kg.extract.structure import _paragraphs
>>> t = read_bytes("中共某某党组关于巡视整改进展情况的通报\\n根据统一部署，2021年3月1日至4月30日，中央第三巡视组对某某党组开展了巡视。".encode(), "x")
>>> meta, first = parse_meta(t.text, _paragraphs(t.text))
>>> meta.issuer, meta.inspector, meta.start, meta.end, first
('中共某某党组', '中央第三巡视组', '2021-03-01', '2021-04-30', 1)
"""
from __future__ import annotations

import re

from kg.extract.numerals import cn_int
from kg.model import ReportMeta, Span

SECTION_RE = re.compile(r"^([一二三四五六七八九十]+)、")
TITLE_RE = re.compile(r"整改.{0,12}(?:通报|情况)|通报$")
DATE_RE = re.compile(r"((?:19|20)\d{2}|[二〇○零一三四五六七八九]{4})年([\d一二三四五六七八九十]{1,3})月"
                     r"([\d一二三四五六七八九十]{1,3})日")
SHORT_DATE_RE = re.compile(r"(?:((?:19|20)\d{2})年)?([\d一二三四五六七八九十]{1,3})月([\d一二三四五六七八九十]{1,3})日")


def iso_date(y: int, m: int, d: int) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


def parse_meta(text: str, paras: list[Span]) -> tuple[ReportMeta, int]:
    """Title, issuer and the inspection facts of the opening; returns (meta, index of first body paragraph)."""
    # The title is the line that names the 整改…通报 (a page header — 来源 …, a date — may come first);
    # a long title is wrapped over two lines when the line before it is a bare name (中共某某党组).
    k = next((k for k, ps in enumerate(paras[:5])
              if TITLE_RE.search(ps.text(text)) and "。" not in ps.text(text)), 0)
    t0 = k
    if k > 0:
        prev = paras[k - 1].text(text)
        if len(prev) <= 40 and not re.search(r"[：:，,。\d]", prev):
            t0 = k - 1
    title_span = Span(paras[t0].start, paras[k].end)
    title = title_span.text(text).replace("\n", "")
    first = k + 1
    m = re.match(r"(.+?)(?:关于|对?(?:十[八九]|二十)届|巡[视察]整改)", title)
    issuer = m.group(1) if m else ""
    meta = ReportMeta(title=title, issuer=issuer, title_span=title_span,
                      issuer_span=Span(title_span.start, title_span.start + len(issuer)) if issuer else None)
    mr = re.search(r"关于(.*?巡[视察])(?:工作)?(?:反馈意见)?整改", title)
    if mr and mr.group(1) not in ("巡视", "巡察"):
        meta.round = mr.group(1)
        meta.round_span = Span(title_span.start + mr.start(1), title_span.start + mr.end(1))
    # The opening paragraph(s) before the first section hold the inspection facts.
    intro_end = first
    while intro_end < len(paras) and not SECTION_RE.match(paras[intro_end].text(text)):
        intro_end += 1
    for ps in paras[first:intro_end]:
        para = ps.text(text)
        mi = re.search(r"([\u4e00-\u9fff（）()]{2,24}?第[一二三四五六七八九十]+巡[视察]组)", para)
        if not mi:   # a team without a number: 中央巡视组对…, 省委巡察组对…
            mi = re.search(r"([\u4e00-\u9fff]{2,16}?巡[视察]组)(?:于[^，。]{0,20})?对", para)
        if mi and not meta.inspector:
            meta.inspector = mi.group(1)
            meta.inspector_span = Span(ps.start + mi.start(1), ps.start + mi.end(1))
        if not meta.round:
            mr = re.search(r"根据(.{2,30}?巡[视察])工作", para)
            if mr:
                meta.round = mr.group(1)
                meta.round_span = Span(ps.start + mr.start(1), ps.start + mr.end(1))
        mrange = re.search(DATE_RE.pattern + r"\s*(?:至|到|—|－|-|~)\s*" + SHORT_DATE_RE.pattern, para)
        if mrange and not meta.start:
            y = cn_int(mrange.group(1))
            meta.start = iso_date(y, cn_int(mrange.group(2)), cn_int(mrange.group(3)))
            y2 = int(mrange.group(4)) if mrange.group(4) else y
            meta.end = iso_date(y2, cn_int(mrange.group(5)), cn_int(mrange.group(6)))
            meta.dates_span = Span(ps.start + mrange.start(), ps.start + mrange.end())
        for sentence in re.finditer(r"[^。]*反馈[^。]*。?", para):
            md = DATE_RE.search(sentence.group(0))
            if md and not meta.feedback and (not mrange or md.start() + sentence.start() >= mrange.end()):
                meta.feedback = iso_date(cn_int(md.group(1)), cn_int(md.group(2)), cn_int(md.group(3)))
                break
    return meta, first


__all__ = ["DATE_RE", "SHORT_DATE_RE", "TITLE_RE", "iso_date", "parse_meta"]
