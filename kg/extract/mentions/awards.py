"""Tokens and text → award names.

``_awards_only_tokens(text, toks)``: a token ending in 奖 (not 奖励, not a grade 一等奖) and the name left of
it, walked as for units up to a verb of [award_before] (项目获某某奖; a verb jieba glued to the name is cut off
first: 获霞川省 → 获 + 霞川省), as ``("award", start, end,
token start, token end)``; ``_awards_regex(text, mask)``: a title after a verb of [award_before] (获评, 荣获 …) ending in a word of [award_suffix], or a
“quoted” title right after a verb of [award_naming] whatever it ends with, as ``EntityMention``s. A bare 奖
after a 者 word in a list (能者上、优者奖、庸者下) is a verb, not an award.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.lexicon import vocab
from kg.extract.mentions.common import HAN, _is_han, _longest_first
from kg.extract.mentions.units import _walk_left
from kg.model import EntityMention, Span


GRADE_RE = re.compile(r"[一二三特]等奖")


def _listed_verb(text: str, toks, i: int) -> bool:
    """Is the bare 奖 at ``toks[i]`` a verb after a one-character 者 word, as in a list of such phrases
    (能者上、优者奖、庸者下)? ``text`` may be one block of a sentence: its ends stand for punctuation."""
    prev, end = toks[i - 1], toks[i][1]
    return len(prev[2]) == 2 and prev[2].endswith("者") and text[prev[0] - 1:prev[0]] in ("、", "") \
        and text[end:end + 1] in ("、", "")


def _awards_only_tokens(text: str, toks) -> list[tuple[str, int, int, int, int]]:
    """Award names ending in a token ``…奖`` of ``toks``: ``("award", start, end, token start,
    token end)``; the caller drops those whose token is in a title."""
    v = vocab()
    out = []
    toks = [x for t in toks for x in _unglue_award_verb(t)]
    for i, t in enumerate(toks):
        w = t[2]
        if not w.endswith("奖") or w in v["not_awards"] or GRADE_RE.fullmatch(w):
            continue
        k = i
        if w == "奖" and i and _listed_verb(text, toks, i):
            continue
        if w == "奖" and i and _is_han(toks[i - 1][2]) and toks[i - 1][2] not in v["boundary"]:
            k = i - 1       # 丰收 + 奖, 进步 + 奖: the word before a bare 奖 is part of the name
        first = min(k, _walk_left(toks, k, text, stop_at_award=True))
        start = toks[first][0]
        if t[1] - start < 3:
            continue
        out.append(("award", start, t[1], t[0], t[1]))
    return out


def _unglue_award_verb(t):
    """``[t]`` (a verb of [award_before] tagged as one), or the verb and the name jieba glued to
    it: 获霞川省 → 获/v + 霞川省, 获岭/ns → 获/v + 岭/ns (the longest verb that leaves two
    characters, or one of a place name)."""
    w = t[2]
    if w in vocab()["award_before"]:
        return [(t[0], t[1], w, "v")]        # 荣获/nr: a verb, which ends the name on its left
    for verb in _longest_first("award_before"):
        if w.startswith(verb) and len(w) > len(verb):
            if len(w) - len(verb) < (1 if t[3].startswith(("ns", "nr")) else 2) or not _is_han(w):
                return [t]
            k = t[0] + len(verb)
            return [(t[0], k, verb, "v"), (k, t[1], w[len(verb):], t[3])]
    return [t]


@lru_cache(maxsize=1)
def _award_re() -> re.Pattern:
    """A verb of [award_before] and a title ending in a word of [award_suffix] (not 奖 alone)."""
    before = "|".join(_longest_first("award_before"))
    suffix = "|".join(sorted((s for s in vocab()["award_suffix"] if s != "奖"), key=lambda x: (-len(x), x)))
    # the title may be quoted (被评为“全市先进基层党组织”) and followed by its grade (…丰收奖二等奖)
    return re.compile(rf"(?:{before})“?([{HAN}]{{2,24}}?(?:{suffix}))(?=[^{HAN}]|$|称号|[一二三特]等奖|金奖|银奖|铜奖)")


@lru_cache(maxsize=1)
def _quoted_award_re() -> re.Pattern:
    """A verb of [award_naming] and a “quoted” title right after it, whatever it ends with
    (被评为“全县五星级党支部”)."""
    verbs = "|".join(_longest_first("award_naming"))
    return re.compile(rf"(?:{verbs})“([{HAN}]{{2,30}})”")


def _awards_regex(text, mask):  # noqa: D103 (see _award_re, _quoted_award_re)
    out = []
    for m in [*_award_re().finditer(text), *_quoted_award_re().finditer(text)]:
        if mask.covers(m.start(1), m.end(1)):
            continue
        out.append(EntityMention("award", m.group(1), Span(m.start(1), m.end(1))))
    return out
