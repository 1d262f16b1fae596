"""What the steps of :mod:`kg.extract.metadata` share: the bounds of every search, the heading pattern,
the :class:`Metadata` they fill in, and the reader (text and paragraphs → each line stripped and masked, with
its offset) that they all take.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.model import ReportMeta, Span

CN = "一二三四五六七八九十"
HAN = "\u4e00-\u9fff"

HEAD_LINES = 60      # lines of the opening looked at for furniture, contents, title and key：value lines
INTRO_PARAS = 6      # paragraphs of the preamble looked at for the inspection facts
TAIL_LINES = 12      # lines of the end looked at for the signature and a web footer
TITLE_MAX = 100      # longest title line
CONTENTS_MAX = 40    # most entries of a contents list
BRACKET_MAX = 300    # longest 《…》 masked

# Numbered headings of every family: never a title; the preamble ends at the first one.
HEADING_RE = re.compile(
    rf"^(?:[{CN}百]+\s*[、.．]|[（(]\s*[{CN}\d]+\s*[）)]|\d{{1,3}}\s*[.．、)）](?!\d)|[①-⑳]"
    rf"|第[{CN}]+(?:部分|章|节|篇)|问题[{CN}\d]+\s*[：:、]|[{CN}]+是|第[{CN}]+[，,、])")


@dataclass
class Metadata:
    """Everything read around the text: the report's metadata and the page's.

    ``first`` is the index of the first body paragraph (the preamble, or the first heading when there is none);
    ``header`` the page furniture before the text (breadcrumb, 来源 line, …), for a ``web_header`` anomaly;
    ``source``, ``published`` (ISO date, with ``THH:MM`` when the page gives a time) and ``url`` what the page
    says about itself; ``target`` the unit a ``被巡视单位：`` line names.
    """
    meta: ReportMeta
    first: int
    header: Span | None = None
    source: str = ""
    published: str = ""
    url: str = ""
    target: str = ""
    source_span: Span | None = None
    published_span: Span | None = None
    url_span: Span | None = None
    contents: Span | None = None
    furniture: list[Span] = field(default_factory=list)


def _mask(s: str) -> str:
    """``s`` with the inside of every 《…》 replaced by □ (same length), so nothing is read from it."""
    if "《" not in s:
        return s
    out = list(s)
    depth, start = 0, -1
    for i, ch in enumerate(s):
        if ch == "《":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
            if depth == 0:
                for j in range(start + 1, i):
                    out[j] = "□"
        elif depth and i - start > BRACKET_MAX:
            depth = 0
    return "".join(out)


def _compact(s: str) -> str:
    return re.sub(r"[\s“”\"‘’'《》]", "", s)


class _Reader:
    """The report being read: its ``text``, its ``paras`` (one per line), the :class:`Metadata` ``md`` the steps
    fill in, and what the head leaves for the facts: the title's pieces (``title_pieces``, offsets of its lines)
    and the key：value lines (``kv_lines``, paragraph indexes)."""

    def __init__(self, text: str, paras: list[Span]) -> None:
        self.text = text
        self.paras = paras
        self.md = Metadata(meta=ReportMeta(title="", issuer=""), first=0)
        self._lines: dict[int, str] = {}
        self.title_pieces: list[tuple[int, int]] = []
        self.kv_lines: list[int] = []

    def line(self, i: int) -> str:
        """Paragraph ``i`` stripped and masked (《…》 inside as □)."""
        s = self._lines.get(i)
        if s is None:
            ps = self.paras[i]
            raw = self.text[ps.start:ps.end]
            s = _mask(raw.strip()) if len(raw) <= 2000 else _mask(raw.strip()[:2000])
            self._lines[i] = s
        return s

    def lstart(self, i: int) -> int:
        """Offset of the first non-blank character of paragraph ``i``."""
        ps = self.paras[i]
        raw = self.text[ps.start:ps.end]
        return ps.start + (len(raw) - len(raw.lstrip()))
