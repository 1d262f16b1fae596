"""Queries stay offline and bounded (issue 12): every query is checked before it runs anywhere (embedded
store, rdflib in memory, a SPARQL server); SERVICE calls nothing unless allowed; updates and FROM are
refused with a message; a query stops at the time limit and the answer at the row cap."""
from __future__ import annotations

import csv
import io
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import api
from kg.cli import main
from kg.errors import KgQueryError
from kg.explore import trace
from kg.explore.queries import NAMED, named_query, resolve_query
from kg.rdf.vocab import with_prefixes
from kg.store import guard
from kg.store.base import open_graph
from kg.store.memory import MemoryStore
from kg.store.results import QueryResult, ResultSet, capped
from kg.store.sparql import RemoteStore

from ..conftest import REPORTS

ROOT = Path(__file__).resolve().parents[2]
CARTESIAN_3 = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CARTESIAN_2 = "SELECT * { ?a ?b ?c . ?d ?e ?f }"


class Listener:
    """A SPARQL server on 127.0.0.1 that records every connection and request: a ``SERVICE`` target, a
    ``FROM`` source, or the ``--endpoint`` itself. ``/slow/…`` answers only when the test ends."""

    def __init__(self, rows: int = 3):
        self.connections: list = []
        self.requests: list[tuple[str, str, bytes]] = []
        self.release = threading.Event()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                listener.requests.append((self.command, self.path, body))
                if self.path.startswith("/slow/"):
                    listener.release.wait(120)
                bindings = [{"x": {"type": "literal", "value": f"remote-{i}"}} for i in range(rows)]
                out = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": bindings}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                try:
                    self.wfile.write(out)
                except OSError:   # the client stopped listening (a timeout): fine
                    pass

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request, client_address):
                listener.connections.append(client_address)
                return True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def heard_nothing(self) -> bool:
        return not self.connections and not self.requests

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def endpoint():
    """A fake SPARQL server for ``--endpoint`` that answers 5,000 rows to any query."""
    lst = Listener(rows=5000)
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("guard") / "build"
    res = api.build(REPORTS, out, jobs=1)
    assert not res.failed and len(res.reports) == len(REPORTS)
    return out


@pytest.fixture(scope="module")
def in_memory(built, tmp_path_factory):
    """A build directory with only ``graph.ttl``: queried with rdflib in memory."""
    d = tmp_path_factory.mktemp("memory")
    shutil.copy(built / "graph.ttl", d / "graph.ttl")
    with open_graph(d) as store:
        assert isinstance(store, MemoryStore)
    return d


def backends(built, in_memory, endpoint):
    """(name, keyword arguments of api.query / CLI options) for the three kinds of store."""
    return {"embedded": ({"graph": built}, ["--graph", str(built)]),
            "memory": ({"graph": in_memory}, ["--graph", str(in_memory)]),
            "endpoint": ({"endpoint": endpoint.url + "/sparql"}, ["--endpoint", endpoint.url + "/sparql"])}


KINDS = ["embedded", "memory", "endpoint"]


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("kg: error: ") and err.count("\n") == 1, err
    return err


# -- SERVICE

@pytest.mark.parametrize("kind", KINDS)
def test_service_makes_no_request(kind, built, in_memory, endpoint, listener, capsys):
    kw, opts = backends(built, in_memory, endpoint)[kind]
    before = len(endpoint.requests)
    q = f"SELECT ?x WHERE {{ SERVICE <{listener.url}/sparql> {{ ?x ?p ?o }} }}"
    assert main(["query", q, *opts]) == 2
    err = one_line_error(capsys)
    assert "SERVICE" in err and "--allow-service" in err and "offline" in err
    with pytest.raises(KgQueryError, match="SERVICE"):
        api.query(q, **kw)
    assert listener.heard_nothing()
    assert len(endpoint.requests) == before      # not even sent to the --endpoint


@pytest.mark.parametrize("spelling", [
    "SELECT ?x {{ service <{u}> {{ ?x ?p ?o }} }}",
    "SELECT ?x {{ SERVICE SILENT <{u}> {{ ?x ?p ?o }} }}",
    "SELECT ?x {{ SERV\\u0049CE <{u}> {{ ?x ?p ?o }} }}",
    "SELECT ?x {{ ?x ?p ?o OPTIONAL {{ SERVICE <{u}> {{ ?x ?q ?y }} }} }}",
    "SELECT ?x {{ ?x ?p ?o FILTER EXISTS {{ SERVICE <{u}> {{ ?x ?q ?y }} }} }}",
    "SELECT ?x {{ {{ SELECT ?x {{ SERVICE <{u}> {{ ?x ?q ?y }} }} }} }}",
    "SELECT ?x {{ BIND(<{u}> AS ?svc) SERVICE ?svc {{ ?x ?q ?y }} }}",
    "PREFIX s: <{u}#>\nSELECT ?x {{ ?x ?p s:a\\#b . SERVICE <{u}> {{ ?x ?q ?y }} }}",
])
def test_every_spelling_of_service_is_refused(spelling, built, listener):
    q = spelling.format(u=listener.url + "/sparql")
    with pytest.raises(KgQueryError, match="refused|invalid SPARQL"):
        api.query(q, built)
    assert listener.heard_nothing()


def test_the_word_service_in_a_string_or_comment_is_fine(built):
    q = 'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) }  # SERVICE <http://127.0.0.1:9/> { }'
    assert api.query(q, built).values() == [{"x": "SERVICE <http://127.0.0.1:9/>"}]


@pytest.mark.parametrize("kind", ["embedded", "memory"])
def test_allow_service_is_the_only_way_through(kind, built, in_memory, endpoint, listener, capsys):
    kw, opts = backends(built, in_memory, endpoint)[kind]
    q = f"SELECT ?x WHERE {{ SERVICE <{listener.url}/sparql> {{ ?x ?p ?o }} }}"
    assert main(["query", q, *opts, "--allow-service", "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["x", "remote-0", "remote-1", "remote-2"]
    assert listener.requests      # the SERVICE was called, because it was allowed


# -- updates

UPDATES = ["DROP ALL", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR DEFAULT", "CREATE GRAPH <urn:g>",
           "PREFIX kgo: <https://w3id.org/kg-rectify/ontology#>\nDELETE WHERE { ?s kgo:number ?n }",
           "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "ADD DEFAULT TO <urn:g>",
           "# a comment first\nload <{u}/data.ttl>"]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_as_read_only(update, built, listener, tmp_path, capsys):
    update = update.replace("{u}", listener.url)
    n = api.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", built).values()
    assert main(["query", update, "--graph", str(built)]) == 2          # inline
    err = one_line_error(capsys)
    assert "read-only" in err and "kg build" in err and "--rebuild" in err
    assert "not a named query" not in err
    rq = tmp_path / "change.rq"
    rq.write_text(update, encoding="utf-8")
    assert main(["query", str(rq), "--graph", str(built)]) == 2         # from a .rq file
    assert "read-only" in one_line_error(capsys)
    assert api.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", built).values() == n
    assert listener.heard_nothing()


@pytest.mark.parametrize("kind", ["memory", "endpoint"])
def test_updates_are_refused_on_every_backend(kind, built, in_memory, endpoint):
    kw, _ = backends(built, in_memory, endpoint)[kind]
    before = len(endpoint.requests)
    with pytest.raises(KgQueryError, match="read-only"):
        api.query("INSERT DATA { <urn:a> <urn:b> <urn:c> }", **kw)
    assert len(endpoint.requests) == before


# -- FROM / FROM NAMED: refused (the default graph is always the union of the report graphs)

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
def test_from_is_refused_not_ignored(kind, clause, built, in_memory, endpoint, listener, capsys):
    kw, opts = backends(built, in_memory, endpoint)[kind]
    before = len(endpoint.requests)
    q = f"SELECT ?s {clause} <{listener.url}/data.ttl> WHERE {{ ?s ?p ?o }} LIMIT 1"
    assert main(["query", q, *opts]) == 2
    err = one_line_error(capsys)
    assert f"{clause} is not supported" in err and "GRAPH <report IRI>" in err
    assert listener.heard_nothing() and len(endpoint.requests) == before


def test_graph_is_the_way_to_one_report(built):
    iri = "https://w3id.org/kg-rectify/id/report/zuoxie_2020"
    in_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?p a kgo:ProblemCategory }} }}"
    by_iri = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a kgo:ProblemCategory FILTER(STRSTARTS(STR(?p), '{iri}/')) }}"
    n = api.query(in_graph, built).values()[0]["n"]
    assert int(n) > 0 and api.query(by_iri, built).values()[0]["n"] == n


# -- the time limit

def test_cartesian_product_stops_at_the_timeout(built, capsys):
    # counted, so that no row comes back before the end: only the time limit can stop it, however fast the machine
    counted = CARTESIAN_3.replace("SELECT *", "SELECT (COUNT(*) AS ?n)")
    assert counted != CARTESIAN_3
    assert main(["query", counted, "--graph", str(built), "--timeout", "2"]) == 2
    err = one_line_error(capsys)
    assert "stopped after 2 s" in err and "--timeout" in err
    assert capsys.readouterr().out == ""


def test_an_aggregate_that_never_returns_a_row_stops_too(in_memory):
    """rdflib in memory: counting a three-way product computes everything before the first row."""
    with pytest.raises(KgQueryError, match="stopped after 2 s"):
        api.query("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", in_memory, timeout=2)


def test_a_slow_endpoint_stops_at_the_timeout(endpoint, capsys):
    assert main(["query", "SELECT ?x { ?x ?p ?o }", "--endpoint", endpoint.url + "/slow/sparql",
                 "--timeout", "2"]) == 2
    assert "stopped after 2 s" in one_line_error(capsys)


def test_the_endpoint_request_has_the_timeout(endpoint):
    """In process (no child to stop it), the HTTP request itself stops at the time limit."""
    with pytest.raises(KgQueryError, match="stopped after 1 s"):
        RemoteStore(endpoint.url + "/slow/sparql").query("SELECT ?x { ?x ?p ?o }", timeout=1)


def test_timeout_0_means_no_limit(built):
    rs = api.query("SELECT (COUNT(*) AS ?n) { ?s a kgo:Report }", built, timeout=0)
    assert rs.values() == [{"n": str(len(REPORTS))}]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_query_process_dies_with_its_parent(built, tmp_path):
    script = ("import sys\nfrom kg import api\n"
              f"api.query({CARTESIAN_3!r}, sys.argv[1], timeout=600)\n")
    parent = subprocess.Popen([sys.executable, "-c", script, str(built)], cwd=ROOT)
    children = Path(f"/proc/{parent.pid}/task/{parent.pid}/children")
    child = None
    for _ in range(1200):     # wait (up to a minute) for the query process to start
        pids = children.read_text().split() if children.exists() else []
        if pids:
            child = int(pids[0])
            break
        if parent.poll() is not None:
            break
        time.sleep(0.05)
    assert child is not None, "the query did not start in a process of its own"
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def alive(pid: int) -> bool:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")

    for _ in range(600):
        if not alive(child):
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the query process outlived its parent")


# -- the row cap

@pytest.mark.parametrize("kind", ["embedded", "memory"])
def test_row_cap_on_a_cartesian_product(kind, built, in_memory, endpoint, capsys):
    """Far more rows than fit in memory: the answer stops at the cap (with the default time limit)."""
    _, opts = backends(built, in_memory, endpoint)[kind]
    assert main(["query", CARTESIAN_2, *opts, "--max-rows", "1000", "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == ["a", "b", "c", "d", "e", "f"] and len(rows) == 1 + 1000
    assert err.startswith("kg: warning: only the first 1,000 rows") and "--max-rows" in err


def test_row_cap_on_an_endpoint_answer(endpoint, capsys):
    assert main(["query", "SELECT ?x { ?x ?p ?o }", "--endpoint", endpoint.url + "/sparql",
                 "--max-rows", "10", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert [b["x"]["value"] for b in json.loads(out)["results"]["bindings"]] == [f"remote-{i}" for i in range(10)]
    assert "only the first 10 rows" in err
    assert not api.query("SELECT ?x { ?x ?p ?o }", endpoint=endpoint.url + "/sparql").truncated


def test_row_cap_on_triples(built):
    rs = api.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", built, max_rows=50)
    assert rs.truncated and len(rs.triples.splitlines()) == 50


def test_the_cap_reads_one_row_past_it_and_no_more():
    seen = []
    rows = (seen.append(i) or i for i in itertools.count())     # endless
    got, cut = capped(rows, 100)
    assert got == list(range(100)) and cut and len(seen) == 101


def test_under_the_cap_nothing_is_said(built, capsys):
    assert main(["query", "report", "--graph", str(built), "--max-rows", "3"]) == 0
    assert capsys.readouterr().err == ""


# -- the answers themselves do not change

def test_named_queries_give_oxigraph_own_answers(built):
    with open_graph(built) as store:
        raw = store._st()
        for name in NAMED:
            text = named_query(name)
            ref = raw.query(with_prefixes(text), use_default_graph_as_union=True)
            ref = QueryResult.from_sparql_json(ref.serialize(format=ox.QueryResultsFormat.JSON))
            got = api.query(name, built)
            assert (got.vars, got.rows) == (ref.vars, ref.rows), name
            assert not got.truncated


def test_named_queries_in_memory_give_rdflib_own_answers(in_memory):
    g = MemoryStore.load(in_memory / "graph.ttl").graph()
    for name in ["regulations", "report"]:
        ref = ResultSet.from_rdflib(g.query(with_prefixes(named_query(name))))
        got = api.query(name, in_memory)
        assert (got.vars, got.rows) == (ref.vars, ref.rows), name


def test_ask_construct_and_report_still_work(built, capsys):
    assert api.query("ASK { ?r a kgo:Report }", built).boolean is True
    con = api.query("CONSTRUCT { ?r a kgo:Report } WHERE { ?r a kgo:Report }", built)
    assert len(con.triples.splitlines()) == len(REPORTS) and not con.truncated
    assert main(["query", "regulations", "--graph", str(built), "--report", "zuoxie_2020", "--format", "csv"]) == 0
    assert "中国作家协会调研工作办法" in capsys.readouterr().out


def test_other_commands_are_checked_too(built):
    """kg trace and the stores' own queries go through the same check."""
    with open_graph(built) as store:
        with pytest.raises(KgQueryError, match="SERVICE"):
            store.query("ASK { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
        with pytest.raises(KgQueryError, match="read-only"):
            store.query("DROP ALL")
    assert api.trace("中国作家协会调研工作办法", built).rows


def test_trace_has_the_limits_of_query(built, monkeypatch, capsys):
    """kg trace runs its query as kg query does: cut at --max-rows (with the warning), stopped at --timeout."""
    assert main(["trace", "办法", "--graph", str(built), "--format", "json"]) == 0
    every = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert len(every) > 3
    assert main(["trace", "办法", "--graph", str(built), "--format", "json", "--max-rows", "3"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["results"]["bindings"] == every[:3]
    assert err.startswith("kg: warning: only the first 3 rows are shown") and "--max-rows" in err
    # a trace whose query only the time limit can stop
    counted = CARTESIAN_3.replace("SELECT *", "SELECT (COUNT(*) AS ?n)")
    monkeypatch.setattr(trace, "chain_query", lambda what, report=None: counted)
    assert main(["trace", "办法", "--graph", str(built), "--timeout", "2"]) == 2
    assert "stopped after 2 s" in one_line_error(capsys)


def test_stats_of_a_graph_over_the_limit_give_the_counts_alone(built, capsys):
    """kg stats reads the whole graph into memory: beyond --max-triples it gives the counts per type (those
    kg build prints) and says why the rest is skipped."""
    assert main(["stats", "--graph", str(built), "--format", "json"]) == 0
    full = json.loads(capsys.readouterr().out)
    assert full["units"] and full["problems"] and "skipped" not in full
    assert main(["stats", "--graph", str(built), "--format", "json", "--max-triples", "1000"]) == 0
    small = json.loads(capsys.readouterr().out)
    assert small["counts"] == api.counts(built) and small["triples"] > 1000
    assert "--max-triples" in small["skipped"] and "units" not in small
    assert main(["stats", "--graph", str(built), "--max-triples", "1000"]) == 0
    assert "skipped" in capsys.readouterr().out


# -- the check itself

def test_check_is_cached_and_handles_big_queries():
    many = "SELECT * { " + " ".join(f"?s{i} <urn:p> ?o{i} ." for i in range(400)) + " }"
    assert guard.check(many).form == "select"
    deep = "SELECT * " + "{ " * 60 + "?s ?p ?o" + " }" * 60
    assert guard.check(deep).form == "select"
    assert guard.check(many) is guard.check(many)


def test_bad_sparql_is_one_line(built, capsys):
    assert main(["query", "SELECT ?x WHERE {\n ?x ?y }", "--graph", str(built)]) == 2
    assert "invalid SPARQL" in one_line_error(capsys)


def test_resolve_query_knows_updates_from_names():
    assert resolve_query("DROP ALL") == "DROP ALL"
    assert guard.looks_like_sparql("PREFIX a: <urn:a>\ninsert data { }")
    assert not guard.looks_like_sparql("regulationz")


@pytest.mark.parametrize("value", ["-1", "soon"])
def test_limits_must_be_numbers(value, capsys):
    with pytest.raises(SystemExit) as e:
        main(["query", "report", "--timeout", value])
    assert e.value.code == 2
