"""Incremental, parallel builds of a corpus of reports into a store: paths → store, manifest and merged files.

``build_corpus(paths, out_dir)``:

* expands directories to their ``*.txt`` files (sorted, not recursive; :mod:`kg.store.inputs`);
* keeps ``out_dir/manifest.json`` (path → sha256, iri, mtime_ns, size, extractor version, …); a
  report whose size and mtime are unchanged, or whose bytes hash the same, whose corrections
  (``kg-corrections.toml`` beside it) are the same and that the same extractor version
  (:func:`kg.extract.extractor_version`) read, is not re-extracted; a report no longer among the
  inputs has its graph dropped;
* into the embedded store (``out_dir/store``, a :class:`~kg.store.oxigraph.StoreDir`): writes a new
  store — a hard-linked checkpoint of the current one, or an empty one for ``rebuild`` (the old one is
  never opened then, so a damaged store is rebuilt) — and, once it is complete and closed, switches
  readers to it atomically; readers (``kg query`` …) meanwhile keep the last complete build. One build at
  a time (a lock). A build that is killed leaves the current store as it was; the next build resumes
  the store it was writing (its manifest is saved inside it every 10 s);
* extracts the changed reports in worker processes (``jobs``, default: all
  cores; :mod:`kg.store.workers`), each worker returning the report IRI, its graph as sorted
  N-Triples bytes and its warnings; results are streamed into the store as they arrive
  (a bounded number in flight, so never all graphs in memory; :mod:`kg.store.writer`), with a
  progress bar on a terminal (:mod:`kg.store.progress`); each report within a time and memory budget
  (:class:`~kg.store.workers.Budget`: a report over it fails, a stuck worker is killed and replaced);
* a bad report (``KgInputError`` or any other exception) is recorded in
  :attr:`CorpusResult.failed` and skipped, the others are built;
* for small corpora writes merged files, ``out_dir/graph.ttl`` and ``out_dir/graph.nq``, and the summaries
  beside them, ``out_dir/summaries.ttl`` (:mod:`kg.store.outputs`, which states the limits). The files are
  rewritten only when some report graph or the summaries changed or a file is missing, and removed when the
  corpus outgrows a limit.

A build runs in named steps over one :class:`BuildRun`: :func:`plan_changes` (what is
unchanged, what to extract, what to drop), :func:`drop_removed`, :func:`extract_into`
and :func:`finish` (summaries across reports, manifest and merged outputs).
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from kg.errors import KgStoreError
from kg.extract import extractor_version
from kg.rdf.ntriples import merged_turtle
from kg.store.base import GraphStore, store_fingerprint
from kg.store.inputs import (STORE_MANIFEST, corrections_digest, empty_manifest, expand_paths, file_sha256,
                             load_manifest, save_manifest)
from kg.store.outputs import (MERGED_FILES, NQ_MAX_REPORTS, TTL_MAX_REPORTS, output_files, write_nquads,
                              write_outputs, write_turtle)
from kg.store.oxigraph import FIX, Store, StoreDir, check_files, store_error
from kg.store.progress import ProgressBar, progress_bar
from kg.store.summaries import SUMMARY_VERSION, contribution, update_summaries
from kg.store.workers import Budget, Processor, Work, WorkerPool, n_workers
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
                 nq_max: int | None = None, budget: Budget | None = None, on_graph=None) -> CorpusResult:
    """Build (incrementally) the reports under ``paths`` into ``store`` (default: embedded
    store in ``out_dir/store``). See the module docstring. ``process`` replaces
    :func:`kg.api.process` (must be picklable: a module-level function). Each report is extracted in a
    worker process within ``budget`` (default :class:`~kg.store.workers.Budget`: 60 s, 2048 MB); one
    over it fails with a message and the others are built. ``on_graph(iri, entry, data)``, if given, is
    called with each report graph built (its N-Triples or N-Quads) and what it depends on (``sha256``,
    ``extractor``, ``corrections`` of its manifest entry), e.g. to keep what the explorer reads of it."""
    t0 = time.perf_counter()
    out = Path(out_dir)
    files = expand_paths(paths)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise store_error(e, out, "write") from e
    if store is not None:
        return _build(files, out, store, jobs, progress, rebuild, process, outputs, ttl_max, nq_max, t0,
                      budget=budget, on_graph=on_graph).res
    sd = StoreDir(out / "store")
    with sd.locked():
        gen, new, manifest = open_new_store(sd, out, rebuild)
        try:
            run = _build(files, out, new, jobs, progress, rebuild, process, outputs, ttl_max, nq_max, t0,
                         manifest=manifest, gen=gen, budget=budget, on_graph=on_graph)
        except BaseException:
            try:
                new.close()      # flushed: the next build resumes it
            except KgStoreError:
                pass
            raise
        new.close()
        switch_store(sd, gen, run)
    run.res.seconds = time.perf_counter() - t0
    return run.res


def _build(files: list[Path], out: Path, store: GraphStore, jobs, progress, rebuild, process, outputs, ttl_max,
           nq_max, t0: float, manifest: dict | None = None, gen: Path | None = None,
           budget: Budget | None = None, on_graph=None) -> BuildRun:
    """One build, phase by phase: plan, drop the removed, extract the changed, finish."""
    run = BuildRun.start(out, store, rebuild, manifest, gen)
    run.on_graph = on_graph
    plan = plan_changes(files, run.entries, run.in_store, run.extractor)
    run.adopt(plan)
    drop_removed(run, plan)
    extract_into(run, plan.extract, jobs, progress, process, budget)
    finish(run, outputs, ttl_max, nq_max)
    run.res.seconds = time.perf_counter() - t0
    return run


# ---------------------------------------------------------------- build: 0. the store it writes

def open_new_store(sd: StoreDir, out: Path, rebuild: bool) -> tuple[Path, Store, dict]:
    """The store this build writes (open for writing) and the manifest it starts from: the store a killed
    build was writing from the current one (resumed), else a checkpoint of the current one, else (``rebuild``,
    or no store yet) an empty one. Readers keep the current one until :func:`switch_store`."""
    sd.remove_trash()
    try:
        cur = sd.current()
    except KgStoreError:
        if not rebuild:
            raise
        cur = None                              # a damaged pointer: rebuilt
    if cur is None and sd.legacy():
        _check_legacy(sd, rebuild)
    base = cur.name if cur is not None else None
    resumed = None if rebuild else _resume(sd, base)
    sd.remove_others([g for g in (cur, resumed and resumed[0]) if g is not None])   # what killed builds left
    if resumed is not None:
        return resumed
    gen = sd.new_generation()
    manifest = dict(load_manifest(out), base=base)
    if cur is not None and not rebuild:
        bad = check_files(cur, full=True)      # every checksum: the checkpoint would share a damaged file
        if bad:
            raise KgStoreError(f"store at {sd.root} is damaged ({cur.name}/{bad}); {FIX}")
        with Store.open(sd.root, read_only=True) as src:
            src.backup(gen)
            graphs = src.reports()
    try:
        new = Store.open(gen)
    except KgStoreError:
        if cur is None or rebuild:
            raise
        Store.destroy(gen)                      # the checkpoint cannot be opened: start empty instead
        new = Store.open(gen)
    new.root = sd.root
    if cur is not None and not rebuild and new.reports() != graphs:   # never expected: all re-extracted
        new.close()
        Store.destroy(gen)
        new = Store.open(gen)
        new.root = sd.root
    return gen, new, manifest


def _check_legacy(sd: StoreDir, rebuild: bool) -> None:
    """A store made before generations (``build/store`` itself): refused while another process writes it;
    otherwise it is replaced by a new store (whose reports are all extracted again)."""
    try:
        Store.open(sd.root).close()
    except KgStoreError as e:
        if "in use" in str(e) or not rebuild:
            raise


def _resume(sd: StoreDir, base: str | None) -> tuple[Path, Store, dict] | None:
    """The newest store a killed build was writing from ``base`` (the current store's name), open, with its
    manifest; ``None`` when there is none (or it cannot be opened: it is then deleted)."""
    for gen in reversed(sd.generations()):
        if base is not None and gen.name == base:
            continue
        doc = load_manifest(gen, STORE_MANIFEST)
        if "base" not in doc or doc["base"] != base:
            return None
        try:
            st = Store.open(gen)
        except KgStoreError:
            return None
        st.root = sd.root
        return gen, st, doc
    return None


def switch_store(sd: StoreDir, gen: Path, run: BuildRun) -> None:
    """After the build closed the store ``gen``: record its files, save the manifest, point readers to it
    (atomically), and delete the stores it replaced (those no reader holds open)."""
    sd.seal(gen)
    save_manifest(run.out, {k: v for k, v in run.manifest.items() if k != "base"})
    sd.switch(gen)
    sd.remove_others([gen])


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


def plan_changes(files: list[Path], entries: dict[str, dict], in_store: set[str],
                 extractor: str | None = None) -> ChangePlan:
    """Compare ``files`` with their manifest ``entries`` and the graphs ``in_store``; nothing is written.
    A report another ``extractor`` version (default: this one) built is extracted again."""
    plan = ChangePlan()
    extractor = extractor or extractor_version()
    for f in files:
        key = str(f)
        e = entries.get(key)
        try:
            st = f.stat()
            fixes = corrections_digest(f)
            same = (_unchanged(f, st, e, in_store) and e.get("corrections", "") == fixes
                    and e.get("extractor") == extractor)
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
    gen: Path | None = None                                 # the new embedded store written (None: another store)
    extractor: str = ""                                     # the extractor version of this build
    contributions: dict[str, dict] = field(default_factory=dict)   # report IRI → what it adds to the summaries
    on_graph: Callable[[str, dict, bytes], None] | None = None     # told of each graph built (see build_corpus)

    @classmethod
    def start(cls, out: Path, store: GraphStore, rebuild: bool, manifest: dict | None = None,
              gen: Path | None = None) -> BuildRun:
        """Open a build: the manifest (reset for a rebuild or another store), the ontology, the stored reports.
        Into a new embedded store ``gen``, graphs no manifest entry claims (left by a killed build) are dropped."""
        res = CorpusResult(out_dir=out, store=store.location)
        manifest = load_manifest(out) if manifest is None else manifest
        base = manifest.get("base")     # in a new embedded store: the name of the store it started from
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
        in_store = store.reports()
        if gen is not None:
            manifest["base"] = base
            for iri in sorted(in_store - {e.get("iri") for e in entries.values()}):
                store.drop_report(iri)
                in_store.discard(iri)
        run = cls(out, store, res, manifest, entries, in_store, gen=gen, extractor=extractor_version())
        if gen is not None:
            run.save()      # from now on the new store can be resumed
        return run

    def save(self) -> None:
        """Save the manifest: inside the new store while it is written (:func:`switch_store` saves
        ``out/manifest.json`` once it is complete), else ``out/manifest.json``."""
        self.manifest["reports"] = self.entries
        if self.gen is not None:
            save_manifest(self.gen, self.manifest, STORE_MANIFEST)
        else:
            save_manifest(self.out, self.manifest)

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
        self.contributions[w.iri] = contribution(w.nt)      # kg.store.summaries, read from the graph's text
        if self.on_graph is not None:
            self.on_graph(w.iri, {"sha256": w.sha256, "extractor": self.extractor,
                                  "corrections": self.corrections.get(w.path) or None}, w.nt)
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
                                    "warnings": b.warnings, "chars": b.chars, "extractor": self.extractor}
            if self.corrections.get(b.path):   # the digest planned before extraction: a later edit rebuilds
                self.entries[b.path]["corrections"] = self.corrections[b.path]

    def checkpoint(self) -> None:
        """Save the manifest when the last save is more than 10 s old, so an interrupted build keeps its work."""
        if time.monotonic() - self.last_save > 10:
            self.save()
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
                 process: Processor | None, budget: Budget | None = None) -> None:
    """Extract the reports ``todo`` in worker processes, each within ``budget`` (default :class:`Budget`),
    streaming them into the store in batches; compact it after many."""
    n_jobs = n_workers(jobs, len(todo))
    run.last_save = time.monotonic()
    bar = progress_bar(len(todo), progress)
    run.writer = writer = StoreWriter(run.store)
    with bar, writer:
        if todo:
            _extract_in_workers(run, todo, bar, process, n_jobs, Budget() if budget is None else budget)
        run.flush()
    run.record(writer.drain())   # the writer has finished (joined on leaving the with block)
    if isinstance(run.store, Store) and writer.batches >= OPTIMIZE_AFTER_BATCHES:
        run.store.optimize()
        run.res.optimized = True


def _extract_in_workers(run: BuildRun, todo: list[str], bar: ProgressBar, process: Processor | None,
                        n_jobs: int, budget: Budget) -> None:
    """Extract in ``n_jobs`` worker processes (:class:`~kg.store.workers.WorkerPool`: one report at a time
    each, within ``budget``), taking results as they come."""
    assert run.writer is not None
    with WorkerPool(n_jobs, process, run.writer.nquads, budget) as pool:
        for w in pool.imap(todo):
            run.accept(w)
            bar.advance(Path(w.path).name)
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
    manifest["extractor"] = run.extractor
    summaries = f"{digest}/{SUMMARY_VERSION}"     # counts across reports (kg.store.summaries): after any change
    if res.changed or manifest.get("summaries") != summaries:
        update_summaries(run.store, run.out, entries, run.contributions)
        manifest["summaries"] = summaries
    if outputs:
        res.outputs = _refresh_outputs(run, ttl_max, nq_max)
    run.store.flush()
    run.save()


def _outputs_key(entries: dict[str, dict]) -> str:
    """What the merged files hold depends on: each report's bytes, extractor and corrections, and the
    version of the summaries."""
    key = sorted((v["iri"], v["sha256"], v.get("extractor"), v.get("corrections")) for v in entries.values())
    return hashlib.sha256(json.dumps([key, SUMMARY_VERSION]).encode()).hexdigest()


def _refresh_outputs(run: BuildRun, ttl_max: int | None, nq_max: int | None) -> list[Path]:
    """Rewrite the merged files unless those of these report graphs and summaries are all there and none
    is stale."""
    out, manifest = run.out, run.manifest
    key = _outputs_key(run.entries)
    targets = output_files(out, len(run.entries), ttl_max, nq_max)
    stale = [out / f for f in MERGED_FILES if (out / f).exists() and out / f not in targets]
    if manifest.get("outputs") == key and all(t.exists() for t in targets) and not stale:
        return targets
    manifest["outputs"] = None
    run.save()   # a crash while writing leaves no claim that the outputs are current
    written = write_outputs(run.store, out, run.res.reports.values(), ttl_max, nq_max)
    manifest["outputs"] = key
    return written


__all__ = ["BATCH_BYTES", "BATCH_REPORTS", "NQ_MAX_REPORTS", "OPTIMIZE_AFTER_BATCHES", "TTL_MAX_REPORTS",
           "BuildRun", "ChangePlan", "CorpusResult", "Failure", "Processor", "build_corpus", "drop_removed",
           "expand_paths", "extract_into", "finish", "load_manifest", "merged_turtle", "open_new_store",
           "output_files", "plan_changes", "switch_store", "write_nquads", "write_outputs", "write_turtle"]
