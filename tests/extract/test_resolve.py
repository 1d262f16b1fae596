"""Alias merging and parents (kg.extract.resolve)."""
from __future__ import annotations

import re

import pytest

from kg.extract.mentions import extract
from kg.model import EntityMention, Span
from kg.extract.resolve import is_abbreviation, issuer_from_text, key_of, resolve, undouble

from ..conftest import load_raw as load, make_text


def norm(s: str) -> str:
    return re.sub(r"[“”‘’《》\s]", "", s)


@pytest.fixture(scope="module")
def resolved():
    out = {}
    for name in ("zuoxie_2020.txt", "dev_1.txt", "dev_2.txt"):
        t = load(name)
        ms, _ = extract(t)
        out[name] = (t, ms, resolve(ms, "", t.text))
    return out


def orgs(ents):
    return {e.name: e for e in ents if e.kind == "organization"}


def test_helpers():
    assert undouble("中国作协作协青年工作委员会") == "中国作协青年工作委员会"
    assert is_abbreviation("中国作协", "中国作家协会")
    assert is_abbreviation("中国科协", "中国科学技术协会")
    assert not is_abbreviation("中国作协", "中国作家协会出版物重大选题审核（读）委员会")
    assert key_of("中国作家协会") == key_of("中国作家协会") and re.fullmatch(r"[0-9a-f]{16}", key_of("x"))
    assert issuer_from_text("\n中共中国作家协会党组关于十九届中央第四轮巡视整改进展情况的通报\n") == "中共中国作家协会党组"


def test_own_aliases():
    s = ("中共中国化工协会党组关于巡视整改进展情况的通报\n根据中央统一部署，中央第九巡视组对中国化协党组开展了常规巡视。"
         "中央巡视组反馈了意见。党组立即召开会议，成立巡视整改工作领导小组。领导小组认真督导。"
         "责成办公厅财务处加强管理，中国化协机关纪委加强监督。")
    t = make_text(s)
    ms, _ = extract(t)
    ents = resolve(ms, "中共中国化工协会党组", s)
    o = orgs(ents)
    assert "中共中国化工协会党组" in o
    issuer = o["中共中国化工协会党组"]
    assert {"党组"} <= set(issuer.aliases)
    assert "中央第九巡视组" in o and "中央巡视组" in o["中央第九巡视组"].aliases
    assert "巡视整改工作领导小组" in o and "领导小组" in o["巡视整改工作领导小组"].aliases
    assert "财务处" in o and o["财务处"].parent == o["办公厅"].key
    # every name is in the text or the full form of an alias found in the text
    for e in ents:
        assert e.name in s or any(a in s for a in e.aliases), e.name


def test_seed_resolution(resolved):
    t, ms, ents = resolved["zuoxie_2020.txt"]
    o = orgs(ents)
    issuer = o["中共中国作家协会党组"]
    assert {"中国作协党组", "党组"} <= set(issuer.aliases)
    body = o["中国作家协会"]
    assert "中国作协" in body.aliases and issuer.parent == body.key
    assert "中央巡视组" in o["中央第六巡视组"].aliases
    assert "中国作协青年工作委员会" in o and "中国作协作协青年工作委员会" in o["中国作协青年工作委员会"].aliases
    assert o["计财处"].parent == o["办公厅"].key
    assert o["机关纪委"].parent == body.key
    assert o["中国作协出版集团"].parent == body.key
    award = {e.name: e for e in ents if e.kind == "award"}["全国少数民族文学创作骏马奖"]
    assert award.facts.get("edition") == "12"
    person = [e for e in ents if e.kind == "person"]
    assert [(p.name, p.role) for p in person] == [("钱小芊", "党组书记")]


def test_dev_resolution(resolved):
    _, _, ents = resolved["dev_1.txt"]
    o = orgs(ents)
    assert {"部党组", "海洋事务部党组"} <= set(o["中共海洋事务部党组"].aliases)
    assert "领导小组" in o["巡视整改工作领导小组"].aliases
    assert "海洋事务部" in o
    _, _, ents = resolved["dev_2.txt"]
    o = orgs(ents)
    assert {"学校党委", "江淮理工大学党委"} <= set(o["中共江淮理工大学委员会"].aliases)
    assert "巡视组" in o["教育部党组第四巡视组"].aliases
    assert o["教育部党组第四巡视组"].parent == o["教育部党组"].key
    assert "江淮理工大学" in o
    aw = {e.name: e for e in ents if e.kind == "award"}
    assert aw["国家级教学成果奖"].facts.get("grade") == "二等奖"


def test_names_grounded_and_deterministic(resolved):
    for name, (t, ms, ents) in resolved.items():
        src = norm(t.text)
        for e in ents:
            assert re.fullmatch(r"[0-9a-f]{16}", e.key)
            assert norm(e.name) in src or any(norm(a) in src for a in e.aliases), (name, e.name)
            for m in e.mentions:
                assert t.text[m.span.start:m.span.end] == m.text
        keys = [(e.kind, e.key) for e in ents]
        assert len(keys) == len(set(keys))
        assert ents == sorted(ents, key=lambda e: (e.kind, e.name))
        again = resolve(ms, "", t.text)
        assert [(e.kind, e.name, e.key, e.parent, e.aliases) for e in again] == \
            [(e.kind, e.name, e.key, e.parent, e.aliases) for e in ents]


def test_every_mention_is_resolved(resolved):
    for name, (t, ms, ents) in resolved.items():
        got = {(m.kind, m.span) for e in ents for m in e.mentions}
        assert got == {(m.kind, m.span) for m in ms}, name


def test_mention_without_text():
    # resolve works on hand-made mentions too
    s = "中共某某部党组关于巡视整改进展情况的通报。部党组召开会议。"
    ms = [EntityMention("organization", "部党组", Span(s.index("部党组召"), s.index("部党组召") + 3))]
    ents = resolve(ms, "", s)
    assert {e.name for e in ents} >= {"中共某某部党组", "某某部"}


def test_split_unit_tries_prefixes_longest_first():
    """``_split_unit`` finds what scanning all prefixes, longest first, finds."""
    from kg.extract.lexicon import vocab
    from kg.extract.resolve import _Context, _split_unit, _unit_endings

    t = load("zuoxie_2020.txt")
    ms, _ = extract(t)
    ctx = _Context(ms, "", t.text)
    v = vocab()
    units = {ctx.local(m.text)[0][5:] for m in ms if m.kind == "organization" and ctx.local(m.text)[1] == "unit"}
    prefixes = units | {h for h in v["unit_heads"] if len(h) >= 3 and h not in v["generic_alone"]}

    def scan(loc):
        for a in sorted(prefixes, key=lambda x: (-len(x), x)):
            b = loc[len(a):]
            if a != loc and loc.startswith(a) and len(a) >= 2 and len(b) >= 2 and b not in v["generic_alone"] \
                    and ctx.local(b)[1] == "unit" and b.endswith(_unit_endings()) \
                    and (b in prefixes or b in v["unit_heads"]) and a not in ctx.defined:
                return a, b
        return None

    names = sorted(units) + ["办公厅计财处", "机关党委办公室", "办公厅", "书记处书记处"]
    assert any(scan(n) for n in names)
    assert [_split_unit(n, prefixes, ctx) for n in names] == [scan(n) for n in names]
