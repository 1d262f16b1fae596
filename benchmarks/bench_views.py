"""Benchmark of the explorer page (the one HTML page of a build): file size, Python write time and, in headless
chromium, the time until the page is ready (its trace table and graph drawn) and until its SPARQL engine is.

Ready / engine = the page's own ``kgExplorer.timings`` (``performance.now()`` ms from the start of its script)
plus the driver's wall time from navigation. Seed = data/reports/zuoxie_2020.txt (through kg.api.process);
corpus = the seed graph duplicated under N report IRIs. Targets: seed ready ≤ 1.5 s, corpus ready ≤ 3 s.
Then, on the seed page, each named query clicked as a user does: the driver's wall time from the click until
the table holds the answer (median of the runs), and the engine's own time (``result.ms``). Target ≤ 300 ms.

    .venv/bin/python benchmarks/bench_views.py [--reports N] [--runs K] [--check] [--out DIR]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import rdflib  # noqa: E402
from rdflib import RDF, Literal, URIRef  # noqa: E402
from rdflib.namespace import DCTERMS  # noqa: E402

from kg.api import process  # noqa: E402
from kg.explore import explorer  # noqa: E402
from kg.explore.queries import NAMED  # noqa: E402
from kg.rdf.vocab import KGO  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SEED = ROOT / "data" / "reports" / "zuoxie_2020.txt"


def duplicate(seed: rdflib.Graph, n: int) -> rdflib.Graph:
    """``n`` copies of a one-report graph under ``n`` report IRIs."""
    r0 = str(next(seed.subjects(RDF.type, KGO.Report)))
    out = rdflib.Graph()
    for i in range(n):
        ri = f"{r0}-copy{i:03d}"

        def mv(t):
            if isinstance(t, URIRef) and (str(t) == r0 or str(t).startswith(r0 + "/")):
                return URIRef(ri + str(t)[len(r0):])
            return t
        for s, p, o in seed:
            if p == DCTERMS.title and str(s) == r0:
                o = Literal(f"{o}（{i + 1}）", lang="zh")
            out.add((mv(s), p, mv(o)))
    return out


def load_times(browser, path: Path, runs: int) -> tuple[float, float, float]:
    """Medians of (page ready ms, SPARQL engine ready ms, driver wall ms until ready)."""
    ready, engine, walls = [], [], []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        external = []
        page.on("request", lambda r: r.url.startswith(("file:", "data:", "blob:")) or external.append(r.url))
        t0 = time.perf_counter()
        page.goto(path.resolve().as_uri())
        while not page.evaluate("!!(window.kgExplorer && window.kgExplorer.ready)"):
            time.sleep(0.01)       # polled: the page's CSP refuses the eval wait_for_function needs
        walls.append((time.perf_counter() - t0) * 1000)
        while not page.evaluate("!!(window.kgExplorer.engineReady || window.kgExplorer.engineError)"):
            time.sleep(0.01)
        t = page.evaluate("window.kgExplorer.timings")
        ready.append(t["ready"])
        engine.append(t.get("engine", float("nan")))
        if external:
            raise SystemExit(f"{path}: external requests {external}")
        page.close()
    return statistics.median(ready), statistics.median(engine), statistics.median(walls)


def query_times(browser, path: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Per named query: medians of (driver wall ms from the click to the table filled, engine ms)."""
    walls: dict[str, list[float]] = {q: [] for q in NAMED}
    engine: dict[str, list[float]] = {q: [] for q in NAMED}
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(path.resolve().as_uri() + "#view=query")
        while not page.evaluate("!!(window.kgExplorer && window.kgExplorer.engineReady)"):
            time.sleep(0.01)
        for q in NAMED:
            page.evaluate("window.kgExplorer.state.result = null")
            t0 = time.perf_counter()
            page.click(f'#named button[data-query="{q}"]')
            while not page.evaluate("!!window.kgExplorer.state.result"):
                time.sleep(0.002)
            walls[q].append((time.perf_counter() - t0) * 1000)
            engine[q].append(page.evaluate("window.kgExplorer.state.result.ms"))
        page.close()
    return {q: (statistics.median(walls[q]), statistics.median(engine[q])) for q in NAMED}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=100, help="reports in the synthetic corpus")
    ap.add_argument("--runs", type=int, default=3, help="page loads per page (median)")
    ap.add_argument("--out", type=Path, default=None, help="keep the pages here")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    a = ap.parse_args(argv)
    out = a.out or Path(tempfile.mkdtemp(prefix="bench-views-"))

    seed = process(SEED).graph
    corpus = duplicate(seed, a.reports)
    rows = []   # (case, triples, size, write s, ready ms, engine ms, wall ms, target ms)
    for case, g, target in ((f"seed: {SEED.name}", seed, 1500), (f"corpus: {a.reports} reports", corpus, 3000)):
        t = time.perf_counter()
        page = explorer.write_explorer(g, out / case.split(":")[0])
        rows.append([case, len(g), page.stat().st_size, time.perf_counter() - t, page, target])

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        queries = query_times(browser, rows[0][4], a.runs)
        for row in rows:
            row[4:5] = load_times(browser, row[4], a.runs)
        browser.close()

    hdr = (f"{'case':<24} {'triples':>8} {'size':>9} {'write':>7} {'ready':>8} {'engine':>8} {'wall':>8} "
           f"{'target':>7}  ok")
    print(hdr)
    print("-" * len(hdr))
    missed = 0
    for case, triples, size, write, ready, engine, wall, target in rows:
        ok = "yes" if ready <= target else "NO"
        missed += ok == "NO"
        eng = f"{engine:>6.0f}ms" if engine == engine else f"{'-':>8}"      # nan: the graph is not embedded
        print(f"{case:<24} {triples:>8} {size / 2**20:>7.1f}MB {write:>6.1f}s {ready:>6.0f}ms {eng} "
              f"{wall:>6.0f}ms {target / 1000:>6.1f}s  {ok}")
    print(f"\nnamed queries on the seed page (click → table), medians of {a.runs}:")
    for q, (wall, eng) in queries.items():
        ok = "yes" if wall <= 300 else "NO"
        missed += ok == "NO"
        print(f"  {q:<28} {wall:>6.0f} ms (engine {eng:>4.0f} ms)  {ok}")
    print(f"pages in {out}")
    return 1 if (a.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
