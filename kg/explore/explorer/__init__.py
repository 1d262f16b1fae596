"""The explorer: one offline HTML page per build (``explorer.html``) to query, trace and read the graph.

- **Trace** (the page opens on it): every document × problem category (action, report, evidence line),
  filterable by action, report, aspect and document kind; a row shows its chain aspect → problem category →
  measure → document as a graph.
- **Query**: SPARQL runs in the page (Oxigraph's WebAssembly build over the build's graph, embedded) with
  the prefixes of ``kg query``, the named queries one click away, a row cap; updates and SERVICE are
  refused. Served by ``kg serve`` (and always when the graph is too large to embed), the queries go to its
  ``/sparql`` on the same origin instead; the page says which source answers. Results as a sortable table
  (CSV/JSON download in the W3C formats) and as a graph.
- **Source**: the report text with line numbers and every extracted fact highlighted by type; a
  highlight selects its node, a node shows its highlights.
- Search over names, quoted sentences, line numbers and report ids; permalinks (``#view=…&node=…&q=…``);
  PNG/SVG export of the graph; keyboard access.

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

from pathlib import Path

from kg.errors import KgError, KgViewError
from kg.explore.explorer.model import build_model, load_store
from kg.explore.explorer.page import OXIGRAPH_NPM, full_fingerprint, page_fingerprint, render_page
from kg.fileio import atomic_write
from kg.rdf.vocab import ONTOLOGY_GRAPH, SUMMARY_GRAPH

#: the page's file name inside the views folder
FILENAME = "explorer.html"
#: N-Quads above this size are not embedded (the page would be too slow to open): trace, source and search
#: still work, the Query tab queries through ``kg serve`` (opened from a file it points to it). About 40
#: reports of the seed's size.
EMBED_MAX_BYTES = 48 * 1024 * 1024
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
    graph = getattr(source, "graph", None)
    if callable(graph):
        source = graph()
    if hasattr(source, "serialize"):
        return source.serialize(format="nquads" if hasattr(source, "contexts") else "nt", encoding="utf-8")
    raise KgViewError(f"cannot read N-Quads from {type(source).__name__}: pass N-Quads bytes or a store")


def render_explorer(source, title: str | None = None, *, fingerprint: str = "",
                    embed_max: int = EMBED_MAX_BYTES) -> str:
    """The explorer page (HTML) for the graph ``source`` (N-Quads or a store). A graph larger than
    ``embed_max`` bytes of N-Quads is not embedded (the page says to use ``kg serve`` for SPARQL)."""
    nq = graph_nquads(source)
    try:
        st = load_store(nq)
    except (SyntaxError, ValueError) as e:
        raise KgViewError(f"the graph is not valid N-Quads: {e}") from e
    model = build_model(st, title=title, table_rows=TABLE_ROWS)
    embedded = len(nq) <= embed_max
    model["embedded"] = embedded
    if not embedded:
        model["embedNote"] = (f"这个构建的图（{len(nq) / 2**20:.0f} MB N-Quads）太大，不嵌入页面；请用 kg serve 查询 · "
                              f"the graph ({len(nq) / 2**20:.0f} MB of N-Quads, more than {embed_max / 2**20:.0f} MB) "
                              "is not embedded: run `kg serve` and open the page it serves (http://127.0.0.1:8017/), whose "
                              "queries go to kg serve; or use `kg query`")
    return render_page(model, nq if embedded else b"", fingerprint=fingerprint)


def write_explorer(source, out_dir, title: str | None = None, *, fingerprint: str = "",
                   embed_max: int = EMBED_MAX_BYTES) -> Path:
    """Write ``explorer.html`` for the graph ``source`` into ``out_dir``; the path written. The bytes
    depend only on the graph (and this version of kg): rewriting an unchanged build changes nothing.
    With ``fingerprint`` (what identifies the build, e.g. a hash of its manifest), a page written for the
    same fingerprint by the same kg is kept without reading the graph at all."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILENAME
    if fingerprint and page_fingerprint(path) == full_fingerprint(fingerprint):
        return path
    data = render_explorer(source, title, fingerprint=fingerprint, embed_max=embed_max).encode("utf-8")
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return path
    except OSError:
        pass
    return atomic_write(path, data)


__all__ = ["write_explorer", "render_explorer", "graph_nquads", "FILENAME", "TABLE_ROWS", "EMBED_MAX_BYTES",
           "OXIGRAPH_NPM"]
