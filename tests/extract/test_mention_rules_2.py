"""More mentions a reader would accept: people after a role whatever word follows them, awards in
quotes after a verb that confers a title, figures counted in 卷/笔/天/对, activities introduced by 推行 or
ending before 和. One small invented sentence per rule, and what each rule must not find."""
from __future__ import annotations

import pytest

from kg.extract.mentions import extract
from kg.extract.numerals import cn_number

from ..conftest import make_text


def found(s: str, kind: str) -> set[str]:
    return {m.text for m in extract(make_text(s))[0] if m.kind == kind}


def roles(s: str) -> dict[str, str]:
    return {m.text: m.role for m in extract(make_text(s))[0] if m.kind == "person"}


def figures(s: str) -> set[tuple[float, str]]:
    return {(f.value, f.unit) for f in extract(make_text(s))[1]}


# --------------------------------------------------------------------------- people

@pytest.mark.parametrize("sentence, name", [
    ("党组成员、副局长罗晓梅具体负责办公室日常工作。", "罗晓梅"),      # an adjective after a name jieba knows
    ("驻某某集团纪检监察组组长吴建华到会指导。", "吴建华"),              # a name jieba cuts, then a verb
    ("驻某某集团纪检监察组组长梁国栋列席党组会议。", "梁国栋"),          # 列席: a word of PERSON_AFTER
])
def test_a_name_after_a_role_whatever_word_follows(sentence, name):
    assert found(sentence, "person") == {name}


@pytest.mark.parametrize("sentence", ["党委书记高度重视。", "组长单位要加强协调。", "组长张强调要抓好落实。"])
def test_words_after_a_role_that_are_not_names(sentence):
    assert found(sentence, "person") == set()


def test_a_deputy_role_keeps_its_prefix():
    assert roles("党组成员、副厅长罗晓梅具体负责。") == {"罗晓梅": "党组成员、副厅长"}


def test_an_office_taken_belongs_to_the_person_before():
    got = roles("成立由党委书记唐明远任组长、校长许文博任副组长的领导小组。")
    assert got == {"唐明远": "党委书记", "许文博": "校长"}


# --------------------------------------------------------------------------- awards

def test_a_quoted_title_after_a_verb_that_confers_it_is_an_award():
    s = "某某支部被评为“全县五星级党支部”，某某医院荣获“全省公立医院党建工作示范医院”称号。"
    assert found(s, "award") == {"全县五星级党支部", "全省公立医院党建工作示范医院"}


def test_a_quoted_phrase_after_other_verbs_is_not_an_award():
    assert found("群众获得“实惠”，项目入选“样板”。", "award") == set()


def test_an_award_name_starts_after_the_verb():
    # jieba glues 获 to an unknown place name (获霞岭省): the name is cut after the verb all the same
    assert found("“新型保温材料”项目获霞岭省科学技术进步奖一等奖。", "award") == {"霞岭省科学技术进步奖"}


def test_a_bare_award_verb_in_a_list_of_who_does_what():
    assert found("形成能者上、优者奖、庸者下的导向。", "award") == set()
    assert "杰出青年奖" in found("学校设立杰出青年奖。", "award")


# --------------------------------------------------------------------------- figures

def test_files_sums_days_and_pairs_are_counted():
    got = figures("审核档案318卷，清理案款1853笔，办案周期由78天缩短至52天，确定结对帮带对子22对。")
    assert {(318.0, "卷"), (1853.0, "笔"), (78.0, "天"), (52.0, "天"), (22.0, "对")} <= got


def test_pairs_only_after_digits():
    assert not {u for _, u in figures("开展一对一帮扶和1对1辅导。")} & {"对"}


def test_a_bare_ten_thousand_is_not_a_numeral():
    assert figures("全县万人起诉率同比下降5.1%。") == {(5.1, "%")}
    assert cn_number("万") is None and cn_number("百") is None and cn_number("十万") == 100000.0


# --------------------------------------------------------------------------- activities

def test_activities_introduced_by_pushing_or_ending_before_and():
    s = "推行“党建+窗口服务”工作模式，统筹推进营商环境优化提升行动和巡察整改。"
    assert {"党建+窗口服务", "营商环境优化提升行动"} <= found(s, "activity")


def test_a_quoted_rule_after_pushing_is_not_an_activity():
    assert found("推行“首问负责”制度。", "activity") == set()
