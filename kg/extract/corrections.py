"""Corrections: fixes a user writes once, beside the reports, for what the reader got wrong; every
build applies them again.

The file is ``kg-corrections.toml`` in the directory of the report, a list of ``[[correction]]``
tables. Each has one fix, an optional ``report`` (the file name without its extension; absent: every
report in the directory) and an optional ``note``:

* ``not_organization = "名称"``: that name is not a unit; the organisation and its mentions go;
* ``document = "标题"`` + ``action = "enact"`` (one of :data:`kg.model.ACTIONS`): the mentions of that
  document take that action; ``near = "…"`` (text of the sentence) picks one of them;
* ``measure = "…"`` (the text the measure begins with, or its heading) + ``problem = N``: the
  measure goes under problem category ``N`` (numbered in reading order across the report).

>>> cs = parse('[[correction]]\\nnot_organization = "领导小组"\\nnote = "a group, not a unit"\\n', "kg-corrections.toml")
>>> cs[0].kind, cs[0].target, cs[0].text
('not_organization', '领导小组', 'not_organization = "领导小组"')

A correction that matches nothing in a report it applies to is handed back by :func:`apply` as
:class:`Unmatched` (the pipeline makes it a warning of the report). A bad file is a
:class:`~kg.errors.KgInputError` naming the file, the correction's index and the problem.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import KgInputError
from kg.model import ACTIONS, AppliedCorrection, Correction, Extraction, Measure, Span

FILE_NAME = "kg-corrections.toml"
#: the key that names each kind of fix, and the keys that go with it (required, optional)
KINDS = {"not_organization": ("not_organization", (), ()),
         "action": ("document", ("action",), ("near",)),
         "measure": ("measure", ("problem",), ())}
COMMON = ("report", "note")
KEYS = ("report", "not_organization", "document", "action", "near", "measure", "problem", "note")
_SENTENCE_END_RE = re.compile(r"[。！？!?\n]")
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Unmatched:
    """A correction that matched nothing in a report, and what did not match."""

    correction: Correction
    reason: str

    @property
    def message(self) -> str:
        """One line: file, index, the correction and what did not match."""
        c = self.correction
        return f"{Path(c.file).name}: correction {c.index} ({c.text}) matches nothing: {self.reason}"


# ---------------------------------------------------------------- reading the file

def parse(data: str | bytes, file: str) -> list[Correction]:
    """The corrections of one file's contents; raises :class:`KgInputError` on a bad file."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise KgInputError(f"{file}: not UTF-8 text") from None
    try:
        doc = tomllib.loads(data)
    except tomllib.TOMLDecodeError as e:
        raise KgInputError(f"{file}: not valid TOML: {e}") from None
    extra = sorted(set(doc) - {"correction"})
    if extra:
        raise KgInputError(f"{file}: unknown key {extra[0]!r}: write each fix as a [[correction]] table")
    tables = doc.get("correction", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise KgInputError(f"{file}: write each fix as a [[correction]] table (with double brackets)")
    return [_correction(t, i, file) for i, t in enumerate(tables, 1)]


def _correction(t: dict, index: int, file: str) -> Correction:
    """One validated ``[[correction]]`` table."""
    def bad(msg: str) -> KgInputError:
        return KgInputError(f"{file}: correction {index}: {msg}")

    for k in t:
        if k not in KEYS:
            raise bad(f"unknown key {k!r} (expected {', '.join(KEYS)})")
    kinds = [kind for kind, (key, _, _) in KINDS.items() if key in t]
    if not kinds:
        raise bad("no fix: give one of not_organization, document (with action) or measure (with problem)")
    if len(kinds) > 1:
        raise bad(f"more than one fix ({', '.join(KINDS[k][0] for k in kinds)}): write one [[correction]] each")
    kind = kinds[0]
    key, required, optional = KINDS[kind]
    for k in required:
        if k not in t:
            raise bad(f"{key} needs {k}")
    allowed = {key, *required, *optional, *COMMON}
    for k in t:
        if k not in allowed:
            raise bad(f"{k} does not go with {key}")
    values: dict[str, object] = {}
    for k, v in t.items():
        if k == "problem":
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise bad(f"problem must be a whole number from 1 (a problem category in reading order), not {v!r}")
            values[k] = v
            continue
        if not isinstance(v, str) or (k != "note" and not v.strip()):
            raise bad(f"{k} must be a non-empty string, not {v!r}")
        values[k] = v.strip()
    if kind == "action":
        values["document"] = str(values["document"]).strip("《》〈〉 ")
        if not values["document"]:
            raise bad("document must name a title")
        if values["action"] not in ACTIONS:
            raise bad(f"action {values['action']!r} is not one of {', '.join(ACTIONS)}")
    report = str(values.get("report", ""))
    if report.lower().endswith(".txt"):
        report = report[:-4]
    text = ", ".join(f"{k} = {json.dumps(values[k], ensure_ascii=False)}" for k in KEYS
                     if k in values and k != "note")
    return Correction(file=file, index=index, kind=kind, target=str(values[key]), report=report,
                      action=str(values.get("action", "")), near=str(values.get("near", "")),
                      problem=int(values.get("problem", 0)), note=str(values.get("note", "")), text=text)


_CACHE: dict[str, tuple[tuple[int, ...], list[Correction]]] = {}


def corrections_file(report: str | os.PathLike) -> Path:
    """The corrections file that applies to the report at ``report``: ``kg-corrections.toml`` beside it."""
    return Path(report).parent / FILE_NAME


def load(path: str | os.PathLike) -> list[Correction]:
    """The corrections in the file at ``path`` ([] when there is none); parsed once per version of the file."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return []
    stamp = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    hit = _CACHE.get(str(p))
    if hit is not None and hit[0] == stamp:
        return hit[1]
    try:
        data = p.read_bytes()
    except OSError as e:
        raise KgInputError(f"{p}: cannot read: {e.strerror or e}") from None
    out = parse(data, str(p))
    _CACHE[str(p)] = (stamp, out)
    return out


def applies(c: Correction, rid: str) -> bool:
    """Does ``c`` apply to the report ``rid`` (its file name without extension)?"""
    return not c.report or c.report == rid


def for_report(report: str | os.PathLike) -> list[Correction]:
    """The corrections that apply to the report file at ``report``, from the file beside it."""
    rid = Path(report).stem
    return [c for c in load(corrections_file(report)) if applies(c, rid)]


def fingerprint(report: str | os.PathLike) -> str:
    """A digest of the corrections that apply to the report at ``report`` ("" when none do): a build
    re-extracts a report whose fingerprint changed. A bad corrections file gives a digest of its bytes,
    so the report is extracted again (and fails with the file's error)."""
    try:
        mine = for_report(report)
    except KgInputError:
        try:
            return "invalid-" + hashlib.sha256(corrections_file(report).read_bytes()).hexdigest()[:16]
        except OSError:
            return "invalid"
    if not mine:
        return ""
    doc = [[Path(c.file).name, c.index, c.text, c.note] for c in mine]
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- applying

def apply(ex: Extraction, rid: str, corrections: list[Correction]
          ) -> tuple[Extraction, list[AppliedCorrection], list[Unmatched]]:
    """Apply the ``corrections`` that apply to report ``rid`` (its file stem), in file order, to a copy of ``ex``.

    Returns the corrected extraction (its ``corrections`` lists the applied ones, for the graph's
    provenance), the applied corrections and those that matched nothing. ``ex`` is not changed.
    """
    mine = [c for c in corrections if applies(c, rid)]
    if not mine:
        return ex, [], []
    keep = {id(ex.text): ex.text, id(ex.report.outline): ex.report.outline}
    new = copy.deepcopy(ex, keep)
    applied: list[AppliedCorrection] = []
    unmatched: list[Unmatched] = []
    for c in mine:
        done = _FIXES[c.kind](new, c)
        if isinstance(done, str):
            unmatched.append(Unmatched(c, done))
        else:
            applied.append(done)
    new.corrections = [*ex.corrections, *applied]
    return new, applied, unmatched


def _squash(s: str) -> str:
    return _SPACE_RE.sub("", s)


def _drop_organization(ex: Extraction, c: Correction) -> AppliedCorrection | str:
    """Drop the organisation named ``c.target``, and every mention of an organisation written so."""
    name = c.target
    gone: set[str] = set()      # keys of the organisations dropped
    matched = False
    spans: list[Span] = []
    kept = []
    for e in ex.entities:
        if e.kind != "organization":
            kept.append(e)
        elif e.name == name:
            gone.add(e.key)
            matched = True
            spans += [m.span for m in e.mentions]
        else:   # another organisation that a mention written so was merged into
            before = (len(e.mentions), len(e.aliases))
            spans += [m.span for m in e.mentions if m.text == name]
            e.mentions = [m for m in e.mentions if m.text != name]
            e.aliases = [a for a in e.aliases if a != name]
            matched = matched or (len(e.mentions), len(e.aliases)) != before
            kept.append(e)
    if not matched:
        return f"no organisation named “{name}”"
    for e in kept:
        if e.parent in gone:
            e.parent = None
    ex.entities = kept
    return AppliedCorrection(c, spans=tuple(sorted(spans)), names=(name,))


def sentence_of(text: str, span: Span) -> Span:
    """The sentence around ``span``: from after the previous 。！？ or line end to the next one (inclusive)."""
    lo = 0
    for m in _SENTENCE_END_RE.finditer(text, 0, span.start):
        lo = m.end()
    m = _SENTENCE_END_RE.search(text, span.end)
    hi = len(text) if m is None else (m.end() if m.group() != "\n" else m.start())
    return Span(min(lo, span.start), max(hi, span.end))


def _near(text: str, span: Span, near: str) -> bool:
    """Is the mention at ``span`` in a sentence that holds ``near``, or inside a stretch of text equal to it?"""
    if _squash(near) in _squash(sentence_of(text, span).text(text)):
        return True
    i = text.find(near)
    while i >= 0:
        if i <= span.start and span.end <= i + len(near):
            return True
        i = text.find(near, i + 1)
    return False


def _set_action(ex: Extraction, c: Correction) -> AppliedCorrection | str:
    """Set the action of the mentions of document ``c.target`` (those near ``c.near``, when given)."""
    title = _squash(c.target)
    hits = [i for i, d in enumerate(ex.documents) if title in (_squash(d.title), _squash(d.canonical))]
    if not hits:
        return f"no document 《{c.target}》"
    if c.near:
        hits = [i for i in hits if _near(ex.text.text, ex.documents[i].span, c.near)]
        if not hits:
            return f"no mention of 《{c.target}》 in a sentence with “{c.near}”"
    for i in hits:
        d = ex.documents[i]
        # a mention under a negated verb was not acted on; one the user says was acted on is not negated
        ex.documents[i] = (replace(d, action=c.action, negated=False)
                           if c.action != "cite" and d.negated else replace(d, action=c.action))
    return AppliedCorrection(c, spans=tuple(ex.documents[i].span for i in hits))


def _begins(text: str, m: Measure, start: str) -> bool:
    """Does measure ``m`` begin with ``start`` (with or without its marker), or is ``start`` its heading?"""
    full = _squash(m.span.text(text))
    marker = _squash(m.marker)
    body = full[len(marker):] if marker and full.startswith(marker) else full
    return full.startswith(start) or body.startswith(start) or _squash(m.heading).startswith(start)


def _move_measure(ex: Extraction, c: Correction) -> AppliedCorrection | str:
    """Move the measure that begins with ``c.target`` under problem category ``c.problem``."""
    rep, text, start = ex.report, ex.text.text, _squash(c.target)
    problems = rep.problems()
    parents = [s.measures for s in rep.sections] + [p.measures for p in problems]
    hits = [(lst, m) for lst in parents for m in lst if _begins(text, m, start)]
    if not hits:
        return f"no measure begins with “{c.target}”"
    if len(hits) > 1:
        return f"{len(hits)} measures begin with “{c.target}”: quote more of the measure"
    if c.problem > len(problems):
        return f"no problem category {c.problem} (the report has {len(problems)})"
    lst, m = hits[0]
    target = problems[c.problem - 1].measures
    if lst is not target:
        lst.remove(m)
        target.append(m)
        target.sort(key=lambda x: (x.span.start, x.span.end))
        for ms in (lst, target):
            for n, x in enumerate(ms, 1):
                x.number = n
    return AppliedCorrection(c, spans=(m.span,))


_FIXES = {"not_organization": _drop_organization, "action": _set_action, "measure": _move_measure}


__all__ = ["FILE_NAME", "KEYS", "KINDS", "Unmatched", "applies", "apply", "corrections_file", "fingerprint",
           "for_report", "load", "parse", "sentence_of"]
