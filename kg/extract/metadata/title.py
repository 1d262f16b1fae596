"""The head: the opening lines → furniture, a contents list, the title (wrapped over two lines, printed
twice, after the page's title) and key：value lines; sets the title, its span, the report's date under it,
the contents, the furniture and header spans, and ``first`` (the first body paragraph).
"""
from __future__ import annotations

import re

from kg.extract.metadata.common import CONTENTS_MAX, HAN, HEAD_LINES, HEADING_RE, TITLE_MAX, _compact, _Reader
from kg.extract.metadata.dates import _date_only
from kg.extract.metadata.furniture import _is_furniture, furniture_fields
from kg.model import Span

TITLE_RE = re.compile(r"整改.{0,12}(?:通报|情况)|通报$")
SENTENCE_RE = re.compile(r"[。；;！？!?，,]")
TITLE_END_RE = re.compile(r"(?:通报|报告|情况|公告|公示|通知|说明)$")
GENRE_RE = re.compile(r"巡[视察]|整改")
PREAMBLE_RE = re.compile(r"^(?:根据|按照|依据|遵照|为深入|为切实|近日|日前)")
CONTENTS_RE = re.compile(r"^目\s*录\s*[：:]?$")

# key：value metadata lines (被巡察单位：…, 巡视组：…, 巡察时间：…, 反馈时间：…).
KV_KEY_AT_RE = re.compile(rf"(?:^|[\s\u3000]+)([{HAN}]{{2,10}})\s*[：:][\s\u3000]*")
KV_KEY_RE = re.compile(r"巡[视察]|反馈|被|轮次|进驻")


def _is_title_like(s: str) -> bool:
    """A line that could be (part of) a title: short, no sentence punctuation, no heading marker, not a
    key：value line, not wholly inside 《》 (``s`` is masked)."""
    if not 2 <= len(s) <= TITLE_MAX or SENTENCE_RE.search(s) or "：" in s or ":" in s:
        return False
    if HEADING_RE.match(s) or PREAMBLE_RE.match(s):
        return False
    return not (s.startswith("《") and s.endswith("》"))


def _is_strong_title(s: str) -> bool:
    """A line that names a report: 关于…, …通报/报告/情况/公告, …整改…情况 (``s`` is masked)."""
    return (len(s) >= 5 and _is_title_like(s)
            and ("关于" in s or bool(TITLE_END_RE.search(s)) or bool(TITLE_RE.search(s))))


def _kv(s: str) -> list[tuple[str, str, int]]:
    """[(key, value, value offset)] of a key：value metadata line (巡视组：…, 反馈时间：…; several may share a
    line, apart by spaces); [] when ``s`` is not one."""
    if len(s) > 160 or "。" in s[:-1]:
        return []
    keys = list(KV_KEY_AT_RE.finditer(s))
    if not keys or keys[0].start() != 0 or not KV_KEY_RE.search(keys[0].group(1)):
        return []
    out = []
    for k, m in enumerate(keys):
        end = keys[k + 1].start() if k + 1 < len(keys) else len(s)
        value = s[m.end():end].rstrip()
        if value:
            out.append((m.group(1), value, m.end()))
    return out


def skip_contents(r: _Reader, i: int, limit: int) -> int:
    """Index after the contents list whose 目录 line is ``i``: short heading lines, up to a title, a
    sentence, a key：value line, or an entry printed again (the body's first heading)."""
    seen: set[str] = set()
    j = i + 1
    while j < limit and j - i <= CONTENTS_MAX:
        s = r.line(j)
        if not s:
            j += 1
            continue
        key = _compact(HEADING_RE.sub("", s, count=1))
        if key in seen or _is_furniture(s) or _kv(s) or PREAMBLE_RE.match(s) or "。" in s:
            break
        if HEADING_RE.match(s):
            if len(s) > 120:
                break
        elif len(s) > 30 or SENTENCE_RE.search(s) or _is_strong_title(s) and ("关于" in s or len(s) > 16):
            break
        seen.add(key)
        j += 1
    return j


def head(r: _Reader) -> None:
    """Furniture, contents, title (wrapped, printed twice), key：value lines; sets ``first``."""
    md, paras = r.md, r.paras
    limit = min(len(paras), HEAD_LINES)
    before: list[int] = []      # lines before the title that are neither furniture nor contents
    furniture: list[int] = []
    title_lines: list[int] = []
    kv_lines: list[int] = []
    i = 0
    while i < limit:
        s = r.line(i)
        if not s:
            i += 1
        elif _is_furniture(s):
            furniture.append(i)
            i += 1
        elif CONTENTS_RE.match(s):
            j = skip_contents(r, i, limit)
            md.contents = Span(paras[i].start, paras[j - 1].end)
            i = j
        elif _is_strong_title(s):
            title_lines = [i]
            # wrapped: …党组 / 关于…的通报  (the line before is the start of this one)
            if before and before[-1] == i - 1 and _is_title_like(r.line(i - 1)) and \
                    not TITLE_END_RE.search(r.line(i - 1)) and _continues(r.line(i - 1), s):
                title_lines = [i - 1, i]
                before.pop()
            # wrapped: …关于二十届中央第二轮 / 巡视整改进展情况的通报
            if not TITLE_END_RE.search(s) and i + 1 < limit:
                nxt = r.line(i + 1)
                if _is_title_like(nxt) and TITLE_END_RE.search(nxt) and "关于" not in nxt \
                        and len(s) + len(nxt) <= TITLE_MAX + 20 and not _compact(s).startswith(_compact(nxt)):
                    title_lines.append(i + 1)
            i = title_lines[-1] + 1
            break
        elif (_is_title_like(s) or s.startswith("《") and s.endswith("》") and len(s) <= TITLE_MAX) \
                and len(before) < 4:
            before.append(i)
            i += 1
        else:
            break
    if not title_lines and before:
        # no line names a report: the first candidate is the title only when it speaks of inspection
        first_line = r.line(before[0])
        if GENRE_RE.search(first_line) or "通报" in first_line:
            title_lines = [before.pop(0)]
            i = max(i, title_lines[-1] + 1)
    if title_lines:
        title = "".join(r.text[r.lstart(k):paras[k].end].rstrip() for k in title_lines)
        i, title_lines = set_title(r, title_lines, title, limit, furniture)
    furniture_before = [k for k in furniture if not title_lines or k < title_lines[0]] + before
    # after the title: the report's date （2023年10月25日）, furniture, key：value lines, a contents list,
    # until the text begins
    while i < limit:
        s = r.line(i)
        if not s:
            i += 1
        elif title_lines and s[:1] in "（(" and _date_only(s):
            md.meta.date = _date_only(s)
            i += 1
        elif _is_furniture(s):
            furniture.append(i)
            i += 1
        elif _kv(s):
            kv_lines.append(i)
            i += 1
        elif CONTENTS_RE.match(s):
            j = skip_contents(r, i, limit)
            md.contents = Span(paras[i].start, paras[j - 1].end)
            i = j
        else:
            break
    md.first = i if i < len(paras) else len(paras)
    for k in furniture:
        furniture_fields(r, k)
    md.furniture = [paras[k] for k in sorted(furniture)]
    run = sorted(furniture_before) or sorted(k for k in furniture if not title_lines or k > title_lines[-1])
    if run and (furniture or before):
        md.header = Span(paras[run[0]].start, paras[run[-1]].end)
    r.kv_lines = kv_lines


def _continues(a: str, b: str) -> bool:
    """Whether title line ``b`` continues ``a`` (a wrapped title), not a new title after a site name."""
    if b.startswith(("关于", "巡视", "巡察", "整改", "落实", "对", "第", "贯彻")):
        return True
    return "关于" in a and "关于" not in b


def set_title(r: _Reader, lines: list[int], title: str, limit: int, furniture: list[int]) -> tuple[int, list[int]]:
    """Set the title from ``lines``; skip it printed again; return the index after it and the title's lines
    (the article's title when the page's, with the site's name, came first)."""
    md, paras = r.md, r.paras
    i = lines[-1] + 1
    norm = _compact(title)
    while i < limit:
        nxt = r.line(i)
        if not nxt:
            i += 1
            continue
        c = _compact(r.text[r.lstart(i):paras[i].end])
        if c == norm:
            i += 1
            continue
        if i + 1 < limit and c and norm.startswith(c) and c + _compact(r.text[paras[i + 1].start:paras[i + 1].end]) == norm:
            i += 2
            continue
        # the page title carries the site's name: 中共…的通报_某某网 / then the article's title
        if len(c) >= 8 and norm.startswith(c) and norm[len(c)] in "_|｜-—–·" and _is_strong_title(nxt):
            furniture.extend(lines)
            lines, title, norm = [i], r.text[r.lstart(i):paras[i].end].rstrip(), c
            i += 1
            continue
        break
    md.meta.title = title
    pieces = [(r.lstart(k), paras[k].end) for k in lines]
    md.meta.title_span = Span(pieces[0][0], pieces[-1][1])
    r.title_pieces = pieces
    return i, lines


def title_offset(r: _Reader, pos: int) -> int:
    """Text offset of position ``pos`` of the (joined) title."""
    for start, end in r.title_pieces:
        n = len(r.text[start:end].rstrip())
        if pos <= n:
            return start + pos
        pos -= n
    return r.title_pieces[-1][1]
