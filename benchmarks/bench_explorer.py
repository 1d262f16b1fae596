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

With ``--build DIR`` (an existing build of more reports than :data:`kg.explore.explorer.MAX_REPORTS`, e.g.
1,000; copied first, since writing the page and serving reports fill its caches): the **corpus page**, the
time to write it (in a new process: cold; again in the same process: warm) and its size, then through
``kg serve`` in headless Chromium the time until the corpus overview is drawn with labels, and the time to
open one report's page from it (a click on the report: made by kg serve from the store the first time, from
its memory the second).

    .venv/bin/python benchmarks/bench_explorer.py [--corpus DIR] [--reports N] [--runs K] [--work DIR]
    .venv/bin/python benchmarks/bench_explorer.py --build /tmp/c1000 [--runs K]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
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


#: what the benchmark reads of the Graph tab's first view once drawn
DRAWN = ("({ready: kgExplorer.timings.ready, graph: kgExplorer.timings.graph, kind: kgExplorer.gview.kind, "
         "nodes: kgExplorer.graph.spec.nodes.length, hidden: kgExplorer.gview.hidden.length, "
         "font: kgExplorer.FONT_SIZE * kgExplorer.graph.network.getScale()})")


def in_chromium(url: str, runs: int, then=None) -> list[dict]:
    """Open ``url`` ``runs`` times (a new context each) in headless Chromium at 1600×1000; once the Graph tab's
    first view is drawn, what :data:`DRAWN` reads, with what ``then(page)`` adds."""
    from playwright.sync_api import sync_playwright
    out = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            ctx = b.new_context(viewport={"width": 1600, "height": 1000})
            pg = ctx.new_page()
            pg.goto(url)
            _wait(pg, "window.kgExplorer && kgExplorer.timings.graph")
            got = pg.evaluate(DRAWN)
            if then is not None:
                got.update(then(pg))
            out.append(got)
            ctx.close()
        b.close()
    return out


def browser_times(page: Path, runs: int) -> list[dict]:
    return in_chromium(page.resolve().as_uri() + "#view=graph", runs)


def corpus_page(src: Path, work: Path, runs: int) -> None:
    """The corpus page of a copy of the build ``src``: write times, size, and in Chromium through kg serve."""
    out, views = work / "build", work / "views"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(src, out, ignore=shutil.ignore_patterns("visualizations"))
    page = views / "explorer.html"
    cold, warm = [], []
    code = ("import sys, time; sys.path.insert(0, %r); t = time.perf_counter(); from kg import api; "
            "api.write_explorer(%r, %r); print(time.perf_counter() - t)") % (str(ROOT), str(out), str(views))
    for _ in range(runs):
        page.unlink(missing_ok=True)
        cold.append(float(subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True,
                                         text=True).stdout.split()[-1]))
        page.unlink(missing_ok=True)
        warm.append(timed(lambda: api.write_explorer(out, views)))
    model = api.read_model(page)
    assert model["scope"]["kind"] == "corpus", model["scope"]
    n = len(model["reports"])
    print(f"{n} reports: corpus page {page.stat().st_size / 2**20:.1f} MB ({len(model['nodes'])} nodes, "
          f"{len(model['edges'])} edges); medians of {runs} runs")
    print(f"  write_explorer cold (new process)   {statistics.median(cold):6.2f} s  ({', '.join(f'{t:.2f}' for t in cold)})")
    print(f"  write_explorer warm                 {statistics.median(warm):6.2f} s  ({', '.join(f'{t:.2f}' for t in warm)})")
    server = api.serve(out, port=0, views=views)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rid = model["reports"][len(model["reports"]) // 2]["id"]
    try:
        b = served_times(server.url, rid, runs)
    finally:
        server.shutdown()
        server.server_close()
    med = lambda k: statistics.median(x[k] for x in b)  # noqa: E731
    print(f"  served: page ready                  {med('ready'):6.0f} ms")
    print(f"  served: corpus overview drawn       {med('graph'):6.0f} ms ({b[0]['nodes']} nodes drawn, "
          f"{b[0]['hidden']} listed, labels {b[0]['font']:.1f} px)")
    print(f"  served: report {rid} page, first    {b[0]['report']:6.0f} ms (made by kg serve: click → page ready)")
    print(f"  served: report page, again          {statistics.median(x['report'] for x in b[1:] or b):6.0f} ms (kept by kg serve)")


def _wait(pg, expr: str, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if pg.evaluate(f"!!({expr})"):
                return
        except Exception:       # the page navigating
            pass
        time.sleep(0.02)
    raise TimeoutError(expr)


def served_times(base: str, rid: str, runs: int) -> list[dict]:
    def open_report(pg) -> dict:
        assert pg.evaluate("kgExplorer.gview.kind") == "corpus"
        t0 = time.perf_counter()
        pg.evaluate("(id) => kgExplorer.openReport(kgExplorer.model.reports.findIndex(r => r.id === id))", rid)
        _wait(pg, "location.pathname.indexOf('/report/') === 0 && window.kgExplorer && kgExplorer.ready")
        return {"report": (time.perf_counter() - t0) * 1000}
    return in_chromium(base, runs, open_report)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "build" / "bench" / "corpus-200")
    ap.add_argument("--reports", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None, help="build here (default: a new temporary folder)")
    ap.add_argument("--build", type=Path, default=None,
                    help="an existing large build (copied into --work): benchmark its corpus page instead")
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="kg-bench-explorer-"))
    if a.build:
        corpus_page(a.build, work, a.runs)
        return
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
