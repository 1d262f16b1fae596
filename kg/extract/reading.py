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
from kg.model import Anomaly, Span, Text

MAX_BYTES = 20 * 1024 * 1024   # a report is a few dozen KB; 20 MB is certainly not one

# Structural markers that start a new paragraph: 一、 （一） 1. （1） 一是 第一，  (not a decimal: 18.6亿元)
MARKER_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[\.．、](?!\d)|"
    r"[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、])")
# Continuation notes printed by newspapers: （下转第3版） （转第2版） （未完待续）
CONTINUATION_RE = re.compile(r"[（(](?:下转|转|接)第?[\d一二三四五六七八九十]+版[）)]|[（(]未完待续[）)]")
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


def _running_text(length: int, commas: int, stopped: bool) -> bool:
    """Is a paragraph of ``length`` characters with ``commas`` commas, and a sentence stop (。；)
    when ``stopped``, running text rather than a heading, title or signature? Headings and titles
    are short and have at most one clause break."""
    return stopped or commas >= 2 and length >= 40 or commas >= 1 and length >= 60


def _holds_sentence(par: str) -> bool:
    """Does the paragraph ``par`` hold running text (see :func:`_running_text`)?"""
    return _running_text(len(par), par.count("，") + par.count(","), any(c in par for c in SENTENCE_STOPS))


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


def read_bytes(raw: bytes, path: str = "<bytes>") -> Text:
    """Normalize report bytes (see module docstring)."""
    name = str(path)
    decoded, encoding = decode(raw, name)
    lines = decoded.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    pieces: list[tuple[str, int]] = [(ln.strip(), i + 1) for i, ln in enumerate(lines) if ln.strip()]
    if not pieces:
        raise KgInputError(f"{name}: no text")
    out: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    anomalies: list[Anomaly] = []
    pos = 0
    prev = ""            # the last line of the paragraph being built (joined lines keep the state below)
    prev_sentence = False  # does the paragraph being built hold running text? (with its length, commas, stops)
    prev_len = prev_commas = 0
    prev_stopped = False
    for text, lineno in pieces:
        joined = bool(prev) and _ends_mid_sentence(prev, prev_sentence) and not MARKER_RE.match(text) \
            and not FOOTER_RE.match(text) and not is_furniture(text)
        if out and not joined:
            out.append("\n")
            pos += 1
            prev = ""
            prev_sentence = prev_stopped = False
            prev_len = prev_commas = 0
        if joined:
            before = prev[-12:]
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
        prev_len += len(text)
        prev_commas += text.count("，") + text.count(",")
        prev_stopped = prev_stopped or any(c in text for c in SENTENCE_STOPS)
        prev_sentence = _running_text(prev_len, prev_commas, prev_stopped)
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
