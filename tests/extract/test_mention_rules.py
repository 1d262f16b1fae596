"""Mentions a reader would accept (issue 10, item 5): one small invented sentence per rule.

Units never start with a list marker, verb or preposition and are not cut at 和; classes of
units are not units; a title under a negated verb is cited, flagged ``negated`` and answers no
problem by itself; 汇编 compiles; numerals inside set phrases are not figures.
"""
from __future__ import annotations

import pytest

from kg.extract.documents import find_documents
from kg.extract.mentions import extract
from kg.extract.reading import read_bytes
from kg.extract.resolve import resolve

from ..conftest import make_text, write


def orgs(s: str) -> set[str]:
    return {m.text for m in extract(make_text(s))[0] if m.kind == "organization"}


def figures(s: str) -> set[tuple[float, str]]:
    return {(f.value, f.unit) for f in extract(make_text(s))[1]}


def docs(s: str, issuer: str = "中共某某局党组"):
    return find_documents(read_bytes(s.encode(), "x"), issuer)


# --------------------------------------------------------------------------- units

@pytest.mark.parametrize("sentence, unit, fragment", [
    ("（一）医院党委召开专题会议。", "医院党委", "（一）医院党委"),
    ("(2)对区审计局审计指出的问题逐项整改。", "区审计局", "对区审计局"),
    ("（二）对区财政局拨付的资金逐笔核对。", "区财政局", "（二）对区财政局"),
    ("认真学习区委关于巡察整改工作的部署要求。", "区委", "学习区委"),
    ("组织党支部书记学习市委组织部印发的文件。", "市委组织部", "学习市委组织部"),
    ("三是会同县医疗保障局开展专项检查。", "县医疗保障局", "会同县医疗保障局"),
    ("由县审计局对县城投公司开展专项审计。", "县审计局", "由县审计局"),
    ("经院长办公会集体研究。", "院长办公会", "经院长办公会"),
    ("向市纪委监委派驻第六纪检监察组通报情况。", "市纪委监委派驻第六纪检监察组", "向市纪委监委派驻第六纪检监察组"),
])
def test_no_marker_verb_or_preposition_in_front(sentence, unit, fragment):
    got = orgs(sentence)
    assert unit in got
    assert fragment not in got or fragment == unit


def test_glued_preposition_is_cut_off():
    # jieba glues 对/会同/列席 to a level or unit character: 对区, 对局, 会同县
    assert not {"对局", "列席局党组"} & orgs("对局门户网站开展检查，邀请其列席局党组会议。")
    assert "现将我局" not in orgs("现将我局巡察整改进展情况予以公布。")


@pytest.mark.parametrize("name", ["县住房和城乡建设局", "市发展和改革委员会", "县文化和旅游局",
                                  "县自然资源和规划局", "交通和物流部", "国有资产和实验室管理处"])
def test_a_name_with_he_inside_is_one_name(name):
    assert name in orgs(f"会同{name}开展专项检查。")


def test_he_between_two_units_joins_nothing():
    got = orgs("由宣传部和组织部牵头，作协工作和文学事业同步推进。")
    assert not any("和" in n for n in got)


@pytest.mark.parametrize("sentence", [
    "指导地方作协和基层作协开展工作。", "督促各单位抓好落实。", "加强基层党组织建设。",
    "各二级党组织同步成立整改工作小组。", "推动所属企业党委落实责任。", "对直属单位纪委开展检查。",
    "在项目一线成立临时党支部9个。", "深入分管部门和联系研究所督促指导。",
    "加快建设特色鲜明的高水平农林大学。", "全国省级作协负责人参加培训。", "组织全校教职工党支部开展学习。",
])
def test_classes_of_units_are_not_units(sentence):
    assert orgs(sentence) == set()


def test_a_proper_name_after_suoshu_is_a_unit():
    assert "中国锦华文化发展有限公司" in orgs("对协会所属中国锦华文化发展有限公司开展财务审计。")


@pytest.mark.parametrize("sentence, unit", [
    ("对把关不严的人事科负责人进行提醒谈话。", "人事科"),
    ("局党组书记带队对市博物馆、市图书馆开展检查。", "市图书馆"),
    ("由区建设工程质量安全监督站负责。", "区建设工程质量安全监督站"),
    ("推进董事会规范运作。", "董事会"),
    ("药剂科、设备科、采购办牵头整改。", "采购办"),
    ("督促市第一人民医院落实。", "市第一人民医院"),
    ("与省农业农村厅、省科学技术厅建立会商机制。", "省科学技术厅"),
    ("对县人民医院、县中医医院开展排查。", "县中医医院"),
    ("邀请中央党校（国家行政学院）专家授课。", "中央党校（国家行政学院）"),
    ("由中央纪委国家监委驻海事部纪检监察组全程监督。", "中央纪委国家监委驻海事部纪检监察组"),
    ("市委巡察二组对某某局党组开展了常规巡察。", "市委巡察二组"),
])
def test_unit_words_of_the_field(sentence, unit):
    assert unit in orgs(sentence)


def test_no_rank_or_verb_taken_for_a_unit():
    got = orgs("举办中国作协局处级干部培训班，整治违规经商办企业问题，建立重点项目局领导包联机制。")
    assert not {"中国作协局", "违规经商办", "重点项目局"} & got
    assert "驻厅" not in orgs("驻厅纪检监察组组长张明全程参与。")


def test_a_unit_that_begins_a_longer_name_is_kept():
    got = orgs("汀州市公路建设有限公司第一党支部获评先进。")
    assert {"汀州市公路建设有限公司", "汀州市公路建设有限公司第一党支部"} <= got


def test_page_furniture_and_addresses_hold_no_units():
    assert orgs("首页 > 新闻中心 > 通知公告\n") == set()
    assert orgs("通信地址：北京市东城区美术馆后街56号锦华协会办公室。") == {"锦华协会办公室"}


def test_level_committee_issuer_keeps_its_departments_whole():
    s = "中共桐崖县委关于巡察整改进展情况的通报\n县委组织部牵头，县委督查室跟踪督办，县委每季度听取汇报。"
    ms, _ = extract(make_text(s))
    names = {e.name for e in resolve(ms, "中共桐崖县委", s) if e.kind == "organization"}
    assert {"县委组织部", "县委督查室", "中共桐崖县委"} <= names
    assert not {"组织部", "督查室", "县委"} & names


# --------------------------------------------------------------------------- documents

@pytest.mark.parametrize("verb", ["未制定", "尚未修订", "没有执行", "未能出台", "仍未修订", "长期未修订", "未严格执行"])
def test_negated_verb_cites(verb):
    (d,) = docs(f"巡视指出，局机关{verb}《某某局财务管理制度》，报销审核把关不严。")
    assert d.action == "cite" and d.negated and d.kind == "regulation"


def test_negation_reaches_a_list_and_not_a_later_positive_mention():
    a, b, later = docs("尚未制定《某某局甲办法》《某某局乙办法》。一是修订《某某局甲办法》。")
    assert a.negated and b.negated and b.action == "cite"
    assert not later.negated and later.action == "revise"


def test_not_a_negation():
    (d,) = docs("面向未来，制定《某某局发展规划》。")
    assert d.action == "enact" and not d.negated


def test_huibian_compiles():
    own, cases = docs("汇编《某某局规章制度汇编》，编印《某某系统违纪违法典型案例选编》。")
    assert (own.action, own.kind) == ("compile", "regulation")
    assert (cases.action, cases.kind) == ("compile", "publication")


def test_periodicals_by_the_words_around_them():
    ds = docs("在会刊《某某工美》开设专栏，调研成果在《某某研究》刊发，以《习近平著作选读》为教材。")
    assert [d.kind for d in ds] == ["periodical", "periodical", "publication"]


def test_own_titles_of_a_level_committee_and_of_a_defined_short_name():
    (d,) = docs("修订《桐崖县政府投资项目管理办法》。", issuer="中共桐崖县委")
    assert d.kind == "regulation"
    ds = docs("对中国某某传承人协会（以下简称中国某某协会）党组开展巡视。严格执行《中国某某协会会议制度》。",
              issuer="中共中国某某传承人协会党组")
    assert ds[0].kind == "regulation"


# --------------------------------------------------------------------------- figures

@pytest.mark.parametrize("sentence", [
    "坚持一问题一台账、一问题一专班。", "推行一单一卡管理。", "把巡视整改作为一项重大政治任务。",
    "这是对政治能力的一次实践检验。", "落实一把手责任。", "实施三年行动。", "运用四种形态。",
    "做到两个维护、增强四个意识。", "县四套班子领导参加。", "深化三项制度改革。", "统筹两种资源。",
    "加快推进某某港二期建设。",
])
def test_numerals_in_set_phrases_are_not_figures(sentence):
    assert figures(sentence) == set()


def test_counts_are_still_figures():
    got = figures("每季度开展一次专项督查，召开会议两次，提供数据1.2万余批次，筹集住房4.2万套，清理土地86亩。")
    assert {(1.0, "次"), (2.0, "次"), (1.2, "万余批次"), (4.2, "万套"), (86.0, "亩")} <= got


# --------------------------------------------------------------------------- people, awards, activities

def test_people_before_what_they_did():
    ms, _ = extract(make_text("协会主席沈某秋多次参与，副局长周敏牵头制定，县委副书记、县长陈静任副组长。"))
    assert {m.text for m in ms if m.kind == "person"} == {"沈某秋", "周敏", "陈静"}


def test_awards_quoted_or_graded():
    ms, _ = extract(make_text("内科党支部被评为“全县先进基层党组织”。项目获全国农牧渔业丰收奖二等奖。"))
    assert {"全县先进基层党组织", "全国农牧渔业丰收奖"} <= {m.text for m in ms if m.kind == "award"}


def test_activities_named_as_such():
    s = ("依托“某某文旅大讲堂”开设专栏，深化“清廉住建”建设，扎实开展医疗领域腐败问题集中整治。"
         "印发《某某院青年科技人才“启航计划”实施方案》。")
    got = {m.text for m in extract(make_text(s))[0] if m.kind == "activity"}
    assert {"某某文旅大讲堂", "清廉住建", "医疗领域腐败问题集中整治", "启航计划"} <= got


# --------------------------------------------------------------------------- graph and query

NEGATED = """中共某某局党组关于巡视整改进展情况的通报
根据中央统一部署，中央第三巡视组对某某局党组开展了常规巡视。
一、整改工作情况
一是成立领导小组。二是细化任务。
二、问题整改情况
（一）关于制度建设的整改情况
1.财务管理不规范的问题。巡视指出，局机关尚未修订《某某局财务管理制度》。一是开展专项检查；二是规范报销审核。
2.采购管理不严格的问题。巡视指出，局机关未制定《某某局采购管理办法》。一是制定《某某局采购管理办法》；二是开展专项检查。
三、下一步工作
一是坚持标准不降。二是坚持力度不减。
"""


def test_negated_mention_alone_answers_no_problem(tmp_path):
    from kg.explore.queries import resolve_query
    from kg.rdf.report import process
    from kg.store.memory import MemoryStore

    r = process(write(tmp_path, "neg.txt", NEGATED))
    negated = {d.title for d in r.extraction.documents if d.negated}
    assert negated == {"某某局财务管理制度", "某某局采购管理办法"}
    assert b"#negated>" in r.ntriples
    rows = MemoryStore(r.graph).query(resolve_query("regulations")).rows
    got = {(row["title"]["value"], row["action"]["value"]) for row in rows}
    assert ("某某局财务管理制度", "cite") not in got and not any(t == "某某局财务管理制度" for t, _ in got)
    assert ("某某局采购管理办法", "enact") in got


def test_segmenting_only_name_runs_finds_the_same_on_dev_reports():
    """The runs ``extract`` segments find every unit and award that whole sentences give, on
    the development reports too (the rules look at the words around a name)."""
    from kg.extract.reading import read

    from ..conftest import DEV_REPORTS
    from .test_mentions import _names_both_ways

    for p in DEV_REPORTS:
        plain, runs = _names_both_ways(read(p).text)
        assert plain == runs, p.name


def test_a_branch_or_a_sent_team_is_not_split_from_its_unit():
    s = ("对汀州市公路建设有限公司开展审计，汀州市公路建设有限公司第一党支部获评先进。"
         "中央纪委国家监委驻海事部纪检监察组全程监督，中央纪委国家监委通报典型案例。")
    ms, _ = extract(make_text(s))
    names = {e.name for e in resolve(ms, "中共某某局党组", s) if e.kind == "organization"}
    assert {"汀州市公路建设有限公司第一党支部", "中央纪委国家监委驻海事部纪检监察组"} <= names
    assert not {"第一党支部", "驻海事部纪检监察组"} & names
