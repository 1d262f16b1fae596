"""The pages: overview (one report, or a corpus grouped by report), trace, one per aspect, and
the neighbourhood of one entity; :func:`write_views` and :func:`write_focus` write them."""
from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import rdflib

from kg.errors import KgViewError
from kg.explore.views.html import render_html
from kg.explore.views.layout import layered_layout, radial_layout
from kg.explore.views.legend import DOCUMENT_TYPES, NODE_TYPES, natural_key, sort_key
from kg.explore.views.payload import build_network, page_payload, short
from kg.explore.views.project import project, reports_in_order
from kg.fileio import atomic_write

#: more reports than this in one graph → the overview groups nodes by report (clusters)
CORPUS_THRESHOLD = 5


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
    reports = reports_in_order(G)
    corpus = len(reports) > CORPUS_THRESHOLD
    title = title or _default_title(G, reports)
    if aspects is None:
        aspects = not corpus
    aspect_files = _aspect_pages(G, reports) if aspects else []
    written: list[Path] = []

    overview = (_overview_corpus if corpus else _overview_single)(
        G, reports, title, _nav_links(aspect_files, G, "overview.html"))
    written.append(atomic_write(out / "overview.html", render_html(overview)))
    trace = _trace_payload(G, reports, title, _nav_links(aspect_files, G, "trace.html"))
    written.append(atomic_write(out / "trace.html", render_html(trace)))
    for a, fname in aspect_files:
        nodes = _aspect_nodes(G, a)
        rep = G.nodes[a]["report"]
        sub = G.nodes[a]["label"]
        if len(reports) > 1 and rep:
            sub = G.nodes[rep]["label"] + " · " + sub
        p = _focus_payload(G, a, nodes, title, reports, _nav_links(aspect_files, G, fname),
                           view="aspect", subtitle=sub)
        written.append(atomic_write(out / fname, render_html(p)))
    return written


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
    reports = reports_in_order(G)
    d = G.nodes[center]
    title = f"{NODE_TYPES[d['type']].zh}：{d['label']}"
    sub = f"{depth} 跳邻域 · {len(nodes)} 个节点"
    if len(hits) > 1:
        sub += f" · 另有 {len(hits) - 1} 个匹配"
    p = _focus_payload(G, center, nodes, title, reports, [], subtitle=sub)
    return atomic_write(Path(out_path), render_html(p))


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
            hits.append((not exact, len(lab), -NODE_TYPES[d["type"]].level, natural_key(n), n))
    hits.sort()
    return [h[-1] for h in hits]


# ---------------------------------------------------------------------------
# page contents


def _default_title(G: nx.MultiDiGraph, reports: list[str]) -> str:
    titles = [G.nodes[r]["label"] for r in reports]
    if not titles:
        return "知识图谱"
    if len(titles) <= 3:
        return "；".join(titles)
    return f"{len(titles)} 份巡视整改进展情况通报"


def _aspect_pages(G: nx.MultiDiGraph, reports: list[str]) -> list[tuple[str, str]]:
    """(aspect IRI, file name) in report then aspect order."""
    aspects = sorted((n for n, d in G.nodes(data=True) if d["type"] == "aspect"),
                     key=lambda n: (reports.index(G.nodes[n]["report"]) if G.nodes[n]["report"] in reports else 10**6,
                                    sort_key(G, n)))
    out = []
    nums = [G.nodes[a].get("number") for a in aspects]
    use_numbers = len(reports) <= 1 and all(n is not None for n in nums) and len(set(nums)) == len(nums)
    for i, a in enumerate(aspects, 1):
        n = nums[i - 1] if use_numbers else i
        out.append((a, f"aspect-{n}.html"))
    return out


def _aspect_nodes(G: nx.MultiDiGraph, aspect: str) -> set[str]:
    """The aspect, its problems, their measures and what those mention."""
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


def _nav_links(aspect_files: list[tuple[str, str]], G: nx.MultiDiGraph, current: str) -> list[dict]:
    links = [{"href": "overview.html", "label": "总览", "current": current == "overview.html"},
             {"href": "trace.html", "label": "追溯", "current": current == "trace.html"}]
    for a, fname in aspect_files:
        num = fname[len("aspect-"):-len(".html")]
        links.append({"href": fname, "label": f"方面{num}", "tip": G.nodes[a]["label"],
                      "aspect": a, "current": current == fname})
    return links


def _overview_single(G, reports, title, links) -> dict:
    nodes = sorted(G.nodes, key=lambda n: sort_key(G, n))
    roots = reports or ([nodes[0]] if nodes else [])
    pos = radial_layout(G, set(nodes), roots)
    net, _ = build_network(G, nodes, pos, {r: i for i, r in enumerate(reports)})
    return page_payload(G, "overview", title, reports, net, links)


def _structure_signature(G, members: set, r: str) -> int:
    """Same value for two reports whose nodes and edges match once their IRIs lose the report prefix."""
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
    memo: dict[int, dict] = {}
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
            p = radial_layout(G, members[r], [r])
            memo[sig] = {(n[len(r):] if n.startswith(r) else n): xy for n, xy in p.items()}
        layouts[r] = p
        radius[r] = max((math.hypot(x, y) for x, y in p.values()), default=100.0)
    cols = max(1, math.ceil(math.sqrt(len(reports))))
    cell = 2 * max(radius.values(), default=200.0) + 300
    centers = {}
    for i, r in enumerate(reports):
        centers[r] = ((i % cols) * cell, (i // cols) * cell)
    # all nodes once, positioned for their first report; per-report positions in clusters
    all_nodes = sorted(G.nodes, key=lambda n: (rindex.get(G.nodes[n]["report"], 10**6), sort_key(G, n)))
    pos = {}
    for n in all_nodes:
        rs = [r for r in G.nodes[n]["reports"] if r in layouts]
        if rs:
            r = rs[0]
            cx, cy = centers[r]
            x, y = layouts[r].get(n, (0.0, 0.0))
            pos[n] = (cx + x, cy + y)
    net, ids = build_network(G, all_nodes, pos, rindex)
    clusters = []
    for r in reports:
        cx, cy = centers[r]
        mem = sorted(members[r], key=lambda n: ids[n])
        clusters.append({
            "report": rindex[r], "node": ids[r], "x": cx, "y": cy, "label": short(G.nodes[r]["label"], 24),
            "count": len(mem),
            "members": [[ids[n], round(cx + layouts[r][n][0], 1), round(cy + layouts[r][n][1], 1)]
                        for n in mem if n in layouts[r]],
        })
    extra = {"clusters": clusters, "orphans": [ids[n] for n in orphans]}
    return page_payload(G, "overview", title, reports, net, links,
                        subtitle=f"{len(reports)} 份通报：点击通报展开 · click a report to expand",
                        extra=extra)


def _trace_edge(u: str, v: str, d: dict) -> bool:
    r = d.get("rel", "")
    return r in ("broader", "addresses") or r.startswith("mentions")


def _trace_payload(G, reports, title, links) -> dict:
    keep = {n for n, d in G.nodes(data=True)
            if d["type"] in ("aspect", "problem", "measure") or d["type"] in DOCUMENT_TYPES}
    # measures without a problem (section level) and documents not reached stay out
    reached = set()
    for a in (n for n in keep if G.nodes[n]["type"] == "aspect"):
        reached |= {n for n in _aspect_nodes(G, a) if n in keep}
    nodes = sorted(reached, key=lambda n: (G.nodes[n]["report"] or "", sort_key(G, n)))
    pos = layered_layout(G, set(nodes))
    # drawn left → right: aspect → problem → measure → document
    net, ids = build_network(G, nodes, pos, {r: i for i, r in enumerate(reports)}, box=True,
                             size_graph=G.subgraph(nodes), edge_filter=_trace_edge,
                             reverse=("broader", "addresses"))
    extra = {}
    if len(reports) > 1:
        # one layout per report: the page shows one report (or all, for a few) at a time
        per = []
        for r in reports:
            mine = {n for n in nodes if r in G.nodes[n]["reports"]}
            p = layered_layout(G, mine)
            per.append([[ids[n], round(p[n][0], 1), round(p[n][1], 1)]
                        for n in sorted(mine, key=lambda n: ids[n])])
        extra["perReport"] = per
    return page_payload(G, "trace", title, reports, net, links, extra=extra,
                        subtitle="方面 → 问题类别 → 整改措施 → 制度文件 · aspects → problems → measures → documents")


def _focus_payload(G, center: str, nodes: set, title: str, reports, links, view="focus", subtitle="") -> dict:
    pos = radial_layout(G, nodes, [center])
    order = sorted(nodes, key=lambda n: (n != center, sort_key(G, n)))
    net, ids = build_network(G, order, pos, {r: i for i, r in enumerate(reports)},
                             size_graph=G.subgraph(nodes))
    return page_payload(G, view, title, reports, net, links, subtitle=subtitle,
                        extra={"center": ids[center]})


__all__ = ["write_views", "write_focus", "find_nodes", "CORPUS_THRESHOLD"]
