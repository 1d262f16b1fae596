"""Metadata: title, issuer and inspection facts in every layout of the genre (web pages, contents lists,
key：value blocks, titles wrapped or printed twice, no title at all), and the gold reports read right."""
import json
import re
import unicodedata
from pathlib import Path

import pytest

from kg.extract.metadata import parse_meta, read_metadata
from kg.extract.reading import read, read_bytes
from kg.extract.structure import _paragraphs
from kg.store.workers import Budget, within_budget

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DEV = ROOT / "tests" / "data" / "dev"

PREAMBLE = ("根据市委统一部署，2023年3月20日至5月19日，市委第三巡察组对某某市文化局党组开展了常规巡察。"
            "2023年7月4日，市委第三巡察组向局党组反馈了巡察意见。按照巡察工作有关要求，现将巡察整改进展情况予以公布。")
BODY = "一、提高政治站位\n一是统一思想。召开会议。二是压实责任。成立小组。\n二、问题整改情况\n（一）理论学习不深入的问题。一是修订制度。"
SIGNATURE = "中共某某市文化局党组\n2023年10月16日"


def md_of(src: str):
    t = read_bytes(src.encode("utf-8"), "x.txt")
    return t.text, read_metadata(t.text, _paragraphs(t.text))


def facts(m):
    return m.inspector, m.start, m.end, m.feedback


def test_plain_report_and_parse_meta_keeps_its_contract():
    src = f"中共某某市文化局党组关于十二届市委第四轮巡察整改进展情况的通报\n{PREAMBLE}\n{BODY}\n{SIGNATURE}"
    text, md = md_of(src)
    m = md.meta
    assert (m.title, m.issuer, m.round) == ("中共某某市文化局党组关于十二届市委第四轮巡察整改进展情况的通报",
                                            "中共某某市文化局党组", "十二届市委第四轮巡察")
    assert facts(m) == ("市委第三巡察组", "2023-03-20", "2023-05-19", "2023-07-04")
    assert md.first == 1 and md.header is None and m.date == "2023-10-16"
    assert m.issuer_span.text(text) == m.issuer and m.inspector_span.text(text) == "市委第三巡察组"
    assert parse_meta(text, _paragraphs(text)) == (m, 1)


def test_web_page_without_title_issuer_from_signature():
    src = ("首页 > 政务公开 > 巡察整改\n来源：某某市文化局　　发布时间：2023-10-17 09:30　　浏览次数：1286\n字号：大 中 小\n"
           f"{PREAMBLE}\n{BODY}\n{SIGNATURE}\n责任编辑：王某\n【打印本页】【关闭窗口】")
    text, md = md_of(src)
    assert md.meta.title == "" and md.meta.title_span is None
    assert md.meta.issuer == "中共某某市文化局党组" and md.meta.issuer_span.text(text) == "中共某某市文化局党组"
    assert md.first == 3 and facts(md.meta) == ("市委第三巡察组", "2023-03-20", "2023-05-19", "2023-07-04")
    assert md.header.text(text).startswith("首页 > 政务公开") and md.header.text(text).endswith("字号：大 中 小")
    assert (md.source, md.published) == ("某某市文化局", "2023-10-17T09:30")
    assert md.source_span.text(text) == "某某市文化局"


def test_furniture_before_a_title_and_a_url_are_kept_apart():
    src = ("当前位置：首页 > 新闻中心\nhttp://www.example.gov.cn/art/2023/10/17/art_1.html\n"
           f"中共某某市文化局党组关于巡察整改进展情况的通报\n来源：某某日报　2023年10月17日\n{PREAMBLE}\n{BODY}")
    text, md = md_of(src)
    assert md.meta.title == "中共某某市文化局党组关于巡察整改进展情况的通报"
    assert md.url == "http://www.example.gov.cn/art/2023/10/17/art_1.html"
    assert (md.source, md.published, md.first) == ("某某日报", "2023-10-17", 4)
    assert md.header.text(text).startswith("当前位置") and md.header.text(text).endswith("art_1.html")


def test_contents_list_and_title_printed_twice_and_key_value_block():
    title = "中共某某省农业科学院委员会关于十二届省委第二轮巡视整改进展情况的通报"
    src = (f"目录\n一、整改工作组织开展情况\n二、巡视反馈问题整改落实情况\n三、下一步工作安排\n联系方式\n{title}\n{title}\n"
           "被巡视单位：某某省农业科学院党委\n巡视组：省委第五巡视组\n巡视时间：2022年3月1日至4月30日\n反馈时间：6月8日\n"
           "根据省委统一部署，省委第五巡视组对省农科院党委开展了常规巡视，并于6月8日向院党委反馈了巡视意见。\n"
           "一、整改工作组织开展情况\n一是强化组织领导。成立小组。")
    text, md = md_of(src)
    m = md.meta
    assert (m.title, m.issuer, m.round) == (title, "中共某某省农业科学院委员会", "十二届省委第二轮巡视")
    assert facts(m) == ("省委第五巡视组", "2022-03-01", "2022-04-30", "2022-06-08")
    assert md.target == "某某省农业科学院党委" and md.contents.text(text).startswith("目录")
    assert text.split("\n")[md.first].startswith("根据省委统一部署")


def test_key_value_pairs_sharing_a_line():
    src = ("中共某某县委关于巡察整改情况的通报\n巡察组：市委巡察二组　　巡察时间：2023年11月20日至1月19日　　反馈时间：3月5日\n"
           f"{BODY}")
    _, md = md_of(src)
    assert facts(md.meta) == ("市委巡察二组", "2023-11-20", "2024-01-19", "2024-03-05")
    assert md.first == 2


def test_wrapped_title_joined_and_printed_twice_counts_once():
    src = ("中共某某部党组关于二十届中央第二轮\n巡视整改进展情况的通报\n中共某某部党组关于二十届中央第二轮巡视整改进展情况的通报\n"
           "根据党中央统一部署，2023年10月16日至12月25日，中央第九巡视组对某某部党组开展了常规巡视。"
           "2024年2月26日，中央巡视组向某某部党组反馈了巡视意见。\n" + BODY)
    text, md = md_of(src)
    assert md.meta.title == "中共某某部党组关于二十届中央第二轮巡视整改进展情况的通报" and md.first == 3
    assert (md.meta.issuer, md.meta.round) == ("中共某某部党组", "二十届中央第二轮巡视")
    assert md.meta.title_span.text(text).replace("\n", "") == md.meta.title
    # wrapped the other way: the issuer on its own line
    _, md = md_of("中共某某省科技厅党组\n关于省委第三轮巡视整改情况的通报\n" + PREAMBLE + "\n" + BODY)
    assert (md.meta.title, md.meta.issuer) == ("中共某某省科技厅党组关于省委第三轮巡视整改情况的通报", "中共某某省科技厅党组")


def test_section_heading_and_preamble_are_never_the_title():
    _, md = md_of("一、巡察反馈问题整改落实情况\n（一）关于理论学习不深入的问题。一是修订制度。\n二、下一步工作\n某某党委\n2023年1月5日")
    assert md.meta.title == "" and md.meta.issuer == "某某党委" and md.first == 0
    _, md = md_of(PREAMBLE + "\n" + BODY)
    assert md.meta.title == "" and md.meta.issuer == "" and md.first == 0
    assert md.meta.inspector == "市委第三巡察组"


def test_team_names_in_their_usual_forms_and_rounds():
    cases = {
        "根据十九届中央第四轮巡视工作统一部署，2019年9月12日至11月25日，中央第十四巡视组对某某部党组开展了常规巡视。":
            ("中央第十四巡视组", "十九届中央第四轮巡视"),
        "根据教育部党组2021年第一轮巡视工作统一部署，2021年4月12日至6月10日，教育部党组第四巡视组对某某大学党委进行了巡视。":
            ("教育部党组第四巡视组", "教育部党组2021年第一轮巡视"),
        "根据区委统一部署，2023年9月4日至10月27日，区委巡察二组对区住建局党组开展了常规巡察。按照区委第五轮巡察工作有关要求，现予公布。":
            ("区委巡察二组", "区委第五轮巡察"),
        "按照市委第九轮巡察工作安排，2023年4月10日至5月31日，市委第三巡察组对某某医院党委开展了巡察。":
            ("市委第三巡察组", "市委第九轮巡察"),
        "根据省委统一部署，2022年9月5日至11月10日，省委第六巡视组对省住建厅党组开展了常规巡视。":
            ("省委第六巡视组", ""),
    }
    for preamble, (team, rnd) in cases.items():
        _, md = md_of("某某单位关于巡视整改情况的通报\n" + preamble + "\n" + BODY)
        assert (md.meta.inspector, md.meta.round) == (team, rnd), preamble
    # 集中整改 in the title; the round is the inspection, the issuer what stands before 关于
    _, md = md_of("中共某某县委关于十届某某市委第四轮巡察集中整改进展情况的通报\n" + PREAMBLE + "\n" + BODY)
    assert (md.meta.issuer, md.meta.round) == ("中共某某县委", "十届某某市委第四轮巡察")
    # a title without 关于; a numbered round in the preamble beats the title's plain one
    _, md = md_of("中共某某集团委员会市委巡察整改进展情况的通报\n根据十四届市委第三轮巡察工作统一部署，" + PREAMBLE[8:] + "\n" + BODY)
    assert (md.meta.issuer, md.meta.round) == ("中共某某集团委员会", "十四届市委第三轮巡察")


def test_dates_without_year_across_year_end_and_in_chinese_numerals():
    _, md = md_of("某某党组关于巡视整改情况的通报\n根据中央统一部署，2023年11月20日至1月19日，中央第二巡视组对某某党组开展了常规巡视。"
                  "3月5日，中央第二巡视组向某某党组反馈了巡视意见。\n" + BODY)
    assert facts(md.meta) == ("中央第二巡视组", "2023-11-20", "2024-01-19", "2024-03-05")
    _, md = md_of("某某党组关于巡察整改情况的通报\n根据市委统一部署，二〇二一年三月一日至四月三十日，市委第二巡察组对某某局党组进行了巡察，"
                  "六月二日向局党组反馈了巡察意见。\n" + BODY)
    assert facts(md.meta) == ("市委第二巡察组", "2021-03-01", "2021-04-30", "2021-06-02")
    # no year anywhere before: the signature's date gives it
    _, md = md_of("某某党组关于巡察整改情况的通报\n根据县委统一部署，4月10日至5月31日，县委第二巡察组对某某医院党委开展了巡察。"
                  "7月12日，巡察组向医院党委反馈了巡察意见。\n" + BODY + "\n某某党委\n2023年9月28日")
    assert facts(md.meta) == ("县委第二巡察组", "2023-04-10", "2023-05-31", "2023-07-12")


def test_nothing_is_read_from_inside_book_title_marks():
    src = ("《中共某某党组关于巡视整改进展情况的通报》\n中共某某局党组关于巡视整改情况的通报\n"
           "根据中央统一部署，某某局党组制定《落实中央第九巡视组反馈意见的整改方案》，2021年3月1日至4月30日，"
           "中央第三巡视组对某某局党组开展了常规巡视，《2021年6月2日反馈材料汇编》。2021年6月9日，中央巡视组向某某局党组反馈了巡视意见。\n"
           + BODY)
    _, md = md_of(src)
    assert md.meta.title == "中共某某局党组关于巡视整改情况的通报"
    assert facts(md.meta) == ("中央第三巡视组", "2021-03-01", "2021-04-30", "2021-06-09")
    # a line that only cites a title inside 《》 never becomes the title
    _, md = md_of("学习《关于巡视整改进展情况的通报》\n" + PREAMBLE + "\n" + BODY)
    assert md.meta.title == "" and md.meta.inspector == "市委第三巡察组"


def test_page_title_with_the_site_name_then_the_article_title():
    title = "中共某某医院委员会关于县委巡察整改进展情况的通报"
    text, md = md_of(f"{title}_通知公告_某某县人民医院\n{title}\n{PREAMBLE}\n{BODY}")
    assert md.meta.title == title and md.first == 2
    assert md.meta.title_span.text(text) == title and md.meta.title_span.start > 0


def test_long_lines_stay_within_the_budget():
    """Metadata of very long lines is linear: a regression trips the budget the code enforces (no timing here)."""
    line = "根据" + "某" * 200_000 + "。"
    src = "《" * 5000 + "\n" + ("首页 > " * 20000) + "\n" + line + "\n" + BODY + "\n" + "2" * 100_000
    with within_budget(Budget(10, 500), "metadata of long lines"):
        md_of(src)


# --- the gold reports -------------------------------------------------------------------------------------


def _norm(s: str) -> str:
    """As the scorer (shared/eval/score.py) compares titles and names."""
    s = unicodedata.normalize("NFKC", s or "")
    s = re.sub(r"[《》〈〉<>“”‘’\"'「」『』\s]", "", s)
    return s.replace("—", "-").replace("－", "-").replace("·", "").replace("・", "")


def _gold_reports():
    out = []
    for p in sorted((SHARED / "reports").glob("*.txt")):
        g = SHARED / "eval" / "gold" / f"{p.stem}.json"
        if g.exists():
            out.append((p, g))
    for p in sorted(DEV.glob("*.txt")):
        if p.with_suffix(".json").exists():
            out.append((p, p.with_suffix(".json")))
    return out


GOLD = _gold_reports()


@pytest.mark.skipif(not GOLD, reason="no gold reports beside the project")
@pytest.mark.parametrize("report,gold_file", GOLD, ids=[p.stem for p, _ in GOLD])
def test_gold_report_fields(report, gold_file):
    gold = json.loads(gold_file.read_text(encoding="utf-8"))["report"]
    t = read(report)
    m = read_metadata(t.text, _paragraphs(t.text)).meta
    gi, ri = _norm(gold["issuer"]), _norm(m.issuer)
    assert _norm(m.title) == _norm(gold["title"])
    assert (gi == ri) if not gi or not ri else (gi in ri or ri in gi), (m.issuer, gold["issuer"])
    assert _norm(m.inspector) == _norm(gold["inspector"])
    assert (m.start, m.end, m.feedback) == (gold["inspection_start"], gold["inspection_end"], gold["feedback_date"])
    if gold.get("round"):
        assert _norm(m.round) == _norm(gold["round"])
