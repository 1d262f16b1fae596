"""The facts: the title, the key：value lines, the preamble and the signature → the issuer, the inspection
team, the round, the period (start and end), the feedback date and the unit inspected.

Team names and rounds are found by an anchor (第三巡视组, 第四轮巡视) extended backwards over the name in
front of it; dates by :class:`~kg.extract.metadata.dates._Dates`, which fills in missing years.
"""
from __future__ import annotations

import re

from kg.extract.metadata.common import CN, HAN, HEADING_RE, INTRO_PARAS, _mask, _Reader
from kg.extract.metadata.dates import _Dates, _ranges
from kg.extract.metadata.signature import signature
from kg.extract.metadata.title import _kv, title_offset
from kg.model import Span

# Giving the feedback (…向某某党组反馈了巡视意见, 反馈会于…, 反馈时间：…), not 反馈意见整改 or 反馈问题.
FEEDBACK_RE = re.compile(r"反馈(?:了|巡[视察]意见|意见(?!整改|的整改|落实|的落实|指出|中|清单)|会|时间|日期|于|$)"
                         r"|(?:进行|作|作出)了?反馈|予以反馈|集中反馈")
FEEDBACK_GAP_RE = re.compile(r"\s*(?:为|是|于|在|[：:])?\s*")

# Team names and rounds: an anchor, extended backwards over the name in front of it.
TEAM_RE = re.compile(rf"第[{CN}\d]+巡[视察]组|巡[视察]第?[{CN}\d]+组")
TEAM_PLAIN_RE = re.compile(rf"巡[视察]组(?:于[^，。；\n]{{0,20}})?(?:对|进驻)")
ROUND_RE = re.compile(rf"第[{CN}\d]+轮(?:常规|专项|机动|提级)?巡[视察]")
ROUND_PLAIN_TITLE_RE = re.compile(rf"关于([^关]{{1,24}}?巡[视察])(?:工作)?(?:反馈意见)?(?:集中)?整改")
ROUND_PLAIN_INTRO_RE = re.compile(rf"根据([{HAN}\d]{{2,30}}?巡[视察])工作")
TERM_RE = re.compile(rf"[{CN}]+届")
NAME_BACK = 24       # longest name in front of a team or round anchor
# Words that end what stands in front of a team name or a round (根据…, 对照…, 现将…, 关于…).
STOP_WORDS = ("根据", "按照", "依据", "遵照", "关于", "现将", "对照", "落实", "贯彻", "部署", "安排", "要求", "期间",
              "开展", "其中", "同时", "配合", "接受", "经过", "参加", "对", "向", "由", "经", "于", "了", "的", "是",
              "将", "在", "并", "为")
INSPECTING_BODY_RE = re.compile(r"(?:中央|省委|市委|区委|县委|州委|盟委|旗委|自治区党委)$")
ORGAN_END_RE = re.compile(r"(?:委员会|党组|党委|部务会|党工委|工委)$")
ISSUER_TRAIL = ("落实", "对照", "贯彻", "关于", "开展", "对", "的", "在")


def _back_name(s: str, start: int, digits: bool = False) -> int:
    """Start of the name in front of position ``start`` of ``s``: the run of Han characters (and digits and 年
    when ``digits``) before it, at most ``NAME_BACK`` long, cut after the last stop word (根据, 对照, 关于, …)
    and at a term (十九届) when nothing else cuts it."""
    j = start
    lo = max(0, start - NAME_BACK)
    while j > lo and ("\u4e00" <= s[j - 1] <= "\u9fff" or digits and s[j - 1].isdigit()):
        j -= 1
    run = s[j:start]
    cut = 0
    for w in STOP_WORDS:
        p = run.rfind(w)
        if p >= 0:
            cut = max(cut, p + len(w))
    if cut == 0 and digits:
        t = TERM_RE.search(run)
        if t:
            cut = t.start()
    return j + cut


def _find_team(s: str) -> tuple[int, int] | None:
    """(start, end) of the inspection team named in ``s`` (masked): 中央第十四巡视组, 区委巡察二组, …;
    a numbered team first, else one without a number that inspects (省委巡视组对…)."""
    m = TEAM_RE.search(s)
    if m:
        return _back_name(s, m.start()), m.end()
    for m in TEAM_PLAIN_RE.finditer(s):
        b = _back_name(s, m.start())
        if b < m.start():
            return b, m.start() + 3
    return None


def _find_round(s: str, numbered_only: bool = False, title: bool = False) -> tuple[int, int] | None:
    """(start, end) of the round named in ``s`` (masked): 十九届中央第四轮巡视, 教育部党组2021年第一轮巡视;
    without a number only when ``numbered_only`` is false (the title's 关于市委巡察整改, 根据中央巡视工作…)."""
    m = ROUND_RE.search(s)
    if m:
        return _back_name(s, m.start(), digits=True), m.end()
    if numbered_only:
        return None
    m = (ROUND_PLAIN_TITLE_RE if title else ROUND_PLAIN_INTRO_RE).search(s)
    if m and m.group(1) not in ("巡视", "巡察"):
        return m.start(1), m.end(1)
    return None


def facts(r: _Reader) -> None:
    """Issuer, round, team, period, feedback date and the unit inspected, read after the head
    (:func:`~kg.extract.metadata.title.head` sets the title and the key：value lines)."""
    md, meta, paras, text = r.md, r.md.meta, r.paras, r.text
    title_m = _mask(meta.title)
    sig_unit, sig_span, sig_date = signature(r)
    meta.date = sig_date or meta.date
    dates = _Dates(ref=meta.date or md.published[:10])
    # the issuer: in the title, else the signature
    if title_m:
        cut = title_issuer(title_m)
        if cut:
            meta.issuer = meta.title[:cut]
            meta.issuer_span = Span(title_offset(r, 0), title_offset(r, cut))
    if not meta.issuer and sig_unit:
        meta.issuer, meta.issuer_span = sig_unit, sig_span
    # the round: numbered in the title, then numbered in the key：value lines and the preamble,
    # then without a number
    rnd = _find_round(title_m, numbered_only=True)
    if rnd:
        set_round(r, meta.title[rnd[0]:rnd[1]], Span(title_offset(r, rnd[0]), title_offset(r, rnd[1])))
    # key：value lines
    feedback_fixed = False
    for key, value, base in [(key, value, r.lstart(k) + voff)
                             for k in r.kv_lines for key, value, voff in _kv(r.line(k))]:
        raw_value = text[base:base + len(value)]
        if "被" in key or key.endswith(("单位", "对象", "党组织")):
            md.target = md.target or raw_value
        elif "反馈" in key:
            found = dates.scan(value, base)
            if found and not meta.feedback:
                meta.feedback = found[0][2]
                feedback_fixed = True
        elif re.search("时间|期间|日期", key):
            found = dates.scan(value, base)
            rg = _ranges(value, found, base)
            if rg and not meta.start:
                a, b = found[rg[0][0]], found[rg[0][1]]
                meta.start, meta.end, meta.dates_span = a[2], b[2], Span(a[0], b[1])
        elif "轮" in key:
            if not meta.round or "轮" not in meta.round:
                set_round(r, raw_value, Span(base, base + len(value)))
        elif key.endswith("组") and "组长" not in key:
            if not meta.inspector:
                tm = _find_team(value)
                a, b = tm if tm else (0, len(value))
                meta.inspector, meta.inspector_span = raw_value[a:b], Span(base + a, base + b)
    # the preamble: paragraphs up to the first numbered heading
    intro = []
    for k in range(md.first, min(len(paras), md.first + INTRO_PARAS)):
        s = r.line(k)
        if HEADING_RE.match(s):
            break
        if s:
            intro.append(k)
    plain_team = None
    for k in intro:
        s, base = r.line(k), r.lstart(k)
        if not meta.inspector:
            m = TEAM_RE.search(s)
            if m:
                b = _back_name(s, m.start())
                meta.inspector, meta.inspector_span = text[base + b:base + m.end()], Span(base + b, base + m.end())
            elif plain_team is None:
                tm = _find_team(s)
                if tm:
                    plain_team = (text[base + tm[0]:base + tm[1]], Span(base + tm[0], base + tm[1]))
        if not meta.round or "轮" not in meta.round:
            rnd = _find_round(s, numbered_only=True)
            if rnd:
                set_round(r, text[base + rnd[0]:base + rnd[1]], Span(base + rnd[0], base + rnd[1]))
        found = dates.scan(s, base)
        rg = _ranges(s, found, base)
        in_range: set[int] = set()
        if rg and not meta.start:
            a, b = found[rg[0][0]], found[rg[0][1]]
            meta.start, meta.end, meta.dates_span = a[2], b[2], Span(a[0], b[1])
        for x, y in rg:
            in_range.update((x, y))
        if not meta.feedback and not feedback_fixed:
            meta.feedback = feedback(s, base, found, in_range)
    if not meta.inspector and title_m:
        m = TEAM_RE.search(title_m)
        if m:
            b = _back_name(title_m, m.start())
            meta.inspector = meta.title[b:m.end()]
            meta.inspector_span = Span(title_offset(r, b), title_offset(r, m.end()))
    if not meta.inspector and plain_team:
        meta.inspector, meta.inspector_span = plain_team
    if not meta.round:
        rnd = _find_round(title_m, title=True)
        if rnd:
            set_round(r, meta.title[rnd[0]:rnd[1]], Span(title_offset(r, rnd[0]), title_offset(r, rnd[1])))
    if not meta.round:
        for k in intro:
            rnd = _find_round(r.line(k))
            if rnd:
                base = r.lstart(k)
                set_round(r, text[base + rnd[0]:base + rnd[1]], Span(base + rnd[0], base + rnd[1]))
                break
    if not meta.issuer and md.target:
        meta.issuer = md.target


def set_round(r: _Reader, value: str, span: Span) -> None:
    r.md.meta.round, r.md.meta.round_span = value, span


def title_issuer(t: str) -> int:
    """Length of the issuer at the start of the (masked) title: before 关于, the round or 巡视/巡察."""
    cut = -1
    p = t.find("关于")
    if p == 0:       # 关于巡视整改进展情况的通报: the title names no issuer
        return 0
    if p > 0:
        cut = p
    else:
        rnd = _find_round(t, numbered_only=True)
        if rnd and rnd[0] > 0:
            cut = rnd[0]
        else:
            m = re.search("巡[视察]", t)
            if m and m.start() > 0:
                cut = m.start()
    if cut <= 0:
        return 0
    head = t[:cut]
    changed = True
    while changed and head:
        changed = False
        for w in ISSUER_TRAIL:
            if head.endswith(w) and len(head) > len(w) + 1:
                head = head[:-len(w)]
                changed = True
    for w in ("落实", "对照", "贯彻"):   # 某某党委落实省委巡视… → 某某党委
        p = head.find(w, 2)
        if p > 0:
            head = head[:p]
    # 某某集团委员会市委巡察整改… → 某某集团委员会 (the inspecting body is not part of the issuer)
    m = INSPECTING_BODY_RE.search(head)
    if m and ORGAN_END_RE.search(head[:m.start()]):
        head = head[:m.start()]
    return len(head) if len(head) >= 2 else 0


def feedback(s: str, base: int, found: list[tuple[int, int, str]], in_range: set[int]) -> str:
    """The feedback date in paragraph ``s``: in a sentence that speaks of 反馈, the last date before the
    word (…2021年3月8日，巡视组向…反馈了巡视意见 / …，6月28日向县委反馈…), else the first just after it
    (反馈时间为2021年…)."""
    if "反馈" not in s:
        return ""
    for sent in re.finditer(r"[^。！？!?]+", s):
        if "反馈" not in sent.group(0):
            continue
        w = FEEDBACK_RE.search(s, sent.start(), sent.end())
        if not w:
            continue
        before = [d for x, d in enumerate(found) if x not in in_range
                  and sent.start() <= d[0] - base and d[1] - base <= w.start()]
        if before:
            return before[-1][2]
        after = [d for x, d in enumerate(found) if x not in in_range and w.end() <= d[0] - base < sent.end()]
        if after and FEEDBACK_GAP_RE.fullmatch(s, w.end(), after[0][0] - base):
            return after[0][2]
    return ""
