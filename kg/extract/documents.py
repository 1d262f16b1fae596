"""Documents: every 《…》 in the text, typed, with the action taken on it.

Kinds: ``regulation`` (the unit's own rules), ``external`` (central regulations and
laws), ``publication`` (books, compilations, yearbooks), ``periodical`` (newspapers,
journals). Actions: enact revise issue enforce abolish study compile cite.

A title under a negated verb (未制定《…》, 尚未修订《…》, 没有执行《…》) was not acted on: its
action is ``cite`` and the mention is ``negated``.

>>> from kg.extract.reading import read_bytes
>>> t = read_bytes("研究制定《某某协会调研工作办法》，重温《中国共产党党组工作条例》。".encode(), "x")
>>> [(d.title, d.kind, d.action) for d in find_documents(t, issuer="中共某某协会党组")]
[('某某协会调研工作办法', 'regulation', 'enact'), ('中国共产党党组工作条例', 'external', 'study')]
"""
from __future__ import annotations

import re
from itertools import islice

from kg.extract.lexicon import committee_place, issuer_parts
from kg.model import DocumentMention, Span, Text


# Action verbs. In a chain of verbs before a title (修订完善, 研究制定, 编印下发, 建立健全) the first
# verb is the action: 修订完善 → revise, 编印下发 → compile, 建立完善 → enact.
ACTION_VERBS: list[tuple[str, tuple[str, ...]]] = [
    ("abolish", ("废止", "废除", "撤销")),
    ("revise", ("修订", "修改", "修正", "完善")),
    ("enact", ("制定", "新建", "制订", "起草", "建立")),
    ("compile", ("编印", "编撰", "汇编", "出版", "编选", "编写", "编纂", "编制")),
    ("issue", ("出台", "印发", "下发", "颁布", "发布", "转发")),
    ("enforce", ("执行", "落实")),
    ("study", ("学习", "重温", "研读", "研学", "传达")),
]
_VERB_RE = re.compile("|".join(sorted((v for _, vs in ACTION_VERBS for v in vs), key=len, reverse=True)))
_ACTION_OF = {v: a for a, vs in ACTION_VERBS for v in vs}
# Words that start a central (external) document's title.
EXTERNAL_PREFIXES = ("中国共产党", "中共中央", "中华人民共和国", "国务院", "党中央", "全国人民代表大会",
                     "党政领导干部", "关于新形势下", "新时代", "中央")
# Organs whose mention right before a title marks the document as theirs (external).
EXTERNAL_ISSUERS = ("中央", "中共中央", "国务院", "中办", "国办", "中组部", "中宣部", "中纪委", "中央纪委",
                    "教育部", "财政部", "审计署", "国家")
PERIODICAL_SUFFIXES = ("日报", "晚报", "报", "学报", "杂志", "周刊", "月刊", "半月刊", "期刊", "画报")
PUBLICATION_MARKERS = ("选编", "摘编", "汇编", "文集", "诗文集", "文选", "选集", "全集", "选读", "蓝皮书", "白皮书",
                       "年鉴", "手册", "读本", "简史", "问答", "辞典", "词典", "教材", "之歌", "谈治国理政",
                       "学习纲要", "论述摘编", "故事", "丛书", "画册")
REGULATION_SUFFIXES = ("条例", "规定", "办法", "细则", "准则", "意见", "制度", "规则", "方案", "清单", "职责",
                       "流程", "规程", "纲要", "计划", "决定", "通知", "法", "规划", "标准", "指引", "指南",
                       "守则", "措施", "机制", "要点")
PERIODICAL_CONTEXT = ("刊发", "刊登", "专栏", "栏目", "发表", "报刊", "媒体", "版面", "刊物")
# right before a title: 会刊《…》, 内刊《…》; right after it: 《…》刊发, 《…》开设…专栏
PERIODICAL_BEFORE_RE = re.compile(r"(?:会刊|内刊|院刊|校刊|馆刊|报刊|期刊|杂志|刊物|学报)$")
PERIODICAL_AFTER_RE = re.compile(r"^(?:上|等)?(?:刊发|刊登|刊载|发表|登载|开设|开辟|设立)")
# words of rules: a compilation of them (汇编《某某局规章制度汇编》) is the unit's regulation
RULE_WORDS = ("制度", "规章", "内部控制", "内控", "办法", "规定", "细则")
# set phrases that hold a rule word without naming rules (违反中央八项规定精神典型案例通报汇编)
RULE_SET_PHRASES_RE = re.compile(r"八项规定")
# what a compilation compiles is named right before 汇编/选编: 规章制度汇编 (rules), 典型案例通报汇编 (not)
COMPILED_RULES_RE = re.compile(r"(?:" + "|".join(RULE_WORDS) + r")(?:文件|资料)?(?:汇编|选编)")
COMPILATION_RE = re.compile(r"汇编|选编")
# a version or edition after a title (（试行）, （2023年版）): a short form leaves it out
TRAILING_NOTE_RE = re.compile(r"[（(][^（）()]*[）)]$")
# a negation before the verb of a title: 未制定, 尚未修订, 没有执行, 长期未修订 (not 未来)
NEGATION_RE = re.compile(r"(?:未(?!来|成年)|没有|没(?!收)|不(?=执行|落实|遵守|按照))")
# a short form defined in the text: 中国工艺美术传承人协会（以下简称中国工美协会）
DEFINED_SHORT_RE = re.compile(r"[（(](?:以下简称|下称|简称)[“\"]?([\u4e00-\u9fff]{2,16})[”\"]?[）)]")
# after a title, in its clause: it was not issued yet (《…》，目前正在征求意见，尚未印发)
NOT_DONE_AFTER_RE = re.compile(r"^[^。；;《]{0,40}?(?:(?:尚未|未|没有)(?:正式)?(?:印发|出台|制定|制订|修订|发布)"
                               r"|正在(?:起草|征求意见))")
# a problem named by a negated title (针对…尚未修订《…》问题，已于6月完成修订): the frame, then the
# completion later in the sentence
PROBLEM_FRAME_RE = re.compile(r"(?:针对|对)[^，,]*$")
PROBLEM_AFTER_RE = re.compile(r"^[^。；;，,《]{0,8}?问题")
COMPLETED_RE = re.compile(r"已[^。；;，,《]{0,12}?(?:完成)?(修订|修改|制定|制订|出台|印发)")
# the place a unit's full name starts with (江陵省…, 桐崖县…): its own titles may start with it + a short form
PLACE_PREFIX_RE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:自治区|省|市|县|区|州|旗|镇|乡)")
LIST_GLUE = re.compile(r"^[、，,和及与以及\s]*$")
BACK_REFERENCE_SCAN = 64     # a short form refers to one of the last titles named with its ending
TITLE_MAX = 100              # a document title is at most this long (the longest seen: 40 characters)
_BRACKET_RE = re.compile("[《〈》〉\n]")


def _titles(text: str) -> list[tuple[int, int, int, int]]:
    """(depth, start, end, parent) of every 《…》 and nested 〈…〉/《…》 whose title is at most
    ``TITLE_MAX`` characters long, ``end`` after the closing bracket, ``parent`` the start of the
    title around it (-1 when none); ``depth`` counts the titles around it. A longer pair of brackets
    is no title (the titles inside it are then top-level). Linear in the text (and n·log n to sort):
    the titles around a title are at most ``TITLE_MAX`` // 2 deep."""
    pairs: list[tuple[int, int, int]] = []      # start, end, start of the bracket around it (-1)
    stack: list[tuple[str, int]] = []
    for m in _BRACKET_RE.finditer(text):
        i, ch = m.start(), m.group()
        if ch in "《〈":
            if ch == "〈" and not stack:
                continue    # a lone 〈 outside 《》 is not a title here
            stack.append((ch, i))
        elif ch in "》〉" and stack:
            opener, start = stack.pop()
            if (opener == "《") != (ch == "》"):
                stack.clear()
                continue
            if i - start - 1 <= TITLE_MAX:
                pairs.append((start, i + 1, stack[-1][1] if stack else -1))
        elif ch == "\n":
            stack.clear()
    pairs.sort()
    depth: dict[int, int] = {}
    out: list[tuple[int, int, int, int]] = []
    for start, end, around in pairs:
        # the bracket around a title is a title too unless it is too long (then so is every one around it)
        parent = around if around in depth else -1
        depth[start] = depth[parent] + 1 if parent >= 0 else 0
        out.append((depth[start], start, end, parent))
    return out


def _clause_before(text: str, start: int, limit: int = 40) -> str:
    lo = max(0, start - limit)
    seg = text[lo:start]
    cut = max(seg.rfind(c) for c in "。；;：:\n")
    return seg[cut + 1:]


def _negated(part: str) -> bool:
    """Is the verb chain ``part`` right before a title negated (未制定, 尚未修订, 没有执行)?
    A negation counts within the last 8 characters before the title."""
    return NEGATION_RE.search(part[-8:]) is not None


def _action(text: str, start: int, end: int, prev: DocumentMention | None) -> tuple[str, bool]:
    """Action on the document at [start, end) read from the verbs before it (or 执行情况 after it),
    and whether the verb is negated (then the action is ``cite``)."""
    if prev is not None and LIST_GLUE.match(text[prev.span.end:start]):
        return prev.action, prev.negated
    clause = _clause_before(text, start)
    # the verb chain right before the title: last clause part after a comma, without modifiers
    part = re.split(r"[，,]", clause)[-1]
    if _negated(part):
        return _completed_after(text, end, part) or ("cite", True)
    if NOT_DONE_AFTER_RE.match(text[end:end + 48]):
        return "cite", True
    first = _VERB_RE.search(part)
    best = _ACTION_OF[first.group(0)] if first else None
    after = text[end:end + 20]
    if re.match(r"^(?:等[\u4e00-\u9fff]{0,6})?(?:执行情况|的执行|落实情况)", after):
        return "enforce", False
    return best or "cite", False


def _completed_after(text: str, end: int, part: str) -> tuple[str, bool] | None:
    """A negated title that names a problem (针对…尚未修订《…》问题) takes its action from a completion
    later in the same sentence (已于6月完成修订 → revise); None when there is none."""
    if not PROBLEM_FRAME_RE.search(part) or not PROBLEM_AFTER_RE.match(text[end:end + 10]):
        return None
    rest = text[end:end + 80]
    m = COMPLETED_RE.search(rest[:rest.find("。")] if "。" in rest else rest)
    return (_ACTION_OF[m.group(1)], False) if m else None


def _is_issuer_title(title: str, issuer_names: list[str]) -> bool:
    return any(title.startswith(n) for n in issuer_names if n)


def issuer_names(issuer: str) -> list[str]:
    """Names a unit's own documents start with: 中共中国作家协会党组 → 中国作家协会, 中国作协, …

    >>> issuer_names("中共江淮理工大学委员会")[:3]
    ['中共江淮理工大学委员会', '江淮理工大学', '江淮理工大学党委']
    """
    names = [issuer]
    core, _ = issuer_parts(issuer)
    if core:
        names += [core, core + "党委", core + "党组"]
    place = committee_place(issuer)
    if place:   # 中共桐崖县委: 桐崖县委, and the county's own rules 桐崖县…
        names += [place + "委", place]
    m = re.match(r"中国(.+?)协会$", core)
    if m:   # 中国作家协会 ↔ 中国作协
        names.append(f"中国{m.group(1)[0]}协")
    return [n for n in dict.fromkeys(names) if len(n) >= 2]


def _kind(title: str, action: str, context: str, issuer_titles: list[str], group_kind: str | None,
          after: str = "") -> str:
    bare = re.sub(r"[（(][^）)]*[）)]$", "", title)
    if bare.endswith(PERIODICAL_SUFFIXES) and not bare.endswith(REGULATION_SUFFIXES[:-1] + ("情况通报", "通报")):
        return "periodical"
    if group_kind == "periodical":
        return "periodical"
    publication = any(w in bare for w in PUBLICATION_MARKERS) or action == "compile"
    if not publication and not bare.endswith(REGULATION_SUFFIXES) \
            and (PERIODICAL_BEFORE_RE.search(context) or PERIODICAL_AFTER_RE.match(after)):
        return "periodical"     # 会刊《中国工美》; 在《某某农业科学》开设专栏
    if publication and _names_rules(bare) and not title.startswith(EXTERNAL_PREFIXES) \
            and (action == "compile" or _is_issuer_title(title, issuer_titles)):
        return "regulation"     # 汇编《某某局规章制度汇编》: the unit's own rules, compiled
    if publication:
        return "publication"
    if _is_issuer_title(title, issuer_titles):
        return "regulation"
    if not bare.endswith(REGULATION_SUFFIXES) and any(w in context for w in PERIODICAL_CONTEXT):
        return "periodical"
    if title.startswith(EXTERNAL_PREFIXES) or re.search("(?:" + "|".join(EXTERNAL_ISSUERS) + ")$", context):
        return "external"
    if action in ("enact", "revise", "issue", "abolish"):
        return "regulation"
    return "external"


def _names_rules(bare: str) -> bool:
    """Does the publication title ``bare`` compile rules? A compilation (汇编, 选编) is judged by the words
    right before that word (规章制度汇编: yes; 典型案例通报汇编: no), another one by any rule word outside
    set phrases such as 八项规定."""
    words = RULE_SET_PHRASES_RE.sub("", bare)
    if COMPILATION_RE.search(words):
        return COMPILED_RULES_RE.search(words) is not None
    return any(w in words for w in RULE_WORDS)


def _tail(title: str) -> str:
    """The last two characters of ``title`` without a trailing （…） (《…工作条例（试行）》 → 条例): what
    a short form (《条例》) ends with."""
    return TRAILING_NOTE_RE.sub("", title)[-2:] or title[-2:]


def _is_subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(ch in it for ch in short)


def find_documents(t: Text, issuer: str = "") -> list[DocumentMention]:
    """All document mentions in reading order, nested ones included, back-references resolved."""
    text = t.text
    own = issuer_names(issuer) if issuer else []
    if own:
        own += _defined_short_names(text, own)
    out: list[DocumentMention] = []
    # for back-references: the titles named so far by their last two characters, most recent last
    # (the last BACK_REFERENCE_SCAN of them are tried), and the first mention of each title
    by_tail: dict[str, dict[str, None]] = {}
    first_of: dict[str, DocumentMention] = {}
    prev_outer: DocumentMention | None = None
    canonical_at: dict[int, str] = {}      # start of a title → its canonical title
    for depth, start, end, around in _titles(text):
        title = text[start + 1:end - 1]
        if not title.strip():
            continue
        parent = canonical_at.get(around) if depth > 0 else None
        action, negated = ("cite", False) if depth > 0 else _action(text, start, end, prev_outer)
        canonical = title
        # a short back-reference (《规划纲要》, 《条例》, 《规定》) to a full title named before
        recent = by_tail.get(_tail(title), {})
        for full in islice(reversed(recent), BACK_REFERENCE_SCAN):
            if len(title) < len(full) and _is_subsequence(title, full) and len(title) <= 0.7 * len(full):
                canonical = full
                break
        ctx = _clause_before(text, start, 20)
        group_kind = None
        if prev_outer is not None and depth == 0 and LIST_GLUE.match(text[prev_outer.span.end:start]):
            group_kind = prev_outer.kind if prev_outer.kind == "periodical" else None
        alias_of = first_of.get(canonical) if canonical != title else None
        if alias_of is not None:
            kind = alias_of.kind
        else:
            kind = _kind(title, action, ctx, own, group_kind, text[end:end + 12]) if depth == 0 \
                else _nested_kind(title, own)
        dm = DocumentMention(title=title, canonical=canonical, kind=kind, action=action,
                              span=Span(start, end), title_span=Span(start + 1, end - 1), parent=parent,
                              negated=negated)
        out.append(dm)
        canonical_at[start] = canonical
        first_of.setdefault(canonical, dm)
        recent = by_tail.setdefault(_tail(canonical), {})
        recent.pop(canonical, None)
        recent[canonical] = None
        if depth == 0:
            prev_outer = dm
    # A title first typed from weak evidence takes the kind of its strongest mention.
    rank = {"regulation": 3, "publication": 2, "periodical": 2, "external": 1}
    best: dict[str, str] = {}
    for d in out:
        if rank[d.kind] > rank.get(best.get(d.canonical, ""), 0):
            best[d.canonical] = d.kind
    for d in out:
        d.kind = best[d.canonical]
    return out


def _defined_short_names(text: str, own: list[str]) -> list[str]:
    """Short forms the text defines for the issuer or its body: …协会（以下简称中国工美协会）."""
    out = []
    for m in DEFINED_SHORT_RE.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        full = next((n for n in own if n and before.endswith(n)), None)
        if full is None:
            continue
        short = m.group(1)
        out.append(short)
        place = PLACE_PREFIX_RE.match(full)
        if place and place.group(0) != full:    # 江陵省文学艺术界联合会（以下简称省文联） → 江陵省文联
            p = place.group(0)
            out.append(p[:-1] + short if short[0] == p[-1] else p + short)
    return out


def _nested_kind(title: str, own: list[str]) -> str:
    """A title nested in another (贯彻〈…〉的实施意见) is the document being implemented."""
    return "regulation" if _is_issuer_title(title, own) else "external"
