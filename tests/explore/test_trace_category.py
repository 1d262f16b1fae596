"""The Trace tab's 问题类别 Problem category filter, in headless chromium on the build of data/reports: its
options are the categories of the chosen report (or aspect) in the order of the report's text, a category
keeps exactly the documents ``kg trace N --report R`` prints, the choice goes back to all when the aspect
or report no longer holds it, and the permalink (``problem=`` a compact IRI) reopens it.
"""
from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from kg import api
from tests.explore.browser import Page, launch
from tests.explore.test_explorer import KGR, seed  # noqa: F401  (fixture)

REPORT = "zuoxie_2020"


@pytest.fixture(scope="module")
def browser():
    yield from launch()


def categories_in_text_order(build, report: str) -> list[tuple[str, str]]:
    """The report's problem categories (IRI, number) in the order their headings come in its text."""
    rs = api.query(f"""SELECT ?p ?n (MIN(?a) AS ?first) WHERE {{
        ?p a kgo:ProblemCategory ; kgo:number ?n ; kgo:evidence ?e . ?e oa:start ?a .
        FILTER(STRSTARTS(STR(?p), "{KGR}report/{report}/")) }} GROUP BY ?p ?n ORDER BY ?first""", build)
    return [(r["p"], r["n"]) for r in rs.values()]


def options(pg: Page) -> list[dict]:
    """The category select's options after 全部 all: value (a node), text, the node's IRI."""
    opts = pg.js("kgExplorer.trace.problemOptions()")
    assert opts[0]["value"] == ""
    return [dict(o, iri=pg.js(f"kgExplorer.nodes[{o['value']}].iri")) for o in opts[1:]]


def shown(pg: Page) -> list[tuple[str, str, str]]:
    """The rows shown, opened into the mentions each stands for: (document, action, line)."""
    rows = pg.js("""kgExplorer.trace.shown.map(r => [kgExplorer.nodes[r.doc].label,
        r.facts.map(i => [kgExplorer.facts[i].action, String(kgExplorer.facts[i].line)])])""")
    return sorted((d, a, ln) for d, facts in rows for a, ln in facts)


def expected(build, number: str, report: str) -> list[tuple[str, str, str]]:
    """``kg trace NUMBER --report REPORT``: (title, action, line) of each mention."""
    return sorted((r["title"], r["action"], r["line"]) for r in api.trace(number, build, report=report).values())


def test_category_select_keeps_the_rows_of_kg_trace(browser, seed):
    cats = categories_in_text_order(seed["build"], REPORT)
    assert len(cats) >= 10
    with Page(browser, seed["page"], engine=False) as pg:
        total = pg.js("kgExplorer.trace.rows.length")
        pg.page.select_option("#f-report", label=REPORT)
        opts = options(pg)
        # every category of the report, in the order of the text, labelled with its printed number
        assert [o["iri"] for o in opts] == [p for p, _ in cats]
        for o, (_, n) in zip(opts, cats):
            assert o["text"].startswith(f"{n}. "), o
        answered = 0
        for o, (_, n) in zip(opts, cats):
            pg.page.select_option("#f-problem", o["value"])
            want = expected(seed["build"], n, REPORT)
            assert shown(pg) == want, (n, shown(pg), want)
            count = pg.js("document.getElementById('trace-count').textContent")
            assert count.startswith(f"{len({t for t, _, _ in want})} / {total} ")
            assert ("无文件 none" in o["text"]) == (not want), o
            answered += bool(want)
        assert answered >= 5
        pg.check_clean()


def test_category_resets_with_its_aspect_and_report(browser, seed):
    with Page(browser, seed["page"], engine=False) as pg:
        pg.page.select_option("#f-report", label=REPORT)
        ten = next(o for o in options(pg) if o["text"].startswith("10. "))
        pg.page.select_option("#f-problem", ten["value"])
        aspect_of = pg.js(f"String(kgExplorer.up({ten['value']}, 'broader'))")
        # its own aspect: the category stays, the options are that aspect's categories
        pg.page.select_option("#f-aspect", aspect_of)
        assert pg.js("document.getElementById('f-problem').value") == ten["value"]
        assert all(pg.js(f"String(kgExplorer.up({o['value']}, 'broader'))") == aspect_of for o in options(pg))
        # another aspect of the report: back to all, that aspect's categories
        other = pg.js(f"""Array.from(document.querySelectorAll('#f-aspect option')).map(o => o.value)
            .find(v => v !== '' && v !== '{aspect_of}' && kgExplorer.nodes[v].report === kgExplorer.nodes[{ten['value']}].report)""")
        pg.page.select_option("#f-aspect", other)
        assert pg.js("document.getElementById('f-problem').value") == ""
        assert ten["value"] not in [o["value"] for o in options(pg)]
        # all aspects, another report: that report's categories only
        pg.page.select_option("#f-aspect", "")
        pg.page.select_option("#f-report", label="dev_1")
        assert {o["iri"].split("/problem/")[0] for o in options(pg)} == {KGR + "report/dev_1"}
        pg.check_clean()


def test_category_permalink_reopens_it(browser, seed):
    want = expected(seed["build"], "10", REPORT)
    with Page(browser, seed["page"], engine=False) as pg:
        pg.page.select_option("#f-report", label=REPORT)
        ten = next(o for o in options(pg) if o["text"].startswith("10. "))
        pg.page.select_option("#f-problem", ten["value"])
        assert shown(pg) == want
        h = pg.js("location.hash")
        assert parse_qs(h[1:])["problem"] == [f"kgr:report/{REPORT}/problem/10"]
    with Page(browser, seed["page"], h, engine=False) as pg:
        assert pg.js("document.getElementById('f-problem').value") == ten["value"]
        assert shown(pg) == want
        # the node's side panel: "show in trace" on a problem category is this filter
        pg.page.select_option("#f-problem", "")
        pg.js(f"kgExplorer.app.selectNode({ten['value']}, {{from: 'search'}})")
        pg.page.click("#details button:has-text('show in trace')")
        assert pg.js("document.getElementById('f-problem').value") == ten["value"]
        assert pg.js("document.getElementById('f-text').value") == "" and shown(pg) == want
        pg.check_clean()


def test_every_trace_column_is_in_view_at_1600_px(browser, seed):
    """At 1600×1000 the trace table's columns, the line numbers last, are all in view without scrolling
    sideways, and a problem category cut short keeps its whole name in the tooltip."""
    with Page(browser, seed["page"], engine=False) as pg:
        assert pg.js("innerWidth") == 1600
        wrap = pg.js("""(() => { const w = document.querySelector('#trace-table').closest('.tablewrap');
            return [w.scrollWidth, w.clientWidth]; })()""")
        assert wrap[0] <= wrap[1], wrap
        last = pg.js("""(() => { const th = [...document.querySelectorAll('#trace-table th')].pop();
            const w = th.closest('.tablewrap').getBoundingClientRect(), b = th.getBoundingClientRect();
            return [th.textContent, b.right <= w.right + 0.5]; })()""")
        assert "Line" in last[0] and last[1], last
        cell = pg.js("""(() => { const td = document.querySelector('#trace-table tbody tr td:nth-child(3)');
            return [td.title, td.textContent]; })()""")
        assert cell[0] == cell[1] and cell[0]
