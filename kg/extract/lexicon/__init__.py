"""Lexicons of the field's general vocabulary (unit suffixes, central organs, roles, surnames, …).

Data files beside this module; loaders are cached per process.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def vocab() -> dict[str, frozenset[str]]:
    """Sections of ``kg/lexicon/vocab.txt`` as sets of words."""
    out: dict[str, set[str]] = {}
    cur = None
    for line in (LEXICON / "vocab.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            cur = out.setdefault(m.group(1), set())
            continue
        if cur is not None:
            cur.update(line.split())
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def organs() -> dict[str, str]:
    """Central organs: abbreviation or name → full name."""
    out = {}
    for line in (LEXICON / "organs.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 2:
            out[parts[0].strip()] = parts[1].strip()
    return out


@lru_cache(maxsize=1)
def roles() -> tuple[str, ...]:
    words = [w.strip() for w in (LEXICON / "roles.txt").read_text(encoding="utf-8").splitlines()
             if w.strip() and not w.startswith("#")]
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return frozenset((LEXICON / "surnames.txt").read_text(encoding="utf-8").split())


ISSUER_RE = re.compile(r"(?:中共|中国共产党)?(.+?)(党组|委员会|党委|党工委|纪委|部务会)")
LEVEL_COMMITTEE_RE = re.compile(r"(?:中共|中国共产党)(.{1,12}?[省市县区州旗])委")


def issuer_parts(issuer: str) -> tuple[str, str]:
    """The body and the party organ of an issuing unit; ``("", "")`` when it names no organ.

    >>> issuer_parts("中共中国作家协会党组"), issuer_parts("中共江淮理工大学委员会"), issuer_parts("某某局")
    (('中国作家协会', '党组'), ('江淮理工大学', '委员会'), ('', ''))
    """
    m = ISSUER_RE.fullmatch(issuer)
    return (m.group(1), m.group(2)) if m else ("", "")


def committee_place(issuer: str) -> str:
    """The place of a party committee at an administrative level (中共桐崖县委 → 桐崖县), else "".

    >>> committee_place("中共桐崖县委"), committee_place("中共澜川市委"), committee_place("中共某某局党组")
    ('桐崖县', '澜川市', '')
    """
    m = LEVEL_COMMITTEE_RE.fullmatch(issuer)
    return m.group(1) if m else ""
