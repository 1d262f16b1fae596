"""Interactive offline HTML views of the knowledge graph.

RDF graph --:func:`project`--> networkx ``MultiDiGraph`` (entities and relations only:
mention nodes are collapsed into direct edges) --pyvis ``Network`` (bulk nodes/edges)-->
self-contained UTF-8 HTML built from our own template in ``kg/templates/`` with the
vendored vis-network in ``kg/static/vis-network/`` inlined: no external URL, no CDN.

Public API
----------
- :func:`project` ``(graph) -> nx.MultiDiGraph``
- :func:`write_views` ``(graph, out_dir, title=None) -> list[Path]``: ``overview.html``,
  ``trace.html`` and one ``aspect-N.html`` per aspect.
- :func:`write_focus` ``(graph, name_or_title, out_path, depth=2) -> Path``: neighbourhood
  of one entity found by label substring (``kg view NAME --depth N``).

Safety: every string taken from a document goes into a ``<script type="application/json">``
block with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped; the page script builds the DOM
with ``textContent`` only. A Content-Security-Policy with script hashes forbids any
network access and any script we did not write (inline event handlers included).

Layouts are computed here in pure Python (no numpy): a radial tree for overview, aspect
and focus views, a layered left-to-right layout for the trace. vis physics is off.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import defaultdict, deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import networkx as nx
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS, Namespace

from .fileio import atomic_write

__all__ = ["project", "write_views", "write_focus", "render_html", "NODE_TYPES",
           "CORPUS_THRESHOLD", "KgViewError"]

KGO = Namespace("https://w3id.org/kg-rectify/ontology#")
KGR = Namespace("https://w3id.org/kg-rectify/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")

_HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = _HERE / "templates"
STATIC_DIR = _HERE / "static" / "vis-network"

#: more reports than this in one graph → the overview groups nodes by report (clusters)
CORPUS_THRESHOLD = 5
#: caps for what goes into the HTML (the networkx projection keeps everything)
MAX_QUOTES_IN_HTML = 8
MAX_QUOTE_CHARS = 360
MAX_LABEL_CHARS = 18


class KgViewError(Exception):
    """A view cannot be made (e.g. no entity matches the name given)."""


@dataclass(frozen=True)
class NodeType:
    key: str
    zh: str
    en: str
    color: str
    shape: str
    level: int          # depth in the structural hierarchy (for ordering)


#: node types in legend order: colour and shape by type
NODE_TYPES: dict[str, NodeType] = {t.key: t for t in [
    NodeType("report", "通报", "Report", "#37474f", "star", 0),
    NodeType("section", "部分", "Section", "#78909c", "square", 1),
    NodeType("aspect", "方面", "Aspect", "#c62828", "hexagon", 2),
    NodeType("problem", "问题类别", "Problem category", "#ef6c00", "triangle", 3),
    NodeType("measure", "整改措施", "Measure", "#1565c0", "dot", 4),
    NodeType("regulation", "本单位制度", "Own regulation", "#2e7d32", "square", 5),
    NodeType("external", "外部文件", "External document", "#6a1b9a", "diamond", 5),
    NodeType("publication", "出版物", "Publication", "#8d6e63", "triangleDown", 5),
    NodeType("periodical", "报刊", "Periodical", "#ad1457", "triangleDown", 5),
    NodeType("document", "文件", "Document", "#757575", "square", 5),
    NodeType("organization", "单位", "Organization", "#00838f", "diamond", 6),
    NodeType("award", "奖项", "Award", "#f9a825", "star", 6),
    NodeType("initiative", "活动", "Initiative", "#00695c", "triangle", 6),
    NodeType("person", "人员", "Person", "#d81b60", "dot", 6),
    NodeType("figure", "数字", "Figure", "#9e9e9e", "dot", 7),
]}

DOCUMENT_TYPES = ("regulation", "external", "publication", "periodical", "document")

# rdf:type → node type, most specific first
_CLASS_TYPES: list[tuple[URIRef, str]] = [
    (KGO.OwnRegulation, "regulation"), (KGO.ExternalDocument, "external"),
    (KGO.Publication, "publication"), (KGO.Periodical, "periodical"), (KGO.Document, "document"),
    (KGO.Report, "report"), (KGO.Section, "section"), (KGO.Aspect, "aspect"),
    (KGO.ProblemCategory, "problem"), (KGO.Measure, "measure"),
    (ORG.OrganizationalUnit, "organization"), (ORG.Organization, "organization"),
    (ORG.FormalOrganization, "organization"),
    (KGO.Award, "award"), (KGO.Initiative, "initiative"),
    (PROV.Person, "person"), (FOAF.Person, "person"), (KGO.Figure, "figure"),
]
_KIND_TYPES = {"regulation": "regulation", "external": "external",
               "publication": "publication", "periodical": "periodical"}

#: action codes → display label
ACTION_LABELS = {"enact": "制定", "revise": "修订", "issue": "印发", "enforce": "执行",
                 "abolish": "废止", "study": "学习", "compile": "编印", "cite": "引用"}
RELATION_LABELS = {"broader": "属于", "addresses": "整改", "inSection": "位于", "inReport": "属于",
                   "subOrganizationOf": "下属", "unitOf": "下属", "mentions": "提及", "counts": "计数",
                   "inMeasure": "出自", "publisher": "发布", "inspectedBy": "巡视"}

_LABEL_PROPS = (SKOS.prefLabel, DCTERMS.title, FOAF.name, RDFS.label, KGO.heading, KGO.text,
                SKOS.notation)
# IRI→IRI predicates never drawn as edges (handled otherwise or derived)
_SKIP_EDGE_PREDS = {RDF.type, KGO.evidence, KGO.answers, SKOS.inScheme, SKOS.hasTopConcept,
                    SKOS.topConceptOf, KGO.mentions, KGO.inMeasure, KGO.inReport}
_SKIP_ATTR_PREDS = {RDF.type, KGO.normalizedText, KGO.evidence, SKOS.prefLabel, DCTERMS.title,
                    FOAF.name, RDFS.label}


# ---------------------------------------------------------------------------
# projection RDF → networkx


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
    for cls, key in _CLASS_TYPES:
        if cls in types:
            if key == "document":
                kind = g.value(s, KGO.documentKind)
                if kind is not None and str(kind) in _KIND_TYPES:
                    return _KIND_TYPES[str(kind)]
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
    report_prefixes = sorted(reports, key=len, reverse=True)

    def report_of_iri(iri: str) -> str | None:
        for r in report_prefixes:
            if iri == r or iri.startswith(r + "/"):
                return r
        return None

    # nodes
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

    def add_report(n: str, r: str | None) -> None:
        if r and n in G and r not in G.nodes[n]["reports"]:
            G.nodes[n]["reports"].append(r)

    for n in G.nodes:
        add_report(n, report_of_iri(n))
        for r in g.objects(URIRef(n), KGO.inReport):
            add_report(n, str(r))
    for r, subjects in _graphs_by_report(g).items():
        for s in subjects:
            add_report(str(s), r)

    # own evidence (measures, figures …)
    for n, data in G.nodes(data=True):
        for ev in g.objects(URIRef(n), KGO.evidence):
            q = _evidence(g, ev, data["reports"][0] if data["reports"] else report_of_iri(str(ev)))
            if q:
                data["quotes"].append(q)

    def add_edge(u: str, v: str, rel: str, label: str, **extra) -> None:
        if u == v:
            return
        if G.has_edge(u, v, key=rel):
            e = G.edges[u, v, rel]
            e["count"] = e.get("count", 1) + 1
            for q in extra.get("quotes", []):
                e.setdefault("quotes", []).append(q)
            return
        G.add_edge(u, v, key=rel, rel=rel, label=label, count=1, **extra)

    # mentions → direct edges measure → entity / document
    mention_classes = (KGO.DocumentMention, KGO.EntityMention)
    for m, ts in types_of.items():
        if not any(c in ts for c in mention_classes):
            continue
        targets = [str(o) for o in g.objects(m, KGO.mentions) if str(o) in G]
        if not targets:
            continue
        rep = report_of_iri(str(m))
        quotes = [q for q in (_evidence(g, ev, rep) for ev in g.objects(m, KGO.evidence)) if q]
        measures = [str(o) for o in g.objects(m, KGO.inMeasure) if str(o) in G]
        action = g.value(m, KGO.action)
        action = str(action) if action is not None else None
        for t in targets:
            add_report(t, rep)
            for mr in measures:
                for r in G.nodes[mr]["reports"]:
                    add_report(t, r)
            G.nodes[t]["quotes"].extend(quotes)
            for mnode in measures:
                if action:
                    add_edge(mnode, t, f"mentions:{action}", ACTION_LABELS.get(action, action),
                             action=action, quotes=list(quotes))
                else:
                    add_edge(mnode, t, "mentions", RELATION_LABELS["mentions"], quotes=list(quotes))

    # structural and other direct relations
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
            add_edge(n, o_s, rel, RELATION_LABELS.get(rel, rel))

    # connect structural nodes with no upward edge to their report
    for n, data in G.nodes(data=True):
        if data["type"] not in ("section", "aspect", "problem", "measure"):
            continue
        has_up = any(d.get("rel") in ("inSection", "broader", "addresses")
                     for _, _, d in G.out_edges(n, data=True))
        if not has_up and data["reports"]:
            r = data["reports"][0]
            if r in G:
                add_edge(n, r, "inReport", RELATION_LABELS["inReport"])

    for n, data in G.nodes(data=True):
        if data["type"] == "report":
            data["reports"] = [n]
        data["report"] = data["reports"][0] if data["reports"] else None
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
    G.graph["reports"] = reports
    G.graph["report_titles"] = {r: G.nodes[r]["label"] for r in reports if r in G}
    return G


# ---------------------------------------------------------------------------
# ordering helpers


def _sort_key(G: nx.MultiDiGraph, n: str):
    d = G.nodes[n]
    t = NODE_TYPES[d["type"]]
    num = d.get("number")
    return (t.level, num if num is not None else 10**6, _natural(n))


def _natural(s: str):
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", s)]


def _reports_in_order(G: nx.MultiDiGraph) -> list[str]:
    return sorted((r for r in G.graph.get("reports", []) if r in G), key=_natural)


# ---------------------------------------------------------------------------
# layouts (pure Python)

_STRUCT_RELS = ("inReport", "inSection", "broader", "addresses")


def _tree_children(G: nx.MultiDiGraph, nodes: set, roots: list[str]) -> tuple[dict, list]:
    """BFS spanning tree over the undirected graph restricted to ``nodes``.

    Structural edges (child → parent) are followed first so that the tree mirrors the report
    hierarchy; entities hang off the first measure (in order) that mentions them."""
    children: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    order: list[str] = []

    def nbrs(n: str) -> list[str]:
        struct, other = [], []
        for u, _, d in G.in_edges(n, data=True):
            if u in nodes:
                (struct if d.get("rel") in _STRUCT_RELS else other).append(u)
        for _, v, d in G.out_edges(n, data=True):
            if v in nodes:
                other.append(v)
        key = lambda x: _sort_key(G, x)  # noqa: E731
        return sorted(set(struct), key=key) + sorted(set(other) - set(struct), key=key)

    comps_roots = list(roots)
    for r in comps_roots:
        if r in seen:
            continue
        seen.add(r)
        q = deque([r])
        while q:
            n = q.popleft()
            order.append(n)
            for m in nbrs(n):
                if m not in seen:
                    seen.add(m)
                    children[n].append(m)
                    q.append(m)
    rest = [n for n in nodes if n not in seen]
    return children, sorted(rest, key=lambda x: _sort_key(G, x))


def _radial(children: dict, root: str, ring: float = 150.0, gap: float = 46.0) -> dict[str, tuple[float, float]]:
    """Radial tree layout: angle share ∝ leaves of the subtree, radius grows per depth and
    so that neighbours on a ring stay ``gap`` apart."""
    leaves: dict[str, int] = {}
    depth_count: dict[int, int] = defaultdict(int)
    stack = [(root, 0, False)]
    depth_of: dict[str, int] = {}
    while stack:
        n, d, done = stack.pop()
        if done:
            ch = children.get(n, [])
            leaves[n] = sum(leaves[c] for c in ch) if ch else 1
            continue
        depth_of[n] = d
        depth_count[d] += 1
        stack.append((n, d, True))
        for c in children.get(n, []):
            stack.append((c, d + 1, False))
    total = leaves[root]
    maxd = max(depth_of.values())
    # smallest angular share of a node at each depth: neighbours there must stay `gap` apart
    min_share: dict[int, float] = {}
    for n, d in depth_of.items():
        if d:
            sh = 2 * math.pi * leaves[n] / total
            min_share[d] = min(min_share.get(d, sh), sh)
    radius = {0: 0.0}
    for d in range(1, maxd + 1):
        need = max(depth_count[d] * gap / (2 * math.pi), gap / min_share[d])
        natural = radius[d - 1] + ring
        radius[d] = max(natural, min(need, natural * 3.0, natural + 1200))
    pos: dict[str, tuple[float, float]] = {root: (0.0, 0.0)}
    stack2 = [(root, 0.0, 2 * math.pi)]
    while stack2:
        n, a0, a1 = stack2.pop()
        ch = children.get(n, [])
        span = a1 - a0
        a = a0
        for c in ch:
            share = span * leaves[c] / leaves[n]
            mid = a + share / 2
            r = radius[depth_of[c]]
            pos[c] = (r * math.cos(mid), r * math.sin(mid))
            stack2.append((c, a, a + share))
            a += share
    return pos


def _radial_layout(G: nx.MultiDiGraph, nodes: set, roots: list[str]) -> dict[str, tuple[float, float]]:
    """Radial layout of ``nodes``; several roots share a virtual centre; nodes unreachable
    from the roots are laid out as further radial trees in a row below."""
    children, rest = _tree_children(G, nodes, roots)
    pos: dict[str, tuple[float, float]] = {}
    if len(roots) == 1:
        pos.update(_radial(children, roots[0]))
    elif roots:
        virt = "\0root"
        children[virt] = list(roots)
        pos.update(_radial(children, virt))
        pos.pop(virt, None)
    # left-overs: more components
    if rest:
        sub = set(rest)
        ymax = max((y for _, y in pos.values()), default=0.0) + 200
        x = min((x for x, _ in pos.values()), default=0.0)
        while sub:
            root = sorted(sub, key=lambda n: _sort_key(G, n))[0]
            ch, _ = _tree_children(G, sub, [root])
            comp = {root} | {c for cs in ch.values() for c in cs}
            p = _radial(ch, root, ring=90, gap=40)
            xs = [v[0] for v in p.values()]
            ys = [v[1] for v in p.values()]
            w = max(xs) - min(xs)
            h = max(ys) - min(ys)
            for n, (px, py) in p.items():
                pos[n] = (x + px - min(xs), ymax + py - min(ys))
            x += w + 120
            if x > 4000:
                x = 0.0
                ymax += h + 160
            sub -= comp
    return pos


def _trace_layout(G: nx.MultiDiGraph, nodes: set) -> dict[str, tuple[float, float]]:
    """Layered left-to-right: aspects → problems → measures → documents.

    Measures are rows in document order; problems and aspects sit at the mean of their
    children; documents at the barycentre of the measures citing them, pushed apart."""
    col = {"aspect": 0, "problem": 1, "measure": 2}
    X = [0.0, 330.0, 660.0, 1080.0]
    row = 44.0
    ordered_aspects = sorted((n for n in nodes if G.nodes[n]["type"] == "aspect"),
                             key=lambda n: (G.nodes[n]["report"] or "", _sort_key(G, n)))
    pos: dict[str, tuple[float, float]] = {}
    y = 0.0
    for a in ordered_aspects:
        probs = sorted((u for u, _, d in G.in_edges(a, data=True)
                        if d.get("rel") == "broader" and u in nodes and G.nodes[u]["type"] == "problem"),
                       key=lambda n: _sort_key(G, n))
        pys = []
        for p in probs:
            if p in pos:
                continue
            meas = sorted((u for u, _, d in G.in_edges(p, data=True)
                           if d.get("rel") == "addresses" and u in nodes and u not in pos),
                          key=lambda n: _sort_key(G, n))
            mys = []
            for m in meas:
                pos[m] = (X[2], y)
                mys.append(y)
                y += row
            if not mys:
                pos[p] = (X[1], y)
                y += row
            else:
                pos[p] = (X[1], sum(mys) / len(mys))
            pys.append(pos[p][1])
        if not pys:
            pos[a] = (X[0], y)
            y += row
        else:
            pos[a] = (X[0], sum(pys) / len(pys))
        y += row * 0.6
    # documents: barycentre of their measures then push apart
    docs = []
    for n in nodes:
        if G.nodes[n]["type"] in DOCUMENT_TYPES:
            ys = [pos[u][1] for u, _, _ in G.in_edges(n, data=True) if u in pos and u in nodes]
            if ys:
                docs.append((sum(ys) / len(ys), _sort_key(G, n), n))
    docs.sort()
    last = -1e9
    for by, _, n in docs:
        yy = max(by, last + row * 0.8)
        pos[n] = (X[3], yy)
        last = yy
    # anything else (should not happen): below
    for n in sorted(nodes - set(pos), key=lambda n: _sort_key(G, n)):
        t = G.nodes[n]["type"]
        pos[n] = (X[col.get(t, 3)], y)
        y += row
    return pos


# ---------------------------------------------------------------------------
# payload → HTML


def _short(label: str, n: int = MAX_LABEL_CHARS) -> str:
    label = " ".join(label.split())
    return label if len(label) <= n else label[: n - 1] + "…"


def _display_label(d: dict) -> str:
    lab = d["label"]
    if d["type"] == "aspect":
        lab = re.sub(r"^关于", "", lab)
        lab = re.sub(r"的?整改情况$", "", lab)
    if d["type"] in DOCUMENT_TYPES and not lab.startswith("《"):
        return "《" + _short(lab, MAX_LABEL_CHARS - 2) + "》"
    return _short(lab)


def _clip(s: str, n: int = MAX_QUOTE_CHARS) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _degree_size(deg: int, t: str) -> float:
    base = 26.0 if t == "report" else 8.0
    return round(min(base + 4.2 * math.sqrt(deg), 48.0), 1)


def _build_network(G: nx.MultiDiGraph, nodes: list[str], pos: dict, report_index: dict,
                   box: bool = False, size_graph: nx.MultiDiGraph | None = None,
                   edge_filter=None):
    """Bulk-build a pyvis Network for ``nodes`` (compact integer ids) and return it with the
    id map. pyvis is used only as the node/edge container: we own the template."""
    from pyvis.network import Network  # imported lazily: pulls in jinja2/IPython

    net = Network(directed=True, cdn_resources="in_line")
    ids = {n: i for i, n in enumerate(nodes)}
    SG = size_graph if size_graph is not None else G
    vnodes = []
    for n in nodes:
        d = G.nodes[n]
        x, y = pos.get(n, (0.0, 0.0))
        deg = SG.degree(n) if n in SG else 0
        quotes = [{"t": _clip(q["text"]), "l": q.get("line"),
                   "r": report_index.get(q.get("report"), -1)}
                  for q in d["quotes"][:MAX_QUOTES_IN_HTML]]
        item = {"id": ids[n], "label": _display_label(d), "full": d["label"], "iri": n,
                "type": d["type"], "x": round(x, 1), "y": round(y, 1), "deg": deg,
                "size": _degree_size(deg, d["type"]),
                "rep": [report_index[r] for r in d["reports"] if r in report_index],
                "q": quotes, "nq": len(d["quotes"])}
        if d["attrs"]:
            item["a"] = {k: _clip(v, 200) for k, v in sorted(d["attrs"].items())}
        if box:
            item["shape"] = "box"
        vnodes.append(item)
    vedges = []
    seen = set()
    idset = set(ids)
    for u, v, k, d in G.edges(keys=True, data=True):
        if u not in idset or v not in idset:
            continue
        if edge_filter and not edge_filter(u, v, d):
            continue
        key = (u, v, k)
        if key in seen:
            continue
        seen.add(key)
        e = {"from": ids[u], "to": ids[v], "rel": d.get("rel", k), "label": d.get("label", "")}
        if d.get("count", 1) > 1:
            e["n"] = d["count"]
        vedges.append(e)
    net.nodes = vnodes       # bulk: no per-edge scans of pyvis' add_edge
    net.edges = vedges
    net.node_ids = list(range(len(vnodes)))
    return net, ids


def _type_table(present: Iterable[str]) -> list[dict]:
    present = set(present)
    return [{"key": t.key, "zh": t.zh, "en": t.en, "color": t.color, "shape": t.shape}
            for t in NODE_TYPES.values() if t.key in present]


def _json_for_script(obj) -> str:
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # "://" occurs only inside strings (a structural ':' is never followed by '/'): "\/" is
    # "/" in JSON, and the file then shows no URL, not even of an identifier (IRI)
    s = s.replace("://", ":\\/\\/")
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    vis_js = (STATIC_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    vis_css = (STATIC_DIR / "vis-network.css").read_text(encoding="utf-8")
    # the only "://" in the vendored files are in the licence comment and string literals
    # (error messages, the SVG namespace): "\/" is "/" there, and no file shows a URL.
    vis_js = vis_js.replace("://", ":\\/\\/")
    # core-js builds '"<script>"+t+"</"+"script>"' (a string literal): keep '<script' out of
    # the page, and drop the source-map comment (devtools would try to load the map)
    vis_js = vis_js.replace('"<script>"', '"\\x3cscript>"')
    vis_js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", vis_js)
    vis_css = vis_css.replace("://", ":\\/\\/")
    for bad in ("</script", "<!--", "<script"):
        if bad in vis_js.lower():
            raise RuntimeError(f"vendored vis-network contains {bad!r}")
    if "</style" in vis_css.lower():
        raise RuntimeError("vendored vis-network.css contains </style")
    return {
        "template": (TEMPLATE_DIR / "view.html").read_text(encoding="utf-8"),
        "app_js": (TEMPLATE_DIR / "view.js").read_text(encoding="utf-8"),
        "app_css": (TEMPLATE_DIR / "view.css").read_text(encoding="utf-8"),
        "vis_js": vis_js,
        "vis_css": vis_css,
    }


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def render_html(payload: dict) -> str:
    """Fill our template with the payload (JSON) and the inlined assets."""
    a = _assets()
    title = payload.get("title") or "kg"
    parts = {
        "TITLE": html.escape(title, quote=True),
        "CSP_SCRIPTS": " ".join((_csp_hash(a["vis_js"]), _csp_hash(a["app_js"]))),
        "VIS_CSS": a["vis_css"],
        "APP_CSS": a["app_css"],
        "VIS_JS": a["vis_js"],
        "APP_JS": a["app_js"],
        "DATA": _json_for_script(payload),
    }
    # one pass: text inserted for one marker is never scanned for another
    return re.sub(r"\{\{KG:([A-Z_]+)\}\}", lambda m: parts[m.group(1)], a["template"])


def _write_atomic(path: Path, text: str) -> Path:
    return atomic_write(path, text)


def _reports_payload(G: nx.MultiDiGraph, reports: list[str]) -> list[dict]:
    out = []
    for r in reports:
        d = G.nodes[r]
        out.append({"iri": r, "label": d["label"], "attrs": {k: _clip(v, 200) for k, v in sorted(d["attrs"].items())}})
    return out


def _default_title(G: nx.MultiDiGraph, reports: list[str]) -> str:
    titles = [G.nodes[r]["label"] for r in reports]
    if not titles:
        return "知识图谱"
    if len(titles) <= 3:
        return "；".join(titles)
    return f"{len(titles)} 份巡视整改进展情况通报"


def _payload(G, view: str, title: str, reports: list[str], net, links: list[dict],
             subtitle: str = "", extra: dict | None = None) -> dict:
    nodes, edges = net.nodes, net.edges
    p = {"version": 1, "view": view, "title": title, "subtitle": subtitle,
         "reports": _reports_payload(G, reports),
         "types": _type_table(n["type"] for n in nodes),
         "actions": ACTION_LABELS, "links": links, "nodes": nodes, "edges": edges}
    if extra:
        p.update(extra)
    return p


# ---------------------------------------------------------------------------
# views


def _aspect_pages(G: nx.MultiDiGraph, reports: list[str]) -> list[tuple[str, str]]:
    """(aspect IRI, file name) in report then aspect order."""
    aspects = sorted((n for n, d in G.nodes(data=True) if d["type"] == "aspect"),
                     key=lambda n: (reports.index(G.nodes[n]["report"]) if G.nodes[n]["report"] in reports else 10**6,
                                    _sort_key(G, n)))
    out = []
    nums = [G.nodes[a].get("number") for a in aspects]
    use_numbers = len(reports) <= 1 and all(n is not None for n in nums) and len(set(nums)) == len(nums)
    for i, a in enumerate(aspects, 1):
        n = nums[i - 1] if use_numbers else i
        out.append((a, f"aspect-{n}.html"))
    return out


def _aspect_nodes(G: nx.MultiDiGraph, aspect: str) -> set[str]:
    keep = {aspect}
    probs = [u for u, _, d in G.in_edges(aspect, data=True) if d.get("rel") == "broader"]
    keep.update(probs)
    meas = [u for p in probs for u, _, d in G.in_edges(p, data=True) if d.get("rel") == "addresses"]
    keep.update(meas)
    for m in meas:
        for _, v, d in G.out_edges(m, data=True):
            if d.get("rel", "").startswith("mentions"):
                keep.add(v)
    return keep


def _nav_links(aspect_files: list[tuple[str, str]], G, current: str, corpus: bool) -> list[dict]:
    links = [{"href": "overview.html", "label": "总览", "current": current == "overview.html"},
             {"href": "trace.html", "label": "追溯", "current": current == "trace.html"}]
    for a, fname in aspect_files:
        num = fname[len("aspect-"):-len(".html")]
        links.append({"href": fname, "label": f"方面{num}", "tip": G.nodes[a]["label"],
                      "aspect": a, "current": current == fname})
    return links


def _overview_single(G, reports, title, links) -> dict:
    nodes = sorted(G.nodes, key=lambda n: _sort_key(G, n))
    roots = reports or ([nodes[0]] if nodes else [])
    pos = _radial_layout(G, set(nodes), roots)
    net, _ = _build_network(G, nodes, pos, {r: i for i, r in enumerate(reports)})
    return _payload(G, "overview", title, reports, net, links)


def _structure_signature(G, members: set, r: str) -> tuple:
    def rel(n):
        return n[len(r):] if n.startswith(r) else n
    ns = tuple(sorted((rel(n), G.nodes[n]["type"]) for n in members))
    es = tuple(sorted((rel(u), rel(v), k) for u, v, k in G.edges(keys=True) if u in members and v in members))
    return hash((ns, es))


def _overview_corpus(G, reports, title, links) -> dict:
    """Corpus: one cluster node per report; its nodes (pre-laid out around it) appear when the
    cluster is clicked."""
    rindex = {r: i for i, r in enumerate(reports)}
    members: dict[str, set] = {r: set() for r in reports}
    orphans = []
    for n, d in G.nodes(data=True):
        rs = [r for r in d["reports"] if r in members]
        if not rs:
            orphans.append(n)
        for r in rs:
            members[r].add(n)
    layouts: dict[str, dict] = {}
    memo: dict[tuple, dict] = {}
    radius: dict[str, float] = {}
    for r in reports:
        sig = _structure_signature(G, members[r], r)
        if sig in memo:
            rel_pos = memo[sig]
            p = {}
            for n in members[r]:
                key = n[len(r):] if n.startswith(r) else n
                if key in rel_pos:
                    p[n] = rel_pos[key]
        else:
            p = _radial_layout(G, members[r], [r])
            memo[sig] = {(n[len(r):] if n.startswith(r) else n): xy for n, xy in p.items()}
        layouts[r] = p
        radius[r] = max((math.hypot(x, y) for x, y in p.values()), default=100.0)
    cols = max(1, math.ceil(math.sqrt(len(reports))))
    cell = 2 * max(radius.values(), default=200.0) + 300
    centers = {}
    for i, r in enumerate(reports):
        centers[r] = ((i % cols) * cell, (i // cols) * cell)
    # all nodes once, positioned for their first report; per-report positions in clusters
    all_nodes = sorted(G.nodes, key=lambda n: (rindex.get(G.nodes[n]["report"], 10**6), _sort_key(G, n)))
    pos = {}
    for n in all_nodes:
        rs = [r for r in G.nodes[n]["reports"] if r in layouts]
        if rs:
            r = rs[0]
            cx, cy = centers[r]
            x, y = layouts[r].get(n, (0.0, 0.0))
            pos[n] = (cx + x, cy + y)
    net, ids = _build_network(G, all_nodes, pos, rindex)
    clusters = []
    for r in reports:
        cx, cy = centers[r]
        mem = sorted(members[r], key=lambda n: ids[n])
        clusters.append({
            "report": rindex[r], "node": ids[r], "x": cx, "y": cy, "label": _short(G.nodes[r]["label"], 24),
            "count": len(mem),
            "members": [[ids[n], round(cx + layouts[r][n][0], 1), round(cy + layouts[r][n][1], 1)]
                        for n in mem if n in layouts[r]],
        })
    extra = {"clusters": clusters, "orphans": [ids[n] for n in orphans]}
    return _payload(G, "overview", title, reports, net, links,
                    subtitle=f"{len(reports)} 份通报：点击通报展开 · click a report to expand",
                    extra=extra)


def _trace_payload(G, reports, title, links) -> dict:
    keep = {n for n, d in G.nodes(data=True)
            if d["type"] in ("aspect", "problem", "measure") or d["type"] in DOCUMENT_TYPES}
    # measures without a problem (section level) and documents not reached stay out
    reached = set()
    for a in (n for n in keep if G.nodes[n]["type"] == "aspect"):
        reached |= {n for n in _aspect_nodes(G, a) if n in keep}
    nodes = sorted(reached, key=lambda n: (G.nodes[n]["report"] or "", _sort_key(G, n)))
    pos = _trace_layout(G, set(nodes))
    sub = G.subgraph(nodes)

    def edge_ok(u, v, d):
        r = d.get("rel", "")
        return r in ("broader", "addresses") or r.startswith("mentions")

    net, ids = _build_network(G, nodes, pos, {r: i for i, r in enumerate(reports)}, box=True,
                              size_graph=sub, edge_filter=edge_ok)
    # draw left → right: aspect → problem → measure → document
    for e in net.edges:
        if e["rel"] in ("broader", "addresses"):
            e["from"], e["to"] = e["to"], e["from"]
    extra = {}
    if len(reports) > 1:
        # one layout per report: the page shows one report (or all, for a few) at a time
        per = []
        for r in reports:
            mine = {n for n in nodes if r in G.nodes[n]["reports"]}
            p = _trace_layout(G, mine)
            per.append([[ids[n], round(p[n][0], 1), round(p[n][1], 1)]
                        for n in sorted(mine, key=lambda n: ids[n])])
        extra["perReport"] = per
    return _payload(G, "trace", title, reports, net, links, extra=extra,
                    subtitle="方面 → 问题类别 → 整改措施 → 制度文件 · aspects → problems → measures → documents")


def _focus_payload(G, center: str, nodes: set, title: str, reports, links, view="focus", subtitle="") -> dict:
    pos = _radial_layout(G, nodes, [center])
    order = sorted(nodes, key=lambda n: (n != center, _sort_key(G, n)))
    net, ids = _build_network(G, order, pos, {r: i for i, r in enumerate(reports)},
                              size_graph=G.subgraph(nodes))
    return _payload(G, view, title, reports, net, links, subtitle=subtitle,
                    extra={"center": ids[center]})


def write_views(graph: rdflib.Graph, out_dir, title: str | None = None, *,
                aspects: bool | None = None, projection: nx.MultiDiGraph | None = None) -> list[Path]:
    """Write ``overview.html``, ``trace.html`` and one ``aspect-N.html`` per aspect into
    ``out_dir``; return the paths written.

    With more than :data:`CORPUS_THRESHOLD` reports the overview groups nodes by report and
    the per-aspect pages are skipped unless ``aspects=True`` (each page inlines ~700 kB of
    vis-network; a corpus has hundreds of aspects)."""
    G = projection if projection is not None else project(graph)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    reports = _reports_in_order(G)
    corpus = len(reports) > CORPUS_THRESHOLD
    title = title or _default_title(G, reports)
    if aspects is None:
        aspects = not corpus
    aspect_files = _aspect_pages(G, reports) if aspects else []
    written: list[Path] = []

    overview = (_overview_corpus if corpus else _overview_single)(
        G, reports, title, _nav_links(aspect_files, G, "overview.html", corpus))
    written.append(_write_atomic(out / "overview.html", render_html(overview)))
    trace = _trace_payload(G, reports, title, _nav_links(aspect_files, G, "trace.html", corpus))
    written.append(_write_atomic(out / "trace.html", render_html(trace)))
    for a, fname in aspect_files:
        nodes = _aspect_nodes(G, a)
        rep = G.nodes[a]["report"]
        sub = G.nodes[a]["label"]
        if len(reports) > 1 and rep:
            sub = G.nodes[rep]["label"] + " · " + sub
        p = _focus_payload(G, a, nodes, title, reports, _nav_links(aspect_files, G, fname, corpus),
                           view="aspect", subtitle=sub)
        written.append(_write_atomic(out / fname, render_html(p)))
    return written


def find_nodes(G: nx.MultiDiGraph, name_or_title: str) -> list[str]:
    """Nodes whose label (or IRI) contains ``name_or_title``; exact label matches first,
    then shorter labels, then entities before structure."""
    q = name_or_title.strip().strip("《》").casefold()
    if not q:
        return []
    hits = []
    for n, d in G.nodes(data=True):
        lab = d["label"].casefold()
        if q in lab or q == n.casefold():
            exact = lab.strip("《》") == q or n.casefold() == q
            hits.append((not exact, len(lab), -NODE_TYPES[d["type"]].level, _natural(n), n))
    hits.sort()
    return [h[-1] for h in hits]


def write_focus(graph: rdflib.Graph, name_or_title: str, out_path, depth: int = 2, *,
                projection: nx.MultiDiGraph | None = None) -> Path:
    """Write the neighbourhood (``depth`` hops, both directions) of the entity whose label
    contains ``name_or_title`` to ``out_path``. Raises :class:`KgViewError` if none does."""
    G = projection if projection is not None else project(graph)
    hits = find_nodes(G, name_or_title)
    if not hits:
        raise KgViewError(f"no entity label contains {name_or_title!r}")
    center = hits[0]
    depth = max(0, int(depth))
    U = G.to_undirected(as_view=True)
    nodes = set(nx.single_source_shortest_path_length(U, center, cutoff=depth))
    reports = _reports_in_order(G)
    d = G.nodes[center]
    title = f"{NODE_TYPES[d['type']].zh}：{d['label']}"
    sub = f"{depth} 跳邻域 · {len(nodes)} 个节点"
    if len(hits) > 1:
        sub += f" · 另有 {len(hits) - 1} 个匹配"
    p = _focus_payload(G, center, nodes, title, reports, [], subtitle=sub)
    return _write_atomic(Path(out_path), render_html(p))
