"""Structure: sections, aspects, problem categories, measures and the opening's facts."""
import json

import pytest

from kg.errors import KgInputError
from kg.extract.reading import read, read_bytes
from kg.extract.structure import parse

from ..conftest import MINI, REPORTS, SHARED_EVAL

DATA = REPORTS[0].parent


def test_seed_structure():
    r = parse(read(DATA / "zuoxie_2020.txt"))
    assert len(r.sections) == 3
    assert len(r.aspects()) == 4
    assert [len(p.measures) for p in r.problems()] == [3, 3, 3, 3, 2, 4, 3, 3, 4, 5, 3, 3, 3]
    assert len(r.sections[0].measures) == 4 and len(r.sections[2].measures) == 1
    assert r.problems()[7].measures[1].heading == "力戒形式主义、官僚主义"
    # the broken paragraph of category 2 is repaired in its label
    assert r.problems()[1].label == "不断保持先进性，引领广大作家书写和记录伟大事业、时代精神"
    # the continuation note is not part of the last measure
    assert not r.sections[2].measures[0].span.text(read(DATA / "zuoxie_2020.txt").text).endswith("）")


def test_seed_meta():
    m = parse(read(DATA / "zuoxie_2020.txt")).meta
    assert (m.issuer, m.inspector, m.round) == ("中共中国作家协会党组", "中央第六巡视组", "十九届中央第四轮巡视")
    assert (m.start, m.end, m.feedback) == ("2019-09-12", "2019-11-25", "2020-01-06")


@pytest.mark.parametrize("stem", [p.stem for p in REPORTS])
def test_structure_matches_gold(stem):
    gold_file = SHARED_EVAL / "gold" / f"{stem}.json"
    if not gold_file.exists():
        pytest.skip("no gold annotation beside the project")
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    t = read(DATA / f"{stem}.txt")
    r = parse(t)
    assert len(r.sections) == gold["sections"]
    assert len(r.sections[0].measures) == gold["measures_in_section_1"]
    assert len(r.sections[-1].measures) == gold["measures_in_section_3_visible"]
    got = [(a.number, p.number, len(p.measures)) for a in r.aspects() for p in a.problems]
    assert got == [(p["aspect"], p["no"], p["measures"]) for p in gold["problems"]]
    for p, g in zip(r.problems(), gold["problems"]):
        assert g["key"].replace("‘", "“").replace("’", "”") in p.label.replace("‘", "“").replace("’", "”")
    assert (r.meta.start, r.meta.end, r.meta.feedback) == (
        gold["report"]["inspection_start"], gold["report"]["inspection_end"], gold["report"]["feedback_date"])
    assert r.meta.inspector == gold["report"]["inspector"]


def test_handwritten_report_with_other_markers():
    r = parse(read_bytes(MINI.encode(), "mini.txt"))
    assert r.meta.inspector == "中央第三巡视组" and r.meta.feedback == "2021-06-02"
    assert [m.heading for m in r.sections[0].measures] == ["成立领导小组", "细化任务"]
    p1, p2 = r.problems()
    assert p1.label == "理论学习不够系统" and len(p1.measures) == 2
    assert [m.marker for m in p2.measures] == ["（1）", "（2）"]
    assert [m.heading for m in r.sections[2].measures] == ["坚持标准不降", "坚持力度不减"]


def test_ordinal_marker_inside_a_word_is_not_a_measure():
    src = "标题的通报\n一、总体\n一是统一思想。坚持统一是关键。二是加强领导。"
    r = parse(read_bytes(src.encode(), "x"))
    assert [m.heading for m in r.sections[0].measures] == ["统一思想", "加强领导"]


def test_text_without_structure_is_rejected():
    with pytest.raises(KgInputError, match="no report structure"):
        parse(read_bytes("这是一段没有任何结构的普通文字。\n第二段也没有。".encode(), "plain.txt"))


CITY = """中共某某市文化局党组巡察整改进展情况的通报

根据市委统一部署，二〇二一年三月一日至四月三十日，市委第二巡察组对某某市文化局党组进行了巡察。二〇二一年六月二日，市委第二巡察组向某某市文化局党组反馈了巡察意见。

一、整改工作总体情况

局党组召开专题会议研究整改工作。

二、巡察反馈问题整改落实情况

（一）关于政治建设方面的问题

1.关于“理论学习不深入”的问题。整改情况：组织专题学习12次，修订《某某市文化局党组理论学习制度》。

2.针对财务管理不规范的问题，从以下方面整改。一是开展专项检查；二是制定《某某市文化局财务管理办法》。

三、下一步工作打算

持续巩固整改成果。
"""


def test_city_inspection_layout_with_chinese_numeral_dates():
    r = parse(read_bytes(CITY.encode("gb18030"), "city.txt"))
    m = r.meta
    assert (m.issuer, m.inspector) == ("中共某某市文化局党组", "市委第二巡察组")
    assert (m.start, m.end, m.feedback) == ("2021-03-01", "2021-04-30", "2021-06-02")
    p1, p2 = r.problems()
    assert p1.label == "理论学习不深入" and p2.label == "财务管理不规范"
    assert len(p1.measures) == 1 and p1.measures[0].heading.startswith("组织专题学习12次")
    assert [x.heading for x in p2.measures] == ["开展专项检查", "制定《某某市文化局财务管理办法》"]


FLAT = """中共某某大学委员会关于巡察整改情况的通报

根据学校党委统一部署，2022年3月1日至4月15日，校党委第二巡察组对某某学院党委进行了巡察。2022年5月10日，校党委第二巡察组向某某学院党委反馈了巡察意见。

一、整改工作总体情况

1.加强组织领导。成立整改工作领导小组。

2.细化整改任务。制定整改方案。

二、关于党的领导弱化问题的整改情况

1.理论学习不深入。一是修订《某某学院党委理论学习中心组学习规则》；二是开展专题学习。

2.意识形态工作薄弱。制定《某某学院意识形态工作责任制实施细则》。

三、关于全面从严治党问题的整改情况

3.财务管理不规范。一是修订《某某学院财务管理办法》。二是开展专项审计。
"""


def test_sections_about_problems_are_aspects_and_numbered_paragraphs_are_measures():
    r = parse(read_bytes(FLAT.encode(), "flat.txt"))
    assert r.meta.inspector == "校党委第二巡察组"
    assert [m.heading for m in r.sections[0].measures] == ["加强组织领导", "细化整改任务"]
    assert [(a.number, a.label) for a in r.aspects()] == [(1, "党的领导弱化"), (2, "全面从严治党")]
    assert [(p.number, p.label, len(p.measures)) for p in r.problems()] == [
        (1, "理论学习不深入", 2), (2, "意识形态工作薄弱", 1), (3, "财务管理不规范", 2)]


def test_title_after_a_page_header():
    src = "来源：某某日报　2021年7月1日\n中共某某局党组关于巡视整改进展情况的通报\n" + MINI.split("\n", 1)[1]
    r = parse(read_bytes(src.encode(), "x.txt"))
    assert r.meta.title == "中共某某局党组关于巡视整改进展情况的通报" and r.meta.issuer == "中共某某局党组"
    assert len(r.problems()) == 2


def test_title_that_names_no_rectification_stays_the_first_line():
    src = "中共某某局党组关于巡视反馈意见落实工作的公告\n" + MINI.split("\n", 1)[1]
    assert parse(read_bytes(src.encode(), "x.txt")).meta.title == "中共某某局党组关于巡视反馈意见落实工作的公告"
