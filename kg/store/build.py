"""Incremental, parallel builds of a corpus of reports into a store: paths → store, manifest and merged files.

``build_corpus(paths, out_dir)``:

* expands directories to their ``*.txt`` files (sorted, not recursive; :mod:`kg.store.inputs`);
* keeps ``out_dir/manifest.json`` (path → sha256, iri, mtime_ns, size, …); a report
  whose size and mtime are unchanged, or whose bytes hash the same, and whose corrections
  (``kg-corrections.toml`` beside it) are the same, is not re-extracted; a report no longer
  among the inputs has its graph dropped;
* extracts the changed reports in worker processes (``jobs``, default: all
  cores; :mod:`kg.store.workers`), each worker returning the report IRI, its graph as sorted
  N-Triples bytes and its warnings; results are streamed into the store as they arrive
  (a bounded number in flight, so never all graphs in memory; :mod:`kg.store.writer`), with a
  progress bar on a terminal (:mod:`kg.store.progress`);
* a bad report (``KgInputError`` or any other exception) is recorded in
  :attr:`CorpusResult.failed` and skipped, the others are built;
* for small corpora writes merged files, ``out_dir/graph.ttl`` and ``out_dir/graph.nq``
  (:mod:`kg.store.outputs`, which states the limits). The files are rewritten only when some
  report changed or a file is missing, and removed when the corpus outgrows a limit.

A build runs in named steps over one :class:`BuildRun`: :func:`plan_changes` (what is
unchanged, what to extract, what to drop), :func:`drop_removed`, :func:`extract_into`
and :func:`finish` (manifest and merged outputs).
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterable

from kg.rdf.ntriples import merged_turtle
from kg.store.base import GraphStore, store_fingerprint
from kg.store.inputs import (corrections_digest, empty_manifest, expand_paths, file_sha256, load_manifest,
                             save_manifest)
from kg.store.outputs import NQ_MAX_REPORTS, TTL_MAX_REPORTS, output_files, write_nquads, write_outputs, write_turtle
from kg.store.oxigraph import Store
from kg.store.progress import ProgressBar, progress_bar
from kg.store.workers import Processor, Work, extract_one, init_worker, n_workers, worker_result
from kg.store.writer import StoreWriter

#: results are written into the store in batches of this many reports / bytes of N-Triples
BATCH_REPORTS = 20
BATCH_BYTES = 32 << 20
#: compact the embedded store after a build that wrote at least this many batches: every
#: bulk load adds RocksDB files and lookups slow down (1000 reports: a 25 s compaction makes
#: the named queries ~3× faster)
OPTIMIZE_AFTER_BATCHES = 10


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
    corrections: dict[str, str] = field(default_factory=dict)   # path → digest of its corrections (when some apply)


def plan_changes(files: list[Path], entries: dict[str, dict], in_store: set[str]) -> ChangePlan:
    """Compare ``files`` with their manifest ``entries`` and the graphs ``in_store``; nothing is written."""
    plan = ChangePlan()
    for f in files:
        key = str(f)
        e = entries.get(key)
        try:
            st = f.stat()
            fixes = corrections_digest(f)
            same = _unchanged(f, st, e, in_store) and e.get("corrections", "") == fixes
        except OSError as err:
            plan.failed.append(Failure(key, f"cannot read: {err.strerror or err}"))
            continue
        if fixes:
            plan.corrections[key] = fixes
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
    return entry.get("mtime_ns") == st.st_mtime_ns or file_sha256(path) == entry.get("sha256")


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
    corrections: dict[str, str] = field(default_factory=dict)   # path → digest of its corrections (the plan's)
    batch: list[Work] = field(default_factory=list)
    writer: StoreWriter | None = None                      # while extracting: all store writes go through it
    last_save: float = 0.0                                  # time.monotonic() of the last manifest save

    @classmethod
    def start(cls, out: Path, store: GraphStore, rebuild: bool) -> BuildRun:
        """Open a build: the manifest (reset for a rebuild or another store), the ontology, the stored reports."""
        res = CorpusResult(out_dir=out, store=store.location)
        manifest = load_manifest(out)
        fp = store_fingerprint(store)
        if rebuild or manifest.get("store") != fp:
            old_entries = manifest["reports"] if manifest.get("store") == fp else {}
            manifest = empty_manifest(fp)
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
        self.corrections = dict(plan.corrections)

    def remove(self, iri: str) -> None:
        """Drop the graph ``iri`` (through the writer while extracting) and record it as removed."""
        (self.writer.drop if self.writer is not None else self.store.drop_report)(iri)
        self.in_store.discard(iri)
        self.res.removed.append(iri)

    def accept(self, w: Work) -> None:
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

    def _reject(self, w: Work, old: dict | None) -> None:
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

    def record(self, done: list[Work]) -> None:
        """Enter the reports the writer has stored into the manifest entries."""
        for b in done:
            self.entries[b.path] = {"sha256": b.sha256, "iri": b.iri, "mtime_ns": b.mtime_ns, "size": b.size,
                                    "warnings": b.warnings, "chars": b.chars}
            if self.corrections.get(b.path):   # the digest planned before extraction: a later edit rebuilds
                self.entries[b.path]["corrections"] = self.corrections[b.path]

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
    n_jobs = n_workers(jobs, len(todo))
    run.last_save = time.monotonic()
    bar = progress_bar(len(todo), progress)
    run.writer = writer = StoreWriter(run.store)
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


def _extract_serial(run: BuildRun, todo: list[str], bar: ProgressBar,
                    process: Processor | None) -> None:
    """Extract the reports one after another in this process."""
    assert run.writer is not None
    init_worker(process, run.writer.nquads)
    for key in todo:
        run.accept(extract_one(key))
        bar.advance(Path(key).name)


def _extract_parallel(run: BuildRun, todo: list[str], bar: ProgressBar,
                      process: Processor | None, n_jobs: int) -> None:
    """Extract in ``n_jobs`` worker processes, 4 reports per worker in flight, taking results as they come."""
    assert run.writer is not None
    with ProcessPoolExecutor(max_workers=n_jobs, initializer=init_worker,
                             initargs=(process, run.writer.nquads)) as pool:
        it = iter(todo)
        pending = {pool.submit(extract_one, key) for key in islice(it, n_jobs * 4)}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                w = worker_result(fut)
                run.accept(w)
                bar.advance(Path(w.path).name)
                nxt = next(it, None)
                if nxt is not None:
                    pending.add(pool.submit(extract_one, nxt))
            run.record(run.writer.drain())
            run.checkpoint()


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


__all__ = ["BATCH_BYTES", "BATCH_REPORTS", "NQ_MAX_REPORTS", "OPTIMIZE_AFTER_BATCHES", "TTL_MAX_REPORTS",
           "BuildRun", "ChangePlan", "CorpusResult", "Failure", "Processor", "build_corpus", "drop_removed",
           "expand_paths", "extract_into", "finish", "load_manifest", "merged_turtle", "output_files",
           "plan_changes", "write_nquads", "write_outputs", "write_turtle"]
