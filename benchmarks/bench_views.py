"""Benchmark of the HTML views: file size, Python build time and time-to-stable in headless chromium.

Time-to-stable = ``performance.now()`` at the first ``afterDrawing`` event of vis-network (physics
is off, so the first drawing is the stable one), i.e. milliseconds from the start of navigation.

Seed = data/reports/zuoxie_2020.txt (through kg.api.process); corpus = the seed graph duplicated
under 100 report IRIs (documents stay shared). Targets: seed ≤ 1 s, corpus overview ≤ 2 s.

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

from kg.explore import views  # noqa: E402
from kg.rdf.vocab import KGO  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SEED = ROOT / "data" / "reports" / "zuoxie_2020.txt"


def seed_graph() -> tuple[str, rdflib.Graph]:
    try:
        from kg.api import process
        return SEED.name, process(SEED).graph
    except ImportError:
        sys.path.insert(0, str(ROOT / "tests"))
        from test_views import build_sample_graph  # type: ignore
        return "sample (kg.api unavailable)", build_sample_graph()


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
            if p == KGO.normalizedText:
                continue
            if p == DCTERMS.title and str(s) == r0:
                o = Literal(f"{o}（{i + 1}）", lang="zh")
            out.add((mv(s), p, mv(o)))
    return out


def time_to_stable(browser, path: Path, runs: int) -> tuple[float, float]:
    """(median time-to-stable ms, median wall ms until ready seen by the driver)."""
    tts, walls = [], []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        external = []
        page.on("request", lambda r: r.url.startswith(("file:", "data:")) or external.append(r.url))
        t0 = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.kgView && window.kgView.ready === true", timeout=60000)
        walls.append((time.perf_counter() - t0) * 1000)
        tts.append(page.evaluate("window.kgView.readyTime"))
        if external:
            raise SystemExit(f"{path}: external requests {external}")
        page.close()
    return statistics.median(tts), statistics.median(walls)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=100, help="reports in the synthetic corpus")
    ap.add_argument("--runs", type=int, default=3, help="page loads per file (median)")
    ap.add_argument("--out", type=Path, default=None, help="keep the HTML files here")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    a = ap.parse_args(argv)
    out = a.out or Path(tempfile.mkdtemp(prefix="bench-views-"))

    name, seed = seed_graph()
    rows = []   # (case, file, size, build s, tts ms, wall ms, target ms)

    t = time.perf_counter()
    seed_files = views.write_views(seed, out / "seed")
    seed_build = time.perf_counter() - t
    corpus = duplicate(seed, a.reports)
    t = time.perf_counter()
    G = views.project(corpus)
    proj = time.perf_counter() - t
    t = time.perf_counter()
    corpus_files = views.write_views(corpus, out / "corpus", projection=G)
    corpus_build = time.perf_counter() - t

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for f in seed_files:
            tts, wall = time_to_stable(browser, f, a.runs)
            rows.append((f"seed: {name}", f.name, f.stat().st_size, seed_build, tts, wall, 1000))
        for f in corpus_files:
            tts, wall = time_to_stable(browser, f, a.runs)
            target = 2000 if f.name == "overview.html" else None
            rows.append((f"corpus: {a.reports} reports", f.name, f.stat().st_size, corpus_build, tts, wall, target))
        browser.close()

    print(f"seed graph {len(seed)} triples; corpus {len(corpus)} triples, projection "
          f"{G.number_of_nodes()} nodes / {G.number_of_edges()} edges in {proj:.2f} s")
    print(f"build: seed views {seed_build:.2f} s, corpus views {corpus_build:.2f} s (after projection); files in {out}")
    hdr = f"{'case':<30} {'file':<16} {'size':>10} {'time-to-stable':>15} {'wall':>9} {'target':>8}  ok"
    print(hdr)
    print("-" * len(hdr))
    missed = 0
    for case, fname, size, _build, tts, wall, target in rows:
        ok = "" if target is None else ("yes" if tts <= target else "NO")
        missed += ok == "NO"
        tgt = "" if target is None else f"{target / 1000:.0f} s"
        print(f"{case:<30} {fname:<16} {size / 1024:>8.0f}kB {tts:>12.0f} ms {wall:>6.0f} ms {tgt:>8}  {ok}")
    return 1 if (a.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
