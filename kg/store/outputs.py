"""A build's merged files: the report graphs of a store → ``out_dir/graph.ttl`` and ``out_dir/graph.nq``,
its build-time summaries → ``out_dir/summaries.ttl``.

For small corpora a build writes ``graph.ttl`` (all reports merged, rdflib Turtle) for at most
:data:`TTL_MAX_REPORTS` reports and ``graph.nq`` (report graphs, sorted lines, deterministic) for at
most :data:`NQ_MAX_REPORTS`; beside either, ``summaries.ttl``: the named graph
:data:`~kg.rdf.vocab.SUMMARY_GRAPH` (:mod:`kg.store.summaries`) as sorted Turtle, which
:func:`kg.store.base.open_graph` reads with ``graph.ttl`` when there is no store, so the cross-report
queries answer as on the store. A report's graph is ~4,000 quads / ~1 MB of N-Quads (evidence
sentences), so a 1,000-report corpus would mean ~2 GB rewritten on every change: beyond the limits
the store is the product and ``kg export`` writes dumps on demand. :func:`write_outputs` removes the
files the corpus has outgrown (no stale merged file is left behind). All files are written atomically.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from kg.fileio import atomic_open, atomic_write
from kg.rdf.ntriples import merged_turtle
from kg.rdf.vocab import SUMMARY_GRAPH
from kg.store.base import SUMMARIES_FILE, GraphStore

#: graph.ttl (merged Turtle) is written only for builds of at most this many reports.
TTL_MAX_REPORTS = int(os.environ.get("KG_TTL_MAX_REPORTS", "10"))
#: graph.nq (all report graphs) is written only for builds of at most this many reports.
NQ_MAX_REPORTS = int(os.environ.get("KG_NQ_MAX_REPORTS", "10"))
#: every merged file a build may write (those it does not write are removed)
MERGED_FILES = ("graph.nq", "graph.ttl", SUMMARIES_FILE)


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
    """The merged files a build of ``n_reports`` reports writes (see the module docstring).

    >>> [p.name for p in output_files("out", 3, ttl_max=2, nq_max=5)]
    ['graph.nq', 'summaries.ttl']
    """
    out = Path(out_dir)
    ttl_max = TTL_MAX_REPORTS if ttl_max is None else ttl_max
    nq_max = NQ_MAX_REPORTS if nq_max is None else nq_max
    files = ([out / "graph.nq"] if n_reports <= nq_max else []) + ([out / "graph.ttl"] if n_reports <= ttl_max else [])
    return files + [out / SUMMARIES_FILE] if files else []


def write_outputs(store: GraphStore, out_dir: str | os.PathLike, iris: Iterable[str],
                  ttl_max: int | None = None, nq_max: int | None = None) -> list[Path]:
    """Write the merged files for the report graphs ``iris`` of ``store`` and its summaries; remove
    those the corpus has outgrown. Returns the files written."""
    out = Path(out_dir)
    iris = sorted(set(iris))
    wanted = output_files(out, len(iris), ttl_max, nq_max)
    written = []
    for f in (out / name for name in MERGED_FILES):
        if f not in wanted:
            f.unlink(missing_ok=True)
        elif f.suffix == ".nq":
            written.append(write_nquads(store, f, iris))
        elif f.name == SUMMARIES_FILE:
            written.append(write_turtle([store.graph_nt(SUMMARY_GRAPH)], f))
        else:
            written.append(write_turtle((store.graph_nt(i) for i in iris), f))
    return written


__all__ = ["MERGED_FILES", "NQ_MAX_REPORTS", "TTL_MAX_REPORTS", "output_files", "write_nquads", "write_outputs", "write_turtle"]
