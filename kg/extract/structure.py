"""Structure: normalized :class:`~kg.model.Text` → :class:`~kg.model.Report`.

Recognises the report title and issuer, the opening paragraph's inspection facts
(team, round, period, feedback date), the top sections (一、), the aspects the
inspectors named (（一）关于…的整改情况), the numbered problem categories (1. …)
and the measures (一是… / （1）… / 第一，…).

>>> from kg.extract.reading import read_bytes
>>> src = "中共某某党组关于巡视整改进展情况的通报\\n一、总体情况\\n一是加强领导。成立小组。二是细化任务。"
>>> r = parse(read_bytes(src.encode(), "x"))
>>> [m.heading for m in r.sections[0].measures]
['加强领导', '细化任务']
"""
from __future__ import annotations

import re

from kg.errors import KgInputError
from kg.model import Aspect, Measure, Problem, Report, ReportMeta, Section, Span, Text
from kg.extract.metadata import DATE_RE, iso_date, parse_meta
from kg.extract.numerals import cn_int
from kg.extract.reading import CONTINUATION_RE, FOOTER_RE

CN = "一二三四五六七八九十"


SECTION_RE = re.compile(rf"^([{CN}]+)、")
ASPECT_RE = re.compile(rf"^[（(]([{CN}]+)[）)]")
PROBLEM_RE = re.compile(r"^(\d+)\s*[\.．、](?!\d)\s*")
PAREN_MEASURE_RE = re.compile(r"[（(](\d+)[）)]")
ORDINAL_MEASURE_RE = re.compile(rf"([{CN}]+)是")
DI_MEASURE_RE = re.compile(rf"第([{CN}]+)[，,、]")
CLOSING_RE = re.compile(r"^(?:欢迎.{0,30}监督|如有意见|联系电话|通信地址|电子邮箱|举报电话)")


def _paragraphs(text: str) -> list[Span]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append(Span(pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _strip_end(text: str, span: Span) -> Span:
    """Shrink a span to drop trailing whitespace and a continuation note （下转第3版）."""
    start, end = span.start, span.end
    while end > start and text[end - 1].isspace():
        end -= 1
    m = CONTINUATION_RE.search(text, start, end)
    if m and text[m.end():end].strip() == "":
        end = m.start()
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _split_measures(text: str, block: Span, paras: list[Span]) -> list[Measure]:
    """Measures inside ``block``: 一是…二是… (in order), （1）（2）… or 第一，第二，…

    A marker counts only at a paragraph start or right after 。；：， and only in sequence
    (二是 after 一是), so words such as 统一是 or 唯一是 do not start a measure.
    """
    body = block.text(text)
    starts: list[tuple[int, int, str]] = []   # (offset in body, marker length, marker)
    for regex, first_ok in ((ORDINAL_MEASURE_RE, True), (PAREN_MEASURE_RE, True), (DI_MEASURE_RE, True)):
        expected = 1
        found: list[tuple[int, int, str]] = []
        for m in regex.finditer(body):
            i = m.start()
            if i > 0 and body[i - 1] not in "。；;：:，,\n":
                continue
            try:
                n = cn_int(m.group(1))
            except ValueError:
                continue
            if n == expected:
                found.append((i, len(m.group(0)), m.group(0)))
                expected += 1
            elif n == 1 and found:   # a second list inside the block: keep the first
                break
        if len(found) > len(starts):
            starts = found
    measures = []
    for k, (off, mlen, marker) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(body)
        span = _strip_end(text, Span(block.start + off, block.start + end))
        content_start = span.start + mlen
        # heading: the clause before the first 。 (or the whole measure when it has none)
        stop = text.find("。", content_start, span.end)
        h_end = stop if stop != -1 else span.end
        heading_span = Span(content_start, h_end)
        while heading_span.end > heading_span.start and text[heading_span.end - 1] in "；;，,、 ":
            heading_span = Span(heading_span.start, heading_span.end - 1)
        measures.append(Measure(number=k + 1, heading=heading_span.text(text).strip(), span=span,
                                heading_span=heading_span, marker=marker))
    return measures


def _problem_label(text: str, start: int, end: int) -> Span:
    """The problem category's label: its first sentence, without the framing words.

    关于“X”问题的整改 / 关于X的问题 / 针对X的问题，从以下方面进行整改 → X.
    """
    line_end = text.find("\n", start, end)
    stop = text.find("。", start, end)
    candidates = [x for x in (line_end, stop) if x != -1]
    stop = min(candidates) if candidates else end
    label = text[start:stop]
    for pattern in (r"关于[“\"](.+)[”\"](?:的)?问题(?:的整改(?:情况)?)?$",
                    r"(?:针对|关于)(.+?)的?问题(?:[，,].*|的整改(?:情况)?)?$"):
        m = re.match(pattern, label)
        if m:
            return Span(start + m.start(1), start + m.end(1))
    return Span(start, stop)


def _aspect_label(text: str, span: Span) -> Span:
    s = span.text(text)
    m = re.match(r"关于(.+?)(?:的整改情况|的问题|问题的整改情况|整改情况)?$", s)
    if m:
        return Span(span.start + m.start(1), span.start + m.end(1))
    m = re.match(r"(.+?)(?:方面的?问题?|方面)?$", s)
    return Span(span.start + m.start(1), span.start + m.end(1))


def parse(t: Text) -> Report:
    """Parse the report structure; :class:`KgInputError` when the text has none."""
    text = t.text
    paras = _paragraphs(text)
    meta, first = parse_meta(text, paras)
    # The body ends where the closing matter begins: invitation to supervise, contacts,
    # signature, date, web footer.
    body_end = len(paras)
    while body_end > first:
        p = paras[body_end - 1].text(text)
        if (CLOSING_RE.match(p) or FOOTER_RE.match(p) or DATE_RE.fullmatch(p) or len(p) <= 20
                and "。" not in p and not SECTION_RE.match(p)):
            if DATE_RE.fullmatch(p):
                d = DATE_RE.fullmatch(p)
                meta.date = iso_date(cn_int(d.group(1)), cn_int(d.group(2)), cn_int(d.group(3)))
            body_end -= 1
        else:
            break
    sec_idx = [i for i in range(first, body_end) if SECTION_RE.match(paras[i].text(text))]
    if not sec_idx:
        raise KgInputError(f"{t.path}: no report structure found (no top sections 一、二、…)")
    sections: list[Section] = []
    aspects = 0
    for k, i in enumerate(sec_idx):
        j = sec_idx[k + 1] if k + 1 < len(sec_idx) else body_end
        ps = paras[i]
        m = SECTION_RE.match(ps.text(text))
        title_span = Span(ps.start + m.end(), ps.end)
        sec = Section(number=cn_int(m.group(1)), title=title_span.text(text), span=Span(ps.start, paras[j - 1].end),
                      title_span=title_span)
        _parse_section_body(text, paras, i + 1, j, sec, aspects + 1)
        aspects += len(sec.aspects)
        sections.append(sec)
    if not any(s.aspects or s.measures for s in sections):
        raise KgInputError(f"{t.path}: no report structure found (no aspects, problems or measures)")
    return Report(meta=meta, sections=sections)


PROBLEM_SECTION_RE = re.compile(r"问题|反馈|关于")


def _parse_section_body(text: str, paras: list[Span], i: int, j: int, sec: Section, next_aspect: int) -> None:
    """Fill ``sec`` from paragraphs ``i``…``j-1``: aspects with their problem categories, or measures.

    * （一） opens an aspect only when numbered problem categories (1. …) follow it; otherwise
      (a section of measures written （一）（二）…) it is a measure;
    * numbered problem categories straight under a section about problems (its title names
      问题/反馈/关于) make the section their aspect (numbered ``next_aspect``);
    * elsewhere numbered paragraphs (1. 2. …) are measures when no 一是/（1）/第一 markers are found.
    """
    is_problem = [bool(PROBLEM_RE.match(paras[x].text(text))) for x in range(i, j)]
    aspect_idx = [x for x in range(i, j) if ASPECT_RE.match(paras[x].text(text))]
    real_aspects = []
    for k, x in enumerate(aspect_idx):
        nxt = aspect_idx[k + 1] if k + 1 < len(aspect_idx) else j
        if any(is_problem[y - i] for y in range(x + 1, nxt)):
            real_aspects.append(x)
    numbered = [x for x in range(i, j) if is_problem[x - i]]
    if not real_aspects and numbered and not aspect_idx and PROBLEM_SECTION_RE.search(sec.title):
        if numbered[0] > i:
            sec.measures = _split_measures(text, Span(paras[i].start, paras[numbered[0] - 1].end), paras)
        label_span = _aspect_label(text, sec.title_span)
        asp = Aspect(number=next_aspect, label=label_span.text(text), span=sec.span, label_span=label_span)
        asp.problems = _problems(text, paras, numbered, j)
        sec.aspects.append(asp)
        return
    if not real_aspects:
        block = Span(paras[i].start, paras[j - 1].end) if i < j else Span(paras[i - 1].end, paras[i - 1].end)
        if aspect_idx:
            sec.measures = _paragraph_measures(text, paras, aspect_idx, j, ASPECT_RE)
        else:
            sec.measures = (_split_measures(text, block, paras)
                            or (_paragraph_measures(text, paras, numbered, j, PROBLEM_RE) if numbered else []))
        return
    # paragraphs before the first aspect may hold section-level measures
    if real_aspects[0] > i:
        sec.measures = _split_measures(text, Span(paras[i].start, paras[real_aspects[0] - 1].end), paras)
    for k, x in enumerate(real_aspects):
        nxt = real_aspects[k + 1] if k + 1 < len(real_aspects) else j
        ps = paras[x]
        m = ASPECT_RE.match(ps.text(text))
        head = Span(ps.start + m.end(), ps.end)
        asp = Aspect(number=cn_int(m.group(1)), label="", span=Span(ps.start, paras[nxt - 1].end),
                     label_span=_aspect_label(text, head))
        asp.label = asp.label_span.text(text)
        asp.problems = _problems(text, paras, [y for y in range(x + 1, nxt) if is_problem[y - i]], nxt)
        sec.aspects.append(asp)


def _problems(text: str, paras: list[Span], prob_idx: list[int], end: int) -> list[Problem]:
    """Problem categories starting at paragraphs ``prob_idx`` (the last one runs to paragraph ``end``)."""
    out = []
    for q, y in enumerate(prob_idx):
        z = prob_idx[q + 1] if q + 1 < len(prob_idx) else end
        pm = PROBLEM_RE.match(paras[y].text(text))
        start = paras[y].start + pm.end()
        block = _strip_end(text, Span(paras[y].start, paras[z - 1].end))
        label_span = _problem_label(text, start, block.end)
        prob = Problem(number=int(pm.group(1)), label=label_span.text(text), span=block, label_span=label_span)
        # measures start after the label line / sentence
        after = text.find("\n", start, block.end)
        stop = text.find("。", start, block.end)
        cut = min([c for c in (after, stop) if c != -1], default=block.end)
        rest = Span(cut + 1, block.end)
        prob.measures = _split_measures(text, rest, paras) or _whole_measure(text, rest)
        out.append(prob)
    return out


def _whole_measure(text: str, span: Span) -> list[Measure]:
    """A problem category whose measures carry no markers: its body is one measure."""
    body = span.text(text)
    lead = len(body) - len(body.lstrip())
    m = re.match(r"(?:整改(?:情况|措施|落实情况)[:：])", body[lead:])
    start = span.start + lead + (m.end() if m else 0)
    if start >= span.end or not text[start:span.end].strip():
        return []
    full = _strip_end(text, Span(start, span.end))
    stop = text.find("。", start, full.end)
    h = Span(start, stop if stop != -1 else full.end)
    return [Measure(number=1, heading=h.text(text), span=full, heading_span=h, marker=m.group(0) if m else "")]


def _paragraph_measures(text: str, paras: list[Span], idx: list[int], j: int, marker: re.Pattern) -> list[Measure]:
    """Measures written as marked paragraphs (（一）… or 1. …) in a section without problem categories."""
    out = []
    for k, x in enumerate(idx):
        nxt = idx[k + 1] if k + 1 < len(idx) else j
        span = _strip_end(text, Span(paras[x].start, paras[nxt - 1].end))
        m = marker.match(paras[x].text(text))
        content_start = span.start + m.end()
        stop = text.find("。", content_start, span.end)
        h = Span(content_start, stop if stop != -1 else span.end)
        out.append(Measure(number=k + 1, heading=h.text(text), span=span, heading_span=h, marker=m.group(0).strip()))
    return out
