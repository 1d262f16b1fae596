"""Python API of kg: everything the CLI does, as functions. The CLI only parses options and prints.

>>> import kg
>>> r = kg.process("data/reports/zuoxie_2020.txt")       # one report → its graph   # doctest: +SKIP
>>> len(r.extraction.report.problems())                   # doctest: +SKIP
13
>>> kg.build(["data/reports"], "build").summary()         # many reports → the store  # doctest: +SKIP
'3 reports in build/store: 3 built, 0 unchanged, 0 removed, 0 failed (…)'
>>> kg.api.query("regulations", "build").values()[0]["action"]   # doctest: +SKIP
'enact'

Functions that read a build take ``graph`` (the build directory, default ``build/``) or ``endpoint``
(a SPARQL 1.1 server) and open and close the store themselves.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from kg.errors import KgInputError
from kg.explore import stats as _stats
from kg.explore import trace as _trace
from kg.explore import views as _views
from kg.explore.queries import COUNTS, for_report, resolve_query
from kg.extract.outline import render as render_outline
from kg.extract.pipeline import extract
from kg.model import Extraction, ReportResult
from kg.rdf import export as _export
from kg.rdf.ntriples import parse_ntriples
from kg.rdf.report import process
from kg.rdf.validate import validate as _validate
from kg.store.base import GraphStore, open_graph, open_store
from kg.store.build import CorpusResult, build_corpus
from kg.store.inputs import expand_paths
from kg.store.memory import MemoryStore
from kg.store.results import ResultSet

DEFAULT_REPORTS = Path("data/reports")
DEFAULT_OUT = Path("build")
DEFAULT_VIEWS = Path("visualizations")
#: views load the whole graph into rdflib (~1.5 KB of RAM per triple): above this many reports they are skipped
VIEWS_MAX_REPORTS = 200


def build(paths: list[str | Path] | None = None, out_dir: str | Path = DEFAULT_OUT, *, endpoint: str | None = None,
          update_endpoint: str | None = None, gsp_endpoint: str | None = None, **options) -> CorpusResult:
    """Build reports (files or directories; default ``data/reports``) into ``out_dir``: the embedded
    store (or the SPARQL server ``endpoint``), manifest and small merged outputs. Incremental; see
    :func:`kg.store.build.build_corpus` for ``options`` (``jobs``, ``rebuild``, ``progress``)."""
    if not endpoint:
        return build_corpus(paths or [DEFAULT_REPORTS], out_dir, **options)
    with open_store(endpoint, update_endpoint=update_endpoint, gsp_endpoint=gsp_endpoint) as store:
        return build_corpus(paths or [DEFAULT_REPORTS], out_dir, store=store, **options)


def report_files(paths: list[str | Path] | None = None) -> list[Path]:
    """The report files that :func:`build` reads for ``paths`` (files or directories; default ``data/reports``)."""
    return expand_paths(paths or [DEFAULT_REPORTS])


def describe_outline(path: str | Path) -> str:
    """The numbering tree of one report with the role of each level and why (what ``kg build -v`` prints)."""
    ex = extract(path)
    rep = ex.report
    lines = [f"{Path(path).name}: {len(rep.sections)} sections, {len(rep.aspects())} aspects, "
             f"{len(rep.problems())} problem categories, {len(rep.measures())} measures"]
    lines += [f"  note: {n}" for n in rep.notes]
    lines += ["  " + ln for ln in render_outline(rep.outline, ex.text.text).splitlines()]
    return "\n".join(lines)


def counts(graph: str | Path = DEFAULT_OUT, endpoint: str | None = None) -> dict[str, int]:
    """Number of resources per type (reports, aspects, problem categories, measures, …) of a build."""
    with open_graph(graph, endpoint) as store:
        return {r["type"]: int(r["n"]) for r in store.query(COUNTS).values()}


def write_views(graph: str | Path = DEFAULT_OUT, views_dir: str | Path = DEFAULT_VIEWS,
                endpoint: str | None = None) -> list[Path]:
    """Write the HTML views of a build into ``views_dir``; the paths written."""
    with open_graph(graph, endpoint) as store:
        return _views.write_views(store.graph(), views_dir)


def query(q: str, graph: str | Path = DEFAULT_OUT, endpoint: str | None = None,
          report: str | None = None) -> ResultSet:
    """Run a named query, a ``.rq`` file or SPARQL text; ``report`` restricts it to one report (by id)."""
    sparql = resolve_query(q)
    if report:
        sparql = for_report(sparql, report)
    with open_graph(graph, endpoint) as store:
        return store.query(sparql)


def trace(what: str, graph: str | Path = DEFAULT_OUT, endpoint: str | None = None,
          report: str | None = None) -> ResultSet:
    """Problem category N → every document answering it, or a document title (or part of one) → its
    mentions with the chain measure → problem category → aspect. Render with :func:`render_trace`."""
    with open_graph(graph, endpoint) as store:
        n = _trace.problem_number(what)
        if n is not None:
            return _trace.trace_problem(store, n, report)
        return _trace.trace_document(store, what, report)


def render_trace(rs: ResultSet, what: str) -> str:
    """The answer of :func:`trace` as the indented text ``kg trace`` prints."""
    return _trace.render(rs, what)


def validate(graph: str | Path = DEFAULT_OUT, endpoint: str | None = None) -> tuple[bool, str]:
    """SHACL validation of a build: (conforms, report text)."""
    with open_graph(graph, endpoint) as store:
        return _validate(store.graph())


def stats(graph: str | Path = DEFAULT_OUT, endpoint: str | None = None, top: int = 10) -> dict:
    """Counts per type, most connected units, busiest problem categories, disconnected pieces."""
    with open_graph(graph, endpoint) as store:
        return _stats.stats(store.graph(), top=top)


def render_stats(s: dict, fmt: str = "table") -> str:
    """The answer of :func:`stats` as JSON (``fmt="json"``) or as the tables ``kg stats`` prints."""
    return _stats.to_json(s) if fmt == "json" else _stats.render(s)


def view(name: str, out: str | Path, graph: str | Path = DEFAULT_OUT, endpoint: str | None = None,
         depth: int = 2) -> Path:
    """Write the neighbourhood (``depth`` hops) of the entity whose label contains ``name`` to ``out``."""
    with open_graph(graph, endpoint) as store:
        return _views.write_focus(store.graph(), name, Path(out), depth=depth)


def export(fmt: str, out: str | os.PathLike | IO[bytes], graph: str | Path = DEFAULT_OUT,
           endpoint: str | None = None) -> None:
    """Write the whole graph of a build as ``fmt`` (turtle, trig, nquads, ntriples, json-ld) to ``out``."""
    with open_graph(graph, endpoint) as store:
        source = store.graph() if isinstance(store, MemoryStore) else store
        _export.export(source, fmt, out)


def merged(results: list[ReportResult]):
    """The graphs of several processed reports merged into one rdflib ``Graph``."""
    g = parse_ntriples(b"")
    for r in results:
        g += r.graph
    return g


__all__ = ["KgInputError", "Extraction", "ReportResult", "CorpusResult", "GraphStore", "build", "counts",
           "describe_outline", "report_files", "export",
           "extract", "merged", "open_graph", "process", "query", "render_stats", "render_trace", "stats", "trace", "validate",
           "view", "write_views", "DEFAULT_OUT", "DEFAULT_REPORTS", "DEFAULT_VIEWS", "VIEWS_MAX_REPORTS"]
