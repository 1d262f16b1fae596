"""RDF → networkx: the entities and relations of the graph, mention nodes collapsed into edges (what
``kg stats`` measures: degrees, connected pieces).

:func:`project` runs one pass per step, in order: nodes, reports, evidence, collapsed mentions,
relations, orphans, primary reports, quote dedupe. Every pass mutates the same ``MultiDiGraph``.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

import networkx as nx
import rdflib
from rdflib import Literal, URIRef

from kg.explore.explorer.legend import (ACTION_LABELS, CLASS_TYPES, DOCUMENT_TYPES, KIND_TYPES, NODE_TYPES,
                                        RELATION_LABELS)
from kg.rdf.vocab import DCTERMS, FOAF, KGO, OA, RDF, RDFS, SKOS

_LABEL_PROPS = (SKOS.prefLabel, DCTERMS.title, FOAF.name, RDFS.label, KGO.heading, KGO.text,
                SKOS.notation)
# IRI→IRI predicates never drawn as edges (handled otherwise or derived)
_SKIP_EDGE_PREDS = {RDF.type, KGO.evidence, KGO.answers, SKOS.inScheme, SKOS.hasTopConcept,
                    SKOS.topConceptOf, KGO.mentions, KGO.inMeasure, KGO.inReport}
_SKIP_ATTR_PREDS = {RDF.type, KGO.normalizedText, KGO.evidence, SKOS.prefLabel, DCTERMS.title,
                    FOAF.name, RDFS.label}
_STRUCTURE_TYPES = ("section", "aspect", "problem", "measure")
_UPWARD_RELS = ("inSection", "broader", "addresses")

ReportOf = Callable[[str], "str | None"]


def project(graph: rdflib.Graph, figures: bool = False) -> nx.MultiDiGraph:
    """Project the RDF graph onto a networkx multigraph of entities and relations.

    Nodes (id = IRI string) are reports, sections, aspects, problem categories, measures,
    documents, organizations, awards, initiatives, persons (and figures when ``figures``).
    Attributes: ``type`` (a key of :data:`NODE_TYPES`), ``label``, ``iri``, ``report``
    (first report IRI or None), ``reports`` (all report IRIs), ``number``,
    ``quotes`` (list of ``{"text", "exact", "line", "start", "report"}``), ``attrs``.

    Edges (key = relation code) carry ``rel``, ``label`` and for mentions ``action``,
    ``count`` and ``quotes``: problem→aspect ``broader``, measure→problem ``addresses``,
    X→section ``inSection``, section→report ``inReport``, measure→document
    ``mentions:<action>`` (kgo:DocumentMention collapsed), measure→entity ``mentions``
    (kgo:EntityMention collapsed), unit→organization ``subOrganizationOf``/``unitOf``,
    and any other IRI→IRI relation between two projected nodes.
    """
    g = graph
    G = nx.MultiDiGraph()
    types_of: dict[URIRef, set] = defaultdict(set)
    for s, o in g.subject_objects(RDF.type):
        if isinstance(s, URIRef):
            types_of[s].add(o)
    reports = sorted({str(s) for s, t in types_of.items() if KGO.Report in t})
    report_of = _report_of_iri(reports)

    _add_nodes(G, g, types_of, figures)
    _add_reports(G, g, report_of)
    _add_evidence(G, g, report_of)
    _collapse_mentions(G, g, types_of, report_of)
    _add_relations(G, g)
    _link_orphans(G)
    _set_primary_reports(G)
    _dedupe_quotes(G)
    G.graph["reports"] = reports
    G.graph["report_titles"] = {r: G.nodes[r]["label"] for r in reports if r in G}
    return G


# ---------------------------------------------------------------------------
# the passes of project(), in order


def _add_nodes(G: nx.MultiDiGraph, g: rdflib.Graph, types_of: dict[URIRef, set], figures: bool) -> None:
    """One node per typed subject of a known class, with its label, number and literal attributes."""
    for s, ts in types_of.items():
        ntype = _node_type(ts, g, s)
        if ntype is None or (ntype == "figure" and not figures):
            continue
        iri = str(s)
        attrs: dict[str, str] = {}
        for p, o in g.predicate_objects(s):
            if p in _SKIP_ATTR_PREDS or not isinstance(o, Literal):
                continue
            if p == KGO.text and ntype == "measure":
                continue
            key = _local(p)
            val = str(o)
            if key in attrs and val not in attrs[key].split(" | "):
                attrs[key] = attrs[key] + " | " + val
            else:
                attrs.setdefault(key, val)
        G.add_node(iri, iri=iri, type=ntype, label=_label(g, s, ntype),
                   number=_int(g.value(s, KGO.number)), attrs=attrs, quotes=[],
                   reports=[], report=None)


def _add_reports(G: nx.MultiDiGraph, g: rdflib.Graph, report_of: ReportOf) -> None:
    """The reports of each node: by IRI prefix, by ``kgo:inReport``, by named graph."""
    for n in G.nodes:
        _add_report(G, n, report_of(n))
        for r in g.objects(URIRef(n), KGO.inReport):
            _add_report(G, n, str(r))
    for r, subjects in _graphs_by_report(g).items():
        for s in subjects:
            _add_report(G, str(s), r)


def _add_evidence(G: nx.MultiDiGraph, g: rdflib.Graph, report_of: ReportOf) -> None:
    """Each node's own evidence (measures, figures …) as quotes."""
    for n, data in G.nodes(data=True):
        for ev in g.objects(URIRef(n), KGO.evidence):
            q = _evidence(g, ev, data["reports"][0] if data["reports"] else report_of(str(ev)))
            if q:
                data["quotes"].append(q)


def _collapse_mentions(G: nx.MultiDiGraph, g: rdflib.Graph, types_of: dict[URIRef, set],
                       report_of: ReportOf) -> None:
    """Document and entity mentions → direct edges measure → document / entity, carrying the quotes."""
    mention_classes = (KGO.DocumentMention, KGO.EntityMention)
    for m, ts in types_of.items():
        if not any(c in ts for c in mention_classes):
            continue
        targets = [str(o) for o in g.objects(m, KGO.mentions) if str(o) in G]
        if not targets:
            continue
        rep = report_of(str(m))
        quotes = [q for q in (_evidence(g, ev, rep) for ev in g.objects(m, KGO.evidence)) if q]
        measures = [str(o) for o in g.objects(m, KGO.inMeasure) if str(o) in G]
        action = g.value(m, KGO.action)
        action = str(action) if action is not None else None
        for t in targets:
            _add_report(G, t, rep)
            for mr in measures:
                for r in G.nodes[mr]["reports"]:
                    _add_report(G, t, r)
            G.nodes[t]["quotes"].extend(quotes)
            for mnode in measures:
                if action:
                    _add_edge(G, mnode, t, f"mentions:{action}", ACTION_LABELS.get(action, action),
                              action=action, quotes=list(quotes))
                else:
                    _add_edge(G, mnode, t, "mentions", RELATION_LABELS["mentions"], quotes=list(quotes))


def _add_relations(G: nx.MultiDiGraph, g: rdflib.Graph) -> None:
    """Structural and other direct IRI→IRI relations between two projected nodes."""
    node_set = set(G.nodes)
    for n in list(G.nodes):
        s = URIRef(n)
        for p, o in g.predicate_objects(s):
            if p in _SKIP_EDGE_PREDS or not isinstance(o, URIRef):
                continue
            o_s = str(o)
            if o_s not in node_set:
                continue
            rel = _local(p)
            _add_edge(G, n, o_s, rel, RELATION_LABELS.get(rel, rel))


def _link_orphans(G: nx.MultiDiGraph) -> None:
    """Connect structural nodes with no upward edge to their (first) report."""
    for n, data in G.nodes(data=True):
        if data["type"] not in _STRUCTURE_TYPES:
            continue
        has_up = any(d.get("rel") in _UPWARD_RELS for _, _, d in G.out_edges(n, data=True))
        if not has_up and data["reports"]:
            r = data["reports"][0]
            if r in G:
                _add_edge(G, n, r, "inReport", RELATION_LABELS["inReport"])


def _set_primary_reports(G: nx.MultiDiGraph) -> None:
    """A report belongs to itself alone; ``report`` is the first of ``reports`` (or None)."""
    for n, data in G.nodes(data=True):
        if data["type"] == "report":
            data["reports"] = [n]
        data["report"] = data["reports"][0] if data["reports"] else None


def _dedupe_quotes(G: nx.MultiDiGraph) -> None:
    """Quotes in report, line, offset order; one per (report, offset, text)."""
    for _, data in G.nodes(data=True):
        data["quotes"].sort(key=lambda q: (q.get("report") or "", q.get("line") or 0,
                                           q.get("start") or 0))
        seen = set()
        uniq = []
        for q in data["quotes"]:
            k = (q.get("report"), q.get("start"), q["text"])
            if k not in seen:
                seen.add(k)
                uniq.append(q)
        data["quotes"] = uniq


# ---------------------------------------------------------------------------
# helpers of the passes


def _report_of_iri(reports: list[str]) -> ReportOf:
    """IRI → the report whose IRI is the IRI or its longest ``/``-prefix (or None)."""
    report_prefixes = sorted(reports, key=len, reverse=True)

    def report_of(iri: str) -> str | None:
        for r in report_prefixes:
            if iri == r or iri.startswith(r + "/"):
                return r
        return None
    return report_of


def _add_report(G: nx.MultiDiGraph, n: str, r: str | None) -> None:
    if r and n in G and r not in G.nodes[n]["reports"]:
        G.nodes[n]["reports"].append(r)


def _add_edge(G: nx.MultiDiGraph, u: str, v: str, rel: str, label: str, **extra) -> None:
    """Add the edge ``u → v`` keyed ``rel``, or count it (and gather its quotes) if it is there."""
    if u == v:
        return
    if G.has_edge(u, v, key=rel):
        e = G.edges[u, v, rel]
        e["count"] = e.get("count", 1) + 1
        for q in extra.get("quotes", []):
            e.setdefault("quotes", []).append(q)
        return
    G.add_edge(u, v, key=rel, rel=rel, label=label, count=1, **extra)


def _local(iri: str) -> str:
    return re.split(r"[#/]", str(iri).rstrip("/#"))[-1]


def _pick_literal(values: Iterable) -> str | None:
    best: tuple[int, str] | None = None
    for v in values:
        if not isinstance(v, Literal):
            continue
        lang = (v.language or "").lower()
        rank = 0 if lang.startswith("zh") else (1 if not lang else 2)
        s = str(v).strip()
        if not s:
            continue
        if best is None or (rank, s) < best:
            best = (rank, s)
    return best[1] if best else None


def _label(g: rdflib.Graph, s: URIRef, ntype: str) -> str:
    if ntype in DOCUMENT_TYPES:
        props = (DCTERMS.title, SKOS.prefLabel, RDFS.label)
    elif ntype in ("measure", "section"):
        props = (KGO.heading, DCTERMS.title, SKOS.prefLabel, RDFS.label)
    elif ntype == "figure":
        text = _pick_literal(g.objects(s, KGO.text))
        if text:
            return text
        val, unit = g.value(s, RDF.value), g.value(s, KGO.unit)
        if val is not None:
            return f"{val}{unit or ''}"
        props = _LABEL_PROPS
    else:
        props = _LABEL_PROPS
    for p in props:
        lab = _pick_literal(g.objects(s, p))
        if lab:
            return lab
    num = g.value(s, KGO.number)
    t = NODE_TYPES[ntype]
    if num is not None:
        return f"{t.zh} {num}"
    return _local(s)


def _node_type(types: set, g: rdflib.Graph, s: URIRef) -> str | None:
    for cls, key in CLASS_TYPES:
        if cls in types:
            if key == "document":
                kind = g.value(s, KGO.documentKind)
                if kind is not None and str(kind) in KIND_TYPES:
                    return KIND_TYPES[str(kind)]
            return key
    return None


def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _evidence(g: rdflib.Graph, ev, report: str | None) -> dict | None:
    sentence = _pick_literal(g.objects(ev, KGO.sentence))
    exact = _pick_literal(g.objects(ev, OA.exact))
    text = sentence or exact
    if not text:
        return None
    return {"text": text, "exact": exact or "", "line": _int(g.value(ev, KGO.line)),
            "start": _int(g.value(ev, OA.start)), "report": report}


def _graphs_by_report(graph) -> dict[str, set]:
    """Named graphs of a Dataset/ConjunctiveGraph named by a report IRI → their subjects."""
    out: dict[str, set] = {}
    contexts = getattr(graph, "contexts", None)
    if contexts is None or not callable(contexts):
        return out
    try:
        for ctx in contexts():
            ident = str(ctx.identifier)
            if "/report/" in ident:
                out[ident] = set(ctx.subjects())
    except Exception:  # pragma: no cover - exotic stores
        return {}
    return out


__all__ = ["project"]
