"""``kg build`` and ``kg view`` as a user meets them in headless Debian chromium: the explorer that the build
leaves in the views folder opens offline, the permalink ``kg view NAME`` prints opens the page at that node,
and the page writes node IRIs in its links exactly as kg does (``links.compact`` against ``KG.compact``).
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kg.cli import main
from kg.explore.explorer import links
from kg.explore.explorer.page import read_model
from tests.explore.browser import Page, launch

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def browser():
    yield from launch()


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    d = tmp_path_factory.mktemp("browser-seed")
    assert main(["build", str(ROOT / "data" / "reports"), "--out", str(d / "build"), "--no-open", "--jobs", "1"]) == 0
    return {"build": d / "build", "page": d / "build" / "visualizations" / "explorer.html"}


def _view(capsys, seed, name: str, *extra: str) -> list[str]:
    capsys.readouterr()
    assert main(["view", name, "--graph", str(seed["build"]), "--no-open", *extra]) == 0
    return capsys.readouterr().out.splitlines()


def test_compact_is_the_pages(browser, seed):
    model = read_model(seed["page"])
    others = ["https://w3id.org/kg-rectify/ontology#Report", "http://www.w3.org/2004/02/skos/core#prefLabel",
              "http://www.w3.org/2004/02/skos/core#a.b", "http://purl.org/dc/terms/", "urn:x:y", "kgr:odd"]
    with Page(browser, seed["page"], engine=False) as pg:
        iris = pg.js("kgExplorer.nodes.map(n => n.iri)") + others
        assert len(iris) == len(model["nodes"]) + len(others)
        assert pg.js("(xs) => xs.map(x => kgExplorer.compact(x))", iris) == [links.compact(i) for i in iris]
        pg.check_clean()


def test_view_permalink_opens_the_page_at_the_node(browser, seed, capsys):
    out = _view(capsys, seed, "中国作家协会调研工作办法", "--depth", "1")
    assert len(out) == 1 and out[0].startswith(seed["page"].resolve().as_uri() + "#")
    params = parse_qs(urlsplit(out[0]).fragment)
    assert params["view"] == ["graph"] and params["depth"] == ["1"]
    with Page(browser, url=out[0], engine=False) as pg:
        node = pg.js("kgExplorer.state.node")
        assert node is not None
        assert pg.js(f"kgExplorer.nodes[{node}].label") == "中国作家协会调研工作办法"
        assert pg.js(f"kgExplorer.compact(kgExplorer.nodes[{node}].iri)") == params["node"][0]
        if pg.js("!!document.getElementById('tab-graph')"):      # the Graph tab opens the neighbourhood
            assert pg.js("document.body.className") == "view-graph"
        pg.check_clean()
        pg.shot("kg-view-one")


def test_view_of_several_lists_them_and_the_page_does_too(browser, seed, capsys):
    out = _view(capsys, seed, "办公厅")
    assert out[0].startswith("2 entities match '办公厅'")
    listed = [ln.strip() for ln in out[1:-1]]
    assert [ln.split(".", 1)[0] for ln in listed[0::2]] == ["1", "2"]
    search = out[-1].split(": ", 1)[1]
    assert parse_qs(urlsplit(search).fragment) == {"search": ["办公厅"]}
    for link in listed[1::2]:              # each permalink opens its own node
        with Page(browser, url=link, engine=False) as pg:
            node = pg.js("kgExplorer.state.node")
            assert node is not None and pg.js(f"kgExplorer.nodes[{node}].label") == "办公厅"
            assert pg.js(f"kgExplorer.compact(kgExplorer.nodes[{node}].iri)") == parse_qs(urlsplit(link).fragment)["node"][0]
    with Page(browser, url=search, engine=False) as pg:
        if not pg.js("!!document.getElementById('tab-graph')"):
            pytest.skip("this page has no #search= permalink yet (it comes with the Graph tab)")
        assert pg.js("document.getElementById('search').value") == "办公厅"
        pg.wait("document.querySelectorAll('#matches li[role=option]').length >= 2")
        pg.check_clean()
