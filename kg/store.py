"""RDF stores: an embedded Oxigraph store and any SPARQL 1.1 server.

Both keep one named graph per report (graph name = report IRI) plus the
ontology graph :data:`ONTOLOGY_GRAPH`. Queries see the union of all those graphs
as their default graph; ``GRAPH ?g { … }`` still reaches each report graph.

Report graphs are **disjoint** (the graph builder makes every node report-local,
documents included; no triple is in two report graphs, nor in a report graph and
the ontology graph), so the union of the named graphs is a set and needs no copy:

* the embedded :class:`Store` stores only the named graphs and queries with
  Oxigraph's ``use_default_graph_as_union``. Its stored default graph stays empty.
  Replacing or dropping a report is removing its named graph (no SPARQL Update).
  Oxigraph's union is a bag (one solution per graph holding a matching triple), so
  disjointness is what keeps answers right: if report graphs shared triples again,
  queries would count them once per graph.
* the :class:`RemoteStore` cannot assume the server's default graph is the union
  (Fuseki's default dataset, plain ``oxigraph serve`` …), so it keeps the default
  graph as the RDF merge of the named graphs, maintained with SPARQL Update on every
  write. The server must run *without* a union-default-graph option
  (``oxigraph serve --union-default-graph`` would see each triple twice).

Query answers come back as :class:`QueryResult`, the same type for both stores,
a :class:`kg.results.ResultSet` (W3C SPARQL 1.1 JSON/CSV/table) that can also hold
an ASK or CONSTRUCT answer.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Union

import pyoxigraph as ox

from kg.results import ResultSet

ONTOLOGY_GRAPH = "https://w3id.org/kg-rectify/ontology"
KGO = "https://w3id.org/kg-rectify/ontology#"
KGR = "https://w3id.org/kg-rectify/id/"

#: Prefixes every query may use without declaring them.
PREFIXES: dict[str, str] = {
    "kgo": KGO,
    "kgr": KGR,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "eli": "http://data.europa.eu/eli/ontology#",
}

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class KgStoreError(Exception):
    """A store cannot be used: in use, damaged, unreachable … (CLI exit code 2)."""


# ---------------------------------------------------------------- helpers

def ontology_path() -> Path | None:
    """``kg/ontology/kg.ttl`` (installed package) or ``<repo>/ontology/kg.ttl``."""
    here = Path(__file__).resolve().parent
    for cand in (here / "ontology" / "kg.ttl", here.parent / "ontology" / "kg.ttl"):
        if cand.is_file():
            return cand
    return None


_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:")


def with_prefixes(sparql: str) -> str:
    """Prepend the :data:`PREFIXES` the query uses but does not declare."""
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(sparql)}
    used = [p for p in PREFIXES if p not in declared and re.search(rf"(?<![\w<]){re.escape(p)}:", sparql)]
    if not used:
        return sparql
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in used) + sparql


def _retract_update(iri: str) -> str:
    """SPARQL Update (remote store): remove from the merged default graph the triples of graph
    ``iri`` that no other named graph holds, then drop graph ``iri``."""
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != <{iri}>) }} }} ;\n"
            f"DROP SILENT GRAPH <{iri}>")


def _iri_ok(iri: str) -> str:
    if not iri or any(c in iri for c in '<>"{}|\\^` \n\r\t'):
        raise KgStoreError(f"not a valid graph IRI: {iri!r}")
    return iri


def _graph_to_nt(graph) -> bytes:
    """rdflib Graph → N-Triples bytes (sorted lines, deterministic apart from blank nodes)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    lines = sorted({ln for ln in data.split(b"\n") if ln.strip()})
    return b"\n".join(lines) + b"\n" if lines else b""


def _as_nt(data) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if hasattr(data, "serialize") and hasattr(data, "triples"):
        return _graph_to_nt(data)
    raise TypeError(f"expected an rdflib Graph or N-Triples bytes, got {type(data).__name__}")


def sorted_nt(data: bytes, scope: str = "") -> list[bytes]:
    """N-Triples lines (without newline) sorted and deduplicated, with blank nodes relabelled
    canonically (RDFC-1.0) when there are any, so the same graph always gives the same lines.
    ``scope`` (e.g. the graph IRI) makes the labels distinct between graphs."""
    if b"_:" in data:
        try:
            ds = ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
            ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            tag = "b" + hashlib.sha1(scope.encode("utf-8")).hexdigest()[:8] if scope else "b"

            def fix(t):
                return ox.BlankNode(tag + t.value) if isinstance(t, ox.BlankNode) else t

            triples = [ox.Triple(fix(q.subject), q.predicate, fix(q.object)) for q in ds]
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        except (SyntaxError, ValueError):  # pragma: no cover - keep the raw lines
            pass
    return sorted({ln for ln in data.split(b"\n") if ln.strip()})


# ---------------------------------------------------------------- results

Term = dict  # {"type": "uri"|"literal"|"bnode"|"triple", "value": str, "xml:lang"?: str, "datatype"?: str}


def to_nquads(nt: bytes, graph_iri: str) -> bytes:
    """N-Triples → the N-Quads of named graph ``graph_iri`` (empty input → ``b""``).

    >>> to_nquads(b'<s> <p> "o" .\\n', "g:1")
    b'<s> <p> "o" <g:1> .\\n'
    """
    if not nt.strip():
        return b""
    suffix = b" <" + _iri_ok(graph_iri).encode("utf-8") + b"> .\n"
    if not nt.endswith(b"\n"):
        nt += b"\n"
    if nt.count(b"\n") == nt.count(b" .\n") and b"\n\n" not in nt:
        return nt.replace(b" .\n", suffix)     # every line ends " ." (a raw newline cannot occur inside one)
    return b"".join(ln[: ln.rstrip().rfind(b".")].rstrip() + suffix for ln in nt.split(b"\n") if ln.strip())


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


def _norm_term(t: dict) -> dict:
    t = dict(t)
    if t.get("type") == "typed-literal":  # SPARQL/JSON legacy from some servers
        t["type"] = "literal"
    if t.get("type") == "literal":
        if t.get("datatype") in (XSD_STRING,) or ("xml:lang" in t and t.get("datatype") == RDF_LANGSTRING):
            t.pop("datatype")
    return t


@dataclass
class QueryResult(ResultSet):
    """Answer of a SPARQL query: a :class:`kg.results.ResultSet` (``vars``, ``rows`` of W3C
    JSON term dicts, unbound variables absent) that may also be an ASK answer
    (``boolean``) or a CONSTRUCT/DESCRIBE answer (``triples``, N-Triples bytes)."""

    vars: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    triples: bytes | None = None

    @property
    def kind(self) -> str:
        if self.boolean is not None:
            return "ask"
        if self.triples is not None:
            return "graph"
        return "select"

    @classmethod
    def from_sparql_json(cls, doc: dict | bytes | str) -> "QueryResult":
        if not isinstance(doc, dict):
            doc = json.loads(doc)
        if "boolean" in doc:
            return cls(boolean=bool(doc["boolean"]))
        head = doc.get("head", {})
        rows = [{k: _norm_term(v) for k, v in b.items()} for b in doc.get("results", {}).get("bindings", [])]
        return cls(vars=list(head.get("vars", [])), rows=rows)

    def __len__(self) -> int:
        return len(self.rows)

    def tuples(self) -> list[tuple]:
        """Rows as tuples of plain values (``value`` strings, None when unbound)."""
        return [tuple(r[v]["value"] if v in r else None for v in self.vars) for r in self.rows]

    def to_rdflib_rows(self) -> list[tuple]:
        """Rows as tuples of rdflib terms."""
        from rdflib import BNode, Literal, URIRef

        def conv(t):
            if t is None:
                return None
            if t["type"] == "uri":
                return URIRef(t["value"])
            if t["type"] == "bnode":
                return BNode(t["value"])
            return Literal(t["value"], lang=t.get("xml:lang"), datatype=t.get("datatype"))

        return [tuple(conv(r.get(v)) for v in self.vars) for r in self.rows]

    def to_json(self) -> str:
        """W3C SPARQL 1.1 Query Results JSON."""
        if self.boolean is not None:
            return json.dumps({"head": {}, "boolean": self.boolean})
        return super().to_json()

    def to_csv(self) -> str:
        """W3C SPARQL 1.1 Query Results CSV (CRLF line ends, plain values)."""
        if self.boolean is not None:
            return "boolean\r\n" + ("true" if self.boolean else "false") + "\r\n"
        if any(t.get("type") == "bnode" for r in self.rows for t in r.values()):
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(self.vars)
            for r in self.rows:
                w.writerow([("_:" if r[v]["type"] == "bnode" else "") + r[v]["value"] if v in r else ""
                            for v in self.vars])
            return buf.getvalue()
        return super().to_csv()

    def to_table(self, max_width: int = 60) -> str:
        if self.boolean is not None:
            return "true" if self.boolean else "false"
        if self.triples is not None:
            return self.triples.decode("utf-8")
        return super().to_table(max_width)


# ---------------------------------------------------------------- embedded store

def _iter_nquads(store: "AnyStore", graphs: Iterable[str] | None, include_ontology: bool) -> Iterator[bytes]:
    if graphs is None:
        graphs = store.reports() | ({ONTOLOGY_GRAPH} if include_ontology else set())
    for iri in sorted(graphs):
        suffix = b" <" + iri.encode("utf-8") + b"> .\n"
        for ln in sorted_nt(store.graph_nt(iri), iri):
            yield ln[: ln.rstrip().rfind(b".")].rstrip() + suffix


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
        nt = _as_nt(data)
        g = ox.NamedNode(_iri_ok(iri))
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
                g = ox.NamedNode(_iri_ok(iri))
                if st.contains_named_graph(g):
                    st.remove_graph(g)
                quads = data if nquads else to_nquads(_as_nt(data), iri)
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
        g = ox.NamedNode(_iri_ok(iri))
        try:
            if st.contains_named_graph(g):
                st.remove_graph(g)
        except (OSError, RuntimeError) as e:
            raise KgStoreError(f"store at {self.path}: cannot drop graph {iri}: {e}") from e

    def ensure_ontology(self, path: str | os.PathLike | None = None) -> bool:
        """(Re)load the ontology graph from ``path`` or :func:`ontology_path`; False if none."""
        p = Path(path) if path else ontology_path()
        if p is None or not p.is_file():
            return False
        try:
            nt = ox.serialize(ox.parse(path=str(p), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
        except SyntaxError as e:
            raise KgStoreError(f"ontology {p} is not valid Turtle: {e}") from e
        self.replace_report(ONTOLOGY_GRAPH, nt or b"")
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
            raise ValueError(f"invalid SPARQL: {e}") from e
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
        return _iter_nquads(self, graphs, include_ontology)

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


# ---------------------------------------------------------------- remote store

class RemoteStore:
    """Any SPARQL 1.1 server: Graph Store HTTP Protocol for writing, SPARQL protocol for reading.

    ``endpoint`` is the SPARQL query endpoint; ``gsp_endpoint`` the Graph Store
    Protocol endpoint (``…/store`` for Oxigraph, ``…/data`` for Fuseki). Writing also
    needs ``update_endpoint`` (SPARQL Update maintains the merged default graph); without
    a GSP endpoint graphs are written with SPARQL Update alone. The server must keep its
    default graph separate (no ``--union-default-graph``).
    """

    def __init__(self, endpoint: str, update_endpoint: str | None = None, gsp_endpoint: str | None = None,
                 timeout: float = 120.0, headers: dict[str, str] | None = None):
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint
        self.gsp_endpoint = gsp_endpoint
        self.timeout = timeout
        self.headers = dict(headers or {})
        self.read_only = False

    @classmethod
    def oxigraph(cls, base_url: str, **kw) -> "RemoteStore":
        """An ``oxigraph serve`` server at ``base_url`` (``/query``, ``/update``, ``/store``)."""
        b = base_url.rstrip("/")
        return cls(b + "/query", b + "/update", b + "/store", **kw)

    @property
    def location(self) -> str:
        return self.gsp_endpoint or self.update_endpoint or self.endpoint

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        pass

    def flush(self) -> None:
        pass

    def _request(self, method: str, url: str, data: bytes | None = None, content_type: str | None = None,
                 accept: str | None = None, ok_missing: bool = False) -> tuple[str, bytes]:
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as e:
            if ok_missing and e.code == 404:
                return "", b""
            body = e.read()[:500].decode("utf-8", "replace").strip()
            raise KgStoreError(f"SPARQL server {url.split('?')[0]} answered {e.code} {e.reason}: {body}") from e
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise KgStoreError(f"cannot reach SPARQL server at {url.split('?')[0]}: {reason}") from e

    def _gsp_url(self, iri: str) -> str:
        return f"{self.gsp_endpoint}{'&' if '?' in self.gsp_endpoint else '?'}graph={urllib.parse.quote(iri, safe='')}"

    def update(self, sparql_update: str) -> None:
        if not self.update_endpoint:
            raise KgStoreError("no SPARQL update endpoint configured for the remote store")
        self._request("POST", self.update_endpoint, with_prefixes(sparql_update).encode("utf-8"),
                      "application/sparql-update; charset=utf-8")

    def replace_report(self, iri: str, data) -> None:
        """PUT the graph (Graph Store Protocol) and update the merged default graph (SPARQL Update);
        without a GSP endpoint, all in one SPARQL Update request."""
        nt = _as_nt(data)
        _iri_ok(iri)
        if self.gsp_endpoint:
            self.update(_retract_update(iri))
            self._request("PUT", self._gsp_url(iri), nt, "application/n-triples")
            self.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
        else:
            body = nt.decode("utf-8")
            self.update(f"{_retract_update(iri)} ;\nINSERT DATA {{ GRAPH <{iri}> {{\n{body}\n}} }} ;\n"
                        f"INSERT DATA {{\n{body}\n}}")

    def replace_reports(self, items: Iterable[tuple[str, bytes]]) -> None:
        for iri, data in items:
            self.replace_report(iri, data)

    def drop_report(self, iri: str) -> None:
        _iri_ok(iri)
        self.update(_retract_update(iri))
        if self.gsp_endpoint:
            self._request("DELETE", self._gsp_url(iri), ok_missing=True)

    def ensure_ontology(self, path: str | os.PathLike | None = None) -> bool:
        p = Path(path) if path else ontology_path()
        if p is None or not p.is_file():
            return False
        nt = ox.serialize(ox.parse(path=str(p), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES) or b""
        self.replace_report(ONTOLOGY_GRAPH, nt)
        return True

    def query(self, sparql: str) -> QueryResult:
        ctype, body = self._request(
            "POST", self.endpoint, with_prefixes(sparql).encode("utf-8"), "application/sparql-query; charset=utf-8",
            "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.5")
        ctype = ctype.split(";")[0].strip().lower()
        if ctype in ("application/sparql-results+json", "application/json"):
            return QueryResult.from_sparql_json(body)
        if ctype == "application/n-triples":
            return QueryResult(triples=body)
        if ctype == "text/turtle":
            return QueryResult(triples=ox.serialize(ox.parse(body, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES) or b"")
        raise KgStoreError(f"SPARQL server {self.endpoint} answered with unsupported type {ctype!r}")

    def reports(self) -> set[str]:
        res = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return {r["g"]["value"] for r in res.rows if r.get("g", {}).get("type") == "uri" and r["g"]["value"] != ONTOLOGY_GRAPH}

    def graph_nt(self, iri: str) -> bytes:
        if self.gsp_endpoint:
            _, body = self._request("GET", self._gsp_url(iri), accept="application/n-triples", ok_missing=True)
            return body
        return self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}").triples or b""

    def iter_nquads(self, graphs: Iterable[str] | None = None, include_ontology: bool = False) -> Iterator[bytes]:
        """Deterministic N-Quads lines: graphs in sorted order, lines sorted inside each graph."""
        return _iter_nquads(self, graphs, include_ontology)

    def graph(self):
        """The report graphs merged into one rdflib ``Graph`` (not the ontology graph),
        as :meth:`Store.graph`."""
        import rdflib

        g = rdflib.Graph()
        for p, ns in PREFIXES.items():
            g.bind(p, ns)
        data = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                          f"FILTER(?g != <{ONTOLOGY_GRAPH}>) }}").triples or b""
        if data:
            g.parse(data=data, format="nt")
        return g

    def to_rdflib(self, include_ontology: bool = True, graphs: Iterable[str] | None = None):
        import rdflib

        ds = rdflib.Dataset()
        ds.default_union = True
        data = b"".join(self.iter_nquads(graphs, include_ontology=include_ontology and graphs is None))
        if data:
            ds.parse(data=data, format="nquads")
        return ds


AnyStore = Union[Store, RemoteStore]


def open_store(spec: str | os.PathLike, read_only: bool = False) -> AnyStore:
    """``http(s)://…`` → :meth:`RemoteStore.oxigraph`-style server when the URL has no
    ``/query`` suffix, else a plain SPARQL endpoint; anything else → embedded :class:`Store`."""
    s = str(spec)
    if s.startswith(("http://", "https://")):
        base = s.rstrip("/")
        if base.endswith("/query") or base.endswith("/sparql"):
            root = base.rsplit("/", 1)[0]
            if base.endswith("/query"):
                return RemoteStore(base, root + "/update", root + "/store")
            return RemoteStore(base, root + "/update", None)
        return RemoteStore.oxigraph(base)
    return Store.open(spec, read_only=read_only)


def store_fingerprint(store: AnyStore) -> str:
    """Stable id of a store's location (used by the build manifest)."""
    return hashlib.sha1(store.location.encode("utf-8")).hexdigest()[:16]


__all__ = [
    "AnyStore", "KgStoreError", "ONTOLOGY_GRAPH", "PREFIXES", "QueryResult", "RemoteStore", "Store",
    "ontology_path", "open_store", "sorted_nt", "store_fingerprint", "with_prefixes",
]
