"""A build's worker processes: a report's path → a :class:`Work` item (its file's state, its graph
as sorted N-Triples or N-Quads bytes, its warnings, or its error).

:func:`init_worker` sets up a worker process (or this process, for a serial build) and
:func:`extract_one` runs the processor on one report; an error on one report is handed back in
:attr:`Work.error`, never raised, so a bad report cannot stop the corpus. :func:`n_workers` picks
how many processes to start, and :func:`worker_result` turns a worker that died into a store error.
"""
from __future__ import annotations

import os
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kg.errors import KgInputError, KgStoreError
from kg.model import ReportResult
from kg.rdf.ntriples import sorted_nt, to_nquads
from kg.rdf.report import process as process_report
from kg.store.inputs import file_sha256

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


_PROCESS: Processor | None = None
_NQUADS = False     # workers hand back N-Quads (for the embedded store) instead of N-Triples


def init_worker(process: Processor | None, nquads: bool = False) -> None:
    """Set up a worker (or this process): the processor to run and the format to hand back."""
    global _PROCESS, _NQUADS
    _PROCESS = process or process_report
    _NQUADS = nquads


def extract_one(path: str) -> Work:
    """Extract one report in a worker; any error is caught and handed back in :attr:`Work.error`."""
    w = Work(path=path)
    try:
        st = os.stat(path)
        w.size, w.mtime_ns = st.st_size, st.st_mtime_ns
        w.sha256 = file_sha256(Path(path))
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


def n_workers(jobs: int | None, n_todo: int) -> int:
    """Worker processes for ``n_todo`` reports: ``jobs``, else ``$KG_JOBS``, else all cores; 1 for none."""
    n_jobs = max(1, jobs or int(os.environ.get("KG_JOBS", 0) or 0) or os.cpu_count() or 1)
    return min(n_jobs, n_todo) if n_todo else 1


def worker_result(fut: Future) -> Work:
    """The worker's result; a worker that died (e.g. killed) stops the build: which file it had is unknown."""
    try:
        return fut.result()
    except Exception as e:
        raise KgStoreError(f"a worker process failed: {type(e).__name__}: {e}") from e


__all__ = ["Processor", "Work", "extract_one", "init_worker", "n_workers", "worker_result"]
