"""What every store offers, and the one place that chooses a store.

A store holds one named graph per report (graph name = report IRI) plus the ontology graph, and
answers SPARQL on the union of them. Three kinds implement :class:`GraphStore`: the embedded Oxigraph
store (:mod:`kg.store.oxigraph`), any SPARQL 1.1 server (:mod:`kg.store.sparql`) and an rdflib graph in
memory, read from a build's ``graph.ttl`` and ``summaries.ttl`` (:mod:`kg.store.memory`, query-only).

>>> sorted(m for m in ("query", "graph", "close") if hasattr(GraphStore, m))
['close', 'graph', 'query']
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

from kg.errors import KgInputError
from kg.store.memory import MemoryStore
from kg.store.oxigraph import Store
from kg.store.results import ResultSet
from kg.store.sparql import RemoteStore

#: beside a build's ``graph.ttl``: its build-time summaries (:mod:`kg.store.outputs` writes them)
SUMMARIES_FILE = "summaries.ttl"


@runtime_checkable
class GraphStore(Protocol):
    """The operations the commands use. Writable stores also have ``replace_reports``,
    ``drop_report``, ``ensure_ontology`` and ``flush``; :attr:`location` names the store in messages."""

    def query(self, sparql: str) -> ResultSet:
        """Run a SPARQL query on the union of the report graphs and the ontology."""

    def graph(self):
        """The report graphs merged into one rdflib ``Graph`` (not the ontology)."""

    def close(self) -> None:
        """Release the store (a no-op for servers and memory)."""


def open_store(spec: str | os.PathLike, read_only: bool = False, update_endpoint: str | None = None,
               gsp_endpoint: str | None = None):
    """``http(s)://…`` → a SPARQL server (an Oxigraph base URL, or a ``…/query`` / ``…/sparql`` endpoint
    whose update and Graph Store URLs are guessed unless given); anything else → the embedded store."""
    s = str(spec)
    if s.startswith(("http://", "https://")):
        if update_endpoint or gsp_endpoint:
            return RemoteStore(s, update_endpoint, gsp_endpoint)
        base = s.rstrip("/")
        if base.endswith("/query") or base.endswith("/sparql"):
            root = base.rsplit("/", 1)[0]
            if base.endswith("/query"):
                return RemoteStore(base, root + "/update", root + "/store")
            return RemoteStore(base, root + "/update", None)
        return RemoteStore.oxigraph(base)
    return Store.open(spec, read_only=read_only)


def open_graph(graph_dir: str | os.PathLike, endpoint: str | None = None) -> GraphStore:
    """The graph of a build, for reading: a SPARQL server (``endpoint``), else the embedded store
    ``DIR/store``, else ``DIR/graph.ttl`` in memory with the summaries of ``DIR/summaries.ttl`` (so the
    queries across reports answer as on the store)."""
    if endpoint:
        return open_store(endpoint)
    d = Path(graph_dir)
    if (d / "store").is_dir():
        return Store.open(d / "store", read_only=True)
    ttl = d / "graph.ttl"
    if ttl.exists():
        summaries = d / SUMMARIES_FILE
        return MemoryStore.load(ttl, summaries if summaries.exists() else None)
    raise KgInputError(f"{d}: no built graph here (run `kg build --out {d}` first)")


def store_fingerprint(store) -> str:
    """Stable id of a store's location (used by the build manifest)."""
    return hashlib.sha1(store.location.encode("utf-8")).hexdigest()[:16]


__all__ = ["SUMMARIES_FILE", "GraphStore", "open_store", "open_graph", "store_fingerprint"]
