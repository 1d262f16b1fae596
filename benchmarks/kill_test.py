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
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.store.build_readers import (Readers, kg, kill_build, manifest_count, start_build, state,  # noqa: E402
                                       writing)


def generations(out: Path) -> list[str]:
    d = out / "store"
    return sorted(p.name for p in d.glob("gen-*") if p.is_dir()) if d.is_dir() else []


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
    r = kg("build", "--no-views", *jobs, str(old_src), "--out", str(out), timeout=3600)
    if r.returncode:
        raise SystemExit(f"first build failed: {r.stderr}")
    first = time.monotonic() - t
    old = state(out)
    others = old[0] - manifest_count(out)       # graphs that are no report's: the ontology, the summaries
    print(f"old build: {a.reports - a.added} reports in {first:.0f} s, state {old}", flush=True)

    rng = random.Random(a.seed)
    results = {"kills": [], "old": old}
    failures = []
    with Readers(out, top, pause=0.0, timeout=600) as readers:
        for i in range(a.kills):
            extra = ["--rebuild"] if i % 2 else []
            since = time.time()
            p, mark = start_build(out, corpus, *jobs, *extra, log=top / f"build-{i}.log")
            wait = rng.uniform(0.0, 1.2 * first)
            k = kill_build(p, mark, wait, ready=lambda: writing(out, since), ready_timeout=3600)
            s = state(out)
            n = manifest_count(out)
            kill = {"build": "rebuild" if extra else "incremental", "after_s": round(wait, 1), "killed": k.running,
                    "workers_at_kill": k.workers, "alive_10s_later": k.left, "state": s, "manifest": n}
            results["kills"].append(kill)
            print(json.dumps(kill), flush=True)
            if k.left:
                failures.append(f"kill {i}: processes alive after 10 s: {k.left}")
            if s[0] - others != n:
                failures.append(f"kill {i}: the manifest lists {n} reports, readers see {s[0] - others} report graphs")
        r = kg("build", "--no-views", *jobs, str(corpus), "--out", str(out), timeout=3600)
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
