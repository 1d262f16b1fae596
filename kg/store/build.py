"""Incremental, parallel builds of a corpus of reports into a store.

``build_corpus(paths, out_dir)``:

* expands directories to their ``*.txt`` files (sorted, not recursive);
* keeps ``out_dir/manifest.json`` (path → sha256, iri, mtime_ns, size, …); a report
  whose size and mtime are unchanged, or whose bytes hash the same, is not
  re-extracted; a report no longer among the inputs has its graph dropped;
* extracts the changed reports in worker processes (``jobs``, default: all
  cores), each worker returning the report IRI, its graph as sorted N-Triples
  bytes and its warnings; results are streamed into the store as they arrive
  (a bounded number in flight, so never all graphs in memory);
* a bad report (``KgInputError`` or any other exception) is recorded in
  :attr:`CorpusResult.failed` and skipped, the others are built;
* for small corpora writes merged files: ``out_dir/graph.ttl`` (all reports merged,
  rdflib Turtle) for at most :data:`TTL_MAX_REPORTS` reports and ``out_dir/graph.nq``
  (report graphs, sorted lines, deterministic) for at most :data:`NQ_MAX_REPORTS`.
  A report's graph is ~4,000 quads / ~1 MB of N-Quads (evidence sentences), so a
  1,000-report corpus would mean ~2 GB rewritten on every change: beyond the limits
  the store is the product and ``kg export`` writes dumps on demand. The files are
  rewritten only when some report changed or a file is missing, and removed when
  the corpus outgrows a limit (no stale merged file is left behind).

A build runs in named steps over one :class:`BuildRun`: :func:`plan_changes` (what is
unchanged, what to extract, what to drop), :func:`drop_removed`, :func:`extract_into`
and :func:`finish` (manifest and merged outputs).
"""
from __future__ import annotations

import hashlib
import json
import os
import queue
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable

from kg.errors import KgInputError, KgStoreError
from kg.fileio import atomic_open, atomic_write
from kg.model import ReportResult
from kg.rdf.ntriples import merged_turtle, sorted_nt, to_nquads
from kg.rdf.report import process as process_report
from kg.store.base import GraphStore, store_fingerprint
from kg.store.oxigraph import Store

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
#: graph.ttl (merged Turtle) is written only for builds of at most this many reports.
TTL_MAX_REPORTS = int(os.environ.get("KG_TTL_MAX_REPORTS", "10"))
#: graph.nq (all report graphs) is written only for builds of at most this many reports.
NQ_MAX_REPORTS = int(os.environ.get("KG_NQ_MAX_REPORTS", "10"))

#: results are written into the store in batches of this many reports / bytes of N-Triples
BATCH_REPORTS = 20
BATCH_BYTES = 32 << 20
#: compact the embedded store after a build that wrote at least this many batches: every
#: bulk load adds RocksDB files and lookups slow down (1000 reports: a 25 s compaction makes
#: the named queries ~3× faster)
OPTIMIZE_AFTER_BATCHES = 10

Processor = Callable[[str], ReportResult]


@dataclass
class Failure:
    """A report the build skipped, and why."""
    path: str
    message: str

    def __str__(self) -> str:
        # input errors already name the file
        return self.message if self.message.startswith(self.path) else f"{self.path}: {self.message}"


@dataclass
class CorpusResult:
    """What a corpus build did: the reports built, kept, removed and failed, and the files written."""
    out_dir: Path
    store: str                                   # store location
    reports: dict[str, str] = field(default_factory=dict)    # path → report IRI (all built reports)
    built: list[str] = field(default_factory=list)            # paths extracted in this run
    unchanged: list[str] = field(default_factory=list)        # paths skipped as unchanged
    removed: list[str] = field(default_factory=list)          # IRIs whose graphs were dropped
    failed: list[Failure] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)  # path → warnings (built in this run)
    chars: int = 0                               # characters of normalized text extracted in this run
    bytes: int = 0                               # bytes of input extracted in this run
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    optimized: bool = False                      # the store was compacted after many batches

    @property
    def ok(self) -> bool:
        """No report failed."""
        return not self.failed

    @property
    def changed(self) -> bool:
        """Some report graph was written or dropped."""
        return bool(self.built or self.removed)

    def summary(self) -> str:
        """One line for the CLI: counts, store and speed."""
        s = (f"{len(self.reports)} reports in {self.store}: {len(self.built)} built, {len(self.unchanged)} unchanged, "
             f"{len(self.removed)} removed, {len(self.failed)} failed ({self.seconds:.1f} s")
        if self.built and self.seconds > 0:
            s += f", {self.chars / self.seconds:,.0f} chars/s"
        return s + ")"


# ---------------------------------------------------------------- inputs

def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given, directories → their ``*.txt`` files (sorted); duplicates removed."""
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files = sorted(q for q in p.glob("*.txt") if q.is_file())
        elif p.is_file():
            files = [p]
        else:
            raise KgInputError(f"{p}: no such file or directory")
        for f in files:
            r = f.resolve()
            if r not in seen:
                seen.add(r)
                out.append(r)
    return out


def _sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path``, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_manifest(out_dir: Path) -> dict:
    """The build manifest in ``out_dir``; an empty one when it is missing, damaged or of another version."""
    p = Path(out_dir) / MANIFEST
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
        if doc.get("version") == MANIFEST_VERSION and isinstance(doc.get("reports"), dict):
            return doc
    except (OSError, ValueError):
        pass
    return {"version": MANIFEST_VERSION, "store": None, "reports": {}, "outputs": None}


def save_manifest(out_dir: Path, doc: dict) -> None:
    """Write the build manifest ``doc`` into ``out_dir`` (atomically, keys sorted)."""
    atomic_write(Path(out_dir) / MANIFEST, json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True))


# ---------------------------------------------------------------- workers

@dataclass
class _Work:
    """One report as a worker hands it back: its file's state, its graph, or its error."""
    path: str
    sha256: str = ""
    size: int = 0
    mtime_ns: int = 0
    iri: str = ""
    nt: bytes = b""          # the graph: N-Triples, or N-Quads when the workers make them (see _NQUADS)
    warnings: list[str] = field(default_factory=list)
    chars: int = 0
    error: str | None = None


_PROCESS: Processor | None = None
_NQUADS = False     # workers hand back N-Quads (for the embedded store) instead of N-Triples


def _init_worker(process: Processor | None, nquads: bool = False) -> None:
    """Set up a worker (or this process): the processor to run and the format to hand back."""
    global _PROCESS, _NQUADS
    _PROCESS = process or process_report
    _NQUADS = nquads


def _work(path: str) -> _Work:
    """Extract one report in a worker; any error is caught and handed back in :attr:`_Work.error`."""
    w = _Work(path=path)
    try:
        st = os.stat(path)
        w.size, w.mtime_ns = st.st_size, st.st_mtime_ns
        w.sha256 = _sha256(Path(path))
        res = (_PROCESS or process_report)(path)
        w.iri = str(res.iri)
        nt = res.ntriples
        w.nt = nt if b"_:" not in nt else b"\n".join(sorted_nt(nt)) + b"\n"
        if _NQUADS:   # done here, in parallel, rather than in the store writer
            w.nt = to_nquads(w.nt, w.iri)
        w.warnings = [str(x) for x in res.warnings]
        w.chars = len(res.text.text)
    except KgInputError as e:
        w.error = str(e)
    except MemoryError:
        w.error = "out of memory while processing"
    except Exception as e:  # a bug on one report must not stop the corpus
        w.error = f"internal error: {type(e).__name__}: {e}"
    return w


# ---------------------------------------------------------------- progress

def _want_progress(progress: bool | None) -> bool:
    """Whether to show a progress bar: as asked, else on a terminal outside CI."""
    if progress is not None:
        return bool(progress)
    try:
        return sys.stderr.isatty() and not os.environ.get("CI")
    except (AttributeError, ValueError):
        return False


class _NoProgress:
    """The progress bar when none is shown."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def advance(self, desc: str = "") -> None:
        pass


class _RichProgress:
    """A rich progress bar on stderr, gone when the build ends."""

    def __init__(self, total: int):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._p = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                           TextColumn("{task.description}"), console=Console(stderr=True), transient=True)
        self._task = self._p.add_task("", total=total)

    def __enter__(self):
        self._p.__enter__()
        return self

    def __exit__(self, *exc):
        return self._p.__exit__(*exc)

    def advance(self, desc: str = "") -> None:
        self._p.update(self._task, advance=1, description=desc[-40:])


# ---------------------------------------------------------------- store writer

class _StoreWriter:
    """Writes batches into the store in a background thread (pyoxigraph releases the GIL),
    so the main thread keeps the worker processes busy; all store writes of the extraction
    phase go through it, in order. At most one batch waits (bounded memory)."""

    def __init__(self, store: GraphStore):
        self.store = store
        self.nquads = isinstance(store, Store)     # workers then send N-Quads
        self._nquads_kw = {"nquads": True} if self.nquads else {}   # (a RemoteStore takes N-Triples)
        self._q: "queue.Queue" = queue.Queue(maxsize=1)
        self._done: list[_Work] = []
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self.batches = 0
        self._thread = threading.Thread(target=self._run, name="kg-store-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        """The writer thread: apply queued replaces and drops in order; keep the first error."""
        while True:
            op = self._q.get()
            if op is None:
                return
            if self._error is not None:
                continue
            kind, arg = op
            try:
                if kind == "replace":
                    self.store.replace_reports([(b.iri, b.nt) for b in arg], **self._nquads_kw)
                    self.batches += 1
                    for b in arg:
                        b.nt = b""          # free the bytes early
                    with self._lock:
                        self._done.extend(arg)
                else:
                    self.store.drop_report(arg)
            except BaseException as e:  # re-raised in the main thread
                self._error = e

    def _check(self) -> None:
        """Re-raise in the calling thread an error of the writer thread."""
        if self._error is not None:
            raise self._error

    def replace(self, works: list[_Work]) -> None:
        """Queue a batch of report graphs to replace in the store."""
        self._check()
        self._q.put(("replace", works))

    def drop(self, iri: str) -> None:
        """Queue the drop of the report graph ``iri``."""
        self._check()
        self._q.put(("drop", iri))

    def drain(self) -> list[_Work]:
        """The reports stored since the last drain."""
        self._check()
        with self._lock:
            done, self._done = self._done, []
        return done

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._q.put(None)
        self._thread.join()
        if exc[0] is None:
            self._check()
        return False


# ---------------------------------------------------------------- outputs

def write_turtle(graphs: Iterable, path: str | os.PathLike) -> Path:
    """Write :func:`merged_turtle` of ``graphs`` to ``path`` (atomically). For the single-report build too."""
    return atomic_write(path, merged_turtle(graphs))


def write_nquads(store: GraphStore, path: str | os.PathLike, graphs: Iterable[str] | None = None) -> Path:
    """Stream the report graphs of ``store`` as sorted N-Quads to ``path`` (atomically)."""
    with atomic_open(path) as fh:
        buf: list[bytes] = []
        for ln in store.iter_nquads(graphs):
            buf.append(ln)
            if len(buf) >= 20000:
                fh.writelines(buf)
                buf.clear()
        fh.writelines(buf)
    return Path(path)


def output_files(out_dir: str | os.PathLike, n_reports: int, ttl_max: int | None = None,
                 nq_max: int | None = None) -> list[Path]:
    """The merged files a build of ``n_reports`` reports writes (see the module docstring)."""
    out = Path(out_dir)
    ttl_max = TTL_MAX_REPORTS if ttl_max is None else ttl_max
    nq_max = NQ_MAX_REPORTS if nq_max is None else nq_max
    return ([out / "graph.nq"] if n_reports <= nq_max else []) + ([out / "graph.ttl"] if n_reports <= ttl_max else [])


def write_outputs(store: GraphStore, out_dir: str | os.PathLike, iris: Iterable[str],
                  ttl_max: int | None = None, nq_max: int | None = None) -> list[Path]:
    """Write the merged files for the report graphs ``iris`` of ``store``; remove those the
    corpus has outgrown. Returns the files written."""
    out = Path(out_dir)
    iris = sorted(set(iris))
    wanted = output_files(out, len(iris), ttl_max, nq_max)
    written = []
    for f in (out / "graph.nq", out / "graph.ttl"):
        if f not in wanted:
            f.unlink(missing_ok=True)
        elif f.suffix == ".nq":
            written.append(write_nquads(store, f, iris))
        else:
            written.append(write_turtle((store.graph_nt(i) for i in iris), f))
    return written


# ---------------------------------------------------------------- build

def build_corpus(paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike, store: GraphStore | None = None,
                 jobs: int | None = None, progress: bool | None = None, *, rebuild: bool = False,
                 process: Processor | None = None, outputs: bool = True, ttl_max: int | None = None,
                 nq_max: int | None = None) -> CorpusResult:
    """Build (incrementally) the reports under ``paths`` into ``store`` (default: embedded
    store in ``out_dir/store``). See the module docstring. ``process`` replaces
    :func:`kg.api.process` (must be picklable: a module-level function)."""
    t0 = time.perf_counter()
    out = Path(out_dir)
    files = expand_paths(paths)
    out.mkdir(parents=True, exist_ok=True)
    own_store = store is None
    if own_store:
        if rebuild and (out / "store").exists():
            Store.open(out / "store").close()   # raises KgStoreError if another process uses it
            Store.destroy(out / "store")
        store = Store.open(out / "store")
    assert store is not None
    try:
        return _build(files, out, store, jobs, progress, rebuild, process, outputs, ttl_max, nq_max, t0)
    finally:
        if own_store:
            store.close()


def _build(files: list[Path], out: Path, store: GraphStore, jobs, progress, rebuild, process, outputs, ttl_max,
           nq_max, t0: float) -> CorpusResult:
    """One build, phase by phase: plan, drop the removed, extract the changed, finish."""
    run = BuildRun.start(out, store, rebuild)
    plan = plan_changes(files, run.entries, run.in_store)
    run.adopt(plan)
    drop_removed(run, plan)
    extract_into(run, plan.extract, jobs, progress, process)
    finish(run, outputs, ttl_max, nq_max)
    run.res.seconds = time.perf_counter() - t0
    return run.res


# ---------------------------------------------------------------- build: 1. what changed

@dataclass
class ChangePlan:
    """What a build does with each report: keep it, extract it, or drop its manifest entry."""
    unchanged: list[str] = field(default_factory=list)     # paths whose built graph is still theirs
    touched: dict[str, int] = field(default_factory=dict)  # unchanged paths with a new mtime → mtime_ns
    extract: list[str] = field(default_factory=list)       # paths to extract (new or changed)
    failed: list[Failure] = field(default_factory=list)    # paths that cannot be read
    drop: list[str] = field(default_factory=list)          # manifest paths gone from the inputs, or unreadable


def plan_changes(files: list[Path], entries: dict[str, dict], in_store: set[str]) -> ChangePlan:
    """Compare ``files`` with their manifest ``entries`` and the graphs ``in_store``; nothing is written."""
    plan = ChangePlan()
    for f in files:
        key = str(f)
        e = entries.get(key)
        try:
            st = f.stat()
            same = _unchanged(f, st, e, in_store)
        except OSError as err:
            plan.failed.append(Failure(key, f"cannot read: {err.strerror or err}"))
            continue
        if not same:
            plan.extract.append(key)
            continue
        plan.unchanged.append(key)
        if e.get("mtime_ns") != st.st_mtime_ns:
            plan.touched[key] = st.st_mtime_ns
    current = {str(f) for f in files}
    failed = {f.path for f in plan.failed}
    plan.drop = [key for key in sorted(entries) if key not in current or key in failed]
    return plan


def _unchanged(path: Path, st: os.stat_result, entry: dict | None, in_store: set[str]) -> bool:
    """Whether ``entry``'s graph, still in the store, is that of ``path``: same size and mtime, or same bytes."""
    if not entry or entry.get("iri") not in in_store or entry.get("size") != st.st_size:
        return False
    return entry.get("mtime_ns") == st.st_mtime_ns or _sha256(path) == entry.get("sha256")


# ---------------------------------------------------------------- build: the run

@dataclass
class BuildRun:
    """The state of one build: the result, the manifest and its entries, the IRIs claimed by a path,
    the report graphs in the store and the batch on its way to the store writer."""
    out: Path
    store: GraphStore
    res: CorpusResult
    manifest: dict
    entries: dict[str, dict]                                # path → manifest entry
    in_store: set[str]                                      # report IRIs with a graph in the store
    claimed: dict[str, str] = field(default_factory=dict)   # report IRI → the path that built it
    batch: list[_Work] = field(default_factory=list)
    writer: _StoreWriter | None = None                      # while extracting: all store writes go through it
    last_save: float = 0.0                                  # time.monotonic() of the last manifest save

    @classmethod
    def start(cls, out: Path, store: GraphStore, rebuild: bool) -> BuildRun:
        """Open a build: the manifest (reset for a rebuild or another store), the ontology, the stored reports."""
        res = CorpusResult(out_dir=out, store=store.location)
        manifest = load_manifest(out)
        fp = store_fingerprint(store)
        if rebuild or manifest.get("store") != fp:
            old_entries = manifest["reports"] if manifest.get("store") == fp else {}
            manifest = {"version": MANIFEST_VERSION, "store": fp, "reports": {}, "outputs": None}
        else:
            old_entries = manifest["reports"]
        if rebuild and not isinstance(store, Store):
            for iri in store.reports():
                store.drop_report(iri)
        entries = dict(old_entries)
        store.ensure_ontology()
        return cls(out, store, res, manifest, entries, store.reports())

    def adopt(self, plan: ChangePlan) -> None:
        """Take the plan's unchanged and unreadable reports into the result; the unchanged claim their IRIs."""
        for key, mtime_ns in plan.touched.items():
            self.entries[key]["mtime_ns"] = mtime_ns
        self.res.unchanged.extend(plan.unchanged)
        self.res.failed.extend(plan.failed)
        self.claimed = {self.entries[k]["iri"]: k for k in plan.unchanged}

    def remove(self, iri: str) -> None:
        """Drop the graph ``iri`` (through the writer while extracting) and record it as removed."""
        (self.writer.drop if self.writer is not None else self.store.drop_report)(iri)
        self.in_store.discard(iri)
        self.res.removed.append(iri)

    def accept(self, w: _Work) -> None:
        """Take one worker result: a failure drops the report's old graph, a success joins the batch."""
        old = self.entries.get(w.path)
        if w.error is None and w.iri in self.claimed and self.claimed[w.iri] != w.path:
            w.error = f"same report IRI {w.iri} as {self.claimed[w.iri]}; rename one of the files"
        if w.error is not None:
            self._reject(w, old)
            return
        if old and old.get("iri") and old["iri"] != w.iri and old["iri"] not in self.claimed:
            self.remove(old["iri"])
        self.claimed[w.iri] = w.path
        self.batch.append(w)
        self.res.built.append(w.path)
        if w.warnings:
            self.res.warnings[w.path] = w.warnings
        self.res.chars += w.chars
        self.res.bytes += w.size
        if len(self.batch) >= BATCH_REPORTS or sum(len(b.nt) for b in self.batch) >= BATCH_BYTES:
            self.flush()

    def _reject(self, w: _Work, old: dict | None) -> None:
        """Record a failed report; the report is now bad, so its old graph is dropped."""
        self.res.failed.append(Failure(w.path, w.error))
        if old:
            self.entries.pop(w.path)
            if old.get("iri") not in self.claimed and old.get("iri") in self.in_store:
                self.remove(old["iri"])

    def flush(self) -> None:
        """Hand the batch to the writer thread; record finished batches in the manifest."""
        assert self.writer is not None
        if self.batch:
            for b in self.batch:
                self.in_store.add(b.iri)
            self.writer.replace(list(self.batch))
            self.batch.clear()
        self.record(self.writer.drain())

    def record(self, done: list[_Work]) -> None:
        """Enter the reports the writer has stored into the manifest entries."""
        for b in done:
            self.entries[b.path] = {"sha256": b.sha256, "iri": b.iri, "mtime_ns": b.mtime_ns, "size": b.size,
                                    "warnings": b.warnings, "chars": b.chars}

    def checkpoint(self) -> None:
        """Save the manifest when the last save is more than 10 s old, so an interrupted build keeps its work."""
        if time.monotonic() - self.last_save > 10:
            self.manifest["reports"] = self.entries
            save_manifest(self.out, self.manifest)
            self.last_save = time.monotonic()


# ---------------------------------------------------------------- build: 2. removed reports

def drop_removed(run: BuildRun, plan: ChangePlan) -> None:
    """Forget the plan's dropped entries; drop their graphs unless an unchanged report claims the IRI."""
    for key in plan.drop:
        iri = run.entries.pop(key).get("iri")
        if iri and iri not in run.claimed and iri in run.in_store:
            run.remove(iri)


# ---------------------------------------------------------------- build: 3. extract

def extract_into(run: BuildRun, todo: list[str], jobs: int | None, progress: bool | None,
                 process: Processor | None) -> None:
    """Extract the reports ``todo``, streaming them into the store in batches; compact it after many."""
    n_jobs = _n_jobs(jobs, len(todo))
    run.last_save = time.monotonic()
    bar = _RichProgress(len(todo)) if todo and _want_progress(progress) else _NoProgress()
    run.writer = writer = _StoreWriter(run.store)
    with bar, writer:
        if n_jobs <= 1:
            _extract_serial(run, todo, bar, process)
        else:
            _extract_parallel(run, todo, bar, process, n_jobs)
        run.flush()
    run.record(writer.drain())   # the writer has finished (joined on leaving the with block)
    if isinstance(run.store, Store) and writer.batches >= OPTIMIZE_AFTER_BATCHES:
        run.store.optimize()
        run.res.optimized = True


def _n_jobs(jobs: int | None, n_todo: int) -> int:
    """Worker processes for ``n_todo`` reports: ``jobs``, else ``$KG_JOBS``, else all cores; 1 for none."""
    n_jobs = max(1, jobs or int(os.environ.get("KG_JOBS", 0) or 0) or os.cpu_count() or 1)
    return min(n_jobs, n_todo) if n_todo else 1


def _extract_serial(run: BuildRun, todo: list[str], bar: _NoProgress | _RichProgress,
                    process: Processor | None) -> None:
    """Extract the reports one after another in this process."""
    assert run.writer is not None
    _init_worker(process, run.writer.nquads)
    for key in todo:
        run.accept(_work(key))
        bar.advance(Path(key).name)


def _extract_parallel(run: BuildRun, todo: list[str], bar: _NoProgress | _RichProgress,
                      process: Processor | None, n_jobs: int) -> None:
    """Extract in ``n_jobs`` worker processes, 4 reports per worker in flight, taking results as they come."""
    assert run.writer is not None
    with ProcessPoolExecutor(max_workers=n_jobs, initializer=_init_worker,
                             initargs=(process, run.writer.nquads)) as pool:
        it = iter(todo)
        pending = {pool.submit(_work, key) for key in islice(it, n_jobs * 4)}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                w = _worker_result(fut)
                run.accept(w)
                bar.advance(Path(w.path).name)
                nxt = next(it, None)
                if nxt is not None:
                    pending.add(pool.submit(_work, nxt))
            run.record(run.writer.drain())
            run.checkpoint()


def _worker_result(fut: Future) -> _Work:
    """The worker's result; a worker that died (e.g. killed) stops the build: which file it had is unknown."""
    try:
        return fut.result()
    except Exception as e:
        raise KgStoreError(f"a worker process failed: {type(e).__name__}: {e}") from e


# ---------------------------------------------------------------- build: 4. manifest and outputs

def finish(run: BuildRun, outputs: bool, ttl_max: int | None, nq_max: int | None) -> None:
    """Sort the result, refresh the merged outputs if asked, and save the manifest."""
    res, entries, manifest = run.res, run.entries, run.manifest
    res.failed.sort(key=lambda f: f.path)
    res.built.sort()
    res.reports = {k: entries[k]["iri"] for k in sorted(entries)}
    digest = hashlib.sha256(json.dumps(sorted((v["iri"], v["sha256"]) for v in entries.values())).encode()).hexdigest()
    manifest["reports"] = entries
    if outputs:
        res.outputs = _refresh_outputs(run, digest, ttl_max, nq_max)
    run.store.flush()
    save_manifest(run.out, manifest)


def _refresh_outputs(run: BuildRun, digest: str, ttl_max: int | None, nq_max: int | None) -> list[Path]:
    """Rewrite the merged files unless those of the reports ``digest`` are all there and none is stale."""
    out, manifest = run.out, run.manifest
    targets = output_files(out, len(run.entries), ttl_max, nq_max)
    stale = [f for f in (out / "graph.nq", out / "graph.ttl") if f.exists() and f not in targets]
    if manifest.get("outputs") == digest and all(t.exists() for t in targets) and not stale:
        return targets
    manifest["outputs"] = None
    save_manifest(out, manifest)   # a crash while writing leaves no claim that the outputs are current
    written = write_outputs(run.store, out, run.res.reports.values(), ttl_max, nq_max)
    manifest["outputs"] = digest
    return written


__all__ = ["CorpusResult", "Failure", "NQ_MAX_REPORTS", "TTL_MAX_REPORTS", "output_files", "build_corpus", "expand_paths",
           "load_manifest", "merged_turtle", "write_nquads", "write_outputs", "write_turtle"]
