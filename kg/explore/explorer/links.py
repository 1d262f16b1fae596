"""Links into the explorer page, and the nodes a name stands for (what ``kg view NAME`` opens).

- :func:`compact`: an IRI as the page writes it in its permalinks (``KG.compact`` in ``templates/util.js``):
  ``kgr:…`` for the project's resources, else ``prefix:local`` for the longest namespace of ``PREFIXES``
  whose rest is a plain local name, else the IRI itself.
- :func:`node_link` (``explorer.html#view=graph&node=<compact IRI>&depth=N``: the node's neighbourhood in the
  Graph tab) and :func:`search_link` (``explorer.html#search=TEXT``: the page's list of matches).
- :func:`find_nodes`: the nodes of the page whose label (or IRI) contains a name, exact matches first. The
  labels are read with SPARQL from the store (any :class:`~kg.store.base.GraphStore`: nothing is loaded in
  memory but the matching rows); a match must be a node of the page's model, so every link opens.

>>> compact("https://w3id.org/kg-rectify/id/report/zuoxie_2020/aspect/1")
'kgr:report/zuoxie_2020/aspect/1'
>>> compact("https://w3id.org/kg-rectify/ontology#Report"), compact("urn:x")
('kgo:Report', 'urn:x')
>>> node_link("/tmp/v/explorer.html", "https://w3id.org/kg-rectify/id/report/r/aspect/1", 2)
'file:///tmp/v/explorer.html#view=graph&node=kgr:report/r/aspect/1&depth=2'
>>> search_link("/tmp/v/explorer.html", "资金 管理")
'file:///tmp/v/explorer.html#search=%E8%B5%84%E9%87%91%20%E7%AE%A1%E7%90%86'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from kg.explore.explorer.legend import CLASS_TYPES, natural_key
from kg.explore.explorer.model import LEVEL
from kg.rdf.vocab import KGR, PREFIXES

#: the names a node is found by, besides its label in the page (not ``kgo:text``: a measure's whole text)
LABEL_PREDICATES = ("skos:prefLabel", "dcterms:title", "foaf:name", "rdfs:label", "kgo:heading")
_LOCAL = re.compile(r"[A-Za-z_][\w-]*", re.ASCII)


def compact(iri: str, kgr: str = str(KGR), prefixes: dict | None = None) -> str:
    """``iri`` as the page's ``KG.compact`` writes it (the ``node=`` of its permalinks)."""
    iri = str(iri)
    if iri.startswith(kgr):
        return "kgr:" + iri[len(kgr):]
    best = None
    for p, ns in (PREFIXES if prefixes is None else prefixes).items():
        ns = str(ns)
        if iri.startswith(ns) and _LOCAL.fullmatch(iri[len(ns):]) and (best is None or len(ns) > len(best[1])):
            best = (p, ns)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


def _hash(params: list[tuple[str, str]]) -> str:
    # what URLSearchParams reads back: "+" would be a space, so spaces and "+" are percent-encoded
    return "&".join(f"{k}={quote(v, safe=':/')}" for k, v in params)


def _uri(page) -> str:
    return Path(page).resolve().as_uri()


def node_link(page, iri: str, depth: int = 2) -> str:
    """The permalink of ``iri``'s neighbourhood (``depth`` hops) in the Graph tab of the explorer ``page``."""
    return _uri(page) + "#" + _hash([("view", "graph"), ("node", compact(iri)), ("depth", str(max(0, int(depth))))])


def search_link(page, text: str) -> str:
    """The permalink of the explorer ``page``'s list of matches for ``text``."""
    return _uri(page) + "#" + _hash([("search", text)])


@dataclass(frozen=True)
class Match:
    """A node of the page: its IRI, label, type key (``report``, ``aspect``, …) and report id ("" if none)."""
    iri: str
    label: str
    type: str
    report: str

    def link(self, page, depth: int = 2) -> str:
        return node_link(page, self.iri, depth)


def _needle(name: str) -> str:
    return name.strip().strip("《》").casefold()


def find_nodes(store, name: str, model: dict) -> list[Match]:
    """The nodes of the page ``model`` whose label (the page's, or any of :data:`LABEL_PREDICATES` read from
    ``store`` with SPARQL) or IRI contains ``name`` (case-insensitive, 《》 ignored), best first: exact label
    or IRI matches, then shorter labels, then entities before structure, then IRI order. When some match
    exactly, only those are returned; a report's copy of a document or unit whose build-wide node
    (``skos:exactMatch``, no report) matches too is left out: it is one entity."""
    q = _needle(name)
    if not q:
        return []
    nodes, reports = model["nodes"], model["reports"]
    lit = '"' + q.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
    sparql = (f"SELECT DISTINCT ?s ?l WHERE {{ VALUES ?p {{ {' '.join(LABEL_PREDICATES)} }} ?s ?p ?l "
              f"FILTER(isIRI(?s) && isLiteral(?l) && CONTAINS(LCASE(STR(?l)), {lit})) }}")
    found: dict[str, list[str]] = {}
    for row in store.query(sparql).values():
        found.setdefault(row["s"], []).append(row["l"])
    hits = {}
    if (model.get("scope") or {}).get("kind") == "corpus":
        nodes = nodes + _report_nodes(store, found, nodes, reports)
    for i, (ciri, ntype, label, rep, *_rest) in enumerate(nodes):
        iri = str(KGR) + ciri[4:] if ciri.startswith("kgr:") else ciri
        labels = found.get(iri, [])
        if not (labels or q in label.casefold() or q in iri.casefold() or q in ciri.casefold()):
            continue
        exact = q in {_needle(lb) for lb in [label, *labels]} | {iri.casefold(), ciri.casefold()}
        hits[i] = (not exact, len(label), -LEVEL.get(ntype, 0), natural_key(iri),
                   Match(iri, label, ntype, reports[rep]["id"] if 0 <= rep < len(reports) else ""))
    if any(not h[0] for h in hits.values()):
        hits = {i: h for i, h in hits.items() if not h[0]}
    for a, b, rel, *_rest in model["edges"]:
        if rel == "exactMatch" and a in hits and b in hits and nodes[b][3] < 0 <= nodes[a][3]:
            del hits[a]
    return [h[-1] for h in sorted(hits.values(), key=lambda h: h[:4])]


def _report_nodes(store, found: dict[str, list[str]], nodes: list, reports: list[dict]) -> list[list]:
    """The corpus page holds no report graph: the nodes of ``found`` (IRI → labels) inside a report (its IRI
    under the report's), typed with SPARQL, as the page's nodes ``[IRI, type, label, report]``; a link to one
    opens that report's page (served by ``kg serve``)."""
    have = {str(KGR) + n[0][4:] if n[0].startswith("kgr:") else n[0] for n in nodes}
    prefixes = sorted(((r["iri"], k) for k, r in enumerate(reports)), key=lambda x: -len(x[0]))
    owner = {}
    for iri in found:
        if iri not in have:
            k = next((k for p, k in prefixes if iri.startswith(p + "/")), -1)
            if k >= 0:
                owner[iri] = k
    if not owner:
        return []
    values = " ".join(f"<{i}>" for i in sorted(owner))
    types: dict[str, set] = {}
    for row in store.query(f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {values} }} ?s a ?t }}").values():
        types.setdefault(row["s"], set()).add(row["t"])
    out = []
    for iri, k in sorted(owner.items()):
        key = next((key for cls, key in CLASS_TYPES if str(cls) in types.get(iri, ())), None)
        if key:
            out.append([iri, key, min(found[iri]), k])
    return out


def served_link(iri: str, report: str, depth: int = 2, base: str = "http://127.0.0.1:8017/",
                page: str = "report/{id}/explorer.html") -> str:
    """The permalink of ``iri``'s neighbourhood in the page of its report ``report`` served by ``kg serve``."""
    return (base + page.format(id=quote(report, safe="")) + "#"
            + _hash([("view", "graph"), ("node", compact(iri)), ("depth", str(max(0, int(depth))))]))


__all__ = ["served_link", "compact", "node_link", "search_link", "find_nodes", "Match", "LABEL_PREDICATES"]
