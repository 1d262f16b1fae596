"""Python API of kg; the CLI is a thin layer over these functions.

>>> import kg
>>> r = kg.process("data/reports/zuoxie_2020.txt")       # one report → its graph   # doctest: +SKIP
>>> len(r.extraction.report.problems())                   # doctest: +SKIP
13
>>> kg.build(["data/reports"], "build").summary()         # many reports → the store  # doctest: +SKIP
'3 reports in build/store: 3 built, 0 unchanged, 0 removed, 0 failed (…)'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from . import documents, graph, reading, structure
from .model import KgInputError

DEFAULT_REPORTS = Path("data/reports")
DEFAULT_OUT = Path("build")


@dataclass
class ReportResult:
    """One processed report: its id and IRI (also the name of its graph), its triples as sorted
    N-Triples, the extraction, and warnings (one line each, with file and line number)."""

    path: str
    rid: str
    iri: str
    ntriples: bytes
    extraction: graph.Extraction
    warnings: list[str] = field(default_factory=list)
    _graph: Graph | None = field(default=None, repr=False)

    @property
    def text(self):
        return self.extraction.text

    @property
    def graph(self) -> Graph:
        """The report's graph as an rdflib graph (parsed on first use)."""
        if self._graph is None:
            self._graph = graph.parse_ntriples(self.ntriples)
        return self._graph


def extract(path: str | Path) -> graph.Extraction:
    """Run the extraction stages on one report file (no RDF yet)."""
    from . import mentions, quality, resolve   # imported here: jieba is only needed from this point

    t = reading.read(path)
    rep = structure.parse(t)
    docs = documents.find_documents(t, rep.meta.issuer)
    ment, figures = mentions.extract(t, rep, rep.meta.issuer)
    entities = resolve.resolve(ment, rep.meta.issuer, t.text)
    own = len({d.canonical for d in docs if d.kind == "regulation"})
    anomalies = list(t.anomalies) + quality.detect(t, rep, listed_regulations=own)
    anomalies.sort(key=lambda a: (a.span.start, a.kind))
    return graph.Extraction(t, rep, docs, entities, figures, anomalies)


def process(path: str | Path) -> ReportResult:
    """Read, extract and build the RDF graph of one report.

    Raises :class:`~kg.model.KgInputError` (message names the file and the problem) on bad input.
    """
    ex = extract(path)
    rid = graph.report_id(path, ex.text.sha256)
    nt = graph.to_ntriples(ex, rid)
    warnings = [f"{Path(path).name}:{ex.text.line_of(a.span.start)}: {a.kind}: {a.text} ({a.message})"
                for a in ex.anomalies]
    return ReportResult(str(path), rid, graph.report_iri(rid), nt, ex, warnings)


def build(paths: list[str | Path] | None = None, out_dir: str | Path = DEFAULT_OUT, **options):
    """Build reports (files or directories; default ``data/reports``) into ``out_dir``: the embedded
    store (or ``store=``), manifest and small merged outputs. Incremental; see
    :func:`kg.corpus.build_corpus` for ``options`` (``jobs``, ``rebuild``, ``store``, ``progress``)."""
    from .corpus import build_corpus
    return build_corpus(paths or [DEFAULT_REPORTS], out_dir, **options)


def merged(results: list[ReportResult]) -> Graph:
    g = Graph()
    for p, ns in graph.PREFIXES.items():
        g.bind(p, ns)
    for r in results:
        g += r.graph
    return g


__all__ = ["KgInputError", "ReportResult", "build", "extract", "process", "merged"]
