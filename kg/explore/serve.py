"""``kg serve``: the build's views and a read-only SPARQL 1.1 Protocol endpoint, on 127.0.0.1 only.

* ``/`` and every file of the views folder (the explorer page ``explorer.html`` when the build wrote one;
  otherwise a list of the pages there);
* ``/sparql``: the SPARQL 1.1 Protocol, query operation (``GET ?query=…``, ``POST`` of
  ``application/sparql-query`` or of a form with ``query=…``). SELECT and ASK answer as W3C JSON
  (``application/sparql-results+json``, the default) or W3C CSV (``Accept: text/csv``, or ``format=csv``);
  CONSTRUCT and DESCRIBE as N-Triples. The project's prefixes need no declaration (as in ``kg query``);
* ``/report/ID/explorer.html``: one report's explorer, made on demand (from the build's page-data cache when
  there, else from that report's graph) and kept in memory: a build too large for one page has the corpus
  overview as ``explorer.html`` and opens each report here;
* ``/api/source``: what the endpoint queries (JSON: ``kind`` ``store`` | ``memory`` | ``endpoint``, a label
  to show, the time limit and the row cap), so that the page can say which source it is querying.

Queries run over the build's store (``--graph DIR``: ``DIR/store``, else ``DIR/graph.ttl``), or are
forwarded to a SPARQL 1.1 server (``--endpoint URL``), so that a page served here only ever talks to the
origin that served it. Every query goes through :mod:`kg.store.guard`: updates, ``SERVICE`` and
``FROM`` are refused (403), each query runs in a process of its own that is killed at the time limit
(503), and answers stop at the row cap (header ``KG-Truncated: true``). Requests naming another host
(DNS rebinding) or coming from another origin (``Origin`` / ``Sec-Fetch-Site``) are refused.
"""
from __future__ import annotations

import html
import json
import mimetypes
import os
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg.errors import KgError, KgQueryError, KgStoreError, KgViewError
from kg.explore import explorer as _explorer
from kg.store.base import open_graph
from kg.store.guard import DEFAULT_MAX_ROWS, check, limit, precheck, run
from kg.store.memory import MemoryStore
from kg.store.oxigraph import Store
from kg.store.results import QueryResult

HOST = "127.0.0.1"
DEFAULT_PORT = 8017
#: seconds a query may run in ``kg serve`` (``--timeout``)
DEFAULT_TIMEOUT = 30.0
#: queries run at once; more wait for a free slot (up to the time limit), then get 503
MAX_RUNNING = 4
#: the largest request body (a query or a form) accepted
MAX_BODY = 1 << 20
EXPLORER = _explorer.FILENAME
#: the report pages ``kg serve`` keeps in memory (the last ones asked for)
REPORT_PAGES_KEPT = 16

JSON_RESULTS = "application/sparql-results+json"
CSV_RESULTS = "text/csv"
NTRIPLES = "application/n-triples"
mimetypes.add_type("application/wasm", ".wasm")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")


@dataclass(frozen=True)
class Source:
    """Where the queries go: the build directory ``graph`` or the SPARQL server ``endpoint``."""
    graph: str | None
    endpoint: str | None
    kind: str           # "store" | "memory" | "endpoint"
    label: str          # what the page shows

    def describe(self, timeout: float | None, max_rows: int | None) -> dict:
        return {"kind": self.kind, "label": self.label, "sparql": "/sparql", "read_only": True,
                "timeout": timeout, "max_rows": max_rows}


def open_source(graph: str | os.PathLike | None, endpoint: str | None = None) -> Source:
    """Check that the build (or server) answers and say what it is; :class:`KgError` when it does not."""
    if endpoint:
        with open_graph(graph or ".", endpoint) as store:
            store.query("ASK {}")
        return Source(None, endpoint, "endpoint", f"the SPARQL server {endpoint}")
    with open_graph(graph) as store:
        kind = "store" if isinstance(store, Store) else "memory" if isinstance(store, MemoryStore) else "store"
        n = len(store.reports())
    what = f"the store {Path(graph) / 'store'}" if kind == "store" else f"{Path(graph) / 'graph.ttl'} in memory"
    return Source(str(graph), None, kind, f"{what} ({n} report{'s' if n != 1 else ''})")


class _Kept:
    """A store loaded once in the server (``graph.ttl`` in memory), lent to each query process."""

    def __init__(self, store):
        self.store = store

    def __enter__(self):
        return self.store

    def __exit__(self, *exc) -> None:
        pass


#: (graph, endpoint) → a store loaded in this process; query processes forked from it inherit it
_LOADED: dict[tuple[str | None, str | None], object] = {}


def _open(graph: str | None, endpoint: str | None):
    """The store a query process opens (module level: picklable for :func:`kg.store.guard.run`): the
    store loaded by the server when there is one (``graph.ttl`` is read once, not per query), else the
    build's store (or the server) opened afresh."""
    kept = _LOADED.get((graph, endpoint))
    return _Kept(kept) if kept is not None else open_graph(graph or ".", endpoint)


def answer(source: Source, sparql: str, timeout: float | None, max_rows: int | None) -> QueryResult:
    """Run ``sparql`` on ``source`` within the guard: checked here, run in a process of its own."""
    precheck(sparql)
    check(sparql)
    return run(_open, (source.graph, source.endpoint), sparql, timeout=timeout, max_rows=max_rows, as_json=True)


class _Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


def _status_of(e: KgError, sparql: str, elapsed: float, timeout: float | None) -> HTTPStatus:
    """403 for what the guard refuses, 400 for a bad query, 503 past the time limit, 502 for a server."""
    if isinstance(e, KgStoreError):
        return HTTPStatus.BAD_GATEWAY
    if timeout and elapsed >= timeout * 0.95:
        return HTTPStatus.SERVICE_UNAVAILABLE
    try:
        precheck(sparql)
        found = check(sparql)
    except KgQueryError as refused:
        return HTTPStatus.BAD_REQUEST if str(refused).startswith("invalid SPARQL") else HTTPStatus.FORBIDDEN
    return HTTPStatus.FORBIDDEN if found.services else HTTPStatus.BAD_REQUEST


class Handler(BaseHTTPRequestHandler):
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"
    server: "KgServer"

    # -- plumbing
    def log_message(self, fmt: str, *args) -> None:
        if self.server.verbose:
            super().log_message(fmt, *args)

    def _send(self, status: HTTPStatus, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _same_origin(self) -> bool:
        """Only this server's own pages (or a client that is not a browser) may use it."""
        port = self.server.server_address[1]
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            return False
        origin = self.headers.get("Origin")
        if origin and origin not in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
            return False
        return self.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")

    # -- methods
    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch(post=True)

    def do_PUT(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only: kg serve answers queries only")

    do_DELETE = do_PATCH = do_PUT

    def _dispatch(self, post: bool = False) -> None:
        if not self._same_origin():
            self._error(HTTPStatus.FORBIDDEN, "kg serve answers its own pages only (open it at http://127.0.0.1)")
            return
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        try:
            if path == "/sparql":
                self._sparql(url.query, post)
            elif post:
                self._error(HTTPStatus.METHOD_NOT_ALLOWED, "POST goes to /sparql")
            elif path == "/api/source":
                body = json.dumps(self.server.source.describe(self.server.timeout, self.server.max_rows),
                                  ensure_ascii=False).encode("utf-8")
                self._send(HTTPStatus.OK, body, "application/json; charset=utf-8")
            elif path.startswith("/report/") and path.endswith("/" + EXPLORER) and path.count("/") == 3:
                self._report_page(path.split("/")[2])
            else:
                self._static(path)
        except _Refused as e:
            self._error(e.status, str(e))
        except (BrokenPipeError, ConnectionResetError):
            pass

    # -- /sparql
    def _read_query(self, qs: str, post: bool) -> tuple[str, dict[str, list[str]]]:
        params = urllib.parse.parse_qs(qs, keep_blank_values=True)
        if post:
            n = int(self.headers.get("Content-Length") or 0)
            if n > MAX_BODY:
                raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the request is larger than {MAX_BODY} bytes")
            body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                raise _Refused(HTTPStatus.FORBIDDEN, "SPARQL Update refused: kg serve is read-only")
            if ctype == "application/sparql-query":
                params.setdefault("query", []).append(body)
            elif ctype == "application/x-www-form-urlencoded":
                for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items():
                    params.setdefault(k, []).extend(v)
            else:
                raise _Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                               "POST a query as application/sparql-query or application/x-www-form-urlencoded")
        if "update" in params:
            raise _Refused(HTTPStatus.FORBIDDEN, "SPARQL Update refused: kg serve is read-only")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise _Refused(HTTPStatus.BAD_REQUEST, "give exactly one query (query=…)")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise _Refused(HTTPStatus.BAD_REQUEST, "default-graph-uri / named-graph-uri are not supported: every "
                           "query runs on the union of all report graphs")
        return queries[0], params

    def _sparql(self, qs: str, post: bool) -> None:
        sparql, params = self._read_query(qs, post)
        srv = self.server
        t0 = time.monotonic()
        if not srv.slots.acquire(timeout=srv.timeout or None):
            raise _Refused(HTTPStatus.SERVICE_UNAVAILABLE, "too many queries at once: try again")
        try:
            res = answer(srv.source, sparql, srv.timeout, srv.max_rows)
        except KgError as e:
            raise _Refused(_status_of(e, sparql, time.monotonic() - t0, srv.timeout), str(e)) from None
        finally:
            srv.slots.release()
        extra = {"KG-Truncated": "true"} if getattr(res, "truncated", False) else {}
        if res.kind == "graph":
            self._send(HTTPStatus.OK, res.triples or b"", NTRIPLES, extra)
            return
        fmt = (params.get("format") or [""])[0].lower()
        accept = (self.headers.get("Accept") or "").lower()
        if fmt == "csv" or (not fmt and CSV_RESULTS in accept and JSON_RESULTS not in accept):
            if res.json_bytes is not None:
                res = QueryResult.from_sparql_json(res.json_bytes)
            self._send(HTTPStatus.OK, res.to_csv().encode("utf-8"), f"{CSV_RESULTS}; charset=utf-8", extra)
        else:
            body = res.json_bytes if res.json_bytes is not None else res.to_json().encode("utf-8")
            self._send(HTTPStatus.OK, body, f"{JSON_RESULTS}; charset=utf-8", extra)

    # -- one report's page
    def _report_page(self, report_id: str) -> None:
        srv = self.server
        with srv.pages_lock:
            body = srv.pages.get(report_id)
        if body is None:
            source = srv.source
            _data, keys, cache = _explorer.build_keys(source.graph) if source.graph and not source.endpoint else (b"", {}, None)
            try:
                with _open(source.graph, source.endpoint) as store:
                    body = _explorer.render_report(store, report_id, cache_dir=cache, report_keys=keys).encode("utf-8")
            except KgViewError as e:
                raise _Refused(HTTPStatus.NOT_FOUND, str(e)) from None
            except KgError as e:
                raise _Refused(HTTPStatus.BAD_GATEWAY, str(e)) from None
            with srv.pages_lock:
                srv.pages[report_id] = body
                while len(srv.pages) > REPORT_PAGES_KEPT:
                    srv.pages.pop(next(iter(srv.pages)))
        self._send(HTTPStatus.OK, body, "text/html; charset=utf-8")

    # -- the views folder
    def _static(self, path: str) -> None:
        root = self.server.views
        if path in ("", "/"):
            if root is not None and (root / EXPLORER).is_file():
                path = "/" + EXPLORER
            else:
                self._send(HTTPStatus.OK, self._index().encode("utf-8"), "text/html; charset=utf-8")
                return
        if root is None:
            raise _Refused(HTTPStatus.NOT_FOUND, "no views folder")
        target = (root / path.lstrip("/")).resolve()
        if root not in target.parents or not target.is_file():
            raise _Refused(HTTPStatus.NOT_FOUND, f"not found: {path}")
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/json", "text/javascript"):
            ctype += "; charset=utf-8"
        self._send(HTTPStatus.OK, target.read_bytes(), ctype)

    def _index(self) -> str:
        root = self.server.views
        pages = sorted(p.name for p in root.glob("*.html")) if root is not None and root.is_dir() else []
        items = "".join(f'<li><a href="/{urllib.parse.quote(p)}">{html.escape(p)}</a></li>' for p in pages)
        return ("<!doctype html><meta charset=utf-8><title>kg serve</title>"
                f"<h1>kg serve</h1><p>Querying {html.escape(self.server.source.label)}: "
                "SPARQL 1.1 Protocol at <code>/sparql</code> (read-only).</p>"
                + (f"<ul>{items}</ul>" if items else "<p>No pages in the views folder: run <code>kg build</code>.</p>"))


class KgServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, source: Source, views: Path | None, timeout: float | None,
                 max_rows: int | None, verbose: bool = False):
        super().__init__((HOST, port), Handler)
        self.source = source
        self.views = views.resolve() if views is not None and views.is_dir() else None
        self.timeout = limit(timeout)
        self.max_rows = limit(max_rows)
        self.verbose = verbose
        self.slots = threading.BoundedSemaphore(MAX_RUNNING)
        self.pages: dict[str, bytes] = {}          # report id → its page (REPORT_PAGES_KEPT kept)
        self.pages_lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


def make_server(graph: str | os.PathLike | None = None, endpoint: str | None = None, port: int = DEFAULT_PORT,
                views: str | os.PathLike | None = None, timeout: float | None = DEFAULT_TIMEOUT,
                max_rows: int | None = DEFAULT_MAX_ROWS, verbose: bool = False) -> KgServer:
    """A server (not yet serving) on 127.0.0.1:``port`` (0: any free port) over the build ``graph`` or the
    SPARQL server ``endpoint``, serving the views folder ``views``."""
    source = open_source(graph, endpoint)
    if source.kind == "memory":
        _LOADED[(source.graph, None)] = open_graph(source.graph)
    try:
        return KgServer(port, source, Path(views) if views else None, timeout, max_rows, verbose)
    except OSError as e:
        raise KgError(f"cannot listen on {HOST}:{port}: {e.strerror or e}") from None


def serve_forever(server: KgServer) -> None:
    """Serve until interrupted (Ctrl-C), then close the socket."""
    try:
        server.serve_forever()
    finally:
        server.server_close()


__all__ = ["DEFAULT_PORT", "DEFAULT_TIMEOUT", "HOST", "KgServer", "Source", "answer", "make_server", "open_source",
           "serve_forever"]
