"""The explorer: one offline HTML page per build (``explorer.html``) to query, trace and read the graph.

- **Trace** (the page opens on it): every document × problem category (action, report, evidence line),
  filterable by action, report, aspect and document kind; a row shows its chain aspect → problem category →
  measure → document as a graph.
- **Query**: SPARQL runs in the page (Oxigraph's WebAssembly build over the build's graph, embedded) with
  the prefixes of ``kg query``, the named queries one click away, a row cap; updates and SERVICE are
  refused. Served by ``kg serve`` (and always when the graph is too large to embed), the queries go to its
  ``/sparql`` on the same origin instead; the page says which source answers. A page whose graph is not
  embedded (the corpus page, a graph above :data:`EMBED_MAX_BYTES`) holds no engine (no wasm, no
  ``'wasm-unsafe-eval'`` in its CSP). Results as a sortable table
  (CSV/JSON download in the W3C formats) and as a graph.
- **Source**: the report text with line numbers and every extracted fact highlighted by type; a
  highlight selects its node, a node shows its highlights.
- **Graph** (``#view=graph``): all reports (several: one node per report, the documents and units several
  reports name, linked with the actions), a report's overview (aspects → problem categories → the documents
  answering them), one aspect (with its measures), the neighbourhood of a node
  (``#view=graph&node=IRI&depth=N``: what ``kg view NAME --depth N`` opens); each drawn at the first level of
  detail whose layout fits the pane with labels ≥ 12 px, the rest listed as not drawn.
- Search over names, quoted sentences, line numbers and report ids (``#search=TEXT`` opens its list);
  permalinks (``#view=…&node=…&q=…``); PNG/SVG export of the graph; keyboard access.

A store's page data is cached per report graph in ``cache_dir`` (``DIR/explorer-cache/`` for a build: one
JSON file per report, keyed by what the report graph depends on, :func:`report_key`). ``kg build`` fills it
as it builds each report graph (:func:`cache_report`, from the graph's text the workers hand back), so the
page write after a build reads no report graph out of the store; a part missing is read from the store
(:func:`write_explorer`), so a build that changed one report reads at most that report's graph.

Public API
----------
- :func:`write_explorer` ``(source, out_dir, title=None) -> Path``: write ``out_dir/explorer.html``.
- :func:`render_explorer` ``(source, title=None) -> str``: the page's HTML.

``source`` is the build's graph as N-Quads (``bytes``/``str``) or a store with ``iter_nquads`` (the
embedded store, a SPARQL server); the ontology graph is embedded too, so the page's queries see what
``kg query`` sees. Modules: :mod:`.model` (graph → page model, with SPARQL on an in-memory Oxigraph),
:mod:`.page` (assets, compression, CSP, the template). Browser code is in ``templates/``; Oxigraph's npm
build is vendored in ``static/oxigraph/``, vis-network in ``static/vis-network/``.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path

from kg.errors import KgError, KgViewError
from kg.explore.explorer.model import (COUNT_KEYS, MODEL_VERSION, assemble, build_model, corpus_query, corpus_raw,
                                      load_store, merge_raw, read_raw, read_raw_graphs, terms)
from kg.explore.explorer.page import OXIGRAPH_NPM, full_fingerprint, page_fingerprint, render_page
from kg.fileio import atomic_write
from kg.rdf.vocab import KGO, ONTOLOGY_GRAPH, SUMMARY_GRAPH

#: the page's file name inside the views folder
FILENAME = "explorer.html"
#: N-Quads above this size are not embedded (the page would be too slow to open): trace, source and search
#: still work, the Query tab queries through ``kg serve`` (opened from a file it points to it). About 40
#: reports of the seed's size.
EMBED_MAX_BYTES = 48 * 1024 * 1024
#: a build of more reports than this gets the **corpus page** instead of the full page: every report (title,
#: issuer, date, counts) and the documents and units several reports name, without the reports' text, facts
#: and trace rows; a report opens in its own page served by ``kg serve`` (``/report/ID/explorer.html``).
#: The full page grows by ~130 KB a report (13 MB measured at 100 reports) and is read whole into memory by the build
#: and the browser: at 1,000 reports it would be ~130 MB, too large to open. ``KG_EXPLORER_MAX_REPORTS``
#: (environment) or ``kg build --explorer-max-reports N`` changes it.
MAX_REPORTS = 150
#: the shared documents and units the corpus page holds (the first of ``kg query shared_documents`` /
#: ``shared_units``: named by the most reports); the rest are counted in its overview's title and, served by
#: ``kg serve``, loaded on demand (:data:`CORPUS_PAGE` at a time, "more…" under the Graph tab's not-drawn list)
CORPUS_DOCS, CORPUS_UNITS = 400, 200
#: the shared documents or units the corpus page served by ``kg serve`` loads at a time ("more…", on demand)
CORPUS_PAGE = 50
#: where ``kg serve`` serves one report's explorer (``REPORT_PAGE.format(id=…)``), beside the corpus page
REPORT_PAGE = "report/{id}/explorer.html"
#: the page-data cache's folder in a build directory
CACHE_DIR = "explorer-cache"
#: report graphs missing in the page-data cache read into one in-memory store at a time
READ_BATCH = 25
#: query results shown in the page's table (downloads hold every row up to kg query's cap)
TABLE_ROWS = 10000


def graph_nquads(source) -> bytes:
    """N-Quads bytes of ``source``: bytes/str as they are; of a store, its report graphs, the ontology and the
    build-time summaries (what ``kg query`` sees), in a deterministic order; of an rdflib graph (a build's
    ``graph.ttl`` in memory), its triples."""
    if isinstance(source, bytes):
        return source
    if isinstance(source, str):
        return source.encode("utf-8")
    it = getattr(source, "iter_nquads", None)
    if it is not None and hasattr(source, "reports"):
        parts = []
        for g in sorted(set(source.reports()) | {ONTOLOGY_GRAPH, SUMMARY_GRAPH}):
            try:
                parts.append(b"".join(it([g])))
            except KgError:            # a server without that graph
                continue
        return b"".join(parts)
    graph = getattr(source, "dataset", None) or getattr(source, "graph", None)
    if callable(graph):         # graph.ttl in memory: its report graphs and the summaries (the dataset)
        source = graph()
    if hasattr(source, "serialize"):
        return source.serialize(format="nquads" if hasattr(source, "contexts") else "nt", encoding="utf-8")
    raise KgViewError(f"cannot read N-Quads from {type(source).__name__}: pass N-Quads bytes or a store")


def _load(nq: bytes):
    try:
        return load_store(nq)
    except (SyntaxError, ValueError) as e:
        raise KgViewError(f"the graph is not valid N-Quads: {e}") from e


def _graph_bytes(store, iri: str) -> bytes:
    try:
        return b"".join(store.iter_nquads([iri]))
    except KgError:            # a server without that graph
        return b""


def report_key(entry: dict) -> str:
    """What a report graph depends on, from its build manifest entry: the file's bytes, the extractor, the
    corrections (as the build's summaries key their cache)."""
    return json.dumps([entry.get("sha256"), entry.get("extractor"), entry.get("corrections") or None])


def _part_path(cache_dir: Path, iri: str) -> Path:
    return cache_dir / (hashlib.sha1(iri.encode("utf-8")).hexdigest()[:24] + ".json")


def _write_part(cache_dir: Path, iri: str, key: str, size: int, raw: dict) -> None:
    """Keep one part; a cache that cannot be written (a read-only build directory) is done without."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(_part_path(cache_dir, iri), json.dumps({"v": MODEL_VERSION, "iri": iri, "key": key, "size": size,
                                                             "raw": raw}, ensure_ascii=False, separators=(",", ":")))
    except (OSError, KgError):
        pass


def cache_report(cache_dir, iri: str, entry: dict, data: bytes) -> None:
    """Keep in ``cache_dir`` what the report graph ``data`` (its N-Triples or N-Quads, as a build's workers
    hand them back) gives the page, keyed by ``entry`` (:func:`report_key`): the next page write does not
    read that graph out of the store. A graph that cannot be read is left out (the write reads it)."""
    try:
        raw = read_raw(_load(data))
        cache_dir = Path(cache_dir)
        quads = f"<{iri}> .\n".encode("utf-8")
        size = len(data) if quads in data[:4096] else len(data) + data.count(b"\n") * (len(quads) - 2)
        _write_part(cache_dir, iri, report_key(entry), size, raw)
    except (KgError, OSError, ValueError, SyntaxError):
        return


def report_limit() -> int:
    """:data:`MAX_REPORTS`, or the environment's ``KG_EXPLORER_MAX_REPORTS`` when it is a number."""
    try:
        return int(os.environ.get("KG_EXPLORER_MAX_REPORTS", "")) or MAX_REPORTS
    except ValueError:
        return MAX_REPORTS


def written_limit(path) -> int | None:
    """The report limit the explorer page at ``path`` was written with (kept in its fingerprint), or None:
    ``kg view`` rewrites an out-of-date page with the limit its build chose (``--explorer-max-reports``)."""
    m = re.search(r"-r(\d+)\.", page_fingerprint(path) or "")
    return int(m.group(1)) if m else None


def build_keys(graph_dir) -> tuple[bytes, dict[str, str], Path | None]:
    """A build directory's manifest bytes (b"" without one), what each report graph depends on
    (:func:`report_key`, by report IRI) and its page-data cache folder (None without a manifest)."""
    manifest = Path(graph_dir) / "manifest.json"
    try:
        data = manifest.read_bytes()
    except OSError:
        return b"", {}, None
    try:
        keys = {e["iri"]: report_key(e)
                for e in json.loads(data).get("reports", {}).values() if isinstance(e, dict) and e.get("iri")}
    except (ValueError, AttributeError):
        return data, {}, None
    return data, keys, Path(graph_dir) / CACHE_DIR


def _cached_parts(store, cache_dir: Path, keys: dict[str, str], only: list[str] | None = None,
                  prune: bool = True) -> tuple[list[dict], int]:
    """The model parts of the store's report graphs: each read from ``cache_dir`` when its key (what the
    report graph depends on: ``keys[iri]``, else a hash of its N-Quads) is the one cached, else read from
    the report's graph and cached (the graphs missing in the cache are read in one pass). Returns the parts
    (in IRI order) and their N-Quads size."""
    parts, size, files, missing = {}, 0, set(), {}
    for iri in sorted(store.reports() if only is None else only):
        name = _part_path(cache_dir, iri).name
        files.add(name)
        key = keys.get(iri) or "sha256:" + hashlib.sha256(_graph_bytes(store, iri)).hexdigest()
        try:
            doc = json.loads((cache_dir / name).read_text(encoding="utf-8"))
            if doc.get("v") == MODEL_VERSION and doc.get("iri") == iri and doc.get("key") == key:
                parts[iri] = doc["raw"]
                size += doc["size"]
                continue
        except (OSError, ValueError, KeyError, TypeError):
            pass
        missing[iri] = key
    todo = sorted(missing)
    for k in range(0, len(todo), READ_BATCH):     # a batch of graphs read in one pass, into one store
        graphs = {iri: _graph_bytes(store, iri) for iri in todo[k:k + READ_BATCH]}
        by_graph = read_raw_graphs(_load(b"".join(graphs.values())))
        for iri, nq in graphs.items():
            key = missing[iri]
            raw = by_graph.get(iri) or merge_raw([])
            _write_part(cache_dir, iri, key, len(nq), raw)
            parts[iri] = raw
            size += len(nq)
    for old in cache_dir.glob("*.json") if prune else ():         # reports no longer in the build
        if old.name not in files:
            try:
                old.unlink(missing_ok=True)
            except OSError:
                pass
    return [parts[i] for i in sorted(parts)], size


def _rows(store, name: str) -> list[list]:
    res = store.query(corpus_query(name))
    return [[row.get(v) for v in res.vars] for row in res.values()]


def _shared_summaries(store, max_docs: int, max_units: int) -> tuple[bytes, dict[str, int]]:
    """The triples of the build's summaries graph about the first ``max_docs`` shared documents and
    ``max_units`` shared units (named by two or more reports, ``kgo:namedIn``) in the order of ``kg query
    shared_documents`` / ``shared_units`` (``kgo:rank``; summaries without it: most reports, then IRI): what the
    corpus page holds of it, picked from the graph's N-Triples without loading the rest; and how many more
    there are (``documents``, ``units``): the page served by ``kg serve`` loads them from there on demand."""
    dump = getattr(store, "graph_nt", None)
    data = dump(str(SUMMARY_GRAPH)) if dump is not None else _graph_bytes(store, str(SUMMARY_GRAPH))
    lines = data.splitlines()
    named_in = b" <" + str(KGO.namedIn).encode("utf-8") + b"> "
    ranked_at = b" <" + str(KGO.rank).encode("utf-8") + b"> \""
    is_a = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    kinds = {f"<{KGO.CorpusDocument}>".encode("utf-8"): "documents",
             f"<{KGO.CorpusOrganization}>".encode("utf-8"): "units"}
    count: Counter = Counter()
    kind: dict[bytes, str] = {}
    rank: dict[bytes, int] = {}
    for ln in lines:
        if named_in in ln:
            count[ln.split(b" ", 1)[0]] += 1
        elif ranked_at in ln:
            rank[ln.split(b" ", 1)[0]] = int(ln.split(ranked_at, 1)[1].split(b'"', 1)[0])
        elif is_a in ln:
            k = kinds.get(ln[ln.index(is_a) + len(is_a):].rsplit(b" .", 1)[0].strip())
            if k:
                kind[ln.split(b" ", 1)[0]] = k
    keep, left = set(), {}
    for k, cap in (("documents", max_docs), ("units", max_units)):
        ranked = sorted((s for s, n in count.items() if n >= 2 and kind.get(s) == k),
                        key=lambda s: (rank.get(s, 1 << 62), -count[s], s))
        keep.update(ranked[:cap])
        left[k] = max(0, len(ranked) - cap)
    return b"\n".join(ln for ln in lines if ln.split(b" ", 1)[0] in keep) + b"\n", left


def corpus_model(store, title: str | None = None, serve: str = "", shared: tuple[int, int] | None = None) -> dict:
    """The corpus page's model of the build ``store``: every report with its counts, the first shared documents
    and units (``shared``: how many of each, default :data:`CORPUS_DOCS`, :data:`CORPUS_UNITS`), no text, fact
    or trace row (read with three queries, not from each report graph); ``serve``: the command that serves the
    build (the page shows it when opened from a file). The scope says how many shared documents and units the
    page holds (``held``) and how many more there are (``left``): served, the page loads them on demand
    (``/sparql``: the next rows of ``shared_documents`` / ``shared_units``, :data:`CORPUS_PAGE` at a time)."""
    max_docs, max_units = shared or (CORPUS_DOCS, CORPUS_UNITS)
    counts: dict[str, dict] = {}
    for g, t, n in _rows(store, "counts"):
        counts.setdefault(g, {k: 0 for k in COUNT_KEYS.values()})[COUNT_KEYS[t]] = int(n)
    reports = sorted({tuple(r) for r in _rows(store, "reports")}, key=lambda r: tuple(x or "" for x in r))
    picked, left = _shared_summaries(store, max_docs, max_units)
    raw = corpus_raw(reports, read_raw(_load(picked)))
    onto = _load(_graph_bytes(store, str(ONTOLOGY_GRAPH)))
    scope = {"kind": "corpus", "counts": counts, "left": left, "serve": serve, "reportPage": REPORT_PAGE,
             "held": {"documents": max_docs, "units": max_units}, "page": CORPUS_PAGE}
    return assemble(merge_raw([raw, read_raw(onto)]), terms(onto), title=title, table_rows=TABLE_ROWS, scope=scope)


class _OneReport:
    """A build store seen as its one report graph and the ontology (what one report's page holds)."""

    def __init__(self, store, iri: str):
        self.store, self.iri = store, iri

    def reports(self) -> list[str]:
        return [self.iri]

    def iter_nquads(self, graphs):
        return self.store.iter_nquads([g for g in graphs if g != str(SUMMARY_GRAPH)])


def report_iri(store, report_id: str) -> str | None:
    """The IRI of the report graph whose id (last segment) is ``report_id``; None when there is none."""
    return next((i for i in sorted(store.reports()) if i.rstrip("/").rsplit("/", 1)[-1] == report_id), None)


def render_report(store, report_id: str, *, cache_dir=None, report_keys: dict[str, str] | None = None,
                  corpus: str = "../../" + FILENAME) -> str:
    """One report's explorer (what ``kg serve`` answers at :data:`REPORT_PAGE`): the full page of that
    report graph and the ontology (embedded), its data from ``cache_dir`` when cached there (nothing else
    in the cache is changed), with a link back to the corpus page ``corpus``. :class:`KgViewError` when the
    build has no such report."""
    iri = report_iri(store, report_id)
    if iri is None:
        raise KgViewError(f"no report {report_id!r} in this build")
    one = _OneReport(store, iri)
    scope = {"kind": "report", "corpus": corpus}
    if cache_dir is not None:
        parts, _ = _cached_parts(store, Path(cache_dir), report_keys or {}, only=[iri], prune=False)
        onto = _load(_graph_bytes(store, str(ONTOLOGY_GRAPH)))
        model = assemble(merge_raw(parts + [read_raw(onto)]), terms(onto), table_rows=TABLE_ROWS, scope=scope)
        nq = graph_nquads(one)
    else:
        nq = graph_nquads(one)
        st = _load(nq)
        model = assemble(read_raw(st), terms(st), table_rows=TABLE_ROWS, scope=scope)
    model["embedded"] = True
    return render_page(model, nq)


def _model_and_graph(source, title: str | None, embed_max: int, cache_dir, keys) -> tuple[dict, bytes, int]:
    """The page model, the N-Quads to embed (b"" when too large) and the graph's size in bytes."""
    if cache_dir is not None and hasattr(source, "reports") and hasattr(source, "iter_nquads"):
        parts, size = _cached_parts(source, Path(cache_dir), keys or {})
        onto_nq, summaries = _graph_bytes(source, str(ONTOLOGY_GRAPH)), _graph_bytes(source, str(SUMMARY_GRAPH))
        onto = _load(onto_nq)
        parts += [read_raw(onto), read_raw(_load(summaries))]
        size += len(onto_nq) + len(summaries)
        model = assemble(merge_raw(parts), terms(onto), title=title, table_rows=TABLE_ROWS)
        nq = graph_nquads(source) if size <= embed_max else b""
        return model, nq, len(nq) if nq else size
    nq = graph_nquads(source)
    model = build_model(_load(nq), title=title, table_rows=TABLE_ROWS)
    return model, (nq if len(nq) <= embed_max else b""), len(nq)


def render_explorer(source, title: str | None = None, *, fingerprint: str = "",
                    embed_max: int = EMBED_MAX_BYTES, cache_dir=None, report_keys: dict[str, str] | None = None,
                    max_reports: int | None = None, serve: str = "", shared: tuple[int, int] | None = None) -> str:
    """The explorer page (HTML) for the graph ``source`` (N-Quads or a store). A graph larger than
    ``embed_max`` bytes of N-Quads is not embedded (the page says to use ``kg serve`` for SPARQL).
    With ``cache_dir`` (a store's ``source`` only), what each report graph gives the page is kept there,
    keyed by ``report_keys[report IRI]`` (what the report graph depends on) or else by a hash of its
    N-Quads, so a build that changed one report reads one report graph. A store of more than
    ``max_reports`` reports (default :func:`report_limit`) gets the corpus page (:func:`corpus_model`; ``serve``:
    the command serving the build, shown by the page opened from a file; ``shared``: how many shared documents
    and units it holds, the rest loaded on demand when served)."""
    limit = max_reports or report_limit()
    if hasattr(source, "reports") and hasattr(source, "query") and len(source.reports()) > limit:
        model = corpus_model(source, title, serve, shared)
        model["embedded"] = False
        model["embedNote"] = (f"这个构建有 {len(model['reports'])} 份通报（多于 {limit}），页面只含概览；请用 kg serve 查询和打开通报 · "
                              f"this build has {len(model['reports'])} reports (more than {limit}): this page holds the "
                              f"overview only; run `{serve or 'kg serve'}` and open http://127.0.0.1:8017/ to query "
                              "and to open a report")
        return render_page(model, b"", fingerprint=fingerprint)
    model, nq, size = _model_and_graph(source, title, embed_max, cache_dir, report_keys)
    embedded = bool(nq) or size == 0
    model["embedded"] = embedded
    if not embedded:
        model["embedNote"] = (f"这个构建的图（{size / 2**20:.0f} MB N-Quads）太大，不嵌入页面；请用 kg serve 查询 · "
                              f"the graph ({size / 2**20:.0f} MB of N-Quads, more than {embed_max / 2**20:.0f} MB) "
                              "is not embedded: run `kg serve` and open the page it serves (http://127.0.0.1:8017/), whose "
                              "queries go to kg serve; or use `kg query`")
    return render_page(model, nq if embedded else b"", fingerprint=fingerprint)


def write_explorer(source, out_dir, title: str | None = None, *, fingerprint: str = "",
                   embed_max: int = EMBED_MAX_BYTES, cache_dir=None, report_keys: dict[str, str] | None = None,
                   max_reports: int | None = None, serve: str = "", shared: tuple[int, int] | None = None) -> Path:
    """Write ``explorer.html`` for the graph ``source`` into ``out_dir``; the path written. The bytes
    depend only on the graph (and this version of kg): rewriting an unchanged build changes nothing.
    With ``fingerprint`` (what identifies the build, e.g. a hash of its manifest), a page written for the
    same fingerprint by the same kg is kept without reading the graph at all. ``cache_dir`` and
    ``report_keys``: see :func:`render_explorer`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILENAME
    if fingerprint:
        limit = max_reports or report_limit()
        fingerprint = f"{fingerprint}-m{MODEL_VERSION}-r{limit}"
    if fingerprint and page_fingerprint(path) == full_fingerprint(fingerprint):
        return path
    data = render_explorer(source, title, fingerprint=fingerprint, embed_max=embed_max, cache_dir=cache_dir,
                           report_keys=report_keys, max_reports=max_reports, serve=serve,
                           shared=shared).encode("utf-8")
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return path
    except OSError:
        pass
    return atomic_write(path, data)




__all__ = ["write_explorer", "written_limit", "render_explorer", "render_report", "report_iri", "corpus_model", "build_keys",
           "report_limit", "MAX_REPORTS", "CORPUS_DOCS", "CORPUS_UNITS", "CORPUS_PAGE", "REPORT_PAGE", "graph_nquads", "cache_report", "report_key", "CACHE_DIR", "FILENAME", "TABLE_ROWS", "EMBED_MAX_BYTES",
           "OXIGRAPH_NPM"]
