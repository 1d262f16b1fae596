"""Structure: normalized :class:`~kg.model.Text` → :class:`~kg.model.Report`.

The title and the inspection facts come from :mod:`kg.extract.metadata`; the body's numbering tree and the
role of each of its items (section, aspect, problem category, measure) from :mod:`kg.extract.outline`.
This module turns them into the report's sections, aspects, problem categories and measures, numbered in
reading order (the printed markers are kept as notations), with their spans.

>>> from kg.extract.reading import read_bytes
>>> src = "中共某某党组关于巡视整改进展情况的通报\\n一、总体情况\\n一是加强领导。成立小组。二是细化任务。\\n二、问题整改\\n（一）学习不够深入的问题。一是完善制度；二是开展培训。"
>>> r = parse(read_bytes(src.encode(), "x"))
>>> [m.heading for m in r.sections[0].measures], [(p.number, p.label, len(p.measures)) for p in r.problems()]
(['加强领导', '细化任务'], [(1, '学习不够深入', 2)])
"""
from __future__ import annotations

import re

from kg.errors import KgInputError
from kg.extract.metadata import DATE_RE, iso_date, parse_meta
from kg.extract.numerals import cn_int
from kg.extract.outline import Node, Outline, build_outline
from kg.extract.reading import CONTINUATION_RE, FOOTER_RE
from kg.model import Aspect, Measure, Problem, Report, Section, Span, Text

CLOSING_RE = re.compile(r"^(?:欢迎.{0,30}监督|如有意见|联系电话|通信地址|电子邮箱|举报电话)")
MARKED_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[\.．、]|第[一二三四五六七八九十]+部分)")


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
                    r"(?:针对|关于)(.+?)的?问题(?:[，,].*|的整改(?:情况)?)?$",
                    r"(.{4,}?)的问题$"):
        m = re.match(pattern, label)
        if m:
            return Span(start + m.start(1), start + m.end(1))
    return Span(start, stop)


def _aspect_label(text: str, span: Span) -> Span:
    """关于X的整改情况 / 在“X”方面 / X方面的问题 → X (the whole heading when no frame matches)."""
    s = span.text(text)
    m = (re.match(r"关于(.+?)(?:的整改情况|的问题|问题的整改情况|整改情况)?$", s)
         or re.match(r"在(.+?)方面(?:的?问题|存在的问题)?$", s)
         or re.match(r"(.+?)(?:方面的?问题?|方面)?$", s))
    if not m:
        return span
    return Span(span.start + m.start(1), span.start + m.end(1))


# a paragraph that states the problem (反馈问题：…), not what was done about it
STATEMENT_RE = re.compile(r"\s*(?:反馈问题|存在问题|问题表现|具体表现|主要表现)[:：]")
MEASURE_LABEL_RE = re.compile(r"(?:整改(?:情况|措施|落实情况)|主要措施)[:：]")


def _whole_measure(text: str, span: Span) -> list[Measure]:
    """A problem category whose measures carry no markers: its body is one measure, after the paragraphs
    that state the problem (反馈问题：…) and a label (整改情况：)."""
    start = span.start
    while STATEMENT_RE.match(text, start, span.end):
        nl = text.find("\n", start, span.end)
        nl = span.end if nl == -1 else nl
        label = MEASURE_LABEL_RE.search(text, start, nl)      # 反馈问题：…。整改情况：…
        start = label.start() if label else min(nl + 1, span.end)
    while start < span.end and text[start].isspace():
        start += 1
    m = MEASURE_LABEL_RE.match(text, start, span.end)
    start = m.end() if m else start
    if start >= span.end or not text[start:span.end].strip():
        return []
    full = _strip_end(text, Span(start, span.end))
    stop = text.find("。", start, full.end)
    h = Span(start, stop if stop != -1 else full.end)
    return [Measure(number=1, heading=h.text(text), span=full, heading_span=h, marker=m.group(0) if m else "")]


def parse(t: Text) -> Report:
    """Parse the report structure. :class:`KgInputError` only when the text has no outline at all (no two
    markers of one family in sequence); a report with an outline but no problem categories still parses
    (``Report.notes`` says what was not found)."""
    text = t.text
    paras = _paragraphs(text)
    meta, first = parse_meta(text, paras)
    last = _body_end(text, paras, first, meta)
    o = build_outline(text, first, last, [(p.start, p.end) for p in paras])
    if not o.has_outline():
        raise KgInputError(f"{t.path}: no report structure found (no numbered outline: no two markers of one "
                           "family in sequence, such as 一、二、 or （一）（二） or 1. 2.)")
    report = Report(meta=meta, sections=_sections(text, o, paras, first, last), outline=o)
    if not report.problems():
        report.notes.append("no problem categories found: " + "; ".join(o.notes[-1:] or ["see kg build -v"]))
    return report


def _body_end(text: str, paras: list[Span], first: int, meta) -> int:
    """Index after the last paragraph of the body: the closing matter (invitation to supervise, contacts,
    signature, date, web footer) is not part of it."""
    end = len(paras)
    while end > first:
        p = paras[end - 1].text(text)
        if (CLOSING_RE.match(p) or FOOTER_RE.match(p) or DATE_RE.fullmatch(p) or not p.strip()
                or len(p) <= 20 and "。" not in p and not MARKED_RE.match(p)):
            d = DATE_RE.fullmatch(p)
            if d and not meta.date:
                meta.date = iso_date(cn_int(d.group(1)), cn_int(d.group(2)), cn_int(d.group(3)))
            end -= 1
        else:
            break
    return end


def _sections(text: str, o: Outline, paras: list[Span], first: int, last: int) -> list[Section]:
    """Sections with their aspects, problem categories and measures, numbered in reading order."""
    sections: list[Section] = []
    body = Section(number=0, title="", span=Span(paras[first].start if first < len(paras) else 0,
                                                 paras[last - 1].end if last > first else 0),
                   title_span=Span(0, 0), implicit=True)
    counter = {"aspect": 0, "problem": 0}
    for k in o.roots():
        n = o.nodes[k]
        if n.role in ("section", "section+aspect"):
            head = Span(n.start, _line_end(text, n))
            sec = Section(number=len(sections) + 1, title=head.text(text), span=_span(text, n), title_span=head,
                          notation=text[n.marker_start:n.start].strip())
            sections.append(sec)
            if n.role == "section+aspect":       # a section about problems is their aspect too
                counter["aspect"] += 1
                label = _aspect_label(text, head)
                asp = Aspect(number=counter["aspect"], label=label.text(text), span=sec.span, label_span=label,
                             notation=sec.notation)
                for c in n.children:
                    if o.nodes[c].role == "problem":
                        asp.problems.append(_problem(text, o, c, counter))
                    elif o.nodes[c].role == "measure":
                        sec.measures.append(_measure(text, o, c, len(sec.measures) + 1))
                sec.aspects.append(asp)
                continue
            _fill(text, o, k, sec, counter)
        else:
            _place(text, o, k, body, counter)
    if body.aspects or body.problems or not sections:
        sections.insert(0, body) if not sections else sections.append(body)
    return sections


def _fill(text: str, o: Outline, k: int, sec: Section, counter: dict) -> None:
    for c in o.nodes[k].children:
        if o.nodes[c].role == "measure":
            sec.measures.append(_measure(text, o, c, len(sec.measures) + 1))
        else:
            _place(text, o, c, sec, counter)


def _place(text: str, o: Outline, k: int, sec: Section, counter: dict) -> None:
    """An aspect or a problem category (with what it holds) into ``sec``; other items are skipped."""
    n = o.nodes[k]
    if n.role in ("aspect", "aspect+problem"):
        counter["aspect"] += 1
        label = _aspect_label(text, Span(n.start, n.head_end))
        asp = Aspect(number=counter["aspect"], label=label.text(text), span=_span(text, n), label_span=label,
                     notation=text[n.marker_start:n.start].strip())
        if n.role == "aspect+problem":
            asp.problems.append(_problem(text, o, k, counter))
        for c in n.children:
            if o.nodes[c].role == "problem":
                asp.problems.append(_problem(text, o, c, counter))
        sec.aspects.append(asp)
    elif n.role == "problem":
        sec.problems.append(_problem(text, o, k, counter))


def _problem(text: str, o: Outline, k: int, counter: dict) -> Problem:
    n = o.nodes[k]
    counter["problem"] += 1
    span = _span(text, n)
    label = _problem_label(text, n.start, n.head_end if n.head_end > n.start else span.end)
    prob = Problem(number=counter["problem"], label=label.text(text), span=span, label_span=label,
                   notation=text[n.marker_start:n.start].strip())
    kids = [c for c in n.children if o.nodes[c].role == "measure"]
    if kids:
        prob.measures = [_measure(text, o, c, i + 1) for i, c in enumerate(kids)]
    else:
        cut = n.head_end + 1
        if cut < span.end:
            prob.measures = _whole_measure(text, Span(cut, span.end))
    return prob


def _measure(text: str, o: Outline, k: int, number: int) -> Measure:
    n = o.nodes[k]
    span = _span(text, n)
    h = Span(n.start, max(n.start, min(n.head_end, span.end)))
    return Measure(number=number, heading=h.text(text).strip(), span=span, heading_span=h,
                   marker=text[n.marker_start:n.start].strip())


def _span(text: str, n: Node) -> Span:
    return _strip_end(text, Span(n.marker_start, max(n.end, n.start)))


def _line_end(text: str, n: Node) -> int:
    e = text.find("\n", n.start)
    e = len(text) if e == -1 else e
    return _strip_end(text, Span(n.start, e)).end
