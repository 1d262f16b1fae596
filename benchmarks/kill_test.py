"""kill -9 a 300-report build at random points while queries run, and check that every answer is whole.

    python benchmarks/kill_test.py [--reports 300] [--added 100] [--kills 6] [--seed 1] [--out build/kill-test]

Makes ``--reports`` synthetic reports (``make_corpus.py``), builds the first ``reports - added`` of them
(the "old" build), then, with two kinds of readers looping all along (``kg query`` processes back to back,
and one process opening the build and querying every 20 ms), runs ``--kills`` builds of all the reports —
incremental builds and ``--rebuild`` in turn — each killed with SIGKILL (its main process only) at a
random moment (seeded) between the start of its writes and the end of its run; then one build to the end
(the "new" build). It fails when any answer is not that of the old or the new whole build (counted as
report graphs and triples), when a query fails, when the manifest lists other reports than the store
readers see, or when a process of a killed build (a worker) is still alive 10 s after the kill. The
numbers are printed at the end (and in ``OUT/results.json``).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KG = [sys.executable, "-m", "kg.cli"]
STATE_QUERY = "SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(*) AS ?triples) { GRAPH ?g { ?s ?p ?o } }"
READER = """
import json, os, sys, time
from kg.store.base import open_graph
out, stop, query = sys.argv[1:4]
while not os.path.exists(stop):
    try:
        with open_graph(out) as st:
            row = st.query(query).rows[0]
        print(json.dumps([int(row["graphs"]["value"]), int(row["triples"]["value"])]), flush=True)
    except Exception as e:
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
    time.sleep(0.02)
"""


def kg(*args: str, timeout: float = 3600) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO)


def state(out: Path) -> tuple[int, int]:
    r = kg("query", STATE_QUERY, "--graph", str(out), "--format", "csv")
    if r.returncode:
        raise SystemExit(f"kg query failed: {r.stderr}")
    g, t = r.stdout.strip().splitlines()[1].split(",")
    return int(g), int(t)


def marked(mark: str) -> list[int]:
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                env = Path(f"/proc/{d}/environ").read_bytes()
                status = Path(f"/proc/{d}/status").read_text()
            except OSError:
                continue
            if f"KG_TEST_MARK={mark}".encode() in env.split(b"\0") and "\nState:\tZ" not in status:
                pids.append(int(d))
    return pids


def generations(out: Path) -> list[str]:
    d = out / "store"
    return sorted(p.name for p in d.glob("gen-*") if p.is_dir()) if d.is_dir() else []


def writing(out: Path, since: float) -> bool:
    """Whether a build started at ``since`` writes its store yet (it saves the store's manifest first)."""
    for m in (out / "store").glob("gen-*/kg-manifest.json"):
        try:
            if m.stat().st_mtime >= since:
                return True
        except OSError:     # deleted meanwhile
            continue
    return False


def manifest_count(out: Path) -> int:
    return len(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"])


class Readers:
    def __init__(self, out: Path):
        self.out, self.stop_file = out, out.parent / f"stop-{uuid.uuid4().hex}"
        self.cli: list = []
        self.fast: list = []
        self._stop = threading.Event()

    def __enter__(self):
        self._proc = subprocess.Popen([sys.executable, "-c", READER, str(self.out), str(self.stop_file), STATE_QUERY],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)
        self._lines: list[str] = []      # read as they come: a full pipe would stop the reader
        self._fast_thread = threading.Thread(target=lambda: self._lines.extend(self._proc.stdout), daemon=True)
        self._fast_thread.start()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def _loop(self):
        while not self._stop.is_set():
            r = kg("query", STATE_QUERY, "--graph", str(self.out), "--format", "csv", timeout=600)
            if r.returncode == 0:
                g, t = r.stdout.strip().splitlines()[1].split(",")
                self.cli.append((int(g), int(t)))
            else:
                self.cli.append(f"exit {r.returncode}: {r.stderr.strip()}")

    def __exit__(self, *exc):
        self._stop.set()
        self.stop_file.write_text("")
        self._fast_thread.join(timeout=600)
        self._proc.wait(timeout=600)
        out = "".join(self._lines)
        self._thread.join(timeout=600)
        self.stop_file.unlink()
        for line in out.splitlines():
            doc = json.loads(line)
            self.fast.append(tuple(doc) if isinstance(doc, list) else f"reader: {doc['error']}")
        return False


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=300)
    ap.add_argument("--added", type=int, default=100, help="reports the killed builds add to the old build")
    ap.add_argument("--kills", type=int, default=6)
    ap.add_argument("--jobs", type=int, default=0, help="worker processes of the builds (default: all cores)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(REPO / "build" / "kill-test"))
    a = ap.parse_args(argv)
    top = Path(a.out).resolve()
    shutil.rmtree(top, ignore_errors=True)
    top.mkdir(parents=True)
    corpus, old_src, out = top / "corpus", top / "old", top / "build"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_corpus.py"), str(a.reports), str(corpus),
                    "--seed", str(a.seed)], check=True, cwd=REPO)
    files = sorted(corpus.glob("*.txt"))
    old_src.mkdir()
    for f in files[: a.reports - a.added]:
        os.link(f, old_src / f.name)
    jobs = ["--jobs", str(a.jobs)] if a.jobs else []

    t = time.monotonic()
    r = kg("build", "--no-views", *jobs, str(old_src), "--out", str(out))
    if r.returncode:
        raise SystemExit(f"first build failed: {r.stderr}")
    first = time.monotonic() - t
    old = state(out)
    others = old[0] - manifest_count(out)       # graphs that are no report's: the ontology, the summaries
    print(f"old build: {a.reports - a.added} reports in {first:.0f} s, state {old}", flush=True)

    rng = random.Random(a.seed)
    results = {"kills": [], "old": old}
    failures = []
    with Readers(out) as readers:
        for i in range(a.kills):
            extra = ["--rebuild"] if i % 2 else []
            since = time.time()
            mark = uuid.uuid4().hex
            log = open(top / f"build-{i}.log", "w")        # a file, not a pipe: a full pipe would stop the build
            p = subprocess.Popen([*KG, "build", "--no-views", *jobs, *extra, str(corpus), "--out", str(out)],
                                 stdout=log, stderr=subprocess.STDOUT, cwd=REPO,
                                 env=dict(os.environ, KG_TEST_MARK=mark))
            deadline = time.monotonic() + 3600
            while not writing(out, since) and p.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)         # until the build writes its store (a new one, or the one it resumes)
            wait = rng.uniform(0.0, 1.2 * first)
            t0 = time.monotonic()
            while p.poll() is None and time.monotonic() - t0 < wait:
                time.sleep(0.02)
            workers = max(len(marked(mark)) - 1, 0)
            running = p.poll() is None
            if running:
                os.kill(p.pid, signal.SIGKILL)
            p.wait()
            log.close()
            t1 = time.monotonic()
            while marked(mark) and time.monotonic() - t1 < 10:
                time.sleep(0.1)
            left = marked(mark)
            s = state(out)
            n = manifest_count(out)
            kill = {"build": "rebuild" if extra else "incremental", "after_s": round(wait, 1), "killed": running,
                    "workers_at_kill": workers, "alive_10s_later": left, "state": s, "manifest": n}
            results["kills"].append(kill)
            print(json.dumps(kill), flush=True)
            if left:
                failures.append(f"kill {i}: processes alive after 10 s: {left}")
            if s[0] - others != n:
                failures.append(f"kill {i}: the manifest lists {n} reports, readers see {s[0] - others} report graphs")
        r = kg("build", "--no-views", *jobs, str(corpus), "--out", str(out))
        if r.returncode:
            failures.append(f"final build failed: {r.stderr}")
    new = state(out)
    results["new"] = new
    answers = readers.cli + readers.fast
    wrong = [x for x in answers if x not in (old, new)]
    for k in results["kills"]:
        if tuple(k["state"]) not in (old, new):
            wrong.append(("after kill", k["state"]))
    results.update(answers=len(answers), cli_answers=len(readers.cli), fast_answers=len(readers.fast),
                   old_answers=sum(x == old for x in answers), new_answers=sum(x == new for x in answers),
                   wrong=[str(w) for w in wrong[:20]], n_wrong=len(wrong), stores_left=generations(out),
                   failures=failures)
    (top / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"new build: state {new}; {len(answers)} answers ({len(readers.cli)} kg query, {len(readers.fast)} "
          f"fast reader): {results['old_answers']} old, {results['new_answers']} new, {len(wrong)} wrong; "
          f"{sum(k['killed'] for k in results['kills'])} of {a.kills} builds killed while running "
          f"({sum(k['killed'] and k['workers_at_kill'] > 0 for k in results['kills'])} with workers); "
          f"stores left: {generations(out)}")
    for f in failures + [f"wrong answer: {w}" for w in wrong[:20]]:
        print("FAIL:", f)
    return 1 if failures or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
