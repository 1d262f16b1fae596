"""Resolve entity mentions to entities: merge aliases, pick a canonical name, find parents.

Generic rules (no per-report lists):

* the issuer (``中共X党组`` / ``中共X委员会``) is also named ``X党组`` / ``X党委``, by an
  abbreviation of X (``中国作协党组``), or bare (``党组``, ``部党组``, ``学校党委``); a
  committee at a level (``中共桐崖县委``) is also ``桐崖县委`` and ``县委``, and ``县委组织部``
  is one unit (not ``组织部`` of ``县委``);
  its body ``X`` (the ministry, association or university) is an entity of its own,
  the parent of the issuer; standard abbreviations (``中国作协`` → ``中国作家协会``,
  ``kg/lexicon/organs.txt``) and the pattern ``中国A协`` ↔ ``中国A…协会`` name the body;
* the inspection team named in the opening (``中央第六巡视组``, ``教育部党组第四巡视组``)
  is what ``中央巡视组`` / ``巡视组`` refer to; ``领导小组`` is the 巡视整改 leading group
  named before;
* a unit named with the body in front (``中国作协机关纪委``) and without it (``机关纪委``)
  is one unit; its canonical name is the form seen first in the text;
* a doubled slip (``中国作协作协青年工作委员会``) is read without the doubling;
* ``A`` + ``B`` where ``A`` is another unit of the text and ``B`` a unit name
  (``办公厅计财处``) gives unit ``B`` with parent ``A``.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from kg.extract.documents import DEFINED_SHORT_RE
from kg.extract.lexicon import committee_place, issuer_parts, organs, vocab
from kg.extract.numerals import cn_number
from kg.model import Entity, EntityMention

INSPECTOR_RE = re.compile(r"第[一二三四五六七八九十\d]+(?:巡视|巡察)(?:小)?组|(?:巡视|巡察)[一二三四五六七八九十\d]+组")
ORDINAL_IN_RE = re.compile(r"第[一二三四五六七八九十\d]+")
# a party branch is named with the unit it sits in (…有限公司清溪工厂党支部, …保健院儿科党支部)
BRANCH_WORDS = ("党支部", "党总支", "支部")
ISSUER_RE = re.compile(r"(中共[\u4e00-\u9fff（）]{2,30}?(?:党组|委员会|党委|党工委))(?:关于|$)")
NORM_RE = re.compile(r"[“”‘’\"'《》\s·・]")
DOUBLED_RES = tuple(re.compile(r"([\u4e00-\u9fff]{%d})\1" % n) for n in (4, 3, 2))
ASSOCIATION_ABBR_RE = re.compile(r"中国[\u4e00-\u9fff]{1,4}协(?!会)")
SHORT_ASSOCIATION_RE = re.compile(r"中国[\u4e00-\u9fff]{1,3}协")
ISSUER_TAIL_RE = re.compile(r"(党组|党委)$")
BARE_TEAM_RE = re.compile(r"(?:中央)?(?:巡视|巡察)组")
LEVEL_COMMITTEE_RE = re.compile(r"(?:.{0,8}[省市县区州旗])?[省市县区州旗](?:委|纪委|纪委监委|政府)")
GROUP_RE = re.compile(r"(?:巡视|巡察|集中)整改")
PARTY_OFFICE_RE = re.compile(r"(党组|党委)(办公室|组织部|宣传部|统战部|教师工作部|学生工作部|常委会|.{0,4}中心组)$")
EDITION_RE = re.compile(r"第([一二三四五六七八九十百\d]+)届$")
GRADE_RE = re.compile(r"([一二三特]等奖)(\d+|[一二两三四五六七八九十]+)?项?")


def key_of(name: str) -> str:
    """Deterministic ASCII slug of a canonical name (16 hex digits of sha1)."""
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:16]


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    return NORM_RE.sub("", s)


def issuer_from_text(text: str) -> str:
    """``中共…党组`` / ``中共…委员会`` at the start of the report (its title)."""
    for line in text.splitlines()[:6]:
        m = ISSUER_RE.search(line.strip())
        if m:
            return m.group(1)
    m = ISSUER_RE.search(text[:400])
    return m.group(1) if m else ""


@lru_cache(maxsize=1 << 16)
def undouble(name: str) -> str:
    """Remove a doubled chunk of 2–4 characters: 中国作协作协青年… → 中国作协青年…"""
    for doubled in DOUBLED_RES:
        m = doubled.search(name)
        if m:
            return name[:m.start()] + m.group(1) + name[m.end():]
    return name


def is_abbreviation(short: str, full: str) -> bool:
    """``中国作协`` abbreviates ``中国作家协会``: the organs table, or 中国A协 ↔ 中国A…协会,
    or the short form is an in-order subsequence of the full name ending on its last word."""
    if short == full or not short or not full:
        return False
    if organs().get(short) == full:
        return True
    if short.endswith("协") and full.endswith("协会"):
        return _subseq(short[:-1], full[:-2]) and short[0] == full[0]
    # 省科技厅 ↔ 江南省科学技术厅: same unit word at the end, the rest in order
    core = short[1:] if short[0] in "省市区县州" else short
    return (len(short) >= 3 and len(core) >= 3 and short[-1] == full[-1] and len(short) < len(full)
            and _subseq(short[:-1], full[:-1]) and core[0] in full[:-1]
            and short not in vocab()["unit_heads"] and short not in vocab()["generic_alone"])


def _subseq(a: str, b: str) -> bool:
    it = iter(b)
    return all(ch in it for ch in a)


class _Context:
    """What one report says about its own organisations: issuer, body, team, group."""

    def __init__(self, mentions: list[EntityMention], issuer: str, text: str):
        self.text = text
        self.issuer = issuer or issuer_from_text(text)
        self.body, self.issuer_tail = issuer_parts(self.issuer)
        self.place = committee_place(self.issuer)     # 中共桐崖县委 → 桐崖县: also 桐崖县委, 县委
        orgs = [x for x in mentions if x.kind == "organization"]
        self.defined = self._defined_short_forms(orgs)     # short form → the name it is defined for
        self.body_alias = self._body_aliases({x.text for x in orgs})
        self.aliases_longest_first = sorted(self.body_alias, key=lambda x: (-len(x), x))
        self.issuer_local = self._issuer_local_names()
        self.inspector, self.group = self._team_and_group(orgs)
        self._local: dict[str, tuple[str, str]] = {}      # name → local(name)

    def _defined_short_forms(self, orgs: list[EntityMention]) -> dict[str, str]:
        """Short forms the text defines right after a name (江陵省文学艺术界联合会（以下简称省文联）,
        镇党政办公室（简称党政办）): the short form → that name (the body's full name when the text
        before ends with it, else the organisation mention ending there)."""
        ends = {m.span.end: m.text for m in orgs}
        out: dict[str, str] = {}
        for m in DEFINED_SHORT_RE.finditer(self.text):
            short, at = m.group(1), m.start()
            if self.body and self.text[max(0, at - len(self.body)):at] == self.body:
                full = self.body
            else:
                full = ends.get(at, "")
            if full and short != full:
                out.setdefault(short, full)
        return out

    def _body_aliases(self, names: set[str]) -> set[str]:
        """The body, its abbreviations (table, pattern, or defined in the text) and its generic
        self-references."""
        body_alias = {self.body} if self.body else set()
        body_alias |= {s for s, full in self.defined.items() if full == self.body}
        for abbr, full in organs().items():
            if full == self.body:
                body_alias.add(abbr)
        for n in {self.strip_issuer_tail(x) for x in names} | set(ASSOCIATION_ABBR_RE.findall(self.text)):
            if self.body and is_abbreviation(n, self.body):
                body_alias.add(n)
        for a in list(body_alias):
            if SHORT_ASSOCIATION_RE.fullmatch(a):
                body_alias.add(a[2:])           # 作协
        if self.body.endswith(("大学", "学院", "学校")):
            body_alias |= {"学校", "校"}
        elif self.body.endswith("部"):
            body_alias.add("部")
        elif self.body.endswith(("院", "局", "署", "会", "委")):
            body_alias.add(self.body[-1])
        return {a for a in body_alias if a}

    def _issuer_local_names(self) -> set[str]:
        """Bare names of the issuer (``党组``, ``部党组``) that fit its tail (党组 or 党委)."""
        issuer_local = set(vocab()["issuer_aliases"]) | {"党组", "党委"} if self.issuer else set()
        if self.issuer_tail == "党组":
            issuer_local = {a for a in issuer_local if "党委" not in a} | {"党组"}
        elif self.issuer_tail in ("委员会", "党委"):
            issuer_local = {a for a in issuer_local if "党组" not in a} | {"党委", "委员会"}
        if self.place:
            issuer_local = {self.place + "委", self.place[-1] + "委"}
        return issuer_local

    def _team_and_group(self, orgs: list[EntityMention]) -> tuple[str, str]:
        """The inspection team and the 巡视整改 leading group first named in the text."""
        in_order = sorted(orgs, key=lambda x: x.span.start)
        inspector = next((undouble(x.text) for x in in_order if INSPECTOR_RE.search(x.text)), "")
        group = next((x.text for x in in_order if x.text.endswith("领导小组") and GROUP_RE.search(x.text)), "")
        if group:
            # the shortest full form: strip a body prefix
            group = self.strip_body(group)
        return inspector, group

    @staticmethod
    def strip_issuer_tail(name: str) -> str:
        """The name without a final ``党组`` / ``党委``."""
        return ISSUER_TAIL_RE.sub("", name)

    def strip_body(self, name: str) -> str:
        """The name without a leading alias of the body (longest alias first)."""
        for a in self.aliases_longest_first:
            if len(a) >= 2 and name.startswith(a) and len(name) > len(a) + 1:
                return name[len(a):]
        return name

    def local(self, name: str) -> tuple[str, str]:
        """(group key, role) of an organisation name: role is issuer/body/inspector/group/unit."""
        out = self._local.get(name)
        if out is None:
            out = self._local[name] = self._classify(name)
        return out

    def _classify(self, name: str) -> tuple[str, str]:
        """Uncached :meth:`local`."""
        name = undouble(name)
        if name == self.issuer:
            return "issuer", "issuer"
        if name in self.body_alias or name == self.body:
            return "body", "body"
        if self.inspector and INSPECTOR_RE.search(name):
            if name == self.inspector or self.inspector.endswith(name) or name.endswith(self.inspector):
                return "inspector", "inspector"
        elif BARE_TEAM_RE.fullmatch(name):
            return "inspector", "inspector"
        if name in self.defined:      # a defined short form is its name's alias, whatever its shape
            return self.local(self.defined[name])
        loc = self.strip_body(name)
        if loc in self.defined and loc != name:
            return self.local(self.defined[loc])
        if loc in self.issuer_local or (loc[:1] in self.body_alias and loc[1:] in self.issuer_local):
            return "issuer", "issuer"
        if self.group and (loc == self.group or loc == "领导小组" or loc == "工作领导小组"
                           or (loc.endswith("领导小组") and self.group.endswith(loc))):
            return "group", "group"
        if self.group and loc.startswith("领导小组") and loc != "领导小组":
            loc = self.group + loc[len("领导小组"):]
        elif self.group and self.group in loc and not loc.startswith(self.group):
            loc = loc[loc.index(self.group):]
        return "unit:" + loc, "unit"


def _split_unit(loc: str, prefixes: set[str], ctx: _Context) -> tuple[str, str] | None:
    """``(A, B)`` when ``loc`` is A + B: A the longest of ``prefixes`` (units of the text, own
    unit words) it starts with, B (two or more characters) a unit name ending in a unit word
    or character, and written on its own in the text (a unit of the text or a unit word: 组织联络部 is
    not 组织 + 联络部 unless 联络部 is named alone). A short form the text defines (党政办 for
    党政办公室) is never A. At most one prefix has a given length, so lengths are tried longest first."""
    v = vocab()
    for n in range(len(loc) - 2, 1, -1):
        a = loc[:n]
        if a in prefixes and not LEVEL_COMMITTEE_RE.fullmatch(a) and a not in ctx.defined \
                and (loc[n:] in prefixes or loc[n:] in v["unit_heads"]):     # 市委组织部 is one name
            b = loc[n:]
            if b.startswith(("驻", "派驻")) or ORDINAL_IN_RE.search(b) or b.endswith(BRANCH_WORDS):
                continue        # 第一党支部, 清溪工厂党支部, 驻联络协调部纪检监察组: not a unit without A
            if b not in v["generic_alone"] and ctx.local(b)[1] == "unit" and b.endswith(_unit_endings()):
                return a, b
    return None


@lru_cache(maxsize=1)
def _unit_endings() -> tuple[str, ...]:
    v = vocab()
    return tuple(v["unit_heads"] | v["unit_suffix_chars"])


Key = tuple[str, str]       # (kind, group key): one entity while resolving
ORG = "organization"


class _Resolver:
    """The entities of one report, built pass by pass over its :class:`_Context`."""

    def __init__(self, mentions: list[EntityMention], ctx: _Context):
        self.mentions = mentions
        self.ctx = ctx
        self.ents: dict[Key, Entity] = {}
        self.first_form: dict[Key, str] = {}      # unit → the form seen first in the text
        self.parents: dict[Key, Key] = {}

    def get(self, kind: str, gkey: str, name: str) -> Entity:
        """The entity of (kind, gkey), made with ``name`` the first time."""
        k = (kind, gkey)
        if k not in self.ents:
            self.ents[k] = Entity(kind=kind, name=name, key="")
        return self.ents[k]

    def add_organizations(self) -> None:
        """Group organisation mentions by local key, in text order; split A + B units."""
        ctx = self.ctx
        orgs = sorted((m for m in self.mentions if m.kind == ORG), key=lambda m: m.span.start)
        prefixes = self._split_prefixes(orgs)
        for m in orgs:
            gkey, role = ctx.local(m.text)
            split = False
            if role == "issuer":
                e = self.get(ORG, gkey, ctx.issuer)
            elif role == "body":
                e = self.get(ORG, gkey, ctx.body or m.text)
            elif role == "inspector":
                e = self.get(ORG, gkey, ctx.inspector or undouble(m.text))
            elif role == "group":
                e = self.get(ORG, gkey, ctx.group)
            else:
                e, gkey, split = self._add_unit(m, gkey[5:], prefixes)
            e.mentions.append(m)
            self.first_form.setdefault((ORG, gkey), e.name if split else m.text)

    def _split_prefixes(self, orgs: list[EntityMention]) -> set[str]:
        """Candidate parents A of a name A + B: units of the text and own unit words (办公厅)."""
        ctx, v = self.ctx, vocab()
        unit_names = {ctx.local(m.text)[0][5:] for m in orgs if ctx.local(m.text)[1] == "unit"}
        own_heads = {h for h in v["unit_heads"] if len(h) >= 3 and h not in v["generic_alone"]
                     and ctx.local(h)[1] == "unit"}
        return unit_names | own_heads

    def _add_unit(self, m: EntityMention, loc: str, prefixes: set[str]) -> tuple[Entity, str, bool]:
        """(entity, group key, split?) of a unit mention with local name ``loc``; notes its parent."""
        ctx = self.ctx
        gkey = "unit:" + loc
        # A + B: 办公厅计财处 → 计财处, unit of 办公厅
        split = _split_unit(loc, prefixes, ctx)
        if split:
            a, b = split
            gkey = "unit:" + b
            e = self.get(ORG, gkey, b)
            self.parents[(ORG, gkey)] = (ORG, "unit:" + a)
            self.get(ORG, "unit:" + a, a)
            self.first_form.setdefault((ORG, "unit:" + a), a)
        else:
            fixed = undouble(m.text)
            e = self.get(ORG, gkey, fixed)
            if ctx.body and fixed != loc and fixed.startswith(tuple(ctx.body_alias)):
                self.parents.setdefault((ORG, gkey), (ORG, "body"))
            elif loc != fixed and ctx.group and loc.startswith(ctx.group) and loc != ctx.group:
                self.parents.setdefault((ORG, gkey), (ORG, "group"))
        if ctx.group and gkey[5:].startswith(ctx.group) and gkey[5:] != ctx.group:
            self.parents.setdefault((ORG, gkey), (ORG, "group"))
        return e, gkey, bool(split)

    def add_issuer_body(self) -> None:
        """The issuer's body exists whenever the issuer does, as the issuer's parent."""
        ctx = self.ctx
        if ctx.issuer and ctx.body:
            if (ORG, "issuer") not in self.ents:
                self.get(ORG, "issuer", ctx.issuer)
            self.get(ORG, "body", ctx.body)
            self.parents[(ORG, "issuer")] = (ORG, "body")

    def attach_prefixed_units(self) -> None:
        """Units written with the body in front anywhere (titles too, 中国作协机关纪委) are the body's."""
        ctx = self.ctx
        written = self._prefixed_in_text()
        for (kind, gkey), e in self.ents.items():
            if kind != ORG or not gkey.startswith("unit:") or (ORG, gkey) in self.parents:
                continue
            loc = gkey[5:]
            for a in ctx.aliases_longest_first:
                if (len(a) >= 3 or a == ctx.body) and (a + loc) in written:
                    self.parents[(kind, gkey)] = (ORG, "body")
                    e.aliases.append(a + loc)
                    break
            else:
                if PARTY_OFFICE_RE.search(loc) and loc.startswith(("党组", "党委")):
                    self.parents[(kind, gkey)] = (ORG, "issuer")

    def _prefixed_in_text(self) -> set[str]:
        """Every body alias + unit name (A + loc) written in the text, found in one pass per alias over the
        alias's occurrences (linear in the text: not one search of the text per unit and alias)."""
        ctx = self.ctx
        locs = {gkey[5:] for kind, gkey in self.ents if kind == ORG and gkey.startswith("unit:")}
        lengths = sorted({len(x) for x in locs})
        out: set[str] = set()
        for a in ctx.aliases_longest_first:
            if not a:
                continue
            p = ctx.text.find(a)
            while p >= 0:
                q = p + len(a)
                out.update(a + ctx.text[q:q + n] for n in lengths if ctx.text[q:q + n] in locs)
                p = ctx.text.find(a, p + 1)
        return out

    def attach_inspector(self) -> None:
        """The inspection team's parent is the organ before its number: 教育部党组第四巡视组 → 教育部党组."""
        ctx = self.ctx
        if (ORG, "inspector") not in self.ents or not ctx.inspector:
            return
        pre = INSPECTOR_RE.split(ctx.inspector)[0]
        if not pre or pre == "中央":
            return
        for (kind, gkey), e in self.ents.items():
            if kind == ORG and e.name == pre:
                self.parents[(ORG, "inspector")] = (kind, gkey)
        if (ORG, "unit:" + pre) not in self.ents:
            self.get(ORG, "unit:" + pre, pre)
            self.parents[(ORG, "inspector")] = (ORG, "unit:" + pre)

    def add_others(self) -> None:
        """Group awards, activities and people by normalised name, in text order."""
        for m in sorted((m for m in self.mentions if m.kind != ORG), key=lambda m: m.span.start):
            name = m.text.strip() if m.kind == "activity" else m.text
            e = self.get(m.kind, _norm(name), name)
            e.mentions.append(m)
            if m.kind == "person" and m.role and (not e.role or len(m.role) > len(e.role)):
                e.role = m.role
            if m.kind == "award":
                self._award_facts(e, m)

    def _award_facts(self, e: Entity, m: EntityMention) -> None:
        """Edition (``第三届`` before the award), grade and count (``一等奖2项`` after) as facts."""
        text = self.ctx.text
        ed = EDITION_RE.search(text[max(0, m.span.start - 8):m.span.start])
        if ed:
            val = cn_number(ed.group(1))
            if val is not None:
                e.facts["edition"] = str(int(val))
        gr = GRADE_RE.match(text[m.span.end:m.span.end + 8])
        if gr:
            e.facts["grade"] = gr.group(1)
            if gr.group(2):
                e.facts["count"] = str(int(cn_number(gr.group(2)) or 0))

    def finish(self) -> list[Entity]:
        """Canonical names, keys, parents and aliases; then merge entities named alike."""
        by_key = self._name_and_key()
        return _merge_same_name([self._link(k, e, by_key) for k, e in by_key.items()])

    def _name_and_key(self) -> dict[Key, Entity]:
        """Units take the form seen first (undoubled) as their name; every entity its key."""
        by_key = {}
        for k, e in self.ents.items():
            if e.kind == ORG and k[1].startswith("unit:"):
                e.name = undouble(self.first_form.get(k, e.name))
            e.key = key_of(e.name)
            by_key[k] = e
        return by_key

    def _link(self, k: Key, e: Entity, by_key: dict[Key, Entity]) -> Entity:
        """Set the parent key, the sorted aliases and the mention order of one entity."""
        parents = self.parents
        if k in parents and parents[k] in by_key and by_key[parents[k]] is not e:
            e.parent = by_key[parents[k]].key
        forms = {m.text for m in e.mentions} | set(e.aliases)
        if k == (ORG, "body"):
            forms |= {a for a in self.ctx.body_alias if len(a) >= 3}
        e.aliases = sorted(f for f in forms if f != e.name)
        e.mentions.sort(key=lambda m: (m.span.start, m.span.end))
        return e


def _merge_same_name(entities: list[Entity]) -> list[Entity]:
    """One entity per (kind, canonical name), sorted: two groups with one name are merged."""
    merged: dict[tuple[str, str], Entity] = {}
    for e in sorted(entities, key=lambda e: (e.kind, e.name)):
        kk = (e.kind, e.name)
        if kk in merged:
            t = merged[kk]
            t.mentions = sorted(t.mentions + e.mentions, key=lambda m: (m.span.start, m.span.end))
            t.aliases = sorted(set(t.aliases) | set(e.aliases))
            t.parent = t.parent or e.parent
            t.facts.update(e.facts)
        else:
            merged[kk] = e
    return sorted(merged.values(), key=lambda e: (e.kind, e.name))


# -- names that stand on their own across reports ----------------------------------------

#: a name that starts with one of these names a national organ or body (中国作家协会, 中央第六巡视组,
#: 国家海洋信息中心, 中共某某党组): it stands on its own when the rest is more than a bare unit word
NATIONAL_PREFIXES = ("中国共产党", "中华人民共和国", "中共", "中国", "中华", "中央", "全国", "国家", "国务院",
                     "党中央", "最高人民")
#: a place name at the start: two or more characters and an administrative level (江南省, 桐崖县, 浦东新区)
PLACE_RE = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:特别行政区|自治区|自治州|自治县|省|市|州|县|区|旗)")
#: words around a level character that are not places (社区居委会, 东校区, 智慧城市, 建筑市场监管处)
NOT_PLACES = ("校区", "园区", "社区", "小区", "片区", "辖区", "城区", "景区", "厂区", "矿区", "营区", "院区",
              "库区", "展区", "专区", "分区", "禁区", "区域", "城市", "超市", "都市", "门市", "股市", "夜市", "集市",
              "上市", "市场", "市域", "县域")
LEVEL_CHARS = "省市县区州旗"
#: words in front of a unit that make it relative to the unit speaking (本单位, 我部, 该校, 所属单位)
RELATIVE_START = ("本", "我", "该", "其", "各", "所属", "下属", "直属", "驻", "派驻", "机关", "校", "院", "部", "局")
SHARED_PARTY_PREFIX_RE = re.compile(r"^(?:中共|中国共产党)(?!中央)(?=.{4})")


def is_self_standing(name: str, issuer: str = "") -> bool:
    """Does a unit name identify one unit on its own, whichever report names it?

    Yes when it contains a name of its own: a central organ or its standard abbreviation
    (``kg/extract/lexicon/organs.txt``: 教育部, 中央纪委国家监委, 中组部), a national prefix with more
    than a bare unit word after it (中国作家协会, 中央第六巡视组, 中共某某局党组), a place name
    (江南省科学技术厅, 桐崖县委), a university (江淮理工大学), the report's own issuer or its body
    (中共海洋事务部党组 → 海洋事务部), or one of those followed by more (教育部党组第四巡视组,
    中国作协机关纪委). No when it is only a generic unit word or a short relative form (办公室,
    机关纪委, 党组, 部党组, 领导小组, 计财处, 中央巡视组): those name a different unit in every report.

    >>> [is_self_standing(n) for n in ("中国作家协会", "中央纪委国家监委", "教育部", "教育部党组第四巡视组")]
    [True, True, True, True]
    >>> [is_self_standing(n) for n in ("办公室", "机关纪委", "党组", "领导小组", "计财处", "中央巡视组", "马克思主义学院")]
    [False, False, False, False, False, False, False]
    >>> is_self_standing("海洋事务部", issuer="中共海洋事务部党组"), is_self_standing("海洋事务部")
    (True, False)
    """
    n = unicodedata.normalize("NFKC", name).strip()
    if len(n) < 3:
        return False
    v = vocab()
    generic = v["unit_heads"] | v["generic_alone"] | v["issuer_aliases"] | v["not_units"]
    own = {issuer, issuer_parts(issuer)[0]} - {""} if issuer else set()
    table = organs()
    if n in own or n in table or n in table.values():
        return True
    if n in generic or BARE_TEAM_RE.fullmatch(n) or n.startswith(tuple(v["class_modifiers"])):
        return False
    # a known name followed by more: 教育部党组, 中国作协机关纪委, 海洋事务部党组理论学习中心组
    if any(len(k) >= 3 and n.startswith(k) for k in (*own, *table, *table.values())):
        return True
    for p in NATIONAL_PREFIXES:
        if n.startswith(p):
            rest = n[len(p):]
            return len(rest) >= 2 and rest not in generic and not BARE_TEAM_RE.fullmatch(rest)
    m = PLACE_RE.match(n)       # a place: not a bare level (市委第三巡察组, 省纪委监委驻…)
    if m and n[0] not in LEVEL_CHARS and not any(w in n[m.end() - 2:m.end() + 1] for w in NOT_PLACES):
        return True
    if n.endswith("大学") and len(n) >= 4 and not n.startswith(RELATIVE_START):
        return True
    return False


def shared_name(name: str) -> str:
    """The form of a self-standing unit name shared by every report: abbreviations of central organs
    written out (中组部 → 中共中央组织部, 中国作协党组 → 中国作家协会党组) and a leading 中共 / 中国共产党
    dropped, its 委员会 then read 党委 (中共中国作家协会党组 → 中国作家协会党组, 中共江淮理工大学委员会 →
    江淮理工大学党委; not before 中央: 中共中央 is one name).

    >>> shared_name("中共中国作家协会党组"), shared_name("中国作协机关纪委"), shared_name("中组部")
    ('中国作家协会党组', '中国作家协会机关纪委', '中共中央组织部')
    >>> shared_name("中共江淮理工大学委员会"), shared_name("中共桐崖县委")
    ('江淮理工大学党委', '桐崖县委')
    """
    n = unicodedata.normalize("NFKC", name).strip()
    party = SHARED_PARTY_PREFIX_RE.match(n)
    if party:
        n = n[party.end():]
        if n.endswith("委员会") and len(n) > 5:     # 中共江淮理工大学委员会 = 江淮理工大学党委
            n = n[:-3] + "党委"
    table = organs()
    if n in table:
        return table[n]
    for k in sorted((k for k in table if len(k) >= 3 and n.startswith(k)), key=len, reverse=True)[:1]:
        return table[k] + n[len(k):]
    return n


def resolve(mentions: list[EntityMention], issuer: str, text: str) -> list[Entity]:
    """Group mentions into entities (one per real unit, award, activity, person)."""
    r = _Resolver(mentions, _Context(mentions, issuer, text))
    r.add_organizations()
    r.add_issuer_body()
    r.attach_prefixed_units()
    r.attach_inspector()
    r.add_others()
    return r.finish()
