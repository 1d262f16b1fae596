"""Stores: where report graphs are kept and queried, and the corpus build that fills them.

- :mod:`kg.store.base`: the :class:`GraphStore` protocol, :func:`open_store`, :func:`open_graph`;
- :mod:`kg.store.oxigraph`: the embedded Oxigraph store (:class:`Store`);
- :mod:`kg.store.sparql`: any SPARQL 1.1 server (:class:`RemoteStore`);
- :mod:`kg.store.memory`: an rdflib graph in memory (:class:`MemoryStore`, from ``graph.ttl`` and ``summaries.ttl``);
- :mod:`kg.store.results`: query answers (:class:`ResultSet`, :class:`QueryResult`);
- :mod:`kg.store.build`: incremental, parallel corpus builds into a store, with :mod:`~kg.store.inputs`
  (files, hashes, manifest), :mod:`~kg.store.workers`, :mod:`~kg.store.writer`, :mod:`~kg.store.progress` and
  :mod:`~kg.store.outputs` (merged ``graph.ttl`` / ``graph.nq``, ``summaries.ttl``).
"""
from kg.errors import KgStoreError
from kg.store.base import GraphStore, open_graph, open_store, store_fingerprint
from kg.store.memory import MemoryStore
from kg.store.oxigraph import Store
from kg.store.results import QueryResult, ResultSet
from kg.store.sparql import RemoteStore

AnyStore = Store | RemoteStore

__all__ = ["AnyStore", "GraphStore", "KgStoreError", "MemoryStore", "QueryResult", "RemoteStore", "ResultSet",
           "Store", "open_graph", "open_store", "store_fingerprint"]
