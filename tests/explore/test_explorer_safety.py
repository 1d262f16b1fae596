"""The explorer's safety story, as a user relies on it: a hostile report (labels with ``<script>``,
``<img onerror>``, ``javascript:`` and U+2028) stays text everywhere the page shows it (title, tables,
tooltips, the SVG export), the file holds no URL and no tag but ours, nothing leaves the page, and a vendored
file that could break out of its block stops the build with a message instead of being inlined.
(These were the old per-view pages' tests; the hostile graph is test_explorer's.)
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kg.errors import KgViewError
from kg.explore import explorer
from kg.explore.explorer import page as explorer_page
from kg.resources import package_file
from tests.explore.browser import Page, launch
from tests.explore.test_explorer import XSS_IMG, XSS_JS, XSS_SCRIPT, evil_nquads

TITLE = XSS_SCRIPT + "党组关于巡视整改进展情况的通报"
#: anything that would make the browser fetch something
URL_PATTERNS = [re.compile(p, re.I) for p in (
    r"""(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", r"//cdn", r"https?://",
    r"""url\(\s*["']?\s*(?:https?:)?//""", r"@import", r"<link\b")]


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    return explorer.write_explorer(evil_nquads(), tmp_path_factory.mktemp("safety"))


@pytest.fixture(scope="module")
def browser():
    yield from launch()


def test_page_is_one_utf8_file_with_no_url_and_only_our_tags(evil):
    raw = evil.read_bytes()
    html = raw.decode("utf-8")                        # strict: the page is UTF-8
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert "党组关于巡视整改进展情况的通报" in html     # Chinese stored as UTF-8
    for pat in URL_PATTERNS:
        m = pat.search(html)
        assert m is None, f"{pat.pattern!r}: …{html[max(0, m.start() - 60):m.end() + 60]}…"
    assert len(re.findall(r"<script\b", html, re.I)) == 6          # ours: 3 scripts, model, graph, wasm
    assert "<img" not in html.lower() and "</script><script>alert" not in html
    assert "\u2028" not in html and "\u2029" not in html
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and title == "&lt;script&gt;alert(1)&lt;/script&gt;党组关于巡视整改进展情况的通报"
    assert "vis.js is dual licensed" in html                         # vis-network's licence banner kept
    model = explorer_page.read_model(evil)
    labels = [n[2] for n in model["nodes"]]
    assert TITLE in labels and any(XSS_IMG in lb for lb in labels) and any(XSS_JS + "问题\u2028" in lb for lb in labels)


def test_json_for_script_round_trip():
    hostile = {"a": "</script><!-- & \u2028\u2029 '\" https://x.example/"}
    s = explorer_page.json_for_script(hostile)
    for bad in ("<", ">", "&", "\u2028", "\u2029", "://"):
        assert bad not in s
    assert json.loads(s) == hostile


def test_vis_network_is_pyvis_copy_with_its_licence():
    folder = package_file("kg.explore.explorer", "static", "vis-network")
    for name in ("vis-network.min.js", "vis-network.css", "LICENSE-MIT", "LICENSE-APACHE-2.0", "README.md"):
        assert (folder / name).is_file(), name
    assert f"@version {explorer_page.VIS_NETWORK}" in (folder / "vis-network.min.js").read_text(encoding="utf-8")[:400]
    pyvis = pytest.importorskip("pyvis")
    shipped = Path(pyvis.__file__).parent / "lib" / f"vis-{explorer_page.VIS_NETWORK}"
    if not shipped.is_dir():
        pytest.skip(f"this pyvis ships no vis-{explorer_page.VIS_NETWORK}")
    for name in ("vis-network.min.js", "vis-network.css"):
        assert (folder / name).read_bytes() == (shipped / name).read_bytes(), name


@pytest.fixture
def fresh_assets():
    explorer_page._assets.cache_clear()
    yield
    explorer_page._assets.cache_clear()


@pytest.mark.parametrize("bad", ["missing", "</script>", "<!--"])
def test_a_bad_vendored_file_is_an_error_not_a_page(bad, fresh_assets, monkeypatch, tmp_path):
    real = explorer_page._read

    def read(package, *parts):
        if parts[-1] != "vis-network.min.js":
            return real(package, *parts)
        if bad == "missing":
            monkeypatch.setattr(explorer_page, "package_file", lambda *a: tmp_path / "absent.js")
            return real(package, *parts)
        return "var s = '" + bad + "';"
    monkeypatch.setattr(explorer_page, "_read", read)
    with pytest.raises(KgViewError, match="vis-network|cannot be read"):
        explorer.write_explorer(evil_nquads(), tmp_path / "views")
    assert not (tmp_path / "views" / "explorer.html").exists()


# ---------------------------------------------------------------------------------------------- the browser

def test_hostile_labels_stay_text_in_title_tooltips_and_svg(browser, evil):
    with Page(browser, evil) as pg:
        assert pg.js("document.title").startswith(TITLE)
        pg.page.click("#trace-table tbody tr:first-child")
        pg.wait("kgExplorer.graph.nodes && kgExplorer.graph.nodes.length > 0")
        # vis-network shows a node's title element as its tooltip: built as text, no element from the label
        tips = pg.js("kgExplorer.graph.nodes.get().map(n => [n.title.textContent, n.title.querySelectorAll('*').length,"
                     " n.title.querySelectorAll('img,script,a,iframe').length])")
        text = "|".join(t for t, _, _ in tips)
        assert XSS_SCRIPT in text and XSS_IMG in text and XSS_JS in text
        assert all(bad == 0 for _, _, bad in tips)
        with pg.page.expect_download() as d:
            pg.page.click("#svg")
        svg = Path(d.value.path()).read_text(encoding="utf-8")
        root = ET.fromstring(svg)                       # well-formed: the labels were escaped
        tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
        assert not tags & {"script", "img", "foreignObject", "a", "iframe"}, tags
        assert "onerror" not in {a for el in root.iter() for a in el.attrib}
        alltext = "".join(root.itertext())
        assert XSS_SCRIPT + "管理办法" in alltext and XSS_IMG in alltext
        assert pg.js("document.querySelectorAll('img').length") == 0
        assert pg.js("document.querySelectorAll('script').length") == 6
        pg.check_clean()


def test_page_engine_in_step_with_pyoxigraph():
    """The page's SPARQL engine (npm oxigraph, vendored) and kg query's (pyoxigraph) are the same release line, and
    pyproject keeps pyoxigraph on it: the same query gives the same answer in both."""
    from importlib import metadata

    from kg.explore.explorer.page import OXIGRAPH_NPM

    line = OXIGRAPH_NPM.split(".")[:2]
    assert metadata.version("pyoxigraph").split(".")[:2] == line
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    lo, hi = f"{line[0]}.{line[1]}", f"{line[0]}.{int(line[1]) + 1}"
    assert f'"pyoxigraph>={lo},<{hi}"' in pyproject
