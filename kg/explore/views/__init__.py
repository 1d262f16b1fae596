"""Interactive offline HTML views of the knowledge graph.

RDF graph --:func:`project`--> networkx ``MultiDiGraph`` (entities and relations only:
mention nodes are collapsed into direct edges) --pyvis ``Network`` (bulk nodes/edges)-->
self-contained UTF-8 HTML built from our own template in ``templates/`` with the
vendored vis-network in ``static/vis-network/`` inlined: no external URL, no CDN.

Public API
----------
- :func:`project` ``(graph) -> nx.MultiDiGraph``
- :func:`write_views` ``(graph, out_dir, title=None) -> list[Path]``: ``overview.html``,
  ``trace.html`` and one ``aspect-N.html`` per aspect.
- :func:`write_focus` ``(graph, name_or_title, out_path, depth=2) -> Path``: neighbourhood
  of one entity found by label substring (``kg view NAME --depth N``).
- :func:`render_html` ``(payload) -> str``: one page from its JSON payload.

Safety: every string taken from a document goes into a ``<script type="application/json">``
block with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped; the page script builds the DOM
with ``textContent`` only. A Content-Security-Policy with script hashes forbids any
network access and any script we did not write (inline event handlers included).

Layouts are computed here in pure Python (no numpy): a radial tree for overview, aspect
and focus views, a layered left-to-right layout for the trace. vis physics is off.

Modules, in the order they build on each other: :mod:`.legend` (node types, labels, node
order), :mod:`.project` (RDF → networkx), :mod:`.layout` (positions), :mod:`.payload`
(networkx → JSON; the only user of pyvis), :mod:`.html` (the safety story), :mod:`.pages`.
"""
from __future__ import annotations

from kg.errors import KgViewError
from kg.explore.views.html import render_html
from kg.explore.views.legend import NODE_TYPES
from kg.explore.views.pages import CORPUS_THRESHOLD, write_focus, write_views
from kg.explore.views.project import project

__all__ = ["project", "write_views", "write_focus", "render_html", "NODE_TYPES",
           "CORPUS_THRESHOLD", "KgViewError"]
