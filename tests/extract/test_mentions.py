"""Extraction of units, awards, activities, people and stated figures (kg.extract.mentions)."""
from __future__ import annotations


import pytest

from kg.extract.mentions import cn_number, extract

from ..conftest import load_raw as load, make_text


@pytest.fixture(scope="module")
def reports():
    out = {}
    for name in ("zuoxie_2020.txt", "dev_1.txt", "dev_2.txt"):
        t = load(name)
        out[name] = (t, *extract(t))
    return out


OWN = ("中共江南省科学技术厅党组关于巡视整改进展情况的通报\n\n"
       "根据省委统一部署，省委第三巡视组对省科技厅党组开展了常规巡视。\n\n"
       "厅党组书记、厅长李明同志认真履行第一责任人职责，先后主持召开厅党组会议12次。"
       "成立由厅办公室、人事处、计划财务处组成的巡视整改工作领导小组，领导小组办公室设在机关党委。"
       "召开全省科技创新大会，开展“科技特派员进万村”活动，启动实施“青年科学家培育计划”，"
       "增强“四个意识”，做到“两个维护”。省科技信息研究所获评全国文明单位。"
       "全年处理问题线索12件，追回资金三百万元，两次研判，十个方面，2020年，第十二届，"
       "电话：0571-87054321，邮编310006。李明同志强调，要把整改抓紧抓实。\n")


def by_kind(ms, kind):
    return {m.text for m in ms if m.kind == kind}


def test_own_sentences_units_people_activities():
    t = make_text(OWN)
    ms, figs = extract(t)
    orgs = by_kind(ms, "organization")
    assert {"中共江南省科学技术厅党组", "省委第三巡视组", "人事处", "计划财务处",
            "巡视整改工作领导小组", "机关党委", "省科技信息研究所"} <= orgs
    assert "科技特派员进万村" in by_kind(ms, "activity")
    assert "青年科学家培育计划" in by_kind(ms, "activity")
    # slogans are not activities
    assert not {"四个意识", "两个维护"} & by_kind(ms, "activity")
    assert "全国文明单位" in by_kind(ms, "award")
    people = [m for m in ms if m.kind == "person"]
    assert {m.text for m in people} == {"李明"}
    assert people[0].role == "党组书记、厅长"


def test_own_sentences_figures():
    t = make_text(OWN)
    _, figs = extract(t)
    got = {(f.value, f.unit) for f in figs}
    assert (12.0, "次") in got and (12.0, "件") in got
    assert (2.0, "次") in got and (10.0, "个") in got
    assert (3000000.0, "元") in got
    # no years, editions, phone numbers or postcodes
    assert not any(f.value in (2020, 12.0) and f.unit in ("年", "届") for f in figs)
    assert not any("0571" in f.text or "310006" in f.text for f in figs)
    assert all(t.text[f.span.start:f.span.end] == f.text for f in figs)


def test_figure_what():
    t = make_text("党组将巡视反馈意见细化梳理为4个方面13类问题69项任务，制定出231项整改措施。")
    _, figs = extract(t)
    assert [(f.value, f.unit, f.what) for f in figs] == [
        (4.0, "个", "方面"), (13.0, "类", "问题"), (69.0, "项", "任务"), (231.0, "项", "整改措施")]


@pytest.mark.parametrize("s,v", [("两", 2), ("十", 10), ("二十三", 23), ("三百", 300), ("1.8", 1.8), ("三百万", 3000000)])
def test_cn_number(s, v):
    assert cn_number(s) == v


def test_titles_are_not_searched():
    t = make_text("制定《中国作协机关纪委执纪审查工作流程》。")
    ms, _ = extract(t)
    assert not [m for m in ms if m.kind == "organization"]


def test_spans_equal_text(reports):
    for name, (t, ms, figs) in reports.items():
        assert ms, name
        for m in ms:
            assert t.text[m.span.start:m.span.end] == m.text
        for f in figs:
            assert t.text[f.span.start:f.span.end] == f.text
        assert ms == sorted(ms, key=lambda m: (m.span.start, m.span.end, m.kind))


def test_seed_report(reports):
    t, ms, figs = reports["zuoxie_2020.txt"]
    orgs = by_kind(ms, "organization")
    for o in ("中共中国作家协会党组", "中央第六巡视组", "鲁迅文学院", "中国作协出版集团", "驻中宣部纪检监察组",
              "纪检监察工委", "中组部", "创作联络部", "社会联络部", "办公厅计财处", "作家权益保障委员会",
              "作家法律服务团", "网络文学中心党支部", "巡视整改工作领导小组", "党组理论学习中心组",
              "全国文学报刊联盟", "集团纪委", "主席团", "中国作家协会出版物重大选题审核（读）委员会"):
        assert o in orgs, o
    assert by_kind(ms, "award") == {"茅盾文学奖", "鲁迅文学奖", "全国少数民族文学创作骏马奖", "全国优秀儿童文学奖"}
    acts = by_kind(ms, "activity")
    for a in ("我们向着小康走", "人民抗‘疫’", "全国诗坛座谈会", "脱贫攻坚题材报告文学创作工程", "灯下黑",
              "文学周", "文学公开课", "干部专业化能力提升计划"):
        assert a in acts, a
    assert not {"两个维护", "四个意识", "一岗双责", "牛鼻子"} & acts
    assert {(m.text, m.role) for m in ms if m.kind == "person"} == {("钱小芊", "党组书记")}
    vals = {f.value for f in figs}
    assert {35, 4, 13, 69, 231, 24, 17, 28, 46, 82, 79, 3, 25, 5} <= vals
    assert 2019 not in vals and 12 not in vals   # 2019年, 第十二届


def test_dev_reports(reports):
    _, ms, figs = reports["dev_1.txt"]
    assert {"人事司", "规划财务司", "部党校", "国家海洋信息中心", "海洋科学研究院", "海区管理局", "审计署",
            "驻部纪检监察组"} <= by_kind(ms, "organization")
    assert {"净海", "蓝色海湾", "学思践悟", "支部建设提升年"} <= by_kind(ms, "activity")
    assert {(m.text, m.role) for m in ms if m.kind == "person"} == {("周海峰", "党组书记、部长")}
    assert {1.8, 38.6, 2100, 312, 146, 31} <= {f.value for f in figs}
    _, ms, figs = reports["dev_2.txt"]
    assert {"采购与招标中心", "马克思主义学院", "党委教师工作部", "教育部党组第四巡视组",
            "习近平新时代中国特色社会主义思想研究中心"} <= by_kind(ms, "organization")
    assert by_kind(ms, "award") == {"国家级教学成果奖", "全国党建工作样板支部", "全省党建工作样板支部"}
    assert {"一站式", "对标争先", "最美教师"} <= by_kind(ms, "activity")
    assert {m.text for m in ms if m.kind == "person"} == {"吴正华", "沈知远"}
    assert {12.6, 1860, 62, 38} <= {f.value for f in figs}


# --------------------------------------------------------------------------- speed-ups keep results

def test_cutter_equals_jieba_posseg(reports):
    """The cached segmenter gives exactly jieba.posseg's tokens and flags."""
    import jieba.posseg

    from kg.extract.mentions import BLOCK_RE, sentences
    from kg.extract.segment import _Cutter, _field_dictionary, posseg_tables, tokenizer

    assert BLOCK_RE.pattern == jieba.posseg.re_han_internal.pattern
    pos = tokenizer()
    cutter = _Cutter(_field_dictionary(), posseg_tables())            # fresh caches
    for t, _, _ in reports.values():
        for s, e in sentences(t.text)[:120]:
            sentence = t.text[s:e]
            assert cutter.cut(sentence) == [(p.word, p.flag) for p in pos.cut(sentence)], sentence
    odd = "2020年ABC计划，（读）审核委员会 12.5万元\r\n生僻字龘靐齉爩，鬱"
    assert cutter.cut(odd) == [(p.word, p.flag) for p in pos.cut(odd)]


def test_posseg_tables_cache(tmp_path, monkeypatch):
    """The tables read back from kg's cache file are jieba.posseg's; a damaged cache file is
    ignored and written anew."""
    import random

    import jieba.posseg as jp

    from kg.extract.segment import posseg_tables

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = posseg_tables.__wrapped__()            # no cache yet: from jieba.posseg, then saved
    [cache] = tmp_path.glob("kg/posseg.*.cache")
    again = posseg_tables.__wrapped__()            # from the cache
    words = random.Random(7).sample(sorted(jp.dt.word_tag_tab), 3000) + ["中国", "作家", "龘", "没有这个词"]
    for t in (first, again):
        assert [t["word_tag_tab"].get(w) for w in words] == [jp.dt.word_tag_tab.get(w) for w in words]
        assert t["emit_P"] == jp.emit_P and t["trans_P"] == jp.trans_P and t["start_P"] == jp.start_P
        assert t["char_state_tab_P"] == jp.char_state_tab_P
        assert t["re_han_internal"] == (jp.re_han_internal.pattern, jp.re_han_internal.flags)
    cache.write_bytes(b"\x00garbage")
    assert posseg_tables.__wrapped__()["word_tag_tab"].get("中国") == jp.dt.word_tag_tab["中国"]
    assert cache.stat().st_size > 1_000_000        # rewritten
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))     # cache cannot be written: still works
    assert posseg_tables.__wrapped__()["word_tag_tab"].get("作家") == jp.dt.word_tag_tab["作家"]


def test_cutter_route_scores_equal_jieba():
    from kg.extract.segment import cutter, tokenizer

    tk = tokenizer().tokenizer
    for s in ("中国作协作协青年工作委员会", "统统筹", "的的确确", "龘", "2020年"):
        route: dict = {}
        tk.calc(s, tk.get_DAG(s), route)
        assert cutter().best_log_p(s) == route[0][0]
        assert cutter().route(s)[:len(s)] == [route[i][1] + 1 for i in range(len(s))]


def _names_both_ways(src: str) -> tuple[set, set]:
    """Unit and award names found by segmenting every sentence whole (the plain way) and by
    segmenting only the runs of ``_name_runs`` (what ``extract`` does)."""
    from kg.extract.mentions import (_awards_only_tokens, _Mask, _name_runs, _names_in_run, _organizations,
                             bracket_spans, segment, sentences)

    titles = _Mask(bracket_spans(src))
    no_orgs = _Mask(bracket_spans(src) + bracket_spans(src, "“", "”"))

    def kept(kind, a, b, ha, hb, off):
        if (no_orgs if kind == "organization" else titles).covers(off + ha, off + hb):
            return set()
        return {(kind, off + a, off + b)}

    plain, runs = set(), set()
    for s, e in sentences(src):
        toks = segment(src, s, e)
        for c in _organizations(src, toks) + _awards_only_tokens(src, toks):
            plain |= kept(*c, 0)
    for s, e in _name_runs(src, sentences(src)):
        for c in _names_in_run(src[s:e]):
            runs |= kept(*c, s)
    return plain, runs


@pytest.mark.parametrize("extra", ["", "（）", "（）()，、 （）a1.　", "。（）\n"])
def test_segmenting_only_name_runs_finds_the_same(reports, extra):
    """Segmenting only the blocks that can end a name (and parenthesised runs) loses nothing,
    also with parentheses and punctuation sprinkled into the text."""
    import random

    rnd = random.Random(len(extra))
    for t, _, _ in reports.values():
        chars = list(t.text)
        for _ in range(len(chars) // 6 if extra else 0):
            chars.insert(rnd.randrange(len(chars)), rnd.choice(extra))
        plain, runs = _names_both_ways("".join(chars))
        assert plain == runs
        assert len(plain) > 20


def test_parenthesised_unit_name():
    ms, _ = extract(make_text("（党委组织部会同党委）办公室对各学院会议记录进行专项检查。成立审核（读）委员会，负责审读。"))
    assert "审核（读）委员会" in by_kind(ms, "organization")
