"""Deterministic exports of a store or an rdflib graph.

``export(source, fmt, out)``: ``source`` is a store (anything with ``reports()`` and
``graph_nt(iri)``: :class:`kg.store.oxigraph.Store`, :class:`kg.store.sparql.RemoteStore`), an rdflib ``Dataset``/``ConjunctiveGraph`` or an
rdflib ``Graph``; ``fmt`` one of ``turtle``, ``trig``, ``nquads``, ``ntriples``,
``json-ld`` (aliases ``ttl``, ``nq``, ``nt``, ``jsonld``); ``out`` a path or a
binary file object.

TriG, N-Quads and JSON-LD keep the report graphs (one named graph per report);
Turtle and N-Triples merge them. With ``include_summaries`` the build-time summaries across reports
(the named graph :data:`~kg.rdf.vocab.SUMMARY_GRAPH`) come too — their own named graph, or merged
(their nodes are not those of any report) — so the export loaded into any store answers the queries
across reports. Output is byte-identical for the same triples:
N-Triples/N-Quads lines are sorted (blank nodes relabelled canonically with
RDFC-1.0); Turtle and TriG are written by Oxigraph's serializers from those
sorted lines (fast), JSON-LD by rdflib (compact form with the project context;
slow beyond a few hundred reports), its arrays then put in a canonical order. Everything but N-Quads/N-Triples is built
in memory.
"""
from __future__ import annotations

import io
import json
import os
from typing import IO, Iterable, Iterator

from kg.errors import KgQueryError
from kg.fileio import atomic_open
from kg.rdf.ntriples import merged_turtle, pretty, sorted_nt
from kg.rdf.vocab import ONTOLOGY_GRAPH, PREFIXES, SUMMARY_GRAPH

FORMATS = {
    "turtle": "turtle", "ttl": "turtle",
    "trig": "trig",
    "nquads": "nquads", "nq": "nquads", "n-quads": "nquads",
    "ntriples": "ntriples", "nt": "ntriples", "n-triples": "ntriples",
    "json-ld": "json-ld", "jsonld": "json-ld",
}
EXTENSIONS = {"turtle": ".ttl", "trig": ".trig", "nquads": ".nq", "ntriples": ".nt", "json-ld": ".jsonld"}

Source = object   # a store, an rdflib Dataset / ConjunctiveGraph or an rdflib Graph


def normalize_format(fmt: str) -> str:
    try:
        return FORMATS[fmt.lower()]
    except KeyError:
        raise KgQueryError(f"unknown export format {fmt!r}; use one of turtle, trig, nquads, ntriples, json-ld") from None


def _is_store(src) -> bool:
    return hasattr(src, "reports") and hasattr(src, "graph_nt")


def _graphs(src, include_ontology: bool, include_summaries: bool = False) -> Iterator[tuple[str | None, list[bytes]]]:
    """(graph IRI or None for the default graph, sorted N-Triples lines) per non-empty graph:
    the default graph first, then named graphs in IRI order."""
    left_out = {g for g, keep in ((ONTOLOGY_GRAPH, include_ontology), (SUMMARY_GRAPH, include_summaries)) if not keep}
    if _is_store(src):
        names = set(src.reports()) | {ONTOLOGY_GRAPH, SUMMARY_GRAPH} - left_out
        for iri in sorted(names):
            lines = sorted_nt(src.graph_nt(iri), iri)
            if lines:
                yield iri, lines
        return
    import rdflib

    default_id = str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    if isinstance(src, rdflib.Dataset) or type(src).__name__ == "ConjunctiveGraph":
        default: set[bytes] = set()
        named: dict[str, set[bytes]] = {}
        for g in src.contexts():
            if len(g) == 0:
                continue
            ident = g.identifier
            lines = sorted_nt(g.serialize(format="nt", encoding="utf-8"), str(ident))
            if isinstance(ident, rdflib.URIRef) and str(ident) != default_id:
                if str(ident) in left_out:
                    continue
                named.setdefault(str(ident), set()).update(lines)
            else:
                default.update(lines)
        if default:
            yield None, sorted(default)
        for iri in sorted(named):
            yield iri, sorted(named[iri])
        return
    if isinstance(src, rdflib.Graph):
        ident = src.identifier
        lines = sorted_nt(src.serialize(format="nt", encoding="utf-8"), str(ident))
        if lines:
            named_ok = isinstance(ident, rdflib.URIRef) and str(ident) != default_id
            yield (str(ident) if named_ok else None), lines
        return
    raise TypeError(f"cannot export a {type(src).__name__}")


def _quad_lines(src, include_ontology: bool, include_summaries: bool = False) -> Iterator[bytes]:
    for iri, lines in _graphs(src, include_ontology, include_summaries):
        if iri is None:
            yield from (ln + b"\n" for ln in lines)
        else:
            suffix = b" <" + iri.encode("utf-8") + b"> .\n"
            for ln in lines:
                yield ln[: ln.rstrip().rfind(b".")].rstrip() + suffix


def _triple_lines(src, include_ontology: bool, include_summaries: bool = False) -> list[bytes]:
    """Merged, deduplicated, sorted N-Triples lines (without the newline)."""
    merged: set[bytes] = set()
    for _, lines in _graphs(src, include_ontology, include_summaries):
        merged.update(lines)
    return sorted(merged)


def _bind(g) -> None:
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True, replace=True)


def _write(out, data_iter: Iterable[bytes]) -> None:
    if isinstance(out, (str, os.PathLike)):
        with atomic_open(out) as fh:
            for chunk in data_iter:
                fh.write(chunk)
    else:
        for chunk in data_iter:
            out.write(chunk)


def export(source: Source, fmt: str, out: str | os.PathLike | IO[bytes], include_ontology: bool = False,
           include_summaries: bool = False) -> None:
    """Write ``source`` as ``fmt`` to ``out`` (see the module docstring)."""
    fmt = normalize_format(fmt)
    graphs = (include_ontology, include_summaries)

    if fmt == "nquads":
        _write(out, _quad_lines(source, *graphs))
        return
    if fmt == "ntriples":
        _write(out, (ln + b"\n" for ln in _triple_lines(source, *graphs)))
        return
    if fmt == "turtle":
        _write(out, [merged_turtle([b"\n".join(_triple_lines(source, *graphs))])])
        return
    if fmt == "trig":
        _write(out, [pretty(b"".join(_quad_lines(source, *graphs)), "trig")])
        return
    # json-ld: rdflib (compact, with a context), named graphs kept
    import rdflib   # imported here: slow to import, needed for JSON-LD only

    ds = rdflib.Dataset()
    _bind(ds)
    data = b"".join(_quad_lines(source, *graphs))
    if data:
        ds.parse(data=data, format="nquads")
    ctx = {p: str(ns) for p, ns in PREFIXES.items()}
    doc = json.loads(ds.serialize(format="json-ld", context=ctx, encoding="utf-8"))
    _write(out, [json.dumps(_canonical(doc), ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")])


def _canonical(node):
    """JSON-LD with every array in a canonical order (rdflib writes them in hash order). The graph has no
    RDF lists, so no array's order carries meaning.

    >>> _canonical({"b": [{"@id": "y"}, {"@id": "x"}], "a": ["2", "1"]})
    {'b': [{'@id': 'x'}, {'@id': 'y'}], 'a': ['1', '2']}
    """
    if isinstance(node, dict):
        return {k: _canonical(v) for k, v in node.items()}
    if isinstance(node, list):
        items = [_canonical(v) for v in node]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return node


def export_bytes(source: Source, fmt: str, include_ontology: bool = False, include_summaries: bool = False) -> bytes:
    buf = io.BytesIO()
    export(source, fmt, buf, include_ontology=include_ontology, include_summaries=include_summaries)
    return buf.getvalue()


__all__ = ["EXTENSIONS", "FORMATS", "export", "export_bytes", "normalize_format"]
