"""Round trip through a real SPARQL 1.1 server: ``oxigraph serve`` (binary of the oxigraph PyPI package).

Builds the same corpus into the server (Graph Store Protocol) and into the embedded
store, then compares query answers. Skipped only when the binary is missing and
$CI is unset (in CI a missing binary is a failure).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kg.store.build import build_corpus
from kg.rdf.export import export_bytes
from kg.errors import KgQueryError, KgStoreError
from kg.rdf.ontology import ontology_path
from kg.rdf.vocab import ONTOLOGY_GRAPH
from kg.store import RemoteStore, Store

REPO = Path(__file__).resolve().parents[2]
KGR = "https://w3id.org/kg-rectify/id/"


def oxigraph_binary() -> str | None:
    cand = Path(sys.executable).parent / "oxigraph"
    if cand.is_file() and os.access(cand, os.X_OK):
        return str(cand)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_server(loc: Path):
    """Start ``oxigraph serve`` on a free local port with its data in ``loc``; yield its base URL, stop it after."""
    binary = oxigraph_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("oxigraph server binary not found (pip install oxigraph)")
        pytest.skip("oxigraph server binary not found (pip install oxigraph)")
    port = free_port()
    log = open(loc.parent / f"oxigraph-{port}.log", "wb")
    # no --union-default-graph: kg maintains the default graph as the merge of the report graphs
    proc = subprocess.Popen([binary, "serve", "--location", str(loc / "db"), "--bind", f"127.0.0.1:{port}"],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"oxigraph serve exited with {proc.returncode}: {Path(log.name).read_text()[-2000:]}")
            try:
                req = urllib.request.Request(base + "/query", data=b"ASK {}",
                                             headers={"Content-Type": "application/sparql-query"})
                with urllib.request.urlopen(req, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("oxigraph serve did not answer within 60 s")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from oxigraph_server(tmp_path_factory.mktemp("oxigraph"))


def corpus_and_process(tmp_path):
    """The real reports with kg.api.process when the pipeline works, else the test stand-in."""
    try:
        from kg.rdf.report import process
        process(REPO / "data" / "reports" / "dev_1.txt")
        src = tmp_path / "in"
        src.mkdir()
        for p in sorted((REPO / "data" / "reports").glob("*.txt")):
            shutil.copy(p, src / p.name)
        return src, None
    except Exception:
        from .test_corpus import fake_process, write_reports
        write_reports(tmp_path / "in", 4)
        return tmp_path / "in", fake_process


QUERIES = [
    "SELECT ?r WHERE { ?r a kgo:Report } ORDER BY ?r",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?s ?l WHERE { ?s dcterms:title|skos:prefLabel ?l } ORDER BY ?s ?l LIMIT 200",
    "SELECT ?doc (COUNT(DISTINCT ?g) AS ?reports) WHERE { GRAPH ?g { ?x kgo:mentions ?doc } } GROUP BY ?doc ORDER BY ?doc",
    "SELECT ?d ?t WHERE { ?d a kgo:Document ; dcterms:title ?t } ORDER BY ?d ?t",
]
QUERY_FILES = ["problems", "regulations"]


def test_round_trip(server, tmp_path):
    src, process = corpus_and_process(tmp_path)
    remote = RemoteStore.oxigraph(server)
    r1 = build_corpus([src], tmp_path / "remote", store=remote, process=process, jobs=2, progress=False)
    r2 = build_corpus([src], tmp_path / "local", process=process, jobs=2, progress=False)
    assert r1.ok and r2.ok and r1.reports == r2.reports
    iris = set(r1.reports.values())
    assert remote.reports() == iris
    if ontology_path():
        assert remote.query(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}").boolean is True
    with Store.open(tmp_path / "local" / "store", read_only=True) as local:
        named = [(REPO / "kg" / "queries" / f"{n}.rq") for n in QUERY_FILES]
        for q in QUERIES + [p.read_text(encoding="utf-8") for p in named if p.exists()]:
            a, b = remote.query(q), local.query(q)
            assert a.vars == b.vars and a.rows == b.rows, q
        assert remote.query("ASK { ?r a kgo:Report }").boolean is True
        con = "CONSTRUCT { ?r a kgo:Report } WHERE { ?r a kgo:Report }"
        assert sorted(remote.query(con).triples.splitlines()) == sorted(local.query(con).triples.splitlines())
        assert len(remote.graph()) == len(local.graph())
        # exports of both stores are byte-identical
        assert export_bytes(remote, "nquads") == export_bytes(local, "nquads")
    assert (tmp_path / "remote" / "graph.nq").read_bytes() == (tmp_path / "local" / "graph.nq").read_bytes()

    # incremental against the server: unchanged → nothing uploaded; removed → graph deleted there
    again = build_corpus([src], tmp_path / "remote", store=remote, process=process, progress=False)
    assert not again.built and len(again.unchanged) == len(iris)
    victim = sorted(src.glob("*.txt"))[0]
    victim_iri = r1.reports[str(victim.resolve())]
    victim.unlink()
    gone = build_corpus([src], tmp_path / "remote", store=remote, process=process, progress=False)
    assert gone.removed == [victim_iri]
    assert remote.reports() == iris - {victim_iri}
    assert remote.query(f"ASK {{ GRAPH <{victim_iri}> {{ ?s ?p ?o }} }}").boolean is False


def test_replace_and_errors(server):
    remote = RemoteStore.oxigraph(server)
    iri = f"{KGR}report/remote-test"
    remote.replace_report(iri, f'<{iri}> <http://purl.org/dc/terms/title> "旧"@zh .\n')
    remote.replace_report(iri, f'<{iri}> <http://purl.org/dc/terms/title> "新"@zh .\n')
    assert remote.query(f"SELECT ?t WHERE {{ <{iri}> dcterms:title ?t }}").tuples() == [("新",)]
    remote.drop_report(iri)
    remote.drop_report(iri)   # already gone: fine
    assert iri not in remote.reports()
    assert remote.query(f"ASK {{ <{iri}> ?p ?o }}").boolean is False
    with pytest.raises(KgQueryError, match="invalid SPARQL"):    # refused before anything is sent
        remote.query("SELECT WHERE {")
    # SPARQL Update fallback when there is no Graph Store endpoint
    upd = RemoteStore(server + "/query", update_endpoint=server + "/update")
    upd.replace_report(iri, f'<{iri}> <http://purl.org/dc/terms/title> "更新"@zh .\n')
    assert upd.query(f"SELECT ?t WHERE {{ <{iri}> dcterms:title ?t }}").tuples() == [("更新",)]
    upd.drop_report(iri)
    assert iri not in upd.reports()


def test_unreachable():
    remote = RemoteStore.oxigraph(f"http://127.0.0.1:{free_port()}", timeout=5)
    with pytest.raises(KgStoreError, match="cannot reach SPARQL server"):
        remote.reports()


def test_cli_against_the_server(server, tmp_path, capsys):
    """`kg build/query/trace --endpoint` against the server answer like the embedded store."""
    from kg.cli import main
    seed = REPO / "data" / "reports" / "zuoxie_2020.txt"
    assert main(["build", str(seed), "--out", str(tmp_path / "r"), "--endpoint", server, "--no-views"]) == 0
    assert main(["build", str(seed), "--out", str(tmp_path / "l"), "--no-views"]) == 0
    capsys.readouterr()
    answers = []
    for where in (["--endpoint", server], ["--graph", str(tmp_path / "l")]):
        assert main(["query", "regulations", "--format", "csv", *where]) == 0
        answers.append(sorted(r for r in capsys.readouterr().out.splitlines() if "zuoxie_2020" in r))
    assert answers[0] == answers[1] and len(answers[0]) == 18
    assert main(["trace", "中国作家协会调研工作办法", "--endpoint", server]) == 0
    assert "problem category 8" in capsys.readouterr().out
