"""One report end to end: file → extraction (:mod:`kg.extract.pipeline`) → its graph, as a
:class:`~kg.model.ReportResult` (what a corpus build's workers make)."""
from __future__ import annotations

from pathlib import Path

from kg.extract.pipeline import extract
from kg.model import ReportResult
from kg.rdf.graph import report_id, to_ntriples
from kg.rdf.vocab import report_iri


def process(path: str | Path) -> ReportResult:
    """Read, extract and build the RDF graph of one report.

    Raises :class:`~kg.errors.KgInputError` (the message names the file and the problem) on bad input.
    """
    ex = extract(path)
    rid = report_id(path, ex.text.sha256)
    nt = to_ntriples(ex, rid)
    name = Path(path).name
    warnings = [f"{name}: {note}" for note in ex.report.notes]
    warnings += [f"{name}:{ex.text.line_of(a.span.start)}: {a.kind}: {a.text} ({a.message})" for a in ex.anomalies]
    return ReportResult(str(path), rid, report_iri(rid), nt, ex, warnings)


__all__ = ["process"]
