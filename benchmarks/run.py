"""Benchmarks of corpus builds and queries (a script, not a test).

    .venv/bin/python benchmarks/run.py                       # N = 1, 100, 1000
    .venv/bin/python benchmarks/run.py --sizes 1,100 --cap 30

Measures, in one run:

* cold single-report ``kg build --no-views`` of the seed report vs the floor
  ``python -c "import rdflib, jieba; jieba.initialize()"`` (medians of --reps runs);
* for each N: build wall time and throughput (chars of normalized text / s) of
  ``kg.store.build.build_corpus`` into a fresh embedded store, in a child process whose
  process tree RSS (parent + workers, summed, so shared pages count twice: an upper
  bound) is sampled every 0.1 s;
* an unchanged re-build of the largest corpus (build_corpus time and whole-process time);
* median latency of the named queries ``problems``, ``regulations`` (kg/queries/*.rq)
  and a cross-report query (regulations per problem category across reports) against
  (a) the embedded Oxigraph store and (b) an rdflib in-memory ``Dataset`` loaded with
  the same quads (graph.nq), each query capped at --cap seconds (reported as "> cap").

Results go to stdout (a Markdown table) and ``--out/results.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
SEED = REPO / "data" / "reports" / "zuoxie_2020.txt"

CROSS_REPORT = """
# Regulations per problem category across reports: own regulations acted on by a measure
# that addresses a problem category, grouped by the category's label over all reports.
PREFIX kgo: <https://w3id.org/kg-rectify/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?category (COUNT(DISTINCT ?doc) AS ?regulations) (COUNT(DISTINCT ?report) AS ?reports) WHERE {
  ?mention a kgo:DocumentMention ; kgo:mentions ?doc ; kgo:inMeasure ?measure .
  ?doc kgo:documentKind "regulation" .
  ?measure kgo:addresses ?p .
  ?p skos:prefLabel ?l ; kgo:inReport ?report .
  BIND(STR(?l) AS ?category)
}
GROUP BY ?category
ORDER BY DESC(?regulations) ?category
LIMIT 50
"""

#: the least work a listing of those rows can do: one index scan, no join (each further
#: triple pattern per row costs a store lookup)
SCAN_FLOORS = {
    "problem categories": "SELECT ?p WHERE { ?p a kgo:ProblemCategory }",
    "document mentions": "SELECT ?m WHERE { ?m a kgo:DocumentMention }",
}


def named_queries() -> dict[str, str]:
    qs = {}
    for name in ("problems", "regulations"):
        p = REPO / "kg" / "queries" / f"{name}.rq"
        if p.exists():
            qs[name] = p.read_text(encoding="utf-8")
    qs["cross_report"] = CROSS_REPORT
    return qs


# ---------------------------------------------------------------- child modes

def _processor(process: str):
    """``--process module:function`` (e.g. tests.test_corpus:fake_process, to try the harness) or None."""
    if not process:
        return None
    import importlib

    mod, _, attr = process.partition(":")
    return getattr(importlib.import_module(mod), attr)


def child_build(src: str, out: str, jobs: int | None, process: str = "") -> None:
    t0 = time.perf_counter()
    sys.path.insert(0, str(REPO))
    from kg.store.build import build_corpus

    res = build_corpus([src], out, jobs=jobs, progress=False, process=_processor(process))
    import pyoxigraph  # noqa: F401

    print(json.dumps({"seconds": res.seconds, "process_seconds": time.perf_counter() - t0, "chars": res.chars,
                      "bytes": res.bytes, "built": len(res.built), "unchanged": len(res.unchanged),
                      "failed": [str(f) for f in res.failed][:5], "n_failed": len(res.failed),
                      "reports": len(res.reports)}))


def child_extract_only(src: str, jobs: int | None, process: str = "") -> None:
    """The extraction stages alone (same workers and N-Quads as a build, no store): how fast a
    build could be if writing the store cost nothing."""
    sys.path.insert(0, str(REPO))
    from concurrent.futures import ProcessPoolExecutor

    from kg.store.inputs import expand_paths
    from kg.store.workers import extract_one, init_worker

    files = [str(f) for f in expand_paths([src])]
    t = time.perf_counter()
    chars = quads = 0
    with ProcessPoolExecutor(max_workers=jobs or os.cpu_count(), initializer=init_worker,
                             initargs=(_processor(process), True)) as pool:
        for w in pool.map(extract_one, files, chunksize=4):
            chars += w.chars
            quads += w.nt.count(b"\n")
    print(json.dumps({"seconds": time.perf_counter() - t, "chars": chars, "quads": quads, "reports": len(files)}))


def child_store_only(out: str) -> None:
    """Writing the build's own quads into a fresh embedded store exactly as a build does (same
    batches of bulk loads, then the same compaction), from N-Quads files prepared untimed:
    how fast a build could be if extraction cost nothing."""
    sys.path.insert(0, str(REPO))
    import pyoxigraph as ox

    from kg.store.build import BATCH_REPORTS, OPTIMIZE_AFTER_BATCHES
    from kg.rdf.ntriples import to_nquads
    from kg.store.oxigraph import Store

    tmp = Path(out) / "store-only"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "nq").mkdir(parents=True)
    files = []
    with Store.open(Path(out) / "store", read_only=True) as st:
        iris = sorted(st.reports())
        for i in range(0, len(iris), BATCH_REPORTS):
            f = tmp / "nq" / f"{i:06d}.nq"
            with open(f, "wb") as fh:
                for iri in iris[i:i + BATCH_REPORTS]:
                    fh.write(to_nquads(st.graph_nt(iri), iri))
            files.append(f)
    t = time.perf_counter()
    s = ox.Store(str(tmp / "store"))
    for f in files:
        s.bulk_load(path=str(f), format=ox.RdfFormat.N_QUADS)
    load = time.perf_counter() - t
    if len(files) >= OPTIMIZE_AFTER_BATCHES:
        s.optimize()
    s.flush()
    total = time.perf_counter() - t
    del s
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps({"load_s": load, "seconds": total, "batches": len(files), "reports": len(iris)}))


def _median_latency(run, reps: int, cap: float) -> tuple[float | None, int]:
    times = []
    spent = 0.0
    for _ in range(reps):
        t = time.perf_counter()
        rows = run()
        dt = time.perf_counter() - t
        times.append(dt)
        spent += dt
        if spent > cap:
            break
    return statistics.median(times), rows


def child_query_oxigraph(out: str, reps: int, cap: float) -> None:
    sys.path.insert(0, str(REPO))
    from kg.store.oxigraph import Store

    res = {}
    with Store.open(Path(out) / "store", read_only=True) as st:
        quads = len(st)
        for name, q in named_queries().items():
            st.query(q)  # warm-up
            med, rows = _median_latency(lambda: len(st.query(q).rows), reps, cap)
            res[name] = {"median_ms": med * 1000, "rows": rows}
        floors = {}
        for name, q in SCAN_FLOORS.items():
            st.query(q)
            med, rows = _median_latency(lambda: len(st.query(q).rows), reps, cap)
            floors[name] = {"median_ms": med * 1000, "rows": rows}
    print(json.dumps({"quads": quads, "queries": res, "floors": floors}))


class _Timeout(Exception):
    pass


def child_query_rdflib(out: str, reps: int, cap: float) -> None:
    import resource

    import rdflib

    t = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(str(Path(out) / "graph.nq"), format="nquads")
    load = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def alarm(*_):
        raise _Timeout()

    signal.signal(signal.SIGALRM, alarm)
    res = {}
    for name, q in named_queries().items():
        times, rows, timed_out = [], None, False
        for _ in range(reps):
            signal.setitimer(signal.ITIMER_REAL, cap)
            try:
                t = time.perf_counter()
                rows = len(list(ds.query(q)))
                times.append(time.perf_counter() - t)
            except _Timeout:
                timed_out = True
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if sum(times) > cap:
                break
        res[name] = {"median_ms": None if timed_out and not times else statistics.median(times) * 1000,
                     "rows": rows, "timed_out": timed_out and not times}
    print(json.dumps({"load_s": load, "rss_mb": rss, "quads": len(ds), "queries": res}))


# ---------------------------------------------------------------- parent

def tree_rss(proc) -> int:
    import psutil

    try:
        p = psutil.Process(proc.pid)
        procs = [p] + p.children(recursive=True)
    except psutil.Error:
        return 0
    total = 0
    for q in procs:
        try:
            total += q.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_child(args: list[str], timeout: float | None = None, sample: bool = False) -> tuple[dict, float, int]:
    """Run ``run.py <args>`` in a child; returns (its JSON, wall seconds, peak tree RSS bytes)."""
    t = time.perf_counter()
    proc = subprocess.Popen([PY, str(Path(__file__).resolve())] + args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=REPO)
    peak = 0
    stop = threading.Event()

    def sampler():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc))
            stop.wait(0.1)

    th = threading.Thread(target=sampler, daemon=True)
    if sample:
        th.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"timeout": True}, time.perf_counter() - t, peak
    finally:
        stop.set()
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed ({proc.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    return json.loads(out.decode().strip().splitlines()[-1]), wall, peak


def timed(cmd: list[str], reps: int, env=None) -> float:
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        r = subprocess.run(cmd, cwd=REPO, capture_output=True, env=env)
        ts.append(time.perf_counter() - t)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr.decode(errors='replace')[-2000:]}")
    return statistics.median(ts)


def fmt_ms(q: dict | None, cap: float) -> str:
    if q is None:
        return "n/a"
    if q.get("timed_out") or q.get("median_ms") is None:
        return f"> {cap:g} s"
    return f"{q['median_ms']:.1f} ms"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_build":
        child_build(argv[1], argv[2], int(argv[3]) or None, argv[4] if len(argv) > 4 else "")
        return 0
    if argv and argv[0] == "_extract":
        child_extract_only(argv[1], int(argv[2]) or None, argv[3] if len(argv) > 3 else "")
        return 0
    if argv and argv[0] == "_storeonly":
        child_store_only(argv[1])
        return 0
    if argv and argv[0] == "_oxigraph":
        child_query_oxigraph(argv[1], int(argv[2]), float(argv[3]))
        return 0
    if argv and argv[0] == "_rdflib":
        child_query_rdflib(argv[1], int(argv[2]), float(argv[3]))
        return 0

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,100,1000")
    ap.add_argument("--out", default=str(REPO / "build" / "bench"))
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (default: all cores)")
    ap.add_argument("--reps", type=int, default=7, help="repetitions for medians")
    ap.add_argument("--cap", type=float, default=60.0, help="time cap per rdflib query (s)")
    ap.add_argument("--rdflib-load-cap", type=float, default=1800.0, help="time cap for loading rdflib (s)")
    ap.add_argument("--rdflib-max-quads", type=int, default=3_000_000,
                    help="do not load rdflib beyond this many quads (RAM: ~1.5 KB per quad)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-cold", action="store_true")
    ap.add_argument("--no-split", action="store_true",
                    help="skip the extraction-alone / store-alone runs that split the build time")
    ap.add_argument("--process", default="", help="module:function replacing kg.api.process (harness tests)")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from make_corpus import make_corpus

    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]}, "sizes": {}}

    if not a.skip_cold:
        tmp = out / "cold"
        shutil.rmtree(tmp, ignore_errors=True)
        floors, colds = [], []
        for _ in range(a.reps):   # alternating, so that both see the same phases of a noisy machine
            floors.append(timed([PY, "-c", "import rdflib, jieba; jieba.initialize()"], 1))
            colds.append(timed([PY, "-m", "kg.cli", "build", "--no-views", str(SEED), "--out", str(tmp), "--rebuild"],
                               1))
        floor, cold = statistics.median(floors), statistics.median(colds)
        results["cold"] = {"floor_s": floor, "seed_build_s": cold, "ratio": cold / floor,
                           "floor_runs_s": floors, "seed_build_runs_s": colds}
        print(f"cold seed build {cold:.2f} s, floor {floor:.2f} s, ratio {cold / floor:.2f}", file=sys.stderr)

    sizes = [int(x) for x in a.sizes.split(",") if x]
    for n in sizes:
        corpus = out / f"corpus-{n}"
        make_corpus(n, corpus, a.seed)
        dest = out / f"build-{n}"
        shutil.rmtree(dest, ignore_errors=True)
        b, wall, peak = run_child(["_build", str(corpus), str(dest), str(a.jobs), a.process], sample=True)
        r: dict = {"build": b, "build_wall_s": wall, "peak_rss_mb": peak / 2**20,
                   "chars_per_s": b["chars"] / b["seconds"] if b["seconds"] else None}
        print(f"N={n}: build {b['seconds']:.1f} s, {r['chars_per_s']:,.0f} chars/s, peak RSS {peak / 2**20:.0f} MB, "
              f"{b['n_failed']} failed", file=sys.stderr)
        if n > 1 and not a.no_split:
            ex, _, _ = run_child(["_extract", str(corpus), str(a.jobs), a.process])
            so, _, _ = run_child(["_storeonly", str(dest)])
            r["extract_only"] = {**ex, "chars_per_s": b["chars"] / ex["seconds"]}
            r["store_only"] = {**so, "chars_per_s": b["chars"] / so["seconds"]}
            print(f"N={n}: extraction alone {ex['seconds']:.1f} s ({b['chars'] / ex['seconds']:,.0f} chars/s), "
                  f"store writes alone {so['seconds']:.1f} s ({b['chars'] / so['seconds']:,.0f} chars/s)",
                  file=sys.stderr)
        if n == max(sizes):
            ub, uwall, _ = run_child(["_build", str(corpus), str(dest), str(a.jobs), a.process])
            r["unchanged_rebuild"] = {"build_corpus_s": ub["seconds"], "process_s": uwall,
                                      "unchanged": ub["unchanged"], "built": ub["built"]}
            print(f"N={n}: unchanged rebuild {ub['seconds']:.2f} s ({uwall:.2f} s with process start)",
                  file=sys.stderr)
        ox, _, _ = run_child(["_oxigraph", str(dest), str(a.reps), str(a.cap)])
        r["oxigraph"] = ox
        if ox["quads"] <= a.rdflib_max_quads and not (dest / "graph.nq").exists():
            sys.path.insert(0, str(REPO))
            from kg.store.build import write_nquads
            from kg.store.oxigraph import Store

            with Store.open(dest / "store", read_only=True) as st:   # graph.nq is only written for small builds
                write_nquads(st, dest / "graph.nq")
        if ox["quads"] > a.rdflib_max_quads:
            rl = {"skipped": f"{ox['quads']:,} quads > --rdflib-max-quads {a.rdflib_max_quads:,}"}
        else:
            rl, rwall, rpeak = run_child(["_rdflib", str(dest), str(a.reps), str(a.cap)],
                                         timeout=a.rdflib_load_cap + 4 * a.cap * len(named_queries()), sample=True)
            rl["peak_rss_mb"] = rpeak / 2**20
            if rl.get("timeout"):
                rl["skipped"] = f"load + queries did not finish within {a.rdflib_load_cap:g} s"
        r["rdflib"] = rl
        print(f"N={n}: oxigraph {json.dumps(ox['queries'])}\n       rdflib {json.dumps(rl.get('queries'))}",
              file=sys.stderr)
        results["sizes"][n] = r

    (out / "results.json").write_text(json.dumps(results, indent=1))
    print(render(results, a.cap))
    return 0


def render(results: dict, cap: float) -> str:
    lines = []
    c = results.get("cold")
    if c:
        lines += ["| measure | value | target |", "|---|---|---|",
                  f"| floor `import rdflib, jieba; jieba.initialize()` | {c['floor_s']:.2f} s | |",
                  f"| cold `kg build --no-views` seed | {c['seed_build_s']:.2f} s ({c['ratio']:.2f}× floor) | ≤ 1.5× |", ""]
    lines += ["| N | quads | build s | chars/s | peak RSS MB | query | Oxigraph median | rdflib median | rdflib/Oxigraph |",
              "|---|---|---|---|---|---|---|---|---|"]
    for n, r in results["sizes"].items():
        b = r["build"]
        ox = r["oxigraph"]["queries"]
        rl = r["rdflib"].get("queries") or {}
        first = True
        for name in ox:
            o, q = ox[name], rl.get(name)
            if q and not q.get("timed_out") and q.get("median_ms") is not None:
                ratio = f"{q['median_ms'] / max(o['median_ms'], 1e-6):.0f}×"
            elif q:
                ratio = f"> {cap * 1000 / max(o['median_ms'], 1e-6):.0f}×"
            else:
                ratio = "n/a"
            head = (f"| {n} | {r['oxigraph']['quads']:,} | {b['seconds']:.1f} | {r['chars_per_s']:,.0f} | "
                    f"{r['peak_rss_mb']:.0f} |") if first else "| | | | | |"
            lines.append(f"{head} {name} ({o['rows']} rows) | {o['median_ms']:.1f} ms | {fmt_ms(q, cap)} | {ratio} |")
            first = False
        for name, f in (r["oxigraph"].get("floors") or {}).items():
            lines.append(f"| | | | | | floor: scan of {name} ({f['rows']} rows, no join) | {f['median_ms']:.1f} ms | | |")
        for key, label in (("extract_only", "extraction alone (no store)"), ("store_only", "store writes alone")):
            if key in r:
                lines.append(f"| | | {r[key]['seconds']:.1f} | {r[key]['chars_per_s']:,.0f} | | {label} | | | |")
        if "skipped" in r["rdflib"]:
            lines.append(f"| | | | | | rdflib not measured: {r['rdflib']['skipped']} | | | |")
        if "load_s" in r["rdflib"]:
            lines.append(f"| | | | | | rdflib load graph.nq | | {r['rdflib']['load_s']:.1f} s, "
                         f"{r['rdflib']['peak_rss_mb']:.0f} MB | |")
        if "unchanged_rebuild" in r:
            u = r["unchanged_rebuild"]
            lines.append(f"| | | unchanged rebuild: {u['build_corpus_s']:.2f} s ({u['process_s']:.2f} s with "
                         f"process start) | | | | | | |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
