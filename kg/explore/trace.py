"""Trace: regulation → measure (quoted sentence) → problem category → aspect, and back.

Works on any store (:class:`kg.store.base.GraphStore`: embedded, rdflib in memory, remote server); the
stores predeclare the project's prefixes.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from kg.rdf.vocab import report_iri
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


def document_query(title: str, report: str | None = None) -> str:
    """The SPARQL of every mention of documents whose title contains ``title``, with its chain up to the aspect."""
    return CHAIN % {"filter": f"CONTAINS(STR(?t), {sparql_string(_strip_title(title))})",
                    "report": _report_filter(report), "order": "?report ?title ?line"}


def problem_query(number: int, report: str | None = None) -> str:
    """The SPARQL of every document mentioned in the measures of problem category ``number``."""
    return CHAIN % {"filter": f"BOUND(?problem_no) && ?problem_no = {int(number)}",
                    "report": _report_filter(report), "order": "?report ?measure_no ?line ?title"}


def chain_query(what: str, report: str | None = None) -> str:
    """The SPARQL of a trace: a problem category number (``8``, ``问题8``) → :func:`problem_query`, else a
    title (or part of one) → :func:`document_query`; ``report``: only that report (by id)."""
    n = problem_number(what)
    return problem_query(n, report) if n is not None else document_query(what, report)


def trace_document(backend, title: str, report: str | None = None) -> ResultSet:
    """Every mention of documents whose title contains ``title``, with its chain up to the aspect."""
    return backend.query(document_query(title, report))


def trace_problem(backend, number: int, report: str | None = None) -> ResultSet:
    """Every document mentioned in the measures of problem category ``number``, own regulations first."""
    return backend.query(problem_query(number, report))


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
    if not rows:     # what was asked exists (see :func:`missing`) but no document answers it
        n = problem_number(query)
        if n is not None:
            return f"problem category {n}: no document is mentioned in its measures"
        return f"no mention of a document whose title contains {_strip_title(query)!r} has a sentence to show"
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


# --------------------------------------------------------------------------- what exists ("not found" messages)

def report_ids(backend) -> list[str]:
    """The ids of the reports in a store (the last segment of their IRIs), in natural order."""
    rows = backend.query("SELECT ?report WHERE { ?report a kgo:Report }").values()
    return sorted({_rid(r) for r in rows}, key=_natural)


def has_report(backend, report: str) -> bool:
    """Whether the store holds the report whose id is ``report``."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", report):
        return False
    q = f"SELECT ?report WHERE {{ VALUES ?report {{ <{report_iri(report)}> }} ?report a kgo:Report }}"
    return bool(backend.query(q).rows)


def unknown_report(backend, report: str) -> str | None:
    """None when the store holds report ``report``; else a message naming the report ids it has."""
    if has_report(backend, report):
        return None
    ids = report_ids(backend)
    if not ids:
        return f"no report {report!r}: the graph holds no report yet (kg build adds them)"
    shown = ids if len(ids) <= 10 else sorted(closest(report, ids, 10), key=_natural)
    more = f" … ({len(ids)} in all: kg query report lists them)" if len(shown) < len(ids) else ""
    return f"no report {report!r}; report ids: {', '.join(shown)}{more}"


def _run(backend):
    """A function running a query: ``backend`` itself when it is one (e.g. a query within limits, see
    :func:`kg.api.trace`), else its ``query`` method."""
    return backend.query if hasattr(backend, "query") else backend


def problem_numbers(backend, report: str | None = None) -> list[int]:
    """The problem category numbers of a store (of one report); ``backend``: a store or a query function."""
    q = ("SELECT DISTINCT ?n WHERE { ?p a kgo:ProblemCategory ; kgo:number ?n ; kgo:inReport ?report . %s }"
         % _report_filter(report))
    return sorted({int(r["n"]) for r in _run(backend)(q).values()})


def document_titles(backend, report: str | None = None) -> list[str]:
    """The titles of the documents mentioned in a store (in one report); ``backend``: a store or a query
    function."""
    q = ("SELECT DISTINCT ?title WHERE { ?mention kgo:mentions ?doc ; kgo:inReport ?report . "
         "?doc a kgo:Document ; dcterms:title ?t . %s BIND(STR(?t) AS ?title) }" % _report_filter(report))
    return sorted({r["title"] for r in _run(backend)(q).values()})


def missing(backend, what: str, report: str | None = None) -> str | None:
    """Why a trace found nothing when what ``what`` names is not in the store: a message naming what is
    (the problem category numbers, a few document titles); None when it is there. ``backend``: a store, or
    a function that runs a query (and keeps its limits).

    The message says what exists, e.g. "no problem category 99; problem categories: 1–13".
    """
    where = f" in report {report}" if report else ""
    n = problem_number(what)
    if n is not None:
        numbers = problem_numbers(backend, report)
        if n in numbers:
            return None
        if not numbers:
            return f"no problem category {n}{where}: there are no problem categories"
        return f"no problem category {n}{where}; problem categories: {ranges(numbers)}"
    q = _strip_title(what)
    titles = document_titles(backend, report)
    if any(q in t for t in titles):
        return None
    if not titles:
        return f"no document title contains {q!r}{where}: no document is mentioned"
    return (f"no document title contains {q!r}{where}; closest titles: "
            + "、".join(f"《{t}》" for t in closest(q, titles)) + " (kg query documents lists them all)")


def closest(query: str, names: Iterable[str], n: int = 5) -> list[str]:
    """The ``n`` names most like ``query``: the 50 sharing the most characters with it, ranked by
    :class:`difflib.SequenceMatcher` (which prefers names near the query's length), then the shortest.

    >>> closest("调研办法", ["干部选拔任用工作实施办法", "中国作家协会调研工作办法", "规划纲要"], 2)
    ['中国作家协会调研工作办法', '干部选拔任用工作实施办法']
    """
    q = query.casefold()
    chars = set(q)
    short = sorted((-len(chars & set(s.casefold())), len(s), s) for s in set(names))[:50]
    ranked = sorted((-difflib.SequenceMatcher(None, q, s.casefold()).ratio(), len(s), s) for _, _, s in short)
    return [s for _, _, s in ranked[:n]]


def ranges(numbers: list[int]) -> str:
    """Sorted numbers as runs.

    >>> ranges([1, 2, 3, 5, 7, 8])
    '1–3, 5, 7–8'
    """
    runs: list[list[int]] = []
    for x in numbers:
        if runs and x == runs[-1][1] + 1:
            runs[-1][1] = x
        else:
            runs.append([x, x])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _natural(s: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]
