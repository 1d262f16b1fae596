"""Reading: bytes → normalized :class:`~kg.model.Text` with a map back to original lines.

The normalized text has one paragraph per line (``\\n`` separated), without blank
lines, with surrounding whitespace removed and with paragraphs that a page layout
broke mid-sentence joined again. Nothing else is changed, so every span of the
normalized text is a verbatim piece of one or two original lines.

>>> t = read_bytes("书写和记录伟大事业、\\n\\n时代精神。\\n".encode("utf-8"), "x.txt")
>>> t.text
'书写和记录伟大事业、时代精神。'
>>> t.anomalies[0].kind, t.line_of(10)
('broken_paragraph', 3)

A paragraph is also broken when a line ends inside a 《 “ （ opened on it, or on a preposition,
conjunction or particle standing as a word (…执法稽查，对). A hard-wrapped text (a newspaper page
copied line by line: most long lines one width, blank lines between paragraphs) has its full-width
lines joined without an anomaly; a printed page's running header, page numbers and continuation
notes are removed, the text is joined across them, and the lines removed at one place are a
``page_furniture`` anomaly.

A report that stops mid-sentence (a page cut) or with a continuation note (（下转第3版）) is
``truncated``: the flag is set and a ``truncated`` anomaly quotes its last clause.

>>> t = read_bytes("一、总体\\n一是加强领导。二是完善制度，切实把整改成效转化为\\n".encode("utf-8"), "x.txt")
>>> t.truncated, [a.text for a in t.anomalies]
(True, ['切实把整改成效转化为'])
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from kg.errors import KgInputError
from kg.extract import sources
from kg.extract.segment import cutter     # its dictionary is loaded at the first cut, not on import
from kg.model import Anomaly, Span, Text

MAX_BYTES = 20 * 1024 * 1024   # a report is a few dozen KB; 20 MB is certainly not one

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# The markers of one measure in a list: 一是 （1） ① 第一， 首先， 其次， 再次， 最后，
MEASURE_RE = re.compile(rf"^(?:[一二三四五六七八九十]+是|[（(]\d+[）)]|[{CIRCLED}]|"
                        r"第[一二三四五六七八九十]+[，,、]|(?:首先|其次|再次|最后)[，,])")
# Structural markers that start a new paragraph: 一、 （一） 1. and the measure markers (not a decimal: 18.6亿元)
MARKER_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十]+[）)]|\d+\s*[\.．、](?!\d)|" + MEASURE_RE.pattern[1:] + ")")
# Continuation notes printed by newspapers: （下转第3版） （转第2版） （上接第3版） （未完待续）
CONTINUATION_RE = re.compile(r"[（(](?:下转|转|上?接)第?[\d一二三四五六七八九十]+版[）)]|[（(]未完待续[）)]")
# Lines a web page adds around the report.
FOOTER_RE = re.compile(r"^(?:来源[:：]|发布时间[:：]|浏览次数|责任编辑[:：]|审核[:：]|【打印本页】|【关闭窗口】|【字体[:：])")
# Page furniture: the lines a web page prints around a report (the one home of these rules: the metadata
# stage and the quality checks use them too). The keys of its key：value lines (来源：… 发布时间：… 浏览次数：…):
PAGE_KEYS = ("信息来源", "文章来源", "稿件来源", "来源", "稿源", "发布时间", "发布日期", "发表时间", "发稿时间", "发文日期",
             "更新时间", "成文日期", "时间", "日期", "作者", "撰稿", "供稿", "摄影", "责任编辑", "编辑", "审核", "审校", "校对",
             "浏览次数", "浏览量", "浏览", "点击数", "点击量", "点击率", "点击次数", "点击", "阅读量", "阅读次数", "阅读",
             "访问量", "字号", "字体", "索引号", "发布机构", "发文机关", "发布单位", "网址", "原文链接", "本文链接", "链接",
             "分享到", "分享")
#: the words a breadcrumb starts with (当前位置：首页 > …)
PLACE_WORDS = ("当前位置", "您的位置", "您现在的位置", "您当前的位置", "当前所在位置", "所在位置")


def alternatives(words) -> str:
    """A regex alternation of ``words``, longest first."""
    return "|".join(sorted(words, key=len, reverse=True))


FURNITURE_RE = re.compile(
    r"^[【\[]?\s*(?:(?:" + alternatives(PAGE_KEYS + PLACE_WORDS) + r")\s*[：:】\]]"
    r"|(?:首页|当前位置|您的位置|您现在的位置|当前所在位置)\s*[>＞»›:：/]"
    r"|[【\[]\s*(?:打印|关闭|字号|字体|大\s*[】\]]|收藏|分享)"
    r"|打印本页|打印此页|关闭窗口|返回顶部|收藏本页|分享到|上一篇|下一篇|相关链接|扫一扫|浏览次数|字号\s*[大中小])")
# 时间：/日期： alone is furniture, a period is not (巡视时间 lines are key：value metadata)
_PERIOD_RE = re.compile(r"^[【\[]?\s*(?:时间|日期)\s*[：:】\]].*(?:至|到)")
_BRACKETS_ONLY_RE = re.compile(r"(?:\s*[【\[][^】\]【\[]{0,20}[】\]])+\s*")
BREADCRUMB_START_RE = re.compile(r"^(?:首页|主页|网站首页|" + alternatives(PLACE_WORDS) + ")")
_BREADCRUMB_SPLIT_RE = re.compile(r"\s*[>＞»›→]\s*")
URL_RE = re.compile(r"(?:https?://|www\.)[\x21-\x7e]+")
TERMINAL = "。！？!?；;：:”’）)】」』…"
JOIN_AFTER = "，,、（(《“‘—"
SENTENCE_STOPS = "。；;！？!?"
QUOTE_MAX = 80           # an anomaly quotes at most this many characters


def is_breadcrumb(s: str) -> bool:
    """首页 > 新闻中心 > 巡视整改: short parts between ``>``, or one ``>`` after 首页 / 当前位置."""
    if len(s) > 120 or "。" in s:
        return False
    parts = _BREADCRUMB_SPLIT_RE.split(s)
    if len(parts) < 2:
        return False
    return bool(BREADCRUMB_START_RE.match(s)) or len(parts) >= 3 and all(0 < len(p) <= 30 and "；" not in p for p in parts)


def is_furniture(line: str) -> bool:
    """Is the paragraph ``line`` a line a web page adds around a report (breadcrumb, 来源/发布时间 line,
    字号, 【打印本页】, a URL…) rather than report text?

    >>> [is_furniture(s) for s in ("首页 > 新闻中心 > 巡视整改", "来源：某局  发布时间：2021-06-25", "【打印本页】【关闭窗口】",
    ...                            "时间：2021年3月1日至4月30日", "一是加强领导。来源：某局")]
    [True, True, True, False, False]
    """
    s = line.strip()
    if not s or len(s) > 300:
        return False
    if is_breadcrumb(s) or _BRACKETS_ONLY_RE.fullmatch(s):
        return True
    if "。" in s[:-1]:
        return False
    if FURNITURE_RE.match(s):
        return not _PERIOD_RE.match(s)
    return bool(URL_RE.match(s)) or bool(re.match(r"^(?:网址|链接|原文|本文)", s) and URL_RE.search(s))


def _running_text(length: int, commas: int, stopped: bool, measure: bool = False) -> bool:
    """Is a paragraph of ``length`` characters with ``commas`` commas, and a sentence stop (。；)
    when ``stopped``, running text rather than a heading, title or signature? Headings and titles
    are short and have at most one clause break. A paragraph that opens with the marker of a
    measure (``measure``: 其次， 一是 ① …, see ``MEASURE_RE``) and holds a clause break after it is
    running text whatever its length."""
    return stopped or commas >= 2 and length >= 40 or commas >= 1 and length >= 60 or measure and commas >= 1


def _measure_commas(par: str) -> int:
    """The commas of ``par`` after the marker of a measure it opens with (0 without one)."""
    m = MEASURE_RE.match(par)
    return 0 if m is None else par.count("，", m.end()) + par.count(",", m.end())


def _holds_sentence(par: str) -> bool:
    """Does the paragraph ``par`` hold running text (see :func:`_running_text`)?"""
    return _running_text(len(par), par.count("，") + par.count(","), any(c in par for c in SENTENCE_STOPS),
                         _measure_commas(par) > 0)


_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_CJK_RE = re.compile("[\u4e00-\u9fff]")


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """Decode report bytes: UTF-8 (with or without BOM), else GB18030 (covers GBK/GB2312).

    Raises :class:`KgInputError` for empty, binary, undecodable or huge input.
    """
    if not raw.strip():
        raise KgInputError(f"{name}: empty file")
    if len(raw) > MAX_BYTES:
        raise KgInputError(f"{name}: {len(raw)} bytes is too large for a report (limit {MAX_BYTES})")
    if b"\x00" in raw[:8192]:
        raise KgInputError(f"{name}: binary file (NUL bytes), not a text report")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        # GB18030 decodes almost anything; accept it only when the result looks like Chinese text.
        controls = len(_CONTROL_RE.findall(text))
        if controls > len(text) // 100:
            raise KgInputError(f"{name}: binary file (control characters), not a text report")
        if enc == "gb18030":
            cjk = len(_CJK_RE.findall(text))
            if cjk < len(text.strip()) // 4:
                break
        return text, ("utf-8" if enc == "utf-8-sig" else enc)
    raise KgInputError(f"{name}: cannot decode as UTF-8 or GB18030 (wrong encoding?)")


def _ends_mid_sentence(par: str, holds_sentence: bool | None = None) -> bool:
    """Does the paragraph ``par`` stop in the middle of a sentence? ``holds_sentence`` is
    ``_holds_sentence(par)`` when the caller knows it (it is kept up to date while lines are joined)."""
    if par.endswith(tuple(JOIN_AFTER)):
        return True
    if par[-1] in TERMINAL or FOOTER_RE.match(par) or is_furniture(par) or CONTINUATION_RE.search(par[-12:]):
        return False
    # Headings and titles end without punctuation but hold no full sentence; a body paragraph
    # that holds a sentence and stops without punctuation was broken by the page layout.
    return _holds_sentence(par) if holds_sentence is None else holds_sentence


CLAUSE_BREAKS = "，。；！？,;!?：:、"


def quote_end(text: str, start: int, end: int, least: int = 10) -> Span:
    """The last clause of ``text[start:end]``, extended over the clauses before it to at least
    ``least`` characters, and at most ``QUOTE_MAX`` characters long."""
    lo = max(start, end - QUOTE_MAX)
    a = lo
    for k in range(end - 1, lo - 1, -1):
        if text[k] in CLAUSE_BREAKS and end - (k + 1) >= least:
            a = k + 1
            break
    while a < end and text[a] in CLAUSE_BREAKS:
        a += 1
    return Span(a, end)


def body_end(text: str) -> tuple[int, int]:
    """``(start, end)`` of the last paragraph of ``text`` that is not web furniture (责任编辑：…,
    【打印本页】…); ``(0, 0)`` when there is none."""
    end = len(text.rstrip())
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        par = text[start:end]
        if par.strip() and not (FOOTER_RE.match(par) or is_furniture(par)):
            return start, end
        end = start - 1
    return 0, 0


# the paragraph ends with a key：value item (联系电话：…；通信地址：…办公室): a short key, a value of one clause
KEY_VALUE_END_RE = re.compile(r"(?:^|[。；;！？!?\s])[^。；;！？!?\s，,：:]{1,8}[：:][^。；;！？!?，,]*$")


def cut_off(text: str) -> Span | None:
    """The last clause of the report when it stops in the middle of a sentence (a page cut); web
    furniture at the end is skipped; a signature, date, contact line or heading is not a cut."""
    start, end = body_end(text)
    if end <= start:
        return None
    last = text[start:end]
    if not _ends_mid_sentence(last) or CONTINUATION_RE.search(last[-12:]):
        return None
    if not ("\u4e00" <= last[-1] <= "\u9fff" or last[-1] in JOIN_AFTER):
        return None             # a phone number, an address code, an e-mail, a URL
    if KEY_VALUE_END_RE.search(last):
        return None             # key：value (通信地址：…), not a sentence
    return quote_end(text, start, end)


# Page furniture of a printed page (a newspaper page, a PDF): a running header holds a date or the page
# (岑江日报  2024年5月8日  第3版) and is printed again on every page; a page number stands alone on its line.
_HEADER_DATE_RE = re.compile(r"\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}|第\s*[\d一二三四五六七八九十]+\s*版")
PAGE_NUMBER_RE = re.compile(r"[-－—–]\s*\d{1,4}\s*[-－—–]|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
                            r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*[/／]\s*\d{1,4}")
HEADER_MAX = 40          # a running header is a short line
# A paragraph that ends in a preposition, conjunction or particle cannot be complete (…执法稽查，对 | 发现的…)
OPEN_WORDS = set("对向把将从在与和及的被由或并")
# Brackets whose opening, unclosed at the end of a line, leaves the sentence open (印发《岚坪县人民 | 法院…》)
OPENERS = (("《", "》"), ("“", "”"), ("（", "）"), ("(", ")"))
WRAP_SLACK = 2           # a hard-wrapped line is the wrap width ± this many characters
WRAP_SHARE = 0.8         # … and so are this share of the lines at least that long


def page_furniture(lines: list[str]) -> dict[int, str]:
    """Lines (by index) of ``lines`` (stripped) that a printed page adds: ``page header`` (a short
    line holding a date or 第N版, printed verbatim at least twice), ``page number`` (- 3 -, 第3页, 3/5)
    and ``continuation note`` (（下转第4版） （上接第3版） on a line of its own, with text after it).

    >>> page_furniture(["岑江日报 2024年5月8日 第3版", "一是加强领导。", "- 1 -", "岑江日报 2024年5月8日 第3版", "二是…"])
    {0: 'page header', 2: 'page number', 3: 'page header'}
    """
    seen: dict[str, int] = {}
    for s in lines:
        if s and len(s) <= HEADER_MAX and "。" not in s and _HEADER_DATE_RE.search(s):
            seen[s] = seen.get(s, 0) + 1
    last = max((i for i, s in enumerate(lines) if s), default=-1)
    out: dict[int, str] = {}
    for i, s in enumerate(lines):
        if seen.get(s, 0) >= 2:
            out[i] = "page header"
        elif PAGE_NUMBER_RE.fullmatch(s):
            out[i] = "page number"
        elif CONTINUATION_RE.fullmatch(s):
            out[i] = "continuation note"
    while last >= 0 and (last in out or not lines[last]):
        last -= 1                # a note after the last line of text ends the report (truncated), it is kept
    for i in [i for i, k in out.items() if k == "continuation note" and i > last]:
        del out[i]
    return out


def wrap_width(lines: list[str]) -> int | None:
    """The width a hard-wrapped text was cut at (a newspaper page copied line by line): most lines at
    least that long are that long ± ``WRAP_SLACK``, and blank lines separate the paragraphs; else None."""
    if sum(1 for s in lines if not s) < 2:
        return None
    counts: dict[int, int] = {}
    for s in lines:
        if len(s) >= 16:
            counts[len(s)] = counts.get(len(s), 0) + 1
    if not counts:
        return None
    width = max(counts, key=lambda w: (counts[w], w))
    longer = sum(c for w, c in counts.items() if w >= width - WRAP_SLACK)
    full = sum(counts.get(width + d, 0) for d in range(-WRAP_SLACK, WRAP_SLACK + 1))
    if full < 4 or full < WRAP_SHARE * longer or full < 0.3 * sum(1 for s in lines if s):
        return None
    return width


def _open_bracket(line: str) -> bool:
    """Does ``line`` end inside a 《 “ （ opened on it (印发《岚坪县人民)? A line that ends a sentence
    (。) does not, whatever a stray bracket before it."""
    return line[-1] not in TERMINAL and any(line.rfind(a) > line.rfind(b) for a, b in OPENERS)


def _ends_in_open_word(par: str) -> bool:
    """Does ``par`` end in a preposition, conjunction or particle standing as a word of its own
    (…执法稽查，对; …由区市场监管局和), not as the end of a word (存在, 目的, 涉及)?"""
    if not par or par[-1] not in OPEN_WORDS:
        return False
    tail = par[-6:]
    nxt = cutter().route(tail)
    x = 0
    while nxt[x] < len(tail):
        x = nxt[x]
    return x == len(tail) - 1


def _furniture_anomaly(lines: list[str], removed: list[int], furniture: dict[int, str], pos: int) -> Anomaly:
    """One ``page_furniture`` anomaly for the furniture lines ``removed`` at one place (a page break),
    quoting whole lines as long as they fit in ``QUOTE_MAX`` characters; its span is the empty span
    where they were removed."""
    quote = lines[removed[0]][:QUOTE_MAX]
    for k in removed[1:]:
        if len(quote) + 1 + len(lines[k]) > QUOTE_MAX:
            break
        quote += " " + lines[k]
    what = ", ".join(f"{furniture[k]} (line {k + 1})" for k in removed)
    return Anomaly("page_furniture", quote, Span(pos, pos), f"{what} of a printed page; removed")


def read_bytes(raw: bytes, path: str = "<bytes>") -> Text:
    """Normalize report bytes (see module docstring)."""
    name = str(path)
    decoded, encoding = decode(raw, name)
    lines = [ln.strip() for ln in decoded.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    furniture = page_furniture(lines)
    width = wrap_width([s for i, s in enumerate(lines) if i not in furniture])
    if not any(s for i, s in enumerate(lines) if i not in furniture):
        raise KgInputError(f"{name}: no text")
    out: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    anomalies: list[Anomaly] = []
    removed: list[int] = []     # furniture lines since the last line kept
    pos = 0
    prev = ""            # the last line of the paragraph being built (joined lines keep the state below)
    tail = ""            # … and its last 12 characters
    prev_sentence = False  # does the paragraph being built hold running text? (with its length, commas, stops)
    prev_len = prev_commas = 0
    prev_stopped = False
    prev_marker = -1       # … and the commas of the measure marker it opens with (-1: none)
    gap = False          # a blank line since the last line kept
    for i, text in enumerate(lines):
        if i in furniture:
            removed.append(i)
            continue
        if not text:
            gap = True
            continue
        lineno = i + 1
        wrapped = bool(prev) and width is not None and not gap and len(prev) >= width - WRAP_SLACK \
            and not (prev[-1] in SENTENCE_STOPS and MARKER_RE.match(text))
        joined = wrapped or bool(prev) and (_ends_mid_sentence(prev, prev_sentence) or width is None and _open_bracket(prev)
                                            or _ends_in_open_word(prev)) \
            and not MARKER_RE.match(text) and not FOOTER_RE.match(text) and not is_furniture(text)
        gap = False
        if out and not joined:
            out.append("\n")
            pos += 1
            prev = tail = ""
            prev_sentence = prev_stopped = False
            prev_len = prev_commas = 0
        if removed:
            anomalies.append(_furniture_anomaly(lines, removed, furniture, pos))
            removed.clear()
        if joined and not wrapped:
            before = tail
            a_start = pos - len(before)
            anomalies.append(Anomaly(
                "broken_paragraph", before + text[:12], Span(a_start, pos + min(12, len(text))),
                f"paragraph broken mid-sentence before line {lineno}; joined"))
        starts.append(pos)
        numbers.append(lineno)
        out.append(text)
        pos += len(text)
        # the state of the paragraph, kept without re-reading it (linear in the text)
        prev = text
        tail = (tail + text[-12:])[-12:]
        prev_len += len(text)
        prev_commas += text.count("，") + text.count(",")
        prev_stopped = prev_stopped or any(c in text for c in SENTENCE_STOPS)
        if prev_len == len(text):       # the paragraph's first line: the commas of its measure marker, if any
            marker = MEASURE_RE.match(text)
            prev_marker = -1 if marker is None else marker.group(0).count("，") + marker.group(0).count(",")
        prev_sentence = _running_text(prev_len, prev_commas, prev_stopped, 0 <= prev_marker < prev_commas)
    if removed:
        anomalies.append(_furniture_anomaly(lines, removed, furniture, pos))
    normalized = "".join(out)
    truncated = False
    _, end = body_end(normalized)
    note = None
    for m in CONTINUATION_RE.finditer(normalized, max(0, end - 40), end):
        note = m
    if note is not None and note.end() == end:
        truncated = True
        anomalies.append(Anomaly("truncated", note.group(0), Span(note.start(), note.end()),
                                 "report ends with a continuation note: the rest is on another page"))
    else:
        cut = cut_off(normalized)
        if cut is not None:
            truncated = True
            anomalies.append(Anomaly("truncated", normalized[cut.start:cut.end], cut,
                                     "report stops in the middle of a sentence: the rest of the page is missing"))
    return Text(path=name, text=normalized, line_starts=starts, line_numbers=numbers,
                sha256=hashlib.sha256(raw).hexdigest(), encoding=encoding,
                truncated=truncated, anomalies=anomalies)


_FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _not_regular(p: Path, mode: int) -> KgInputError:
    kind = next((k for test, k in _FILE_KINDS if test(mode)), "not a regular file")
    if stat.S_ISDIR(mode):
        return KgInputError(f"{p}: is a directory, not a report")
    return KgInputError(f"{p}: is {kind}, not a regular file; kg reads reports only from regular files")


def read_file_bytes(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of the report file ``path``, read safely whatever the path names: only a regular file
    is read (a directory, named pipe, socket or device is refused at once, never waited on), its size is
    checked before anything is read (a huge or sparse file is refused without reading it), and at most
    ``limit`` (default ``MAX_BYTES``) bytes are read (a file that grows past it meanwhile is refused).
    :class:`KgInputError` names the file and the problem."""
    p = Path(path)
    limit = MAX_BYTES if limit is None else limit
    try:
        st = os.stat(p)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(p, st.st_mode)
        if st.st_size > limit:
            raise KgInputError(f"{p}: {st.st_size} bytes is too large for a report (limit {limit})")
        # O_NONBLOCK: should the path have become a pipe since the stat, opening it does not wait for a writer
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
        with open(fd, "rb", closefd=True) as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise _not_regular(p, st.st_mode)
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise KgInputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise KgInputError(f"{p}: is a directory, not a report") from None
    except OSError as e:
        raise KgInputError(f"{p}: cannot read ({e.strerror or e})") from None
    if len(raw) > limit:
        raise KgInputError(f"{p}: more than {limit} bytes is too large for a report (limit {limit})")
    return raw


def read(path: str | Path) -> Text:
    """Read and normalize a report file of any supported format (:mod:`kg.extract.sources`: text, web page,
    Word, PDF); :class:`KgInputError` names the file and the problem."""
    p = Path(path)
    raw = read_file_bytes(p)
    src = sources.extract(raw, p)      # a web page, Word file or PDF → its text (None: plain text as it is)
    t = read_bytes(raw if src.text is None else src.text.encode("utf-8"), str(p))
    return sources.attach(t, src, raw)
