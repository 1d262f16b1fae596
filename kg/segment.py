"""Segmentation: jieba POS tokens with the field's user dictionary, fast and cached.

``segment(text, start, end)`` gives ``(start, end, word, flag)`` tokens with absolute offsets,
exactly the tokens of jieba.posseg (HMM on) with the user dictionary of ``kg/lexicon/``.
"""
from __future__ import annotations

import math
from functools import lru_cache

from kg.lexicon import LEXICON, organs, roles


def _shared_tag_table_class():
    import jieba.posseg

    class SharedTagTable(jieba.posseg.POSTokenizer):
        """A POS tokenizer that copies the word-tag table ``jieba.posseg`` parsed at import
        (the same default dictionary) instead of parsing dict.txt a second time (~0.7 s)."""

        def load_word_tag(self, f):
            f.close()
            self.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)

    return SharedTagTable


@lru_cache(maxsize=1)
def tokenizer():
    """A private jieba POS tokenizer with the field's user dictionary (built once)."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    _SharedTagTable = _shared_tag_table_class()
    tk = jieba.Tokenizer()
    tk.initialize()
    tk.load_userdict(str(LEXICON / "units.txt"))
    for name in organs():
        tk.add_word(name, 2000, "nt")
    for r in roles():
        tk.add_word(r, 1000, "n")
    pos = _SharedTagTable(tk)
    # jieba.posseg keeps the POS of user words in its own table
    for name in organs():
        pos.word_tag_tab[name] = "nt"
    pos.makesure_userdict_loaded()      # what the first ``pos.cut`` would do
    return pos


# --------------------------------------------------------------------------- segmentation
#
# ``_Cutter`` gives exactly the tokens of ``tokenizer().cut(s)`` (jieba.posseg with HMM),
# several times faster: jieba cuts each block of Han/alphanumeric characters on its own, so
# blocks are cached; the dictionary path (``get_DAG`` + ``calc``) is one loop with cached
# word scores; the POS HMM (``viterbi``) of unknown character runs is cached too and scores
# only the predecessors of each state instead of all pairs of states.

MIN_FLOAT = -3.14e100       # jieba.posseg.viterbi.MIN_FLOAT
_MISSING = object()
_NOT_PREFIX = object()


class _Cutter:
    """jieba.posseg ``cut`` (HMM on) of one ``POSTokenizer``, as ``(word, flag)`` tuples.

    The tokenizer must not change afterwards (``tokenizer()`` is complete when built)."""

    CACHE_MAX = 100_000

    def __init__(self, pos):
        import jieba.posseg as jp
        from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P

        self.re_block, self.re_skip, self.re_num, self.re_eng = \
            jp.re_han_internal, jp.re_skip_internal, jp.re_num, jp.re_eng
        self.re_han_detail, self.re_skip_detail = jp.re_han_detail, jp.re_skip_detail

        self.freq = pos.tokenizer.FREQ
        self.log_total = math.log(pos.tokenizer.total)
        self.tags = pos.word_tag_tab
        self.states, self.start_p, self.emit_p, self.trans_p = char_state_tab_P, start_P, emit_P, trans_P
        self.all_states = tuple(trans_P.keys())
        preds: dict = {y: set() for y in trans_P}
        for y0, nxt in trans_P.items():
            for y in nxt:
                preds[y].add(y0)
        self.preds = {y: frozenset(v) for y, v in preds.items()}     # state → states before it
        self.blocks: dict[str, tuple[tuple[str, str], ...]] = {}      # block → tokens
        self.unknown: dict[str, tuple[tuple[str, str], ...]] = {}     # unknown run → tokens
        self.frags: dict[str, float | None | object] = {}             # see _lookup
        self.char_states: dict[str, tuple] = {}                        # char → HMM states

    def cut(self, sentence: str) -> list[tuple[str, str]]:
        """Tokens of ``sentence`` (jieba.posseg.POSTokenizer.cut, HMM on)."""
        re_block, re_skip, re_num, re_eng = self.re_block, self.re_skip, self.re_num, self.re_eng
        out: list[tuple[str, str]] = []
        for blk in re_block.split(sentence):
            if not blk:
                continue
            if re_block.match(blk):
                toks = self.blocks.get(blk)
                if toks is None:
                    toks = self._cache(self.blocks, blk, tuple(self._cut_dag(blk)))
                out.extend(toks)
                continue
            for x in re_skip.split(blk):
                if re_skip.match(x):
                    out.append((x, "x"))
                else:
                    for xx in x:
                        if re_num.match(xx):
                            out.append((xx, "m"))
                        elif re_eng.match(x):
                            out.append((xx, "eng"))
                        else:
                            out.append((xx, "x"))
        return out

    def _cache(self, cache: dict, key, value):
        if len(cache) > self.CACHE_MAX:
            cache.clear()
        cache[key] = value
        return value

    def _word_log_p(self, word: str) -> float:
        """``log(FREQ.get(word) or 1) - log(total)``, the score of a word in ``Tokenizer.calc``."""
        return math.log(self.freq.get(word) or 1) - self.log_total

    def _lookup(self, frag: str):
        """What ``Tokenizer.get_DAG`` sees in ``frag``: ``_NOT_PREFIX`` (no word starts so),
        ``None`` (only a prefix of words) or the score of the word (cached)."""
        out = self.frags.get(frag, _MISSING)
        if out is _MISSING:
            if frag not in self.freq:
                out = _NOT_PREFIX
            elif not self.freq[frag]:
                out = None
            else:
                out = self._word_log_p(frag)
            self._cache(self.frags, frag, out)
        return out

    def best_log_p(self, s: str) -> float:
        """Log-probability of the best dictionary segmentation of ``s`` (``route[0][0]`` of
        ``Tokenizer.calc``)."""
        return self._route(s)[0][0]

    def route(self, s: str) -> list[int]:
        """``nxt[x]``: the end of the word starting at ``x`` on the best dictionary path of ``s``
        (``Tokenizer.get_DAG`` + ``Tokenizer.calc``: same scores, ties to the longer word)."""
        return self._route(s)[1]

    def _route(self, s: str) -> tuple[list[float], list[int]]:
        """Scores and word ends of the best dictionary paths from each offset of ``s``."""
        frags, lookup = self.frags, self._lookup
        n = len(s)
        score = [0.0] * (n + 1)
        nxt = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best = None
            end = k
            for i in range(k, n):
                frag = s[k:i + 1]
                lp = frags.get(frag, _MISSING)
                if lp is _MISSING:
                    lp = lookup(frag)
                if lp is _NOT_PREFIX:
                    break
                if lp is not None:
                    p = lp + score[i + 1]
                    if best is None or p >= best:      # a tie goes to the longer word
                        best, end = p, i
            if best is None:
                best, end = self._word_log_p(s[k]) + score[k + 1], k
            score[k] = best
            nxt[k] = end + 1
        return score, nxt

    def _cut_dag(self, blk: str):
        """``POSTokenizer.__cut_DAG``: dictionary words, unknown runs through the HMM."""
        nxt = self.route(blk)
        tags = self.tags
        x, n, buf = 0, len(blk), ""
        while x < n:
            y = nxt[x]
            word = blk[x:y]
            if y - x == 1:
                buf += word
            else:
                if buf:
                    yield from self._flush(buf)
                    buf = ""
                yield word, tags.get(word, "x")
            x = y
        if buf:
            yield from self._flush(buf)

    def _flush(self, buf: str):
        tags = self.tags
        if len(buf) == 1:
            return ((buf, tags.get(buf, "x")),)
        if not self.freq.get(buf):
            toks = self.unknown.get(buf)
            if toks is None:
                toks = self._cache(self.unknown, buf, tuple(self._cut_detail(buf)))
            return toks
        return tuple((ch, tags.get(ch, "x")) for ch in buf)

    def _cut_detail(self, buf: str):
        """``POSTokenizer.__cut_detail``: the HMM on Han runs, numbers and Latin words."""
        for blk in self.re_han_detail.split(buf):
            if self.re_han_detail.match(blk):
                yield from self._cut_hmm(blk)
            else:
                for x in self.re_skip_detail.split(blk):
                    if x:
                        if self.re_num.match(x):
                            yield x, "m"
                        elif self.re_eng.match(x):
                            yield x, "eng"
                        else:
                            yield x, "x"

    def _cut_hmm(self, s: str):
        """``POSTokenizer.__cut``: words and tags of the best HMM state path."""
        states = self.viterbi(s)
        begin, nexti = 0, 0
        for i, ch in enumerate(s):
            bmes, tag = states[i]
            if bmes == "B":
                begin = i
            elif bmes == "E":
                yield s[begin:i + 1], tag
                nexti = i + 1
            elif bmes == "S":
                yield ch, tag
                nexti = i + 1
        if nexti < len(s):
            yield s[nexti:], states[nexti][1]

    def _states_of(self, ch: str) -> tuple:
        """``(state, log P(ch | state), predecessors)`` of the HMM states a character can take."""
        out = self.char_states.get(ch)
        if out is None:
            emit_p = self.emit_p
            out = tuple((y, emit_p[y].get(ch, MIN_FLOAT), self.preds[y])
                        for y in self.states.get(ch, self.all_states))
            self._cache(self.char_states, ch, out)
        return out

    def viterbi(self, obs: str) -> list:
        """State path of ``jieba.posseg.viterbi.viterbi`` (same scores, same ties).

        For each state only its predecessors are scored: the pairs jieba also scores
        give ``-inf`` and never win while a predecessor exists; when no state of a
        character has one, jieba's own function decides."""
        emit_p = self.emit_p
        v = {y: self.start_p[y] + emit_p[y].get(obs[0], MIN_FLOAT)
             for y in self.states.get(obs[0], self.all_states)}
        back: list[dict] = [dict.fromkeys(v, "")]
        trans_p = self.trans_p
        for ch in obs[1:]:
            nv: dict = {}
            bk: dict = {}
            before = set(v)
            for y, em, preds in self._states_of(ch):
                best = None
                for y0 in preds & before:
                    p = v[y0] + trans_p[y0][y] + em
                    if best is None or p > best or (p == best and y0 > bk[y]):
                        best = p
                        bk[y] = y0
                if best is not None:
                    nv[y] = best
            if not nv:
                from jieba.posseg.viterbi import viterbi as jieba_viterbi
                return jieba_viterbi(obs, self.states, self.start_p, self.trans_p, emit_p)[1]
            v = nv
            back.append(bk)
        state = max((p, y) for y, p in v.items())[1]
        route = [None] * len(obs)
        for i in range(len(obs) - 1, -1, -1):
            route[i] = state
            state = back[i][state]
        return route


@lru_cache(maxsize=1)
def cutter() -> _Cutter:
    return _Cutter(tokenizer())


def segment(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str, str]]:
    """jieba tokens ``(start, end, word, flag)`` of ``text[start:end]`` with absolute offsets."""
    end = len(text) if end is None else end
    toks = []
    pos = start
    for w, f in cutter().cut(text[start:end]):
        toks.append((pos, pos + len(w), w, f))
        pos += len(w)
    return toks
