"""The explorer's Graph tab (and the trace / query graphs) in headless chromium, on the build of
data/reports' 3 reports: every view opens fitted with labels of at least 12 px on screen and no two drawn
label boxes overlapping (boxes read from vis-network: node positions, canvas scale, the label's font); a
permalink opens the neighbourhood of its node; the search list picks its third match; a regulation leads to
its problem category; the corpus overview opens a report on click; no request leaves the page.

Screenshots of each view go to test-artifacts/explorer-graph-*.png.
"""
from __future__ import annotations

import pytest

from tests.explore.browser import Page, launch
from tests.explore.test_explorer import seed  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def browser():
    yield from launch()


def labels_ok(pg: Page, name: str) -> list[dict]:
    """The drawn label boxes of the graph on screen: ≥ 12 px font, none overlapping another; a screenshot."""
    font = pg.js("kgExplorer.FONT_SIZE * kgExplorer.graph.network.getScale()")
    assert font >= 12, (name, font)
    boxes = pg.label_boxes(name)
    assert boxes, name
    for a in boxes:
        assert a["right"] > a["left"] and a["bottom"] > a["top"], (name, a)
    # fitted: every box is inside the graph's canvas
    r = pg.js("(() => { const b = document.getElementById('graph').getBoundingClientRect(); "
              "return {left: b.left, top: b.top, right: b.right, bottom: b.bottom}; })()")
    if pg.js("!!kgExplorer.graph.spec.fit"):
        for a in boxes:
            assert a["left"] >= r["left"] - 1 and a["right"] <= r["right"] + 1, (name, a, r)
            assert a["top"] >= r["top"] - 1 and a["bottom"] <= r["bottom"] + 1, (name, a, r)
    pg.shot("graph-" + name)
    return boxes


def drawn_types(pg: Page) -> list[str]:
    return pg.js("kgExplorer.graph.spec.nodes.map(n => n.type)")


def node_index(pg: Page, compact: str) -> int:
    return pg.js("(c) => kgExplorer.byIri.get(kgExplorer.expand(c))", compact)


def click_node(pg: Page, i: int):
    """A click on model node i as drawn (vis-network's click handler → the graph's onClick)."""
    assert pg.js(f"kgExplorer.graph.byId.has('n{i}')"), i
    pg.js(f"kgExplorer.graph.onClick('n{i}')")


def test_every_view_is_readable(browser, seed):
    with Page(browser, seed["page"], engine=True) as pg:
        # the trace chain (the page opens on it)
        assert pg.js("kgExplorer.graph.spec.nodes.length") >= 3
        labels_ok(pg, "trace-chain")
        # a query result as a graph
        pg.js("kgExplorer.app.setView('query')")
        pg.page.click('#named button[data-query="regulations"]')
        pg.page.click("#res-graph")
        assert pg.js("kgExplorer.graph.spec.nodes.length") > 10
        labels_ok(pg, "query-result")
        # the Graph tab: all reports (the build has 3), then one report, one aspect, one node
        pg.page.click("#tab-graph")
        assert pg.js("kgExplorer.gview.kind") == "corpus"
        assert drawn_types(pg).count("report") == 3
        labels_ok(pg, "corpus")
        pg.page.select_option("#gv-kind", "overview")
        types = drawn_types(pg)
        assert types.count("report") == 1 and "aspect" in types and "problem" in types, types
        assert any(t in ("regulation", "external", "publication", "periodical", "document") for t in types), types
        labels_ok(pg, "overview")
        pg.page.select_option("#gv-kind", "aspect")
        types = drawn_types(pg)
        assert types.count("aspect") == 1 and "problem" in types and "measure" in types, types
        labels_ok(pg, "aspect")
        pg.page.select_option("#gv-kind", "node")
        assert pg.js("kgExplorer.gview.kind") == "node"
        labels_ok(pg, "node")
        pg.check_clean()


@pytest.mark.parametrize("hash_", [
    "#view=graph&gv=overview&report=zuoxie_2020",
    "#view=graph&gv=overview&report=dev_1",
    "#view=graph&gv=aspect&report=dev_2&aspect=kgr:report/dev_2/aspect/2",
    "#view=graph&node=kgr:report/dev_1&depth=3",
    "#view=graph&gv=corpus&expand=kgr:report/dev_1 kgr:report/zuoxie_2020",
])
def test_large_views_show_fewer_not_smaller(browser, seed, hash_):
    """A view with more than fits is drawn with fewer nodes (the rest listed as not drawn), never below 12 px."""
    with Page(browser, seed["page"], hash_, engine=False) as pg:
        boxes = labels_ok(pg, hash_.split("&", 1)[1].replace("=", "-").replace("&", "_").replace("/", "~")
                          .replace(":", "").replace(" ", "+"))
        hidden = pg.js("kgExplorer.gview.hidden.length")
        listed = pg.js("document.querySelectorAll('#gv-more li[data-n]').length")
        assert listed == min(hidden, 300)
        # the "Not drawn" heading stands over a list, never over nothing
        assert pg.js("document.getElementById('gv-more-h').hidden") is (hidden == 0)
        if hidden:
            # what is listed can be drawn: a click draws it
            first = pg.js("Number(document.querySelector('#gv-more li[data-n]').dataset.n)")
            pg.page.click("#gv-more li[data-n]")
            assert pg.js(f"kgExplorer.graph.byId.has('n{first}')")
            labels_ok(pg, "revealed")
        assert len(boxes) >= 3
        pg.check_clean()


def test_permalink_opens_the_neighbourhood_of_its_node(browser, seed):
    node = "kgr:report/dev_1/problem/3"
    with Page(browser, seed["page"], f"#view=graph&node={node}&depth=1", engine=False) as pg:
        i = node_index(pg, node)
        assert pg.js("kgExplorer.state.view") == "graph"
        assert pg.js("kgExplorer.gview.kind") == "node" and pg.js("kgExplorer.gview.node") == i
        assert pg.js("kgExplorer.gview.depth") == 1
        assert pg.js("kgExplorer.graph.selected") == f"n{i}" and pg.js("kgExplorer.state.node") == i
        # depth 1: the node and its neighbours, each joined to it by an edge
        ids = set(pg.js("kgExplorer.graph.spec.nodes.map(n => n.id)"))
        edges = pg.js("kgExplorer.graph.spec.edges.map(e => [e.from, e.to])")
        near = {a for a, b in edges if b == f"n{i}"} | {b for a, b in edges if a == f"n{i}"}
        assert ids - {f"n{i}"} and ids - {f"n{i}"} <= near
        assert pg.js(f"kgExplorer.nodes[{i}].label") in pg.js("document.getElementById('graph-title').textContent")
        n1 = len(ids)
        # everything drawn: no "Not drawn" heading over an empty list
        assert pg.js("kgExplorer.gview.hidden.length") == 0
        assert pg.js("document.getElementById('gv-more-h').hidden") is True
        # the page keeps the view in its URL
        assert "gv=node" in pg.js("location.hash") and "depth=1" in pg.js("location.hash")
        labels_ok(pg, "permalink")
        pg.page.select_option("#gv-depth", "2")
        assert pg.js("kgExplorer.graph.spec.nodes.length") + pg.js("kgExplorer.gview.hidden.length") > n1
        assert "depth=2" in pg.js("location.hash")
        # the header names the report in view
        assert pg.js("document.getElementById('subtitle').textContent").startswith("dev_1")
        pg.check_clean()


def test_search_lists_matches_and_picks_the_third(browser, seed):
    with Page(browser, seed["page"], "#view=graph&search=制度", engine=False) as pg:
        assert pg.js("document.getElementById('matches').hidden") is False
        items = pg.js("Array.from(document.querySelectorAll('#matches li[role=option]')).map(li => li.textContent)")
        assert len(items) >= 3
        assert all("制度" in t for t in items[:3]), items[:3]
        third = pg.js("kgExplorer.app.matches()[2]")
        pg.page.click("#match-2")
        picked = pg.js("kgExplorer.state.picked")
        assert picked["what"] == third["what"] and picked["where"] == third["where"]
        if picked["node"] is not None:
            # a node: the Graph tab centres on it
            assert pg.js("kgExplorer.gview.kind") == "node" and pg.js("kgExplorer.gview.node") == picked["node"]
            assert pg.js("kgExplorer.state.node") == picked["node"]
            labels_ok(pg, "search-third")
        assert pg.js("document.getElementById('matches').hidden") is True
        pg.check_clean()


def test_follow_a_regulation_to_its_problem(browser, seed):
    with Page(browser, seed["page"], engine=False) as pg:
        # a regulation that answers a problem category (a trace row), in the Graph tab
        row = pg.js("(() => { const r = kgExplorer.trace.rows.find(r => r.prob >= 0 && "
                    "kgExplorer.nodes[r.doc].type === 'regulation' && r.measures.length); "
                    "return {doc: r.doc, prob: r.prob, measures: r.measures}; })()")
        doc, prob = row["doc"], row["prob"]
        pg.js(f"kgExplorer.app.setView('graph', {{kind: 'node', node: {doc}, depth: 2}})")
        ids = set(pg.js("kgExplorer.graph.spec.nodes.map(n => n.id)"))
        assert f"n{doc}" in ids and f"n{prob}" in ids, (doc, prob)
        edges = {tuple(e) for e in pg.js("kgExplorer.graph.spec.edges.map(e => [e.from, e.to, e.rel])")}
        # regulation ← measure → problem category
        via = [m for m in row["measures"] if (f"n{m}", f"n{doc}", "mentions") in edges
               and (f"n{m}", f"n{prob}", "addresses") in edges]
        assert via, (row, edges)
        labels_ok(pg, "regulation")
        click_node(pg, prob)
        assert pg.js("kgExplorer.gview.node") == prob and pg.js("kgExplorer.state.node") == prob
        assert pg.js("kgExplorer.nodes[kgExplorer.gview.node].type") == "problem"
        assert "node=kgr%3Areport" in pg.js("location.hash")
        labels_ok(pg, "problem")
        pg.check_clean()


def test_corpus_overview_opens_a_report_and_a_shared_document(browser, seed):
    with Page(browser, seed["page"], "#view=graph", engine=False) as pg:
        assert pg.js("kgExplorer.gview.kind") == "corpus"
        assert "aspect" not in drawn_types(pg)
        # shared documents: each linked to the reports that cite it, the actions on the links
        shared = pg.js("kgExplorer.graph.spec.nodes.filter(n => kgExplorer.nodes[n.model].report < 0).map(n => n.model)")
        assert shared
        edges = pg.js("kgExplorer.graph.spec.edges.filter(e => e.rel === 'cites')")
        for s in shared:
            assert len([e for e in edges if e["to"] == f"n{s}"]) >= 2, s
        # the action is on the link: its title, and its colour (one per group of actions, in the panel's legend)
        drawn = pg.js("kgExplorer.graph.edges.get().map(e => ({title: e.title, color: e.color && e.color.highlight}))")
        with_action = [e for e in edges if e["action"]]
        assert with_action
        for e in with_action:
            k = edges.index(e)
            assert drawn[k]["color"] == pg.js("(a) => kgExplorer.actionColor(a)", e["action"])
            assert pg.js("(a) => kgExplorer.actionName(a)", e["action"]) in drawn[k]["title"]
        assert pg.js("document.querySelectorAll('#gv-legend .lg').length") == 3
        rn = pg.js("kgExplorer.reportNode[0]")
        click_node(pg, rn)
        types = drawn_types(pg)
        n_aspects = pg.js("kgExplorer.nodes.filter(n => n.report === 0 && n.type === 'aspect').length")
        assert types.count("aspect") == n_aspects and "problem" in types
        assert "expand=" in pg.js("location.hash")
        labels_ok(pg, "corpus-expanded")
        # a shared document: which reports cite it and how
        click_node(pg, shared[0])
        cites = pg.js("Array.from(document.querySelectorAll('#details ul.cites li')).map(li => li.textContent)")
        assert len(cites) >= 2
        # the permalink reopens the same view
        h = pg.js("location.hash")
    with Page(browser, seed["page"], h, engine=False) as pg:
        assert pg.js("kgExplorer.gview.kind") == "corpus" and pg.js(f"kgExplorer.gview.expanded.has({rn})")
        assert drawn_types(pg).count("aspect") == n_aspects
        pg.check_clean()


def test_graph_tab_by_keyboard_and_export(browser, seed):
    with Page(browser, seed["page"], "#view=graph&gv=overview&report=dev_2", engine=False) as pg:
        pg.page.focus("#tab-graph")
        pg.page.keyboard.press("ArrowLeft")
        assert pg.js("document.body.className") == "view-source"
        pg.page.keyboard.press("ArrowRight")
        assert pg.js("document.body.className") == "view-graph"
        assert pg.js("kgExplorer.gview.kind") == "overview"
        svg = pg.js("kgExplorer.graph.svgText()")
        n = pg.js("kgExplorer.graph.spec.nodes.length")
        assert svg.count("<rect") == n
        pg.page.focus("#gv-more")
        pg.check_clean()


def test_an_empty_build_opens_the_graph_tab(browser, tmp_path):
    from kg.explore import explorer
    page = explorer.write_explorer(b"", tmp_path)
    with Page(browser, page, "#view=graph", engine=False) as pg:
        assert pg.js("kgExplorer.state.view") == "graph"
        assert pg.js("kgExplorer.graph.spec.nodes.length") == 0
        pg.check_clean()
