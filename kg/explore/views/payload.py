"""networkx → the JSON a page shows: nodes, edges, legend, reports (compare ``json_graph.node_link``).

pyvis builds the network here, and only here: it is the node/edge container, while the page
template is ours (:mod:`kg.explore.views.html`). Node ids in the JSON are compact integers; texts
are shortened to what the page shows (the projection keeps everything).
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

import networkx as nx

from kg.explore.views.legend import ACTION_LABELS, DOCUMENT_TYPES, NODE_TYPES

#: caps for what goes into the HTML (the networkx projection keeps everything)
MAX_QUOTES_IN_HTML = 8
MAX_QUOTE_CHARS = 360
MAX_LABEL_CHARS = 18

EdgeFilter = Callable[[str, str, dict], bool]


def build_network(G: nx.MultiDiGraph, nodes: list[str], pos: dict, report_index: dict,
                  box: bool = False, size_graph: nx.MultiDiGraph | None = None,
                  edge_filter: EdgeFilter | None = None, reverse: Iterable[str] = ()):
    """Bulk-build a pyvis Network for ``nodes`` (compact integer ids, in this order) at the
    positions ``pos`` and return it with the id map ``{node: id}``.

    Node sizes grow with the degree in ``size_graph`` (default ``G``); only the edges that
    ``edge_filter(u, v, data)`` accepts are kept; the edges whose relation is in ``reverse``
    are drawn from ``v`` to ``u``."""
    from pyvis.network import Network  # imported lazily: pulls in jinja2/IPython

    net = Network(directed=True, cdn_resources="in_line")
    ids = {n: i for i, n in enumerate(nodes)}
    SG = size_graph if size_graph is not None else G
    reverse = set(reverse)
    vnodes = []
    for n in nodes:
        d = G.nodes[n]
        x, y = pos.get(n, (0.0, 0.0))
        deg = SG.degree(n) if n in SG else 0
        quotes = [{"t": clip(q["text"]), "l": q.get("line"),
                   "r": report_index.get(q.get("report"), -1)}
                  for q in d["quotes"][:MAX_QUOTES_IN_HTML]]
        item = {"id": ids[n], "label": _display_label(d), "full": d["label"], "iri": n,
                "type": d["type"], "x": round(x, 1), "y": round(y, 1), "deg": deg,
                "size": _degree_size(deg, d["type"]),
                "rep": [report_index[r] for r in d["reports"] if r in report_index],
                "q": quotes, "nq": len(d["quotes"])}
        if d["attrs"]:
            item["a"] = {k: clip(v, 200) for k, v in sorted(d["attrs"].items())}
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
        rel = d.get("rel", k)
        a, b = (v, u) if rel in reverse else (u, v)
        e = {"from": ids[a], "to": ids[b], "rel": rel, "label": d.get("label", "")}
        if d.get("count", 1) > 1:
            e["n"] = d["count"]
        vedges.append(e)
    net.nodes = vnodes       # bulk: no per-edge scans of pyvis' add_edge
    net.edges = vedges
    net.node_ids = list(range(len(vnodes)))
    return net, ids


def page_payload(G: nx.MultiDiGraph, view: str, title: str, reports: list[str], net, links: list[dict],
                 subtitle: str = "", extra: dict | None = None) -> dict:
    """The JSON of one page: the network ``net`` from :func:`build_network`, the legend of the
    types it shows, the reports, the navigation ``links`` and any ``extra`` keys."""
    nodes, edges = net.nodes, net.edges
    p = {"version": 1, "view": view, "title": title, "subtitle": subtitle,
         "reports": _reports_payload(G, reports),
         "types": _type_table(n["type"] for n in nodes),
         "actions": ACTION_LABELS, "links": links, "nodes": nodes, "edges": edges}
    if extra:
        p.update(extra)
    return p


def short(label: str, n: int = MAX_LABEL_CHARS) -> str:
    """``label`` on one line, cut to ``n`` characters (with an ellipsis)."""
    label = " ".join(label.split())
    return label if len(label) <= n else label[: n - 1] + "…"


def clip(s: str, n: int = MAX_QUOTE_CHARS) -> str:
    """``s`` cut to ``n`` characters (with an ellipsis)."""
    return s if len(s) <= n else s[: n - 1] + "…"


def _display_label(d: dict) -> str:
    lab = d["label"]
    if d["type"] == "aspect":
        lab = re.sub(r"^关于", "", lab)
        lab = re.sub(r"的?整改情况$", "", lab)
    if d["type"] in DOCUMENT_TYPES and not lab.startswith("《"):
        return "《" + short(lab, MAX_LABEL_CHARS - 2) + "》"
    return short(lab)


def _degree_size(deg: int, t: str) -> float:
    base = 26.0 if t == "report" else 8.0
    return round(min(base + 4.2 * math.sqrt(deg), 48.0), 1)


def _type_table(present: Iterable[str]) -> list[dict]:
    present = set(present)
    return [{"key": t.key, "zh": t.zh, "en": t.en, "color": t.color, "shape": t.shape}
            for t in NODE_TYPES.values() if t.key in present]


def _reports_payload(G: nx.MultiDiGraph, reports: list[str]) -> list[dict]:
    out = []
    for r in reports:
        d = G.nodes[r]
        out.append({"iri": r, "label": d["label"], "attrs": {k: clip(v, 200) for k, v in sorted(d["attrs"].items())}})
    return out


__all__ = ["build_network", "page_payload", "short", "clip", "MAX_QUOTES_IN_HTML", "MAX_QUOTE_CHARS",
           "MAX_LABEL_CHARS"]
