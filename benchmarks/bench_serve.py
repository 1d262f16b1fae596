"""Benchmark of the cross-report questions through ``kg serve`` and ``kg query`` on a built corpus.

For each named query (``shared_documents``, ``shared_units``, ``regulations_across_reports``):

* **kg serve**: ``kg serve --graph DIR`` is started once (a subprocess, as a user runs it); each run is one
  HTTP ``POST /sparql`` of the query text (``application/sparql-query``, ``Accept`` W3C JSON), timed from
  sending the request to the last byte of the answer;
* **kg query**: ``kg query NAME --graph DIR --format json`` as a new process (Python start-up included),
  output to a pipe;
* **Oxigraph alone**: the query on the store opened in this process, every row read (no conversion): the
  least any way of answering it can take.

Medians of ``--runs`` runs after one warm-up run each, in wall-clock seconds and in CPU seconds (of the
kg serve process and the query processes it ran, read from ``/proc``; of the kg query process and its
children, from ``getrusage``): on a machine busy with other jobs the CPU figures move far less. The answers of kg serve and kg query are checked to
be the same rows in the same order (and a digest of each is printed, to compare two versions of kg).

    .venv/bin/python benchmarks/bench_serve.py --graph /tmp/c1000 [--runs 7] [--out results.json]

Build the corpus once: ``benchmarks/make_corpus.py 1000 DIR`` (or ``build/bench/corpus-1000``), then
``kg build DIR --out /tmp/c1000 --no-views``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.explore.queries import resolve_query  # noqa: E402
from kg.rdf.vocab import with_prefixes  # noqa: E402
from kg.store.base import open_graph  # noqa: E402

QUERIES = ("shared_documents", "shared_units", "regulations_across_reports")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(graph: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--graph", graph, "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"kg serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/source", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("kg serve did not answer within 120 s")


def cpu_of(pid: int) -> float:
    """CPU seconds of process ``pid`` and of the children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def post(base: str, sparql: str, pid: int) -> tuple[float, float, bytes]:
    req = urllib.request.Request(base + "/sparql", sparql.encode("utf-8"),
                                 {"Content-Type": "application/sparql-query",
                                  "Accept": "application/sparql-results+json"})
    c0, t0 = cpu_of(pid), time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as r:
        body = r.read()
    return time.perf_counter() - t0, cpu_of(pid) - c0, body


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def kg_query(graph: str, name: str) -> tuple[float, float, bytes]:
    c0, t0 = children_cpu(), time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "kg.cli", "query", name, "--graph", graph, "--format", "json"],
                         cwd=ROOT, capture_output=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    return time.perf_counter() - t0, children_cpu() - c0, out


def oxigraph_alone(graph: str, name: str) -> tuple[float, float, int]:
    with open_graph(graph) as store:
        raw = store._st()
        sparql = with_prefixes(resolve_query(name))
        c0, t0 = time.process_time(), time.perf_counter()
        n = sum(1 for _ in raw.query(sparql, use_default_graph_as_union=True))
        return time.perf_counter() - t0, time.process_time() - c0, n


def rows_of(body: bytes) -> list:
    doc = json.loads(body)
    return [json.dumps(b, sort_keys=True, ensure_ascii=False) for b in doc["results"]["bindings"]]


def timed(fn, runs: int):
    """(wall-clock median, min, max), CPU median, the last answer."""
    fn()   # warm-up
    times, cpus, last = [], [], None
    for _ in range(runs):
        t, c, last = fn()
        times.append(t)
        cpus.append(c)
    return [statistics.median(times), min(times), max(times)], statistics.median(cpus), last


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graph", required=True, help="a build directory (kg build --out DIR)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--out", help="write the raw figures here (JSON)")
    args = ap.parse_args()
    proc, base = start_server(args.graph)
    results = {}
    try:
        for name in QUERIES:
            sparql = resolve_query(name)
            serve, serve_cpu, s_body = timed(lambda: post(base, sparql, proc.pid), args.runs)
            query, query_cpu, q_body = timed(lambda: kg_query(args.graph, name), args.runs)
            alone, alone_cpu, _ = timed(lambda: oxigraph_alone(args.graph, name), args.runs)
            served, queried = rows_of(s_body), rows_of(q_body)
            if served != queried:
                sys.exit(f"{name}: kg serve and kg query answer differently")
            results[name] = {"rows": len(served), "digest": hashlib.sha256("\n".join(served).encode()).hexdigest()[:16],
                             "serve": serve, "serve_cpu": serve_cpu, "query": query, "query_cpu": query_cpu,
                             "oxigraph": alone, "oxigraph_cpu": alone_cpu}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores; medians of {args.runs} runs, wall clock (min–max) · CPU")
    print("| query | rows | kg serve (POST /sparql) | kg query --format json | Oxigraph alone | answer digest |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        def fmt(key):
            t = r[key]
            return f"{t[0]:.2f} s ({t[1]:.2f}–{t[2]:.2f}) · {r[key + '_cpu']:.2f} s"
        print(f"| {name} | {r['rows']:,} | {fmt('serve')} | {fmt('query')} | {fmt('oxigraph')} | `{r['digest']}` |")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
