"""Text → person mentions: a role (党组书记、部长 …, each may take 副) followed by a 2–3 character name with a
common surname, and the same name again before 同志. A level character (省市县区镇乡) standing alone right
before the roles is part of them (镇党委书记). Text inside 《》 (the mask) is skipped.

A name is accepted when 同志, punctuation or a word of ``PERSON_AFTER`` follows it, or else when jieba
reads it as a person's name (nr) or, cut at word boundaries, reads the word after it as an adverb or a verb
(副厅长宋立群具体负责, 组长孔维成列席). Before such a word, a word jieba reads as a verb or noun, or
any two-character word it does not tag nr, is not a name (由党组成员包案负责: 包 is a surname). A role right after 任/担任 (郑某任组长、校长沈某) is the office of the
person before it, not of the name that follows.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.lexicon import roles, surnames
from kg.extract.mentions.common import HAN, _Mask
from kg.extract.segment import cutter, segment
from kg.model import EntityMention, Span


@lru_cache(maxsize=1)
def _person_re() -> re.Pattern:
    """Roles (joined by 、, each may take 副) followed by a common surname."""
    role = "副?(?:" + "|".join(roles()) + ")"
    sn = "".join(sorted(s for s in surnames() if len(s) == 1))
    sn2 = "|".join(sorted(s for s in surnames() if len(s) == 2))
    return re.compile(rf"((?:{role})(?:、(?:{role}))*)({sn2}|[{sn}])")


@lru_cache(maxsize=1)
def _after_re() -> re.Pattern:
    """What ends a name for sure: 同志, punctuation or a word of ``PERSON_AFTER``."""
    return re.compile(rf"同志|[，、。；（(：]|{'|'.join(PERSON_AFTER)}")


# what may follow a name after a role: 任, 担任 …, and the adverbs and verbs of what the person
# did (局长周敏牵头, 组长罗慧敏全程参与, 主席沈砚秋多次参与)
PERSON_AFTER = ("任", "担任", "兼", "为", "等", "牵头", "全程", "多次", "亲自", "主持", "带头", "带队", "率队",
                "参与", "参加", "负责", "分管", "督导", "召集", "先后", "专门", "深入", "听取", "列席", "出席")
HAN_RUN_RE = re.compile(rf"[{HAN}]+")
# a role right after these words is the office of the person named before them (郑某任组长、校长沈某)
TAKES_OFFICE_RE = re.compile(r"(?<!主)任$")
# levels of government: one of them right before a role is part of it (镇党委书记, 县纪委书记)
LEVELS = "省市县区镇乡"


def _name_end(text: str, role_start: int, s: int, e: int) -> int | None:
    """End of the name whose surname is ``text[s:e]`` (after a role starting at ``role_start``), or None."""
    ends = [k for k in (e + 1, e + 2) if k <= len(text) and HAN_RUN_RE.fullmatch(text, s, k)]
    if not ends:
        return None
    run = HAN_RUN_RE.match(text, s)
    toks = segment(text, role_start, min(run.end(), s + 10))
    at = {t[0]: t for t in toks}
    for k in ends:
        after = _after_re().match(text, k)
        if after and (after.group(0) == "同志" or not HAN_RUN_RE.match(after.group(0))
                      or not _word_not_name(at.get(s), k)):
            return k
    if s not in at:
        return None
    for k in reversed(ends):
        if at[s][1] == k:       # the name is one word: jieba must read it as a name
            if at[s][3].startswith("nr"):
                return k
        elif at[s][1] == e and k in at and at[k][3][:1] in "dv" and _given_name(toks, e, k):
            return k            # the surname, the given name, then an adverb or a verb (吴 建华 到)
    return None


def _word_not_name(tok, end: int) -> bool:
    """Is the token ``tok`` a word of its own ending at ``end`` that jieba does not read as a name:
    any word of two characters not tagged nr (包案, 包保), a longer verb or noun? Before a verb or
    adverb of ``PERSON_AFTER`` (由党组成员包案负责) such a word is not a name; before 同志 or
    punctuation it may be."""
    if tok is None or tok[1] != end or tok[3].startswith("nr"):
        return False
    return end - tok[0] == 2 or tok[3][:1] in "vn"


def _given_name(toks, start: int, end: int) -> bool:
    """Are the tokens from ``start`` exactly to ``end`` name-like: no verb, adverb, preposition,
    conjunction, particle, pronoun, locality or classifier (张 强调, not a name)?"""
    inner = [t for t in toks if start <= t[0] < end]
    return bool(inner) and inner[-1][1] == end and all(t[3][:1] not in "vdpcurfq" for t in inner)


def _role(text: str, m: re.Match) -> str:
    """The roles before a name, with the level character right before them (镇党委书记), less the
    first one when it is an office taken by the person before (…任组长、校长沈某: 校长)."""
    role = m.group(1)
    if TAKES_OFFICE_RE.search(text, max(0, m.start() - 2), m.start()):
        return role.partition("、")[2]
    return _level(text, m.start()) + role


def _level(text: str, start: int) -> str:
    """The level character (省市县区镇乡) right before a role starting at ``start``, when it stands
    alone: not the end of a word (社区, 乡镇) nor before a role that names its own level (镇长, 副县长)."""
    own = text[start + 1] if text[start] == "副" else text[start]
    if start == 0 or text[start - 1] not in LEVELS or own in LEVELS:
        return ""
    if start >= 2 and cutter().freq.get(text[start - 2:start]):
        return ""
    return text[start - 1]


def _people(text: str, mask: _Mask) -> list[EntityMention]:
    out = []
    names: dict[str, str] = {}
    for m in _person_re().finditer(text):
        end = _name_end(text, m.start(), m.start(2), m.end(2))
        role = _role(text, m)
        if end is None or not role:
            continue
        name = text[m.start(2):end]
        if mask.covers(m.start(2), end) or name.endswith(("同", "等", "任")) \
                or any(r in name for r in roles()) or name[1:].startswith(("副", "长", "同志")):
            continue
        out.append(EntityMention("person", name, Span(m.start(2), end), role=role))
        names.setdefault(name, role)
    for name, role in names.items():
        for m in re.finditer(re.escape(name) + "同志", text):
            sp = Span(m.start(), m.start() + len(name))
            if not any(x.span == sp for x in out):
                out.append(EntityMention("person", name, sp, role=role))
    return out
