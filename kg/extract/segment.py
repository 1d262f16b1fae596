"""Segmentation: jieba POS tokens with the field's user dictionary, fast and cached.

``segment(text, start, end)`` gives ``(start, end, word, flag)`` tokens with absolute offsets,
exactly the tokens of jieba.posseg (HMM on) with the user dictionary of ``kg/lexicon/``.
"""
from __future__ import annotations

import math
from functools import lru_cache

from kg.extract.lexicon import LEXICON, organs, roles


def _shared_tag_table_class():
    import jieba.posseg

    class SharedTagTable(jieba.posseg.POSTokenizer):
        """A POS tokenizer that copies the word-tag table ``jieba.posseg`` parsed at import
        (the same default dictionary) instead of parsing dict.txt a second time (~0.7 s)."""

        def load_word_tag(self, f):
            f.close()
            self.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)

    return SharedTagTable


def _field_dictionary():
    """A new jieba ``Tokenizer`` with the field's user dictionary (units.txt, organs, roles)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    tk.load_userdict(str(LEXICON / "units.txt"))
    for name in organs():
        tk.add_word(name, 2000, "nt")
    for r in roles():
        tk.add_word(r, 1000, "n")
    return tk


@lru_cache(maxsize=1)
def tokenizer():
    """A private jieba POS tokenizer with the field's user dictionary (built once): the
    reference that :func:`cutter` reproduces (tests compare them)."""
    _SharedTagTable = _shared_tag_table_class()
    pos = _SharedTagTable(_field_dictionary())
    # jieba.posseg keeps the POS of user words in its own table
    for name in organs():
        pos.word_tag_tab[name] = "nt"
    pos.makesure_userdict_loaded()      # what the first ``pos.cut`` would do
    return pos


class WordTags:
    """jieba's word → POS tag table, looked up in a sorted byte string instead of a dict of
    349,000 entries (building that dict is most of the cost of loading it).

    >>> t = WordTags.from_dict({"中国": "ns", "中": "f", "作家": "n"})
    >>> t.get("中国"), t.get("中"), t.get("中国人", "x"), t.get("作", "x")
    ('ns', 'f', 'x', 'x')
    """

    def __init__(self, blob: bytes, offsets: bytes):
        from array import array

        self._blob = blob                      # b"word\ttag\n" entries sorted by b"word\t"
        self._off = array("I")
        self._off.frombytes(offsets)           # entry starts, then len(blob)
        self._n = len(self._off) - 1
        self._seen: dict[str, str | None] = {}

    @classmethod
    def from_dict(cls, table: dict[str, str]) -> "WordTags":
        from array import array

        entries = sorted(f"{w}\t{t}\n".encode("utf-8") for w, t in table.items())
        off = array("I", [0])
        for e in entries:
            off.append(off[-1] + len(e))
        return cls(b"".join(entries), off.tobytes())

    def to_bytes(self) -> tuple[bytes, bytes]:
        return self._blob, self._off.tobytes()

    def get(self, word: str, default: str | None = None) -> str | None:
        tag = self._seen.get(word, _MISSING)
        if tag is _MISSING:
            tag = self._seen[word] = self._find(word)
        return default if tag is None else tag

    def _find(self, word: str) -> str | None:
        key = word.encode("utf-8") + b"\t"
        blob, off = self._blob, self._off
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) // 2
            if blob[off[mid]:off[mid + 1]] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < self._n and blob.startswith(key, off[lo]):
            return blob[off[lo] + len(key):off[lo + 1] - 1].decode("utf-8")
        return None


class _OverlaidTags:
    """``WordTags`` with the tags of the user dictionary on top (``dict.get`` interface)."""

    def __init__(self, base: WordTags, overlay: dict[str, str]):
        self.base, self.overlay = base, overlay

    def get(self, word: str, default: str | None = None) -> str | None:
        tag = self.overlay.get(word)
        return tag if tag is not None else self.base.get(word, default)


_POSSEG_NAMES = ("word_tag_tab", "char_state_tab_P", "start_P", "trans_P", "emit_P")
_POSSEG_RES = ("re_han_internal", "re_skip_internal", "re_num", "re_eng", "re_han_detail", "re_skip_detail")


def _posseg_cache_path() -> "Path | None":
    """``$XDG_CACHE_HOME/kg/posseg.JIEBA-pyX.Y.KEY.cache`` (default ``~/.cache``): per user, not in a shared
    temporary directory (marshal data must come from a trusted writer). KEY changes with jieba's dictionary
    file (a reinstall); :func:`_remove_stale_tables` keeps one table per jieba and Python version."""
    import hashlib
    import os
    import sys
    from pathlib import Path

    import jieba

    try:
        d = Path(jieba.__file__).with_name("dict.txt").stat()
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except (OSError, RuntimeError):      # no dictionary file, or no home directory
        return None
    key = f"{jieba.__version__}|{d.st_size}|{d.st_mtime_ns}|{sys.version_info[:2]}|{_POSSEG_NAMES}|{_POSSEG_RES}"
    return base / "kg" / f"{_posseg_group()}{hashlib.sha1(key.encode()).hexdigest()[:16]}.cache"


def _posseg_group() -> str:
    """The start of the names of the tables of this jieba and Python version: ``posseg.0.42.1-py3.11.``."""
    import re
    import sys

    import jieba

    version = re.sub(r"[^A-Za-z0-9.]+", "_", str(jieba.__version__))
    return f"posseg.{version}-py{sys.version_info[0]}.{sys.version_info[1]}."


def _remove_stale_tables(path) -> None:
    """After ``path`` was written: remove the other tables of the same jieba and Python version (left by
    earlier installs), tables named the old way (``posseg.KEY.cache``) and temporary files over an hour
    old (a writer that was killed). Tables of other jieba or Python versions stay: another install may use them."""
    import re
    import time

    group, now = _posseg_group(), time.time()
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return
    for f in entries:
        name = f.name
        stale_table = name != path.name and name.endswith(".cache") and (
            name.startswith(group) or re.fullmatch(r"posseg\.[0-9a-f]{16}\.cache", name))
        try:
            stale_tmp = name.startswith("posseg.") and name.endswith(".tmp") and now - f.stat().st_mtime > 3600
            if stale_table or stale_tmp:
                f.unlink()
        except OSError:
            pass


@lru_cache(maxsize=1)
def posseg_tables() -> dict:
    """What the cutter needs from ``jieba.posseg``: the word-tag table of jieba's dictionary,
    the POS HMM tables and the block regexes (as ``(pattern, flags)``).

    Importing ``jieba.posseg`` parses dict.txt again and loads 4 MB of tables (~0.45 s of
    every cold start); the result is kept with ``marshal`` in the user's cache directory (keyed
    by jieba's version and dictionary file), the word-tag table as a sorted byte string
    (:class:`WordTags`), and read back in ~25 ms.
    """
    import marshal
    import os

    path = _posseg_cache_path()
    if path is not None:
        try:
            data = marshal.loads(path.read_bytes())
            if isinstance(data, dict) and set(data) == set(_POSSEG_NAMES) | set(_POSSEG_RES):
                data["word_tag_tab"] = WordTags(*data["word_tag_tab"])
                return data
        except (OSError, EOFError, ValueError, TypeError):
            pass
    import jieba.posseg as jp

    data = {"word_tag_tab": WordTags.from_dict(jp.dt.word_tag_tab)}
    data.update({n: getattr(jp, n) for n in _POSSEG_NAMES[1:]})
    data.update({n: (getattr(jp, n).pattern, getattr(jp, n).flags) for n in _POSSEG_RES})
    if path is not None:
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(marshal.dumps({**data, "word_tag_tab": data["word_tag_tab"].to_bytes()}))
            os.replace(tmp, path)
            _remove_stale_tables(path)
        except (OSError, ValueError):
            try:
                tmp.unlink()
            except OSError:
                pass
    return data


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
    """jieba.posseg ``cut`` (HMM on) of a ``POSTokenizer`` over ``tk``, as ``(word, flag)`` tuples.

    ``tk`` (a jieba ``Tokenizer``) must not change afterwards; ``tables`` is :func:`posseg_tables`."""

    CACHE_MAX = 100_000

    def __init__(self, tk, tables: dict):
        import re

        self.re_block, self.re_skip, self.re_num, self.re_eng, self.re_han_detail, self.re_skip_detail = (
            re.compile(*tables[n]) for n in _POSSEG_RES)
        self.freq = tk.FREQ
        self.log_total = math.log(tk.total)
        # the word-tag table of jieba.posseg.POSTokenizer: dict.txt's, then the user words' tags
        # (``add_word`` records the organs' "nt" there too)
        self.tags = _OverlaidTags(tables["word_tag_tab"], dict(tk.user_word_tag_tab))
        self.states, self.start_p, self.emit_p = tables["char_state_tab_P"], tables["start_P"], tables["emit_P"]
        self.trans_p = trans_P = tables["trans_P"]
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
    """The (cached) cutter of the field's dictionary: same tokens as ``tokenizer().cut``."""
    return _Cutter(_field_dictionary(), posseg_tables())


def segment(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str, str]]:
    """jieba tokens ``(start, end, word, flag)`` of ``text[start:end]`` with absolute offsets."""
    end = len(text) if end is None else end
    toks = []
    pos = start
    for w, f in cutter().cut(text[start:end]):
        toks.append((pos, pos + len(w), w, f))
        pos += len(w)
    return toks
