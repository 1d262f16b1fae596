"""Tokens → unit and organisation names.

``_organizations(text, toks)`` takes a span of text and its jieba tokens and returns
``("organization", start, end, head start, head end)`` for every name that ends in a unit head (委员会,
领导小组, a noun ending in 部/司/处 …): which token is a head (``_head_of_word``, ``_is_head``), the walk left
to the name's start (``_walk_left``, which awards use too; past a verb inside a name with
``_past_verb``: 疾病预防控制中心), and the checks that drop a class of units (各单位, 基层作协,
11个党支部), a rank (局领导), a verb and a class word (建设集团) or a host cut from a sent body (驻集团公司).
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.lexicon import organs, roles, vocab
from kg.extract.mentions.common import HAN, _is_han, _longest_first, _word_index
from kg.extract.segment import segment


NOUNISH = ("n", "nt", "nz", "ns", "nr", "nrfg", "nrt", "j", "l", "i", "vn", "an", "b", "a", "g", "ng", "eng", "x?")
STOP_FLAGS = ("p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "d", "r", "m", "q", "ad", "y", "e", "o",
              "t", "f", "zg", "mq", "df", "dg", "rr", "rz", "tg")


@lru_cache(maxsize=None)
def _suffix_index(section: str) -> tuple[frozenset[str], tuple[int, ...]]:
    """Words of a vocab section that are two or more characters long, and their lengths."""
    words = frozenset(w for w in vocab()[section] if len(w) >= 2)
    return words, tuple(sorted({len(w) for w in words}))


def _ends_with_any(w: str, section: str) -> bool:
    words, lengths = _suffix_index(section)
    return any(w[-n:] in words for n in lengths if n <= len(w))


WORD_CACHE = 1 << 17        # bound of the per-word caches below


@lru_cache(maxsize=WORD_CACHE)
def _head_of_word(w: str, f: str) -> bool | None:
    """Is a token ``(w, f)`` the last word of a unit name? ``None``: it depends on the token
    before (a one-character unit word such as 部 after a noun)."""
    v = vocab()
    if len(w) == 1 and w in SINGLE_UNIT_CHARS:
        return None
    if len(w) == 3 and w[0] in OWN_OFFICES and w[1:] == "机关":
        return True               # 部机关, 局机关: the unit's own offices
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


# one-character unit words that end a name after a noun (财务管理 + 部, 人事 + 科, 采购 + 办, 立案 + 庭,
# 人事 + 股: the section of a county bureau)
SINGLE_UNIT_CHARS = "部司处厅局署院科室馆站队办股庭所"
# one-character unit words joined to a following 机关 (部机关: the ministry's own offices)
OWN_OFFICES = "部局厅委"


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


@lru_cache(maxsize=WORD_CACHE)
def _role_tail(w: str) -> int:
    """Length of the role word (组长, 主任 …) that ends ``w`` after a unit word (纪检监察组 + 组长),
    0 when ``w`` is not a unit word glued to a role."""
    for r in sorted(roles(), key=len, reverse=True):
        if len(w) > len(r) and w.endswith(r) and _head_of_word(w[:-len(r)], "n"):
            return len(r)
    return 0


def _unglue_role(t):
    """``[t]``, or a unit word and the role glued to it: 纪检监察组组长 → 纪检监察组/n + 组长/n."""
    n = _role_tail(t[2]) if _is_han(t[2]) else 0
    if not n:
        return [t]
    return [(t[0], t[1] - n, t[2][:-n], "n"), (t[1] - n, t[1], t[2][-n:], "n")]


def _merge_tokens(toks):
    """Join 第N + 巡视组, and 驻 + unit, so that they walk as one token; cut glued tokens (对区,
    纪检监察组组长)."""
    out = []
    i = 0
    if any(len(t[2]) >= 2 and t[2][-1] in GLUED_TAILS and t[2][:-1] in GLUED_HEADS for t in toks):
        toks = [x for t in toks for x in _unglue(t)]
    toks = [x for t in toks for x in _unglue_role(t)]
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
        if w in OWN_OFFICES and len(w) == 1 and i + 1 < n_toks and toks[i + 1][2] == "机关":
            out.append((t[0], toks[i + 1][1], w + "机关", "n"))     # 部 + 机关
            i += 2
            continue
        if w.endswith("会议") and len(w) > 2 and i + 1 < n_toks and toks[i + 1][2] == "事":
            # 办公会议 + 事 → 办公会 + 议事 (院长办公会议事规则)
            out.append((t[0], t[1] - 1, w[:-1], "n"))
            out.append((t[1] - 1, toks[i + 1][1], "议事", "vn"))
            i += 2
            continue
        if w == "委" and out and _joins_wei(out[-1]):
            p = out.pop()
            out.append((p[0], t[1], p[2] + w, "n"))             # 卫生健康 + 委, 发展改革 + 委
            i += 1
            continue
        out.append(t)
        i += 1
    return out


def _joins_wei(p) -> bool:
    """May a one-character 委 (tagged zg by jieba) join the token ``p`` before it as the short form of
    a commission (健康 + 委, 改革 + 委)? Not after a level, unit or boundary word (县 + 委, 党委)."""
    w = p[2]
    return len(w) >= 2 and _is_han(w) and p[3].startswith(("n", "a", "v")) and not p[3].startswith(PLACE_FLAGS) \
        and w not in vocab()["boundary"] and not _is_head_word(w) and not _starts_level(w)


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
        if j == i - 1 and w in SHORT_FORMS and toks[i][2] in OFFICE_WORDS:
            first = j             # 设在委办公室: the issuer's one-character short form (委, 局, 厅)
            j -= 1
            n += 1
            continue
        if j == i - 1 and _verb_in_department(toks, j, i):
            first = j             # 省文联 + 组织 + 联络部: the verb names the department
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


DEPARTMENT_ENDS = ("部",)


def _verb_in_department(toks, j: int, i: int) -> bool:
    """Is the verb ``toks[j]`` right before a department word ``toks[i]`` (联络部, 宣传部) part of its
    name: after a unit name or a preposition, and with no object after the department (it acts:
    省文联组织联络部牵头)?"""
    w, f = toks[j][2], toks[j][3]
    if not (f.startswith("v") and not f.startswith("vn") and len(w) == 2 and _is_han(w) and j >= 1):
        return False
    if not toks[i][2].endswith(DEPARTMENT_ENDS) or len(toks[i][2]) < 2 or toks[i][2] in organs():
        return False
    before = toks[j - 1]
    if not (before[2] in LEFT_BOUNDS or before[3].startswith("p")
            or _is_head(before, toks[j - 2] if j >= 2 else None)):
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return nxt is not None and nxt[3].startswith("v") and not nxt[3].startswith("vn")


# one-character short forms of a unit (the 委 of 卫生健康委员会, 局, 厅) before the offices inside it
SHORT_FORMS = ("委", "局", "厅", "院", "校", "署")
OFFICE_WORDS = ("办公室", "党委", "机关党委", "纪委", "机关纪委", "党组", "党总支", "办公厅")


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
            if _cut_at_inner_verb(toks, first, i):
                first = _past_verb(toks, first - 1, text)
                if first is None:
                    continue      # 排放 + 管理处, 预防 + 控制中心 cut from a name: a verb and a unit word
        # 清理 + 部机关: a verb or adjective before a bare one-character unit word, not after a preposition
        # (由采购办) nor at the run's start (a list mark may come before it: 、采购办)
        if 0 < first == i - 1 and _bare_single(t[2]) and toks[first][3].startswith(("v", "a")) \
                and not toks[first][3].startswith(("vn", "an")) and not _after_bound(toks, first):
            first = i
        end = t[1]
        if t[2] == "所" and not _institute_ok(toks, first, i):
            continue
        if _levels_class(toks, first, i):
            continue              # 省、市、县三级文联: units at each level, a class
        if first and (toks[first - 1][2] in v["class_before"] or _counted(toks, first - 1)) \
                and not toks[first][3].startswith(PROPER_FLAGS):
            continue              # 各单位, 有关部门, 11个党支部: a class of units (not 所属中国工美…公司)
        if _counted(toks, i + 2) and (i + 3 > last or not toks[i + 3][3].startswith("n")):
            continue              # 设立党员突击队46支: units of a kind, counted (not 县财政局2个科室)
        if 1 < first and i < last and toks[first - 1][2] in ("（", "(") and toks[i + 1][2] in ("）", ")") \
                and heads[first - 2]:
            continue              # 部门党组（党委）: the other form of the unit before
        start = _strip_prefix(text, toks[first][0], end)
        name = text[start:end]
        if len(name) < 2 or name in v["generic_alone"] or name in v["not_units"] and name not in v["unit_heads"]:
            continue
        if _is_class_name(name) or not _single_unit_ok(toks, i, first) or not _stationed_ok(toks, first, i):
            continue
        if first < i and toks[first][2] in v["name_verbs"] and _is_class_name(text[toks[first + 1][0]:end]):
            continue              # 建设 + 高水平师范大学: a verb and a kind of unit
        if not UNIT_NAME_RE.fullmatch(name):
            continue
        out.append(("organization", start, end, t[0], t[1]))
        paren = _second_name(toks, i, heads)
        if paren is not None:
            # 中央党校（国家行政学院）: one unit with its second name in brackets
            out.append(("organization", start, paren, t[0], t[1]))
    return out


# a preposition or list mark after which a verb and a unit word name a unit (由采购中心, 、采购办)
PREP_BOUNDS = ("由", "与", "向", "会同", "、")


def _after_bound(toks, k: int) -> bool:
    """Is ``toks[k]`` right after a preposition or list mark of PREP_BOUNDS?"""
    return k >= 1 and toks[k - 1][2] in PREP_BOUNDS


def _bare_single(w: str) -> bool:
    """Is ``w`` a one-character unit word, alone or with 机关 (部, 局机关)?"""
    return len(w) == 1 and w in SINGLE_UNIT_CHARS or len(w) == 3 and w[0] in OWN_OFFICES and w[1:] == "机关"


INSTITUTE_NOT_BEFORE = ("有", "以", "在", "属", "谓", "需", "得")


def _institute_ok(toks, first: int, i: int) -> bool:
    """Does 所 end a unit name (镇财政所): the name starts at a level (镇, 县 …) and 所 is not the
    particle before a verb or 有/以/在 (所有, 所需)?"""
    if toks[first][2][0] not in LEVEL_CHARS or first == i:
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return nxt is None or not (nxt[2].startswith(INSTITUTE_NOT_BEFORE) or len(nxt[2]) == 1 and nxt[3].startswith("v"))


LEVEL_COUNT_RE = re.compile(r"[一二两三四五六七八九十\d]+级")


def _levels_class(toks, first: int, i: int) -> bool:
    """Is ``toks[first..i]`` a class of units at several levels: a numeral and 级 inside (县三级文联),
    or after a 、-list of levels (省、市、县文联)?"""
    if any(LEVEL_COUNT_RE.fullmatch(t[2]) and toks[k - 1][2] in LEVEL_CHARS
           for k, t in enumerate(toks[first + 1:i + 1], first + 1)):
        return True               # not 生物安全二级实验室: a grade of one unit
    return first >= 2 and toks[first - 1][2] == "、" and toks[first - 2][2] in LEVEL_CHARS


def _cut_at_inner_verb(toks, first: int, i: int) -> bool:
    """Did the walk stop at a verb that may be inside the name ``toks[first..i]``: a verb before a
    bare unit word (排放 + 管理处)? Not a verb and its object, a class word (融入 + 公司,
    引领 + 保障 + 集团公司)."""
    if not first or not _is_inner_verb(toks[first - 1]) or not _bare_unit(toks, first, i):
        return False
    if first == i and _after_bound(toks, first - 1) and toks[i][2] in CLASS_OBJECTS:
        return True               # 由 + 采购 + 中心: a verb with no subject names the unit
    return not (toks[i][2] in CLASS_OBJECTS and (first == i or toks[i - 1][3] == "v"))


def _is_inner_verb(tok) -> bool:
    """Is ``tok`` a verb that may stand inside a unit name (继续 in 继续教育学院, 预防 in
    疾病预防控制中心), not a verb that governs one (落实, 督促: words of [boundary])?"""
    w, f = tok[2], tok[3]
    return f.startswith("v") and not f.startswith("vn") and len(w) >= 2 and _is_han(w) \
        and w not in vocab()["boundary"]


def _bare_unit(toks, first: int, i: int) -> bool:
    """Is ``toks[first..i]`` a unit word after verbs only (管理处, 控制中心, 教育学院): a remainder
    that names no unit by itself?"""
    v = vocab()
    w = toks[i][2]
    cut = next((n for n in range(len(w) - 1, 0, -1) if w[-n:] in v["unit_heads"]), 0)
    if w in v["generic_alone"]:
        cut = len(w)
    elif not cut and w[-1] in v["unit_suffix_chars"]:
        cut = 1
    words = list(toks[first:i]) + (list(_segment(w[:-cut])) if 0 < cut < len(w) else [])
    return bool(cut) and all(x[2] in v["name_verbs"] or x[3].startswith("v") for x in words)


@lru_cache(maxsize=WORD_CACHE)
def _segment(w: str):
    """jieba tokens of a word's modifier (控制 of 控制中心)."""
    return tuple(segment(w))


# a name with a verb inside starts after one of these (由环境影响评价与排放管理处, 会同继续教育学院)
LEFT_BOUNDS = ("、", "由", "会同", "联合", "与", "和", "同", "及", "对", "从", "在", "向", "经")


def _past_verb(toks, k: int, text: str) -> int | None:
    """First token of a name whose verb ``toks[k]`` is followed by a bare unit word (排放 + 管理处),
    or None. The verb is the name's first word after a preposition (由继续教育学院), or comes after
    a noun that is no unit word (疾病 + 预防, 评价 + 与 + 排放); the name found then starts after a
    preposition or boundary word."""
    before = toks[k - 1] if k else None
    j = k - 1
    if before is not None and before[2] in ("与", "和") and k >= 2 and toks[k - 2][3].startswith(("n", "vn")):
        j = k - 2
    elif before is None or before[2] in LEFT_BOUNDS or before[3].startswith("p"):
        return k if before is not None else None    # 由 + 继续教育学院 (not 进一步 + 增强作协)
    w, f = toks[j][2], toks[j][3]
    if not (f.startswith(("n", "vn", "j", "l")) and not f.startswith(("nr", "ns")) and len(w) >= 2
            and _is_han(w) and w not in vocab()["boundary"] and not _is_head_word(w)):
        return None
    first = _walk_left(toks, j, text)
    left = toks[first - 1] if first else None
    if left is None or _bounds_left(left):
        return first
    if len(left[2]) == 1 and left[3] in BOUND_MORPHEMES:
        return first              # 霁/vg + 阳市疾病预防控制中心: a place cut by jieba (extract widens it)
    return None


BOUND_MORPHEMES = ("vg", "ng", "g", "ag")


def _bounds_left(tok) -> bool:
    """Does a name with a verb inside start right after ``tok``: a preposition, 、 or a boundary word?"""
    return tok[2] in LEFT_BOUNDS or tok[3].startswith(("p", "c")) or tok[2] in vocab()["boundary"]


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
        if w == "办" and i + 1 < len(toks) and toks[i + 1][3].startswith("n") \
                and toks[i + 1][2] not in vocab()["boundary"]:
            return False
    v = vocab()
    if first == i - 1:
        prev = toks[first][2]
        if w in v["generic_alone"] and w not in v["unit_heads"] | {"委员会"} or w in CLASS_OBJECTS or w in TASK_GROUPS:
            if prev in v["name_verbs"] and prev not in ("纪检", "监察", "巡视", "巡察") \
                    and not _after_bound(toks, first):
                return False
    if first == i and w[0] == "驻" and len(w) == 2:
        return False
    return True


COUNT_RE = re.compile(r"[\d一二两三四五六七八九十百千万几多数]+")
COUNT_CLASSIFIERS = "个家所支座"


def _counted(toks, k: int) -> bool:
    """Is ``toks[k]`` a classifier after a number (11 + 个, 46 + 支), or a number and classifier in one
    token (12家)? Units named before or after one are a kind, counted: 11个党支部, 突击队46支."""
    if not 0 <= k < len(toks):
        return False
    w = toks[k][2]
    if len(w) > 1:
        return w[-1] in COUNT_CLASSIFIERS and bool(COUNT_RE.fullmatch(w[:-1]))
    return w in COUNT_CLASSIFIERS and k > 0 and bool(COUNT_RE.fullmatch(toks[k - 1][2]))


# a body sent to (驻) a host unit is a team or office: 驻部纪检监察组, 驻村工作队, 驻京办
STATIONED_ENDS = ("组", "队", "办", "办事处", "站")


def _stationed_ok(toks, first: int, i: int) -> bool:
    """Does a name ``toks[first..i]`` with a token 驻 (or 驻省, 驻部) end in a word of a sent body, not
    with the host (驻集团公司, 驻省生态环境厅: the start of 驻…纪检监察组 cut before its team word)?
    驻 inside a place token (驻马店市) is not one."""
    if not any(t[2] == "驻" or len(t[2]) == 2 and t[2][0] == "驻" for t in toks[first:i + 1]):
        return True
    return toks[i][2].endswith(STATIONED_ENDS) and not toks[i][2].startswith("驻")


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
