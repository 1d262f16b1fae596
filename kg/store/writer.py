"""A build's store writer: batches of :class:`~kg.store.workers.Work` items and report drops → the store,
written in order by one background thread.

pyoxigraph releases the GIL, so while the thread bulk-loads a batch the main thread keeps the worker
processes busy. At most one batch waits (bounded memory); an error of the thread is raised again in
the main thread at its next call.
"""
from __future__ import annotations

import queue
import threading

from kg.store.base import GraphStore
from kg.store.oxigraph import Store
from kg.store.workers import Work


class StoreWriter:
    """Writes batches into the store in a background thread (pyoxigraph releases the GIL),
    so the main thread keeps the worker processes busy; all store writes of the extraction
    phase go through it, in order. At most one batch waits (bounded memory)."""

    def __init__(self, store: GraphStore):
        self.store = store
        self.nquads = isinstance(store, Store)     # workers then send N-Quads
        self._nquads_kw = {"nquads": True} if self.nquads else {}   # (a RemoteStore takes N-Triples)
        self._q: "queue.Queue" = queue.Queue(maxsize=1)
        self._done: list[Work] = []
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

    def replace(self, works: list[Work]) -> None:
        """Queue a batch of report graphs to replace in the store."""
        self._check()
        self._q.put(("replace", works))

    def drop(self, iri: str) -> None:
        """Queue the drop of the report graph ``iri``."""
        self._check()
        self._q.put(("drop", iri))

    def drain(self) -> list[Work]:
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


__all__ = ["StoreWriter"]
