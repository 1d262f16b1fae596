"""Trace: regulation → measure (quoted sentence) → problem category → aspect, and back.

Works on any store (:class:`kg.store.base.GraphStore`: embedded, rdflib in memory, remote server); the
stores predeclare the project's prefixes.
"""
from __future__ import annotations

import re

from kg.store.results import ResultSet


def sparql_string(s: str) -> str:
    """A SPARQL string literal for any text (quotes, backslashes, newlines escaped).

    >>> sparql_string('a"b\\\\c')
    '"a\\\\"b\\\\\\\\c"'
    """
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{out}"'


CHAIN = """
SELECT ?report ?title ?kind ?action ?line ?sentence ?measure_no ?measure_heading ?problem_no ?problem ?aspect_no
       ?aspect ?section_no ?section WHERE {
  ?doc a kgo:Document ; dcterms:title ?t ; kgo:documentKind ?kind .
  ?mention kgo:mentions ?doc ; kgo:action ?action ; kgo:inReport ?report ; kgo:evidence ?ev .
  ?ev kgo:line ?line ; kgo:sentence ?s .
  OPTIONAL { ?mention kgo:inMeasure ?m . ?m kgo:heading ?mh ; kgo:number ?measure_no .
    OPTIONAL { ?m kgo:addresses ?p . ?p kgo:number ?problem_no ; skos:prefLabel ?pl .
               OPTIONAL { ?p skos:broader ?a . ?a kgo:number ?aspect_no ; skos:prefLabel ?al } }
    OPTIONAL { ?m kgo:inSection ?sec . ?sec kgo:number ?section_no ; dcterms:title ?st } }
  FILTER(%(filter)s)
  %(report)s
  BIND(STR(?t) AS ?title) BIND(STR(?s) AS ?sentence) BIND(STR(?mh) AS ?measure_heading)
  BIND(STR(?pl) AS ?problem) BIND(STR(?al) AS ?aspect) BIND(STR(?st) AS ?section)
}
ORDER BY %(order)s
"""


def _strip_title(q: str) -> str:
    return re.sub(r"^[《〈]|[》〉]$", "", q.strip())


def _report_filter(report: str | None) -> str:
    if not report:
        return ""
    return f"FILTER(STRENDS(STR(?report), {sparql_string('/' + report)}))"


def trace_document(backend, title: str, report: str | None = None) -> ResultSet:
    """Every mention of documents whose title contains ``title``, with its chain up to the aspect."""
    flt = f"CONTAINS(STR(?t), {sparql_string(_strip_title(title))})"
    return backend.query(CHAIN % {"filter": flt, "report": _report_filter(report),
                                  "order": "?report ?title ?line"})


def trace_problem(backend, number: int, report: str | None = None) -> ResultSet:
    """Every document mentioned in the measures of problem category ``number``, own regulations first."""
    return backend.query(CHAIN % {"filter": f"BOUND(?problem_no) && ?problem_no = {int(number)}",
                                  "report": _report_filter(report),
                                  "order": "?report ?measure_no ?line ?title"})


def problem_number(q: str) -> int | None:
    """``8``, ``问题8``, ``第8类``, ``#8`` → 8; otherwise None.

    >>> problem_number("第8类问题"), problem_number("中国作家协会调研工作办法")
    (8, None)
    """
    m = re.fullmatch(r"\s*(?:#|问题|第)?\s*(\d{1,3})\s*(?:类)?(?:问题)?\s*", q)
    return int(m.group(1)) if m else None


def render(rs: ResultSet, query: str) -> str:
    """Human-readable chain: per document (title query) or per problem category (number query)."""
    rows = rs.values()
    if not rows:
        return f"no document or problem matches {query!r}"
    return (_render_problem if problem_number(query) is not None else _render_document)(rows)


def _rid(row: dict) -> str:
    return row.get("report", "").rsplit("/", 1)[-1]


def _render_document(rows: list[dict]) -> str:
    out: list[str] = []
    current = None
    for r in rows:
        head = (r.get("report", ""), r["title"])
        if head != current:
            current = head
            out.append(f"《{r['title']}》  [{r['kind']}]  report {_rid(r)}")
        out.append(f"  ├─ {r['action']} · line {r['line']}: “{r['sentence']}”")
        if r.get("measure_heading"):
            out.append(f"  │    measure {r.get('measure_no', '')}: {r['measure_heading']}")
        if r.get("problem_no"):
            out.append(f"  │    problem category {r['problem_no']}: {r['problem']}")
            out.append(f"  │    aspect （{r['aspect_no']}）: {r['aspect']}")
        elif r.get("section_no"):
            out.append(f"  │    section {r['section_no']}: {r['section']}")
    return "\n".join(out)


def _render_problem(rows: list[dict]) -> str:
    out: list[str] = []
    report = measure = None
    for r in rows:
        if r.get("report") != report:
            report, measure = r.get("report"), None
            if out:
                out.append("")
            out.append(f"report {_rid(r)} · problem category {r['problem_no']}: {r['problem']}")
            out.append(f"  aspect （{r['aspect_no']}）: {r['aspect']}")
            regs = sorted({x["title"] for x in rows if x.get("report") == report and x["kind"] == "regulation"})
            out.append(f"  own regulations answering it ({len(regs)}): " + "、".join(f"《{t}》" for t in regs))
        if r.get("measure_no") != measure:
            measure = r.get("measure_no")
            out.append(f"  ├─ measure {measure}: {r['measure_heading']}")
        out.append(f"  │    《{r['title']}》 [{r['kind']}] {r['action']} · line {r['line']}: “{r['sentence']}”")
    return "\n".join(out)
