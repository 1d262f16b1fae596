"""What the rules of :mod:`kg.extract.mentions` share.

text → sentence spans (:func:`sentences`); text → outermost 《》 or “” spans (:func:`bracket_spans`);
spans → a mask that says whether an offset is covered (``_Mask``); and the vocabulary helpers: is a word all
Han (``_is_han``), a section's words longest first (``_longest_first``), a section's words and their lengths
(``_word_index``).
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from kg.extract.lexicon import vocab


HAN = "\u4e00-\u9fff"
PUNCT = set("，。；：！？、,.;:!?（）()《》“”‘’\"'「」『』【】[]—-…·\n\r\t 　/")


SENTENCE_END_RE = re.compile(r"[。！？；\n]")


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences (split at 。！？； and line breaks)."""
    out = []
    start = 0
    for m in SENTENCE_END_RE.finditer(text):
        if m.end() - start > 1:
            out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


@lru_cache(maxsize=None)
def _bracket_re(open_: str, close: str) -> re.Pattern:
    return re.compile("[" + re.escape(open_ + close) + "\n]")


def bracket_spans(text: str, open_: str = "《", close: str = "》") -> list[tuple[int, int]]:
    """Outermost ``open_ … close`` spans (nesting aware, unclosed ones end at the line end)."""
    out = []
    depth = 0
    start = 0
    for m in _bracket_re(open_, close).finditer(text):
        i, ch = m.start(), m.group()
        if ch == open_:
            if depth == 0:
                start = i
            depth += 1
        elif ch == close and depth:
            depth -= 1
            if depth == 0:
                out.append((start, i + 1))
        elif ch == "\n" and depth:
            depth = 0
            out.append((start, i))
    return out


class _Mask:
    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def covers(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.spans[i][1] > start and self.spans[i][0] <= start


def _is_han(w: str) -> bool:
    return bool(w) and all("\u4e00" <= ch <= "\u9fff" for ch in w)


@lru_cache(maxsize=None)
def _longest_first(section: str) -> tuple[str, ...]:
    """Words of a vocab section, longest first (ties in code point order)."""
    return tuple(sorted(vocab()[section], key=lambda x: (-len(x), x)))


@lru_cache(maxsize=None)
def _word_index(section: str) -> tuple[frozenset[str], tuple[int, ...]]:
    """Non-empty words of a vocab section and their lengths."""
    words = frozenset(w for w in vocab()[section] if w)
    return words, tuple(sorted({len(w) for w in words}))
