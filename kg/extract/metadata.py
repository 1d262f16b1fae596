"""Metadata: the title, the issuer and the inspection facts of a report (team, round, period, feedback date),
and what a web page prints around it (breadcrumb, 来源, 发布时间, a URL).

The opening of a report of the genre is read line by line, from the top:

* **page furniture** — a breadcrumb (首页 > … > …), 来源：/发布时间：/浏览次数/字号：大 中 小 lines, a bare date or
  URL line — is never the title; 来源, 发布时间 and a URL are kept (also from the footer);
* a **contents list** (目录, then short heading lines) is skipped;
* the **title** is a line with no sentence punctuation that names the report (关于…, …通报/报告/情况/公告);
  a section heading (一、…, （一）…) or the preamble (根据…部署，…) never is. A title wrapped over two lines is
  joined; a title printed twice counts once. With no title line the title is "" and the issuer comes from the
  signature at the end (a unit line followed by a date line);
* **key：value lines** (被巡察单位：, 巡视组：, 巡察时间：, 反馈时间：…) give the facts directly;
* the **preamble** (the paragraphs before the first numbered heading) gives the team (中央第十四巡视组,
  市委第三巡察组, 区委巡察二组, 教育部党组第四巡视组), the round (十九届中央第四轮巡视, 区委第五轮巡察,
  教育部党组2021年第一轮巡视), the period (2023年4月6日至5月31日) and the feedback date.

A date without a year takes it from the dates before it (a month smaller than the one before means the next
year: 2023年11月20日至1月19日 ends in 2024); dates may be written in Chinese numerals. Nothing is read from inside
《》. Every search is bounded: only the head (at most ``HEAD_LINES`` lines), the preamble (at most
``INTRO_PARAS`` paragraphs) and the tail (at most ``TAIL_LINES`` lines) are looked at, and no pattern can
backtrack over a long line.

>>> from kg.extract.reading import read_bytes
>>> from kg.extract.structure import _paragraphs
>>> t = read_bytes("中共某某党组关于巡视整改进展情况的通报\\n根据统一部署，2021年3月1日至4月30日，中央第三巡视组对某某党组开展了巡视。".encode(), "x")
>>> meta, first = parse_meta(t.text, _paragraphs(t.text))
>>> meta.issuer, meta.inspector, meta.start, meta.end, first
('中共某某党组', '中央第三巡视组', '2021-03-01', '2021-04-30', 1)
>>> src = "首页 > 信息公开\\n来源：某某医院　发布时间：2023-09-28 10:15\\n根据县委统一部署，县委第二巡察组对某某医院党委开展了巡察。\\n一、整改情况\\n中共某某医院委员会\\n2023年9月28日"
>>> t = read_bytes(src.encode(), "x")
>>> md = read_metadata(t.text, _paragraphs(t.text))
>>> md.meta.title, md.meta.issuer, md.first, md.source, md.published, md.header.text(t.text)[:9]
('', '中共某某医院委员会', 2, '某某医院', '2023-09-28T10:15', '首页 > 信息公开')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.numerals import cn_int
from kg.model import ReportMeta, Span

CN = "一二三四五六七八九十"
HAN = "\u4e00-\u9fff"

TITLE_RE = re.compile(r"整改.{0,12}(?:通报|情况)|通报$")
DATE_RE = re.compile(r"((?:19|20)\d{2}|[二〇○零一三四五六七八九]{4})年([\d一二三四五六七八九十]{1,3})月"
                     r"([\d一二三四五六七八九十]{1,3})日")
SHORT_DATE_RE = re.compile(r"(?:((?:19|20)\d{2})年)?([\d一二三四五六七八九十]{1,3})月([\d一二三四五六七八九十]{1,3})日")

HEAD_LINES = 60      # lines of the opening looked at for furniture, contents, title and key：value lines
INTRO_PARAS = 6      # paragraphs of the preamble looked at for the inspection facts
TAIL_LINES = 12      # lines of the end looked at for the signature and a web footer
TITLE_MAX = 100      # longest title line
CONTENTS_MAX = 40    # most entries of a contents list
BRACKET_MAX = 300    # longest 《…》 masked

# Any date: 2023年4月6日, 4月6日, 二〇二三年四月六日, 2023-04-06 / 2023.4.6 / 2023/4/6.
ANY_DATE_RE = re.compile(
    r"(?:((?:19|20)\d{2}|[二〇○零一三四五六七八九]{4})\s?年\s?)?([\d一二三四五六七八九十]{1,3})\s?月\s?"
    r"([\d一二三四五六七八九十]{1,3})\s?[日号]"
    r"|(?<![\d.])((?:19|20)\d{2})([-./])(\d{1,2})\5(\d{1,2})(?![\d.])")
# Giving the feedback (…向某某党组反馈了巡视意见, 反馈会于…, 反馈时间：…), not 反馈意见整改 or 反馈问题.
FEEDBACK_RE = re.compile(r"反馈(?:了|巡[视察]意见|意见(?!整改|的整改|落实|的落实|指出|中|清单)|会|时间|日期|于|$)"
                         r"|(?:进行|作|作出)了?反馈|予以反馈|集中反馈")
FEEDBACK_GAP_RE = re.compile(r"\s*(?:为|是|于|在|[：:])?\s*")
RANGE_SEP_RE = re.compile(r"\s*起?\s*(?:至|到|—{1,2}|－{1,2}|-{1,2}|~|～|–)\s*")
TIME_RE = re.compile(r"\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")
URL_RE = re.compile(r"(?:https?://|www\.)[\x21-\x7e]+")

# Numbered headings of every family: never a title; the preamble ends at the first one.
HEADING_RE = re.compile(
    rf"^(?:[{CN}百]+\s*[、.．]|[（(]\s*[{CN}\d]+\s*[）)]|\d{{1,3}}\s*[.．、)）](?!\d)|[①-⑳]"
    rf"|第[{CN}]+(?:部分|章|节|篇)|问题[{CN}\d]+\s*[：:、]|[{CN}]+是|第[{CN}]+[，,、])")
SENTENCE_RE = re.compile(r"[。；;！？!?，,]")
TITLE_END_RE = re.compile(r"(?:通报|报告|情况|公告|公示|通知|说明)$")
GENRE_RE = re.compile(r"巡[视察]|整改")
PREAMBLE_RE = re.compile(r"^(?:根据|按照|依据|遵照|为深入|为切实|近日|日前)")
CONTENTS_RE = re.compile(r"^目\s*录\s*[：:]?$")

# Page furniture: keys of the lines a web page prints around the text.
SOURCE_KEYS = ("信息来源", "文章来源", "稿件来源", "来源", "稿源")
PUBLISHED_KEYS = ("发布时间", "发布日期", "发表时间", "发稿时间", "更新时间", "成文日期", "时间", "日期")
FIELD_KEY_RE = re.compile(
    r"(信息来源|文章来源|稿件来源|来源|稿源|发布时间|发布日期|发表时间|发稿时间|更新时间|成文日期|时间|日期"
    r"|作者|责任编辑|编辑|审核|校对|浏览次数|浏览量|浏览|点击数|点击量|点击|阅读量|阅读次数|阅读|访问量"
    r"|字号|字体|索引号|发布机构|发文机关|发布单位|网址|原文链接|本文链接|链接|分享到|分享)\s*[：:]")
FURNITURE_START_RE = re.compile(
    r"^[【\[]?\s*(?:(?:信息来源|文章来源|稿件来源|来源|稿源|发布时间|发布日期|发表时间|发稿时间|更新时间|成文日期"
    r"|时间|日期|作者|责任编辑|编辑|审核|校对|浏览次数|浏览量|浏览|点击数|点击量|点击|阅读量|阅读次数|阅读|访问量"
    r"|字号|字体|索引号|发布机构|发文机关|发布单位|网址|原文链接|本文链接|链接|分享到|分享|当前位置|您的位置"
    r"|您现在的位置|您当前的位置|所在位置)\s*[：:】\]]|打印本页|关闭窗口|返回顶部|收藏本页|打印此页)")
BRACKETS_ONLY_RE = re.compile(r"(?:\s*[【\[][^】\]【\[]{0,20}[】\]])+\s*")
BREADCRUMB_START_RE = re.compile(r"^(?:首页|主页|网站首页|当前位置|您的位置|您现在的位置|您当前的位置|所在位置)")
BREADCRUMB_SEP = ">＞»›→"
CONTINUATION_RE = re.compile(r"^[（(](?:下转|转|接)第?[\d一二三四五六七八九十]+版[）)]$|^[（(]未完待续[）)]$")

# key：value metadata lines (被巡察单位：…, 巡视组：…, 巡察时间：…, 反馈时间：…).
KV_KEY_AT_RE = re.compile(rf"(?:^|[\s\u3000]+)([{HAN}]{{2,10}})\s*[：:][\s\u3000]*")
KV_KEY_RE = re.compile(r"巡[视察]|反馈|被|轮次|进驻")

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
UNIT_BAD_START = ("联系", "欢迎", "地址", "通信", "电话", "邮编", "邮箱", "电子", "举报", "附件", "注")


def iso_date(y: int, m: int, d: int) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


@dataclass
class Metadata:
    """Everything read around the text: the report's metadata and the page's.

    ``first`` is the index of the first body paragraph (the preamble, or the first heading when there is none);
    ``header`` the page furniture before the text (breadcrumb, 来源 line, …), for a ``web_header`` anomaly;
    ``source``, ``published`` (ISO date, with ``THH:MM`` when the page gives a time) and ``url`` what the page
    says about itself; ``target`` the unit a ``被巡视单位：`` line names.
    """
    meta: ReportMeta
    first: int
    header: Span | None = None
    source: str = ""
    published: str = ""
    url: str = ""
    target: str = ""
    source_span: Span | None = None
    published_span: Span | None = None
    url_span: Span | None = None
    contents: Span | None = None
    furniture: list[Span] = field(default_factory=list)


def parse_meta(text: str, paras: list[Span]) -> tuple[ReportMeta, int]:
    """Title, issuer and the inspection facts of the opening; returns (meta, index of first body paragraph)."""
    md = read_metadata(text, paras)
    return md.meta, md.first


# ---------------------------------------------------------------------------------------------------------
# small helpers


def _mask(s: str) -> str:
    """``s`` with the inside of every 《…》 replaced by □ (same length), so nothing is read from it."""
    if "《" not in s:
        return s
    out = list(s)
    depth, start = 0, -1
    for i, ch in enumerate(s):
        if ch == "《":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
            if depth == 0:
                for j in range(start + 1, i):
                    out[j] = "□"
        elif depth and i - start > BRACKET_MAX:
            depth = 0
    return "".join(out)


def _compact(s: str) -> str:
    return re.sub(r"[\s“”\"‘’'《》]", "", s)


def _date_value(m: re.Match) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of an :data:`ANY_DATE_RE` match; None when it is not a valid date."""
    try:
        if m.group(4):
            y, mo, d = int(m.group(4)), int(m.group(6)), int(m.group(7))
        else:
            y = cn_int(m.group(1)) if m.group(1) else None
            mo, d = cn_int(m.group(2)), cn_int(m.group(3))
    except ValueError:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31) or (y is not None and not 1900 <= y <= 2199):
        return None
    return y, mo, d


def _date_only(s: str) -> str:
    """ISO date when ``s`` is a date and nothing else (2023年9月28日, 二〇二三年九月二十八日, 2023-09-28)."""
    s = s.strip()
    if len(s) > 26:
        return ""
    if s[:1] in "（(" and s[-1:] in "）)":
        s = s[1:-1].strip()
    m = ANY_DATE_RE.fullmatch(s)
    v = _date_value(m) if m else None
    return iso_date(*v) if v and v[0] is not None else ""


class _Dates:
    """Reads dates in order; a date without a year takes it from the dates before it (the next year when its
    month is smaller than the one before), or else from ``ref`` (the signature's or the page's date)."""

    def __init__(self, ref: str = "") -> None:
        self.year: int | None = None
        self.month = 0
        self.ref = ref

    def resolve(self, v: tuple[int | None, int, int]) -> str:
        y, mo, d = v
        if y is None:
            if self.year is not None:
                y = self.year + (1 if mo < self.month else 0)
            elif self.ref:
                ry, rm, rd = (int(x) for x in self.ref[:10].split("-"))
                y = ry if (mo, d) <= (rm, rd) else ry - 1
            else:
                return ""
        self.year, self.month = y, mo
        return iso_date(y, mo, d)

    def scan(self, s: str, offset: int = 0) -> list[tuple[int, int, str]]:
        """[(start, end, iso)] of the dates in ``s`` (offsets + ``offset``), years filled in."""
        out = []
        for m in ANY_DATE_RE.finditer(s):
            v = _date_value(m)
            if v is None:
                continue
            iso = self.resolve(v)
            if iso:
                out.append((offset + m.start(), offset + m.end(), iso))
        return out


def _ranges(s: str, dates: list[tuple[int, int, str]], offset: int = 0) -> list[tuple[int, int]]:
    """Index pairs (i, i+1) of ``dates`` joined by 至/到/— in ``s``."""
    out = []
    for i in range(len(dates) - 1):
        a, b = dates[i], dates[i + 1]
        gap = s[a[1] - offset:b[0] - offset]
        if len(gap) <= 6 and RANGE_SEP_RE.fullmatch(gap):
            out.append((i, i + 1))
    return out


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


# ---------------------------------------------------------------------------------------------------------
# line kinds


def _is_breadcrumb(s: str) -> bool:
    if len(s) > 120 or "。" in s:
        return False
    seps = sum(s.count(c) for c in BREADCRUMB_SEP)
    return seps >= 2 or seps >= 1 and bool(BREADCRUMB_START_RE.match(s))


def _is_furniture(s: str) -> bool:
    """A line a web page prints around the text: breadcrumb, 来源/发布时间/字号 line, 【打印本页】, a URL, a date."""
    if not s or len(s) > 300:
        return False
    if _is_breadcrumb(s) or BRACKETS_ONLY_RE.fullmatch(s) or _date_only(s) or CONTINUATION_RE.match(s):
        return True
    if "。" in s[:-1]:
        return False
    m = FURNITURE_START_RE.match(s)
    if m:
        key = m.group(0)
        # 时间：/日期： alone is furniture, but not a period (巡视时间 lines are key：value metadata)
        return not (re.match(r"^[【\[]?\s*(?:时间|日期)", key) and re.search("至|到", s))
    return bool(URL_RE.match(s)) or bool(re.match(r"^(?:网址|链接|原文|本文)", s) and URL_RE.search(s))


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


def _is_unit(s: str) -> bool:
    """A signature's unit line: a short name, no punctuation, no heading marker."""
    return (2 <= len(s) <= 40 and not re.search(r"[。，,；;：:！？!?]", s) and not HEADING_RE.match(s)
            and not s.startswith(UNIT_BAD_START) and not _is_furniture(s))


# ---------------------------------------------------------------------------------------------------------
# the reader


class _Reader:
    def __init__(self, text: str, paras: list[Span]) -> None:
        self.text = text
        self.paras = paras
        self.md = Metadata(meta=ReportMeta(title="", issuer=""), first=0)
        self._lines: dict[int, str] = {}

    def line(self, i: int) -> str:
        """Paragraph ``i`` stripped and masked (《…》 inside as □)."""
        s = self._lines.get(i)
        if s is None:
            ps = self.paras[i]
            raw = self.text[ps.start:ps.end]
            s = _mask(raw.strip()) if len(raw) <= 2000 else _mask(raw.strip()[:2000])
            self._lines[i] = s
        return s

    def lstart(self, i: int) -> int:
        """Offset of the first non-blank character of paragraph ``i``."""
        ps = self.paras[i]
        raw = self.text[ps.start:ps.end]
        return ps.start + (len(raw) - len(raw.lstrip()))

    # -- page furniture ---------------------------------------------------------------------------------

    def furniture_fields(self, i: int) -> None:
        """Keep 来源, 发布时间 and a URL of furniture line ``i`` (the first of each found)."""
        s, base, md = self.line(i), self.lstart(i), self.md
        keys = list(FIELD_KEY_RE.finditer(s))
        for k, m in enumerate(keys):
            key = m.group(1)
            vs = m.end()
            ve = keys[k + 1].start() if k + 1 < len(keys) else len(s)
            raw = s[vs:ve]
            value = raw.strip(" \u3000\t【】[]|｜")
            if not value:
                continue
            off = vs + (len(raw) - len(raw.lstrip(" \u3000\t【】[]|｜")))
            if key in SOURCE_KEYS and not md.source:
                tok = re.match(r"[^\s\u3000|｜]+", value)
                if tok:
                    md.source, md.source_span = tok.group(0), Span(base + off, base + off + tok.end())
                    rest = value[tok.end():]
                    d = ANY_DATE_RE.search(rest)
                    if d and not md.published:
                        self.set_published(rest, d, base + off + tok.end())
            elif key in PUBLISHED_KEYS and not md.published:
                d = ANY_DATE_RE.search(value)
                if d and d.start() <= 2:
                    self.set_published(value, d, base + off)
        if not keys and not md.published:
            d = ANY_DATE_RE.fullmatch(s.strip())
            if d:
                self.set_published(s, d, base)
        u = URL_RE.search(s)
        if u and not md.url:
            md.url, md.url_span = u.group(0).rstrip("。，,；;）)】"), Span(base + u.start(), base + u.end())

    def set_published(self, s: str, d: re.Match, base: int) -> None:
        v = _date_value(d)
        if not v or v[0] is None:
            return
        iso, end = iso_date(*v), d.end()
        t = TIME_RE.match(s, d.end())
        if t and int(t.group(1)) < 24 and int(t.group(2)) < 60:
            iso += f"T{int(t.group(1)):02d}:{t.group(2)}" + (f":{t.group(3)}" if t.group(3) else "")
            end = t.end()
        self.md.published, self.md.published_span = iso, Span(base + d.start(), base + end)

    # -- contents list ----------------------------------------------------------------------------------

    def skip_contents(self, i: int, limit: int) -> int:
        """Index after the contents list whose 目录 line is ``i``: short heading lines, up to a title, a
        sentence, a key：value line, or an entry printed again (the body's first heading)."""
        seen: set[str] = set()
        j = i + 1
        while j < limit and j - i <= CONTENTS_MAX:
            s = self.line(j)
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

    # -- the head -----------------------------------------------------------------------------------------

    def head(self) -> None:
        """Furniture, contents, title (wrapped, printed twice), key：value lines; sets ``first``."""
        md, paras = self.md, self.paras
        limit = min(len(paras), HEAD_LINES)
        before: list[int] = []      # lines before the title that are neither furniture nor contents
        furniture: list[int] = []
        title_lines: list[int] = []
        kv_lines: list[int] = []
        i = 0
        while i < limit:
            s = self.line(i)
            if not s:
                i += 1
            elif _is_furniture(s):
                furniture.append(i)
                i += 1
            elif CONTENTS_RE.match(s):
                j = self.skip_contents(i, limit)
                md.contents = Span(paras[i].start, paras[j - 1].end)
                i = j
            elif _is_strong_title(s):
                title_lines = [i]
                # wrapped: …党组 / 关于…的通报  (the line before is the start of this one)
                if before and before[-1] == i - 1 and _is_title_like(self.line(i - 1)) and \
                        not TITLE_END_RE.search(self.line(i - 1)) and self._continues(self.line(i - 1), s):
                    title_lines = [i - 1, i]
                    before.pop()
                # wrapped: …关于二十届中央第二轮 / 巡视整改进展情况的通报
                if not TITLE_END_RE.search(s) and i + 1 < limit:
                    nxt = self.line(i + 1)
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
            first_line = self.line(before[0])
            if GENRE_RE.search(first_line) or "通报" in first_line:
                title_lines = [before.pop(0)]
                i = max(i, title_lines[-1] + 1)
        if title_lines:
            title = "".join(self.text[self.lstart(k):paras[k].end].rstrip() for k in title_lines)
            i, title_lines = self.set_title(title_lines, title, limit, furniture)
        furniture_before = [k for k in furniture if not title_lines or k < title_lines[0]] + before
        # after the title: the report's date （2023年10月25日）, furniture, key：value lines, a contents list,
        # until the text begins
        while i < limit:
            s = self.line(i)
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
                j = self.skip_contents(i, limit)
                md.contents = Span(paras[i].start, paras[j - 1].end)
                i = j
            else:
                break
        md.first = i if i < len(paras) else len(paras)
        for k in furniture:
            self.furniture_fields(k)
        md.furniture = [paras[k] for k in sorted(furniture)]
        run = sorted(furniture_before) or sorted(k for k in furniture if not title_lines or k > title_lines[-1])
        if run and (furniture or before):
            md.header = Span(paras[run[0]].start, paras[run[-1]].end)
        self.kv_lines = kv_lines

    @staticmethod
    def _continues(a: str, b: str) -> bool:
        """Whether title line ``b`` continues ``a`` (a wrapped title), not a new title after a site name."""
        if b.startswith(("关于", "巡视", "巡察", "整改", "落实", "对", "第", "贯彻")):
            return True
        return "关于" in a and "关于" not in b

    def set_title(self, lines: list[int], title: str, limit: int, furniture: list[int]) -> tuple[int, list[int]]:
        """Set the title from ``lines``; skip it printed again; return the index after it and the title's lines
        (the article's title when the page's, with the site's name, came first)."""
        md, paras = self.md, self.paras
        i = lines[-1] + 1
        norm = _compact(title)
        while i < limit:
            nxt = self.line(i)
            if not nxt:
                i += 1
                continue
            c = _compact(self.text[self.lstart(i):paras[i].end])
            if c == norm:
                i += 1
                continue
            if i + 1 < limit and c and norm.startswith(c) and c + _compact(self.text[paras[i + 1].start:paras[i + 1].end]) == norm:
                i += 2
                continue
            # the page title carries the site's name: 中共…的通报_某某网 / then the article's title
            if len(c) >= 8 and norm.startswith(c) and norm[len(c)] in "_|｜-—–·" and _is_strong_title(nxt):
                furniture.extend(lines)
                lines, title, norm = [i], self.text[self.lstart(i):paras[i].end].rstrip(), c
                i += 1
                continue
            break
        md.meta.title = title
        pieces = [(self.lstart(k), paras[k].end) for k in lines]
        md.meta.title_span = Span(pieces[0][0], pieces[-1][1])
        self.title_pieces = pieces
        return i, lines

    def title_offset(self, pos: int) -> int:
        """Text offset of position ``pos`` of the (joined) title."""
        for start, end in self.title_pieces:
            n = len(self.text[start:end].rstrip())
            if pos <= n:
                return start + pos
            pos -= n
        return self.title_pieces[-1][1]

    # -- the facts ----------------------------------------------------------------------------------------

    def facts(self) -> None:
        md, meta, paras, text = self.md, self.md.meta, self.paras, self.text
        title_m = _mask(meta.title)
        sig_unit, sig_span, sig_date = self.signature()
        meta.date = sig_date or meta.date
        dates = _Dates(ref=meta.date or md.published[:10])
        # the issuer: in the title, else the signature
        if title_m:
            cut = self.title_issuer(title_m)
            if cut:
                meta.issuer = meta.title[:cut]
                meta.issuer_span = Span(self.title_offset(0), self.title_offset(cut))
        if not meta.issuer and sig_unit:
            meta.issuer, meta.issuer_span = sig_unit, sig_span
        # the round: numbered in the title, then numbered in the key：value lines and the preamble,
        # then without a number
        rnd = _find_round(title_m, numbered_only=True)
        if rnd:
            self.set_round(meta.title[rnd[0]:rnd[1]], Span(self.title_offset(rnd[0]), self.title_offset(rnd[1])))
        # key：value lines
        feedback_fixed = False
        for key, value, base in [(key, value, self.lstart(k) + voff)
                                 for k in self.kv_lines for key, value, voff in _kv(self.line(k))]:
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
                    self.set_round(raw_value, Span(base, base + len(value)))
            elif key.endswith("组") and "组长" not in key:
                if not meta.inspector:
                    tm = _find_team(value)
                    a, b = tm if tm else (0, len(value))
                    meta.inspector, meta.inspector_span = raw_value[a:b], Span(base + a, base + b)
        # the preamble: paragraphs up to the first numbered heading
        intro = []
        for k in range(md.first, min(len(paras), md.first + INTRO_PARAS)):
            s = self.line(k)
            if HEADING_RE.match(s):
                break
            if s:
                intro.append(k)
        plain_team = None
        for k in intro:
            s, base = self.line(k), self.lstart(k)
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
                    self.set_round(text[base + rnd[0]:base + rnd[1]], Span(base + rnd[0], base + rnd[1]))
            found = dates.scan(s, base)
            rg = _ranges(s, found, base)
            in_range: set[int] = set()
            if rg and not meta.start:
                a, b = found[rg[0][0]], found[rg[0][1]]
                meta.start, meta.end, meta.dates_span = a[2], b[2], Span(a[0], b[1])
            for x, y in rg:
                in_range.update((x, y))
            if not meta.feedback and not feedback_fixed:
                meta.feedback = self.feedback(s, base, found, in_range)
        if not meta.inspector and title_m:
            m = TEAM_RE.search(title_m)
            if m:
                b = _back_name(title_m, m.start())
                meta.inspector = meta.title[b:m.end()]
                meta.inspector_span = Span(self.title_offset(b), self.title_offset(m.end()))
        if not meta.inspector and plain_team:
            meta.inspector, meta.inspector_span = plain_team
        if not meta.round:
            rnd = _find_round(title_m, title=True)
            if rnd:
                self.set_round(meta.title[rnd[0]:rnd[1]], Span(self.title_offset(rnd[0]), self.title_offset(rnd[1])))
        if not meta.round:
            for k in intro:
                rnd = _find_round(self.line(k))
                if rnd:
                    base = self.lstart(k)
                    self.set_round(text[base + rnd[0]:base + rnd[1]], Span(base + rnd[0], base + rnd[1]))
                    break
        if not meta.issuer and md.target:
            meta.issuer = md.target

    def set_round(self, value: str, span: Span) -> None:
        self.md.meta.round, self.md.meta.round_span = value, span

    @staticmethod
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

    @staticmethod
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

    # -- the end ------------------------------------------------------------------------------------------

    def signature(self) -> tuple[str, Span | None, str]:
        """(unit, its span, ISO date) of the signature at the end: a unit line, then a date line (or both on
        one line). Furniture after it (责任编辑, 【打印本页】, 来源 line) is skipped and its fields kept."""
        paras = self.paras
        k = len(paras) - 1
        seen = 0
        date = ""
        while k >= self.md.first and seen < TAIL_LINES:
            s = self.line(k)
            if not s:
                k -= 1
                continue
            seen += 1
            d = _date_only(s)
            if d and not date:
                date = d
                k -= 1
                continue
            if date:
                if _is_unit(s):
                    st = self.lstart(k)
                    return self.text[st:paras[k].end].rstrip(), Span(st, st + len(s)), date
                return "", None, date
            if _is_furniture(s):
                self.furniture_fields(k)
                k -= 1
                continue
            m = ANY_DATE_RE.search(s, max(0, len(s) - 20))
            if m and m.end() == len(s) and m.start() >= 2:
                v = _date_value(m)
                unit = s[:m.start()].rstrip(" \u3000")
                if v and v[0] is not None and _is_unit(unit):
                    st = self.lstart(k)
                    return self.text[st:st + len(unit)], Span(st, st + len(unit)), iso_date(*v)
            return "", None, ""
        return "", None, date


def read_metadata(text: str, paras: list[Span]) -> Metadata:
    """Title, issuer, inspection facts, the index of the first body paragraph, and the page's furniture
    (header span, 来源, 发布时间, URL) of a normalized report text split into ``paras`` (one per line)."""
    r = _Reader(text, paras)
    if not paras:
        return r.md
    r.head()
    r.facts()
    return r.md


__all__ = ["DATE_RE", "SHORT_DATE_RE", "TITLE_RE", "Metadata", "iso_date", "parse_meta", "read_metadata"]
