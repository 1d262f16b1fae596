"""The graph canvas by keyboard alone, in headless chromium on the build of data/reports: Tab reaches the graph,
n / p move a visible focus ring through the drawn nodes in reading order (column by column, left to right,
each top to bottom), the focused node is said in an aria-live region (type and label), Enter on the third node
does exactly what a mouse click on it does (side panel, source highlight, URL ``node=``; in the trace chain,
a query's result graph and the Graph tab, there with the same expansion), Esc leaves the graph, the arrow keys still pan and + / - zoom.

Screenshots go to test-artifacts/explorer-keyboard-*.png.
"""
from __future__ import annotations

import pytest

from tests.explore.browser import Page, launch
from tests.explore.test_explorer import seed  # noqa: F401  (fixture)

# the pixels of the focus ring (the page's focus colour #ffb300) in a band just outside a node's box
RING_PIXELS = """(id) => {
  const g = kgExplorer.graph, net = g.network, c = document.querySelector('#graph canvas');
  const b = net.getBoundingBox(id), k = c.width / c.clientWidth;
  const a = net.canvasToDOM({x: b.left, y: b.top}), z = net.canvasToDOM({x: b.right, y: b.bottom});
  const x0 = Math.floor((a.x - 9) * k), y0 = Math.floor((a.y - 9) * k);
  const w = Math.ceil((z.x - a.x + 18) * k), h = Math.ceil((z.y - a.y + 18) * k);
  const d = c.getContext('2d').getImageData(x0, y0, w, h).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] >= 245 && d[i + 1] >= 170 && d[i + 1] <= 190 && d[i + 2] <= 25) n++;
  return n;
}"""

# what a selection shows: the node, the graph (nodes drawn, node selected), the side panel, the source
# highlights, the URL, the Graph tab's view and what it opened
SELECTION = """(() => ({
  node: kgExplorer.state.node, selected: kgExplorer.graph.selected,
  drawn: kgExplorer.graph.spec.nodes.map(n => n.id),
  details: document.getElementById('details').textContent,
  marks: Array.from(document.querySelectorAll('#source .sel')).map(e => e.dataset.n || e.textContent),
  hash: location.hash,
  gview: kgExplorer.state.view === 'graph' ? [kgExplorer.gview.kind, Array.from(kgExplorer.gview.expanded)] : null
}))()"""


@pytest.fixture(scope="module")
def browser():
    yield from launch()


def tab_into_graph(pg: Page):
    """Tab from the button before the graph (🔗 permalink) to the graph."""
    pg.page.focus("#link")
    pg.page.keyboard.press("Tab")
    assert pg.js("document.activeElement.id") == "graph"


def press_n(pg: Page, times: int) -> list[dict]:
    """n pressed ``times`` times: the focused node after each, with its position as drawn."""
    seen = []
    for _ in range(times):
        pg.page.keyboard.press("n")
        seen.append(pg.js("(() => { const g = kgExplorer.graph, id = g.focused, p = g.network.getPosition(id); "
                          "return {id, x: p.x, y: p.y, model: g.byId.get(id).model, type: g.byId.get(id).type, "
                          "label: g.byId.get(id).label}; })()"))
    return seen


def click_at(pg: Page, node_id: str):
    """A mouse click on a drawn node, where it is on screen."""
    p = pg.js("(id) => { const g = kgExplorer.graph, d = g.network.canvasToDOM(g.network.getPosition(id)), "
              "r = document.getElementById('graph').getBoundingClientRect(); return {x: r.left + d.x, y: r.top + d.y}; }",
              node_id)
    pg.page.mouse.click(p["x"], p["y"])


def check_reading_order(seen: list[dict], drawn: int):
    """Every drawn node once; left to right by column, top to bottom within a column."""
    assert len({s["id"] for s in seen}) == drawn == len(seen)
    for a, b in zip(seen, seen[1:]):
        assert round(a["x"]) < round(b["x"]) or (round(a["x"]) == round(b["x"]) and a["y"] < b["y"]), (a, b)


def query_graph(pg: Page):
    """The named query "regulations" run, its results as a graph."""
    pg.js("kgExplorer.app.setView('query')")
    pg.page.click('#named button[data-query="regulations"]')
    pg.page.click("#res-graph")


def keyboard_select_third(browser, page, hash_: str, name: str, setup=None) -> tuple[dict, str]:
    """Open the page (``setup`` run on it), Tab into the graph, n to the third node (checking the ring, the
    spoken text and the reading order of all nodes on the way), Enter: what the page shows then, and the
    node's id."""
    with Page(browser, page, hash_, engine=setup is not None) as pg:
        if setup:
            setup(pg)
        tab_into_graph(pg)
        drawn = pg.js("kgExplorer.graph.spec.nodes.length")
        assert drawn >= 3
        check_reading_order(press_n(pg, drawn), drawn)
        pg.page.keyboard.press("n")                                   # wraps round to the first
        third = press_n(pg, 2)[-1]
        assert pg.js("kgExplorer.graph.order().indexOf(kgExplorer.graph.focused)") == 2
        # visible: a ring of the focus colour around it; said: its type and label, as text
        assert pg.js(RING_PIXELS, third["id"]) > 40
        live = pg.js("document.getElementById('graph-live').textContent")
        type_name = pg.js("(t) => kgExplorer.typeName(t)", third["type"])
        assert live.startswith(f"3 / {drawn} · ") and type_name in live and third["label"].lstrip("⧉ ") in live, live
        pg.shot(f"keyboard-{name}-focused")
        before = pg.js(SELECTION)
        pg.page.keyboard.press("Enter")
        after = pg.js(SELECTION)
        assert after != before and after["node"] == third["model"]
        assert pg.js("document.activeElement.id") == "graph" and pg.js("kgExplorer.graph.focused") == third["id"]
        pg.shot(f"keyboard-{name}-entered")
        # Esc leaves: no focus in the graph, no ring
        pg.page.keyboard.press("Escape")
        assert not pg.js("document.getElementById('graph').contains(document.activeElement)")
        if pg.js("(id) => kgExplorer.graph.byId.has(id)", third["id"]):
            assert pg.js(RING_PIXELS, third["id"]) == 0
        pg.check_clean()
    return after, third["id"]


def mouse_select(browser, page, hash_: str, node_id: str, setup=None) -> dict:
    with Page(browser, page, hash_, engine=setup is not None) as pg:
        if setup:
            setup(pg)
        click_at(pg, node_id)
        shown = pg.js(SELECTION)
        assert pg.js(RING_PIXELS, node_id) == 0                     # a click shows the selection, not a focus ring
        pg.check_clean()
    return shown


def test_trace_chain_by_keyboard_is_a_click(browser, seed):
    """The trace chain the page opens on: Enter on the third node selects it as a click does."""
    by_key, node_id = keyboard_select_third(browser, seed["page"], "", "trace")
    assert "node=" in by_key["hash"] and by_key["selected"] == node_id
    assert by_key == mouse_select(browser, seed["page"], "", node_id)


def test_query_result_graph_by_keyboard_is_a_click(browser, seed):
    """A query's results as a graph: Enter on the third node selects it as a click does."""
    by_key, node_id = keyboard_select_third(browser, seed["page"], "", "query", setup=query_graph)
    assert by_key["selected"] == node_id and by_key["node"] is not None
    assert by_key == mouse_select(browser, seed["page"], "", node_id, setup=query_graph)


def test_graph_tab_expansion_by_keyboard_is_a_click(browser, seed):
    """All reports in the Graph tab (the 3 reports, then the documents they share): Enter on the third node, a
    report, opens its aspects as a click does."""
    hash_ = "#view=graph&gv=corpus"
    by_key, node_id = keyboard_select_third(browser, seed["page"], hash_, "gview")
    rn = int(node_id[1:])
    assert by_key["gview"] == ["corpus", [rn]] and "expand=" in by_key["hash"]
    with Page(browser, seed["page"], hash_, engine=False) as pg:
        assert pg.js(f"kgExplorer.nodes[{rn}].type") == "report"
        aspects = set(pg.js(f"kgExplorer.nodes.filter(n => n.report === kgExplorer.nodes[{rn}].report "
                            "&& n.type === 'aspect').map(n => 'n' + n.i)"))
        assert aspects and not aspects & set(pg.js("kgExplorer.graph.spec.nodes.map(n => n.id)"))
    assert aspects <= set(by_key["drawn"])                          # opened: its aspects drawn
    assert by_key == mouse_select(browser, seed["page"], hash_, node_id)


def test_overview_problem_category_opens_by_keyboard(browser, seed):
    """A report's overview: n to its first problem category, Enter draws its measures (not drawn before)."""
    with Page(browser, seed["page"], "#view=graph&gv=overview&report=dev_2", engine=False) as pg:
        tab_into_graph(pg)
        drawn = pg.js("kgExplorer.graph.spec.nodes.length")
        seen = press_n(pg, 1)
        while seen[-1]["type"] != "problem" and len(seen) < drawn:
            seen += press_n(pg, 1)
        prob = seen[-1]
        assert prob["type"] == "problem", seen
        measures = set(pg.js(f"kgExplorer.inn[{prob['model']}].filter(e => e.rel === 'addresses').map(e => 'n' + e.from)"))
        assert measures and not measures & set(pg.js("kgExplorer.graph.spec.nodes.map(n => n.id)"))
        pg.page.keyboard.press("Enter")
        assert measures <= set(pg.js("kgExplorer.graph.spec.nodes.map(n => n.id)"))
        assert pg.js(f"kgExplorer.gview.expanded.has({prob['model']})") and pg.js("kgExplorer.state.node") == prob["model"]
        # the focus stays on it in the view drawn again, ringed and said
        assert pg.js("kgExplorer.graph.focused") == prob["id"] and pg.js(RING_PIXELS, prob["id"]) > 40
        assert prob["label"] in pg.js("document.getElementById('graph-live').textContent")
        pg.shot("keyboard-overview-opened")
        pg.check_clean()


def test_pan_and_zoom_keys_still_work(browser, seed):
    with Page(browser, seed["page"], "#view=graph&gv=overview&report=dev_1", engine=False) as pg:
        tab_into_graph(pg)
        view = pg.js("kgExplorer.graph.network.getViewPosition()")
        pg.page.keyboard.press("ArrowRight")
        moved = pg.js("kgExplorer.graph.network.getViewPosition()")
        assert moved["x"] > view["x"] and moved["y"] == pytest.approx(view["y"])
        scale = pg.js("kgExplorer.graph.network.getScale()")
        pg.page.keyboard.press("+")
        assert pg.js("kgExplorer.graph.network.getScale()") > scale
        pg.page.keyboard.press("-")
        assert pg.js("kgExplorer.graph.network.getScale()") == pytest.approx(scale)
        # p from nowhere: the last node; Home: the first
        pg.page.keyboard.press("p")
        order = pg.js("kgExplorer.graph.order()")
        assert pg.js("kgExplorer.graph.focused") == order[-1]
        pg.page.keyboard.press("Home")
        assert pg.js("kgExplorer.graph.focused") == order[0]
        assert pg.js("kgExplorer.nodes[kgExplorer.graph.byId.get(kgExplorer.graph.focused).model].type") == "report"
        pg.check_clean()
