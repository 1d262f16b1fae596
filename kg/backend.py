"""Query backends: what ``kg query`` / ``kg trace`` / ``kg stats`` / ``kg view`` read from.

``open_backend(graph_dir, endpoint)`` opens a build's graph; every backend has
``query(sparql) -> ResultSet``, ``graph() -> rdflib.Graph`` and ``close()``
(:class:`kg.store.Store`, :class:`kg.store.RemoteStore`, or :class:`RdflibBackend`).
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .model import KgInputError
from .results import ResultSet


class RdflibBackend:
    """rdflib in memory, loaded from ``DIR/graph.ttl``."""

    def __init__(self, g: Graph):
        self._g = g

    @classmethod
    def load(cls, path: Path) -> "RdflibBackend":
        g = Graph()
        g.parse(path, format="turtle")
        return cls(g)

    def query(self, sparql: str) -> ResultSet:
        return ResultSet.from_rdflib(self._g.query(sparql))

    def graph(self) -> Graph:
        return self._g

    def close(self) -> None:
        pass


def open_backend(graph_dir: str | Path, endpoint: str | None = None):
    """The graph of a build: a SPARQL server (``endpoint``), else the embedded store
    ``DIR/store``, else ``DIR/graph.ttl`` in memory."""
    from .store import Store, open_store
    if endpoint:
        return open_store(endpoint)
    d = Path(graph_dir)
    if (d / "store").is_dir():
        return Store.open(d / "store", read_only=True)
    ttl = d / "graph.ttl"
    if ttl.exists():
        return RdflibBackend.load(ttl)
    raise KgInputError(f"{d}: no built graph here (run `kg build --out {d}` first)")
