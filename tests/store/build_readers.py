"""Queries in a loop while ``kg build`` runs, and the kill -9 of a build: what ``tests/store/test_switch.py``
and ``benchmarks/kill_test.py`` both run (the benchmark imports this module; the ``kg`` package never does).

A build's state is ``(graphs, triples)`` as ``kg query`` answers :data:`STATE_QUERY`: one pair per whole build
(its report graphs, the ontology's and the summaries', and their triples), so an answer from a partial store
shows.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KG = [sys.executable, "-m", "kg.cli"]
STATE_QUERY = "SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(*) AS ?triples) { GRAPH ?g { ?s ?p ?o } }"

#: a reader looping in its own process: one JSON line per answer ([graphs, triples] or {"error": …})
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


def kg(*args: str, prefix: tuple[str, ...] = (), timeout: float = 300) -> subprocess.CompletedProcess:
    """``kg ARGS`` in a process of its own (``prefix``: a command that runs it, e.g. setpriv)."""
    return subprocess.run([*prefix, *KG, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO)


def parse_state(csv_text: str) -> tuple[int, int]:
    g, t = csv_text.strip().splitlines()[1].split(",")
    return int(g), int(t)


def state(out: Path, **kw) -> tuple[int, int]:
    """(graphs, triples) of the build in ``out``, as ``kg query`` answers it."""
    r = kg("query", STATE_QUERY, "--graph", str(out), "--format", "csv", **kw)
    if r.returncode:
        raise AssertionError(f"kg query failed: {r.stderr}")
    return parse_state(r.stdout)


def manifest_count(out: Path) -> int:
    """The reports the build's manifest lists."""
    return len(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"])


def marked(mark: str) -> list[int]:
    """Live processes started with KG_TEST_MARK=mark in their environment (a build and its workers)."""
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


def writing(out: Path, since: float) -> bool:
    """Whether a build started at ``since`` writes its store yet (it saves the store's manifest first)."""
    for m in (out / "store").glob("gen-*/kg-manifest.json"):
        try:
            if m.stat().st_mtime >= since:
                return True
        except OSError:     # deleted meanwhile
            continue
    return False


class Readers:
    """Queries issued in a loop while something runs: ``kg query`` processes back to back (``pause`` seconds
    apart, each within ``timeout``), and one fast reader process (open, query, close, every 20 ms). Every
    answer is recorded: (graphs, triples) or an error text, in :attr:`cli` and :attr:`fast`."""

    def __init__(self, out: Path, tmp: Path, pause: float = 0.5, timeout: float = 120):
        self.out, self.stop_file = out, tmp / f"stop-{uuid.uuid4().hex}"
        self.pause, self.timeout = pause, timeout
        self.cli: list = []
        self.fast: list = []
        self._stop = threading.Event()

    @property
    def answers(self) -> list:
        return self.cli + self.fast

    def __enter__(self):
        self._proc = subprocess.Popen([sys.executable, "-c", READER, str(self.out), str(self.stop_file), STATE_QUERY],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)
        self._lines: list[str] = []      # read as they come: a full pipe would stop the reader
        self._fast_thread = threading.Thread(target=lambda: self._lines.extend(self._proc.stdout), daemon=True)
        self._fast_thread.start()
        self._thread = threading.Thread(target=self._cli_loop, daemon=True)
        self._thread.start()
        return self

    def _cli_loop(self):
        while not self._stop.is_set():
            r = kg("query", STATE_QUERY, "--graph", str(self.out), "--format", "csv", timeout=self.timeout)
            self.cli.append(parse_state(r.stdout) if r.returncode == 0
                            else f"kg query exit {r.returncode}: {r.stderr.strip()}")
            self._stop.wait(self.pause)       # leave the build some CPU

    def __exit__(self, *exc):
        self._stop.set()
        self.stop_file.write_text("")
        self._fast_thread.join(timeout=self.timeout)
        self._proc.wait(timeout=self.timeout)
        out = "".join(self._lines)
        self._thread.join(timeout=self.timeout)
        self.stop_file.unlink()
        for line in out.splitlines():
            doc = json.loads(line)
            self.fast.append(tuple(doc) if isinstance(doc, list) else f"reader: {doc['error']}")
        return False

    def check(self, allowed: set[tuple[int, int]]) -> None:
        assert self.answers, "no query ran"
        wrong = [a for a in self.answers if a not in allowed]
        assert not wrong, f"{len(wrong)} of {len(self.answers)} answers not from a whole build {allowed}: {wrong[:5]}"


def start_build(out: Path, src: Path, *extra: str, log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """``kg build --no-views EXTRA SRC --out OUT`` in the background, its output to the file ``log`` (a full
    pipe would stop it; default beside ``out``); a mark to find its processes by (:func:`marked`)."""
    mark = uuid.uuid4().hex
    log = log or out.parent / f"build-{mark}.log"
    with open(log, "w") as fh:
        p = subprocess.Popen([*KG, "build", "--no-views", *extra, str(src), "--out", str(out)],
                             stdout=fh, stderr=subprocess.STDOUT, cwd=REPO, env=dict(os.environ, KG_TEST_MARK=mark))
    return p, mark


@dataclass
class Kill:
    running: bool        # the build was still running when killed
    workers: int         # its worker processes then
    left: list[int]      # its processes still alive 10 s after the kill


def kill_build(p: subprocess.Popen, mark: str, after: float, ready=lambda: True, ready_timeout: float = 300) -> Kill:
    """kill -9 the build (its main process only) ``after`` seconds once ``ready()`` (or when it ended), then
    wait up to 10 s for all its processes to end."""
    deadline = time.monotonic() + ready_timeout
    while not ready() and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    t0 = time.monotonic()
    while p.poll() is None and time.monotonic() - t0 < after:
        time.sleep(0.02)
    workers = max(len(marked(mark)) - 1, 0)
    running = p.poll() is None
    if running:
        os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=60)
    deadline = time.monotonic() + 10
    while marked(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    return Kill(running, workers, marked(mark))
