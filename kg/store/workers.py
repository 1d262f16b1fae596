"""A build's worker processes: a report's path → a :class:`Work` item (its file's state, its graph
as sorted N-Triples or N-Quads bytes, its warnings, or its error).

:func:`init_worker` sets up a worker process (or this process, for a serial build) and
:func:`extract_one` runs the processor on one report; an error on one report is handed back in
:attr:`Work.error`, never raised, so a bad report cannot stop the corpus. :func:`n_workers` picks
how many processes to start, and :func:`worker_result` turns a worker that died into a store error.

Every report is extracted within a :class:`Budget` of time and memory (:func:`within_budget`): a report
over it fails with one clear line (:class:`OverBudgetError`) and the others are built. A corpus build
runs each report in a worker process of a :class:`WorkerPool`, which also kills and replaces a worker
still busy :data:`KILL_GRACE` seconds after its time budget (stuck where the timer cannot stop it) or one
that died, and fails only that worker's report. Warnings are handed back one line each (:func:`one_line`).
"""
from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_ready
from typing import Callable, Iterable, Iterator

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows: no memory budget there
    resource = None  # type: ignore[assignment]

from kg.errors import KgInputError, KgStoreError
from kg.extract.reading import read_file_bytes
from kg.extract.segment import cutter
from kg.model import ReportResult
from kg.rdf.ntriples import sorted_nt, to_nquads
from kg.rdf.report import process as process_report

#: what a worker runs on a report's path (must be picklable: a module-level function)
Processor = Callable[[str], ReportResult]


@dataclass
class Work:
    """One report as a worker hands it back: its file's state, its graph, or its error."""
    path: str
    sha256: str = ""
    size: int = 0
    mtime_ns: int = 0
    iri: str = ""
    nt: bytes = b""          # the graph: N-Triples, or N-Quads when the workers make them (see init_worker)
    warnings: list[str] = field(default_factory=list)
    chars: int = 0
    error: str | None = None
    over_budget: bool = False    # the error is the budget's: the worker process is replaced (its memory is suspect)


# ---------------------------------------------------------------- the budget of one report

#: the default budget of one report: seconds of wall-clock time …
DEFAULT_TIMEOUT = 60.0
#: … and megabytes of memory it may add to the process (see :class:`Budget`)
DEFAULT_MAX_MEMORY = 2048
#: seconds a worker gets past its time budget to stop by itself before the build kills it
KILL_GRACE = 5.0


@dataclass(frozen=True)
class Budget:
    """What extracting one report may take: ``seconds`` of wall-clock time, and ``memory_mb`` megabytes of
    memory: the address space the process may add while it extracts the report (what it held before —
    code, jieba's tables, a store — does not count). ``None`` or 0: no limit."""
    seconds: float | None = DEFAULT_TIMEOUT
    memory_mb: float | None = DEFAULT_MAX_MEMORY


#: no limit at all
NO_BUDGET = Budget(None, None)


class OverBudgetError(KgInputError):
    """A report that took longer than its time budget or more memory than its memory budget."""


def over_time(path: str, seconds: float) -> OverBudgetError:
    return OverBudgetError(f"{path}: not extracted within the time budget of {seconds:g} s per report (a hostile or "
                           "malformed file?); raise it with kg build --timeout SECONDS (timeout= in the API)")


def over_memory(path: str, mb: float) -> OverBudgetError:
    return OverBudgetError(f"{path}: needs more than the memory budget of {mb:g} MB per report (a hostile or "
                           "malformed file?); raise it with kg build --max-memory MB (max_memory= in the API)")


class _OverTime(BaseException):
    """Raised by the budget's timer; not an ``Exception``, so that no stage's ``except Exception`` takes it."""


def _address_space() -> int | None:
    """The bytes of address space this process holds (Linux: ``/proc/self/statm``), else None."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


@contextmanager
def within_budget(budget: Budget, path: str) -> Iterator[None]:
    """Run the body within ``budget``, else raise :class:`OverBudgetError` naming ``path`` and the budget.

    Time: an interval timer (``SIGALRM``) stops the body after ``budget.seconds``; it can be set in the
    main thread only (elsewhere time is not limited here), and a timer or ``SIGALRM`` handler already set
    is restored afterwards. Memory: the soft ``RLIMIT_AS`` of the process is lowered to the address space
    it holds now plus ``budget.memory_mb`` (Linux; never raised above a lower limit already set), so that
    an allocation past it fails at once with ``MemoryError`` instead of swapping; it is restored afterwards.
    The limit is the process's: other threads share it while the body runs."""
    timer = bool(budget.seconds) and hasattr(signal, "setitimer") \
        and threading.current_thread() is threading.main_thread()
    limit = None
    if budget.memory_mb and resource is not None and hasattr(resource, "RLIMIT_AS"):
        held = _address_space()
        if held is not None:
            old = resource.getrlimit(resource.RLIMIT_AS)
            soft = held + int(budget.memory_mb * 2 ** 20)
            if old[0] != resource.RLIM_INFINITY:
                soft = min(soft, old[0])
            if old[1] != resource.RLIM_INFINITY:
                soft = min(soft, old[1])
            limit = (old, soft)
    on = [True]

    def ring(signum, frame):
        if on[0]:
            raise _OverTime

    if timer:
        old_handler = signal.signal(signal.SIGALRM, ring)
        old_timer = signal.setitimer(signal.ITIMER_REAL, float(budget.seconds))
        t0 = time.monotonic()
    if limit is not None:
        resource.setrlimit(resource.RLIMIT_AS, (limit[1], limit[0][1]))
    over = None
    try:
        yield
    except _OverTime:
        over = "time"
    except MemoryError:
        if limit is None:
            raise
        over = "memory"
    finally:
        on[0] = False
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, limit[0])
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
            if old_timer[0] > 0:    # a timer set by the caller: what was left of it
                signal.setitimer(signal.ITIMER_REAL, max(old_timer[0] - (time.monotonic() - t0), 1e-3), old_timer[1])
    if over == "time":
        raise over_time(path, float(budget.seconds or 0))
    if over == "memory":
        raise over_memory(path, float(budget.memory_mb or 0))


# line breaks (\n \r \v \f, U+0085, U+2028, U+2029 …), other control characters and bidirectional
# overrides: a warning that quotes the text stays one line on a terminal and cannot rewrite it
_NOT_ONE_LINE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
#: a warning is at most this many characters (a quote is 80: the rest is the file, line, kind and message)
WARNING_MAX = 400


def one_line(s: str, limit: int = WARNING_MAX) -> str:
    r"""``s`` as one line of at most ``limit`` characters: control characters and line breaks → a space.

    >>> one_line("a.txt:3: repeated_phrase: 一是\u2028一是\n\x1b[2J (x)")
    'a.txt:3: repeated_phrase: 一是 一是 [2J (x)'
    """
    s = _NOT_ONE_LINE_RE.sub(" ", s)
    return s if len(s) <= limit else s[:limit - 1] + "…"


_PROCESS: Processor | None = None
_NQUADS = False     # workers hand back N-Quads (for the embedded store) instead of N-Triples


def init_worker(process: Processor | None, nquads: bool = False, parent: int | None = None) -> None:
    """Set up a worker (or this process): the processor to run and the format to hand back; a worker
    process started by ``parent`` (its pid) dies with it (:func:`die_with_parent`)."""
    global _PROCESS, _NQUADS
    _PROCESS = process or process_report
    _NQUADS = nquads
    if parent is not None and parent != os.getpid():
        die_with_parent(parent)


#: prctl option: the signal this process gets when its parent dies (linux/prctl.h)
PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, poll: float = 1.0) -> None:
    """Make this worker process end when its parent ``parent`` ends, even by kill -9 (a worker holds
    ~130 MB): on Linux the kernel sends SIGKILL (``prctl(PR_SET_PDEATHSIG)``); everywhere a daemon thread
    checks every ``poll`` seconds that the parent is still ``getppid()`` (a dead parent's children are
    re-parented). Exits at once when the parent is already gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the thread below does it
            pass
    if os.getppid() != parent:   # died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(poll)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="kg-parent-watch", daemon=True).start()


def extract_one(path: str, budget: Budget = NO_BUDGET) -> Work:
    """Extract one report in a worker within ``budget``; any error is caught and handed back in
    :attr:`Work.error`. Only a regular file is read, and its size is checked before it is read or hashed
    (:func:`~kg.extract.reading.read_file_bytes`): a named pipe cannot block a worker, nor a huge sparse
    file keep it hashing."""
    w = Work(path=path)
    try:
        st = os.stat(path)
        w.size, w.mtime_ns = st.st_size, st.st_mtime_ns
        w.sha256 = hashlib.sha256(read_file_bytes(path)).hexdigest()
        with within_budget(budget, path):
            res = (_PROCESS or process_report)(path)
            w.iri = str(res.iri)
            nt = res.ntriples
            w.nt = nt if b"_:" not in nt else b"\n".join(sorted_nt(nt)) + b"\n"
            if _NQUADS:   # done here, in parallel, rather than in the store writer
                w.nt = to_nquads(w.nt, w.iri)
            w.warnings = [one_line(str(x)) for x in res.warnings]
            w.chars = len(res.text.text)
    except OverBudgetError as e:
        w.error, w.over_budget = str(e), True
        w.nt, w.warnings = b"", []
    except KgInputError as e:
        w.error = str(e)
    except MemoryError:
        w.error = "out of memory while processing"
    except Exception as e:  # a bug on one report must not stop the corpus
        w.error = f"internal error: {type(e).__name__}: {e}"
    return w


def n_workers(jobs: int | None, n_todo: int) -> int:
    """Worker processes for ``n_todo`` reports: ``jobs``, else ``$KG_JOBS``, else all cores; 1 for none."""
    n_jobs = max(1, jobs or int(os.environ.get("KG_JOBS", 0) or 0) or os.cpu_count() or 1)
    return min(n_jobs, n_todo) if n_todo else 1


# ---------------------------------------------------------------- the worker processes of a build

def _context():
    """How worker processes start: forked where possible (they share this process's loaded tables)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else methods[0])


def _worker_main(conn, process: Processor | None, nquads: bool, budget: Budget, parent: int) -> None:
    """A worker process: extract the paths it is sent, one at a time, and send back each :class:`Work`;
    end on ``None``, when the parent is gone, or after a report over its budget (its memory is suspect:
    a fresh process takes the next report)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the parent's to handle: it ends the workers
    init_worker(process, nquads, parent)
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            break
        if path is None:
            break
        w = extract_one(path, budget)
        try:
            conn.send(w)
        except OSError:
            break
        if w.over_budget:
            break
    conn.close()


class _Worker:
    """One worker process, its end of the pipe, and the report it has (with the time it must be done by)."""

    def __init__(self, ctx, process: Processor | None, nquads: bool, budget: Budget):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, process, nquads, budget, os.getpid()),
                                name="kg-worker", daemon=True)
        self.proc.start()
        child.close()
        self.path: str | None = None
        self.deadline: float | None = None

    def give(self, path: str, seconds: float | None) -> None:
        self.path = path
        self.deadline = time.monotonic() + seconds + KILL_GRACE if seconds else None
        self.conn.send(path)

    def end(self, kill: bool = False) -> None:
        if kill and self.proc.is_alive():
            self.proc.kill()
        self.proc.join(1 if kill else 5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(1)
        self.conn.close()


def _died(path: str, exitcode: int | None) -> Work:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        how = f"killed by {name}" + (": out of memory?" if -exitcode == signal.SIGKILL else "")
    else:
        how = f"exit code {exitcode}"
    return Work(path=path, error=f"{path}: the worker process extracting it died ({how}); the other reports "
                                 "are built")


class WorkerPool:
    """``n`` worker processes that extract reports within ``budget``, one report at a time each
    (:func:`extract_one`). :meth:`imap` hands back each report's :class:`Work` as it is done. A worker
    still busy :data:`KILL_GRACE` seconds after its report's time budget is killed and replaced, as is one
    that dies or whose report went over its budget; only that report fails. Workers end with the pool, and
    with this process (:func:`die_with_parent`; between reports they also see their pipe close)."""

    def __init__(self, n: int, process: Processor | None = None, nquads: bool = False, budget: Budget = NO_BUDGET):
        self.n = max(1, n)
        self.process, self.nquads, self.budget = process, nquads, budget
        self.ctx = _context()
        self.idle: list[_Worker] = []
        self.busy: list[_Worker] = []
        if process is None or process is process_report:
            cutter()       # jieba's tables, loaded once here: forked workers share them instead of each loading them

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """End the workers: the idle ones are asked to, the busy ones (after an error) are killed."""
        for w in self.idle:
            try:
                w.conn.send(None)
            except OSError:
                pass
        for w in self.busy:
            w.end(kill=True)
        for w in self.idle:
            w.end()
        self.idle, self.busy = [], []

    def imap(self, paths: Iterable[str]) -> Iterator[Work]:
        """Extract ``paths``; each report's :class:`Work` as soon as it is done (not in the order given)."""
        todo = iter(paths)
        more = True
        while True:
            while more and len(self.busy) < self.n:
                path = next(todo, None)
                if path is None:
                    more = False
                    break
                w = self.idle.pop() if self.idle else _Worker(self.ctx, self.process, self.nquads, self.budget)
                try:
                    w.give(path, self.budget.seconds)
                except OSError:      # the idle worker is gone: a fresh one
                    w.end(kill=True)
                    w = _Worker(self.ctx, self.process, self.nquads, self.budget)
                    w.give(path, self.budget.seconds)
                self.busy.append(w)
            if not self.busy:
                return
            deadlines = [w.deadline for w in self.busy if w.deadline is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            wait_ready([w.conn for w in self.busy] + [w.proc.sentinel for w in self.busy], timeout)
            for w in list(self.busy):
                done = self._poll(w)
                if done is not None:
                    self.busy.remove(w)
                    yield done

    def _poll(self, w: _Worker) -> Work | None:
        """The worker's result when it has one (or has died, or is past its deadline: then it is ended)."""
        assert w.path is not None
        result = None
        if w.conn.poll():
            try:
                result = w.conn.recv()
            except (EOFError, OSError):
                w.proc.join(1)
                result = _died(w.path, w.proc.exitcode)
        elif not w.proc.is_alive():
            result = _died(w.path, w.proc.exitcode)
        elif w.deadline is not None and time.monotonic() >= w.deadline:
            result = Work(path=w.path, error=str(over_time(w.path, float(self.budget.seconds or 0))),
                          over_budget=True)
            w.end(kill=True)
            return result
        if result is None:
            return None
        if result.over_budget or not w.proc.is_alive():
            w.end(kill=True)
        else:
            w.path, w.deadline = None, None
            self.idle.append(w)
        return result


def worker_result(fut: Future) -> Work:
    """The worker's result; a worker that died (e.g. killed) stops the build: which file it had is unknown."""
    try:
        return fut.result()
    except Exception as e:
        raise KgStoreError(f"a worker process failed: {type(e).__name__}: {e}") from e


__all__ = ["DEFAULT_MAX_MEMORY", "DEFAULT_TIMEOUT", "KILL_GRACE", "NO_BUDGET", "Budget", "OverBudgetError",
           "Processor", "Work", "WorkerPool", "die_with_parent", "extract_one", "init_worker", "n_workers",
           "one_line", "within_budget", "worker_result"]
