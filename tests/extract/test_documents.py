"""Documents in 《》: kinds, actions, nesting and back-references."""
from kg.extract.documents import find_documents
from kg.extract.reading import read, read_bytes
from kg.extract.structure import parse

from ..conftest import REPORTS

DATA = REPORTS[0].parent


def docs(src: str, issuer: str = "中共某某局党组"):
    return find_documents(read_bytes(src.encode(), "x"), issuer)


def test_seed_has_34_titles_and_17_own_regulations():
    t = read(DATA / "zuoxie_2020.txt")
    ds = find_documents(t, parse(t).meta.issuer)
    kinds = {d.canonical: d.kind for d in ds}
    assert len(kinds) == 34
    assert sum(k == "regulation" for k in kinds.values()) == 17
    assert kinds["人民日报"] == "periodical" and kinds["中国当代文学研究"] == "periodical"
    assert kinds["习近平谈治国理政"] == "publication"
    assert kinds["中国共产党党组工作条例"] == "external"
    assert kinds["中国作家协会调研工作办法"] == "regulation"
    for d in ds:
        assert t.text[d.span.start:d.span.end] == f"《{d.title}》" or t.text[d.span.start] == "〈"


def test_actions_from_context():
    ds = docs("研究制定《某某局调研办法》，修订完善《某某局管理办法（试行）》、《某某局考核办法》，"
              "出台《关于加强队伍建设的意见》。废止《某某局旧规定》。抓好对《某某局若干规定》等规章制度执行情况的监督检查。"
              "重温《中国共产党党组工作条例》。编撰发布《某某年鉴》。以《党政领导干部选拔任用工作条例》为遵循。")
    got = {d.title: (d.action, d.kind) for d in ds}
    assert got == {
        "某某局调研办法": ("enact", "regulation"),
        "某某局管理办法（试行）": ("revise", "regulation"),
        "某某局考核办法": ("revise", "regulation"),
        "关于加强队伍建设的意见": ("issue", "regulation"),
        "某某局旧规定": ("abolish", "regulation"),
        "某某局若干规定": ("enforce", "regulation"),
        "中国共产党党组工作条例": ("study", "external"),
        "某某年鉴": ("compile", "publication"),
        "党政领导干部选拔任用工作条例": ("cite", "external"),
    }


def test_nested_title_and_back_reference():
    ds = docs("制定《某某局贯彻〈2019—2023年党政领导班子建设规划纲要〉的实施意见》。将贯彻落实《规划纲要》作为重要内容。"
              "严格执行《干部任用条例》。")
    outer, inner, back, abbr = ds
    assert outer.kind == "regulation" and outer.action == "enact"
    assert inner.title == "2019—2023年党政领导班子建设规划纲要" and inner.kind == "external"
    assert inner.parent == outer.canonical
    assert back.title == "规划纲要" and back.canonical == inner.title and back.kind == "external"
    assert abbr.canonical == abbr.title   # no earlier full title: stays as written


def test_abbreviated_back_reference_to_earlier_title():
    ds = docs("以《党政领导干部选拔任用工作条例》为根本遵循。严格执行《干部任用条例》的规定。")
    assert ds[1].canonical == "党政领导干部选拔任用工作条例"


def test_periodicals_by_name_and_context():
    ds = docs("在《人民日报》《光明日报》等媒体刊发，组织《当代文学研究》等办好栏目，在《某某学报（社会科学版）》开设专栏。")
    assert {d.title: d.kind for d in ds} == {"人民日报": "periodical", "光明日报": "periodical",
                                             "当代文学研究": "periodical", "某某学报（社会科学版）": "periodical"}


def test_first_verb_of_a_chain_is_the_action():
    ds = docs("建立完善《某某局谈心谈话制度》。编印下发《某某局廉政手册》。制定印发《某某局考勤办法》。"
              "进一步完善《某某局会议制度》。认真学习贯彻《中国共产党廉洁自律准则》。")
    assert [(d.action, d.kind) for d in ds] == [("enact", "regulation"), ("compile", "publication"),
                                                ("enact", "regulation"), ("revise", "regulation"),
                                                ("study", "external")]
