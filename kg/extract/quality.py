"""Slips in the source text.

``detect(text, report, listed_regulations=None)`` returns anomalies of kinds

* ``repeated_phrase``: a character or word written twice by mistake (走使命使命,
  改制企企工作, 的的, 统统筹). A doubling is judged with the jieba dictionary: the best
  segmentation of the text around it, with and without the doubling, is compared; a
  legitimate reduplication (常常, 层层, 原原本本) or a doubling across two words
  (学习|习近平, 常委会|会议) costs little, a slip costs a lot (the single form reads as
  ordinary words, the doubled one does not); a dictionary word written twice whole (组织组织开展)
  is a slip whatever the cost. Doublings that the grammar makes, whatever
  the dictionary says, are not slips either: a classifier doubled to mean "every one"
  before a predicate (件件有落实, 人人都) or in parallel with another doubling (条条有整改、
  件件有落实; 人人…个个…); a numeral inside a numeral (十五五, 十四五); a unit name's last
  character that begins the next word (桐崖县|县属, 协调部|部务会);
* ``repeated_sentence``: a whole clause or group of clauses repeated consecutively (one
  anomaly per paragraph, found in linear time by comparing clause hashes);
* ``web_header``: the page furniture before the text of a web copy (breadcrumb 首页 > …,
  来源：… 发布时间：…, 字号：大 中 小), one anomaly for each block of such lines;
* ``web_footer``: the page furniture after the text (来源：…, 责任编辑：…, 【打印本页】…), one
  anomaly for the block;
* ``count_mismatch``: a stated number of regulations made or revised versus the
  number of the unit's own regulations listed (when ``listed_regulations`` is given).

The reading stage reports ``broken_paragraph``, ``truncated`` and ``page_furniture`` anomalies. Every check is
linear in the text, and an anomaly quotes at most ``QUOTE_MAX`` (80) characters: a block or a
long repeated sentence is quoted from its start (its span covers all of it).
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from kg.extract.numerals import cn_number
from kg.extract.reading import MARKER_RE, QUOTE_MAX, _holds_sentence, is_furniture
from kg.extract.segment import cutter
from kg.model import Anomaly, Report, Span, Text

HAN = "\u4e00-\u9fff"
SLIP_COST = 10.0         # log-probability gain that marks a doubling as a slip
SLIP_COST_ALONE = 7.0    # … when the doubled character does not join two words
SLIP_COST_WORD = 8.5     # … for a doubled word (ABAB)
FUNCTION_CHARS = set("的了着是在和与及对把将被从向为之其而或")
NUMERAL_CHARS = set("〇零一二三四五六七八九十百千万两")
# Classifiers and nouns that double to mean "every one" (件件, 条条, 人人, 事事, 处处, 天天 …)
CLASSIFIERS = set("个件条项桩人户家村事处层级天年月日时次回步样句字门代种张份笔场节课位名座")
# … and what follows such a doubling: 件件有落实, 人人都, 事事必, 个个是, 处处见
DISTRIBUTIVE = set("有都皆必要是见能均")
# Last characters of unit names (桐崖县, 协调部, 常委会) that also begin words (县属, 部务会, 会议)
UNIT_SUFFIXES = set("省市县区州盟旗乡镇村部局厅委办院校会社所司处科室组队团站")
PARALLEL_SPAN = 12       # how far apart two doublings of a parallel construction may stand
CONTEXT = 16             # characters either side of a doubling that ``is_slip`` reads


def _best_logp(s: str) -> float:
    """Log-probability of the best jieba segmentation of ``s``."""
    return cutter().best_log_p(s)


def _freq(w: str) -> int:
    return cutter().freq.get(w) or 0


def _is_han(ch: str) -> bool:
    """Is the character ``ch`` in the Han range ``HAN``?"""
    return "\u4e00" <= ch <= "\u9fff"


def _window(text: str, start: int, end: int, size: int = 5) -> tuple[int, int]:
    """Clause-bounded window of Han characters around ``[start, end)``."""
    a = start
    while a > 0 and start - a < size and _is_han(text[a - 1]):
        a -= 1
    b = end
    while b < len(text) and b - end < size and _is_han(text[b]):
        b += 1
    return a, b


def _numeral_run(text: str, i: int) -> bool:
    """Is the doubled character at ``i`` a numeral inside a numeral (十五五, 二〇二二)?"""
    return text[i] in NUMERAL_CHARS and (i > 0 and text[i - 1] in NUMERAL_CHARS
                                         or i + 2 < len(text) and text[i + 2] in NUMERAL_CHARS)


SENTENCE_END = set("。；！？;!?\n")


def _parallel_doubling(text: str, i: int) -> bool:
    """Is there another doubled character (not the same) near ``i`` in the same sentence that
    makes a parallel construction with the one at ``i`` (条条有整改、件件有落实; 人人…个个…)?"""
    a = i
    while a > 0 and i - a < PARALLEL_SPAN and text[a - 1] not in SENTENCE_END:
        a -= 1
    b = i + 2
    while b < len(text) and b - i - 2 < PARALLEL_SPAN and text[b] not in SENTENCE_END:
        b += 1
    ch = text[i]
    after = text[i + 2] if i + 2 < len(text) else ""
    for j in range(a, b - 1):
        if j in (i - 1, i, i + 1) or text[j] != text[j + 1] or text[j] == ch or not _is_han(text[j]):
            continue
        if ch in CLASSIFIERS and text[j] in CLASSIFIERS:
            return True
        if after and j + 2 < len(text) and text[j + 2] == after:
            return True
    return False


def _grammatical_doubling(text: str, i: int) -> bool:
    """A doubled character that Chinese grammar makes: a classifier meaning "every one" before a
    predicate (件件有落实) or in a parallel construction, a numeral inside a numeral (十五五)."""
    ch = text[i]
    if _numeral_run(text, i):
        return True
    if ch in CLASSIFIERS and i + 2 < len(text) and text[i + 2] in DISTRIBUTIVE:
        return True
    return _parallel_doubling(text, i)


def is_slip(text: str, i: int, n: int) -> bool:
    """Is ``text[i:i+n]`` written twice at ``i`` by mistake? (It reads ``CONTEXT`` characters
    either side, and the answer for one context is remembered: a text that repeats itself costs
    one judgement per distinct context.)"""
    a = max(0, i - CONTEXT)
    return _is_slip_in(text[a:i + 2 * n + CONTEXT], i - a, n)


@lru_cache(maxsize=4096)
def _is_slip_in(text: str, i: int, n: int) -> bool:
    unit = text[i:i + n]
    doubled = unit * 2
    # AABB reduplication: 原原本本, 认认真真
    if n == 1 and i + 3 < len(text) + 1 and len(text) > i + 3 and text[i + 2] == text[i + 3] and text[i + 2] != unit:
        return False
    if n == 1 and i >= 2 and text[i - 2] == text[i - 1] and text[i - 1] != unit:
        return False
    a, b = _window(text, i, i + 2 * n)
    orig = text[a:b]
    single = text[a:i + n] + text[i + 2 * n:b]
    gain = _best_logp(single) - _best_logp(orig)
    if n == 1 and unit in FUNCTION_CHARS and _freq(doubled) == 0:
        # 的的: a slip unless a word ends with the first one (目的|的)
        left_word = any(_freq(text[k:i + 1]) > 0 for k in range(max(a, i - 3), i))
        return not left_word or gain >= SLIP_COST
    if n == 2 and unit[0] in NUMERAL_CHARS and unit[1] in CLASSIFIERS:
        return False            # 一项一项地落实: one by one
    if n > 1:
        return gain >= SLIP_COST_WORD or _doubled_word(orig, i - a, n)
    if _grammatical_doubling(text, i):
        return False
    if gain >= SLIP_COST:
        return True
    # a character shared by two words (学习|习近平, 教师|师德) is no slip; a unit's name (桐崖县,
    # 联络协调部) is often missing from the dictionary: its last character counts as a word end
    left_word = any(_freq(text[k:i + 1]) >= 10 for k in range(max(a, i - 3), i)) \
        or unit in UNIT_SUFFIXES and i > a and _is_han(text[i - 1])
    right_word = any(_freq(text[i + 1:e]) >= 10 for e in range(i + 3, min(b, i + 6) + 1))
    return gain >= SLIP_COST_ALONE and not (left_word and right_word)


def _word_ends(s: str) -> set[int]:
    """The offsets where a word ends on the best dictionary segmentation of ``s``."""
    nxt = cutter().route(s)
    ends, x = set(), 0
    while x < len(s):
        x = nxt[x]
        ends.add(x)
    return ends


def _doubled_word(s: str, i: int, n: int) -> bool:
    """Is ``s[i:i+n]`` (n = 2), written twice at ``i``, a dictionary word doubled whole: the second copy
    reads as a word of its own (党委|组织|组织|开展, 认真学习|学习|贯彻), not one with a one-character
    suffix the dictionary lacks (党组织|组织力), and it is no reduplication the dictionary knows or a
    numeral with its classifier (一个一个)?"""
    unit = s[i:i + n]
    if n != 2 or _freq(unit) < 10 or _freq(unit * 2) > 0 or unit[0] in NUMERAL_CHARS:
        return False
    ends = _word_ends(s)
    j = i + 2 * n
    suffix = j < len(s) and _is_han(s[j]) and j + 1 in ends and s[j] not in FUNCTION_CHARS
    return {i + n, j} <= ends and not suffix


def _quote_span(text: str, start: int, end: int) -> Span:
    a = start - 1 if start > 0 and _is_han(text[start - 1]) else start
    b = end + 1 if end < len(text) and _is_han(text[end]) else end
    return Span(a, b)


# a Han character seen again one to four characters later (all of them Han)
REPEAT_CANDIDATE_RE = re.compile(r"(?=([%s])[%s]{0,3}?\1)" % (HAN, HAN))
HAN_RUN_RE = re.compile(f"[{HAN}]+")


def doublings(text: str) -> dict[int, list[int]]:
    """For n = 4, 3, 2, 1: the offsets ``i`` (ascending) where ``text[i:i+n]`` is Han and is
    written again right after it (``(?=([HAN]{n})\\1)``), found in one scan of the text."""
    out: dict[int, list[int]] = {4: [], 3: [], 2: [], 1: []}
    size = len(text)
    for m in REPEAT_CANDIDATE_RE.finditer(text):
        i = m.start()
        for n in (1, 2, 3, 4):
            if i + 2 * n <= size and text[i + n:i + 2 * n] == text[i:i + n] and HAN_RUN_RE.fullmatch(text, i, i + n):
                out[n].append(i)
    return out


def repeated_phrases(text: str) -> list[Anomaly]:
    out: list[Anomaly] = []
    taken: set[int] = set()          # offsets inside a doubling already reported
    found = doublings(text)
    for n in (4, 3, 2, 1):
        for i in found[n]:
            sp = Span(i, i + 2 * n)
            if any(k in taken for k in range(sp.start, sp.end)):
                continue
            unit = text[i:i + n]
            if n > 1 and len(set(unit)) == 1:
                continue
            if not is_slip(text, i, n):
                continue
            end = sp.end            # a run of copies (一是一是一是…) is one slip, counted in its shortest unit
            while text.startswith(unit, end):
                end += n
            unit = next(unit[:d] for d in range(1, n + 1) if n % d == 0 and unit[:d] * (n // d) == unit)
            sp = Span(i, end)
            taken.update(range(sp.start, sp.end))
            q = _quote_span(text, sp.start, sp.end)
            times = "twice" if end - i == 2 * len(unit) else f"{(end - i) // len(unit)} times"
            out.append(Anomaly("repeated_phrase", text[q.start:min(q.end, q.start + QUOTE_MAX)], q,
                               f"“{unit}” written {times}"))
    return out


PARAGRAPH_RE = re.compile(r"[^\n]+")
CLAUSE_RE = re.compile(r"([^，。；！？,;]+)[，。；！？,;]?")


def _longest_repeat(texts: list[str]) -> tuple[int, int, int, int] | None:
    """``(cover, i, p, k)`` of the run of ``k`` ≥ 2 consecutive copies of the ``p`` (1–4)
    clauses from ``i`` that covers most clauses (the first one on a tie); the repeated
    clauses have at least 8 characters.

    Linear in the number of clauses: clauses are compared by their hash (an interned id), and for
    each ``p`` the length ``run[i]`` of the stretch where clause ``j`` equals clause ``j + p`` is
    computed once from the right; ``p`` clauses from ``i`` come again ``run[i] // p`` times.
    """
    ids: dict[str, int] = {}
    seq = [ids.setdefault(t, len(ids)) for t in texts]
    nc = len(seq)
    chars = [0]
    for t in texts:
        chars.append(chars[-1] + len(t))
    best = None
    for p in range(1, 5):
        run = [0] * (nc + 1)
        for i in range(nc - p - 1, -1, -1):
            run[i] = run[i + 1] + 1 if seq[i] == seq[i + p] else 0
        for i in range(nc - p):
            if run[i] < p or chars[i + p] - chars[i] < 8:
                continue            # the p clauses from i do not come again whole, or are too short
            k = 1 + run[i] // p
            cover = k * p
            if best is None or cover > best[0] or (cover == best[0] and i < best[1]):
                best = (cover, i, p, k)
    return best


def _clip(s: str, size: int = 40) -> str:
    return s if len(s) <= size else s[:size - 1] + "…"


def repeated_sentences(text: str) -> list[Anomaly]:
    """A whole clause (or group of clauses) repeated consecutively inside a paragraph: one
    anomaly per paragraph, quoting the start of the repetition (at most ``QUOTE_MAX`` characters)."""
    out: list[Anomaly] = []
    for para in PARAGRAPH_RE.finditer(text):
        texts = CLAUSE_RE.findall(text, para.start(), para.end())
        if len(set(texts)) == len(texts):
            continue                # no clause comes twice
        best = _longest_repeat(texts)
        if best:
            clauses = [(m.start(), m.group(1)) for m in CLAUSE_RE.finditer(text, para.start(), para.end())]
            cover, i, p, k = best
            s = clauses[i][0]
            e = clauses[i + cover - 1][0] + len(clauses[i + cover - 1][1])
            unit = "，".join(c[1] for c in clauses[i:i + p])
            out.append(Anomaly("repeated_sentence", text[s:min(e, s + QUOTE_MAX)], Span(s, e),
                               f"“{_clip(unit)}” repeated {k} times"))
    return out


FOOTER_RE = re.compile(r"^[ \t　]*(?:来源[:：]|发布时间[:：]|浏览次数|点击[数率次]|责任编辑[:：]|【打印本页】|【关闭窗口】|"
                       r"打印本页|关闭窗口|【字体|分享到)", re.M)


FOOTER_MORE = re.compile(r"^[ \t　]*(?:审核[:：]|编辑[:：]|作者[:：]|【|上一篇|下一篇|相关链接|扫一扫)")


def _lines(text: str, start: int = 0):
    """``(start, end)`` of the lines of ``text`` from ``start`` on, first to last."""
    n = len(text)
    while start < n:
        e = text.find("\n", start)
        e = n if e < 0 else e
        yield start, e
        start = e + 1


def _lines_reversed(text: str):
    """``(start, end)`` of the lines of ``text``, last to first."""
    end = len(text)
    while end >= 0:
        s = text.rfind("\n", 0, end) + 1
        yield s, end
        end = s - 1


def _block_quote(text: str, s: int, e: int) -> str:
    """A block of lines quoted on one line (runs of spaces folded to one), whole lines as long as
    they fit in ``QUOTE_MAX`` characters (the start of the first line when it alone is longer)."""
    lines = [re.sub(r"\s+", " ", text[a:b].strip()) for a, b in _lines(text[:e], s)]
    q = ""
    for line in (x for x in lines if x):
        more = f"{q} {line}" if q else line
        if len(more) > QUOTE_MAX:
            break
        q = more
    return q or lines[0][:QUOTE_MAX]


HEAD_LINES = 12          # the page furniture before a report is within its first lines
HEAD_TITLE_LINES = 3     # … among which at most this many lines of title


def web_header(text: str) -> list[Anomaly]:
    """The page furniture before the text of a web copy (breadcrumb, 来源：… 发布时间：…, 字号):
    one anomaly for each block of such lines before the report's text begins."""
    out: list[Anomaly] = []
    block: list[tuple[int, int]] = []
    titles = 0

    def close():
        if block:
            s, e = block[0][0], block[-1][1]
            out.append(Anomaly("web_header", _block_quote(text, s, e), Span(s, e),
                               "header of a web page copied with the report"))
            block.clear()

    for n, (s, e) in enumerate(_lines(text)):
        line = text[s:e]
        if n >= HEAD_LINES:
            break
        if is_furniture(line):
            block.append((s, e))
            continue
        close()
        if not line.strip():
            continue
        if _holds_sentence(line) or MARKER_RE.match(line) or len(line) > 60:
            break                   # the report's text has begun
        titles += 1
        if titles > HEAD_TITLE_LINES:
            break
    close()
    return out


def web_footer(text: str, after: int = 0) -> list[Anomaly]:
    """The web-page footer at the end of a copied report (one anomaly for the block), starting at
    or after offset ``after``."""
    start = None
    strong = False
    for s, e in _lines_reversed(text):
        line = text[s:e]
        if not line.strip():
            continue
        if s < after:
            break
        furniture = is_furniture(line) or bool(FOOTER_RE.match(line))
        if furniture or FOOTER_MORE.match(line):
            start = s
            strong = strong or furniture
            continue
        break
    if start is None or not strong:
        return []
    s = start
    while s < len(text) and text[s] in " \t　":
        s += 1
    e = len(text.rstrip())
    return [Anomaly("web_footer", _block_quote(text, s, e), Span(s, e), "footer of a web page copied with the report")]


COUNT_RE = re.compile(
    r"(?:(?:需要)?(?:新建|制定|修订|新制定|出台|完善|建立)(?:[、和及]?(?:新建|制定|修订|完善|出台))*(?:的)?"
    r"(?:各类|各项)?(?:规章制度|制度|规章|文件)[^\d，。；]{0,4}?(\d+|[一二两三四五六七八九十百]+)(?:余)?[项件个部]"
    r"|(?:需要)?(?:新建|制定|修订|出台)(?:[、和及]?(?:新建|制定|修订|出台))*的?(\d+|[一二两三四五六七八九十百]+)(?:余)?[项件个部]"
    r"(?:各类|各项)?(?:规章制度|制度|规章))")


# the first characters COUNT_RE can start with (需要, 新建, 制定, 修订, 出台, 完善, 建立)
COUNT_START_RE = re.compile(r"[需新制修出完建]")


def stated_regulation_counts(text: str) -> list[tuple[int, Span]]:
    out = []
    for m in _count_matches(text):
        raw = m.group(1) or m.group(2)
        v = cn_number(raw)
        if v is not None:
            out.append((int(v), Span(m.start(), m.end())))
    return out


def _count_matches(text: str):
    """``COUNT_RE.finditer(text)``, trying only where a match can start."""
    pos = 0
    while True:
        c = COUNT_START_RE.search(text, pos)
        if c is None:
            return
        m = COUNT_RE.match(text, c.start())
        if m is None:
            pos = c.start() + 1
            continue
        yield m
        pos = m.end() if m.end() > m.start() else m.start() + 1


def count_mismatch(text: str, listed_regulations: int | None) -> list[Anomaly]:
    if listed_regulations is None:
        return []
    out = []
    for value, sp in stated_regulation_counts(text):
        if value != listed_regulations:
            out.append(Anomaly("count_mismatch", text[sp.start:sp.end], sp,
                               f"states {value} regulations, lists {listed_regulations}"))
    return out


def detect(text: Text, report: Report | None = None, listed_regulations: int | None = None) -> list[Anomaly]:
    """Anomalies of the source: repeated phrases and sentences, web footer, count mismatch."""
    src = text.text
    header = web_header(src)
    out = header + repeated_phrases(src) + repeated_sentences(src) \
        + web_footer(src, after=header[-1].span.end if header else 0) + count_mismatch(src, listed_regulations)
    # a repeated phrase inside a repeated sentence is the same slip (sentence spans are disjoint)
    sents = sorted(a.span for a in out if a.kind == "repeated_sentence")
    starts = [s.start for s in sents]

    def in_sentence(sp: Span) -> bool:
        k = bisect.bisect_right(starts, sp.start) - 1
        return k >= 0 and sp in sents[k]

    out = [a for a in out if a.kind != "repeated_phrase" or not in_sentence(a.span)]
    return sorted(out, key=lambda a: (a.span.start, a.span.end, a.kind))
