"""Query backends: what ``kg query`` / ``kg trace`` / ``kg stats`` read from.

``open_backend(graph_dir)`` opens the build directory's graph; every backend has
``query(sparql) -> ResultSet`` and ``graph() -> rdflib.Graph``.
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


def open_backend(graph_dir: str | Path) -> RdflibBackend:
    d = Path(graph_dir)
    ttl = d / "graph.ttl"
    if not ttl.exists():
        raise KgInputError(f"{d}: no built graph here (run `kg build --out {d}` first)")
    return RdflibBackend.load(ttl)
