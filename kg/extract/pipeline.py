"""The reading stages run in order on one report file: bytes → :class:`~kg.model.Extraction`
(text, structure, documents, entities, figures, anomalies), with no RDF yet."""
from __future__ import annotations

from pathlib import Path

from kg.extract import documents, mentions, quality, reading, resolve, structure
from kg.model import Extraction


def extract(path: str | Path) -> Extraction:
    """Run the extraction stages on one report file.

    Raises :class:`~kg.errors.KgInputError` (the message names the file and the problem) on bad input.
    """
    t = reading.read(path)
    rep = structure.parse(t)
    docs = documents.find_documents(t, rep.meta.issuer)
    ment, figures = mentions.extract(t, rep, rep.meta.issuer)
    entities = resolve.resolve(ment, rep.meta.issuer, t.text)
    own = len({d.canonical for d in docs if d.kind == "regulation"})
    anomalies = list(t.anomalies) + quality.detect(t, rep, listed_regulations=own)
    anomalies.sort(key=lambda a: (a.span.start, a.kind))
    return Extraction(t, rep, docs, entities, figures, anomalies)


__all__ = ["extract"]
