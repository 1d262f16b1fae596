"""Validate a built graph against the SHACL shapes of ``ontology/shapes.ttl``.

>>> from rdflib import Graph
>>> validate(Graph())
(True, 'Conforms: 0 triples checked, no violations.')

How it runs:

* pyshacl checks the core constraints of the shapes on a copy of the data to
  which the ``rdfs:subClassOf`` axioms of ``ontology/kg.ttl`` are added (what
  ``ont_graph`` would do), with inference ``"none"``: the class hierarchy is all
  the shapes need (so that ``sh:targetClass kgo:Document`` reaches a
  ``kgo:OwnRegulation`` and ``sh:class org:Organization`` accepts an
  ``org:OrganizationalUnit``); RDFS inference adds nothing they need and costs
  more. In the copy ``"x"^^xsd:string`` becomes the plain ``"x"`` (see
  :func:`_prepare`).
* The SHACL-SPARQL constraints of the shapes (ASCII IRIs, Chinese only in ``@zh``,
  ``oa:exact`` agreeing with the offsets and the normalized text) are exact but
  slow in rdflib's SPARQL engine (seconds for a few thousand triples), so by
  default each one that has a native twin in :data:`NATIVE` is run as plain
  Python instead; ``validate(g, fast=False)`` runs every constraint through
  pyshacl (the tests check that both ways find the same violations).

Shapes and ontology are parsed once per process.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Callable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.rdf.ontology import ontology_graph, ontology_path, shapes_graph
from kg.rdf.vocab import KGO, KGS, OA, ONTOLOGY_GRAPH, XSD_STRING as _XSD_STRING

BASE = "https://w3id.org/kg-rectify/"
ONTOLOGY = URIRef(ONTOLOGY_GRAPH)   # focus node of the whole-graph rules
_GRAPH = f"<{ONTOLOGY}>"
XSD_STRING = URIRef(_XSD_STRING)


def _class_hierarchy() -> Graph:
    g = Graph()
    for t in ontology_graph().triples((None, RDFS.subClassOf, None)):
        g.add(t)
    return g


@lru_cache(maxsize=None)
def _core_shapes() -> Graph:
    """The shapes without the SPARQL constraints that run natively."""
    g = Graph()
    for t in shapes_graph():
        if t[1] == SH.sparql and t[2] in NATIVE:
            continue
        g.add(t)
    return g


@dataclass(frozen=True, order=True)
class Result:
    focus: str
    path: str
    value: str
    message: str


# -- native twins of the SHACL-SPARQL constraints ----------------------------------

_PRINTABLE_ASCII = re.compile(r"[!-~]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NUMERIC = {"integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
            "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
            "unsignedByte", "double", "float"}
Hit = tuple  # (focus, path | None, value, {variable: term} for the message template)


def _instances(data: Graph, cls: URIRef) -> set:
    classes, todo = {cls}, [cls]
    while todo:
        c = todo.pop()
        for g in (data, _class_hierarchy()):
            for sub in g.subjects(RDFS.subClassOf, c):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
    return {s for c in classes for s in data.subjects(RDF.type, c)}


def _num(node) -> int | None:
    """Integer value of a numeric literal (what SPARQL arithmetic would use), else None."""
    if isinstance(node, Literal) and node.datatype and str(node.datatype).rsplit("#", 1)[-1] in _NUMERIC:
        v = node.toPython()
        if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) and v == int(v):
            return int(v)
    return None


def _ascii_iri(data: Graph) -> Iterator[Hit]:
    bad = {n for t in data for n in t
           if isinstance(n, URIRef) and n.startswith(BASE) and not _PRINTABLE_ASCII.fullmatch(n)}
    for n in bad:
        yield ONTOLOGY, None, n, {}


def _zh_literal(data: Graph) -> Iterator[Hit]:
    for s, p, o in data:
        if (isinstance(o, Literal) and not _lang_zh(o.language) and _CJK.search(o)
                and (isinstance(s, BNode) or not str(s).startswith(str(ONTOLOGY)))):
            yield ONTOLOGY, p, o, {"s": s, "path": p}


def _lang_zh(lang: str | None) -> bool:
    return bool(lang) and (lang.lower() == "zh" or lang.lower().startswith("zh-"))


def _spans(data: Graph) -> Iterator[tuple]:
    for ev in _instances(data, KGO.Evidence) | set(data.objects(None, KGO.evidence)):
        for exact in data.objects(ev, OA.exact):
            for s in data.objects(ev, OA.start):
                for e in data.objects(ev, OA.end):
                    si, ei = _num(s), _num(e)
                    if si is not None and ei is not None:
                        yield ev, exact, si, ei


def _exact_length(data: Graph) -> Iterator[Hit]:
    for ev, exact, s, e in _spans(data):
        if len(str(exact)) != e - s:
            yield ev, None, exact, {}


def _exact_text(data: Graph) -> Iterator[Hit]:
    for ev, exact, s, e in _spans(data):
        if len(str(exact)) != e - s:
            continue
        for r in data.objects(ev, KGO.inReport):
            for t in data.objects(r, KGO.normalizedText):
                if str(t)[s:e] != str(exact):
                    yield ev, None, exact, {}


NATIVE: dict[URIRef, Callable[[Graph], Iterator[Hit]]] = {
    KGS.AsciiIriConstraint: _ascii_iri,
    KGS.ZhLiteralConstraint: _zh_literal,
    KGS.ExactLengthConstraint: _exact_length,
    KGS.ExactTextConstraint: _exact_text,
}


# -- validation -----------------------------------------------------------------------

def validate(data: Graph, *more: Graph, fast: bool = True) -> tuple[bool, str]:
    """Check ``data`` (with the graphs in ``more``, as one graph: a build's summaries graph is checked
    with the report graphs its ``kgo:namedIn`` point to) against the shapes; return ``(conforms, report)``.

    The graphs are not modified. ``report`` is readable text: a summary line, then
    one line per violation (focus node, path, offending value, message in
    English / Chinese), sorted.
    """
    results = check(data, *more, fast=fast)
    n = sum(len(g) for g in (data, *more))
    if not results:
        return True, f"Conforms: {n} triples checked, no violations."
    lines = [f"{r.focus} {r.path} {r.value}: {r.message}" if r.focus != _GRAPH else f"(graph): {r.message}"
             for r in results]
    return False, "\n".join([f"Does not conform: {len(lines)} violation(s) in {n} triples.", *lines])


def check(data: Graph, *more: Graph, fast: bool = True) -> list[Result]:
    """All violations found in ``data`` and ``more`` (as one graph), sorted (empty when it conforms)."""
    import pyshacl   # imported here: slow to import, only needed for validation

    work = _prepare(data, *more)
    _conforms, res, _text = pyshacl.validate(
        work, shacl_graph=_core_shapes() if fast else shapes_graph(), ont_graph=None,
        inference="none", abort_on_first=False, allow_warnings=False, meta_shacl=False,
        advanced=False, inplace=True)
    prefixes = _prefixes(data)
    short = lambda n: _short(n, prefixes)   # noqa: E731
    out = set()
    for r in res.subjects(RDF.type, SH.ValidationResult):
        msgs = list(res.objects(r, SH.resultMessage))
        if not msgs:
            msgs = [Literal(short(res.value(r, SH.sourceConstraintComponent)))]
        severity = res.value(r, SH.resultSeverity)
        prefix = "" if severity in (None, SH.Violation) else f"[{short(severity)}] "
        out.add(Result(short(res.value(r, SH.focusNode)), short(res.value(r, SH.resultPath)),
                       short(res.value(r, SH.value)), prefix + _join(msgs)))
    if fast:
        shapes = shapes_graph()
        for constraint, fn in NATIVE.items():
            active = [sh for sh in shapes.subjects(SH.sparql, constraint)
                      if shapes.value(sh, SH.deactivated) != Literal(True)]
            if not active:
                continue
            templates = list(shapes.objects(constraint, SH.message))
            for focus, path, value, bindings in fn(work):
                values = {"value": value, "this": focus, **bindings}
                msgs = [Literal(_fill(str(m), values, short), lang=m.language) for m in templates]
                out.add(Result(short(focus), short(path), short(value), _join(msgs)))
    return sorted(out)


def _prepare(*graphs: Graph) -> Graph:
    """The union of ``graphs`` plus the class hierarchy, with ``"x"^^xsd:string`` written as
    the plain literal ``"x"``: the same RDF 1.1 term, but rdflib tells them apart, so
    graphs read back through Oxigraph would otherwise fail ``sh:in``/``sh:hasValue``."""
    g = Graph()
    add = g.add
    for data in graphs:
        for s, p, o in data.triples((None, None, None)):
            if isinstance(o, Literal) and o.datatype == XSD_STRING:
                o = Literal(str(o))
            add((s, p, o))
    for t in _class_hierarchy():
        add(t)
    return g


def _fill(template: str, values: dict, short) -> str:
    return re.sub(r"\{[?$](\w+)\}", lambda m: short(values[m.group(1)]) if m.group(1) in values else m.group(0),
                  template)


def _join(msgs: list[Literal]) -> str:
    msgs = sorted(msgs, key=lambda m: (m.language != "en", m.language or "", str(m)))
    return " / ".join(str(m) for m in msgs)


def _prefixes(data: Graph) -> list[tuple[str, str]]:
    """Bound prefixes, longest namespace first, for short names in the report."""
    pairs = {str(n): p for p, n in data.namespaces() if p}
    for p, n in (("kgo", str(KGO)), ("kgr", BASE + "id/"), ("oa", str(OA)), ("sh", str(SH)),
                 ("rdf", str(RDF)), ("rdfs", str(RDFS)), ("xsd", "http://www.w3.org/2001/XMLSchema#")):
        pairs.setdefault(n, p)
    return sorted(((n, p) for n, p in pairs.items()), key=lambda x: -len(x[0]))


def _short(node, prefixes: list[tuple[str, str]]) -> str:
    if node is None:
        return "-"
    if isinstance(node, Literal):
        s = str(node)
        s = s if len(s) <= 60 else s[:57] + "..."
        tag = f"@{node.language}" if node.language else (
            f"^^{_short(node.datatype, prefixes)}" if node.datatype else "")
        return f'"{s}"{tag}'
    if isinstance(node, URIRef):
        for ns, p in prefixes:
            if node.startswith(ns) and len(node) > len(ns):
                return f"{p}:{node[len(ns):]}"
        return f"<{node}>"
    return "[]" if isinstance(node, BNode) else str(node)


__all__ = ["ontology_path", "ontology_graph", "shapes_graph", "validate", "check", "Result", "NATIVE"]
