"""Build-time summaries: counts across reports, stored in their own named graph so that cross-report
questions read a few summary triples instead of scanning every mention of a large store.

A corpus build (:func:`kg.store.build.finish`) rewrites the named graph
:data:`~kg.rdf.vocab.SUMMARY_GRAPH` whenever a report changed (:func:`update_summaries`). It holds:

* every report-independent document ``kgr:document/{h}`` (what the report-local document nodes
  ``skos:exactMatch``) as a ``kgo:CorpusDocument`` (also a ``kgo:SharedDocument`` when two or more reports
  cite it: what ``shared_documents`` lists, found without looking at the others): its ``dcterms:title`` (the form most reports use), the
  other forms as ``skos:altLabel``, its ``kgo:documentKind`` (the one most reports give), ``kgo:reportCount``,
  ``kgo:mentionCount``, ``kgo:namedIn`` each report and ``kgo:actionReports`` (reports per action, as text:
  ``"study 5, cite 2"``, in the order of ``kgo:ActionScheme``);
* every report-independent unit ``kgr:org/{h}`` (units whose name stands on its own,
  :func:`kg.extract.resolve.is_self_standing`) as a ``kgo:CorpusOrganization`` (and ``kgo:SharedOrganization``
  when two or more reports name it): ``skos:prefLabel`` (the name
  most reports use), other names as ``skos:altLabel``, ``kgo:reportCount``, ``kgo:mentionCount``,
  ``kgo:namedIn``;
* the problem categories that several reports share, grouped by label (:func:`category_key`), as
  ``kgo:CorpusCategory`` ``kgr:summary/category/{h}`` (``skos:prefLabel``, ``kgo:reportCount``,
  ``kgo:namedIn``) with one ``kgo:Tally`` per own regulation that answers them in several reports
  (``…/category/{h}/{document h}``: ``kgo:reportCount``, ``kgo:mentionCount``, ``kgo:namedIn``,
  ``kgo:actionReports``; a negated mention answers nothing, as in ``regulations.rq``);
* ``kgo:rank`` 1, 2, … on each shared document, shared unit and tally: its place in the order of
  ``shared_documents``, ``shared_units`` and ``regulations_across_reports``, so that they sort on an
  integer instead of comparing titles on a large store.

What a report adds (:func:`contribution`) is read from its graph's N-Triples (or N-Quads) as the build's
workers hand them back, so summing up a corpus reads no store; the contributions of unchanged reports are
kept in ``DIR/summaries.json`` (a report missing there is read back from the store). No summary triple is in
a report graph (report graphs stay disjoint, so the union stays a set). The named queries
``shared_documents``, ``shared_units`` and ``regulations_across_reports`` read the summaries.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from kg.errors import KgStoreError
from kg.fileio import atomic_write
from kg.rdf.graph import digest, lit, zh
from kg.rdf.vocab import DCTERMS, KGO, KGR, RDF, SKOS, SUMMARY_GRAPH
from kg.store.oxigraph import Store

#: bump when what :func:`summarize` writes changes: builds then write the summaries afresh
SUMMARY_VERSION = "5"
#: bump when what a contribution holds changes: builds then read every report again (``DIR/summaries.json``)
CONTRIBUTION_VERSION = "4"
#: the contributions of the reports of a build, beside its manifest
CACHE = "summaries.json"

DOCUMENT_BASE = f"{KGR}document/"
ORG_BASE = f"{KGR}org/"
SUMMARY_BASE = f"{KGR}summary/"
#: the action codes in the order of kgo:ActionScheme
ACTIONS = ("enact", "revise", "issue", "enforce", "abolish", "study", "compile", "cite")

_K = str(KGO)
_P_TYPE, _P_MATCH, _P_TITLE, _P_LABEL = str(RDF.type), str(SKOS.exactMatch), str(DCTERMS.title), str(SKOS.prefLabel)
_P_KIND, _P_MENTIONS, _P_ACTION, _P_NEGATED = _K + "documentKind", _K + "mentions", _K + "action", _K + "negated"
_P_IN_MEASURE, _P_ADDRESSES, _PROBLEM = _K + "inMeasure", _K + "addresses", _K + "ProblemCategory"
_WANTED = {p.encode() for p in (_P_TYPE, _P_MATCH, _P_TITLE, _P_LABEL, _P_KIND, _P_MENTIONS, _P_ACTION, _P_NEGATED,
                                _P_IN_MEASURE, _P_ADDRESSES)}
_LITERAL_RE = re.compile(r'"((?:[^"\\]|\\.)*)"')
_UNESCAPE_RE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))')
_UNESCAPED = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}

_LABEL_NOISE_RE = re.compile(r"\s+")
_LABEL_END_RE = re.compile(r"[。；;，,：:、.!！?？]+$")
_VERSIONED_RE = re.compile(r"[（(][^（）()]*(?:试行|暂行|修订|修正|草案|征求意见稿|版)[^（）()]*[）)]$")
_KIND_RANK = {"regulation": 0, "publication": 1, "periodical": 2, "external": 3}


def category_key(label: str) -> str:
    """What the labels of one problem category have in common across reports: NFKC, no spaces, no final
    punctuation.

    >>> category_key("理论学习不够深入。") == category_key("理论学习 不够深入")
    True
    """
    return _LABEL_END_RE.sub("", _LABEL_NOISE_RE.sub("", unicodedata.normalize("NFKC", label)))


# ---------------------------------------------------------------- what one report adds

def _object(raw: str) -> str:
    """An N-Triples object as a plain value: an IRI without <>, a literal's unescaped text."""
    if raw.startswith("<"):
        return raw[1:raw.index(">")]
    m = _LITERAL_RE.match(raw)
    if not m:
        return raw
    text = m.group(1)
    if "\\" in text:
        text = _UNESCAPE_RE.sub(lambda e: chr(int(e.group(1) or e.group(2), 16)) if (e.group(1) or e.group(2))
                                else _UNESCAPED.get(e.group(3), e.group(3)), text)
    return text


def _triples(data: bytes) -> Iterable[tuple[str, str, str]]:
    """(subject, predicate, object value) of the lines of ``data`` (N-Triples or N-Quads) whose predicate a
    summary needs; the others (long texts, evidence) are skipped without being decoded."""
    for line in data.split(b"\n"):
        i = line.find(b"> <", 1)
        if i < 0 or line[:1] != b"<":
            continue
        j = line.find(b">", i + 3)
        p = line[i + 3:j]
        if p in _WANTED:
            yield line[1:i].decode(), p.decode(), _object(line[j + 2:].decode())


def contribution(data: bytes) -> dict:
    """What one report's graph (N-Triples or N-Quads bytes) adds to the summaries, as plain JSON data:
    ``docs`` {document hash: [titles, kinds, {action: mentions}]}, ``orgs`` {unit hash: [names, mentions]},
    ``cats`` {category key: [labels, {regulation hash: {action: mentions}}]}."""
    match, title, kind, label, target, action, negated, in_measure, addresses = ({} for _ in range(9))
    problems: set[str] = set()
    for s, p, o in _triples(data):
        if p == _P_TYPE:
            if o == _PROBLEM:
                problems.add(s)
        elif p == _P_MATCH:
            match[s] = o
        elif p == _P_TITLE:
            title[s] = o
        elif p == _P_KIND:
            kind[s] = o
        elif p == _P_LABEL:
            label[s] = o
        elif p == _P_MENTIONS:
            target[s] = o
        elif p == _P_ACTION:
            action[s] = o
        elif p == _P_NEGATED:
            negated[s] = o == "true"
        elif p == _P_IN_MEASURE:
            in_measure[s] = o
        elif p == _P_ADDRESSES:
            addresses[s] = o
    docs: dict[str, list] = {}
    orgs: dict[str, list] = {}
    for node, shared in match.items():
        if shared.startswith(DOCUMENT_BASE) and node in title:
            d = docs.setdefault(shared[len(DOCUMENT_BASE):], [set(), set(), defaultdict(int)])
            d[0].add(title[node])
            d[1].add(kind.get(node, "external"))
        elif shared.startswith(ORG_BASE) and node in label:
            o = orgs.setdefault(shared[len(ORG_BASE):], [set(), 0])
            o[0].add(label[node])
    cats: dict[str, list] = {}
    for pc in problems:
        key = category_key(label.get(pc, ""))
        if key:
            cats.setdefault(key, [set(), defaultdict(lambda: defaultdict(int))])[0].add(label[pc])
    for m, node in target.items():
        shared = match.get(node, "")
        if shared.startswith(DOCUMENT_BASE) and shared[len(DOCUMENT_BASE):] in docs:
            h = shared[len(DOCUMENT_BASE):]
            docs[h][2][action.get(m, "cite")] += 1
            problem = addresses.get(in_measure.get(m, ""))
            key = category_key(label.get(problem, "")) if problem in problems else ""
            if key and kind.get(node) == "regulation" and not negated.get(m):
                cats[key][1][h][action.get(m, "cite")] += 1
        elif shared.startswith(ORG_BASE) and shared[len(ORG_BASE):] in orgs:
            orgs[shared[len(ORG_BASE):]][1] += 1
    return {"docs": {h: [sorted(t), sorted(k), dict(a)] for h, (t, k, a) in docs.items()},
            "orgs": {h: [sorted(n), c] for h, (n, c) in orgs.items()},
            "cats": {key: [sorted(ls), {h: dict(a) for h, a in ans.items()}] for key, (ls, ans) in cats.items()}}


# ---------------------------------------------------------------- the corpus

class _Sum:
    """One node being summed up over reports."""

    def __init__(self) -> None:
        self.forms: dict[str, set[str]] = defaultdict(set)      # label → reports
        self.kinds: dict[str, set[str]] = defaultdict(set)      # kind → reports
        self.reports: set[str] = set()
        self.mentions = 0
        self.actions: dict[str, tuple[set[str], list[int]]] = {}   # action → (reports, [mentions])

    def add_actions(self, report: str, counts: dict[str, int]) -> None:
        for a, n in counts.items():
            reports, total = self.actions.setdefault(a, (set(), [0]))
            reports.add(report)
            total[0] += n
            self.mentions += n

    def action_reports(self) -> str:
        order = {a: i for i, a in enumerate(ACTIONS)}
        return ", ".join(f"{a} {len(self.actions[a][0])}" for a in sorted(self.actions, key=lambda a: (order.get(a, 99), a)))


def _most_used(forms: dict[str, set[str]]) -> str:
    """The form used by the most reports; ties: one without a version marker （试行）, the longest (a full
    name before its short form), then the first in code point order."""
    return min(forms, key=lambda f: (-len(forms[f]), bool(_VERSIONED_RE.search(f)), -len(f), f))


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"<{s}> <{p}> {o} ." if o.startswith('"') else f"<{s}> <{p}> <{o}> .")

    def counts(self, node: str, reports: set[str] | None, n_reports: int, mentions: int) -> None:
        self.add(node, _K + "reportCount", lit(n_reports))
        self.add(node, _K + "mentionCount", lit(mentions))
        for r in sorted(reports or ()):
            self.add(node, _K + "namedIn", r)

    def nt(self) -> bytes:
        return ("\n".join(sorted(set(self.lines))) + "\n").encode("utf-8") if self.lines else b""


def summarize(contributions: Iterable[tuple[str, dict]]) -> bytes:
    """The summaries graph of the reports ``(report IRI, contribution)`` as sorted N-Triples (empty when no
    report names a document, a unit or a problem category)."""
    docs: dict[str, _Sum] = defaultdict(_Sum)
    orgs: dict[str, _Sum] = defaultdict(_Sum)
    cats: dict[str, _Sum] = defaultdict(_Sum)
    answers: dict[tuple[str, str], _Sum] = defaultdict(_Sum)
    for report, c in contributions:
        for h, (titles, kinds, actions) in c.get("docs", {}).items():
            d = docs[h]
            d.reports.add(report)
            for t in titles:
                d.forms[t].add(report)
            for k in kinds:
                d.kinds[k].add(report)
            d.add_actions(report, actions)
        for h, (names, mentions) in c.get("orgs", {}).items():
            o = orgs[h]
            o.reports.add(report)
            o.mentions += mentions
            for n in names:
                o.forms[n].add(report)
        for key, (labels, regs) in c.get("cats", {}).items():
            cat = cats[key]
            cat.reports.add(report)
            for lb in labels:
                cat.forms[lb].add(report)
            for h, actions in regs.items():
                a = answers[(key, h)]
                a.reports.add(report)
                a.add_actions(report, actions)
    out = _Writer()
    titles = {h: _most_used(d.forms) for h, d in docs.items()}
    for h, d in docs.items():
        node = DOCUMENT_BASE + h
        out.add(node, _P_TYPE, _K + "CorpusDocument")
        if len(d.reports) > 1:
            out.add(node, _P_TYPE, _K + "SharedDocument")
        title = titles[h]
        out.add(node, _P_TITLE, zh(title))
        for f in d.forms:
            if f != title:
                out.add(node, str(SKOS.altLabel), zh(f))
        out.add(node, _P_KIND, lit(min(d.kinds, key=lambda k: (-len(d.kinds[k]), _KIND_RANK.get(k, 9), k))))
        out.counts(node, d.reports, len(d.reports), d.mentions)
        out.add(node, _K + "actionReports", lit(d.action_reports()))
    for h, o in orgs.items():
        node = ORG_BASE + h
        out.add(node, _P_TYPE, _K + "CorpusOrganization")
        if len(o.reports) > 1:
            out.add(node, _P_TYPE, _K + "SharedOrganization")
        name = _most_used(o.forms)
        out.add(node, _P_LABEL, zh(name))
        for f in o.forms:
            if f != name:
                out.add(node, str(SKOS.altLabel), zh(f))
        out.counts(node, o.reports, len(o.reports), o.mentions)
    # the order of shared_documents and shared_units: most reports, most mentions, name, IRI
    _ranks(out, ((-len(d.reports), -d.mentions, titles[h], DOCUMENT_BASE + h) for h, d in docs.items()
                 if len(d.reports) > 1))
    _ranks(out, ((-len(o.reports), -o.mentions, _most_used(o.forms), ORG_BASE + h) for h, o in orgs.items()
                 if len(o.reports) > 1))
    labels = {key: _most_used(cat.forms) for key, cat in cats.items() if len(cat.reports) > 1}
    for key, cat in cats.items():
        if len(cat.reports) < 2:
            continue             # across reports: a category of one report is in that report's graph
        node = f"{SUMMARY_BASE}category/{digest(key)}"
        out.add(node, _P_TYPE, _K + "CorpusCategory")
        out.add(node, _P_LABEL, zh(labels[key]))
        out.add(node, _K + "reportCount", lit(len(cat.reports)))
        for r in sorted(cat.reports):
            out.add(node, _K + "namedIn", r)
    for (key, h), a in answers.items():
        if len(a.reports) < 2 or h not in docs:
            continue             # a regulation answering the category in one report only: see regulations.rq
        node = f"{SUMMARY_BASE}category/{digest(key)}"
        t = f"{node}/{h}"
        out.add(node, _K + "tally", t)
        out.add(t, _P_TYPE, _K + "Tally")
        out.add(t, _K + "tallyOf", DOCUMENT_BASE + h)
        out.counts(t, a.reports, len(a.reports), a.mentions)
        out.add(t, _K + "actionReports", lit(a.action_reports()))
    # the order of regulations_across_reports: categories most reports share, label; most reports, title, IRI
    _ranks(out, ((-len(cats[key].reports), labels[key], -len(a.reports), titles[h], DOCUMENT_BASE + h,
                  f"{SUMMARY_BASE}category/{digest(key)}/{h}")
                 for (key, h), a in answers.items() if len(a.reports) > 1 and h in docs and key in labels))
    return out.nt()


def _ranks(out: _Writer, keys: Iterable[tuple]) -> None:
    """``kgo:rank`` 1, 2, … of the nodes (the last item of each key) in the order of the keys: the order
    of the named query that lists them (SPARQL compares strings by code point, as Python does), so that
    the query sorts on one integer instead of comparing titles on a large store."""
    for n, key in enumerate(sorted(keys), 1):
        out.add(key[-1], _K + "rank", lit(n))


# ---------------------------------------------------------------- a build's summaries

def _fingerprint(entry: dict) -> str:
    """What a report's contribution depends on: its bytes, the extractor and its corrections."""
    return json.dumps([entry.get("sha256"), entry.get("extractor"), entry.get("corrections")])


def load_cache(out_dir: str | os.PathLike) -> dict[str, dict]:
    """The contributions kept in ``DIR/summaries.json``: report IRI → {"fingerprint", "contribution"}."""
    try:
        doc = json.loads((Path(out_dir) / CACHE).read_text(encoding="utf-8"))
        if doc.get("version") == CONTRIBUTION_VERSION and isinstance(doc.get("reports"), dict):
            return doc["reports"]
    except (OSError, ValueError):
        pass
    return {}


def update_summaries(store, out_dir: str | os.PathLike, entries: dict[str, dict],
                     fresh: dict[str, dict] | None = None) -> int:
    """Rewrite the summaries graph of ``store`` for the reports of the manifest ``entries`` (path → entry
    with ``iri``): the contribution of a report built in this run is in ``fresh`` (IRI → contribution),
    that of an unchanged one in ``DIR/summaries.json``, else it is read back from the store. Keeps
    ``DIR/summaries.json`` up to date; returns the number of summary triples (0: the graph is dropped)."""
    fresh = fresh or {}
    cache = load_cache(out_dir)
    kept: dict[str, dict] = {}
    for entry in entries.values():
        iri, fp = entry["iri"], _fingerprint(entry)
        if iri in fresh:
            c = fresh[iri]
        elif cache.get(iri, {}).get("fingerprint") == fp:
            c = cache[iri]["contribution"]
        else:
            c = contribution(store.graph_nt(iri))
        kept[iri] = {"fingerprint": fp, "contribution": c}
    atomic_write(Path(out_dir) / CACHE, json.dumps({"version": CONTRIBUTION_VERSION, "reports": kept},
                                                    ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    return write_summaries(store, ((iri, k["contribution"]) for iri, k in sorted(kept.items())))


#: patch the summaries graph in place when fewer than this share of its triples change (else rewrite it)
PATCH_SHARE = 0.3


def write_summaries(store, contributions: Iterable[tuple[str, dict]]) -> int:
    """Replace the summaries graph of the writable ``store`` with those of ``contributions``; the number of
    triples (0: the graph is dropped). In the embedded store only the triples that changed are removed and
    added (removing a graph costs a delete per triple: rewriting the summaries of 1,000 reports for one
    changed report would take ~15 s, patching them well under one)."""
    nt = summarize(contributions)
    if not nt:
        store.drop_report(SUMMARY_GRAPH)
        return 0
    if not (isinstance(store, Store) and _patch(store, nt)):
        store.replace_reports([(SUMMARY_GRAPH, nt)])
    return nt.count(b"\n")


def _patch(store: Store, nt: bytes) -> bool:
    """Turn the stored summaries into ``nt`` by removing and adding the triples that differ; False (nothing
    done) when there are none stored yet or most of them change."""
    old = set(store.graph_nt(SUMMARY_GRAPH).splitlines())
    if not old:
        return False
    new = set(nt.splitlines())
    gone, added = old - new, new - old
    if len(gone) + len(added) > PATCH_SHARE * len(old):
        return False
    graph = ox.NamedNode(SUMMARY_GRAPH)
    raw = store._st()      # package-internal: the Store has no public way to remove single triples
    try:
        for t in ox.parse(b"\n".join(gone) + b"\n", format=ox.RdfFormat.N_TRIPLES) if gone else ():
            raw.remove(ox.Quad(t.subject, t.predicate, t.object, graph))
        if added:
            raw.extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                       for t in ox.parse(b"\n".join(added) + b"\n", format=ox.RdfFormat.N_TRIPLES))
    except (OSError, RuntimeError, SyntaxError) as e:
        raise KgStoreError(f"store at {store.location}: cannot write the summaries: {e}") from e
    return True


def summarize_store(store) -> bytes:
    """The summaries of every report graph of ``store``, read back from it (what a build writes)."""
    return summarize((iri, contribution(store.graph_nt(iri))) for iri in sorted(store.reports()))


__all__ = ["ACTIONS", "CACHE", "CONTRIBUTION_VERSION", "SUMMARY_VERSION", "category_key", "contribution", "load_cache", "summarize",
           "summarize_store", "update_summaries", "write_summaries"]
