"""The embedded store: Oxigraph persisted in a directory (e.g. ``build/store``), one named graph per report
plus the ontology graph :data:`~kg.rdf.vocab.ONTOLOGY_GRAPH`.

Report graphs are **disjoint** (the graph builder makes every node report-local, documents included; no
triple is in two report graphs, nor in a report graph and the ontology graph), so the union of the named
graphs is a set and needs no copy: :class:`Store` stores only the named graphs and queries with Oxigraph's
``use_default_graph_as_union``; its stored default graph stays empty. Replacing or dropping a report is
removing its named graph (no SPARQL Update). Oxigraph's union is a bag (one solution per graph holding a
matching triple), so disjointness is what keeps answers right.
"""
from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg.errors import KgQueryError, KgStoreError
from kg.rdf.ntriples import as_nt, iri_ok, iter_nquads, sorted_nt, to_nquads
from kg.rdf.ontology import ontology_nt
from kg.rdf.vocab import ONTOLOGY_GRAPH, PREFIXES, with_prefixes
from kg.store.results import QueryResult


class _ChunkReader(io.RawIOBase):
    """A binary file over a list of byte strings, consumed (and freed) as it is read."""

    def __init__(self, chunks: list[bytes]):
        self._chunks = chunks[::-1]
        self._cur = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        while not self._cur and self._chunks:
            self._cur = memoryview(self._chunks.pop())
        n = min(len(buf), len(self._cur))
        buf[:n] = self._cur[:n]
        self._cur = self._cur[n:]
        return n


def _looks_like_store(path: Path) -> bool:
    return (path / "CURRENT").exists() or (path / "IDENTITY").exists()


class Store:
    """Embedded Oxigraph store persisted in a directory (e.g. ``build/store``).

    Only the named graphs (reports, ontology) are stored; queries run on their union.
    Only one writer at a time (RocksDB lock); use :meth:`open` with
    ``read_only=True`` to query a store another process may be writing.
    """

    def __init__(self, store: ox.Store, path: Path | None, read_only: bool):
        self._store = store
        self.path = path
        self.read_only = read_only

    # -- opening
    @classmethod
    def open(cls, path: str | os.PathLike | None, read_only: bool = False) -> "Store":
        """Open (create) the store at ``path``; ``None`` gives an in-memory store."""
        if path is None:
            return cls(ox.Store(), None, False)
        p = Path(path)
        if p.exists() and not p.is_dir():
            raise KgStoreError(f"store at {p} is damaged (not a directory); delete it or run kg build --rebuild")
        if read_only:
            if not _looks_like_store(p):
                raise KgStoreError(f"no kg store at {p}; run kg build first")
        elif p.is_dir() and any(p.iterdir()) and not _looks_like_store(p):
            raise KgStoreError(f"{p} is not a kg store (a non-empty directory without store files); choose another --store")
        try:
            if read_only:
                st = ox.Store.read_only(str(p))
            else:
                p.parent.mkdir(parents=True, exist_ok=True)
                st = ox.Store(str(p))
        except OSError as e:
            msg = str(e)
            if "lock" in msg.lower():
                raise KgStoreError(f"store at {p} is in use by another kg process") from e
            if isinstance(e, (PermissionError,)):
                raise KgStoreError(f"cannot open store at {p}: permission denied") from e
            raise KgStoreError(f"store at {p} is damaged ({msg}); delete it or run kg build --rebuild") from e
        except RuntimeError as e:  # RocksDB corruption
            raise KgStoreError(f"store at {p} is damaged ({e}); delete it or run kg build --rebuild") from e
        return cls(st, p, read_only)

    @staticmethod
    def destroy(path: str | os.PathLike) -> None:
        """Delete a store directory (refuses directories that are not stores)."""
        p = Path(path)
        if not p.exists():
            return
        if p.is_dir() and any(p.iterdir()) and not _looks_like_store(p):
            raise KgStoreError(f"refusing to delete {p}: it is not a kg store")
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()

    @property
    def location(self) -> str:
        return str(self.path.resolve()) if self.path else ":memory:"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self._store is not None:
            if not self.read_only:
                try:
                    self._store.flush()
                except OSError:  # pragma: no cover
                    pass
            self._store = None

    def _st(self) -> ox.Store:
        if self._store is None:
            raise KgStoreError("store is closed")
        return self._store

    def _writable(self) -> ox.Store:
        if self.read_only:
            raise KgStoreError(f"store at {self.path} is open read-only")
        return self._st()

    # -- writing
    def replace_report(self, iri: str, data) -> None:
        """Replace the named graph ``iri`` with ``data`` (rdflib Graph or N-Triples bytes/str)."""
        st = self._writable()
        nt = as_nt(data)
        g = ox.NamedNode(iri_ok(iri))
        try:
            if st.contains_named_graph(g):
                st.remove_graph(g)
            if nt:
                st.load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
            else:
                st.add_graph(g)
        except SyntaxError as e:
            raise KgStoreError(f"graph {iri}: invalid N-Triples: {e}") from e
        except (OSError, RuntimeError) as e:
            raise KgStoreError(f"store at {self.path}: cannot write graph {iri}: {e}") from e

    def replace_reports(self, items: Iterable[tuple[str, bytes]], nquads: bool = False) -> None:
        """Replace several report graphs at once: ``(iri, N-Triples bytes)`` pairs (with
        ``nquads=True``: the N-Quads of graph ``iri``, as made by :func:`to_nquads`).

        Much faster than :meth:`replace_report` one by one for builds (old graphs are
        removed, then one ``bulk_load`` of the N-Quads of all new graphs, ~2× faster than
        transactional loads on disk) but not atomic: after a crash part of the batch may
        be loaded; the build manifest is only updated afterwards, so the next build
        re-extracts and replaces those reports.
        """
        st = self._writable()
        chunks: list[bytes] = []
        try:
            for iri, data in items:
                g = ox.NamedNode(iri_ok(iri))
                if st.contains_named_graph(g):
                    st.remove_graph(g)
                quads = data if nquads else to_nquads(as_nt(data), iri)
                if not quads:
                    st.add_graph(g)
                    continue
                chunks.append(quads)
            if chunks:   # streamed, not joined: a batch can be a hundred MB
                st.bulk_load(_ChunkReader(chunks), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as e:
            raise KgStoreError(f"invalid N-Triples in a report graph: {e}") from e
        except (OSError, RuntimeError) as e:
            raise KgStoreError(f"store at {self.path}: cannot write report graphs: {e}") from e

    def drop_report(self, iri: str) -> None:
        """Remove the named graph ``iri`` (and so its triples); a missing graph is fine."""
        st = self._writable()
        g = ox.NamedNode(iri_ok(iri))
        try:
            if st.contains_named_graph(g):
                st.remove_graph(g)
        except (OSError, RuntimeError) as e:
            raise KgStoreError(f"store at {self.path}: cannot drop graph {iri}: {e}") from e

    def ensure_ontology(self, path: str | os.PathLike | None = None) -> bool:
        """(Re)load the ontology graph from ``path`` (default ``ontology/kg.ttl``)."""
        self.replace_report(ONTOLOGY_GRAPH, ontology_nt(path))
        return True

    def clear(self) -> None:
        self._writable().clear()

    def flush(self) -> None:
        if not self.read_only:
            self._st().flush()

    def optimize(self) -> None:
        if not self.read_only:
            self._st().optimize()

    # -- reading
    def reports(self) -> set[str]:
        return {g.value for g in self._st().named_graphs() if isinstance(g, ox.NamedNode) and g.value != ONTOLOGY_GRAPH}

    def __len__(self) -> int:
        return int(self.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }").rows[0]["n"]["value"])

    def query(self, sparql: str, union: bool = True) -> QueryResult:
        """Run a SPARQL query whose default graph is the union of all graphs (reports and
        ontology). ``union=False`` queries the stored default graph instead (kept empty)."""
        try:
            res = self._st().query(with_prefixes(sparql), use_default_graph_as_union=union)
        except SyntaxError as e:
            raise KgQueryError(f"invalid SPARQL: {e}") from e
        except (OSError, RuntimeError) as e:
            raise KgStoreError(f"store at {self.path}: query failed: {e}") from e
        if isinstance(res, ox.QueryBoolean):
            return QueryResult(boolean=bool(res))
        if isinstance(res, ox.QueryTriples):
            return QueryResult(triples=res.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")
        return QueryResult.from_sparql_json(res.serialize(format=ox.QueryResultsFormat.JSON))

    def graph_nt(self, iri: str) -> bytes:
        """The triples of one named graph as N-Triples bytes."""
        return self._st().dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri)) or b""

    def iter_nquads(self, graphs: Iterable[str] | None = None, include_ontology: bool = False) -> Iterator[bytes]:
        """Deterministic N-Quads lines: graphs in sorted order, lines sorted inside each graph."""
        return iter_nquads(self, graphs, include_ontology)

    def graph(self):
        """The report graphs merged into one rdflib ``Graph`` (not the ontology graph; the
        same triples as a build's ``graph.ttl``; for views, SHACL validation, stats and
        the ``kg.backend`` interface)."""
        import rdflib

        g = rdflib.Graph()
        for p, ns in PREFIXES.items():
            g.bind(p, ns)
        parts = []
        for iri in sorted(self.reports()):
            data = self.graph_nt(iri)
            if b"_:" in data:   # canonical, graph-scoped blank node labels
                data = b"\n".join(sorted_nt(data, iri)) + b"\n"
            parts.append(data)
        data = b"".join(parts)
        if data.strip():
            g.parse(data=data, format="nt")
        return g

    def to_rdflib(self, include_ontology: bool = True, graphs: Iterable[str] | None = None):
        """An rdflib ``Dataset`` with the same named graphs (for views and exports)."""
        import rdflib

        names = set(graphs) if graphs is not None else self.reports()
        if include_ontology and graphs is None and ox.NamedNode(ONTOLOGY_GRAPH) in set(self._st().named_graphs()):
            names.add(ONTOLOGY_GRAPH)
        ds = rdflib.Dataset()
        ds.default_union = True
        data = b"".join(self.iter_nquads(names))
        if data:
            ds.parse(data=data, format="nquads")
        return ds

