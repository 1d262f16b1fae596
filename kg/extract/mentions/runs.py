"""Text → the spans to segment for unit and award names, and the names in each span.

jieba cuts each block of Han/alphanumeric characters on its own, and a name never reaches
over the punctuation between two blocks (``_walk_left`` stops at it) except through a
parenthesis: 审核（读）委员会. So only the blocks that can hold the last token of a name are
segmented (``_name_runs``), and in a sentence with a parenthesis the runs of blocks no walk can leave;
``_names_in_run`` segments one such span and finds the unit and award names in it.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from kg.extract.lexicon import organs, vocab
from kg.extract.mentions.awards import _awards_only_tokens
from kg.extract.mentions.common import _is_han
from kg.extract.mentions.units import TEAM_RE, _organizations
from kg.extract.segment import segment


PAREN_RE = re.compile(r"[（）()]")
BLOCK_RE = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)")     # = jieba.posseg.re_han_internal
NOT_BLOCK_RE = re.compile("[^\u4E00-\u9FD5a-zA-Z0-9+#&\\._]")


@lru_cache(maxsize=1)
def _name_end_res() -> tuple[re.Pattern, re.Pattern]:
    """What the last token of a unit or award name contains: a unit character (部, 处 …) or
    奖, or a word of [unit_heads] or of the organs table. The words are searched for in the
    reversed text, where a character class of their last characters starts the pattern."""
    chars = set(vocab()["unit_suffix_chars"]) | {"奖"}
    words = set()
    for w in vocab()["unit_heads"] | set(organs()):
        if not w or w[-1] in chars:
            continue                    # found by its last character
        if _is_han(w):
            words.add(w)
        else:
            # not a jieba token unless it is one character: found by it (``_blocks_at`` skips
            # other characters than those of blocks)
            chars.add(w[-1])
    char_re = re.compile("[" + re.escape("".join(sorted(chars))) + "]")
    reversed_words = sorted((w[::-1] for w in words), key=lambda x: (-len(x), x))
    words_re = re.compile("|".join(map(re.escape, reversed_words)) or "(?!)")
    return char_re, words_re


def _name_end_positions(text: str, reversed_text: str) -> list[int]:
    """Sorted offsets of unit characters, 奖, and (the first character of) unit words in ``text``.

    Every token that ends a unit or award name (``_head_of_word``, also after
    ``_merge_tokens``; a word ending with 奖) contains one of them, in the same block."""
    char_re, words_re = _name_end_res()
    out = [m.start() for m in char_re.finditer(text)]
    n = len(text)
    # a word overlapping one found is in the same block (both are Han): none is missed
    out += [n - m.end() for m in words_re.finditer(reversed_text)]
    out += [m.start() for m in TEAM_RE.finditer(text)]       # 巡察 + 二组 (merged into 巡察二组)
    return sorted(set(out))


def _blocks_at(text: str, reversed_text: str, positions: list[int]) -> list[tuple[int, int]]:
    """The blocks (``BLOCK_RE``) that hold one of the sorted ``positions``, in text order."""
    n = len(text)
    out = []
    end = -1
    for p in positions:
        if p < end or NOT_BLOCK_RE.match(text, p):
            continue
        m = NOT_BLOCK_RE.search(text, p)
        end = m.start() if m else n
        m = NOT_BLOCK_RE.search(reversed_text, n - p)      # the gap before p, read backwards
        out.append((n - m.start() if m else 0, end))
    return out


def _name_runs(text: str, sents: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of ``text`` to segment and search for unit and award names, in text order."""
    reversed_text = text[::-1]
    positions = _name_end_positions(text, reversed_text)
    parens = [m.start() for m in PAREN_RE.finditer(text)]
    with_parens = _sentences_with(sents, parens)
    out: list[tuple[int, int]] = []
    for s, e in with_parens:
        blocks = [m.span() for m in BLOCK_RE.finditer(text, s, e)]
        hit = [_any_in(positions, a, b) for a, b in blocks]
        out += _paren_runs(text, (s, e), blocks, hit, parens)
    starts = [s for s, _ in with_parens]
    for a, b in _blocks_at(text, reversed_text, positions):
        k = bisect.bisect_right(starts, a) - 1
        if k < 0 or a >= with_parens[k][1]:         # not in a sentence with a parenthesis
            out.append((a, b))
    return sorted(out)


def _any_in(positions: list[int], start: int, end: int) -> bool:
    """Is one of the sorted ``positions`` in ``[start, end)``?"""
    i = bisect.bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


def _sentences_with(sents: list[tuple[int, int]], positions: list[int]) -> list[tuple[int, int]]:
    """The sentences (sorted spans) that contain one of the sorted ``positions``."""
    out = []
    starts = [s for s, _ in sents]
    for p in positions:
        k = bisect.bisect_right(starts, p) - 1
        if k >= 0 and p < sents[k][1] and (not out or out[-1] != sents[k]):
            out.append(sents[k])
    return out


def _paren_runs(text: str, sentence: tuple[int, int], blocks: list[tuple[int, int]], hit: list[bool],
                parens: list[int]) -> list[tuple[int, int]]:
    """Runs of the ``blocks`` of a sentence cut at the gaps no walk crosses (``_separates``),
    those with a block that can end a name (``hit``). The first run starts with the sentence
    (an opening parenthesis before the first block may belong to a name)."""
    out = []
    run_start, end = sentence
    found = False
    for k, (s, e) in enumerate(blocks):
        if run_start is None:
            run_start = s
        found = found or hit[k]
        if k + 1 < len(blocks) and not _separates(text, (e, blocks[k + 1][0]), end, parens):
            continue
        if found:
            out.append((run_start, e))
        run_start, found = None, False
    return out


def _separates(text: str, gap: tuple[int, int], end: int, parens: list[int]) -> bool:
    """Does no walk to the left cross the ``gap`` between two blocks of a sentence ending at ``end``?

    A walk goes over punctuation only from a closing parenthesis back to the nearest opening
    one (at most 5 tokens back), then on to the left. It cannot reach over a gap without
    parentheses when the first parenthesis after the gap in the sentence opens (or there is
    none). ``parens``: sorted offsets of the parentheses of the text."""
    gap_start, gap_end = gap
    i = bisect.bisect_left(parens, gap_start)
    if i == len(parens) or parens[i] >= end:
        return True
    if parens[i] < gap_end:
        return False            # a parenthesis in the gap
    return text[parens[i]] in "（("


@lru_cache(maxsize=1 << 15)
def _names_in_run(run: str) -> tuple[tuple[str, int, int, int, int], ...]:
    """Unit and award names of a span of ``_name_runs``: ``(kind, start, end, head start,
    head end)`` relative to it (a pure function of its text: many recur from report to report)."""
    toks = segment(run)
    return tuple(_organizations(run, toks) + _awards_only_tokens(run, toks))
