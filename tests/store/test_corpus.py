"""Corpus builds: incremental, parallel, bad reports skipped, deterministic outputs, exports."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg.model import ReportResult
from kg.rdf.ntriples import graph_to_nt, merged_turtle
from kg.store.build import build_corpus, expand_paths, load_manifest, write_turtle
from kg.rdf.export import export, export_bytes
from kg.errors import KgInputError
from kg.store.outputs import MERGED_FILES
from kg.store.oxigraph import Store

from kg.rdf.vocab import DCTERMS as DCT, KGO, KGR

REPO = Path(__file__).resolve().parents[2]
REPORTS = REPO / "data" / "reports"


def fake_process(path):
    """Stand-in for kg.api.process: a small graph per file; logs each call to $KG_TEST_LOG."""
    log = os.environ.get("KG_TEST_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(Path(path).name + "\n")
    data = Path(path).read_bytes()
    if not data.strip():
        raise KgInputError(f"{path}: empty file")
    if b"\0" in data:
        raise KgInputError(f"{path}: binary file, not a text report")
    text = data.decode("utf-8")
    if "BOOM" in text:
        raise RuntimeError("simulated bug")
    rid = Path(path).stem
    iri = f"{KGR}report/{rid}"
    g = rdflib.Graph()
    r = URIRef(iri)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    g.add((r, RDF.type, KGO.Report))
    g.add((r, DCT.title, Literal(lines[0], lang="zh")))
    for i, ln in enumerate(lines[1:], 1):
        s = URIRef(f"{iri}/section/{i}")
        g.add((s, RDF.type, KGO.Section))
        g.add((s, KGO.inReport, r))
        g.add((s, KGO.heading, Literal(ln[:20], lang="zh")))
        g.add((s, KGO.number, Literal(i)))
        if "《" in ln:  # a document shared across reports
            doc = URIRef(f"{KGR}document/" + hashlib.sha1(ln.encode()).hexdigest()[:16])
            g.add((doc, RDF.type, KGO.OwnRegulation))
            g.add((doc, KGO.documentKind, Literal("regulation")))
            g.add((s, KGO.mentions, doc))
    warnings = [f"{Path(path).name}:1: test warning"] if "警告" in text else []
    extraction = SimpleNamespace(text=SimpleNamespace(text=text, sha256=hashlib.sha256(data).hexdigest()))
    return ReportResult(str(path), iri.rsplit("/", 1)[-1], iri, graph_to_nt(g), extraction, warnings)


def union_of(ds) -> set:
    return {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}


def write_reports(d: Path, n: int = 4) -> list[Path]:
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        p = d / f"r{i}.txt"
        p.write_text(f"报告{i}的标题\n一、第一节{i}\n二、制定《调研工作办法》\n三、第三节\n", encoding="utf-8")
        out.append(p)
    return out


@pytest.fixture
def calls(tmp_path, monkeypatch):
    log = tmp_path / "calls.log"
    monkeypatch.setenv("KG_TEST_LOG", str(log))

    def read():
        names = log.read_text(encoding="utf-8").split() if log.exists() else []
        log.write_text("")
        return sorted(names)

    return read


def build(src, out, **kw):
    kw.setdefault("process", fake_process)
    kw.setdefault("progress", False)
    return build_corpus([src], out, **kw)


def reports_in(out: Path) -> set[str]:
    with Store.open(out / "store", read_only=True) as st:
        return st.reports()


def test_expand_paths(tmp_path):
    files = write_reports(tmp_path / "in", 3)
    (tmp_path / "in" / "notes.md").write_text("x")
    got = expand_paths([tmp_path / "in", files[0]])
    assert got == [f.resolve() for f in files]
    with pytest.raises(KgInputError, match="no such file"):
        expand_paths([tmp_path / "missing"])


@pytest.mark.parametrize("jobs", [1, 2])
def test_build_and_outputs(tmp_path, calls, jobs):
    write_reports(tmp_path / "in", 4)
    res = build(tmp_path / "in", tmp_path / "out", jobs=jobs)
    assert res.ok and len(res.built) == 4 and not res.unchanged
    assert calls() == [f"r{i}.txt" for i in range(4)]
    iris = {f"{KGR}report/r{i}" for i in range(4)}
    assert set(res.reports.values()) == iris == reports_in(tmp_path / "out")
    assert res.chars > 0
    for name in ("graph.nq", "graph.ttl", "manifest.json"):
        assert (tmp_path / "out" / name).is_file()
    g = rdflib.Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
    ds = rdflib.Dataset()
    ds.parse(tmp_path / "out" / "graph.nq", format="nquads")
    assert {str(c.identifier) for c in ds.graphs() if len(c)} == iris
    assert len(g) == len(union_of(ds))   # merged graph = union of report graphs
    man = json.loads((tmp_path / "out" / "manifest.json").read_text())
    e = man["reports"][str((tmp_path / "in" / "r0.txt").resolve())]
    assert e["iri"] == f"{KGR}report/r0" and len(e["sha256"]) == 64 and e["size"] > 0


def test_deterministic_outputs(tmp_path):
    write_reports(tmp_path / "in", 5)
    build(tmp_path / "in", tmp_path / "a", jobs=2)
    build(tmp_path / "in", tmp_path / "b", jobs=1)
    for name in ("graph.nq", "graph.ttl", "summaries.ttl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_incremental(tmp_path, calls):
    files = write_reports(tmp_path / "in", 4)
    out = tmp_path / "out"
    build(tmp_path / "in", out, jobs=2)
    assert len(calls()) == 4
    nq = (out / "graph.nq").read_bytes()

    # unchanged: nothing re-extracted, outputs untouched
    mtime = (out / "graph.nq").stat().st_mtime_ns
    res = build(tmp_path / "in", out)
    assert calls() == [] and len(res.unchanged) == 4 and not res.built and res.ok
    assert (out / "graph.nq").stat().st_mtime_ns == mtime

    # touched (new mtime, same bytes): hashed, not re-extracted
    os.utime(files[1], ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    res = build(tmp_path / "in", out)
    assert calls() == [] and len(res.unchanged) == 4
    assert (out / "graph.nq").read_bytes() == nq

    # changed: only that one re-extracted, its graph replaced
    files[2].write_text("报告2改过的标题\n一、唯一一节\n", encoding="utf-8")
    res = build(tmp_path / "in", out)
    assert calls() == ["r2.txt"] and res.built == [str(files[2].resolve())] and len(res.unchanged) == 3
    with Store.open(out / "store", read_only=True) as st:
        rows = st.query(f"SELECT ?t WHERE {{ <{KGR}report/r2> dcterms:title ?t }}").tuples()
        assert rows == [("报告2改过的标题",)]
        n = st.query(f"SELECT (COUNT(?s) AS ?n) WHERE {{ GRAPH <{KGR}report/r2> {{ ?s a kgo:Section }} }}")
        assert n.tuples() == [("1",)]
    assert b"\xe6\x94\xb9\xe8\xbf\x87" in (out / "graph.ttl").read_bytes()   # 改过

    # removed: graph dropped
    files[3].unlink()
    res = build(tmp_path / "in", out)
    assert calls() == [] and res.removed == [f"{KGR}report/r3"]
    assert reports_in(out) == {f"{KGR}report/r{i}" for i in range(3)}
    assert f"{KGR}report/r3".encode() not in (out / "graph.nq").read_bytes()

    # store deleted behind our back: the manifest is not trusted, all re-extracted
    shutil.rmtree(out / "store")
    res = build(tmp_path / "in", out)
    assert calls() == ["r0.txt", "r1.txt", "r2.txt"] and len(res.built) == 3

    # --rebuild re-extracts everything
    res = build(tmp_path / "in", out, rebuild=True)
    assert len(calls()) == 3 and len(res.built) == 3


def test_bad_reports_skipped(tmp_path, calls):
    write_reports(tmp_path / "in", 3)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
    (tmp_path / "in" / "bug.txt").write_text("标题\nBOOM\n", encoding="utf-8")
    res = build(tmp_path / "in", tmp_path / "out", jobs=2)
    assert not res.ok
    failed = {Path(f.path).name: f.message for f in res.failed}
    assert set(failed) == {"empty.txt", "binary.txt", "bug.txt"}
    assert "empty" in failed["empty.txt"] and "binary" in failed["binary.txt"]
    assert "internal error: RuntimeError: simulated bug" == failed["bug.txt"]
    assert all(str(tmp_path / "in") in f.path for f in res.failed)
    assert reports_in(tmp_path / "out") == {f"{KGR}report/r{i}" for i in range(3)}
    # a failed report is retried next time (not recorded as built); a report that turns bad loses its graph
    calls()
    (tmp_path / "in" / "r0.txt").write_bytes(b"")
    res = build(tmp_path / "in", tmp_path / "out")
    assert calls() == ["binary.txt", "bug.txt", "empty.txt", "r0.txt"]
    assert f"{KGR}report/r0" in res.removed and len(res.failed) == 4
    assert reports_in(tmp_path / "out") == {f"{KGR}report/r1", f"{KGR}report/r2"}


def test_warnings_and_iri_clash(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text("标题\n警告一节\n", encoding="utf-8")
    (tmp_path / "b" / "x.txt").write_text("标题二\n一节\n", encoding="utf-8")
    res = build_corpus([tmp_path / "a", tmp_path / "b"], tmp_path / "out", process=fake_process, jobs=1,
                       progress=False)
    assert res.warnings == {str((tmp_path / "a" / "x.txt").resolve()): ["x.txt:1: test warning"]}
    assert [Path(f.path).parent.name for f in res.failed] == ["b"]
    assert "same report IRI" in res.failed[0].message


def test_store_in_use(tmp_path):
    write_reports(tmp_path / "in", 1)
    with Store.open(tmp_path / "out" / "store"):
        from kg.errors import KgStoreError
        with pytest.raises(KgStoreError, match="in use by another kg process"):
            build(tmp_path / "in", tmp_path / "out")
        with pytest.raises(KgStoreError, match="in use by another kg process"):   # --rebuild does not delete it
            build(tmp_path / "in", tmp_path / "out", rebuild=True)
        assert (tmp_path / "out" / "store" / "CURRENT").exists()


def test_manifest_damaged_is_ignored(tmp_path, calls):
    write_reports(tmp_path / "in", 2)
    build(tmp_path / "in", tmp_path / "out")
    calls()
    (tmp_path / "out" / "manifest.json").write_text("{not json")
    res = build(tmp_path / "in", tmp_path / "out")
    assert res.ok and len(res.built) == 2 and len(calls()) == 2
    assert load_manifest(tmp_path / "out")["reports"]


def test_merged_file_limits(tmp_path):
    files = write_reports(tmp_path / "in", 3)
    out = tmp_path / "out"
    build(tmp_path / "in", out, ttl_max=2, nq_max=3)
    assert (out / "graph.nq").exists() and not (out / "graph.ttl").exists()
    files[0].unlink()   # corpus shrinks below the Turtle limit
    build(tmp_path / "in", out, ttl_max=2, nq_max=3)
    assert (out / "graph.ttl").exists()
    build(tmp_path / "in", out, ttl_max=1, nq_max=1)   # outgrown: no stale merged files left
    assert not (out / "graph.nq").exists() and not (out / "graph.ttl").exists()
    assert not (out / "summaries.ttl").exists()


def test_outputs_follow_the_extractor(tmp_path, monkeypatch):
    """Another extractor version extracts every report again, so the merged files are written again (the
    files' key is the reports' bytes, extractor and corrections, and the summaries' version)."""
    import kg.store.build as corpus

    write_reports(tmp_path / "in", 2)
    out = tmp_path / "out"
    build(tmp_path / "in", out)
    inodes = {f: (out / f).stat().st_ino for f in MERGED_FILES}
    assert not build(tmp_path / "in", out).built
    assert {f: (out / f).stat().st_ino for f in MERGED_FILES} == inodes
    monkeypatch.setattr(corpus, "extractor_version", lambda: "another version")
    assert len(build(tmp_path / "in", out).built) == 2
    assert all((out / f).stat().st_ino != inodes[f] for f in MERGED_FILES)


def test_merged_turtle_helpers(tmp_path):
    g1 = fake_process(write_reports(tmp_path / "in", 2)[0]).graph
    g2 = fake_process(tmp_path / "in" / "r1.txt").graph
    data = merged_turtle([g1, g2])
    assert data == merged_turtle([g2, g1])
    assert len(rdflib.Graph().parse(data=data, format="turtle")) == len(g1 + g2)
    p = write_turtle([g1], tmp_path / "x" / "graph.ttl")
    assert p.read_bytes() == merged_turtle([g1])


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "ntriples", "json-ld"])
def test_export_formats(tmp_path, fmt):
    write_reports(tmp_path / "in", 3)
    build(tmp_path / "in", tmp_path / "out")
    with Store.open(tmp_path / "out" / "store", read_only=True) as st:
        a = export_bytes(st, fmt)
        export(st, fmt, tmp_path / f"out.{fmt}")
        ds_store = st.to_rdflib(include_ontology=False)
    assert (tmp_path / f"out.{fmt}").read_bytes() == a
    assert export_bytes(ds_store, fmt) == a      # same bytes from the rdflib dataset
    rdfl = {"turtle": "turtle", "trig": "trig", "nquads": "nquads", "ntriples": "nt", "json-ld": "json-ld"}[fmt]
    ds = rdflib.Dataset()
    ds.parse(data=a, format=rdfl)
    union = union_of(ds_store)
    assert union_of(ds) == union
    if fmt in ("trig", "nquads", "json-ld"):   # report graphs kept
        assert {str(c.identifier) for c in ds.graphs() if len(c)} == {f"{KGR}report/r{i}" for i in range(3)}
    # a single rdflib Graph can be exported too
    g = rdflib.Graph()
    for t in union:
        g.add(t)
    assert len(export_bytes(g, fmt)) > 0
    with pytest.raises(ValueError, match="unknown export format"):
        export_bytes(g, "rdfxml")


@pytest.mark.skipif(not (REPORTS / "zuoxie_2020.txt").exists(), reason="real reports missing")
def test_real_pipeline(tmp_path):
    """The real kg.api.process over data/reports (skipped while the pipeline is incomplete)."""
    try:
        from kg.api import process
        process(REPORTS / "dev_1.txt")
    except ImportError as e:  # pragma: no cover - during development
        pytest.skip(f"pipeline not complete: {e}")
    # jobs=1 first: jieba is then initialized in this process and the forked workers of the
    # jobs=2 build below inherit it
    res = build_corpus([REPORTS], tmp_path / "out", jobs=1, progress=False)
    assert res.ok, res.failed
    assert len(res.reports) == len(list(REPORTS.glob("*.txt")))
    with Store.open(tmp_path / "out" / "store", read_only=True) as st:
        n = st.query("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a kgo:Report }").tuples()
        assert n == [(str(len(res.reports)),)]
    again = build_corpus([REPORTS], tmp_path / "out2", jobs=2, progress=False)
    assert again.ok and again.reports == res.reports
    for name in ("graph.nq", "graph.ttl"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()


def test_batches_and_compaction(tmp_path, monkeypatch):
    """Small batches (many bulk loads) give the same store as one batch, and the store is
    compacted once enough batches were written."""
    import kg.store.build as corpus

    write_reports(tmp_path / "in", 5)
    build(tmp_path / "in", tmp_path / "one")
    monkeypatch.setattr(corpus, "BATCH_REPORTS", 2)
    monkeypatch.setattr(corpus, "OPTIMIZE_AFTER_BATCHES", 3)
    res = build(tmp_path / "in", tmp_path / "many", jobs=2)
    assert res.ok and res.optimized
    assert (tmp_path / "one" / "graph.nq").read_bytes() == (tmp_path / "many" / "graph.nq").read_bytes()
    assert not build(tmp_path / "in", tmp_path / "many").optimized   # nothing written: no compaction


@pytest.mark.parametrize("fmt", ["json-ld", "turtle", "trig"])
def test_exports_do_not_depend_on_the_hash_seed(tmp_path, fmt):
    """``kg export`` in new processes with different ``PYTHONHASHSEED`` gives the same bytes (JSON-LD once
    differed from run to run: rdflib orders its arrays by set iteration)."""
    import subprocess
    import sys

    write_reports(tmp_path / "in", 3)
    build(tmp_path / "in", tmp_path / "out")
    outs = []
    for seed in ("1", "2", "3"):
        path = tmp_path / f"out-{seed}.{fmt}"
        subprocess.run([sys.executable, "-m", "kg.cli", "export", "--graph", str(tmp_path / "out"), "--format", fmt,
                        "-o", str(path)], check=True, capture_output=True, timeout=300,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outs.append(path.read_bytes())
    assert outs[0] and outs[0] == outs[1] == outs[2]
