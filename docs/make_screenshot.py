"""Make ``docs/explorer.png``, the README's screenshot: the explorer answering "which regulations answer problem
category 10 (of the seed report zuoxie_2020)".

    .venv/bin/python docs/make_screenshot.py [--out /tmp/shot] [--png docs/explorer.png]

It builds ``data/reports`` into ``--out`` (``kg build data/reports --out DIR --no-open``), opens
``DIR/visualizations/explorer.html`` in headless chromium (Playwright, 1600×1000, the browser tests' launcher:
``tests/explore/browser.py``) at the trace tab filtered to report zuoxie_2020 and its problem category 10 (the
问题类别 Problem category select), checks that the rows shown are the rows of
``kg trace 10 --report zuoxie_2020 --graph DIR``,
selects the row of the regulation revised there so that the chain graph shows, and saves the PNG. It prints
the permalink of what it shows. Not a test (pytest collects ``tests/`` and ``kg/`` only).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg import api  # noqa: E402
from kg.cli import main as kg  # noqa: E402
from tests.explore.browser import Page, launch  # noqa: E402

REPORT, PROBLEM = "zuoxie_2020", "10"
#: the row selected: its document (a regulation answering the problem) and action
SELECT = ("中国作家协会干部选拔任用工作实施办法", "revise")
MAX_BYTES = 400_000


def expected(out: Path) -> tuple[str, list[tuple[str, str, str]]]:
    """The problem category's label and the rows of ``kg trace 10 --report zuoxie_2020``: (title, action, line)."""
    rows = api.trace(PROBLEM, out, report=REPORT).values()
    labels = {r["problem"] for r in rows}
    assert rows and len(labels) == 1, labels
    return labels.pop(), sorted((r["title"], r["action"], r["line"]) for r in rows)


def shown(pg: Page) -> list[tuple[str, str, str]]:
    """The trace table's rows as shown, one per document, opened into the mentions each row stands for
    (the row shows the strongest action): (document, action, line)."""
    rows = pg.js("""kgExplorer.trace.shown.map(r => [kgExplorer.nodes[r.doc].label,
        r.facts.map(i => [kgExplorer.facts[i].action, String(kgExplorer.facts[i].line)])])""")
    return sorted((d, a, ln) for d, facts in rows for a, ln in facts)


def state(pg: Page) -> dict:
    """What the screenshot shows: the rows, the selected row, the chain graph's nodes."""
    return {"rows": shown(pg), "selected": pg.js("kgExplorer.trace.selected"),
            "graph": pg.js("kgExplorer.graph.spec.nodes.map(n => n.type + ' ' + n.label)")}


def shoot(browser, page: Path, label: str, want: list, png: Path) -> str:
    """As a user: the trace tab, report zuoxie_2020, its problem category 10 chosen in the category select (the
    option labelled with the category's number and label), a click on the regulation's row; the screenshot;
    then the permalink of that state, opened afresh, shows the same. Returns the permalink (its hash, readable:
    the page reads ``kgr:…`` IRIs unescaped)."""
    with Page(browser, page) as pg:
        assert pg.js("kgExplorer.state.view") == "trace"
        pg.page.select_option("#f-report", label=REPORT)
        option = pg.js("(n) => kgExplorer.trace.problemOptions().find(o => o.text.startsWith(n + '. '))", PROBLEM)
        assert label.startswith(option["text"][len(PROBLEM) + 2:].rstrip("…")), (option, label)
        pg.page.select_option("#f-problem", option["value"])
        pg.wait(f"kgExplorer.trace.shown.length === {len({t for t, _, _ in want})}")
        assert shown(pg) == want, (shown(pg), want)
        k = pg.js("([d, a]) => kgExplorer.trace.shown.find(r => kgExplorer.nodes[r.doc].label === d && r.action === a).k",
                  list(SELECT))
        pg.page.click(f'#trace-table tbody tr[data-k="{k}"]')
        pg.wait("kgExplorer.graph.spec && kgExplorer.graph.spec.nodes.length >= 4")
        seen = state(pg)
        assert seen["selected"] == k and {"aspect", "problem", "measure"} <= {n.split(" ")[0] for n in seen["graph"]}
        pg.check_clean()
        png.parent.mkdir(parents=True, exist_ok=True)
        pg.page.screenshot(path=str(png))
        key = pg.js("(k) => kgExplorer.trace.key(kgExplorer.trace.rows[k])", k)
        problem = pg.js("(i) => kgExplorer.compact(kgExplorer.nodes[i].iri)", int(option["value"]))
    link = f"#view=trace&freport={REPORT}&problem={problem}&row={key}"
    with Page(browser, page, link) as pg:
        assert state(pg) == seen, (state(pg), seen)
        pg.check_clean()
    return link


def run(out: Path, png: Path) -> None:
    assert kg(["build", str(ROOT / "data" / "reports"), "--out", str(out), "--no-open", "--jobs", "1"]) == 0
    label, want = expected(out)
    page = out / "visualizations" / "explorer.html"
    for browser in launch():
        link = shoot(browser, page, label, want, png)
    size = png.stat().st_size
    print(f"{png}: {size:,} bytes; rows as kg trace {PROBLEM} --report {REPORT}: {len(want)}")
    print(f"permalink: explorer.html{link}")
    assert size <= MAX_BYTES, f"{png} is {size:,} bytes (> {MAX_BYTES:,})"


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/shot"), help="build directory (default /tmp/shot)")
    ap.add_argument("--png", type=Path, default=ROOT / "docs" / "explorer.png", help="the screenshot")
    a = ap.parse_args()
    run(a.out, a.png)
