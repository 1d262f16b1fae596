"""The corpus page without a SPARQL engine, and its shared documents and units beyond those it holds, on demand.

A page whose graph is not embedded queries through ``kg serve`` only: it holds no Oxigraph (script or wasm) and
its CSP allows no WebAssembly. The corpus page of the 3 reports of data/reports (the limit set to 2) is written
holding 2 shared documents and no shared unit, loading 2 at a time ("more…"): served, the next documents come
in the order of ``kg query shared_documents`` and one is drawn with its reports; from a file, the item names
kg serve and the page makes no request."""
from __future__ import annotations

import re
import shutil

import pytest

from kg.explore import explorer
from kg.explore.explorer import page as explorer_page
from kg.explore.explorer.page import read_model
from kg.store.base import open_graph

from .test_explorer import Page, browser, seed  # noqa: F401 (fixtures)
from .test_graph_views import drawn_types, labels_ok
from .test_serve import Served, kg_query_json, kg_serve

HELD, PAGE = (2, 0), 2


@pytest.fixture(scope="module")
def small(seed, tmp_path_factory):
    """A copy of the seed build whose views folder holds the corpus page (limit 2 reports) holding ``HELD``
    shared documents and units, loading ``PAGE`` at a time; and the full page of a build too large to embed."""
    d = tmp_path_factory.mktemp("corpus-more")
    shutil.copytree(seed["build"], d / "build", ignore=shutil.ignore_patterns("visualizations"))
    mp = pytest.MonkeyPatch()
    mp.setattr(explorer, "CORPUS_PAGE", PAGE)
    try:
        with open_graph(d / "build") as store:
            page = explorer.write_explorer(store, d / "build" / "visualizations", max_reports=2, shared=HELD,
                                           serve=f"kg serve --graph {d / 'build'}")
            big = explorer.write_explorer(store, d / "big", embed_max=1000)
    finally:
        mp.undo()
    return {"build": d / "build", "page": page, "big": big}


def _csp(html: str) -> str:
    return re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)


@pytest.mark.parametrize("which", ["page", "big"])
def test_no_engine_where_the_graph_is_not_embedded(seed, small, which):
    html, full = small[which].read_text(encoding="utf-8"), seed["page"].read_text(encoding="utf-8")
    assert not read_model(small[which])["embedded"]
    assert 'id="kg-wasm"' not in html and "kgOxigraph = {" not in html
    assert 'id="kg-wasm"' in full and "kgOxigraph = {" in full        # the full page still has it
    csp = _csp(html)
    assert "'wasm-unsafe-eval'" not in csp and "'wasm-unsafe-eval'" in _csp(full)
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 2 and html.count("<script") == 4
    hashes = re.findall(r"'sha256-[^']+'", csp.split("script-src", 1)[1].split(";", 1)[0])
    assert sorted(hashes) == sorted(explorer_page.csp_hash(s) for s in scripts)     # exactly our scripts
    assert len(html) < len(full) - 1_500_000


def test_held_in_the_order_of_kg_query(small):
    """The page holds the first shared documents of kg query shared_documents and counts the rest."""
    rows = kg_query_json("shared_documents", "--graph", str(small["build"]))["results"]["bindings"]
    model = read_model(small["page"])
    held = [n[0] for n in model["nodes"] if n[0].startswith("kgr:document/")]
    want = [r["document"]["value"].replace(model["kgr"], "kgr:") for r in rows]
    assert len(rows) > sum(HELD) + PAGE          # a second page of "more" is exercised
    assert sorted(held) == sorted(want[:HELD[0]])
    assert model["scope"]["left"] == {"documents": len(rows) - HELD[0], "units": 1}
    assert model["scope"]["held"] == {"documents": HELD[0], "units": HELD[1]} and model["scope"]["page"] == PAGE


def _more(pg) -> list[str]:
    return pg.js("Array.from(document.querySelectorAll('#gv-more li[data-more]')).map(li => li.dataset.more)")


def _loaded(pg, kind: str) -> list[str]:
    return pg.js("(k) => kgExplorer.corpus.loaded[k].map(i => kgExplorer.nodes[i].iri)", kind)


def test_from_a_file_more_names_kg_serve(browser, small):  # noqa: F811
    with Page(browser, small["page"], engine=False) as pg:
        assert pg.js("kgExplorer.gview.kind") == "corpus" and pg.js("typeof window.kgOxigraph") == "undefined"
        assert pg.js("kgExplorer.model.embedded") is False
        types = drawn_types(pg)
        assert types.count("report") == 3 and len(types) > 3
        labels_ok(pg, "corpus-no-engine")
        # the Query tab says to run kg serve (no engine in the page)
        assert "kg serve" in pg.js("kgExplorer.engineError || ''")
        assert _more(pg) == ["documents", "units"]
        pg.page.click('#gv-more li[data-more="documents"]')
        note = pg.js("document.getElementById('gv-note').textContent")
        assert f"kg serve --graph {small['build']}" in note and "shared documents" in note
        assert _loaded(pg, "documents") == []
        pg.check_clean()


def test_served_more_loads_the_next_in_kg_query_order(browser, small):  # noqa: F811
    rows = kg_query_json("shared_documents", "--graph", str(small["build"]))["results"]["bindings"]
    want = [r["document"]["value"] for r in rows][HELD[0]:]
    titles = {r["document"]["value"]: r["title"]["value"] for r in rows}
    counts = {r["document"]["value"]: int(r["reports"]["value"]) for r in rows}
    units = [r["unit"]["value"] for r in kg_query_json("shared_units", "--graph", str(small["build"]))["results"]["bindings"]]
    with kg_serve("--graph", str(small["build"])) as base:
        pg = Served(browser, base, hash="")
        try:
            assert pg.js("kgExplorer.scope.kind") == "corpus" and pg.js("kgExplorer.gview.kind") == "corpus"
            labels_ok(pg, "corpus-served-no-engine")
            before = pg.sparql_posts()
            pg.page.click('#gv-more li[data-more="documents"]')
            pg.wait("kgExplorer.corpus.loaded.documents.length > 0 && !kgExplorer.corpus.busy")
            assert _loaded(pg, "documents") == want[:PAGE]
            assert pg.sparql_posts() == before + 2         # the page of rows, then the reports naming them
            pg.page.click('#gv-more li[data-more="documents"]')
            pg.wait(f"kgExplorer.corpus.loaded.documents.length > {PAGE} && !kgExplorer.corpus.busy")
            assert _loaded(pg, "documents") == want[:2 * PAGE]
            # loaded as far as the build has: no "more" left for documents; the units load too
            while "documents" in _more(pg):
                n = len(_loaded(pg, "documents"))
                pg.page.click('#gv-more li[data-more="documents"]')
                pg.wait(f"kgExplorer.corpus.loaded.documents.length > {n} && !kgExplorer.corpus.busy")
            assert _loaded(pg, "documents") == want
            pg.page.click('#gv-more li[data-more="units"]')
            pg.wait("kgExplorer.corpus.loaded.units.length > 0 && !kgExplorer.corpus.busy")
            assert _loaded(pg, "units") == units and _more(pg) == []
            # the list shows each loaded one with its title and its number of reports
            items = pg.js("Array.from(document.querySelectorAll('#gv-more li[data-n]')).map(li => li.textContent)")
            for iri in want:
                assert any(titles[iri] in t and f"×{counts[iri]}" in t for t in items), (iri, items)
            # a click draws one with the reports naming it
            iri = want[-1]
            i = pg.js("(iri) => kgExplorer.byIri.get(iri)", iri)
            pg.page.click(f'#gv-more li[data-n="{i}"]')
            pg.wait(f"kgExplorer.gview.kind === 'node' && kgExplorer.gview.node === {i}")
            drawn = pg.js("kgExplorer.graph.spec.nodes.map(n => kgExplorer.nodes[n.model].iri)")
            reports = pg.js("(i) => kgExplorer.citations(i).map(c => kgExplorer.model.reports[c.r].iri)", i)
            assert iri in drawn and len(reports) == counts[iri] and set(reports) <= set(drawn)
            labels_ok(pg, "corpus-more-drawn")
            pg.check_clean()
        finally:
            pg.close()
