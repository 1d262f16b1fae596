"""Outline: the numbering tree of a report's body, and the role of each of its levels.

Every numbering marker of every family the genre uses becomes a :class:`Node`, at the start of a paragraph
or inline (after 。；：，), full-width or ASCII:

========  =================================  =========================
family    examples                           where
========  =================================  =========================
``part``  第一部分                            paragraph start
``cn``    一、 二．                           paragraph start
``pcn``   （一） (二)                         paragraph start
``ar``    1. 2． 3、                          paragraph start
``par``   （1） (2) 3)                        paragraph start, inline
``circ``  ① ②                                paragraph start, inline
``shi``   一是… 二是…                         paragraph start, inline
``di``    第一，… 第二，…                     paragraph start, inline
``seq``   首先，… 其次，… 最后，…             paragraph start, inline
``label`` 问题一： 问题二：                   paragraph start
========  =================================  =========================

The tree follows how the families nest, not which family a level uses: a family that starts again at its
first ordinal under another opens a deeper level; ordinals that continue keep their level (also across a
parent: problems numbered 1–12 through four aspects); a break in a sequence is kept and noted. A label
before a marker (整改情况：一是…) is recorded on the node, not taken for a level.

:func:`assign_roles` then gives each item its role from what it contains and where it sits, not from its
marker: an item's *typical height* is the number of levels its children usually span (one measure's own
①②③ does not count, nor do the lists of several measures that each lead with an action: 开展警示教育：①…).
Problem categories span two levels (their measures below them), aspects three; a numbered paragraph that
holds nothing but a problem's title (1.财务管理存在漏洞。…) is a problem category whose measures are not
numbered, and spans two levels too. The top items are sections when they span four levels, or when the
ones before and after the items that hold problem categories hold only measures and do not read as
problems (整改工作的组织, 下一步). An aspect that holds only measures and reads as a problem (不够, 不到位,
薄弱, …问题 — not 加强, 完善, …) names a single problem itself. Every decision carries its reason, so that
``kg build -v`` can show it.

>>> from kg.extract.reading import read_bytes
>>> t = read_bytes("一、整改工作\\n二、问题整改\\n（一）学习不够深入的问题\\n1.理论学习不够深入。一是加强学习；二是完善制度。\\n"
...                "2.调查研究不够扎实。一是开展调研。\\n（二）管理不规范的问题\\n3.财务管理存在漏洞。一是修订办法。".encode(), "x")
>>> o = build_outline(t.text)
>>> print(render(o, t.text))     # doctest: +ELLIPSIS
level 1  cn    2 nodes  section  (the top items span four levels)
level 2  pcn   2 nodes  aspect  (items of the problem section that span three levels)
level 3  ar    3 nodes  problem  (an item of an aspect)
level 4  shi   4 nodes  measure  (an item under a problem category)
  一、整改工作  [section]
  二、问题整改  [section]
    （一）学习不够深入的问题  [aspect]
      1.理论学习不够深入  [problem]
        一是加强学习  [measure, inline]
...
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.numerals import cn_int

CN = "一二三四五六七八九十"
FAMILIES = ("part", "cn", "pcn", "ar", "par", "circ", "shi", "di", "seq", "label")
#: families that may start a list item inside a paragraph
INLINE_FAMILIES = ("par", "circ", "shi", "di", "seq")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
SEQ_WORDS = {"首先": 1, "其次": 2, "再次": 3, "然后": 0, "最后": 0}   # 0: continues whatever came before

# At the start of a paragraph (after an optional label such as 整改情况：).
_START = re.compile(
    rf"(?P<part>第(?P<part_n>[{CN}]{{1,3}})部分)"
    rf"|(?P<label>问题(?P<label_n>[{CN}]{{1,3}}|\d{{1,2}})[：:、．.\s])"
    rf"|(?P<pcn>[（(](?P<pcn_n>[{CN}]{{1,3}})[）)])"
    rf"|(?P<par>[（(](?P<par_n>\d{{1,2}})[）)]|(?P<par2_n>\d{{1,2}})[）)])"
    rf"|(?P<ar>(?P<ar_n>\d{{1,2}})\s*[\.．、](?![\d．.]))"
    rf"|(?P<circ>(?P<circ_n>[{CIRCLED}]))"
    rf"|(?P<shi>(?P<shi_n>[{CN}]{{1,3}})是(?![否非]))"
    rf"|(?P<di>第(?P<di_n>[{CN}]{{1,3}})[，,、：:])"
    rf"|(?P<seq>(?P<seq_n>首先|其次|再次|然后|最后)[，,])"
    rf"|(?P<cn>(?P<cn_n>[{CN}]{{1,3}})[、．.](?!\d))")
# Inside a paragraph, right after a clause ends (or after a label's colon).
_INLINE = re.compile(
    rf"(?<=[。；;：:，,！？!?])\s*(?:"
    rf"(?P<par>[（(](?P<par_n>\d{{1,2}})[）)])"
    rf"|(?P<circ>(?P<circ_n>[{CIRCLED}]))"
    rf"|(?P<shi>(?P<shi_n>[{CN}]{{1,3}})是(?![否非]))"
    rf"|(?P<di>第(?P<di_n>[{CN}]{{1,3}})[，,、：:])"
    rf"|(?P<seq>(?P<seq_n>首先|其次|再次|然后|最后)[，,]))")
_LEAD_LABEL = re.compile(r"([\u4e00-\u9fff]{2,6})[：:]\s*")
# An unnumbered paragraph that closes the body: what follows is next steps, not measures of the last problem.
_CLOSING = re.compile(r"(?:下一步|下步|今后|接下来|总的(?:来说|看)|总体(?:来看|看)|我们将|欢迎)")

PROBLEM_WORDS = re.compile(
    r"问题|不(?!断|仅|但|忘|移|懈|折不扣|同|少|论|得不|可|要|能不)[\u4e00-\u9fff]|薄弱|差距|短板|缺乏|欠缺|缺失|缺位|滞后|"
    r"弱化|淡化|虚化|边缘化|宽松软|禁而未绝|有待|偏差|风险|漏洞|隐患|乏力|失之于|未能|尚未|没有|偏低|偏高|"
    r"偏弱|较大|突出|多发|违规|违纪|违反|随意|形式主义|官僚主义|走过场|一刀切|打折扣|避重就轻|结构不优|迟缓|"
    r"堪忧|失衡|松懈|懈怠|失职|失责|短缺|空白|错位|脱节|阻力|困难|矛盾")
ACTION_START = re.compile(
    r"(?:针对|围绕|聚焦|对照|结合|按照|通过|依托|坚持|持续|加强|强化|完善|健全|建立|建设|推动|推进|深化|开展|组织|"
    r"严格|着力|提高|提升|加大|加快|落实|规范|压实|压紧|突出|抓好|抓实|抓紧|扎实|全面|认真|切实|不断|进一步|制定|修订|"
    r"出台|印发|召开|成立|构建|优化|狠抓|从严|深入|细化|明确|创新|做实|做好|用好|筑牢|树立|增强|整治|清理|排查|"
    r"督促|实施|发挥|注重|打造|配齐|选优|完成|牢固|以|把|将|用|在.{1,12}上|大力|积极|主动|及时|精准|务实)")


@dataclass
class Node:
    """One numbering marker and the item it opens."""

    family: str
    ordinal: int           # 1, 2, … as printed (0 for 然后/最后: the next in line)
    marker_start: int      # the marker as written: text[marker_start:start]
    start: int             # where the item's own text begins
    para: int              # index of its paragraph
    inline: bool           # not at the start of its paragraph
    label: str = ""        # a label written before the marker (整改情况：一是…)
    parent: int = -1       # index of the parent node; -1: the body itself
    depth: int = 1
    children: list[int] = field(default_factory=list)
    end: int = 0           # end of the item (its text and its children's)
    head_end: int = 0      # end of its heading (the first sentence, or the line)
    note: str = ""         # e.g. "sequence break: 3 after 1"
    role: str = ""         # section / aspect / aspect+problem / problem / measure / "" (none)
    why: str = ""          # the reason for the role


@dataclass
class Level:
    depth: int
    family: str
    nodes: list[int]
    role: str = ""
    reason: str = ""


@dataclass
class Outline:
    """The numbering tree of the paragraphs ``first``…``last - 1`` of a text (its body)."""

    nodes: list[Node]
    paras: list[tuple[int, int]]
    first: int
    last: int
    levels: list[Level] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def children(self, i: int) -> list[int]:
        return self.roots() if i == -1 else self.nodes[i].children

    def roots(self) -> list[int]:
        return [k for k, n in enumerate(self.nodes) if n.parent == -1]

    def with_role(self, role: str) -> list[int]:
        return [k for k, n in enumerate(self.nodes) if n.role == role]

    def has_outline(self) -> bool:
        """True when some family has two markers in sequence (the text has a visible outline)."""
        seen: set[tuple[int, str]] = set()
        for n in self.nodes:
            if n.ordinal >= 2 and (n.parent, n.family) in seen:
                return True
            seen.add((n.parent, n.family))
        return any(n.family == "seq" and n.ordinal == 0 for n in self.nodes) and len(self.nodes) >= 2


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of ``text``."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _ordinal(family: str, raw: str) -> int | None:
    if family == "circ":
        return CIRCLED.index(raw) + 1
    if family == "seq":
        return SEQ_WORDS[raw]
    try:
        return cn_int(raw)
    except ValueError:
        return None


def _match_family(m: re.Match) -> tuple[str, str] | None:
    groups = m.groupdict()
    for fam in FAMILIES:
        if groups.get(fam):
            raw = groups[f"{fam}_n"] if fam != "par" else (groups["par_n"] or groups.get("par2_n"))
            return fam, raw
    return None


def _markers(text: str, paras: list[tuple[int, int]], first: int, last: int):
    """(family, ordinal, marker start, content start, paragraph, inline, label) in text order."""
    for k in range(first, last):
        a, b = paras[k]
        pos = a
        while pos < b and text[pos] in " \t\u3000":
            pos += 1
        label = ""
        lm = _LEAD_LABEL.match(text, pos, min(b, pos + 12))
        head = _START.match(text, pos, b)
        if head is None and lm:
            head = _START.match(text, lm.end(), b)
            label = lm.group(1) if head else ""
        inline_from = pos
        if head is not None:
            fam, raw = _match_family(head)
            n = _ordinal(fam, raw)
            if n is not None:
                yield fam, n, head.start(), _skip_space(text, head.end(), b), k, False, label
                inline_from = head.end()
        for m in _INLINE.finditer(text, inline_from, b):
            fam, raw = _match_family(m)
            n = _ordinal(fam, raw)
            if n is None:
                continue
            start = m.start(fam)
            before = text[max(a, start - 8):start]
            lm2 = re.search(r"([\u4e00-\u9fff]{2,6})[：:]\s*$", before)
            yield fam, n, start, _skip_space(text, m.end(), b), k, True, lm2.group(1) if lm2 else ""


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in " \t\u3000":
        pos += 1
    return pos


class _Builder:
    """Builds the tree in one pass over the markers with a stack of open levels."""

    def __init__(self, text: str, paras: list[tuple[int, int]]):
        self.text, self.paras = text, paras
        self.nodes: list[Node] = []
        self.stack: list[tuple[str, int, int]] = []     # (family, last ordinal, node index)
        self.history: dict[str, tuple[int, int]] = {}    # family → (last ordinal, depth)
        self.notes: list[str] = []

    def _find(self, family: str) -> int:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == family:
                return i
        return -1

    def add(self, fam: str, n: int, mstart: int, start: int, para: int, inline: bool, label: str) -> None:
        """Place one marker: continue its family's open level, start a deeper one, or drop it."""
        i = self._find(fam)
        note = ""
        if i >= 0:
            last = self.stack[i][1]
            if fam == "seq" and n == 0:
                n = last + 1
            if n == last + 1:
                pass
            elif n == 1:
                note = f"{fam} starts again at 1 after {last}"
            elif inline:
                return                      # 三是 with no 二是 before it inside a sentence: not a list item
            else:
                note = f"sequence break: {n} after {last}"
            del self.stack[i:]
        elif n != 1:
            seen = self.history.get(fam)
            if inline or n == 0:
                return
            if seen and n == seen[0] + 1:
                del self.stack[seen[1] - 1:]      # ordinals that continue keep their level
            else:
                note = f"sequence break: {fam} {n} with no {n - 1} before it"
        parent = self.stack[-1][2] if self.stack else -1
        depth = len(self.stack) + 1
        k = len(self.nodes)
        self.nodes.append(Node(fam, n, mstart, start, para, inline, label, parent, depth, note=note))
        if parent >= 0:
            self.nodes[parent].children.append(k)
        self.stack.append((fam, n, k))
        self.history[fam] = (n, depth)
        if note:
            self.notes.append(f"paragraph {para + 1}: {note}")

    def close(self) -> None:
        """An unnumbered closing paragraph (下一步…): later inline lists belong to no item."""
        self.stack.clear()


def build_outline(text: str, first: int = 0, last: int | None = None,
                  paras: list[tuple[int, int]] | None = None) -> Outline:
    """The numbering tree of paragraphs ``first``…``last - 1`` of ``text`` (default: all), roles assigned."""
    paras = paras if paras is not None else paragraphs(text)
    last = len(paras) if last is None else last
    b = _Builder(text, paras)
    prev_para = -1
    for fam, n, mstart, start, para, inline, label in _markers(text, paras, first, last):
        for k in range(prev_para + 1, para):       # unnumbered paragraphs in between
            _unnumbered(b, text, paras[k])
        if para != prev_para and inline:
            _unnumbered(b, text, paras[para], keep_open=True)
        prev_para = para
        b.add(fam, n, mstart, start, para, inline, label)
    o = Outline(b.nodes, paras, first, last, notes=b.notes)
    _extents(o, text)
    assign_roles(o, text)
    return o


def _unnumbered(b: _Builder, text: str, span: tuple[int, int], keep_open: bool = False) -> None:
    a, e = span
    if _CLOSING.match(text, a, min(e, a + 8)):
        b.close()


def _extents(o: Outline, text: str) -> None:
    """Where each item ends (the next item at its depth or above, or the end of its paragraph for an inline
    item that has a later sibling), and where its heading ends."""
    body_end = o.paras[o.last - 1][1] if o.last > o.first else 0
    open_: list[int] = []
    for k, n in enumerate(o.nodes):
        while open_ and o.nodes[open_[-1]].depth >= n.depth:
            j = open_.pop()
            o.nodes[j].end = _trim(text, o.nodes[j].start, n.marker_start)
        open_.append(k)
    for j in open_:
        o.nodes[j].end = _trim(text, o.nodes[j].start, body_end)
    for n in o.nodes:
        n.head_end = _heading_end(text, n, o.paras[n.para][1], o)


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\n\u3000":
        end -= 1
    return end


_HEAD_STOP = re.compile(r"[。！？!?]")


def _heading_end(text: str, n: Node, para_end: int, o: Outline) -> int:
    """The end of the first sentence of the item, or of the words before its inline list (…不够深入：一是…)."""
    stop = min(n.end if n.end > n.start else para_end, para_end)
    if n.children and o.nodes[n.children[0]].inline and o.nodes[n.children[0]].para == n.para:
        stop = min(stop, o.nodes[n.children[0]].marker_start)
    m = _HEAD_STOP.search(text, n.start, stop)
    end = m.start() if m else stop
    while end > n.start and text[end - 1] in "，,、：:；; ":
        end -= 1
    return end


def heading(o: Outline, text: str, k: int) -> str:
    n = o.nodes[k]
    return text[n.start:n.head_end]


def problem_like(h: str) -> bool:
    """A heading that names a problem (不够…, …不到位, 薄弱, …问题), not an action (加强…, 完善…)."""
    h = re.sub(r"^(?:关于|在|对)", "", h)
    return bool(PROBLEM_WORDS.search(h)) and not ACTION_START.match(h)


def problem_title(h: str) -> bool:
    """A heading that is the title of a problem (…不够深入, …存在薄弱环节, 关于“…”问题的整改; 制度执行不严格，
    监督不够有力): it reads as a problem, is short, and each of its clauses ends in a problem — not a
    measure's sentence that mentions one (对上轮巡察反馈的21个问题开展“回头看”, 巡察指出，…把关不严)."""
    if len(h) > 40 or re.search(r"[；;。]", h) or not problem_like(h):
        return False
    core = re.sub(r"的?(?:整改(?:落实)?|落实)(?:情况)?$", "", h)
    core = re.sub(r"(?:反馈|发现|指出|交办|移交)的?问题", "", core)     # 巡视反馈问题整改落实情况: a section
    return all(PROBLEM_WORDS.search(c[-6:]) for c in re.split(r"[，,]", core))


def action_like(h: str) -> bool:
    """A heading that names an action (加强…, 开展…, 深化…) and no problem."""
    return bool(ACTION_START.match(h)) and not PROBLEM_WORDS.search(h)


def own_list(o: Outline, text: str, k: int) -> bool:
    """Does item ``k`` hold only an inline list whose lead words name an action (开展警示教育：①…；②…)?
    Among siblings that hold nothing, such an item is a measure that carries a list of its own."""
    n = o.nodes[k]
    if not n.children or not all(o.nodes[c].inline for c in n.children):
        return False
    return action_like(heading(o, text, k))


def typical_heights(o: Outline, text: str | None = None) -> list[int]:
    """How many levels each item usually spans: a leaf 1; else 1 + the height most of its children have
    (the larger on a tie), so that one measure's own ①②③ does not lift its problem category a level.
    With ``text``, the lists of measures that carry one of their own span no level however many of the
    measures carry one: children that hold nothing beside children that hold only an inline list led by
    an action (:func:`own_list`) are measures, not problem categories without measures beside ones with;
    and a numbered paragraph that holds nothing but a problem's title (:func:`problem_title`) is a problem
    category whose measures are not numbered (its text after the heading): it spans two levels."""
    th = [1] * len(o.nodes)
    for k in range(len(o.nodes) - 1, -1, -1):        # children come after their parent
        kids = o.nodes[k].children
        if not kids and text is not None and not o.nodes[k].inline and problem_title(heading(o, text, k)):
            th[k] = 2
        if kids:
            heights = [th[c] for c in kids]
            if text is not None and 1 in heights:
                heights = [1 if own_list(o, text, c) else h for c, h in zip(kids, heights)]
            counts: dict[int, int] = {}
            for h in heights:
                counts[h] = counts.get(h, 0) + 1
            th[k] = 1 + max(counts, key=lambda h: (counts[h], h))
    return th


def assign_roles(o: Outline, text: str) -> None:
    """Set the role of every node and say why (see the module docstring).

    Problem categories are the items that usually span two levels (their measures below them); aspects
    span three; sections are the top items of the body when one of them holds the problem categories and
    the others do not (整改工作的组织, 下一步), or when they span four levels."""
    th = typical_heights(o, text)
    roots = [k for k in o.roots() if not o.nodes[k].inline]
    if not roots:
        o.notes.append("no numbered paragraph at the top of the body")
        _describe_levels(o)
        return
    fam = max(sorted({o.nodes[k].family for k in roots}), key=lambda f: sum(o.nodes[k].family == f for k in roots))
    tops = [k for k in roots if o.nodes[k].family == fam]
    top_h = max(th[k] for k in tops)
    tall = [k for k in tops if th[k] == top_h]
    others = [k for k in tops if th[k] < top_h]
    # sections of measures around the ones that hold problem categories (整改工作的组织 … 下一步), not
    # aspects that each name a single problem (一、理论学习不够深入。一是…)
    outside = bool(others) and all(k < tall[0] or k > tall[-1] for k in others) \
        and not any(problem_title(heading(o, text, k)) for k in others)
    if top_h >= 4 or (top_h == 3 and outside):
        why = ("the top items span four levels" if top_h >= 4 else
               "the top items before and after the ones that hold problem categories hold only measures")
        for k in tops:
            _set(o, k, "section", why)
        for k in tall:
            if top_h == 3 and len(tall) > 1:      # several sections of problems: each is also their aspect
                _set(o, k, "section+aspect", "a section about problems, with problem categories straight under it")
                _below_section(o, text, th, k)
            else:
                _below_section(o, text, th, k)
        for k in others:
            _measures_of(o, k)
    elif top_h == 3:
        _aspects(o, text, th, tops, "the top items span three levels: aspects, problem categories, measures")
    elif top_h == 2 and sum(problem_like(heading(o, text, k)) for k in tops) * 2 >= len(tops):
        for k in tops:
            _problem(o, k, "the top items span two levels and read as problems")
    else:
        o.notes.append("no level of problem categories: the numbered items span at most "
                       f"{top_h} level(s) and do not read as problems")
        for k in tops:
            _set(o, k, "section", "top items that hold only measures")
            _measures_of(o, k)
    _describe_levels(o)


def _set(o: Outline, k: int, role: str, why: str = "") -> None:
    o.nodes[k].role = role
    o.nodes[k].why = why


def _measures_of(o: Outline, k: int) -> None:
    for c in o.nodes[k].children:
        if not o.nodes[c].role:
            _set(o, c, "measure", "an item under a section")


def _problem(o: Outline, k: int, why: str) -> None:
    if not o.nodes[k].children:
        why += " (no numbered measures: the text after its heading is one)"
    _set(o, k, "problem", why)
    for c in o.nodes[k].children:
        _set(o, c, "measure", "an item under a problem category"
             + (" (with a list of its own)" if o.nodes[c].children else ""))


def _below_section(o: Outline, text: str, th: list[int], k: int) -> None:
    """Inside the section that holds the problem categories: aspects (three levels) or problem
    categories (two levels); items before them are measures of the section."""
    kids = [c for c in o.nodes[k].children if not o.nodes[c].inline]
    tall = [c for c in kids if th[c] >= 3]
    if tall:
        fams = {o.nodes[c].family for c in tall}
        _aspects(o, text, th, [c for c in kids if o.nodes[c].family in fams],
                 "items of the problem section that span three levels")
    else:
        fams = {o.nodes[c].family for c in kids if th[c] == 2}
        for c in kids:
            if o.nodes[c].family in fams:
                _problem(o, c, "items of the problem section that span two levels")
    _measures_of(o, k)


def _aspects(o: Outline, text: str, th: list[int], items: list[int], why: str) -> None:
    """Items that hold problem categories are aspects; an item among them that holds only measures and
    reads as a problem names a single problem and carries its measures itself."""
    for a in items:
        if th[a] >= 3:
            _set(o, a, "aspect", why)
            for c in o.nodes[a].children:
                if th[c] >= 2 or not o.nodes[c].inline and problem_like(heading(o, text, c)):
                    _problem(o, c, "an item of an aspect")
                elif not o.nodes[c].role:
                    _set(o, c, "measure", "an item of an aspect that is no problem category")
        elif problem_like(heading(o, text, a)) or o.nodes[a].children:
            _set(o, a, "aspect+problem", "an aspect that names a single problem and carries its measures")
            for c in o.nodes[a].children:
                _set(o, c, "measure", "an item under a problem category")


def _describe_levels(o: Outline) -> None:
    by: dict[tuple[int, str], list[int]] = {}
    for k, n in enumerate(o.nodes):
        by.setdefault((n.depth, n.family), []).append(k)
    o.levels = []
    for (depth, fam), ks in sorted(by.items(), key=lambda kv: (kv[0][0], kv[1][0])):
        roles = sorted({o.nodes[k].role for k in ks if o.nodes[k].role})
        whys = sorted({o.nodes[k].why for k in ks if o.nodes[k].why})
        o.levels.append(Level(depth, fam, ks, role="/".join(roles) or "—", reason="; ".join(whys)))


def render(o: Outline, text: str, width: int = 30) -> str:
    """The levels with their role and the reason, then the tree (for ``kg build -v``)."""
    lines = []
    for lv in o.levels:
        lines.append(f"level {lv.depth}  {lv.family:<5} {len(lv.nodes)} nodes  {lv.role}"
                     + (f"  ({lv.reason})" if lv.reason else ""))
    for note in o.notes:
        lines.append(f"note: {note}")
    for n in o.nodes:
        h = text[n.marker_start:n.head_end]
        h = h if len(h) <= width else h[:width] + "…"
        lines.append(f"{'  ' * n.depth}{h}  [{n.role or '—'}{', inline' if n.inline else ''}]"
                     + (f"  label {n.label}：" if n.label else ""))
    return "\n".join(lines)


__all__ = ["Node", "Level", "Outline", "build_outline", "assign_roles", "render", "heading", "problem_like",
           "paragraphs", "FAMILIES"]
