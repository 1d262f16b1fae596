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

import functools
import hashlib
import os
import re
from pathlib import Path
from typing import IO

from kg.errors import KgError, KgInputError, KgNotFoundError
from kg.explore import explorer as _explorer
from kg.explore import serve as _serve
from kg.explore import stats as _stats
from kg.explore import trace as _trace
from kg.explore.explorer import links as _links
from kg.explore.explorer.links import Match, node_link, search_link, served_link
from kg.explore.explorer.page import read_model
from kg.explore.queries import COUNTS, for_report, resolve_query
from kg.extract.outline import render as render_outline
from kg.extract.pipeline import extract
from kg.model import Extraction, ReportResult
from kg.rdf import export as _export
from kg.rdf.ntriples import parse_ntriples
from kg.rdf.report import process as _process_report
from kg.rdf.validate import validate as _validate
from kg.rdf.vocab import SUMMARY_GRAPH
from kg.store import guard as _guard
from kg.store.base import GraphStore, open_graph, open_store
from kg.store.build import CorpusResult, build_corpus
from kg.store.inputs import expand_paths
from kg.store.memory import MemoryStore
from kg.store.results import QueryResult, ResultSet
from kg.store.workers import DEFAULT_MAX_MEMORY as DEFAULT_REPORT_MEMORY
from kg.store.workers import DEFAULT_TIMEOUT as DEFAULT_REPORT_TIMEOUT
from kg.store.workers import Budget, OverBudgetError, one_line, within_budget

DEFAULT_REPORTS = Path("data/reports")
DEFAULT_OUT = Path("build")
DEFAULT_VIEWS = Path("visualizations")
#: the pages kg wrote into the views folder before the explorer replaced them (removed by kg build)
OLD_VIEWS = re.compile(r"(?:overview|trace|aspect-\d+|corpus[\w.-]*|focus-[\w.-]+)\.html")
#: kg stats: beyond this many triples the counts per type alone (the rest reads the whole graph into memory)
STATS_MAX_TRIPLES = _stats.MAX_TRIPLES


def _require_report(store, report: str) -> None:
    msg = _trace.unknown_report(store, report)
    if msg:
        raise KgNotFoundError(msg)


def build(paths: list[str | Path] | None = None, out_dir: str | Path = DEFAULT_OUT, *, endpoint: str | None = None,
          update_endpoint: str | None = None, gsp_endpoint: str | None = None,
          timeout: float | None = DEFAULT_REPORT_TIMEOUT, max_memory: float | None = DEFAULT_REPORT_MEMORY,
          **options) -> CorpusResult:
    """Build reports (files or directories; default ``data/reports``) into ``out_dir``: the embedded
    store (or the SPARQL server ``endpoint``), manifest and small merged outputs. Incremental; see
    :func:`kg.store.build.build_corpus` for ``options`` (``jobs``, ``rebuild``, ``progress``). Each report
    is extracted in a worker process within ``timeout`` seconds and ``max_memory`` MB (``None`` or 0: no
    limit); a report over its budget fails with a message and the others are built."""
    options.setdefault("budget", Budget(timeout, max_memory))
    if not endpoint:
        # what the explorer reads of each report graph built, kept for write_explorer (DIR/explorer-cache/)
        options.setdefault("on_graph", functools.partial(_explorer.cache_report, Path(out_dir) / _explorer.CACHE_DIR))
        return build_corpus(paths or [DEFAULT_REPORTS], out_dir, **options)
    with open_store(endpoint, update_endpoint=update_endpoint, gsp_endpoint=gsp_endpoint) as store:
        return build_corpus(paths or [DEFAULT_REPORTS], out_dir, store=store, **options)


def process(path: str | Path, *, timeout: float | None = DEFAULT_REPORT_TIMEOUT,
            max_memory: float | None = DEFAULT_REPORT_MEMORY) -> ReportResult:
    """One report file → its extraction and graph (:func:`kg.rdf.report.process`), in this process, within
    a budget where one can be kept (:func:`kg.store.workers.within_budget`): ``timeout`` seconds by a timer
    when called from the main thread (from another thread time is not limited), ``max_memory`` MB of
    address space added to this process while the report is read (Linux; the limit is the process's, so
    other threads share it meanwhile). ``None`` or 0: no limit. Over it: :class:`KgInputError` (an
    ``OverBudgetError``) naming the file and the budget. Warnings are one line each."""
    with within_budget(Budget(timeout, max_memory), str(path)):
        res = _process_report(path)
    res.warnings = [one_line(w) for w in res.warnings]
    return res


def report_files(paths: list[str | Path] | None = None) -> list[Path]:
    """The report files that :func:`build` reads for ``paths`` (files or directories; default ``data/reports``)."""
    return expand_paths(paths or [DEFAULT_REPORTS])


def describe_outline(path: str | Path, *, timeout: float | None = DEFAULT_REPORT_TIMEOUT,
                     max_memory: float | None = DEFAULT_REPORT_MEMORY) -> str:
    """The numbering tree of one report with the role of each level and why (what ``kg build -v`` prints),
    read within the budget of :func:`process`."""
    with within_budget(Budget(timeout, max_memory), str(path)):
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


def write_explorer(graph: str | Path = DEFAULT_OUT, views_dir: str | Path = DEFAULT_VIEWS,
                   endpoint: str | None = None, title: str | None = None, max_reports: int | None = None) -> Path:
    """Write the explorer (``explorer.html``: trace, SPARQL in the page, the source text) of a build into
    ``views_dir``; its path. Left as it is, without reading the graph, when the build did not change. A build
    of more than ``max_reports`` reports (default ``KG_EXPLORER_MAX_REPORTS``, else
    :data:`kg.explore.explorer.MAX_REPORTS`) gets the corpus page: the overview of its reports, each report
    opened through ``kg serve``."""
    fingerprint, keys, cache = "", {}, None
    if not endpoint:
        data, keys, cache = _explorer.build_keys(graph)
        # what each report graph depends on (as for the build's summaries): the page data of an unchanged
        # report is read from DIR/explorer-cache/ instead of its graph
        if data:
            fingerprint = hashlib.sha256(data + str(title).encode("utf-8")).hexdigest()[:24]
    serve_cmd = f"kg serve --endpoint {endpoint}" if endpoint else f"kg serve --graph {graph}"
    if Path(views_dir).resolve() != (Path(graph) / DEFAULT_VIEWS.name).resolve() and not endpoint:
        serve_cmd += f" --views {views_dir}"
    with open_graph(graph, endpoint) as store:
        return _explorer.write_explorer(store, views_dir, title=title, fingerprint=fingerprint, cache_dir=cache,
                                        report_keys=keys, max_reports=max_reports, serve=serve_cmd)


def remove_old_views(views_dir: str | Path = DEFAULT_VIEWS) -> list[Path]:
    """Remove from ``views_dir`` the pages that kg wrote there before the explorer (``overview.html``,
    ``trace.html``, ``aspect-N.html``, ``corpus*.html``, ``focus-*.html``; no other file); the paths removed."""
    d = Path(views_dir)
    if not d.is_dir():
        return []
    gone = []
    for p in sorted(d.iterdir()):
        if OLD_VIEWS.fullmatch(p.name) and p.is_file():
            p.unlink()
            gone.append(p)
    return gone


def query(q: str, graph: str | Path = DEFAULT_OUT, endpoint: str | None = None,
          report: str | None = None, *, timeout: float | None = _guard.DEFAULT_TIMEOUT,
          max_rows: int | None = _guard.DEFAULT_MAX_ROWS, allow_service: bool = False) -> QueryResult:
    """Run a named query, a ``.rq`` file or SPARQL text; ``report`` restricts it to one report (by id;
    :class:`KgNotFoundError`, naming the report ids, when the build has no such report).

    The query is checked first (no update, no ``FROM``, no ``SERVICE`` unless ``allow_service``: see
    :mod:`kg.store.guard`) and runs in a child process stopped after ``timeout`` seconds (a ``KgQueryError``
    says so); the answer has at most ``max_rows`` rows (``.truncated`` when cut). ``None`` or 0: no limit."""
    sparql = resolve_query(q)
    _guard.precheck(sparql)
    if report:
        sparql = for_report(sparql, report)
    return _guard.run(open_graph, (graph, endpoint), sparql, timeout=timeout, max_rows=max_rows,
                      allow_service=allow_service,
                      prepare=functools.partial(_require_report, report=report) if report else None)


def trace(what: str, graph: str | Path = DEFAULT_OUT, endpoint: str | None = None,
          report: str | None = None, *, timeout: float | None = _guard.DEFAULT_TIMEOUT,
          max_rows: int | None = _guard.DEFAULT_MAX_ROWS) -> QueryResult:
    """Problem category N → every document answering it, or a document title (or part of one) → its
    mentions with the chain measure → problem category → aspect. Render with :func:`render_trace`.
    :class:`KgNotFoundError` (naming what exists) when the report, the problem category or no title matches.
    Every query runs within the limits of :func:`query` (``timeout`` seconds in a process of its own, at most
    ``max_rows`` rows: ``.truncated`` when cut; ``None`` or 0: no limit)."""
    run = functools.partial(_guard.run, open_graph, (graph, endpoint), timeout=timeout, max_rows=max_rows)
    rs = run(_trace.chain_query(what, report),
             prepare=functools.partial(_require_report, report=report) if report else None)
    if not rs.rows and (msg := _trace.missing(run, what, report)):
        raise KgNotFoundError(msg)
    return rs


def render_trace(rs: ResultSet, what: str) -> str:
    """The answer of :func:`trace` as the indented text ``kg trace`` prints."""
    return _trace.render(rs, what)


def validate(graph: str | Path = DEFAULT_OUT, endpoint: str | None = None) -> tuple[bool, str]:
    """SHACL validation of a build, its report graphs and its summaries graph (checked with the reports its
    ``kgo:namedIn`` point to): (conforms, report text)."""
    with open_graph(graph, endpoint) as store:
        summaries = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?s ?p ?o }} }}")
        return _validate(store.graph(), parse_ntriples(summaries.triples or b""))


def stats(graph: str | Path = DEFAULT_OUT, endpoint: str | None = None, top: int = 10, *,
          timeout: float | None = _guard.DEFAULT_TIMEOUT, max_triples: int | None = _stats.MAX_TRIPLES) -> dict:
    """Counts per type, most connected units, busiest problem categories, disconnected pieces; for a graph of
    more than ``max_triples`` triples the counts alone (the rest reads the whole graph into memory). The
    counting queries run within ``timeout`` seconds each, as :func:`query`. ``None`` or 0: no limit."""
    run = functools.partial(_guard.run, open_graph, (graph, endpoint), timeout=timeout, max_rows=None)
    triples = int(run(_stats.TRIPLES).values()[0]["n"])
    if max_triples and triples > max_triples:
        return _stats.counts_only({r["type"]: int(r["n"]) for r in run(COUNTS).values()}, triples, max_triples)
    with open_graph(graph, endpoint) as store:
        return _stats.stats(store.graph(), top=top)


def render_stats(s: dict, fmt: str = "table") -> str:
    """The answer of :func:`stats` as JSON (``fmt="json"``) or as the tables ``kg stats`` prints."""
    return _stats.to_json(s) if fmt == "json" else _stats.render(s)


def view(name: str, graph: str | Path = DEFAULT_OUT, endpoint: str | None = None,
         views_dir: str | Path = DEFAULT_VIEWS) -> tuple[Path, list[Match]]:
    """The build's explorer page in ``views_dir`` (written if missing or out of date, as :func:`write_explorer`)
    and its nodes whose label or IRI contains ``name``, best first (:func:`kg.explore.explorer.links.find_nodes`);
    open one with :func:`node_link` (``match.link(page, depth)``), all with :func:`search_link` ``(page, name)``.
    :class:`KgNotFoundError`, naming the closest labels, when none does. With ``endpoint`` an existing page
    is used as it is (``kg build --endpoint`` rewrites it)."""
    page = Path(views_dir) / _explorer.FILENAME
    if not endpoint or not page.is_file():
        page = write_explorer(graph, views_dir, endpoint, max_reports=_explorer.written_limit(page))
    model = read_model(page)
    with open_graph(graph, endpoint) as store:
        matches = _links.find_nodes(store, name, model)
    if not matches:
        labels = _trace.closest(name, (n[2] for n in model["nodes"]))
        shown = "、".join(lb if len(lb) <= 30 else lb[:29] + "…" for lb in labels)
        raise KgNotFoundError(f"no entity label contains {name!r}; closest labels: {shown}" if labels
                              else f"no entity label contains {name!r}: the graph is empty")
    return page, matches


def export(fmt: str, out: str | os.PathLike | IO[bytes], graph: str | Path = DEFAULT_OUT,
           endpoint: str | None = None) -> None:
    """Write the whole graph of a build as ``fmt`` (turtle, trig, nquads, ntriples, json-ld) to ``out``, with the
    summaries across reports (their own named graph in TriG, N-Quads and JSON-LD; merged in Turtle and
    N-Triples), so that the file loaded elsewhere answers the queries across reports too."""
    with open_graph(graph, endpoint) as store:
        source = store.dataset() if isinstance(store, MemoryStore) else store
        _export.export(source, fmt, out, include_summaries=True)


DEFAULT_SERVE_PORT = _serve.DEFAULT_PORT
DEFAULT_SERVE_URL = f"http://{_serve.HOST}:{_serve.DEFAULT_PORT}/"
EXPLORER_MAX_REPORTS = _explorer.MAX_REPORTS
explorer_limit = _explorer.report_limit
DEFAULT_SERVE_TIMEOUT = _serve.DEFAULT_TIMEOUT


def serve(graph: str | Path = DEFAULT_OUT, endpoint: str | None = None, port: int = _serve.DEFAULT_PORT,
          views: str | Path | None = DEFAULT_VIEWS, timeout: float | None = _serve.DEFAULT_TIMEOUT,
          max_rows: int | None = _guard.DEFAULT_MAX_ROWS, verbose: bool = False) -> _serve.KgServer:
    """A server on 127.0.0.1:``port`` (0: a free port) for the views folder ``views`` and a read-only SPARQL
    1.1 endpoint (``/sparql``) over the build ``graph`` or, forwarded, the SPARQL server ``endpoint``; every
    query within the guard (``timeout`` seconds in a process of its own, ``max_rows``). Not yet serving:
    call ``serve_forever()`` (and ``server_close()``); its ``url`` and ``source.label`` say where and what."""
    return _serve.make_server(graph, endpoint, port=port, views=views, timeout=timeout, max_rows=max_rows,
                              verbose=verbose)


def merged(results: list[ReportResult]):
    """The graphs of several processed reports merged into one rdflib ``Graph``."""
    g = parse_ntriples(b"")
    for r in results:
        g += r.graph
    return g


__all__ = ["KgInputError", "Extraction", "ReportResult", "CorpusResult", "GraphStore", "build", "counts",
           "describe_outline", "report_files", "export", "KgNotFoundError",
           "extract", "merged", "open_graph", "process", "query", "render_stats", "render_trace", "serve", "stats", "trace", "validate",
           "view", "Match", "node_link", "search_link", "served_link", "write_explorer", "remove_old_views", "DEFAULT_OUT", "DEFAULT_REPORT_MEMORY", "DEFAULT_REPORT_TIMEOUT", "OverBudgetError", "DEFAULT_SERVE_PORT", "DEFAULT_SERVE_TIMEOUT", "DEFAULT_SERVE_URL", "EXPLORER_MAX_REPORTS", "explorer_limit", "read_model", "DEFAULT_REPORTS", "DEFAULT_VIEWS", "STATS_MAX_TRIPLES"]
