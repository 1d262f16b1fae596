"""Browser tests of the HTML views in headless Debian chromium (Playwright sync API).

Skipped only when /usr/bin/chromium is absent and CI is not set; under CI they must run
(.ci/install-browser.sh installs chromium). Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.explore import views
from tests.explore.test_views import REGULATION, XSS_IMG, XSS_SCRIPT, build_sample_graph, corpus_graph

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if _in_ci():
            pytest.fail(f"CI is set but {CHROMIUM} is missing: .ci/install-browser.sh must install chromium")
        pytest.skip(f"{CHROMIUM} not installed (run .ci/install-browser.sh); browser tests need it")
    sync_api = pytest.importorskip("playwright.sync_api") if not _in_ci() else __import__(
        "playwright.sync_api", fromlist=["sync_playwright"])
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-views")
    sample = build_sample_graph()
    views.write_views(sample, out / "sample")
    views.write_focus(sample, REGULATION, out / "sample" / "focus.html", depth=2)
    evil = build_sample_graph(rid="evil", malicious=True)
    views.write_views(evil, out / "evil")
    views.write_focus(evil, XSS_SCRIPT, out / "evil" / "focus.html")
    views.write_views(corpus_graph(12, sample), out / "corpus")
    return out


class Page:
    """A page opened from file:// with its console errors, requests and dialogs recorded."""

    def __init__(self, browser, path: Path, size=(1400, 900)):
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))

        def on_dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()
        self.page.on("dialog", on_dialog)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("window.kgView && window.kgView.ready === true", timeout=30000)

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def external_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file://", "data:"))]

    def check_clean(self):
        assert self.errors == [], self.errors
        assert self.external_requests() == []
        assert self.dialogs == []
        assert self.js("window.kgView.error") is None

    def shot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def close(self):
        self.page.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


VIEWS = ["overview", "trace", "aspect-1", "aspect-2", "focus"]


@pytest.mark.parametrize("view", VIEWS + ["corpus/overview", "corpus/trace"])
def test_view_loads_offline(browser, built, view):
    path = built / (view + ".html" if "/" in view else f"sample/{view}.html")
    with Page(browser, path) as pg:
        pg.check_clean()
        assert pg.js("document.querySelectorAll('#legend-items li').length") >= 3
        title = pg.js("document.getElementById('title').textContent")
        if view.startswith("corpus/"):
            assert title == "12 份巡视整改进展情况通报"
        elif view != "focus":
            assert title.startswith("中共海洋事务部党组")
        assert pg.js("document.querySelector('#graph canvas') !== null")
        assert pg.js("window.kgView.nodes.length") > 0
        pg.shot(view.replace("/", "-") if "/" in view else f"sample-{view}")


@pytest.mark.parametrize("view", ["overview", "trace", "aspect-2", "focus", "corpus/overview", "corpus/trace"])
def test_search_focuses_regulation(browser, built, view):
    path = built / (view + ".html" if "/" in view else f"sample/{view}.html")
    with Page(browser, path) as pg:
        pg.page.fill("#search", "专项资金管理")
        pg.page.press("#search", "Enter")
        assert pg.js("window.kgView.selected") == REGULATION
        sel = pg.js("window.kgView.network.getSelectedNodes()")
        assert sel == [pg.js("window.kgView.selectedId")]
        # focused: the node is at the centre of the canvas
        pos = pg.js("(() => { const v = window.kgView, id = v.selectedId;"
                    " const p = v.network.canvasToDOM(v.network.getPosition(id));"
                    " const r = document.querySelector('#graph').getBoundingClientRect();"
                    " return [p.x - r.width / 2, p.y - r.height / 2]; })()")
        assert abs(pos[0]) < 40 and abs(pos[1]) < 40, pos
        assert pg.js("document.getElementById('panel').hidden") is False
        panel = pg.js("document.getElementById('panel-body').textContent")
        assert REGULATION in panel and "第" in panel and "行" in panel   # evidence with line number
        assert "完善资金管理制度" in panel                               # neighbour
        pg.check_clean()
        pg.shot(f"search-{view.replace('/', '-')}")


@pytest.mark.parametrize("view", ["overview", "trace", "aspect-1"])
def test_type_filter_hides_type(browser, built, view):
    with Page(browser, built / "sample" / f"{view}.html") as pg:
        assert pg.js("window.kgView.countVisible('regulation')") > 0
        measures = pg.js("window.kgView.countVisible('measure')")
        pg.page.uncheck('#legend input[data-type="regulation"]')
        assert pg.js("window.kgView.countVisible('regulation')") == 0
        assert pg.js("window.kgView.countVisible('measure')") == measures
        assert pg.js("window.kgView.hiddenTypes") == ["regulation"]
        pg.page.check('#legend input[data-type="regulation"]')
        assert pg.js("window.kgView.countVisible('regulation')") > 0
        pg.check_clean()


def test_legend_lists_types_with_colours(browser, built):
    with Page(browser, built / "sample" / "overview.html") as pg:
        items = pg.js("[...document.querySelectorAll('#legend-items li')].map(li => "
                      "[li.dataset.type, getComputedStyle(li.querySelector('.swatch')).backgroundColor])")
        types = [t for t, _ in items]
        assert {"report", "aspect", "problem", "measure", "regulation", "organization"} <= set(types)
        assert len({c for _, c in items}) == len(items), "one colour per type"


def test_click_node_opens_panel_with_evidence(browser, built):
    with Page(browser, built / "sample" / "aspect-2.html") as pg:
        pg.js("window.kgView.network.fit({animation:false})")
        target = pg.js("window.kgView.data.nodes.find(n => n.full === arguments[0]).id".replace("arguments[0]", repr(REGULATION)))
        xy = pg.js(f"(() => {{ const n = window.kgView.network; const p = n.canvasToDOM(n.getPosition({target}));"
                   " const r = document.querySelector('#graph canvas').getBoundingClientRect();"
                   " return [p.x + r.left, p.y + r.top]; })()")
        pg.page.mouse.click(xy[0], xy[1])
        assert pg.js("window.kgView.selected") == REGULATION
        text = pg.js("document.getElementById('panel-body').textContent")
        assert "原文" in text and "第" in text
        pg.check_clean()


def test_corpus_cluster_expands_on_click(browser, built):
    with Page(browser, built / "corpus" / "overview.html") as pg:
        assert pg.js("window.kgView.nodes.length") == 12
        assert pg.js("window.kgView.data.clusters.length") == 12
        xy = pg.js("(() => { const n = window.kgView.network; const p = n.canvasToDOM(n.getPosition('c0'));"
                   " const r = document.querySelector('#graph canvas').getBoundingClientRect();"
                   " return [p.x + r.left, p.y + r.top]; })()")
        pg.page.mouse.click(xy[0], xy[1])
        assert pg.js("window.kgView.expanded") == [0]
        n = pg.js("window.kgView.nodes.length")
        assert n > 20
        pg.check_clean()
        pg.shot("corpus-overview-expanded")
        pg.js("window.kgView.collapse(0)")
        assert pg.js("window.kgView.nodes.length") == 12


@pytest.mark.parametrize("view", ["overview", "trace", "aspect-1", "focus"])
def test_malicious_labels_are_text(browser, built, view):
    with Page(browser, built / "evil" / f"{view}.html") as pg:
        assert pg.dialogs == []
        assert pg.js("document.querySelectorAll('img').length") == 0
        assert pg.js("document.querySelectorAll('script').length") == 3
        assert pg.js("document.querySelectorAll('b').length") == 0
        if view != "focus":
            assert pg.js("document.getElementById('title').textContent").endswith(XSS_SCRIPT)
        assert pg.js("document.title").endswith(XSS_SCRIPT) or view == "focus"
        # search the malicious document and show its panel and tooltip
        pg.page.fill("#search", "alert(1)</script>管理")
        pg.page.press("#search", "Enter")
        assert pg.js("window.kgView.selected") == XSS_SCRIPT + "管理办法"
        assert pg.js("document.querySelector('#panel h2').textContent") == XSS_SCRIPT + "管理办法"
        # The panel that opened narrows the graph; vis-network re-centres the view when its ResizeObserver
        # fires, a frame or more later. Hover only once the canvas has its new size and the selected node is
        # under the point we aim at (a point taken before the re-centring hovers nothing: no tooltip, ever).
        xy = pg.page.wait_for_function(
            "() => { const v = window.kgView, c = document.querySelector('#graph canvas'), k = v.network.canvas.pixelRatio;"
            " if (c.width !== Math.round(c.clientWidth * k) || c.height !== Math.round(c.clientHeight * k)) return null;"
            " const p = v.network.canvasToDOM(v.network.getPosition(v.selectedId));"
            " if (v.network.getNodeAt(p) !== v.selectedId) return null;"
            " const r = c.getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }").json_value()
        pg.page.mouse.move(xy[0] + 1, xy[1] + 1)
        pg.page.mouse.move(xy[0], xy[1])
        # the tooltip is the page's answer to the hover: wait for it to show the node's title
        pg.page.wait_for_function(
            "(s) => { const t = document.querySelector('div.vis-tooltip');"
            " return !!t && getComputedStyle(t).visibility !== 'hidden' && t.textContent.includes(s); }", arg=XSS_SCRIPT)
        tip = pg.js("document.querySelector('div.vis-tooltip').textContent")
        assert XSS_SCRIPT in tip
        if view in ("overview", "aspect-1"):
            pg.page.fill("#search", "onerror")
            pg.page.press("#search", "Enter")
            assert XSS_IMG in pg.js("window.kgView.selected")
            assert XSS_IMG in pg.js("document.getElementById('panel-body').textContent")
        assert pg.js("document.querySelectorAll('img').length") == 0
        assert pg.js("document.querySelectorAll('script').length") == 3
        pg.check_clean()
        pg.shot(f"evil-{view}")


def _real_graphs():
    try:
        from kg.api import process
    except ImportError as e:
        pytest.skip(f"kg.api.process unavailable: {e}")
    out = {}
    for p in sorted((ROOT / "data" / "reports").glob("*.txt")):
        try:
            out[p.stem] = process(p).graph
        except ImportError as e:     # a pipeline stage not there yet
            pytest.skip(f"kg.api.process unavailable: {e}")
    return out


def test_real_reports_in_browser(browser, tmp_path):
    graphs = _real_graphs()
    for stem, g in graphs.items():
        written = views.write_views(g, tmp_path / stem)
        for path in written:
            with Page(browser, path, size=(1600, 1000)) as pg:
                pg.check_clean()
                pg.shot(f"real-{stem}-{path.stem}")
