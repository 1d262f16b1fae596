"""The page's network as a pyvis ``Network``: the nodes and edges the explorer draws are put into a pyvis
``Network`` in bulk (one dict per node and per edge, as vis-network takes them) and written into the page
model from it, in the model's compact shapes. pyvis is the container here, nothing more: the HTML and the
drawing code are ours (:mod:`.page`, ``templates/``), and the vis-network the page inlines is the one pyvis
ships (``static/vis-network/README.md``).

>>> m = {"nodes": [["kgr:r", "report", "通报", 0, None], ["kgr:r/aspect/1", "aspect", "方面", 0, 1]],
...      "edges": [[1, 0, "inReport", ""]]}
>>> net = to_network(m)
>>> net.num_nodes(), net.num_edges(), net.directed
(2, 1, True)
>>> from_network(net) == (m["nodes"], m["edges"])
True
"""
from __future__ import annotations

def to_network(model: dict):
    """A directed pyvis ``Network`` of the model's nodes (ids: their indexes) and edges."""
    from pyvis.network import Network  # imported here: pyvis pulls in jinja2

    net = Network(directed=True, cdn_resources="in_line")
    # bulk, as vis-network's DataSet takes them: pyvis' add_node/add_edge scan a list per call
    # (vis-network's keys, and the model's row whole under "kg", whatever fields it has)
    net.nodes = [{"id": i, "label": n[2], "group": n[1], "kg": list(n)} for i, n in enumerate(model["nodes"])]
    net.edges = [{"from": e[0], "to": e[1], "label": e[2], "kg": list(e)} for e in model["edges"]]
    net.node_ids = list(range(len(net.nodes)))
    return net


def from_network(net) -> tuple[list, list]:
    """The page model's compact ``nodes`` and ``edges`` lists of a network from :func:`to_network`."""
    return [n["kg"] for n in sorted(net.nodes, key=lambda n: n["id"])], [e["kg"] for e in net.edges]


__all__ = ["to_network", "from_network"]
