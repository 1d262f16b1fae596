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
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from kg.errors import KgInputError
from kg.model import Anomaly, Span, Text

MAX_BYTES = 20 * 1024 * 1024   # a report is a few dozen KB; 20 MB is certainly not one

# Structural markers that start a new paragraph: 一、 （一） 1. （1） 一是 第一，
MARKER_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[\.．、]|"
    r"[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、])")
# Continuation notes printed by newspapers: （下转第3版） （转第2版） （未完待续）
CONTINUATION_RE = re.compile(r"[（(](?:下转|转|接)第?[\d一二三四五六七八九十]+版[）)]|[（(]未完待续[）)]")
# Lines a web page adds around the report.
FOOTER_RE = re.compile(r"^(?:来源[:：]|发布时间[:：]|浏览次数|责任编辑[:：]|审核[:：]|【打印本页】|【关闭窗口】|【字体[:：])")
TERMINAL = "。！？!?；;：:”’）)】」』…"
JOIN_AFTER = "，,、（(《“‘—"


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
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
        if controls > len(text) // 100:
            raise KgInputError(f"{name}: binary file (control characters), not a text report")
        if enc == "gb18030":
            cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
            if cjk < len(text.strip()) // 4:
                break
        return text, ("utf-8" if enc == "utf-8-sig" else enc)
    raise KgInputError(f"{name}: cannot decode as UTF-8 or GB18030 (wrong encoding?)")


def _ends_mid_sentence(par: str) -> bool:
    if par.endswith(tuple(JOIN_AFTER)):
        return True
    if par[-1] in TERMINAL or FOOTER_RE.match(par) or CONTINUATION_RE.search(par[-12:]):
        return False
    # Headings and titles end without punctuation but hold no full sentence; a body paragraph
    # that holds a sentence and stops without punctuation was broken by the page layout.
    return "。" in par


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
    prev = ""
    for text, lineno in pieces:
        joined = bool(prev) and _ends_mid_sentence(prev) and not MARKER_RE.match(text) \
            and not FOOTER_RE.match(text)
        if out and not joined:
            out.append("\n")
            pos += 1
            prev = ""
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
        prev = prev + text
    normalized = "".join(out)
    truncated = False
    for m in CONTINUATION_RE.finditer(normalized):
        if normalized[m.end():].strip() == "":
            truncated = True
            anomalies.append(Anomaly("truncated", m.group(0), Span(m.start(), m.end()),
                                     "report ends with a continuation note: the rest is on another page"))
    for m in re.finditer(r"^.*$", normalized, re.M):
        if FOOTER_RE.match(m.group(0)) and "来源" in m.group(0)[:3]:
            anomalies.append(Anomaly("web_footer", m.group(0), Span(m.start(), m.end()),
                                     "web page footer, not part of the report"))
    return Text(path=name, text=normalized, line_starts=starts, line_numbers=numbers,
                sha256=hashlib.sha256(raw).hexdigest(), encoding=encoding,
                truncated=truncated, anomalies=anomalies)


def read(path: str | Path) -> Text:
    """Read and normalize a report file; :class:`KgInputError` names the file and the problem."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise KgInputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise KgInputError(f"{p}: is a directory, not a report") from None
    except OSError as e:
        raise KgInputError(f"{p}: cannot read ({e.strerror})") from None
    return read_bytes(raw, str(p))
