"""Mentions of units/organisations, awards, activities and people, and stated figures.

``extract(text, report, issuer)`` returns ``(mentions, figures)``; every
``EntityMention.text`` equals ``text.text[span.start:span.end]``.

Rules combine jieba segmentation (with a user dictionary of general vocabulary of
the field, ``kg/lexicon/``) and regular expressions:

* organisations: a *unit head* (a word such as 委员会, 领导小组, 办公厅, 巡视组 or a
  noun ending in 部/司/处/厅/局/署/院/委/校) and the name-like words left of it, up to
  a boundary word (成立, 发挥, 会同 …), a preposition, conjunction or punctuation;
* awards: words ending in 奖 (not 奖励/奖惩/评奖 …) or titles after 获评/荣获 ending
  in 样板支部/称号 …;
* activities: “quoted” names introduced by 开展/启动/实施/开设 … or followed by
  活动/专栏/行动/工程/计划 …, and unquoted 召开 …座谈会 / 启动 …工程;
* people: a role (党组书记、部长 …) followed by a 2–3 character name with a common
  surname;
* figures: a number (Arabic or Chinese) followed by a classifier or currency unit,
  skipping ordinals (第…), years and dates, phone numbers and set phrases.

Text inside 《》 (document titles) is not searched for entities.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from kg.model import EntityMention, Figure, Report, Span, Text

LEXICON = Path(__file__).resolve().parent / "lexicon"

HAN = "\u4e00-\u9fff"
PUNCT = set("，。；：！？、,.;:!?（）()《》“”‘’\"'「」『』【】[]—-…·\n\r\t 　/")
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


# --------------------------------------------------------------------------- lexicon

@lru_cache(maxsize=1)
def vocab() -> dict[str, frozenset[str]]:
    """Sections of ``kg/lexicon/vocab.txt`` as sets of words."""
    out: dict[str, set[str]] = {}
    cur = None
    for line in (LEXICON / "vocab.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            cur = out.setdefault(m.group(1), set())
            continue
        if cur is not None:
            cur.update(line.split())
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def organs() -> dict[str, str]:
    """Central organs: abbreviation or name → full name."""
    out = {}
    for line in (LEXICON / "organs.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 2:
            out[parts[0].strip()] = parts[1].strip()
    return out


@lru_cache(maxsize=1)
def roles() -> tuple[str, ...]:
    words = [w.strip() for w in (LEXICON / "roles.txt").read_text(encoding="utf-8").splitlines()
             if w.strip() and not w.startswith("#")]
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return frozenset((LEXICON / "surnames.txt").read_text(encoding="utf-8").split())


@lru_cache(maxsize=1)
def tokenizer():
    """A private jieba POS tokenizer with the field's user dictionary (built once)."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    tk.load_userdict(str(LEXICON / "units.txt"))
    for name in organs():
        tk.add_word(name, 2000, "nt")
    for r in roles():
        tk.add_word(r, 1000, "n")
    pos = jieba.posseg.POSTokenizer(tk)
    # jieba.posseg keeps the POS of user words in its own table
    for name in organs():
        pos.word_tag_tab[name] = "nt"
    return pos


_SEG_CACHE: dict[str, list[tuple[int, int, str, str]]] = {}


def segment(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str, str]]:
    """jieba tokens ``(start, end, word, flag)`` of ``text[start:end]`` with absolute offsets."""
    end = len(text) if end is None else end
    key = text[start:end]
    toks = _SEG_CACHE.get(key)
    if toks is None:
        toks = []
        pos = 0
        for pair in tokenizer().cut(key):
            w, f = pair.word, pair.flag
            toks.append((pos, pos + len(w), w, f))
            pos += len(w)
        if len(_SEG_CACHE) > 20000:
            _SEG_CACHE.clear()
        _SEG_CACHE[key] = toks
    return [(s + start, e + start, w, f) for s, e, w, f in toks]


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences (split at 。！？； and line breaks)."""
    out = []
    start = 0
    for m in re.finditer(r"[。！？；\n]", text):
        if m.end() - start > 1:
            out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def bracket_spans(text: str, open_: str = "《", close: str = "》") -> list[tuple[int, int]]:
    """Outermost ``open_ … close`` spans (nesting aware, unclosed ones end at the line end)."""
    out = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
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
        import bisect
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.spans[i][1] > start and self.spans[i][0] <= start


def cn_number(s: str) -> float | None:
    """Value of an Arabic or Chinese numeral (十个 → 10, 两次 → 2, 二十三 → 23)."""
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return float(s)
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            u = CN_UNITS[ch]
            if u == 10000:
                section = (section + (digit or 0)) * u
                total += section
                section = 0
            else:
                section += (1 if digit is None else digit) * u
            digit = None
        else:
            return None
    return float(total + section + (digit or 0))


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


def _is_head(tok, prev) -> bool:
    v = vocab()
    w, f = tok[2], tok[3]
    if not _is_han(w) or w in v["not_units"] and w not in v["unit_heads"]:
        return w in v["unit_heads"]
    if w in v["unit_heads"] or w in organs():
        return True
    if len(w) > 2 and _ends_with_any(w, "unit_heads"):
        return True
    if _ends_with_any(w, "not_units"):
        return False
    if len(w) >= 2 and w[-1] in v["unit_suffix_chars"] and f.startswith(("n", "j", "l", "i")) \
            and w not in v["boundary"]:
        return True
    if len(w) == 1 and w in "部司处厅局署" and prev is not None and len(prev[2]) >= 2 \
            and prev[3].startswith(("n", "vn", "j")) and prev[2] not in v["boundary"] \
            and prev[2] not in v["not_units"]:
        return True
    return False


def _merge_tokens(toks):
    """Join 第N + 巡视组, and 驻 + unit, so that they walk as one token."""
    out = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if i + 1 < len(toks) and re.fullmatch(r"第[一二三四五六七八九十\d]+", t[2]) \
                and toks[i + 1][2] in ("巡视组", "巡视小组", "巡察组", "巡视", "巡察"):
            n = toks[i + 1]
            end = n[1]
            word = t[2] + n[2]
            j = i + 2
            if n[2] in ("巡视", "巡察") and j < len(toks) and toks[j][2] in ("组", "小组"):
                end, word, j = toks[j][1], word + toks[j][2], j + 1
            elif n[2] in ("巡视", "巡察"):
                out.append(t)
                i += 1
                continue
            out.append((t[0], end, word, "n"))
            i = j
            continue
        if t[2] in ("纪检监察", "纪检") and i + 1 < len(toks) and toks[i + 1][2] == "组":
            out.append((t[0], toks[i + 1][1], t[2] + "组", "n"))
            i += 2
            continue
        out.append(t)
        i += 1
    return out


T_OK = {"青年", "少年", "老年", "中年", "少儿", "儿童"}


def _walk_left(toks, i, text, max_tokens=10, max_chars=32, stop_at_award=False):
    """Index of the first token of the name whose last token is ``toks[i]``."""
    v = vocab()
    j = i - 1
    first = i
    n = 0
    while j >= 0 and n < max_tokens:
        w, f = toks[j][2], toks[j][3]
        if toks[i][1] - toks[j][0] > max_chars:
            break
        if w == "）" or w == ")":
            # include a short parenthesis: 审核（读）委员会
            k = j - 1
            while k >= 0 and toks[k][2] not in ("（", "(") and j - k < 6:
                k -= 1
            if k >= 0 and toks[k][2] in ("（", "(") and k < j - 1:
                first = k
                j = k - 1
                n += 1
                continue
            break
        if w in ("驻", "中共"):
            first = j
            break
        if w == "与" and j == i - 2 and j >= 1 and toks[j - 1][3].startswith(("v", "n")) \
                and toks[j - 1][2] not in v["boundary"] and not _is_head(toks[j - 1], None):
            first = j
            j -= 1
            continue
        if not _is_han(w) or w in v["boundary"] or w in v["strip_prefix"]:
            break
        if len(w) > 2 and any(w.endswith(b) for b in v["boundary"] if len(b) >= 2) \
                and w not in v["unit_heads"]:
            break
        if stop_at_award and (w.endswith("奖") or w in v["not_awards"]):
            break
        if f.startswith(STOP_FLAGS) and w not in v["unit_heads"] and w not in T_OK:
            break
        if f.startswith("v") and not f.startswith("vn") and w not in v["name_verbs"] \
                and w not in v["unit_heads"] and w not in organs():
            break
        first = j
        j -= 1
        n += 1
    return first


def _organizations(text: str, toks, mask: _Mask) -> list[EntityMention]:
    v = vocab()
    out = []
    toks = _merge_tokens(toks)
    heads = [_is_head(t, toks[k - 1] if k else None) for k, t in enumerate(toks)]
    for i, t in enumerate(toks):
        if not heads[i]:
            continue
        if i + 1 < len(toks) and heads[i + 1] and toks[i + 1][2] not in v["role_next"]:
            continue          # the name goes on: 领导小组 + 办公室
        if i + 1 < len(toks) and (toks[i + 1][2] in v["role_next"]
                                  or any(toks[i + 1][2].startswith(r) for r in ("书记", "副书记"))):
            continue
        if mask.covers(t[0], t[1]):
            continue
        first = i if t[2] in organs() else _walk_left(toks, i, text)
        start, end = toks[first][0], t[1]
        name = text[start:end]
        # strip generic leading words
        while True:
            for p in sorted(v["strip_prefix"], key=lambda x: (-len(x), x)):
                if name.startswith(p) and len(name) > len(p) + 1:
                    start += len(p)
                    name = text[start:end]
                    break
            else:
                break
        if len(name) < 2 or name in v["generic_alone"] or name in v["not_units"] and name not in v["unit_heads"]:
            continue
        if not re.fullmatch(rf"[{HAN}（）()]+", name):
            continue
        out.append(EntityMention("organization", name, Span(start, end)))
    return out


# --------------------------------------------------------------------------- awards

# --------------------------------------------------------------------------- activities

NOT_ACTIVITY_AFTER = ("制度", "机制", "意识", "要求", "原则", "方针", "方向", "格局", "理念", "精神", "标准",
                      "现象", "作风", "效应", "通道", "审批", "培养模式", "自信", "责任", "清单")


def _activities(text: str, mask: _Mask) -> list[EntityMention]:
    v = vocab()
    out = []
    before = sorted(v["activity_before"], key=lambda x: (-len(x), x))
    after = sorted(v["activity_after"], key=lambda x: (-len(x), x))
    quotes = [m for m in re.finditer(r"“([^“”\n]{2,30})”", text)]
    # group adjacent quotes: “A”“B”、“C”等活动
    groups: list[list[re.Match]] = []
    for m in quotes:
        if groups and re.fullmatch(r"[、和及与]?", text[groups[-1][-1].end():m.start()]):
            groups[-1].append(m)
        else:
            groups.append([m])
    for g in groups:
        s, e = g[0].start(), g[-1].end()
        if mask.covers(s, e):
            continue
        clause = re.split(r"[，。；：！？\n]", text[max(0, s - 14):s])[-1]
        rest = text[e:e + 12]
        rest_wo = rest[1:] if rest.startswith("等") else rest
        ok_after = any(rest_wo.startswith(a) or rest.startswith(a) for a in after)
        ok_before = False
        for k in range(0, min(len(clause), 7) + 1):
            head = clause[:len(clause) - k]
            if any(head.endswith(b) for b in before):
                ok_before = True
                break
        if not ok_after and (not ok_before or any(rest_wo.startswith(x) for x in NOT_ACTIVITY_AFTER)):
            continue
        for m in g:
            out.append(EntityMention("activity", m.group(1), Span(m.start(1), m.end(1))))
    # unquoted: 召开全国诗坛座谈会 / 启动…创作工程
    heads = "|".join(sorted(v["activity_heads"], key=lambda x: (-len(x), x)))
    verbs = "|".join(sorted(v["activity_before"], key=lambda x: (-len(x), x)))
    for m in re.finditer(rf"(?:{verbs})([{HAN}]{{2,22}}?(?:{heads}))(?=[^{HAN}]|$)", text):
        name = m.group(1)
        if mask.covers(m.start(1), m.end(1)) or len(name) < 5:
            continue
        if name.startswith(("党", "专题", "巡视", "民主", "全面从严治党", "会议", "各", "有关", "相关")):
            continue
        out.append(EntityMention("activity", name, Span(m.start(1), m.end(1))))
    return out


# --------------------------------------------------------------------------- people

def _people(text: str, mask: _Mask) -> list[EntityMention]:
    rs = "|".join(roles())
    sn = "".join(sorted(s for s in surnames() if len(s) == 1))
    sn2 = "|".join(sorted(s for s in surnames() if len(s) == 2))
    pat = re.compile(rf"((?:{rs})(?:、(?:{rs}))*)((?:{sn2}|[{sn}])[{HAN}]{{1,2}}?)(?=同志|[，、。；（(：]|任|担任|兼|为|等)")
    out = []
    names: dict[str, str] = {}
    for m in pat.finditer(text):
        name = m.group(2)
        if mask.covers(m.start(2), m.end(2)) or name.endswith(("同", "等", "任")) \
                or any(r in name for r in roles()) or any(name[1:].startswith(c) for c in ("副", "长", "同志")):
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

NOT_FIGURES = ("一方面", "另一方面", "八项规定", "一把手", "一岗双责", "一票否决", "两个维护", "四个意识",
               "四个自信", "三会一课", "四种形态", "三重一大", "一次性", "一体", "一批批", "一系列", "一件事",
               "三审三校", "四个一批", "一会一报", "一站式", "一类", "一种", "一起")


def _figures(text: str, quote_mask: _Mask, mask: _Mask) -> list[Figure]:
    v = vocab()
    units = "|".join(re.escape(u) for u in sorted(v["figure_units"], key=lambda x: (-len(x), x)))
    num = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
    out = []
    for m in re.finditer(rf"{num}(余|多)?({units})", text):
        s, e = m.start(), m.end()
        prev = text[s - 1] if s else ""
        if prev in "第.-—－" or prev.isdigit() or prev in "零〇一二两三四五六七八九十百千万":
            continue
        if quote_mask.covers(s, e) or mask.covers(s, e):
            continue
        if any(s - k >= 0 and text.startswith(w, s - k) for w in NOT_FIGURES for k in range(len(w))):
            continue
        raw, unit = m.group(1), m.group(3)
        if not raw[0].isdigit():
            # Chinese numerals only as counts: 两次, 十个; not 统一, 唯一, 之一
            if prev and "\u4e00" <= prev <= "\u9fff" and prev not in "共近约达有了和、余超逾至到是" \
                    and (tokenizer().tokenizer.FREQ.get(prev + raw[0]) or prev in "之逐唯统万单同专划"):
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


def _what(text: str, s: int, e: int) -> str:
    after = re.match(rf"[{HAN}]{{1,8}}", text[e:])
    if after:
        w = after.group(0)
        cut = min([w.find(c) for c in _STOP_WHAT if c in w] or [len(w)])
        w = w[:cut]
        if len(w) >= 2:
            return w[:8]
    # the noun before: 专题会35次, 罚没款1.8亿元
    left = re.search(rf"[{HAN}]{{1,12}}$", text[max(0, s - 12):s])
    if not left:
        return ""
    toks = segment(left.group(0))
    for t in reversed(toks):
        if t[3].startswith(("n", "vn", "j", "l")) and len(t[2]) >= 2:
            return t[2]
    return ""


# --------------------------------------------------------------------------- API

def _dedupe(mentions: list[EntityMention]) -> list[EntityMention]:
    """Sort, drop exact duplicates and mentions inside a longer one of the same kind."""
    ms = sorted({(m.span.start, -m.span.end, m.kind, m.text, m.role or ""): m for m in mentions}.values(),
                key=lambda m: (m.span.start, -m.span.end, m.kind))
    out: list[EntityMention] = []
    for m in ms:
        if any(o.kind == m.kind and m.span in o.span and o.span != m.span for o in out[-8:]):
            continue
        if any(o.kind == m.kind and o.span == m.span for o in out[-8:]):
            continue
        out.append(m)
    return sorted(out, key=lambda m: (m.span.start, m.span.end, m.kind))


def extract(text: Text, report: Report | None = None, issuer: str = "") -> tuple[list[EntityMention], list[Figure]]:
    """Entity mentions (organization, award, activity, person) and stated figures of ``text``."""
    src = text.text
    titles = _Mask(bracket_spans(src))
    quote_spans = bracket_spans(src, "“", "”")
    quotes = _Mask(quote_spans)
    no_orgs = _Mask(bracket_spans(src) + quote_spans)
    mentions: list[EntityMention] = []
    for s, e in sentences(src):
        toks = segment(src, s, e)
        mentions += _organizations(src, toks, no_orgs)
        mentions += _awards_only_tokens(src, toks, titles)
    mentions += _awards_regex(src, titles)
    mentions += _activities(src, titles)
    mentions += _people(src, titles)
    awards = [m.span for m in mentions if m.kind == "award"]
    mentions = [m for m in mentions if m.kind != "organization"
                or not any(a.start < m.span.end and m.span.start < a.end for a in awards)]
    figures = sorted(set(_figures(src, quotes, titles)), key=lambda f: (f.span.start, f.span.end))
    for m in mentions:
        assert src[m.span.start:m.span.end] == m.text
    return _dedupe(mentions), figures


def _awards_only_tokens(text, toks, mask):
    v = vocab()
    out = []
    for i, t in enumerate(toks):
        w = t[2]
        if not w.endswith("奖") or w in v["not_awards"] or re.fullmatch(r"[一二三特]等奖", w):
            continue
        if mask.covers(t[0], t[1]):
            continue
        first = _walk_left(toks, i, text, stop_at_award=True)
        name = text[toks[first][0]:t[1]]
        if len(name) < 3:
            continue
        out.append(EntityMention("award", name, Span(toks[first][0], t[1])))
    return out


def _awards_regex(text, mask):
    v = vocab()
    out = []
    before = "|".join(sorted(v["award_before"], key=lambda x: (-len(x), x)))
    suffix = "|".join(sorted((s for s in v["award_suffix"] if s != "奖"), key=lambda x: (-len(x), x)))
    for m in re.finditer(rf"(?:{before})([{HAN}]{{2,24}}?(?:{suffix}))(?=[^{HAN}]|$|称号)", text):
        if mask.covers(m.start(1), m.end(1)):
            continue
        out.append(EntityMention("award", m.group(1), Span(m.start(1), m.end(1))))
    return out
