"""N-Triples and N-Quads text: the interchange format between the graph writer, the stores and the
exports. Lines are sorted and blank nodes labelled canonically, so the same graph always gives the
same bytes.

>>> to_nquads(b'<s> <p> "o" .\\n', "g:1")
b'<s> <p> "o" <g:1> .\\n'
"""
from __future__ import annotations

import hashlib
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg.errors import KgStoreError
from kg.rdf.vocab import ONTOLOGY_GRAPH, PREFIXES


def iri_ok(iri: str) -> str:
    """``iri`` when it can be written between ``<>``; else :class:`KgStoreError`."""
    if not iri or any(c in iri for c in '<>"{}|\\^` \n\r\t'):
        raise KgStoreError(f"not a valid graph IRI: {iri!r}")
    return iri


def graph_to_nt(graph) -> bytes:
    """rdflib Graph → N-Triples bytes (sorted lines, deterministic apart from blank nodes)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    lines = sorted({ln for ln in data.split(b"\n") if ln.strip()})
    return b"\n".join(lines) + b"\n" if lines else b""


def as_nt(data) -> bytes:
    """N-Triples bytes of ``data``: an rdflib Graph, or N-Triples as ``str``/``bytes``."""
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if hasattr(data, "serialize") and hasattr(data, "triples"):
        return graph_to_nt(data)
    raise TypeError(f"expected an rdflib Graph or N-Triples bytes, got {type(data).__name__}")


def sorted_nt(data: bytes, scope: str = "") -> list[bytes]:
    """N-Triples lines (without newline) sorted and deduplicated, with blank nodes relabelled
    canonically (RDFC-1.0) when there are any, so the same graph always gives the same lines.
    ``scope`` (e.g. the graph IRI) makes the labels distinct between graphs."""
    if b"_:" in data:
        try:
            ds = ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
            ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            tag = "b" + hashlib.sha1(scope.encode("utf-8")).hexdigest()[:8] if scope else "b"

            def fix(t):
                return ox.BlankNode(tag + t.value) if isinstance(t, ox.BlankNode) else t

            triples = [ox.Triple(fix(q.subject), q.predicate, fix(q.object)) for q in ds]
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        except (SyntaxError, ValueError):  # pragma: no cover - keep the raw lines
            pass
    return sorted({ln for ln in data.split(b"\n") if ln.strip()})


def to_nquads(nt: bytes, graph_iri: str) -> bytes:
    """N-Triples → the N-Quads of named graph ``graph_iri`` (empty input → ``b""``).

    >>> to_nquads(b'<s> <p> "o" .\\n', "g:1")
    b'<s> <p> "o" <g:1> .\\n'
    """
    if not nt.strip():
        return b""
    suffix = b" <" + iri_ok(graph_iri).encode("utf-8") + b"> .\n"
    if not nt.endswith(b"\n"):
        nt += b"\n"
    if nt.count(b"\n") == nt.count(b" .\n") and b"\n\n" not in nt:
        return nt.replace(b" .\n", suffix)     # every line ends " ." (a raw newline cannot occur inside one)
    return b"".join(ln[: ln.rstrip().rfind(b".")].rstrip() + suffix for ln in nt.split(b"\n") if ln.strip())



def pretty(data: bytes, fmt: str) -> bytes:
    """Sorted N-Triples (``fmt`` turtle) or N-Quads (``fmt`` trig) → Turtle / TriG with the project's
    prefixes (not ``kgr:``, so data IRIs stay readable), prefix lines sorted: byte-identical for the
    same triples (Oxigraph's writer keeps the input order)."""
    src, dst = ((ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE) if fmt == "turtle"
                else (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG))
    prefixes = {p: str(ns) for p, ns in PREFIXES.items() if p != "kgr"}
    body = ox.serialize(ox.parse(data, format=src), format=dst, prefixes=prefixes) or b""
    head, rest = [], []
    for ln in body.split(b"\n"):
        (head if ln.startswith(b"@prefix ") and not rest else rest).append(ln)
    return b"\n".join(sorted(head) + rest)


def merged_turtle(graphs: Iterable) -> bytes:
    """Merge graphs (rdflib Graphs or N-Triples bytes) into one deterministic Turtle document.

    Written with Oxigraph's Turtle serializer from the sorted, deduplicated N-Triples
    lines (subjects grouped, ``;``/``,`` abbreviations, the project prefixes except
    ``kgr:`` so data IRIs stay readable): ~40× faster than rdflib's Turtle serializer
    (25 ms vs 1 s for the three development reports) and byte-identical for the same triples.
    """
    lines: set[bytes] = set()
    for g in graphs:
        nt = g if isinstance(g, (bytes, bytearray)) else graph_to_nt(g)
        if b"_:" in nt:
            nt = b"\n".join(sorted_nt(bytes(nt)))
        lines.update(ln for ln in bytes(nt).split(b"\n") if ln.strip())
    return pretty(b"\n".join(sorted(lines)) + b"\n", "turtle")


def parse_ntriples(data: bytes):
    """N-Triples → rdflib graph with the project's prefixes bound."""
    from rdflib import Graph   # imported here: rdflib is slow to import and most callers never parse

    g = Graph()
    for p, ns in PREFIXES.items():
        g.bind(p, ns)
    g.parse(data=data, format="nt")
    return g


def iter_nquads(store, graphs: Iterable[str] | None, include_ontology: bool) -> Iterator[bytes]:
    """Deterministic N-Quads lines of ``store`` (anything with ``reports()`` and ``graph_nt(iri)``):
    graphs in sorted order, lines sorted inside each graph."""
    if graphs is None:
        graphs = store.reports() | ({ONTOLOGY_GRAPH} if include_ontology else set())
    for iri in sorted(graphs):
        suffix = b" <" + iri.encode("utf-8") + b"> .\n"
        for ln in sorted_nt(store.graph_nt(iri), iri):
            yield ln[: ln.rstrip().rfind(b".")].rstrip() + suffix


__all__ = ["iri_ok", "graph_to_nt", "as_nt", "sorted_nt", "to_nquads", "pretty", "merged_turtle", "parse_ntriples", "iter_nquads"]
