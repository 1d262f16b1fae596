"""An rdflib graph in memory as a read-only store: what a build's ``graph.ttl`` is queried with when
there is no embedded store beside it."""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.errors import KgError, KgQueryError
from kg.rdf.vocab import with_prefixes
from kg.store.guard import check
from kg.store.results import QueryResult, from_rdflib


class MemoryStore:
    """rdflib in memory, loaded from ``DIR/graph.ttl`` (or given a graph)."""

    location = ":memory:"

    def __init__(self, g: Graph):
        self._g = g

    @classmethod
    def load(cls, path: Path) -> "MemoryStore":
        g = Graph()
        g.parse(path, format="turtle")
        return cls(g)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def query(self, sparql: str, *, max_rows: int | None = None, allow_service: bool = False,
              timeout: float | None = None) -> QueryResult:
        """Run a query (checked first: :func:`kg.store.guard.check`), the answer read row by row and cut
        after ``max_rows`` rows; ``timeout`` is checked between rows."""
        star = check(sparql, allow_service).star
        try:
            return from_rdflib(self._g.query(with_prefixes(sparql)), max_rows, timeout, star_of=sparql if star else None)
        except KgError:
            raise
        except Exception as e:   # rdflib raises pyparsing's ParseException and others on bad SPARQL
            raise KgQueryError(f"invalid SPARQL: {' '.join(str(e).split())}") from e

    def graph(self) -> Graph:
        return self._g

    def close(self) -> None:
        pass


RdflibBackend = MemoryStore   # the name used before the store package existed

__all__ = ["MemoryStore", "RdflibBackend"]
