"""Extraction-alone throughput of this checkout against a baseline commit, measured in one run.

    .venv/bin/python benchmarks/compare_extraction.py [--baseline REV] [--reports 1000] [--reps 3]

Both trees extract the same synthetic corpus (``benchmarks/make_corpus.py``) with the same worker processes
a build uses (all cores, N-Quads made in the workers, no store), alternating baseline and current run by
run so that the machine's drift hits both alike. Prints the medians (characters of normalized text per
second), the ratio current / baseline, and the number of reports each refused. The baseline is checked out
with ``git worktree`` into a temporary directory and removed afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from kg.store.inputs import expand_paths
from kg.store.workers import extract_one, init_worker
files = [str(f) for f in expand_paths([sys.argv[1]])]
t = time.perf_counter()
chars = errors = 0
with ProcessPoolExecutor(max_workers=os.cpu_count(), initializer=init_worker, initargs=(None, True)) as pool:
    for w in pool.map(extract_one, files, chunksize=4):
        chars += w.chars
        errors += bool(w.error)
print(json.dumps({"seconds": time.perf_counter() - t, "chars": chars, "errors": errors, "reports": len(files)}))
"""


def run_child(tree: Path, corpus: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, "-c", CHILD, str(corpus)], env=env, cwd=tree,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", default="0dafa47", help="the commit to compare with (default: the one before issue 10)")
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    corpus = REPO / "build" / "bench" / f"corpus-{args.reports}"
    if not corpus.is_dir():
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_corpus.py"), str(args.reports), str(corpus),
                        "--seed", str(args.seed)], check=True)
    with tempfile.TemporaryDirectory(prefix="kg-baseline-") as tmp:
        base = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(base), args.baseline], check=True)
        try:
            runs: dict[str, list[dict]] = {"baseline": [], "current": []}
            run_child(REPO, corpus)        # warm-up: jieba's cache, the page cache
            for _ in range(args.reps):
                runs["baseline"].append(run_child(base, corpus))
                runs["current"].append(run_child(REPO, corpus))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=False)
    result = {}
    for name, rs in runs.items():
        rates = [r["chars"] / r["seconds"] for r in rs]
        result[name] = {"median_chars_per_s": statistics.median(rates), "runs": rates,
                        "errors": rs[-1]["errors"], "reports": rs[-1]["reports"], "chars": rs[-1]["chars"]}
    ratio = result["current"]["median_chars_per_s"] / result["baseline"]["median_chars_per_s"]
    print(f"| tree | extraction alone, {args.reports} reports (median of {args.reps}) | refused |")
    print("|---|---|---|")
    for name in ("baseline", "current"):
        r = result[name]
        print(f"| {name} ({args.baseline if name == 'baseline' else 'this checkout'}) | "
              f"{r['median_chars_per_s']:,.0f} chars/s | {r['errors']} of {r['reports']} |")
    print(f"\nratio current / baseline: {ratio:.2f}")
    print(json.dumps({"ratio": ratio, **result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
