"""An rdflib graph in memory as a read-only store: what a build's ``graph.ttl`` is queried with when
there is no embedded store beside it, with the build-time summaries of ``summaries.ttl``."""
from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import KgError, KgQueryError
from kg.rdf.vocab import PREFIXES, SUMMARY_GRAPH, with_prefixes
from kg.store.guard import check
from kg.store.results import QueryResult, from_rdflib


class MemoryStore:
    """rdflib in memory: the report triples (``DIR/graph.ttl``, or a given graph) and, in the named graph
    :data:`~kg.rdf.vocab.SUMMARY_GRAPH`, the summaries across reports (``DIR/summaries.ttl``). Queries run
    on their union, like the store's; :meth:`graph` is the report triples alone."""

    location = ":memory:"

    def __init__(self, g: Graph, dataset: Dataset | None = None):
        self._g = g
        self._ds = dataset      # holds g (its default graph) and the summaries; None: g alone

    @classmethod
    def load(cls, path: Path, summaries: Path | None = None) -> "MemoryStore":
        """The Turtle file ``path`` (a build's ``graph.ttl``) and, if given, the summaries (Turtle)."""
        ds = Dataset(default_union=True)
        for p, ns in PREFIXES.items():
            ds.bind(p, ns)
        g = Graph(store=ds.store, identifier=DATASET_DEFAULT_GRAPH_ID, namespace_manager=ds.namespace_manager)
        g.parse(path, format="turtle")
        if summaries is not None:
            ds.graph(URIRef(SUMMARY_GRAPH)).parse(summaries, format="turtle")
        return cls(g, ds)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def query(self, sparql: str, *, max_rows: int | None = None, allow_service: bool = False,
              timeout: float | None = None) -> QueryResult:
        """Run a query (checked first: :func:`kg.store.guard.check`), the answer read row by row and cut
        after ``max_rows`` rows; ``timeout`` is checked between rows."""
        star = check(sparql, allow_service).star
        target = self._g if self._ds is None else self._ds
        try:
            return from_rdflib(target.query(with_prefixes(sparql)), max_rows, timeout, star_of=sparql if star else None)
        except KgError:
            raise
        except Exception as e:   # rdflib raises pyparsing's ParseException and others on bad SPARQL
            raise KgQueryError(f"invalid SPARQL: {' '.join(str(e).split())}") from e

    def graph(self) -> Graph:
        """The report triples (not the summaries: views, stats and validation read reports)."""
        return self._g

    def dataset(self) -> Dataset | Graph:
        """What an export of this graph holds: the report triples (default graph) and the summaries
        (their named graph) when they were loaded, else the report triples."""
        return self._g if self._ds is None else self._ds

    def close(self) -> None:
        pass


RdflibBackend = MemoryStore   # the name used before the store package existed

__all__ = ["MemoryStore", "RdflibBackend"]
