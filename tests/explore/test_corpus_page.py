"""A build too large for one explorer page (more reports than the limit) gets the corpus page: the overview of
its reports and shared documents, each report opened through ``kg serve`` (``/report/ID/explorer.html``).

The limit is set to 2 reports so that the 3 reports of data/reports make such a build. Browser parts run in
headless chromium (tests/explore/browser.py); served pages go through ``kg serve`` in a subprocess."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kg import api
from kg.explore import explorer
from kg.explore.explorer.page import read_model
from kg.store.base import open_graph

from .test_explorer import Page, browser, seed  # noqa: F401 (fixtures)
from .test_graph_views import drawn_types, labels_ok
from .test_serve import Served, kg_serve

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 2


@pytest.fixture(scope="module")
def corpus(seed, tmp_path_factory):
    """The seed build with its corpus page (limit: 2 reports) written by ``kg build`` (the CLI), and the full
    page of the same build (``seed["page"]``)."""
    d = tmp_path_factory.mktemp("corpus-page")
    shutil.copytree(seed["build"], d / "build", ignore=shutil.ignore_patterns("visualizations"))
    out = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(ROOT / "data" / "reports"), "--out",
                          str(d / "build"), "--no-open", "--explorer-max-reports", str(LIMIT)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    page = d / "build" / "visualizations" / explorer.FILENAME
    assert "kg serve --graph" in out.stdout and "corpus overview" in out.stdout, out.stdout
    return {"build": d / "build", "page": page, "full": seed["page"]}


def test_corpus_page_holds_the_summary_only(corpus):
    model, full = read_model(corpus["page"]), read_model(corpus["full"])
    assert model["scope"]["kind"] == "corpus" and full["scope"]["kind"] == "build"
    assert f"kg serve --graph {corpus['build']}" in model["scope"]["serve"]
    # every report, with its title, issuer, date and counts; no text, fact or trace row
    assert [r["id"] for r in model["reports"]] == [r["id"] for r in full["reports"]]
    for r, f in zip(model["reports"], full["reports"]):
        assert (r["title"], r["issuer"], r["date"]) == (f["title"], f["issuer"], f["date"])
        assert r["text"] == "" and f["text"]
        n_aspects = sum(1 for n in full["nodes"] if n[1] == "aspect" and full["reports"][n[3]]["id"] == f["id"])
        assert r["counts"]["aspects"] == n_aspects > 0
    assert model["facts"] == [] and model["trace"] == [] and not model["embedded"]
    # the shared documents (named by 2+ reports) of the full page, by IRI
    def shared(m):
        names = {}
        for a, b, rel, *_ in m["edges"]:
            if rel == "namedIn":
                names.setdefault(m["nodes"][a][0], set()).add(m["nodes"][b][0])
        return {k for k, v in names.items() if len(v) >= 2}
    assert shared(model) and shared(model) == shared(full)
    assert corpus["page"].stat().st_size < corpus["full"].stat().st_size


def test_over_the_limit_only(seed, tmp_path):
    """At the limit the full page is written; one report over it, the corpus page (the limit from the API)."""
    with open_graph(seed["build"]) as store:
        at = read_model(explorer.write_explorer(store, tmp_path / "a", max_reports=3))
        over = read_model(explorer.write_explorer(store, tmp_path / "b", max_reports=2))
    assert at["scope"]["kind"] == "build" and over["scope"]["kind"] == "corpus"


def test_graph_nquads_of_graph_ttl_holds_the_summaries(seed, tmp_path):
    """A build read from graph.ttl only (no store): the page still has the summaries' shared documents."""
    d = tmp_path / "ttl"
    d.mkdir()
    shutil.copy(seed["build"] / "graph.ttl", d / "graph.ttl")
    for extra in ("summaries.ttl",):
        if (seed["build"] / extra).is_file():
            shutil.copy(seed["build"] / extra, d / extra)
    with open_graph(d) as store:
        nq = explorer.graph_nquads(store)
    assert b"<https://w3id.org/kg-rectify/id/summaries> .\n" in nq and b"ontology#CorpusDocument>" in nq


def test_overview_from_a_file_names_kg_serve(browser, corpus):  # noqa: F811
    with Page(browser, corpus["page"], engine=False) as pg:
        assert pg.js("kgExplorer.gview.kind") == "corpus"
        assert pg.js("document.body.className") == "view-graph"
        types = drawn_types(pg)
        assert types.count("report") == 3 and len(types) > 3
        labels = pg.js("kgExplorer.graph.spec.nodes.map(n => n.label)")
        assert any("×" in lb for lb in labels)          # shared documents with their report counts
        assert any("方面" in lb and "文件" in lb for lb in labels)     # reports with their counts
        labels_ok(pg, "corpus-page")
        # a click on a report says how to open it
        rn = pg.js("kgExplorer.reportNode[0]")
        pg.js(f"kgExplorer.graph.onClick('n{rn}')")
        note = pg.js("document.getElementById('gv-note').textContent")
        assert f"kg serve --graph {corpus['build']}" in note
        assert pg.js("location.protocol") == "file:"
        # the trace and source tabs say where the reports' rows and text are
        notes = pg.js("Array.from(document.querySelectorAll('.corpus-note')).map(p => p.textContent)")
        assert len(notes) == 2 and all(f"kg serve --graph {corpus['build']}" in n for n in notes)
        # a permalink to a node of one report says so too
        pg.check_clean()
    iri = "kgr:report/dev_1/aspect/1"
    with Page(browser, corpus["page"], f"#view=graph&node={iri}&depth=2", engine=False) as pg:
        assert "kg serve" in pg.js("document.getElementById('gv-note').textContent")
        pg.check_clean()


def _trace(pg, report_id: str) -> list[list]:
    """The trace table's rows of report ``report_id`` as text (document, action, problem, aspect, measures)."""
    return pg.js("""(id) => { const K = kgExplorer, r = K.model.reports.findIndex(x => x.id === id);
        const lab = i => i >= 0 ? K.nodes[i].label : '';
        return K.trace.rows.filter(x => x.r === r).map(x => [lab(x.doc), x.action, lab(x.prob), lab(x.asp),
            x.measures.map(lab).join('|'), x.facts.length, x.negated]); }""", report_id)


def test_served_report_opens_its_own_page(browser, corpus):  # noqa: F811
    with Page(browser, corpus["full"], engine=False) as full:
        expected = _trace(full, "dev_1")
    assert expected
    with kg_serve("--graph", str(corpus["build"])) as base:
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(base + "/report/nope/explorer.html")
        assert e.value.code == 404
        pg = Served(browser, base, hash="")
        try:
            assert pg.js("kgExplorer.scope.kind") == "corpus" and pg.js("kgExplorer.gview.kind") == "corpus"
            labels_ok(pg, "corpus-page-served")
            rn = pg.js("kgExplorer.reportNode[kgExplorer.model.reports.findIndex(r => r.id === 'dev_1')]")
            with pg.page.expect_navigation():
                pg.js(f"kgExplorer.graph.onClick('n{rn}')")
            assert pg.page.url.split("#")[0] == base + "/report/dev_1/explorer.html"
            pg.wait("window.kgExplorer && window.kgExplorer.ready === true")
            assert pg.js("kgExplorer.scope.kind") == "report"
            assert pg.js("kgExplorer.model.reports.map(r => r.id)") == ["dev_1"]
            assert _trace(pg, "dev_1") == expected
            assert pg.js("document.getElementById('corpus-link').hidden") is False
            assert pg.js("document.getElementById('corpus-link').href") == base + "/explorer.html"
            # a permalink to a node of that report, from the corpus page, opens in the report's page
            with pg.page.expect_navigation():
                pg.page.goto(base + "/explorer.html#view=graph&node=kgr:report/dev_1/aspect/1&depth=1")
            pg.wait("location.pathname === '/report/dev_1/explorer.html' && window.kgExplorer && kgExplorer.ready")
            assert pg.js("kgExplorer.gview.kind") == "node"
            assert pg.js("kgExplorer.compact(kgExplorer.nodes[kgExplorer.gview.node].iri)") == "kgr:report/dev_1/aspect/1"
            pg.check_clean()
        finally:
            pg.close()


def test_kg_view_on_a_corpus_page(corpus):
    """``kg view NAME`` on such a build (built with ``--explorer-max-reports``; no setting at view time: the page
    keeps the limit it was written with): a node of one report is linked in the corpus page (which, opened from
    a file, names kg serve) and in its report's page served by kg serve."""
    env = {k: v for k, v in os.environ.items() if k != "KG_EXPLORER_MAX_REPORTS"}
    before = corpus["page"].read_bytes()
    out = subprocess.run([sys.executable, "-m", "kg.cli", "view", "作家协会调研工作办法", "--graph", str(corpus["build"]),
                          "--no-open"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    assert corpus["page"].read_bytes() == before          # the corpus page as kg build wrote it
    lines = out.stdout.splitlines()
    assert f"kg serve --graph {corpus['build']}" in lines[0]
    file_link = next(ln for ln in lines if ln.startswith("file://"))
    served = next(ln for ln in lines if ln.startswith("served: ")).split(" ", 1)[1]
    assert file_link.startswith(corpus["page"].resolve().as_uri() + "#view=graph&node=kgr:report/zuoxie_2020/")
    node = file_link.split("node=", 1)[1].split("&")[0]
    assert served.startswith(api.DEFAULT_SERVE_URL + "report/zuoxie_2020/explorer.html#view=graph&node=" + node)
