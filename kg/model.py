"""Typed data passed between the pipeline stages.

bytes --reading--> :class:`Text` --structure--> :class:`Report`
      --documents/mentions--> :class:`DocumentMention` / :class:`EntityMention`
      --resolve--> :class:`Entity` --graph--> rdflib graph.

Every offset is a character offset into ``Text.text`` (the normalized text);
``Text.line_of(offset)`` maps it back to a 1-based line of the original file.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    """Half-open character range ``[start, end)`` in the normalized text."""

    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start:self.end]

    def __contains__(self, other: "Span") -> bool:  # type: ignore[override]
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Anomaly:
    """A slip in the source: ``kind`` is a code such as ``repeated_phrase``,
    ``repeated_sentence``, ``broken_paragraph``, ``truncated``, ``web_header``, ``web_footer``,
    ``page_furniture``, ``count_mismatch``; ``text`` is the quoted source text (for a broken
    paragraph the two joined parts with ``|`` between them)."""

    kind: str
    text: str
    span: Span
    message: str


@dataclass
class Text:
    """Normalized text of one report with a map back to the original lines.

    ``line_starts[i]`` is the offset in ``text`` where normalized line ``i`` begins
    and ``line_numbers[i]`` the 1-based line of the original file it came from (for a web page, Word file
    or PDF: of the text extracted from it, one paragraph a line).

    What the file says about itself (:mod:`kg.extract.sources`): ``source_format`` (``txt``, ``html``,
    ``mhtml``, ``docx``, ``pdf``), the page's ``source_url`` and ``published`` date (ISO), ``pages`` the
    offset in ``text`` where each page of a PDF begins (page 1 at 0; empty for other formats), and
    ``notes``, what the reader could not render (one line each, e.g. list numbering in a format it
    does not know).
    """

    path: str
    text: str
    line_starts: list[int]
    line_numbers: list[int]
    sha256: str
    encoding: str
    truncated: bool = False
    anomalies: list[Anomaly] = field(default_factory=list)
    source_format: str = "txt"
    source_url: str = ""
    published: str = ""
    pages: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def line_of(self, offset: int) -> int:
        """Original 1-based line number of the character at ``offset``."""
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return self.line_numbers[max(i, 0)]

    def page_of(self, offset: int) -> int | None:
        """The 1-based PDF page of the character at ``offset``; None when the source has no pages."""
        if not self.pages:
            return None
        return max(bisect.bisect_right(self.pages, offset), 1)


@dataclass
class Measure:
    """One measure (一是… / （1）… / 第一，…). ``number`` counts from 1 inside its parent."""

    number: int
    heading: str
    span: Span           # full text of the measure
    heading_span: Span
    marker: str          # the marker as written: 一是 / （1） / 第一，


@dataclass
class Problem:
    """A problem category (1. … / （1）… / 问题一：…), in an aspect or directly in a section.
    ``number`` is its place in reading order across the report; ``notation`` the marker as printed."""

    number: int
    label: str
    span: Span           # whole block: label and measures
    label_span: Span
    measures: list[Measure] = field(default_factory=list)
    notation: str = ""


@dataclass
class Aspect:
    """（一）关于…的整改情况: a problem area the inspectors named."""

    number: int          # place in reading order across the report
    label: str
    span: Span
    label_span: Span
    problems: list[Problem] = field(default_factory=list)
    notation: str = ""   # the marker as printed: （一）


@dataclass
class Section:
    """Top section 一、二、三、 of the report."""

    number: int
    title: str
    span: Span
    title_span: Span
    aspects: list[Aspect] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)   # measures directly in the section
    problems: list[Problem] = field(default_factory=list)   # problem categories with no aspect above them
    notation: str = ""       # the marker as printed: 一、 / 第一部分
    implicit: bool = False   # the body of a report with no section level (not a section of the text)


@dataclass
class ReportMeta:
    title: str
    issuer: str
    inspector: str = ""
    round: str = ""
    start: str = ""        # ISO dates YYYY-MM-DD
    end: str = ""
    feedback: str = ""
    date: str = ""         # date the report was signed, when given
    title_span: Span | None = None
    issuer_span: Span | None = None
    inspector_span: Span | None = None
    round_span: Span | None = None
    dates_span: Span | None = None


@dataclass
class Report:
    meta: ReportMeta
    sections: list[Section]
    outline: object = field(default=None, repr=False)   # the numbering tree (kg.extract.outline.Outline)
    notes: list[str] = field(default_factory=list)      # what the reader did not find (no problem categories …)

    def aspects(self) -> list[Aspect]:
        return [a for s in self.sections for a in s.aspects]

    def problems(self) -> list[Problem]:
        """Every problem category, in reading order."""
        out = [p for s in self.sections for p in s.problems] + [p for a in self.aspects() for p in a.problems]
        return sorted(out, key=lambda p: p.number)

    def measures(self) -> list[Measure]:
        out: list[Measure] = []
        for s in self.sections:
            out.extend(s.measures)
        for p in self.problems():
            out.extend(p.measures)
        return out


# Document kinds and actions: codes used in the graph and in the named queries.
DOCUMENT_KINDS = ("regulation", "external", "publication", "periodical")
ACTIONS = ("enact", "revise", "issue", "enforce", "abolish", "study", "compile", "cite")


@dataclass
class DocumentMention:
    """One 《…》 occurrence. ``title`` is without the outer 《》; ``canonical`` is the
    full title a short back-reference (《规划纲要》) stands for. ``negated``: named under a negated
    verb (未制定《…》): nothing was done to it there, its action is ``cite`` and it answers no problem."""

    title: str
    canonical: str
    kind: str
    action: str
    span: Span             # including 《》
    title_span: Span       # without 《》
    parent: str | None = None   # canonical title of the document this one is nested in
    negated: bool = False


ENTITY_KINDS = ("organization", "award", "activity", "person")


@dataclass
class EntityMention:
    """An occurrence of a unit, award, activity or person in the text.

    ``text`` equals the source text at ``span`` exactly.
    """

    kind: str
    text: str
    span: Span
    role: str | None = None        # persons: 党组书记 …


@dataclass
class Entity:
    """A resolved entity. ``name`` is its canonical label: text present in the
    source, or the full name an alias present in the source stands for. ``key``
    is an ASCII slug, stable for the same name, used in IRIs."""

    kind: str
    name: str
    key: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[EntityMention] = field(default_factory=list)
    role: str | None = None
    parent: str | None = None      # key of the organization this unit belongs to
    facts: dict[str, str] = field(default_factory=dict)   # e.g. award edition / counts


@dataclass(frozen=True)
class Figure:
    """A stated figure: 35次会议 → value 35, unit 次, what 会议."""

    value: float
    unit: str
    what: str
    text: str
    span: Span


@dataclass
class Extraction:
    """Everything the stages found in one report, ready for :func:`to_graph`."""

    text: Text
    report: Report
    documents: list[DocumentMention]
    entities: list[Entity] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    corrections: list["AppliedCorrection"] = field(default_factory=list)   # the user's fixes applied (provenance)


@dataclass(frozen=True)
class Correction:
    """One ``[[correction]]`` of a corrections file (``kg-corrections.toml`` beside the reports;
    :mod:`kg.extract.corrections`). ``kind`` is ``not_organization`` (``target``: a name that is not a
    unit), ``action`` (``target``: a document title whose mentions take ``action``; ``near``: text of
    the sentence that picks one mention) or ``measure`` (``target``: the text a measure begins with,
    moved under problem category ``problem``, numbered in reading order). ``report`` is the file stem of
    the one report it applies to ("" = every report in the directory); ``index`` counts from 1 in the
    file; ``text`` is the correction written on one line (without its note)."""

    file: str
    index: int
    kind: str
    target: str
    report: str = ""
    action: str = ""
    near: str = ""
    problem: int = 0
    note: str = ""
    text: str = ""


@dataclass(frozen=True)
class AppliedCorrection:
    """A correction applied to one report: the spans of the mentions or the measure it changed,
    and the names of the organisations it dropped."""

    correction: Correction
    spans: tuple[Span, ...] = ()
    names: tuple[str, ...] = ()


@dataclass
class ReportResult:
    """One processed report: its id and IRI (also the name of its graph), its triples as sorted
    N-Triples, the extraction, and warnings (one line each, with file and line number)."""

    path: str
    rid: str
    iri: str
    ntriples: bytes
    extraction: Extraction
    warnings: list[str] = field(default_factory=list)
    _graph: object = field(default=None, repr=False)

    @property
    def text(self) -> Text:
        return self.extraction.text

    @property
    def graph(self):
        """The report's graph as an rdflib ``Graph`` (parsed on first use)."""
        if self._graph is None:
            from rdflib import Graph   # imported here: rdflib is slow to import and a corpus build never needs it

            g = Graph()
            g.parse(data=self.ntriples, format="nt")
            self._graph = g
        return self._graph
