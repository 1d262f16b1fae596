"""``kg serve``: the views and a read-only SPARQL 1.1 Protocol endpoint on 127.0.0.1, over the embedded store
and forwarded to a real SPARQL server (``oxigraph serve``); every query through the guard."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from kg.api import query
from kg.explore.explorer import write_explorer
from kg.explore.queries import resolve_query
from kg.explore.serve import make_server
from kg.store.base import open_graph
from kg.store.build import build_corpus
from kg.store.sparql import RemoteStore

from ..rdf.test_cross_report import write_pair
from ..store.test_remote import free_port, oxigraph_server
from .test_explorer import Page, browser  # noqa: F401 (browser: a fixture)

REPO = Path(__file__).resolve().parents[2]
REPORTS = sorted((REPO / "data" / "reports").glob("*.txt"))
N_REPORTS = len(REPORTS) + 2
NAMED = ["regulations", "problems", "shared_documents", "shared_units", "regulations_across_reports"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The reports of data/reports and two that share a regulation under one problem category, built into an
    embedded store, and a views folder with a page."""
    root = tmp_path_factory.mktemp("serve")
    src = root / "in"
    src.mkdir()
    for p in REPORTS:
        shutil.copy(p, src / p.name)
    write_pair(src)
    res = build_corpus([src], root / "build", jobs=1, progress=False)
    assert res.ok and len(res.reports) == N_REPORTS
    views = root / "views"
    views.mkdir()
    (views / "explorer.html").write_text("<!doctype html><title>explorer</title>", encoding="utf-8")
    (root / "secret.txt").write_text("not served", encoding="utf-8")
    return root


@contextmanager
def kg_serve(*args: str):
    """``kg serve ARGS --port P`` in a subprocess; yields its base URL once it answers."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", *args, "--port", str(port)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"kg serve exited with {proc.returncode}: {proc.stdout.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(base + "/api/source", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("kg serve did not answer within 90 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()


def request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
            method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def get(base: str, sparql: str, accept: str | None = None):
    return request(f"{base}/sparql?" + urllib.parse.urlencode({"query": sparql}),
                   headers={"Accept": accept} if accept else None)


def post_query(base: str, sparql: str):
    return request(f"{base}/sparql", sparql.encode("utf-8"), {"Content-Type": "application/sparql-query"})


def post_form(base: str, **fields: str):
    return request(f"{base}/sparql", urllib.parse.urlencode(fields).encode(),
                   {"Content-Type": "application/x-www-form-urlencoded"})


def bindings(body: bytes) -> list[dict]:
    return json.loads(body)["results"]["bindings"]


@pytest.fixture(scope="module")
def embedded(built):
    with kg_serve("--graph", str(built / "build"), "--views", str(built / "views")) as base:
        yield base


# -- over the embedded store

@pytest.mark.parametrize("name", NAMED)
def test_named_queries_answer_as_kg_query(built, embedded, name):
    sparql = resolve_query(name)
    expected = query(name, built / "build")
    for status, headers, body in (get(embedded, sparql), post_query(embedded, sparql),
                                  post_form(embedded, query=sparql)):
        assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
        assert json.loads(body)["head"]["vars"] == expected.vars
        assert bindings(body) == expected.rows, name
    status, headers, body = get(embedded, sparql, accept="text/csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert body.decode("utf-8") == expected.to_csv()


def test_cross_report_answers(embedded):
    status, _, body = get(embedded, resolve_query("shared_documents"))
    titles = {b["title"]["value"]: int(b["reports"]["value"]) for b in bindings(body)}
    assert status == 200 and titles["习近平谈治国理政"] == 3


def test_ask_construct_and_prefixes(embedded):
    status, headers, body = get(embedded, "ASK { ?r a kgo:Report }")     # project prefixes need no declaration
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    status, headers, body = post_query(embedded, "CONSTRUCT { ?r a kgo:Report } WHERE { ?r a kgo:Report }")
    assert status == 200 and headers["content-type"].startswith("application/n-triples")
    assert len(body.decode().strip().splitlines()) == N_REPORTS


@pytest.mark.parametrize("how", ["sparql-update", "form-update", "query-insert", "query-drop"])
def test_updates_are_refused(built, embedded, how):
    before = query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", built / "build").values()
    if how == "sparql-update":
        status, _, body = request(f"{embedded}/sparql", b"DROP ALL", {"Content-Type": "application/sparql-update"})
    elif how == "form-update":
        status, _, body = post_form(embedded, update="CLEAR ALL")
    elif how == "query-insert":
        status, _, body = post_form(embedded, query="INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    else:
        status, _, body = get(embedded, "DROP ALL")
    assert status == 403 and b"read-only" in body
    assert query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", built / "build").values() == before
    status, _, _ = request(f"{embedded}/sparql", b"x", {"Content-Type": "text/turtle"}, method="PUT")
    assert status == 405


def test_service_is_refused(embedded):
    status, _, body = get(embedded, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert status == 403 and b"SERVICE" in body and b"kg serve never does" in body     # no flag of kg serve to suggest
    status, _, body = post_query(embedded, "select * { service silent ?x { ?s ?p ?o } }")
    assert status == 403


def test_bad_queries(embedded):
    assert get(embedded, "SELECT WHERE {")[0] == 400
    assert request(f"{embedded}/sparql")[0] == 400                                      # no query
    assert get(embedded, "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")[0] == 403
    assert request(f"{embedded}/sparql?query=ASK%7B%7D&default-graph-uri=urn:x")[0] == 400


def test_views_and_source(built, embedded):
    status, headers, body = request(embedded + "/")
    assert status == 200 and b"<title>explorer</title>" in body and headers["content-type"].startswith("text/html")
    assert request(embedded + "/explorer.html")[0] == 200
    assert request(embedded + "/../secret.txt")[0] == 404 and request(embedded + "/%2e%2e/secret.txt")[0] == 404
    assert request(embedded + "/nothing.html")[0] == 404
    status, _, body = request(embedded + "/api/source")
    src = json.loads(body)
    assert status == 200 and src["kind"] == "store" and src["read_only"] is True and f"{N_REPORTS} reports" in src["label"]


def test_only_its_own_origin(embedded):
    port = embedded.rsplit(":", 1)[1]
    assert request(embedded + "/api/source", headers={"Host": "evil.example"})[0] == 403      # DNS rebinding
    assert request(embedded + "/api/source", headers={"Host": f"localhost:{port}"})[0] == 200
    assert post_form(embedded, query="ASK {}")[0] == 200
    status, _, _ = request(f"{embedded}/sparql", urllib.parse.urlencode({"query": "ASK {}"}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"})
    assert status == 403


def test_binds_to_loopback_only(built):
    server = make_server(built / "build", port=0, views=built / "views")
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_time_limit_and_row_cap(built):
    with kg_serve("--graph", str(built / "build"), "--timeout", "1", "--max-rows", "2") as base:
        status, _, body = get(base, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        assert status == 503 and b"time limit" in body      # stopped by the server's time limit
        status, headers, body = get(base, "SELECT ?r WHERE { ?r a kgo:Report }")
        assert status == 200 and len(bindings(body)) == 2 and headers.get("kg-truncated") == "true"
        # the server still answers after a query was stopped
        assert get(base, "ASK { ?r a kgo:Report }")[0] == 200


# -- forwarded to a real SPARQL server

@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    yield from oxigraph_server(tmp_path_factory.mktemp("oxigraph-serve"))


@pytest.fixture(scope="module")
def forwarded(built, oxigraph):
    res = build_corpus([built / "in"], built / "remote", store=RemoteStore.oxigraph(oxigraph), jobs=1, progress=False)
    assert res.ok
    with kg_serve("--endpoint", oxigraph, "--views", str(built / "views")) as base:
        yield base


@pytest.mark.parametrize("name", NAMED)
def test_forwarded_queries_answer_as_the_embedded_store(built, embedded, forwarded, name):
    sparql = resolve_query(name)
    a, b = get(forwarded, sparql), get(embedded, sparql)
    assert a[0] == b[0] == 200
    assert bindings(a[2]) == bindings(b[2]) and bindings(a[2])


def test_forwarded_source_updates_and_service(oxigraph, forwarded):
    src = json.loads(request(forwarded + "/api/source")[2])
    assert src["kind"] == "endpoint" and oxigraph in src["label"]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = bindings(get(forwarded, count)[2])
    assert post_form(forwarded, update=f"DROP GRAPH <{oxigraph}>")[0] == 403
    assert get(forwarded, "DELETE WHERE { ?s ?p ?o }")[0] == 403
    assert get(forwarded, f"SELECT * WHERE {{ SERVICE <{oxigraph}/query> {{ ?s ?p ?o }} }}")[0] == 403
    assert bindings(get(forwarded, count)[2]) == before
    assert request(forwarded + "/")[0] == 200


# -- the explorer page served by kg serve (headless chromium, as in test_explorer)

@pytest.fixture(scope="module")
def pages(built):
    """Two views folders of the build: its explorer page with the graph embedded, and one written with the
    graph too large to embed (a 1-byte limit)."""
    with open_graph(built / "build") as store:
        embedded_page = write_explorer(store, built / "page")
        big_page = write_explorer(store, built / "page-big", embed_max=1)
    assert '"embedded":false' in big_page.read_text(encoding="utf-8").replace(" ", "")
    return {"embedded": embedded_page.parent, "big": big_page.parent}


class Served(Page):
    """The explorer opened at ``base`` (kg serve) with every request recorded: those to the origin that served
    it go through, any other is aborted (and fails the test in :meth:`check_clean`)."""

    def __init__(self, browser, base: str, hash: str = "#view=query"):   # noqa: super().__init__ opens a file
        self.base = base
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

        def route(r):
            self.requests.append(r.request.url)
            if r.request.url.startswith(base + "/") or r.request.url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                r.abort()
        self.context.route("**/*", route)
        self.page.goto(base + "/" + hash)
        self.wait("window.kgExplorer && window.kgExplorer.ready === true")
        self.wait("window.kgExplorer.engineReady === true || !!window.kgExplorer.engineError")
        assert self.js("window.kgExplorer.engineError || null") is None

    def run(self, click: str) -> dict | None:
        """Click ``click`` (a named query's button or Run) and wait for the answer or the error."""
        self.page.click(click)
        self.wait("kgExplorer.state.result || document.getElementById('query-status').className === 'error'")
        return self.js("(() => { const r = kgExplorer.state.result; return r && {vars: r.vars, rows: r.rows}; })()")

    def sparql_posts(self) -> int:
        return sum(1 for u in self.requests if u == self.base + "/sparql")

    def source(self) -> str:
        return self.js("document.getElementById('source-label').textContent")

    def status(self) -> tuple[str, str]:
        return self.js("[document.getElementById('query-status').textContent, "
                       "document.getElementById('query-status').className]")

    def check_clean(self):
        # the browser logs each refusal it was sent (403 for an update or SERVICE): those were asked for
        assert [e for e in self.errors if "responded with a status of 403" not in e] == [], self.errors
        assert [u for u in self.requests if not u.startswith((self.base + "/", "data:", "blob:"))] == []


def kg_query_out(name: str, *args: str, fmt: str = "json") -> str:
    return subprocess.run([sys.executable, "-m", "kg.cli", "query", name, *args, "--format", fmt], cwd=REPO,
                          capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(REPO)},
                          ).stdout


def kg_query_json(name: str, *args: str) -> dict:
    return json.loads(kg_query_out(name, *args))


def check_named_queries(pg: Served, build: Path) -> None:
    """Each named query clicked in the page is answered through kg serve with the rows (in order) of
    ``kg query NAME --format json``, shown in the table."""
    for name in NAMED:
        before = pg.sparql_posts()
        res = pg.run(f'#named button[data-query="{name}"]')
        assert res is not None, (name, pg.status())
        assert pg.sparql_posts() == before + 1, name           # asked of the server, not of the page's graph
        ref = kg_query_json(name, "--graph", str(build))
        assert res["vars"] == ref["head"]["vars"] and res["rows"] == ref["results"]["bindings"], name
        n = pg.js("document.querySelectorAll('#results tbody tr').length")
        assert n == len(ref["results"]["bindings"]), name
        text, cls = pg.status()
        assert cls == "" and text.startswith(f"{n} 行 rows · "), (name, text)


def check_update_refused(pg: Served) -> None:
    pg.page.fill("#sparql", "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert pg.run("#run") is None
    text, cls = pg.status()
    assert cls == "error" and "403" in text and "INSERT refused: the graph is read-only" in text, text


def test_served_page_queries_through_kg_serve(built, pages, browser):
    with kg_serve("--graph", str(built / "build"), "--views", str(pages["embedded"])) as base:
        src = json.loads(request(base + "/api/source")[2])
        with Served(browser, base) as pg:
            assert pg.source().startswith("数据源 Source: kg serve") and src["label"] in pg.source()
            check_named_queries(pg, built / "build")
            # the downloads of a served answer are kg query's
            pg.run('#named button[data-query="shared_units"]')
            with pg.page.expect_download() as d:
                pg.page.click("#dl-csv")
            assert Path(d.value.path()).read_text(encoding="utf-8") == kg_query_out(
                "shared_units", "--graph", str(built / "build"), fmt="csv")
            check_update_refused(pg)
            # SERVICE and FROM: the server's refusals, as kg query says them
            pg.page.fill("#sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
            pg.run("#run")
            assert "403" in pg.status()[0] and "SERVICE" in pg.status()[0]
            # CONSTRUCT: N-Triples from the server, read into the same table and graph
            pg.page.fill("#sparql", "CONSTRUCT { ?r a kgo:Report } WHERE { ?r a kgo:Report }")
            res = pg.run("#run")
            assert res["vars"] == ["subject", "predicate", "object"] and len(res["rows"]) == N_REPORTS
            assert all(r["object"] == {"type": "uri", "value": "https://w3id.org/kg-rectify/ontology#Report"}
                       for r in res["rows"])
            # the switch: the embedded graph in the page answers the same, without asking the server
            assert pg.js("!document.getElementById('source-switch').hidden")
            pg.page.uncheck("#use-server")
            assert "embedded graph" in pg.source() and f"{N_REPORTS} reports" in pg.source()
            posts = pg.sparql_posts()
            res = pg.run('#named button[data-query="shared_units"]')
            assert pg.sparql_posts() == posts
            ref = kg_query_json("shared_units", "--graph", str(built / "build"))
            assert sorted(map(json.dumps, res["rows"])) == sorted(map(json.dumps, ref["results"]["bindings"]))
            pg.check_clean()


def test_served_page_with_the_graph_not_embedded(built, pages, browser):
    with kg_serve("--graph", str(built / "build"), "--views", str(pages["big"]), "--max-rows", "3") as base:
        with Served(browser, base) as pg:
            assert pg.js("kgExplorer.model.embedded") is False and pg.js("kgExplorer.sparql.store") is None
            assert pg.source().startswith("数据源 Source: kg serve")
            assert pg.js("document.getElementById('source-switch').hidden")    # nothing to switch to
            res = pg.run('#named button[data-query="problems"]')
            assert len(res["rows"]) == 3 and pg.sparql_posts() == 1
            assert "只有前 3 行" in pg.status()[0]                              # KG-Truncated: the server's cap
            check_update_refused(pg)
            pg.check_clean()


def test_served_page_forwarded_to_a_sparql_server(built, pages, browser, oxigraph, forwarded):
    with kg_serve("--endpoint", oxigraph, "--views", str(pages["embedded"])) as base:
        with Served(browser, base) as pg:
            assert oxigraph in pg.source() and "kg serve" in pg.source()
            check_named_queries(pg, built / "build")
            check_update_refused(pg)
            pg.check_clean()


def test_file_page_makes_no_request(browser, pages):
    """Opened from file://, the page asks nothing of anyone (not even /api/source) and queries its graph."""
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        seen: list[str] = []
        page.on("request", lambda r: seen.append(r.url))
        page.goto((pages["embedded"] / "explorer.html").as_uri() + "#view=query")
        deadline = time.monotonic() + 60
        while not page.evaluate("!!(window.kgExplorer && window.kgExplorer.engineReady)"):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert "embedded graph" in page.evaluate("document.getElementById('source-label').textContent")
        assert [u for u in seen if not u.startswith(("file:", "data:", "blob:"))] == []
    finally:
        ctx.close()
