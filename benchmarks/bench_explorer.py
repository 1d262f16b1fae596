"""Benchmark of the explorer (``explorer.html``) of a 100-report build: the Python write time
(:func:`kg.api.write_explorer`) without the cache (the whole graph read into memory at once: the way before
the cache), cold (the cache empty, filled), warm (every report's page data cached in
``DIR/explorer-cache/``, the page deleted), after one report changed (one report rebuilt, the others
cached) and unchanged (the page kept, the graph not read), and the time until the Graph tab's corpus
overview is drawn in headless Chromium (``#view=graph``, 1600×1000; ``performance.now()`` of the first view
drawn, from the start of navigation), with its node count and label font on screen.

The reports are the first N of a synthetic corpus (``benchmarks/make_corpus.py``; default
``build/bench/corpus-200``), copied into a temporary folder and built with ``kg build --no-views`` (timed,
with the first page write after it: the build keeps what the page reads of each report graph it builds).
Medians of K runs. Targets: write ≤ 10 s at 100 reports; corpus overview ≤ 2 s.

    .venv/bin/python benchmarks/bench_explorer.py [--corpus DIR] [--reports N] [--runs K] [--work DIR]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import api  # noqa: E402
from kg.explore import explorer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def build(src: Path, n: int, work: Path) -> tuple[Path, float, float]:
    """A new build of the first n reports (``kg build --no-views``, timed; it fills the page-data cache),
    then the page's first write (timed)."""
    inp, out = work / "reports", work / "build"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(inp, ignore_errors=True)
    inp.mkdir(parents=True)
    for f in sorted(src.glob("*.txt"))[:n]:
        shutil.copy(f, inp / f.name)
    t_build = timed(lambda: subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", "--no-views", "--no-open", str(inp), "--out", str(out)],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    (work / "views" / "explorer.html").unlink(missing_ok=True)
    t_first = timed(lambda: api.write_explorer(out, work / "views"))
    return out, t_build, t_first


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def write_times(out: Path, views: Path, runs: int) -> dict[str, list[float]]:
    page, cache = views / "explorer.html", out / "explorer-cache"
    res: dict[str, list[float]] = {"no cache": [], "cold": [], "warm": [], "one report changed": [], "unchanged": []}
    inputs = out.parent / "reports"
    first = sorted(inputs.glob("*.txt"))[0]
    for k in range(runs):
        # no cache: the whole graph read into memory at once and the model built from it (before the cache)
        page.unlink(missing_ok=True)
        with api.open_graph(out) as store:
            res["no cache"].append(timed(lambda: explorer.write_explorer(store, views)))
        shutil.rmtree(cache, ignore_errors=True)
        page.unlink(missing_ok=True)
        res["cold"].append(timed(lambda: api.write_explorer(out, views)))
        page.unlink(missing_ok=True)
        res["warm"].append(timed(lambda: api.write_explorer(out, views)))
        # one report changed: a line added to it, the build brought up to date (not timed), the page written
        with first.open("a", encoding="utf-8") as f:
            f.write(f"\n（本期补充说明第{k + 1}次。）\n")
        subprocess.run([sys.executable, "-m", "kg.cli", "build", "--no-views", "--no-open", str(inputs), "--out", str(out)],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        res["one report changed"].append(timed(lambda: api.write_explorer(out, views)))
        res["unchanged"].append(timed(lambda: api.write_explorer(out, views)))
    return res


def browser_times(page: Path, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright
    out = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            ctx = b.new_context(viewport={"width": 1600, "height": 1000})
            pg = ctx.new_page()
            pg.goto(page.resolve().as_uri() + "#view=graph")
            end = time.monotonic() + 60
            while time.monotonic() < end and not pg.evaluate("!!(window.kgExplorer && kgExplorer.timings.graph)"):
                time.sleep(0.02)
            out.append(pg.evaluate("({ready: kgExplorer.timings.ready, graph: kgExplorer.timings.graph, "
                                   "kind: kgExplorer.gview.kind, nodes: kgExplorer.graph.spec.nodes.length, "
                                   "hidden: kgExplorer.gview.hidden.length, "
                                   "font: kgExplorer.FONT_SIZE * kgExplorer.graph.network.getScale()})"))
            ctx.close()
        b.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "build" / "bench" / "corpus-200")
    ap.add_argument("--reports", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None, help="build here (default: a new temporary folder)")
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="kg-bench-explorer-"))
    out, t_build, t_first = build(a.corpus, a.reports, work)
    views = work / "views"
    times = write_times(out, views, a.runs)
    page = views / "explorer.html"
    print(f"{a.reports} reports: kg build --no-views {t_build:.1f} s, then the first write_explorer {t_first:.2f} s")
    print(f"explorer.html {page.stat().st_size / 2**20:.1f} MB; medians of {a.runs} runs")
    for name, ts in times.items():
        print(f"  write_explorer {name:<20} {statistics.median(ts):6.2f} s  ({', '.join(f'{t:.2f}' for t in ts)})")
    b = browser_times(page, a.runs)
    print(f"  page ready                          {statistics.median(x['ready'] for x in b):6.0f} ms")
    print(f"  corpus overview drawn               {statistics.median(x['graph'] for x in b):6.0f} ms "
          f"({b[0]['kind']}: {b[0]['nodes']} nodes drawn, {b[0]['hidden']} listed, labels {b[0]['font']:.1f} px)")


if __name__ == "__main__":
    main()
