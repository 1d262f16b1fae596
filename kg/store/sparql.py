"""Any SPARQL 1.1 server as a store: the Graph Store HTTP Protocol for writing, the SPARQL protocol for
reading (Fuseki, GraphDB, Virtuoso, QLever, ``oxigraph serve``).

The server cannot be assumed to answer on the union of its named graphs (Fuseki's default dataset,
plain ``oxigraph serve`` …), so :class:`RemoteStore` keeps the default graph as the RDF merge of the report
graphs, maintained with SPARQL Update on every write. The server must run *without* a union-default-graph
option (``oxigraph serve --union-default-graph`` would see each triple twice).
"""
from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg.errors import KgQueryError, KgStoreError
from kg.rdf.ntriples import as_nt, iri_ok, iter_nquads
from kg.rdf.ontology import ontology_nt
from kg.rdf.vocab import ONTOLOGY_GRAPH, PREFIXES, SUMMARY_GRAPH, with_prefixes
from kg.store.guard import check, timeout_message
from kg.store.results import QueryResult, from_ox, triples_result


def _retract_update(iri: str) -> str:
    """SPARQL Update (remote store): remove from the merged default graph the triples of graph
    ``iri`` that no other named graph holds, then drop graph ``iri``."""
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != <{iri}>) }} }} ;\n"
            f"DROP SILENT GRAPH <{iri}>")



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
                 accept: str | None = None, ok_missing: bool = False, *, timeout: float | None = None,
                 reader=None) -> tuple[str, bytes]:
        """One HTTP request with a ``timeout`` (default :attr:`timeout`) on connecting and on every read;
        ``reader(content_type, response)`` reads the answer as it comes (default: all of it)."""
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        timeout = timeout or self.timeout
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                ctype = resp.headers.get("Content-Type", "")
                return ctype, (reader(ctype, resp) if reader else resp.read())
        except urllib.error.HTTPError as e:
            if ok_missing and e.code == 404:
                return "", b""
            body = e.read()[:500].decode("utf-8", "replace").strip()
            raise KgStoreError(f"SPARQL server {url.split('?')[0]} answered {e.code} {e.reason}: {body}") from e
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, TimeoutError):
                raise KgStoreError(f"SPARQL server at {url.split('?')[0]} did not answer within {timeout:g} s") from e
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
        nt = as_nt(data)
        iri_ok(iri)
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
        iri_ok(iri)
        self.update(_retract_update(iri))
        if self.gsp_endpoint:
            self._request("DELETE", self._gsp_url(iri), ok_missing=True)

    def ensure_ontology(self, path: str | os.PathLike | None = None) -> bool:
        """(Re)load the ontology graph from ``path`` (default ``ontology/kg.ttl``)."""
        self.replace_report(ONTOLOGY_GRAPH, ontology_nt(path))
        return True

    def query(self, sparql: str, *, max_rows: int | None = None, allow_service: bool = False,
              timeout: float | None = None) -> QueryResult:
        """Send a query (checked first: :func:`kg.store.guard.check`; nothing is sent for a refused one)
        with an HTTP ``timeout`` (default :attr:`timeout`); the answer is read as it comes and cut after
        ``max_rows`` rows or triples."""
        check(sparql, allow_service)

        def read(ctype: str, resp) -> QueryResult:
            ctype = ctype.split(";")[0].strip().lower()
            try:
                if ctype in ("application/sparql-results+json", "application/json"):
                    return from_ox(ox.parse_query_results(resp, format=ox.QueryResultsFormat.JSON), max_rows, timeout)
                rdf = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE}.get(ctype)
                if rdf is not None:
                    return triples_result((q.triple for q in ox.parse(resp, format=rdf)), max_rows, timeout)
            except SyntaxError as e:
                raise KgStoreError(f"SPARQL server {self.endpoint} sent an answer that cannot be read ({ctype}): {e}") from e
            raise KgStoreError(f"SPARQL server {self.endpoint} answered with unsupported type {ctype!r}")

        try:
            return self._request(
                "POST", self.endpoint, with_prefixes(sparql).encode("utf-8"), "application/sparql-query; charset=utf-8",
                "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.5",
                timeout=timeout, reader=read)[1]
        except KgStoreError as e:
            cause = getattr(e.__cause__, "reason", e.__cause__)
            if timeout and isinstance(cause, TimeoutError):   # the query's time limit, said as kg query says it
                raise KgQueryError(timeout_message(timeout)) from e
            raise

    def reports(self) -> set[str]:
        res = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return {r["g"]["value"] for r in res.rows
                if r.get("g", {}).get("type") == "uri" and r["g"]["value"] not in (ONTOLOGY_GRAPH, SUMMARY_GRAPH)}

    def graph_nt(self, iri: str) -> bytes:
        if self.gsp_endpoint:
            _, body = self._request("GET", self._gsp_url(iri), accept="application/n-triples", ok_missing=True)
            return body
        return self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}").triples or b""

    def iter_nquads(self, graphs: Iterable[str] | None = None, include_ontology: bool = False) -> Iterator[bytes]:
        """Deterministic N-Quads lines: graphs in sorted order, lines sorted inside each graph."""
        return iter_nquads(self, graphs, include_ontology)

    def graph(self):
        """The report graphs merged into one rdflib ``Graph`` (not the ontology graph),
        as :meth:`Store.graph`."""
        import rdflib

        g = rdflib.Graph()
        for p, ns in PREFIXES.items():
            g.bind(p, ns)
        data = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                          f"FILTER(?g != <{ONTOLOGY_GRAPH}> && ?g != <{SUMMARY_GRAPH}>) }}").triples or b""
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
