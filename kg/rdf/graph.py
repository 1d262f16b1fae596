"""Graph: the extracted report → an rdflib graph in the terms of ``ontology/kg.ttl``.

IRIs are ASCII and deterministic (see docs/ARCHITECTURE.md); Chinese text appears
only in ``@zh`` literals; there are no blank nodes, so the same input always gives
the same triples and byte-identical Turtle. Every measure, mention, figure and
anomaly points (``kgo:evidence``) to a span node holding the anchor text
(``oa:exact``), its offsets (``oa:start``/``oa:end``) in the normalized text stored on
the report (``kgo:normalizedText``), the original line (``kgo:line``) and the
sentence around it.
"""
from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from pathlib import Path

from kg.extract import extractor_version
from kg.extract.resolve import is_self_standing, shared_name
from kg.model import Anomaly, DocumentMention, Entity, Extraction, Figure, Measure, Report, Span, Text
from kg.rdf.ntriples import parse_ntriples
from kg.rdf.vocab import DCTERMS, FOAF, KGO, KGR, OA, ORG, PROV, RDF, RDFS, SKOS, XSD, report_iri  # noqa: F401 (report_iri: API)

DOC_CLASS = {"regulation": str(KGO.OwnRegulation), "external": str(KGO.ExternalDocument),
             "publication": str(KGO.Publication), "periodical": str(KGO.Periodical)}
ENTITY_CLASS = {"organization": str(ORG.Organization), "award": str(KGO.Award), "activity": str(KGO.Initiative),
                "person": str(PROV.Person)}
ENTITY_PATH = {"organization": "org", "award": "award", "activity": "activity", "person": "person"}
SENTENCE_END = "。！？!?\n"
_SENTENCE_END_RE = re.compile(f"[{SENTENCE_END}]")
SENTENCE_MAX = 500       # a longer "sentence" (real ones: under 400 characters) is quoted as a window
SENTENCE_WINDOW = 40     # … of this many characters either side of the span
CJK_RE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def report_id(path: str | Path, sha256: str) -> str:
    """ASCII id of a report: its file stem when that is ASCII, else an ASCII slug of it (Chinese in pinyin);
    a file that is not ``.txt`` has its format after it (``a.txt`` → ``a``, ``a.pdf`` → ``a-pdf``: the two
    never collide). A stem with no letter or digit to keep (``..txt``) gives ``r`` + 12 hex of the bytes' hash,
    so an id is never ``.``, ``..`` or empty.

    >>> report_id("data/reports/zuoxie_2020.txt", "ab" * 32), report_id("中国作协2020.txt", "ab" * 32)
    ('zuoxie_2020', 'zhong-guo-zuo-xie-2020')
    >>> report_id("a.pdf", "ab" * 32), report_id("..txt", "ab" * 32), report_id("报告 (二).docx", "ab" * 32)
    ('a-pdf', 'rabababababab', 'bao-gao-er-docx')
    """
    p = Path(path)
    stem, suffix = p.stem, p.suffix.lower()
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-")
    if not (slug and slug == stem):
        slug = _ascii_slug(stem)
    if not re.search(r"[A-Za-z0-9]", slug):
        slug = "r" + sha256[:12]
    if suffix not in ("", ".txt"):
        slug += "-" + re.sub(r"[^a-z0-9]+", "", suffix)
    return slug


_HAN_RE = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")


def _ascii_slug(stem: str) -> str:
    """``stem`` in ASCII: Chinese in toneless pinyin (pypinyin), other letters without their accents, each
    run of anything else one ``-``."""
    words: list[str] = []
    for k, run in enumerate(_HAN_RE.split(unicodedata.normalize("NFKC", stem))):
        if k % 2:
            from pypinyin import lazy_pinyin   # heavy (its dictionaries): only for a name that needs it
            words.extend(lazy_pinyin(run))
        else:
            words.append(unicodedata.normalize("NFKD", run).encode("ascii", "ignore").decode("ascii"))
    return re.sub(r"[^A-Za-z0-9]+", "-", "-".join(words)).strip("-")


def digest(s: str, n: int = 16) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:n]


#: a version marker at the end of a title: （试行） （暂行） （修订） （2019年修订） （征求意见稿） …
_VERSION_RE = re.compile(r"\((?:\d{4}年)?(?:试行|暂行|修订|修订版|修订稿|修正|修正版|草案|征求意见稿|版)\)$")
#: the issuing body of Party rules and national laws, left out in their usual short forms
#: (《巡视工作条例》 is 《中国共产党巡视工作条例》, 《监察法》 《中华人民共和国监察法》): (prefix, shortest rest)
_SHORT_FORM_PREFIXES = (("中国共产党", 4), ("中华人民共和国", 2))
_TITLE_NOISE_RE = re.compile(r"[\s·・“”‘’\"'《》〈〉]")


def document_key(title: str) -> str:
    """What the titles of one document have in common across reports: the title without a version
    marker, without the 中国共产党 / 中华人民共和国 of its usual short form, in NFKC without spaces,
    quotes and inner brackets. Short forms and （试行）/（修订）/（暂行） versions of a title share it.

    >>> document_key("中国共产党支部工作条例（试行）") == document_key("支部工作条例") == "支部工作条例"
    True
    >>> document_key("中华人民共和国监察法"), document_key("中国共产党章程"), document_key("某某办法（2019年修订）")
    ('监察法', '中国共产党章程', '某某办法')
    """
    key = _TITLE_NOISE_RE.sub("", unicodedata.normalize("NFKC", title))
    while True:
        bare = _VERSION_RE.sub("", key)
        if bare == key or not bare:
            break
        key = bare
    for prefix, rest in _SHORT_FORM_PREFIXES:
        if key.startswith(prefix) and len(key) - len(prefix) >= rest:
            return key[len(prefix):]
    return key


def document_iri(title: str) -> str:
    """The report-independent IRI ``kgr:document/{sha1(key)[:16]}`` of a document title (its
    :func:`document_key`): what per-report document nodes ``skos:exactMatch`` (join on it to find the
    same document across reports, whichever short form or version each report names)."""
    return f"{KGR}document/{digest(document_key(title))}"


def org_iri(name: str) -> str:
    """The report-independent IRI ``kgr:org/{sha1(shared name)[:16]}`` of a unit whose name stands on its
    own (:func:`kg.extract.resolve.is_self_standing`; the shared name is
    :func:`kg.extract.resolve.shared_name`): what the per-report unit nodes ``skos:exactMatch``.

    >>> org_iri("中国作协") == org_iri("中国作家协会"), org_iri("中共中国作家协会党组") == org_iri("中国作协党组")
    (True, True)
    """
    return f"{KGR}org/{digest(shared_name(name))}"


class _NS:
    """Terms of a namespace as plain strings (rdflib's Namespace builds a URIRef on every access)."""

    def __init__(self, base: str):
        self._base = str(base)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._base + name
        setattr(self, name, value)
        return value

    def __getitem__(self, name: str) -> str:
        return self._base + name


_KGO, _RDF, _RDFS, _SKOS, _DCTERMS, _ORG, _PROV, _FOAF, _OA = (
    _NS(ns) for ns in (KGO, RDF, RDFS, SKOS, DCTERMS, ORG, PROV, FOAF, OA))


class _Lit(str):
    """A literal already written in N-Triples syntax."""


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_ESCAPE_RE = re.compile(r'[\\"\n\r\x00-\x1f\x7f]')


def _esc(s: str) -> str:
    if _ESCAPE_RE.search(s) is None:     # the usual case: nothing to escape
        return s
    return _ESCAPE_RE.sub(lambda m: _ESCAPES.get(m.group(0), f"\\u{ord(m.group(0)):04X}"), s)


def zh(s: str) -> _Lit:
    """A Chinese text literal.

    >>> print(zh('《办法》"1"'))
    "《办法》\\"1\\""@zh
    """
    return _Lit(f'"{_esc(s)}"@zh')


def lit(v: object, lang: str | None = None, datatype: str | None = None) -> _Lit:
    """A literal: bool → xsd:boolean, int → xsd:integer, str → plain (or ``lang`` / ``datatype``)."""
    if isinstance(v, bool):
        return _Lit(f'"{str(v).lower()}"^^<{XSD}boolean>')
    if isinstance(v, int):
        return _Lit(f'"{v}"^^<{XSD}integer>')
    if lang:
        return _Lit(f'"{_esc(str(v))}"@{lang}')
    if datatype:
        return _Lit(f'"{_esc(str(v))}"^^<{XSD}{datatype}>')
    return _Lit(f'"{_esc(str(v))}"')


class _Builder:
    def __init__(self, ex: Extraction, rid: str):
        self.ex = ex
        self.t = ex.text.text
        self.base = f"report/{rid}"
        self.R = f"{KGR}{self.base}"
        self.lines: dict[str, None] = {}     # N-Triples lines, unique, in insertion order
        self._ends = [m.start() for m in _SENTENCE_END_RE.finditer(self.t)]
        self._done: set[str] = set()          # evidence and organization nodes already described
        self._measures: list[tuple[int, int, str, str | None]] = []   # start, end, measure, problem

    def iri(self, *parts: object) -> str:
        return "/".join([f"{KGR}{self.base}", *map(str, parts)])

    def add(self, s: str, p: str, o: str) -> None:
        self.lines[f"<{s}> <{p}> {o} ." if o.__class__ is _Lit else f"<{s}> <{p}> <{o}> ."] = None

    def sentence(self, span: Span) -> Span:
        """The sentence around ``span``: from after the previous 。！？ or line end to the next one."""
        t, ends = self.t, self._ends
        i = bisect.bisect_left(ends, span.start)
        lo = ends[i - 1] + 1 if i else 0
        j = bisect.bisect_left(ends, span.end)
        hi = ends[j] if j < len(ends) else len(t)
        if hi < len(t) and t[hi] != "\n":
            hi += 1
        if hi - lo > SENTENCE_MAX:    # a run-on text without stops: a window around the span (the graph stays linear)
            lo, hi = max(lo, span.start - SENTENCE_WINDOW), min(hi, span.end + SENTENCE_WINDOW)
        return Span(min(lo, span.start), max(hi, span.end))

    def evidence(self, node: str, span: Span) -> None:
        ev = f"{self.R}/span/{span.start}-{span.end}"
        self.add(node, _KGO.evidence, ev)
        if ev in self._done:
            return
        self._done.add(ev)
        sent = self.sentence(span)
        self.add(ev, _RDF.type, _KGO.Evidence)
        self.add(ev, _OA.exact, zh(span.text(self.t)))
        self.add(ev, _OA.start, lit(span.start))
        self.add(ev, _OA.end, lit(span.end))
        self.add(ev, _KGO.line, lit(self.ex.text.line_of(span.start)))
        page = self.ex.text.page_of(span.start)
        if page is not None:
            self.add(ev, _KGO.page, lit(page))
        self.add(ev, _KGO.sentence, zh(sent.text(self.t)))
        self.add(ev, _KGO.sentenceStart, lit(sent.start))
        self.add(ev, _KGO.sentenceEnd, lit(sent.end))
        self.add(ev, _KGO.inReport, self.R)

    def measure_at(self, span: Span) -> tuple[str, str | None] | None:
        i = bisect.bisect_right(self._measures, (span.start, float("inf"))) - 1
        if i >= 0:
            start, end, m, p = self._measures[i]
            if start <= span.start and span.end <= end:
                return m, p
        return None

    # -- stages -------------------------------------------------------------
    def report(self) -> None:
        ex, R, meta = self.ex, self.R, self.ex.report.meta
        self.add(R, _RDF.type, _KGO.Report)
        self.add(R, _DCTERMS.identifier, lit(self.base.split("/")[-1]))
        self.add(R, _DCTERMS.title, zh(meta.title))
        self.add(R, _KGO.normalizedText, zh(ex.text.text))
        name = Path(ex.text.path).name
        self.add(R, _KGO.sourceFile, zh(name) if CJK_RE.search(name) else lit(name))
        self.add(R, _KGO.sha256, lit(ex.text.sha256))
        self.add(R, _KGO.truncated, lit(ex.text.truncated))
        self.add(R, _KGO.sourceFormat, lit(ex.text.source_format))
        if ex.text.source_url:
            self.add(R, _KGO.sourceUrl, lit(ex.text.source_url, datatype="anyURI"))
        if ex.text.published:
            self.add(R, _KGO.sourceDate, lit(ex.text.published[:10], datatype="date"))
        self.add(R, _KGO.extractorVersion, lit(extractor_version()))
        if meta.title_span:
            self.evidence(R, meta.title_span)
        issuer = self.org(meta.issuer or meta.title)
        self.add(R, _DCTERMS.publisher, issuer)
        if meta.inspector:
            self.add(R, _KGO.inspectedBy, self.org(meta.inspector))
        if meta.round:
            self.add(R, _KGO.inspectionRound, zh(meta.round))
        for prop, value in ((_KGO.inspectionStart, meta.start), (_KGO.inspectionEnd, meta.end),
                            (_KGO.feedbackDate, meta.feedback), (_DCTERMS.issued, meta.date)):
            if value:
                self.add(R, prop, lit(value, datatype="date"))

    def org(self, name: str) -> str:
        node = self.iri(ENTITY_PATH["organization"], digest(name))
        if node not in self._done:
            self._done.add(node)
            self.add(node, _RDF.type, _ORG.Organization)
            self.add(node, _SKOS.prefLabel, zh(name))
            self.add(node, _KGO.inReport, self.R)
            self.same_org(node, name)
        return node

    def same_org(self, node: str, name: str) -> None:
        """A unit whose name stands on its own is one node across reports: ``skos:exactMatch`` its
        report-independent IRI (:func:`org_iri`). Relative names (办公室, 机关纪委) stay report-local."""
        meta = self.ex.report.meta
        if name != meta.title and is_self_standing(name, meta.issuer):
            self.add(node, _SKOS.exactMatch, org_iri(name))

    def structure(self) -> None:
        scheme = self.iri("scheme")
        self.add(scheme, _RDF.type, _SKOS.ConceptScheme)
        self.add(scheme, _SKOS.prefLabel, zh(self.ex.report.meta.title + "·问题清单"))
        self.add(scheme, _KGO.inReport, self.R)
        self.add(self.R, _KGO.problemScheme, scheme)
        for sec in self.ex.report.sections:
            s = None
            if not sec.implicit:
                s = self.iri("section", sec.number)
                self.add(s, _RDF.type, _KGO.Section)
                self.add(s, _KGO.number, lit(sec.number))
                self.add(s, _DCTERMS.title, zh(sec.title))
                self.add(s, _KGO.inReport, self.R)
                self.evidence(s, sec.title_span)
            for m in sec.measures:
                self.measure(m, self.iri("section", sec.number, "measure", m.number), section=s)
            for p in sec.problems:
                self.problem(p, scheme, None, s)
            for a in sec.aspects:
                an = self.iri("aspect", a.number)
                self.add(an, _RDF.type, _KGO.Aspect)
                self.add(an, _KGO.number, lit(a.number))
                self.add(an, _SKOS.notation, lit(str(a.number)))
                self.add(an, _SKOS.prefLabel, zh(a.label))
                self.add(an, _SKOS.inScheme, scheme)
                self.add(an, _SKOS.topConceptOf, scheme)
                if s is not None:
                    self.add(an, _KGO.inSection, s)
                self.add(an, _KGO.inReport, self.R)
                self.evidence(an, a.label_span)
                for p in a.problems:
                    self.problem(p, scheme, (an, a.number), None)
        self._measures.sort(key=lambda x: (x[0], x[1]))

    def problem(self, p, scheme: str, aspect: tuple[str, int] | None, section: str | None) -> None:
        """A problem category: under its aspect (``skos:broader``), or straight in a section or the body."""
        pn = self.iri("problem", p.number)
        self.add(pn, _RDF.type, _KGO.ProblemCategory)
        self.add(pn, _KGO.number, lit(p.number))
        self.add(pn, _SKOS.notation, lit(f"{aspect[1]}.{p.number}" if aspect else str(p.number)))
        self.add(pn, _SKOS.prefLabel, zh(p.label))
        if aspect is not None:
            self.add(pn, _SKOS.broader, aspect[0])
        else:
            self.add(pn, _SKOS.topConceptOf, scheme)
        if section is not None:
            self.add(pn, _KGO.inSection, section)
        self.add(pn, _SKOS.inScheme, scheme)
        self.add(pn, _KGO.inReport, self.R)
        self.evidence(pn, p.label_span)
        for m in p.measures:
            self.measure(m, self.iri("problem", p.number, "measure", m.number), problem=pn)

    def measure(self, m: Measure, node: str, section: str | None = None,
                problem: str | None = None) -> None:
        self.add(node, _RDF.type, _KGO.Measure)
        self.add(node, _KGO.number, lit(m.number))
        self.add(node, _KGO.heading, zh(m.heading))
        self.add(node, _KGO.text, zh(m.span.text(self.t)))
        self.add(node, _KGO.inReport, self.R)
        if problem is not None:
            self.add(node, _KGO.addresses, problem)
        if section is not None:
            self.add(node, _KGO.inSection, section)
        self.evidence(node, m.span)
        self._measures.append((m.span.start, m.span.end, node, problem))

    def mention(self, node: str, cls: str, target: str, span: Span) -> str | None:
        self.add(node, _RDF.type, cls)
        self.add(node, _KGO.mentions, target)
        self.add(node, _KGO.inReport, self.R)
        self.evidence(node, span)
        hit = self.measure_at(span)
        if hit:
            self.add(node, _KGO.inMeasure, hit[0])
            return hit[1]
        return None

    def documents(self) -> None:
        for d in self.ex.documents:
            doc = self.iri("document", digest(d.canonical))
            self.add(doc, _RDF.type, DOC_CLASS[d.kind])
            self.add(doc, _RDF.type, _KGO.Document)
            self.add(doc, _DCTERMS.title, zh(d.canonical))
            self.add(doc, _SKOS.exactMatch, document_iri(d.canonical))
            self.add(doc, _KGO.inReport, self.R)
            self.add(doc, _KGO.documentKind, lit(d.kind))
            if d.title != d.canonical:
                self.add(doc, _SKOS.altLabel, zh(d.title))
            if d.parent:
                self.add(self.iri("document", digest(d.parent)), _KGO.implements, doc)
            node = self.iri("mention", f"doc-{d.span.start}-{d.span.end}")
            self.add(node, _KGO.action, lit(d.action))
            negated = d.negated     # 未制定《…》: named, not acted on
            if negated:
                self.add(node, _KGO.negated, lit(True))
            problem = self.mention(node, _KGO.DocumentMention, doc, d.span)
            if problem is not None and d.kind == "regulation" and not negated:
                self.add(doc, _KGO.answers, problem)

    def entities(self) -> None:
        keys = {}
        for e in self.ex.entities:
            node = self.iri(ENTITY_PATH[e.kind], digest(e.name))
            keys[e.key] = node
            self.add(node, _RDF.type, ENTITY_CLASS[e.kind])
            self.add(node, _SKOS.prefLabel, zh(e.name))
            self.add(node, _KGO.inReport, self.R)
            if e.kind == "organization":
                self.same_org(node, e.name)
            for a in sorted((set(e.aliases) | {mt.text for mt in e.mentions}) - {e.name}):
                self.add(node, _SKOS.altLabel, zh(a))
            if e.kind == "person":
                self.add(node, _FOAF.name, zh(e.name))
                if e.role:
                    self.add(node, _KGO.role, zh(e.role))
                    self.add(node, _ORG.memberOf, self.org(self.ex.report.meta.issuer or self.ex.report.meta.title))
            for k, v in sorted(e.facts.items()):
                v = str(v)
                self.add(node, _KGO[k], zh(v) if CJK_RE.search(v) else lit(int(v)) if v.isdigit() else lit(v))
            for mt in e.mentions:
                self.mention(self.iri("mention", f"{e.kind}-{mt.span.start}-{mt.span.end}"), _KGO.EntityMention,
                             node, mt.span)
        for e in self.ex.entities:
            if e.parent and e.parent in keys:
                self.add(keys[e.key], _ORG.subOrganizationOf, keys[e.parent])
                self.add(keys[e.key], _ORG.unitOf, keys[e.parent])

    def figures(self) -> None:
        for f in self.ex.figures:
            node = self.iri("figure", f"{f.span.start}-{f.span.end}")
            self.add(node, _RDF.type, _KGO.Figure)
            self.add(node, _RDF.value, lit(_decimal(f.value), datatype="decimal"))
            self.add(node, _KGO.unit, zh(f.unit))
            if f.what:
                self.add(node, _KGO.counts, zh(f.what))
            self.add(node, _KGO.inReport, self.R)
            self.evidence(node, f.span)
            hit = self.measure_at(f.span)
            if hit:
                self.add(node, _KGO.inMeasure, hit[0])

    def anomalies(self) -> None:
        for a in self.ex.anomalies:
            node = self.iri("anomaly", a.kind, f"{a.span.start}-{a.span.end}")
            self.add(node, _RDF.type, _KGO.Anomaly)
            self.add(node, _KGO.anomalyKind, lit(a.kind))
            self.add(node, _KGO.text, zh(a.text))
            self.add(node, _RDFS.comment, lit(a.message, lang="zh" if CJK_RE.search(a.message) else "en"))
            self.add(node, _KGO.inReport, self.R)
            self.evidence(node, a.span)

    def corrections(self) -> None:
        """Provenance of the user's corrections: each one applied is a ``kgo:Correction`` (⊑ prov:Activity)
        ``…/correction/{index}`` with its text (``kgo:text``), kind, note (``rdfs:comment``), the corrections
        file (``prov:used``, a ``kgo:CorrectionsFile``) and what it changed (``kgo:corrects``: the measure,
        the document mentions, or the name of the organisation it dropped as a @zh literal)."""
        for a in self.ex.corrections:
            c = a.correction
            used = self.iri("corrections")
            name = Path(c.file).name
            self.add(used, _RDF.type, _KGO.CorrectionsFile)
            self.add(used, _RDFS.label, zh(name) if CJK_RE.search(name) else lit(name))
            self.add(used, _KGO.inReport, self.R)
            node = self.iri("correction", c.index)
            self.add(node, _RDF.type, _KGO.Correction)
            self.add(node, _KGO.number, lit(c.index))
            self.add(node, _KGO.correctionKind, lit(c.kind))
            self.add(node, _KGO.text, zh(c.text) if CJK_RE.search(c.text) else lit(c.text))
            if c.note:
                self.add(node, _RDFS.comment, zh(c.note) if CJK_RE.search(c.note) else lit(c.note))
            self.add(node, _PROV.used, used)
            self.add(node, _KGO.inReport, self.R)
            for n in a.names:
                self.add(node, _KGO.corrects, zh(n))
            if c.kind == "action":
                for sp in a.spans:
                    self.add(node, _KGO.corrects, self.iri("mention", f"doc-{sp.start}-{sp.end}"))
            elif c.kind == "measure":
                for sp in a.spans:
                    hit = self.measure_at(sp)
                    if hit:
                        self.add(node, _KGO.corrects, hit[0])


def _decimal(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def to_ntriples(ex: Extraction, rid: str) -> bytes:
    """The RDF graph of one report (its named graph is ``kgr:report/{rid}``) as sorted N-Triples.

    Written directly as text (no rdflib terms): this is the hot path of corpus builds.
    """
    b = _Builder(ex, rid)
    b.report()
    b.structure()
    b.documents()
    b.entities()
    b.figures()
    b.anomalies()
    b.corrections()
    return ("\n".join(sorted(b.lines)) + "\n").encode("utf-8")


def to_graph(ex: Extraction, rid: str):
    """The RDF graph of one report as an rdflib graph."""
    return parse_ntriples(to_ntriples(ex, rid))
