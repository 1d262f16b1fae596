"""Mentions of units/organisations, awards, activities and people, and stated figures.

``extract(text, report, issuer)`` returns ``(mentions, figures)``; every
``EntityMention.text`` equals ``text.text[span.start:span.end]``.

Rules combine jieba segmentation (with a user dictionary of general vocabulary of
the field, ``kg/lexicon/``) and regular expressions:

* organisations: a *unit head* (a word such as 委员会, 领导小组, 办公厅, 巡视组 or a
  noun ending in 部/司/处/厅/局/署/院/委/校/科/室/馆/站/队/办) and the name-like words left of
  it, up to a boundary word (成立, 发挥, 会同, 学习 …), a preposition, a list marker ((一), 1.)
  or punctuation. A level word (县, 市委) starts a name unless a place name precedes it; 和/与
  between two nouns stays inside a name (住房和城乡建设局); a name after 各/有关/所属 or starting
  with 基层/地方/直属单位 … names a class of units and is dropped;
* awards: words ending in 奖 (not 奖励/奖惩/评奖 …) or titles after 获评/荣获 ending
  in 样板支部/称号 …;
* activities: “quoted” names introduced by 开展/启动/实施/开设 … or followed by
  活动/专栏/行动/工程/计划 …, and unquoted 召开 …座谈会 / 启动 …工程;
* people: a role (党组书记、部长 …) followed by a 2–3 character name with a common
  surname;
* figures: a number (Arabic or Chinese) followed by a classifier or currency unit,
  skipping ordinals (第…), years and dates, phone numbers and set phrases: those of
  [set_phrases] (两个维护, 四种形态), dictionary words that go on after the classifier (四套班子,
  一次性), 一X一Y (一问题一台账), and 一 + classifier as an article (作为一项重大政治任务).

Text inside 《》 (document titles) is not searched for entities.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from kg.extract.lexicon import organs, roles, surnames, vocab
from kg.model import EntityMention, Figure, Report, Span, Text
from kg.extract.numerals import cn_number
from kg.extract.segment import cutter, segment

HAN = "\u4e00-\u9fff"
PUNCT = set("，。；：！？、,.;:!?（）()《》“”‘’\"'「」『』【】[]—-…·\n\r\t 　/")


SENTENCE_END_RE = re.compile(r"[。！？；\n]")


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences (split at 。！？； and line breaks)."""
    out = []
    start = 0
    for m in SENTENCE_END_RE.finditer(text):
        if m.end() - start > 1:
            out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


@lru_cache(maxsize=None)
def _bracket_re(open_: str, close: str) -> re.Pattern:
    return re.compile("[" + re.escape(open_ + close) + "\n]")


def bracket_spans(text: str, open_: str = "《", close: str = "》") -> list[tuple[int, int]]:
    """Outermost ``open_ … close`` spans (nesting aware, unclosed ones end at the line end)."""
    out = []
    depth = 0
    start = 0
    for m in _bracket_re(open_, close).finditer(text):
        i, ch = m.start(), m.group()
        if ch == open_:
            if depth == 0:
                start = i
            depth += 1
        elif ch == close and depth:
            depth -= 1
            if depth == 0:
                out.append((start, i + 1))
        elif ch == "\n" and depth:
            depth = 0
            out.append((start, i))
    return out


class _Mask:
    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def covers(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.spans[i][1] > start and self.spans[i][0] <= start




# --------------------------------------------------------------------------- organisations

NOUNISH = ("n", "nt", "nz", "ns", "nr", "nrfg", "nrt", "j", "l", "i", "vn", "an", "b", "a", "g", "ng", "eng", "x?")
STOP_FLAGS = ("p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "d", "r", "m", "q", "ad", "y", "e", "o",
              "t", "f", "zg", "mq", "df", "dg", "rr", "rz", "tg")


def _is_han(w: str) -> bool:
    return bool(w) and all("\u4e00" <= ch <= "\u9fff" for ch in w)


@lru_cache(maxsize=None)
def _suffix_index(section: str) -> tuple[frozenset[str], tuple[int, ...]]:
    """Words of a vocab section that are two or more characters long, and their lengths."""
    words = frozenset(w for w in vocab()[section] if len(w) >= 2)
    return words, tuple(sorted({len(w) for w in words}))


def _ends_with_any(w: str, section: str) -> bool:
    words, lengths = _suffix_index(section)
    return any(w[-n:] in words for n in lengths if n <= len(w))


@lru_cache(maxsize=None)
def _longest_first(section: str) -> tuple[str, ...]:
    """Words of a vocab section, longest first (ties in code point order)."""
    return tuple(sorted(vocab()[section], key=lambda x: (-len(x), x)))


WORD_CACHE = 1 << 17        # bound of the per-word caches below


@lru_cache(maxsize=WORD_CACHE)
def _head_of_word(w: str, f: str) -> bool | None:
    """Is a token ``(w, f)`` the last word of a unit name? ``None``: it depends on the token
    before (a one-character unit word such as 部 after a noun)."""
    v = vocab()
    if len(w) == 1 and w in SINGLE_UNIT_CHARS:
        return None
    if not _is_han(w) or w in v["not_units"] and w not in v["unit_heads"]:
        return w in v["unit_heads"]
    if w in v["unit_heads"] or w in organs() or TEAM_RE.fullmatch(w):
        return True
    if len(w) > 2 and _ends_with_any(w, "unit_heads"):
        return True
    if _ends_with_any(w, "not_units"):
        return False
    if len(w) >= 2 and w[-1] in v["unit_suffix_chars"] and f.startswith(("n", "j", "l", "i")) \
            and w not in v["boundary"]:
        return True
    return False


# one-character unit words that end a name after a noun (财务管理 + 部, 人事 + 科, 采购 + 办)
SINGLE_UNIT_CHARS = "部司处厅局署院科室馆站队办"


def _is_head(tok, prev) -> bool:
    head = _head_of_word(tok[2], tok[3])
    if head is not None:
        return head
    v = vocab()
    return prev is not None and len(prev[2]) >= 2 and _is_han(prev[2]) \
        and (prev[3].startswith(("n", "vn", "j", "l", "a")) or prev[2] in v["name_verbs"]) \
        and prev[2] not in v["boundary"] and prev[2] not in v["not_units"] and not _is_head_word(prev[2]) \
        and prev[2] not in organs()


@lru_cache(maxsize=WORD_CACHE)
def _is_head_word(w: str) -> bool:
    """Is ``w`` a unit word by itself (办公室, 党委 …), so that a unit character after it starts
    another word rather than ending a name (党委 + 办 is not a unit 党委办)?"""
    v = vocab()
    return w in v["unit_heads"] or (len(w) >= 2 and w[-1] in v["unit_suffix_chars"] and w not in v["not_units"])


# administrative levels: 省 市 县 区 乡 镇 start a name (县财政局, 市委组织部, 区委)
LEVEL_CHARS = "省市县区乡镇"
LEVEL_ORGANS = ("委", "政府", "纪委", "监委", "人大", "政协", "委员会")


@lru_cache(maxsize=WORD_CACHE)
def _starts_level(w: str) -> bool:
    """Does the token ``w`` open a unit name at an administrative level: a level character alone
    (县 in 县/财政局) or a level character and a unit word (县委, 市委党校, 市图书馆)?"""
    if not w or w[0] not in LEVEL_CHARS:
        return False
    if len(w) == 1:
        return True
    rest = w[1:]
    return rest in LEVEL_ORGANS or rest.startswith(("委", "纪委")) or _head_of_word(rest, "n") is True


PLACE_FLAGS = ("ns", "nr", "nrfg", "nrt", "nz")
PROPER_FLAGS = ("ns", "nr", "nz", "nt")


def _is_place(w: str, f: str) -> bool:
    """May the token ``(w, f)`` come before a level name (澜川 + 市委, 桐崖县 + 财政局)?"""
    return _is_han(w) and (f.startswith(PLACE_FLAGS) or w[-1] in LEVEL_CHARS) and w not in vocab()["boundary"]


ORDINAL_RE = re.compile(r"第[一二三四五六七八九十\d]+")
TEAM_NUMBER_RE = re.compile(r"[一二三四五六七八九十\d]+组")
TEAM_RE = re.compile(r"(?:巡视|巡察)[一二三四五六七八九十\d]+组")      # 巡察二组
TEAM_WORDS = ("巡视组", "巡视小组", "巡察组", "巡视", "巡察")


# a jieba token that glues a preposition, verb or classifier to a level or unit character
# (对区, 对局, 会同县, 个校): the two are cut apart, a name never starts with the first
GLUED_HEADS = ("对", "向", "与", "经", "由", "从", "在", "将", "把", "为", "同", "和", "及", "至", "会同", "列席",
               "学习", "个", "家", "所", "各", "我", "号", "本", "该", "其")
GLUED_TAILS = LEVEL_CHARS + "局院校厅处部委所"


def _unglue(t):
    """``[t]``, or the two tokens of a glued one: 对区 → 对/p + 区/n."""
    w = t[2]
    if len(w) >= 2 and w[-1] in GLUED_TAILS and w[:-1] in GLUED_HEADS:
        return [(t[0], t[1] - 1, w[:-1], "p"), (t[1] - 1, t[1], w[-1], "n")]
    return [t]


def _merge_tokens(toks):
    """Join 第N + 巡视组, and 驻 + unit, so that they walk as one token; cut glued tokens (对区)."""
    out = []
    i = 0
    if any(len(t[2]) >= 2 and t[2][-1] in GLUED_TAILS and t[2][:-1] in GLUED_HEADS for t in toks):
        toks = [x for t in toks for x in _unglue(t)]
    n_toks = len(toks)
    while i < n_toks:
        t = toks[i]
        w = t[2]
        if w[0] == "第" and i + 1 < n_toks and toks[i + 1][2] in TEAM_WORDS and ORDINAL_RE.fullmatch(w):
            n = toks[i + 1]
            end = n[1]
            word = w + n[2]
            j = i + 2
            if n[2] in ("巡视", "巡察") and j < n_toks and toks[j][2] in ("组", "小组"):
                end, word, j = toks[j][1], word + toks[j][2], j + 1
            elif n[2] in ("巡视", "巡察"):
                out.append(t)
                i += 1
                continue
            out.append((t[0], end, word, "n"))
            i = j
            continue
        if w in ("巡视", "巡察") and i + 1 < n_toks and TEAM_NUMBER_RE.fullmatch(toks[i + 1][2]):
            # 巡察 + 二组 → 巡察二组
            out.append((t[0], toks[i + 1][1], w + toks[i + 1][2], "n"))
            i += 2
            continue
        if w in ("纪检监察", "纪检") and i + 1 < n_toks and toks[i + 1][2] == "组":
            out.append((t[0], toks[i + 1][1], w + "组", "n"))
            i += 2
            continue
        out.append(t)
        i += 1
    return out


T_OK = {"青年", "少年", "老年", "中年", "少儿", "儿童"}


@lru_cache(maxsize=WORD_CACHE)
def _ends_name(w: str, f: str) -> bool:
    """Does a token ``(w, f)`` end a name on its left (a boundary word, a function word, a verb …)?"""
    v = vocab()
    if not _is_han(w) or w in v["boundary"] or w in v["strip_prefix"]:
        return True
    if len(w) > 2 and _ends_with_any(w, "boundary") and w not in v["unit_heads"]:
        return True
    if f.startswith(STOP_FLAGS) and w not in v["unit_heads"] and w not in T_OK:
        return True
    if f.startswith("v") and not f.startswith("vn") and w not in v["name_verbs"] \
            and w not in v["unit_heads"] and w not in organs():
        return True
    return False


LIST_MARKER_RE = re.compile(r"[一二三四五六七八九十\d]+")
NOTE_IN_PAREN_RE = re.compile(r"简称|下称|以下|含|下同")      # （以下简称中国工美协会）: a note, not part of a name


def _joins_names(toks, i: int, j: int) -> bool:
    """Is ``toks[j]`` (和 or 与) inside the unit name ending at ``toks[i]``: 住房和城乡建设局,
    发展和改革委员会, 采购与招标中心? The word before it is a noun that does not end a unit
    (not 宣传部和组织部), and at most four words follow it up to the unit word."""
    if j < 1 or not 1 <= i - j <= 4:
        return False
    w, f = toks[j - 1][2], toks[j - 1][3]
    v = vocab()
    if i - j == 1 and (toks[i][2] in v["unit_heads"] or toks[i][2] in organs()):
        return False        # 文学事业和作协: 作协 is a unit by itself
    if toks[j][2] == "与":
        ok_flag = f.startswith(("v", "n")) and j == i - 2
    else:
        ok_flag = f.startswith(("n", "vn", "j", "l")) or w in v["name_verbs"]
    return ok_flag and len(w) >= 2 and _is_han(w) and w not in v["boundary"] and w not in v["not_units"] \
        and not _is_head(toks[j - 1], None) and not _is_head_word(w) and not _starts_level(toks[j + 1][2])


def _walk_left(toks, i, text, max_tokens=10, max_chars=32, stop_at_award=False):
    """Index of the first token of the name whose last token is ``toks[i]``.

    A name starts at a list marker, verb, preposition or other boundary word; a level word
    (县, 市委) is its start unless a place name comes before it (澜川 + 市委); 驻 starts it unless
    the organ that sends the team comes before it (市纪委监委 + 驻 + …)."""
    v = vocab()
    j = i - 1
    first = i
    n = 0
    need_place = _starts_level(toks[i][2])
    while j >= 0 and n < max_tokens:
        w, f = toks[j][2], toks[j][3]
        if toks[i][1] - toks[j][0] > max_chars:
            break
        if need_place:
            if not (_is_place(w, f) or w[0] == "驻" or w == "中共"):
                break
            need_place = False
        if w == "）" or w == ")":
            # include a short parenthesis: 审核（读）委员会; not a list marker: （一）, (2)
            k = j - 1
            while k >= 0 and toks[k][2] not in ("（", "(") and j - k < 6:
                k -= 1
            if k >= 0 and toks[k][2] in ("（", "(") and k < j - 1 \
                    and not LIST_MARKER_RE.fullmatch(text[toks[k][1]:toks[j][0]]) \
                    and not NOTE_IN_PAREN_RE.search(text, toks[k][1], toks[j][0]):
                first = k
                j = k - 1
                n += 1
                continue
            break
        if w == "中共":
            first = j
            break
        if w[0] == "驻" and (w == "驻" or (len(w) == 2 and w[1] in vocab()["unit_suffix_chars"])):
            # 驻部纪检监察组; 中央纪委国家监委驻联络协调部纪检监察组
            first = j
            if j >= 1 and (_is_head(toks[j - 1], toks[j - 2] if j >= 2 else None) or toks[j - 1][2] in organs()):
                j -= 1
                n += 1
                continue
            break
        if ORDINAL_RE.fullmatch(w):
            # an ordinal inside a name: 市第一人民医院, 教工第一党支部
            first = j
            j -= 1
            n += 1
            continue
        if w in ("和", "与") and _joins_names(toks, i, j):
            first = j
            j -= 1
            continue
        if len(w) == 1 and w in LEVEL_CHARS:
            first = j
            need_place = True
            j -= 1
            n += 1
            continue
        if _ends_name(w, f):
            break
        if _starts_level(w):
            need_place = True
        if stop_at_award and (w.endswith("奖") or w in v["not_awards"]):
            break
        first = j
        j -= 1
        n += 1
    return first


UNIT_NAME_RE = re.compile(rf"[{HAN}（）()]+")


def _strip_prefix(text: str, start: int, end: int) -> int:
    """Start of ``text[start:end]`` without leading demonstratives (该, 本, 上述 …)."""
    prefixes = _longest_first("strip_prefix")
    name = text[start:end]
    while True:
        for p in prefixes:
            if name.startswith(p) and len(name) > len(p) + 1:
                start += len(p)
                name = text[start:end]
                break
        else:
            return start


def _organizations(text: str, toks) -> list[tuple[str, int, int, int, int]]:
    """Unit names ending in the tokens ``toks`` of ``text``: ``("organization", start, end,
    head start, head end)``; the caller drops those whose head is in a title or quote."""
    v = vocab()
    role_next = v["role_next"]
    out = []
    toks = _merge_tokens(toks)
    heads = [_is_head(t, toks[k - 1] if k else None) for k, t in enumerate(toks)]
    last = len(toks) - 1
    for i, t in enumerate(toks):
        if not heads[i]:
            continue
        if i < last:
            nxt = toks[i + 1][2]
            if heads[i + 1] and nxt not in role_next:
                continue          # the name goes on: 领导小组 + 办公室
            if nxt in role_next or nxt.startswith(("书记", "副书记")):
                continue
        if t[2] in organs():
            # an organ of the table is a whole name, at a level when one comes before it (市 + 国资委)
            first = _walk_left(toks, i, text) if i and len(toks[i - 1][2]) == 1 \
                and toks[i - 1][2] in LEVEL_CHARS else i
        else:
            first = _walk_left(toks, i, text)
        end = t[1]
        if first and toks[first - 1][2] in v["class_before"] and not toks[first][3].startswith(PROPER_FLAGS):
            continue              # 各单位, 有关部门, 所属企业党委: a class of units (not 所属中国工美…公司)
        if 1 < first and i < last and toks[first - 1][2] in ("（", "(") and toks[i + 1][2] in ("）", ")") \
                and heads[first - 2]:
            continue              # 部门党组（党委）: the other form of the unit before
        start = _strip_prefix(text, toks[first][0], end)
        name = text[start:end]
        if len(name) < 2 or name in v["generic_alone"] or name in v["not_units"] and name not in v["unit_heads"]:
            continue
        if _is_class_name(name) or not _single_unit_ok(toks, i, first):
            continue
        if not UNIT_NAME_RE.fullmatch(name):
            continue
        out.append(("organization", start, end, t[0], t[1]))
        paren = _second_name(toks, i, heads)
        if paren is not None:
            # 中央党校（国家行政学院）: one unit with its second name in brackets
            out.append(("organization", start, paren, t[0], t[1]))
    return out


NOT_AFTER_SINGLE_UNIT = ("领导", "领导班子", "班子", "干部", "处级", "科级", "局级", "级")


def _single_unit_ok(toks, i: int, first: int) -> bool:
    """Does a name ending in a one-character unit word (局, 办 …) or made of a verb and a class
    word hold up? Not 局 + 领导/处级 (局领导, 局处级: a rank), not 办 + a noun (经商办企业: a verb),
    not 驻 + one character alone (驻厅), not a verb before a class word (建设集团, 联系研究所)."""
    w = toks[i][2]
    nxt = toks[i + 1][2] if i + 1 < len(toks) else ""
    if len(w) == 1 and w in SINGLE_UNIT_CHARS:
        if nxt.startswith(NOT_AFTER_SINGLE_UNIT):
            return False
        if w == "办" and i + 1 < len(toks) and toks[i + 1][3].startswith("n"):
            return False
    v = vocab()
    if first == i - 1:
        prev = toks[first][2]
        if w in v["generic_alone"] and w not in v["unit_heads"] | {"委员会"} or w in CLASS_OBJECTS or w in TASK_GROUPS:
            if prev in v["name_verbs"] and prev not in ("纪检", "监察", "巡视", "巡察"):
                return False
    if first == i and w[0] == "驻" and len(w) == 2:
        return False
    return True


# groups named by their task alone (整改工作小组): every unit sets one up, none is a body
TASK_GROUPS = ("工作小组", "工作组", "专项工作组", "小组", "专班")
# class words that a verb takes as its object: 建设集团, 保障集团公司, 联系研究所
CLASS_OBJECTS = ("集团", "集团公司", "公司", "研究所", "研究院", "中心", "大学", "学院", "单位", "企业")


def _second_name(toks, i: int, heads: list[bool]) -> int | None:
    """End of ``（Y）`` right after the unit word ``toks[i]`` when Y is a unit name of its own
    (a short bracket of Han words ending in a unit word), else None."""
    if i + 2 >= len(toks) or toks[i + 1][2] not in ("（", "(") or _ends_name(toks[i + 2][2], toks[i + 2][3]):
        return None
    for k in range(i + 2, min(i + 8, len(toks))):
        w = toks[k][2]
        if w in ("）", ")"):
            return toks[k][1] if k > i + 2 and heads[k - 1] else None
        if not _is_han(w) or NOTE_IN_PAREN_RE.match(w):
            return None
    return None


@lru_cache(maxsize=WORD_CACHE)
def _is_class_name(name: str) -> bool:
    """Does a unit name name a class of units (基层作协, 地方协会, 乡镇党委, 直属单位纪委,
    全国省级作协), not one body? It starts with a word of [class_modifiers], after 全国/全省 …"""
    v = vocab()
    if name.startswith(("全国", "全省", "全市", "全县", "全区")) and _ends_with_any_prefix(name[2:], "class_modifiers"):
        return True
    return _ends_with_any_prefix(name, "class_modifiers") and name not in v["unit_heads"]


def _ends_with_any_prefix(name: str, section: str) -> bool:
    """Does ``name`` start with a word of a vocab section (and go on after it)?"""
    words, lengths = _word_index(section)
    return any(name[:n] in words for n in lengths if n < len(name))


# --------------------------------------------------------------------------- awards

# --------------------------------------------------------------------------- activities

NOT_ACTIVITY_AFTER = ("制度", "机制", "意识", "要求", "原则", "方针", "方向", "格局", "理念", "精神", "标准",
                      "现象", "作风", "效应", "通道", "审批", "培养模式", "自信", "责任", "清单")


def _ends_with_word(s: str, section: str) -> bool:
    """Does ``s`` end with a word of a vocab section (of any length)?"""
    words, lengths = _word_index(section)
    return any(s[-n:] in words for n in lengths if n <= len(s))


@lru_cache(maxsize=None)
def _word_index(section: str) -> tuple[frozenset[str], tuple[int, ...]]:
    """Non-empty words of a vocab section and their lengths."""
    words = frozenset(w for w in vocab()[section] if w)
    return words, tuple(sorted({len(w) for w in words}))


QUOTE_RE = re.compile(r"“([^“”\n]{2,30})”")
QUOTE_JOIN_RE = re.compile(r"[、和及与]?")
CLAUSE_SPLIT_RE = re.compile(r"[，。；：！？\n]")
NOT_ACTIVITY_PREFIXES = ("党", "专题", "巡视", "民主", "全面从严治党", "会议", "各", "有关", "相关")


@lru_cache(maxsize=1)
def _unquoted_activity_re() -> re.Pattern:
    """A verb of [activity_before] and a name ending in a word of [activity_heads]."""
    heads = "|".join(_longest_first("activity_heads"))
    verbs = "|".join(_longest_first("activity_before"))
    return re.compile(rf"(?:{verbs})([{HAN}]{{2,22}}?(?:{heads}))(?=[^{HAN}]|$)")


def _quote_groups(text: str) -> list[list[re.Match]]:
    """“Quoted” names, adjacent ones grouped: “A”“B”、“C”等活动."""
    groups: list[list[re.Match]] = []
    for m in QUOTE_RE.finditer(text):
        if groups and QUOTE_JOIN_RE.fullmatch(text, groups[-1][-1].end(), m.start()):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _introduced(clause: str) -> bool:
    """Does the clause before a quote end (up to 7 characters before its end) with an
    activity verb (开展, 启动实施 …)?"""
    for k in range(0, min(len(clause), 7) + 1):
        if _ends_with_word(clause[:len(clause) - k], "activity_before"):
            return True
    return False


def _activity_context(text: str, s: int, e: int, after: tuple[str, ...]) -> bool:
    """Is the quoted group at [s, e) an activity by its context (a verb before, a word after)?"""
    clause = CLAUSE_SPLIT_RE.split(text[max(0, s - 14):s])[-1]
    rest = text[e:e + 12]
    rest_wo = rest[1:] if rest.startswith("等") else rest
    ok_after = rest_wo.startswith(after) or rest.startswith(after)
    return ok_after or (_introduced(clause) and not rest_wo.startswith(NOT_ACTIVITY_AFTER))


def _activities(text: str, mask: _Mask) -> list[EntityMention]:
    out = []
    after = _longest_first("activity_after")
    for g in _quote_groups(text):
        s, e = g[0].start(), g[-1].end()
        named = [m for m in g if len(m.group(1)) >= 4 and _ends_with_word(m.group(1), "activity_heads")]
        if named and (mask.covers(s, e) or not _activity_context(text, s, e, after)):
            # “启航计划”, “澜川文旅大讲堂”: the name says it is an activity, in a title too
            out += [EntityMention("activity", m.group(1), Span(m.start(1), m.end(1))) for m in named]
            continue
        if mask.covers(s, e):
            continue
        if not _activity_context(text, s, e, after):
            continue
        for m in g:
            out.append(EntityMention("activity", m.group(1), Span(m.start(1), m.end(1))))
    # unquoted: 召开全国诗坛座谈会 / 启动…创作工程
    for m in _unquoted_activity_re().finditer(text):
        name = m.group(1)
        if mask.covers(m.start(1), m.end(1)) or len(name) < 5:
            continue
        if name.startswith(NOT_ACTIVITY_PREFIXES):
            continue
        out.append(EntityMention("activity", name, Span(m.start(1), m.end(1))))
    return out


# --------------------------------------------------------------------------- people

@lru_cache(maxsize=1)
def _person_re() -> re.Pattern:
    """Roles (joined by 、) followed by a name with a common surname."""
    rs = "|".join(roles())
    sn = "".join(sorted(s for s in surnames() if len(s) == 1))
    sn2 = "|".join(sorted(s for s in surnames() if len(s) == 2))
    after = "|".join(PERSON_AFTER)
    return re.compile(rf"((?:{rs})(?:、(?:{rs}))*)((?:{sn2}|[{sn}])[{HAN}]{{1,2}}?)(?=同志|[，、。；（(：]|{after})")


# what may follow a name after a role: 任, 担任 …, and the adverbs and verbs of what the person
# did (局长周敏牵头, 组长罗慧敏全程参与, 主席沈砚秋多次参与)
PERSON_AFTER = ("任", "担任", "兼", "为", "等", "牵头", "全程", "多次", "亲自", "主持", "带头", "带队", "率队",
                "参与", "参加", "负责", "分管", "督导", "召集", "先后", "专门", "深入", "听取")


def _people(text: str, mask: _Mask) -> list[EntityMention]:
    out = []
    names: dict[str, str] = {}
    for m in _person_re().finditer(text):
        name = m.group(2)
        if mask.covers(m.start(2), m.end(2)) or name.endswith(("同", "等", "任")) \
                or any(r in name for r in roles()) or name[1:].startswith(("副", "长", "同志")):
            continue
        role = m.group(1)
        out.append(EntityMention("person", name, Span(m.start(2), m.end(2)), role=role))
        names.setdefault(name, role)
    for name, role in names.items():
        for m in re.finditer(re.escape(name) + "同志", text):
            sp = Span(m.start(), m.start() + len(name))
            if not any(x.span == sp for x in out):
                out.append(EntityMention("person", name, sp, role=role))
    return out


# --------------------------------------------------------------------------- figures

CN_NUMERALS = "零〇一二两三四五六七八九十百千万"


@lru_cache(maxsize=1)
def _figure_re() -> re.Pattern:
    """A number, 余/多, and a unit of [figure_units] (longest first), 万/亿 in front of the unit
    included (4.2万套, 1.2万余批次: value 4.2, unit 万套)."""
    units = "|".join(re.escape(u) for u in _longest_first("figure_units"))
    num = rf"(\d+(?:\.\d+)?|[{CN_NUMERALS}]+)"
    # the lookahead (the first character of a number) lets the scan skip other characters fast
    return re.compile(rf"(?=[\d{CN_NUMERALS}]){num}(余|多)?((?:[万亿](?:余|多)?)?(?:{units}))")


@lru_cache(maxsize=1)
def _set_phrases() -> tuple[re.Pattern, int]:
    """The set phrases of [set_phrases] (一把手, 两个维护, 四种形态 …), longest first, and the
    length of the longest."""
    words = _longest_first("set_phrases")
    return re.compile("|".join(map(re.escape, words))), max(map(len, words))


# 一X一Y: a numeral repeated by design (一问题一台账, 一单一卡, 一人一档), not two counts
REPEATED_ONE_RE = re.compile(r"一(?![季年月周天日次])[\u4e00-\u9fff]{1,3}?一[\u4e00-\u9fff]{1,2}")
# 一 + classifier after a copula or 的 is an article: 作为一项重大政治任务, 的一次实践检验
ARTICLE_BEFORE = ("作为", "是", "为", "成为", "当作", "视为", "列为", "的", "这", "那")


def _in_set_phrase(text: str, i: int, end: int) -> bool:
    """Is the numeral at ``i`` (its classifier ending at ``end``) inside a set phrase: one of
    [set_phrases] (一方面, 八项规定, 两个维护 …), or a word of the dictionary that goes on after
    the classifier (四套班子, 一条龙, 一次性)?"""
    phrases, longest = _set_phrases()
    for k in range(max(0, i - longest + 1), i + 1):
        m = phrases.match(text, k)      # the longest phrase starting at k
        if m and m.end() > i:
            return True
    if text[i].isdigit():
        return False
    freq = cutter().freq
    return any(freq.get(text[i:j]) for j in range(end + 1, min(len(text), end + 3) + 1))


def _figures(text: str, quote_mask: _Mask, mask: _Mask) -> list[Figure]:
    out = []
    freq = cutter().freq
    repeated = _Mask([m.span() for m in REPEATED_ONE_RE.finditer(text)])
    for m in _figure_re().finditer(text):
        s, e = m.start(), m.end()
        prev = text[s - 1] if s else ""
        if prev in "第.-—－" or prev.isdigit() or prev in CN_NUMERALS:
            continue
        if quote_mask.covers(s, e) or mask.covers(s, e):
            continue
        raw, unit = m.group(1), m.group(3)
        if _in_set_phrase(text, s, e) or not raw[0].isdigit() and repeated.covers(s, e):
            continue
        if not raw[0].isdigit():
            if raw == "二" or raw == "一" and text.endswith(ARTICLE_BEFORE, max(0, s - 2), s):
                continue        # 二期 (a phase: a count says 两), 作为一项任务 (an article)
            # Chinese numerals only as counts: 两次, 十个; not 统一, 唯一, 之一
            if prev and "\u4e00" <= prev <= "\u9fff" and prev not in "共近约达有了和、余超逾至到是" \
                    and (freq.get(prev + raw[0]) or prev in "之逐唯统万单同专划"):
                continue
            if unit in ("方面", "类", "种", "批", "期", "处", "支", "节", "本", "套") and raw == "一":
                continue
        nxt = text[e:e + 1]
        if unit in ("个", "部", "处", "家", "所", "门", "期") and nxt in "月年日号版届":
            continue
        if unit == "个" and text.startswith("百分点", e):
            unit, e = "个百分点", e + 3
        value = cn_number(raw)
        if value is None:
            continue
        what = _what(text, s, e)
        out.append(Figure(value, unit, what, text[s:e], Span(s, e)))
    return out


_STOP_WHAT = "的和与及、已中均得在被为是将对从向并且其，。；：！？（）《》“”"
STOP_WHAT_RE = re.compile("[" + re.escape(_STOP_WHAT) + "]")
HAN_AFTER_RE = re.compile(rf"[{HAN}]{{1,8}}")
HAN_BEFORE_RE = re.compile(rf"[{HAN}]{{1,12}}$")


def _what(text: str, s: int, e: int) -> str:
    after = HAN_AFTER_RE.match(text, e)
    if after:
        w = after.group(0)
        stop = STOP_WHAT_RE.search(w)
        w = w[:stop.start()] if stop else w
        if len(w) >= 2:
            return w[:8]
    # the noun before: 专题会35次, 罚没款1.8亿元
    left = HAN_BEFORE_RE.search(text[max(0, s - 12):s])
    if not left:
        return ""
    toks = segment(left.group(0))
    for t in reversed(toks):
        if t[3].startswith(("n", "vn", "j", "l")) and len(t[2]) >= 2:
            return t[2]
    return ""


# --------------------------------------------------------------------------- where to segment
#
# jieba cuts each block of Han/alphanumeric characters on its own, and a name never reaches
# over the punctuation between two blocks (``_walk_left`` stops at it) except through a
# parenthesis: 审核（读）委员会. So only the blocks that can hold the last token of a name are
# segmented, and in a sentence with a parenthesis the runs of blocks no walk can leave.

PAREN_RE = re.compile(r"[（）()]")
BLOCK_RE = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)")     # = jieba.posseg.re_han_internal
NOT_BLOCK_RE = re.compile("[^\u4E00-\u9FD5a-zA-Z0-9+#&\\._]")


@lru_cache(maxsize=1)
def _name_end_res() -> tuple[re.Pattern, re.Pattern]:
    """What the last token of a unit or award name contains: a unit character (部, 处 …) or
    奖, or a word of [unit_heads] or of the organs table. The words are searched for in the
    reversed text, where a character class of their last characters starts the pattern."""
    chars = set(vocab()["unit_suffix_chars"]) | {"奖"}
    words = set()
    for w in vocab()["unit_heads"] | set(organs()):
        if not w or w[-1] in chars:
            continue                    # found by its last character
        if _is_han(w):
            words.add(w)
        else:
            # not a jieba token unless it is one character: found by it (``_blocks_at`` skips
            # other characters than those of blocks)
            chars.add(w[-1])
    char_re = re.compile("[" + re.escape("".join(sorted(chars))) + "]")
    reversed_words = sorted((w[::-1] for w in words), key=lambda x: (-len(x), x))
    words_re = re.compile("|".join(map(re.escape, reversed_words)) or "(?!)")
    return char_re, words_re


def _name_end_positions(text: str, reversed_text: str) -> list[int]:
    """Sorted offsets of unit characters, 奖, and (the first character of) unit words in ``text``.

    Every token that ends a unit or award name (``_head_of_word``, also after
    ``_merge_tokens``; a word ending with 奖) contains one of them, in the same block."""
    char_re, words_re = _name_end_res()
    out = [m.start() for m in char_re.finditer(text)]
    n = len(text)
    # a word overlapping one found is in the same block (both are Han): none is missed
    out += [n - m.end() for m in words_re.finditer(reversed_text)]
    out += [m.start() for m in TEAM_RE.finditer(text)]       # 巡察 + 二组 (merged into 巡察二组)
    return sorted(set(out))


def _blocks_at(text: str, reversed_text: str, positions: list[int]) -> list[tuple[int, int]]:
    """The blocks (``BLOCK_RE``) that hold one of the sorted ``positions``, in text order."""
    n = len(text)
    out = []
    end = -1
    for p in positions:
        if p < end or NOT_BLOCK_RE.match(text, p):
            continue
        m = NOT_BLOCK_RE.search(text, p)
        end = m.start() if m else n
        m = NOT_BLOCK_RE.search(reversed_text, n - p)      # the gap before p, read backwards
        out.append((n - m.start() if m else 0, end))
    return out


def _name_runs(text: str, sents: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of ``text`` to segment and search for unit and award names, in text order."""
    reversed_text = text[::-1]
    positions = _name_end_positions(text, reversed_text)
    parens = [m.start() for m in PAREN_RE.finditer(text)]
    with_parens = _sentences_with(sents, parens)
    out: list[tuple[int, int]] = []
    for s, e in with_parens:
        blocks = [m.span() for m in BLOCK_RE.finditer(text, s, e)]
        hit = [_any_in(positions, a, b) for a, b in blocks]
        out += _paren_runs(text, (s, e), blocks, hit, parens)
    starts = [s for s, _ in with_parens]
    for a, b in _blocks_at(text, reversed_text, positions):
        k = bisect.bisect_right(starts, a) - 1
        if k < 0 or a >= with_parens[k][1]:         # not in a sentence with a parenthesis
            out.append((a, b))
    return sorted(out)


def _any_in(positions: list[int], start: int, end: int) -> bool:
    """Is one of the sorted ``positions`` in ``[start, end)``?"""
    i = bisect.bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


def _sentences_with(sents: list[tuple[int, int]], positions: list[int]) -> list[tuple[int, int]]:
    """The sentences (sorted spans) that contain one of the sorted ``positions``."""
    out = []
    starts = [s for s, _ in sents]
    for p in positions:
        k = bisect.bisect_right(starts, p) - 1
        if k >= 0 and p < sents[k][1] and (not out or out[-1] != sents[k]):
            out.append(sents[k])
    return out


def _paren_runs(text: str, sentence: tuple[int, int], blocks: list[tuple[int, int]], hit: list[bool],
                parens: list[int]) -> list[tuple[int, int]]:
    """Runs of the ``blocks`` of a sentence cut at the gaps no walk crosses (``_separates``),
    those with a block that can end a name (``hit``). The first run starts with the sentence
    (an opening parenthesis before the first block may belong to a name)."""
    out = []
    run_start, end = sentence
    found = False
    for k, (s, e) in enumerate(blocks):
        if run_start is None:
            run_start = s
        found = found or hit[k]
        if k + 1 < len(blocks) and not _separates(text, (e, blocks[k + 1][0]), end, parens):
            continue
        if found:
            out.append((run_start, e))
        run_start, found = None, False
    return out


def _separates(text: str, gap: tuple[int, int], end: int, parens: list[int]) -> bool:
    """Does no walk to the left cross the ``gap`` between two blocks of a sentence ending at ``end``?

    A walk goes over punctuation only from a closing parenthesis back to the nearest opening
    one (at most 5 tokens back), then on to the left. It cannot reach over a gap without
    parentheses when the first parenthesis after the gap in the sentence opens (or there is
    none). ``parens``: sorted offsets of the parentheses of the text."""
    gap_start, gap_end = gap
    i = bisect.bisect_left(parens, gap_start)
    if i == len(parens) or parens[i] >= end:
        return True
    if parens[i] < gap_end:
        return False            # a parenthesis in the gap
    return text[parens[i]] in "（("


@lru_cache(maxsize=1 << 15)
def _names_in_run(run: str) -> tuple[tuple[str, int, int, int, int], ...]:
    """Unit and award names of a span of ``_name_runs``: ``(kind, start, end, head start,
    head end)`` relative to it (a pure function of its text: many recur from report to report)."""
    toks = segment(run)
    return tuple(_organizations(run, toks) + _awards_only_tokens(run, toks))


# --------------------------------------------------------------------------- API

def _dedupe(mentions: list[EntityMention], text: str) -> list[EntityMention]:
    """Sort, drop exact duplicates and mentions inside a longer one of the same kind, except a
    unit before a numbered branch of it (汀州市公路建设有限公司 in …有限公司第一党支部)."""
    ms = sorted({(m.span.start, -m.span.end, m.kind, m.text, m.role or ""): m for m in mentions}.values(),
                key=lambda m: (m.span.start, -m.span.end, m.kind))
    out: list[EntityMention] = []
    for m in ms:
        # inside (or equal to) a mention of the same kind among the last ones kept
        if any(o.kind == m.kind and m.span in o.span
               and not (m.kind == "organization" and o.span.start == m.span.start and o.span.end > m.span.end
                        and ORDINAL_RE.match(text, m.span.end))
               for o in out[-8:]):
            continue
        out.append(m)
    return sorted(out, key=lambda m: (m.span.start, m.span.end, m.kind))


# a breadcrumb line (首页 > 新闻中心 > 通知公告): page furniture, not the report's units
PAGE_FURNITURE_RE = re.compile(r"^(?:首页|当前位置|您的位置|您现在的位置|网站首页)[^\n]*?[>＞»›〉][^\n]*$", re.M)
# an address up to its house number (北京市东城区美术馆后街56号): places and streets, not units
ADDRESS_RE = re.compile(r"(?:通信地址|通讯地址|联系地址|地址)[:：][^；;。，\n]{0,40}?\d+号")


def extract(text: Text, report: Report | None = None, issuer: str = "") -> tuple[list[EntityMention], list[Figure]]:
    """Entity mentions (organization, award, activity, person) and stated figures of ``text``."""
    src = text.text
    title_spans = bracket_spans(src)
    titles = _Mask(title_spans)
    quote_spans = bracket_spans(src, "“", "”")
    quotes = _Mask(quote_spans)
    no_orgs = _Mask(title_spans + quote_spans + [m.span() for m in PAGE_FURNITURE_RE.finditer(src)]
                    + [m.span() for m in ADDRESS_RE.finditer(src)])
    mentions: list[EntityMention] = []
    for s, e in _name_runs(src, sentences(src)):
        for kind, a, b, ha, hb in _names_in_run(src[s:e]):
            if not (no_orgs if kind == "organization" else titles).covers(s + ha, s + hb):
                mentions.append(EntityMention(kind, src[s + a:s + b], Span(s + a, s + b)))
    mentions += _awards_regex(src, titles)
    mentions += _activities(src, titles)
    mentions += _people(src, titles)
    awards = [m.span for m in mentions if m.kind == "award"]
    mentions = [m for m in mentions if m.kind != "organization"
                or not any(a.start < m.span.end and m.span.start < a.end for a in awards)]
    figures = sorted(set(_figures(src, quotes, titles)), key=lambda f: (f.span.start, f.span.end))
    for m in mentions:
        assert src[m.span.start:m.span.end] == m.text
    return _dedupe(mentions, src), figures


GRADE_RE = re.compile(r"[一二三特]等奖")


def _awards_only_tokens(text: str, toks) -> list[tuple[str, int, int, int, int]]:
    """Award names ending in a token ``…奖`` of ``toks``: ``("award", start, end, token start,
    token end)``; the caller drops those whose token is in a title."""
    v = vocab()
    out = []
    for i, t in enumerate(toks):
        w = t[2]
        if not w.endswith("奖") or w in v["not_awards"] or GRADE_RE.fullmatch(w):
            continue
        k = i
        if w == "奖" and i and _is_han(toks[i - 1][2]) and toks[i - 1][2] not in v["boundary"]:
            k = i - 1       # 丰收 + 奖, 进步 + 奖: the word before a bare 奖 is part of the name
        first = min(k, _walk_left(toks, k, text, stop_at_award=True))
        start = toks[first][0]
        if t[1] - start < 3:
            continue
        out.append(("award", start, t[1], t[0], t[1]))
    return out


@lru_cache(maxsize=1)
def _award_re() -> re.Pattern:
    """A verb of [award_before] and a title ending in a word of [award_suffix] (not 奖 alone)."""
    before = "|".join(_longest_first("award_before"))
    suffix = "|".join(sorted((s for s in vocab()["award_suffix"] if s != "奖"), key=lambda x: (-len(x), x)))
    # the title may be quoted (被评为“全市先进基层党组织”) and followed by its grade (…丰收奖二等奖)
    return re.compile(rf"(?:{before})“?([{HAN}]{{2,24}}?(?:{suffix}))(?=[^{HAN}]|$|称号|[一二三特]等奖|金奖|银奖|铜奖)")


def _awards_regex(text, mask):  # noqa: D103 (see _award_re)
    out = []
    for m in _award_re().finditer(text):
        if mask.covers(m.start(1), m.end(1)):
            continue
        out.append(EntityMention("award", m.group(1), Span(m.start(1), m.end(1))))
    return out
