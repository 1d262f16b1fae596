"""The explorer's SPARQL engine runs in a Web Worker (templates/engine.js): a heavy query typed into the editor
cannot freeze the page. It stops at the time limit of `kg query` (or on Esc / Cancel) with a clear message while
the page keeps answering, the next query works, and answers are cut at the row cap as `kg query` cuts them.
The limits are lowered through the page's test hooks (``kgExplorer.engine.timeoutMs`` / ``.maxRows``)."""
from __future__ import annotations

import json

from kg import api
from kg.store.guard import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT
from tests.explore.browser import Page
from tests.explore.test_explorer import browser, seed  # noqa: F401 (fixtures: the seed build's page, chromium)

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def status(pg: Page) -> tuple[str, str]:
    return pg.js("[document.getElementById('query-status').textContent, document.getElementById('query-status').className]")


def run_typed(pg: Page, q: str):
    pg.page.fill("#sparql", q)
    pg.page.click("#run")


def test_heavy_query_stops_and_the_page_stays_responsive(browser, seed):
    with Page(browser, seed["page"], "#view=query") as pg:
        # the page's limits are those of kg query
        assert pg.js("kgExplorer.engine.timeoutMs") == DEFAULT_TIMEOUT * 1000
        assert pg.js("kgExplorer.engine.maxRows") == DEFAULT_MAX_ROWS
        # no limit: the query runs until cancelled, and meanwhile the page answers
        pg.now("kgExplorer.engine.timeoutMs = 0")
        run_typed(pg, CARTESIAN)
        assert pg.now("kgExplorer.engine.running()") is True
        assert pg.now("1 + 1") == 2
        assert "Esc" in pg.now("document.getElementById('query-status').textContent")
        assert pg.now("document.getElementById('query-cancel').hidden") is False
        pg.page.click("#tab-graph")
        assert pg.now("kgExplorer.state.view") == "graph"
        pg.page.click("#tab-query")
        assert pg.now("kgExplorer.state.view") == "query"
        assert pg.now("kgExplorer.engine.running()") is True      # all of the above while the query ran
        pg.page.keyboard.press("Escape")
        text, cls = status(pg)
        assert cls == "error" and "cancelled" in text, text
        assert pg.js("document.getElementById('query-cancel').hidden") is True
        # the time limit stops it with the message of kg query's limit
        pg.now("kgExplorer.engine.timeoutMs = 1500")
        run_typed(pg, CARTESIAN)
        assert pg.now("kgExplorer.engine.running()") is True
        text, cls = status(pg)
        assert cls == "error" and "time limit of 1.5 s" in text and "kg query --timeout" in text, text
        assert pg.js("kgExplorer.state.result") is None
        assert pg.js("kgExplorer.engine.restarts") == 2
        # the next query runs on a fresh engine and answers as kg query does
        pg.page.click('#named button[data-query="problems"]')
        rows = pg.js("kgExplorer.state.result.rows")
        ref = json.loads(api.query("problems", seed["build"]).to_json())["results"]["bindings"]
        assert sorted(map(json.dumps, rows)) == sorted(map(json.dumps, ref))
        run_typed(pg, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert int(pg.js("kgExplorer.state.result.rows[0].n.value")) == pg.js("kgExplorer.sparql.size") > 0
        pg.check_clean()


def test_answers_are_cut_at_the_row_cap(browser, seed):
    q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 20"
    with Page(browser, seed["page"], "#view=query") as pg:
        run_typed(pg, q)
        full = pg.js("kgExplorer.state.result")
        assert len(full["rows"]) == 20 and not full["truncated"]
        pg.now("kgExplorer.engine.maxRows = 7")
        run_typed(pg, q)
        cut = pg.js("kgExplorer.state.result")
        assert cut["truncated"] and cut["rows"] == full["rows"][:7]
        assert len(json.loads(cut["json"])["results"]["bindings"]) == 7
        text, cls = status(pg)
        assert cls != "error" and "7 行 rows" in text and "只有前 7 行" in text, text
        # CONSTRUCT is cut the same way (its triples and its N-Triples)
        run_typed(pg, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 20")
        g = pg.js("kgExplorer.state.result")
        assert g["truncated"] and len(g["triples"]) == 7 and g["ntriples"].count("\n") == 7
        pg.check_clean()
