"""Stats: counts per type and, through networkx on the graph's projection, the most connected
units, the problem categories with the most measures and regulations, and disconnected pieces.

The projection reads the whole graph into memory (rdflib: ~1.5 KB per triple), so a graph of more than
:data:`MAX_TRIPLES` triples gets the counts per type alone (:func:`counts_only`, read with a query).
"""
from __future__ import annotations

import json
from collections import Counter

import networkx as nx
from rdflib import Graph

from kg.store.results import pad, width
from kg.explore.explorer.legend import NODE_TYPES
from kg.explore.projection import project


#: beyond this many triples (~1.5 GB in rdflib) only the counts per type are given (kg stats --max-triples)
MAX_TRIPLES = 1_000_000
#: the number of triples of a store (what :data:`MAX_TRIPLES` is compared with)
TRIPLES = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


def counts_only(counts: dict[str, int], triples: int, max_triples: int) -> dict:
    """The statistics of a graph too large for the projection: the counts per type (the ``kg build`` summary's,
    from :data:`kg.explore.queries.COUNTS`) and why the rest is skipped."""
    return {"counts": counts, "triples": triples,
            "skipped": f"most connected units, problem categories and connected pieces skipped: the graph has "
                       f"{triples:,} triples, more than {max_triples:,} (they would be read into memory, ~1.5 KB "
                       f"each); raise --max-triples (0: no limit) or use kg query"}


def stats(g: Graph, top: int = 10) -> dict:
    """Statistics of a built graph as plain data (what ``kg stats --format json`` prints).

    ``units``: organizations by degree in the projection (how many measures, units and
    reports they connect to); ``problems``: problem categories by number of measures and of
    own regulations answering them; ``components``: weakly connected pieces of the
    projection other than the largest one (with the labels of up to 5 members).
    """
    G = project(g)
    counts = Counter(d["type"] for _, d in G.nodes(data=True))
    simple = nx.Graph(G.to_undirected())
    units = sorted(((simple.degree(n), d["label"], n) for n, d in G.nodes(data=True)
                    if d["type"] == "organization"), key=lambda x: (-x[0], x[1]))
    problems = []
    for n, d in G.nodes(data=True):
        if d["type"] != "problem":
            continue
        measures = [m for m, _, k in G.in_edges(n, keys=True) if k == "addresses"]
        regs = {t for m in measures for _, t, k in G.out_edges(m, keys=True)
                if G.nodes[t]["type"] == "regulation"}
        problems.append({"report": (d.get("report") or "").rsplit("/", 1)[-1], "number": d.get("number"),
                         "label": d["label"], "measures": len(measures), "regulations": len(regs)})
    problems.sort(key=lambda p: (-p["measures"] - p["regulations"], p["report"], p["number"] or 0))
    comps = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    pieces = [{"size": len(c), "members": sorted(G.nodes[n]["label"] for n in c)[:5]} for c in comps[1:]]
    return {
        "counts": {k: counts[k] for k in NODE_TYPES if counts[k]},
        "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
        "units": [{"name": label, "degree": deg} for deg, label, _ in units[:top]],
        "problems": problems[:top],
        "components": {"count": len(comps), "disconnected": pieces},
    }


def render(s: dict) -> str:
    """Terminal tables of :func:`stats`."""
    def table(headers, rows):
        widths = [max([width(str(h))] + [width(str(r[i])) for r in rows]) for i, h in enumerate(headers)]
        out = ["  ".join(pad(str(h), w) for h, w in zip(headers, widths)).rstrip(),
               "  ".join("-" * w for w in widths)]
        out += ["  ".join(pad(str(c), w) for c, w in zip(r, widths)).rstrip() for r in rows]
        return "\n".join(out)

    if "skipped" in s:
        return "\n".join(["Counts per type", table(["type", "count"], list(s["counts"].items())),
                          f"\n{s['skipped']}"])
    parts = ["Counts per type", table(["type", "count"], list(s["counts"].items())),
             f"\nprojection: {s['nodes']} nodes, {s['edges']} edges",
             "\nMost connected units", table(["unit", "degree"], [(u["name"], u["degree"]) for u in s["units"]]),
             "\nProblem categories with the most measures and regulations",
             table(["report", "no", "measures", "regulations", "problem"],
                   [(p["report"], p["number"], p["measures"], p["regulations"], p["label"][:30])
                    for p in s["problems"]]),
             f"\nConnected pieces: {s['components']['count']}"]
    for piece in s["components"]["disconnected"]:
        parts.append(f"  disconnected ({piece['size']} nodes): {'、'.join(piece['members'])}")
    return "\n".join(parts)


def to_json(s: dict) -> str:
    return json.dumps(s, ensure_ascii=False, indent=1)
