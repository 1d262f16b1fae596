"""Unit names the walk left used to cut or take wrongly: a role glued to a unit word, unit
endings of counties and courts (股, 庭), schools and mass organisations, verbs inside a name,
and units counted or taken as a whole (a kind, not one body); an award verb glued to the
award's name (获霞川省). Invented sentences."""
from __future__ import annotations

import pytest

from kg.extract.mentions import extract
from kg.extract.resolve import resolve

from ..conftest import make_text
from .test_mention_rules import orgs


def test_a_role_glued_to_a_team_word_does_not_cut_the_name():
    # jieba: 纪检监察组组长 is one token; the unit before it must not end the name
    got = orgs("驻控股公司纪检监察组组长王某某列席党组会议。")
    assert "驻控股公司" not in got
    got = orgs("市纪委监委驻市水务局纪检监察组组长李某某参加会议。")
    assert not any(n.endswith(("驻市水务局", "水务局")) for n in got)
    assert "驻控股公司纪检监察组" in orgs("支持驻控股公司纪检监察组履行监督责任。")


def test_a_name_with_zhu_ends_in_a_sent_body():
    assert orgs("驻控股公司召开会议。") == set()
    assert "驻村工作队" in orgs("各村设立驻村工作队。")
    assert "驻马店市财政局" in orgs("驻马店市财政局召开会议。")      # 驻 of a place name


@pytest.mark.parametrize("sentence, unit", [
    ("由计划财务股对全县学校开展复查。", "计划财务股"),
    ("2.由人事股对干部档案开展自查。", "人事股"),
    ("从执行局、立案庭抽调干警。", "立案庭"),
    ("在民二庭、执行局设立联络员。", "民二庭"),
    ("发挥松岭师范学院附属中学示范作用。", "松岭师范学院附属中学"),
    ("会同县总工会、县妇联开展调解。", "县总工会"),
    ("会同县总工会、县妇联开展调解。", "县妇联"),
])
def test_unit_endings_of_sections_courts_schools_and_mass_organisations(sentence, unit):
    assert unit in orgs(sentence)


@pytest.mark.parametrize("sentence", [
    "对各股室和学校整改情况开展检查。",
    "明确牵头领导、责任股室和完成时限。",
    "实现党支部与业务庭室对应设置。",
    "清理参股投资14项。",
    "承担国家和省级中小学教师培训项目。",
    "选派教师赴县域中学开展支教。",
])
def test_class_words_of_sections_and_schools_are_not_units(sentence):
    assert orgs(sentence) == set()


@pytest.mark.parametrize("sentence, unit, fragment", [
    ("三是由继续教育学院、财务处联合开展清查。", "继续教育学院", "教育学院"),
    ("由科技创新部牵头推进。", "科技创新部", "创新部"),
    ("由大气监测与排放管理处对审批权限进行梳理。", "大气监测与排放管理处", "管理处"),
    ("加快推进疾病预防控制中心迁建项目。", "疾病预防控制中心", "控制中心"),
])
def test_a_verb_inside_a_name_does_not_cut_it(sentence, unit, fragment):
    got = orgs(sentence)
    assert unit in got
    assert fragment not in got


@pytest.mark.parametrize("sentence", [
    "坚持把党的领导融入公司治理各环节。",
    "以高质量党建引领保障集团公司高质量发展。",
    "资金拨付财务处后逐笔核对。",
    "党委督促财务处整改。",
])
def test_a_verb_governing_a_unit_is_not_taken_into_it(sentence):
    assert not any(len(n) > 3 and n.endswith(("公司", "财务处")) for n in orgs(sentence))


@pytest.mark.parametrize("sentence", [
    "对排查出的11个软弱涣散党支部逐一整顿。",
    "在全集团开展警示教育。",
    "在重点项目一线设立党员突击队46支，开展攻关。",
    "在污染防治领域组建党员先锋队12支。",
])
def test_counted_or_whole_units_are_a_kind(sentence):
    assert orgs(sentence) == set()


def test_a_unit_before_a_count_of_something_else_stays():
    assert "县财政局" in orgs("由县财政局2个科室联合核查。")


def awards(s: str) -> set[str]:
    return {m.text for m in extract(make_text(s))[0] if m.kind == "award"}


@pytest.mark.parametrize("sentence, award", [
    ("新材料公司项目获霞川省科学技术进步奖一等奖。", "霞川省科学技术进步奖"),
    ("“桥梁检测研究”项目获岭西省科学技术进步奖二等奖1项。", "岭西省科学技术进步奖"),
    ("该成果荣获国家级教学成果奖。", "国家级教学成果奖"),
])
def test_a_verb_glued_to_an_award_name_is_cut_off(sentence, award):
    got = awards(sentence)
    assert award in got
    assert not any(a.startswith(("项目获", "获")) for a in got)


def orgs_of(s: str, issuer: str) -> set[str]:
    return {m.text for m in extract(make_text(s), None, issuer)[0] if m.kind == "organization"}


def test_the_issuers_place_cut_by_jieba_is_whole_again():
    # jieba: 霁/vg + 州市: the name must not start inside the report's own place name
    issuer = "中共霁州市卫生健康委员会党组"
    got = orgs_of("霁州市第一人民医院党委被评为先进基层党组织。", issuer)
    assert "霁州市第一人民医院党委" in got
    assert "州市第一人民医院党委" not in got
    assert "州市第一人民医院党委" in orgs_of("霁州市第一人民医院党委被评为先进基层党组织。", "中共某某局党组")
    assert "霁州市中心医院" in orgs_of("组织霁州市中心医院、市妇幼保健院开展帮扶。", issuer)
    got = orgs_of("加快推进霁州市疾病预防控制中心迁建项目。", issuer)
    assert "霁州市疾病预防控制中心" in got
    assert "控制中心" not in got


@pytest.mark.parametrize("sentence, unit", [
    ("领导小组办公室设在委办公室。", "委办公室"),
    ("领导小组办公室设在局办公室。", "局办公室"),
])
def test_the_issuers_one_character_short_form_opens_its_office(sentence, unit):
    got = orgs(sentence)
    assert unit in got
    assert "办公室" not in got


@pytest.mark.parametrize("sentence", [
    "部分委属医院没有执行采购办法。",
    "组织市属三级医院与基层医疗机构结对。",
    "推动全市公立医院综合改革。",
    "以整改实效推动建设高水平师范大学。",
])
def test_units_named_by_whom_they_belong_to_are_a_kind(sentence):
    assert orgs(sentence) == set()


def test_a_party_branch_keeps_the_unit_it_sits_in():
    s = ("推动青禾建材有限公司完成改造。青禾建材有限公司桐溪工厂党支部获评先进，"
         "县人民医院儿科党支部获评先进。县人民医院召开会议。")
    ms, _ = extract(make_text(s))
    names = {e.name for e in resolve(ms, "中共某某局党组", s) if e.kind == "organization"}
    assert {"青禾建材有限公司桐溪工厂党支部", "县人民医院儿科党支部"} <= names
    assert not {"桐溪工厂党支部", "儿科党支部"} & names


def test_a_quoted_title_after_a_verb_that_confers_it_is_an_award():
    assert "全县卫生系统服务示范医院" in awards("县人民医院被评为“全县卫生系统服务示范医院”。")
    assert not awards("该项目获批“县级重点建设项目”。")
