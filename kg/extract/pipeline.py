"""The reading stages run in order on one report file: bytes → :class:`~kg.model.Extraction`
(text, structure, documents, entities, figures, anomalies), with no RDF yet. After resolve, the
user's corrections in ``kg-corrections.toml`` beside the report are applied
(:mod:`kg.extract.corrections`); one that matches nothing becomes a note of the report (a warning)."""
from __future__ import annotations

from pathlib import Path

from kg.extract import corrections, documents, mentions, quality, reading, resolve, structure
from kg.model import Extraction


def extract(path: str | Path) -> Extraction:
    """Run the extraction stages on one report file.

    Raises :class:`~kg.errors.KgInputError` (the message names the file and the problem) on bad input.
    """
    t = reading.read(path)
    rep = structure.parse(t)
    rep.notes[:0] = t.notes          # what the source reader could not render (e.g. Word list numbering)
    docs = documents.find_documents(t, rep.meta.issuer)
    ment, figures = mentions.extract(t, rep, rep.meta.issuer)
    entities = resolve.resolve(ment, rep.meta.issuer, t.text)
    ex = Extraction(t, rep, docs, entities, figures)
    fixes = corrections.for_report(path)
    if fixes:
        ex, _, unmatched = corrections.apply(ex, Path(path).stem, fixes)
        ex.report.notes.extend(u.message for u in unmatched)
    own = len({d.canonical for d in ex.documents if d.kind == "regulation"})
    anomalies = list(t.anomalies) + quality.detect(t, ex.report, listed_regulations=own)
    anomalies.sort(key=lambda a: (a.span.start, a.kind))
    ex.anomalies = anomalies
    return ex


__all__ = ["extract"]
