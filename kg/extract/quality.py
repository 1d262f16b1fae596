"""Slips in the source text.

``detect(text, report, listed_regulations=None)`` returns anomalies of kinds

* ``repeated_phrase``: a character or word written twice by mistake (走使命使命,
  改制企企工作, 的的, 统统筹). A doubling is judged with the jieba dictionary: the best
  segmentation of the text around it, with and without the doubling, is compared; a
  legitimate reduplication (常常, 层层, 原原本本) or a doubling across two words
  (学习|习近平, 常委会|会议) costs little, a slip costs a lot (the single form reads as
  ordinary words, the doubled one does not);
* ``repeated_sentence``: a clause or group of clauses repeated consecutively;
* ``web_footer``: 来源：… 发布时间 … 浏览次数 / 【打印本页】 lines of a web copy;
* ``count_mismatch``: a stated number of regulations made or revised versus the
  number of the unit's own regulations listed (when ``listed_regulations`` is given).

The reading stage reports ``broken_paragraph`` and ``truncated`` anomalies.
"""
from __future__ import annotations

import re

from kg.extract.numerals import cn_number
from kg.extract.segment import cutter
from kg.model import Anomaly, Report, Span, Text

HAN = "\u4e00-\u9fff"
SLIP_COST = 10.0         # log-probability gain that marks a doubling as a slip
SLIP_COST_ALONE = 7.0    # … when the doubled character does not join two words
SLIP_COST_WORD = 8.5     # … for a doubled word (ABAB)
FUNCTION_CHARS = set("的了着是在和与及对把将被从向为之其而或")


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


def is_slip(text: str, i: int, n: int) -> bool:
    """Is ``text[i:i+n]`` written twice at ``i`` by mistake?"""
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
    if n > 1:
        return gain >= SLIP_COST_WORD
    if gain >= SLIP_COST:
        return True
    # a character shared by two words (学习|习近平, 教师|师德) is no slip
    left_word = any(_freq(text[k:i + 1]) >= 10 for k in range(max(a, i - 3), i))
    right_word = any(_freq(text[i + 1:e]) >= 10 for e in range(i + 3, min(b, i + 6) + 1))
    return gain >= SLIP_COST_ALONE and not (left_word and right_word)


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
    taken: list[Span] = []
    found = doublings(text)
    for n in (4, 3, 2, 1):
        for i in found[n]:
            sp = Span(i, i + 2 * n)
            if any(s.start < sp.end and sp.start < s.end for s in taken):
                continue
            unit = text[i:i + n]
            if n > 1 and len(set(unit)) == 1:
                continue
            if not is_slip(text, i, n):
                continue
            taken.append(sp)
            q = _quote_span(text, sp.start, sp.end)
            out.append(Anomaly("repeated_phrase", text[q.start:q.end], q,
                               f"“{unit}” written twice"))
    return out


PARAGRAPH_RE = re.compile(r"[^\n]+")
CLAUSE_RE = re.compile(r"([^，。；！？,;]+)[，。；！？,;]?")


def _longest_repeat(texts: list[str]) -> tuple[int, int, int, int] | None:
    """``(cover, i, p, k)`` of the run of ``k`` ≥ 2 consecutive copies of the ``p`` (1–4)
    clauses from ``i`` that covers most clauses (the first one on a tie); the repeated
    clauses have at least 8 characters."""
    best = None
    nc = len(texts)
    for p in range(1, 5):
        for i in range(nc - p):
            if i + 2 * p > nc or texts[i + p] != texts[i]:
                continue            # not even the first clause comes again
            k = 1
            while i + (k + 1) * p <= nc and all(texts[i + k * p + j] == texts[i + j] for j in range(p)):
                k += 1
            if k < 2:
                continue
            if sum(len(c) for c in texts[i:i + p]) < 8:
                continue
            cover = k * p
            if best is None or cover > best[0] or (cover == best[0] and i < best[1]):
                best = (cover, i, p, k)
    return best


def repeated_sentences(text: str) -> list[Anomaly]:
    """A clause (or group of clauses) repeated consecutively inside a paragraph."""
    out: list[Anomaly] = []
    for para in PARAGRAPH_RE.finditer(text):
        texts = CLAUSE_RE.findall(text, para.start(), para.end())
        if len(set(texts)) == len(texts):
            continue                # no clause comes twice
        clauses = [(m.start(), m.group(1)) for m in CLAUSE_RE.finditer(text, para.start(), para.end())]
        best = _longest_repeat(texts)
        if best:
            cover, i, p, k = best
            s = clauses[i][0]
            e = clauses[i + cover - 1][0] + len(clauses[i + cover - 1][1])
            unit = "，".join(c[1] for c in clauses[i:i + p])
            out.append(Anomaly("repeated_sentence", text[s:e], Span(s, e),
                               f"“{unit}” repeated {k} times"))
    return out


FOOTER_RE = re.compile(r"^[ \t　]*(?:来源[:：]|发布时间[:：]|浏览次数|点击[数率次]|责任编辑[:：]|【打印本页】|【关闭窗口】|"
                       r"打印本页|关闭窗口|【字体|分享到)", re.M)


FOOTER_MORE = re.compile(r"^[ \t　]*(?:审核[:：]|编辑[:：]|作者[:：]|【|上一篇|下一篇|相关链接|扫一扫)")


def web_footer(text: str) -> list[Anomaly]:
    """The web-page footer at the end of a copied report (one anomaly for the block)."""
    lines = list(re.finditer(r"[^\n]*", text))
    lines = [m for m in lines if m.group(0).strip()]
    start = None
    for m in reversed(lines):
        if FOOTER_RE.match(m.group(0)) or FOOTER_MORE.match(m.group(0)):
            start = m
            continue
        break
    if start is None or not any(FOOTER_RE.match(m.group(0)) for m in lines if m.start() >= start.start()):
        return []
    s = start.start()
    while s < len(text) and text[s] in " \t　":
        s += 1
    e = len(text.rstrip())
    return [Anomaly("web_footer", text[s:e], Span(s, e), "footer of a web page copied with the report")]


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
    out = repeated_phrases(src) + repeated_sentences(src) + web_footer(src) \
        + count_mismatch(src, listed_regulations)
    # a repeated phrase inside a repeated sentence is the same slip
    sents = [a.span for a in out if a.kind == "repeated_sentence"]
    out = [a for a in out if a.kind != "repeated_phrase" or not any(a.span in s for s in sents)]
    return sorted(out, key=lambda a: (a.span.start, a.span.end, a.kind))
