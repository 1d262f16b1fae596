"""Node positions, in pure Python (no numpy); vis physics is off, so these are the final ones.

Both layouts take ``(G, nodes, roots=None)`` and return ``{node: (x, y)}`` for the ``nodes`` of the
projection ``G``, the way :mod:`networkx.drawing.layout` does:

- :func:`radial_layout`: a radial tree (overview, aspect and focus pages), like ``bfs_layout``;
- :func:`layered_layout`: left-to-right layers aspect → problem → measure → document (the trace
  page), like ``multipartite_layout``.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import networkx as nx

from kg.explore.views.legend import DOCUMENT_TYPES, sort_key

Positions = dict[str, tuple[float, float]]

#: child → parent relations of the report hierarchy (followed first by the radial tree)
_STRUCT_RELS = ("inReport", "inSection", "broader", "addresses")
#: x of the layers of the layered layout, and the height of a row
_LAYER_X = (0.0, 330.0, 660.0, 1080.0)
_LAYER_OF = {"aspect": 0, "problem": 1, "measure": 2}
_ROW = 44.0


def radial_layout(G: nx.MultiDiGraph, nodes: set, roots: Sequence[str] | None = None) -> Positions:
    """Radial tree of ``nodes`` around ``roots`` (several roots share a virtual centre).

    The tree is a BFS over the undirected graph restricted to ``nodes`` that follows structural
    edges first, so that it mirrors the report hierarchy; entities hang off the first measure (in
    order) that mentions them. Nodes unreachable from the roots (all of them when there are no
    roots) are laid out as further radial trees in rows below."""
    roots = list(roots or [])
    children, rest = _bfs_children(G, nodes, roots)
    pos: Positions = {}
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
            root = sorted(sub, key=lambda n: sort_key(G, n))[0]
            ch, _ = _bfs_children(G, sub, [root])
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


def layered_layout(G: nx.MultiDiGraph, nodes: set, roots: Sequence[str] | None = None) -> Positions:
    """Layers left to right: aspects → problems → measures → documents.

    ``roots`` are the aspects of the first layer, top to bottom (default: the aspects among
    ``nodes`` by report, then number). Measures are rows in document order; problems and aspects
    sit at the mean of their children; documents at the barycentre of the measures citing them,
    pushed apart."""
    if roots is None:
        roots = sorted((n for n in nodes if G.nodes[n]["type"] == "aspect"),
                       key=lambda n: (G.nodes[n]["report"] or "", sort_key(G, n)))
    X = _LAYER_X
    row = _ROW
    pos: Positions = {}
    y = 0.0
    for a in roots:
        probs = sorted((u for u, _, d in G.in_edges(a, data=True)
                        if d.get("rel") == "broader" and u in nodes and G.nodes[u]["type"] == "problem"),
                       key=lambda n: sort_key(G, n))
        pys = []
        for p in probs:
            if p in pos:
                continue
            meas = sorted((u for u, _, d in G.in_edges(p, data=True)
                           if d.get("rel") == "addresses" and u in nodes and u not in pos),
                          key=lambda n: sort_key(G, n))
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
                docs.append((sum(ys) / len(ys), sort_key(G, n), n))
    docs.sort()
    last = -1e9
    for by, _, n in docs:
        yy = max(by, last + row * 0.8)
        pos[n] = (X[3], yy)
        last = yy
    # anything else (should not happen): below
    for n in sorted(nodes - set(pos), key=lambda n: sort_key(G, n)):
        t = G.nodes[n]["type"]
        pos[n] = (X[_LAYER_OF.get(t, 3)], y)
        y += row
    return pos


# ---------------------------------------------------------------------------
# the radial tree


def _bfs_children(G: nx.MultiDiGraph, nodes: set, roots: list[str]) -> tuple[dict, list]:
    """BFS spanning forest over the undirected graph restricted to ``nodes``, one tree per root
    not reached from an earlier one: ``({parent: [children]}, nodes left over in order)``."""
    children: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()

    def neighbours(n: str) -> list[str]:
        # structural children (in-edges of the hierarchy) first, then everything else, each in order;
        # nodes of earlier trees are not taken again
        struct, other = [], []
        for u, _, d in G.in_edges(n, data=True):
            if u in nodes:
                (struct if d.get("rel") in _STRUCT_RELS else other).append(u)
        for _, v, d in G.out_edges(n, data=True):
            if v in nodes:
                other.append(v)
        key = lambda x: sort_key(G, x)  # noqa: E731
        ordered = sorted(set(struct), key=key) + sorted(set(other) - set(struct), key=key)
        return [m for m in ordered if m not in seen]

    for r in roots:
        if r in seen:
            continue
        seen.add(r)
        for parent, child in nx.generic_bfs_edges(G, r, neighbors=neighbours):
            seen.add(child)
            children[parent].append(child)
    rest = [n for n in nodes if n not in seen]
    return children, sorted(rest, key=lambda x: sort_key(G, x))


def _radial(children: dict, root: str, ring: float = 150.0, gap: float = 46.0) -> Positions:
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
    pos: Positions = {root: (0.0, 0.0)}
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


__all__ = ["radial_layout", "layered_layout"]
