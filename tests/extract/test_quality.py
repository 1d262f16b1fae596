"""Source slips (kg.extract.quality)."""
from __future__ import annotations


import pytest

from kg.extract.quality import CLAUSE_RE, detect, repeated_phrases, repeated_sentences, stated_regulation_counts

from ..conftest import load_raw as load, make_text


@pytest.mark.parametrize("s", [
    "各单位要常常提醒，做到人人有责、层层压实，逐条逐项整改，一抓到底。",
    "两上两下征求意见，开展谈心谈话，各项各类工作扎实推进。",
    "深入学习习近平总书记重要讲话，召开党委常委会会议研究。",
    "认认真真抓好整改，扎扎实实推进工作，原原本本传达精神。",
    "推动全国国有企业改革发展，改进工作作风，中央纪委委员。",
    "严格执行《中国共产党党组工作条例》，修订《海洋事务部部务会议规则》，加强教师师德建设。",
    "推动党组理论学习中心组组织延伸，实现目的的手段，的的确确取得成效。",
    # set phrases that repeat by design
    "逐项明确责任领导和完成时限，确保条条有整改、件件有落实。",
    "做到人人讲安全、个个会应急，事事有回音、处处见担当，桩桩有着落、项项都过关。",
    "常常提醒、天天调度，层层压实责任，逐一对账销号，村村通、户户通全覆盖。",
    "聚焦主责主业，实行“一问题一台账”管理。",
    "推动“十四五”规划落实，谋划“十五五”时期发展，二〇二二年完成。",
    # a unit name's last character that begins the next word
    "制定《桐崖县县属国有企业负责人履职待遇管理办法》。",
    "中央巡视组向中共中央联络协调部部务会反馈了巡视意见，青河镇镇长参加。",
])
def test_no_false_repeated_phrase(s):
    assert repeated_phrases(s) == []


@pytest.mark.parametrize("s,quote", [
    ("领导小组统统筹协调。", "统统筹"),
    ("严格按程序向党中中央请示报告。", "党中中央"),
    ("党组组成员以普通党员身份参加。", "组组成"),
    ("对有关反映和可能出现的的问题及时提醒。", "的的"),
    ("跟党走，走使命使命。", "使命使命"),
    ("深入开展开展专项整治。", "开展开展"),
    ("全面从严治治党。", "治治"),
    # slips still found beside set phrases and unit names
    ("确保条条有整改、件件有落实，严格格落实中央八项规定。", "严格格"),
    ("形成集团团公司党委统一领导的工作格局。", "集团团公"),
    ("对重点项目开展全面面排查。", "全面面"),
    ("认真真梳理反馈问题。", "认真真"),
])
def test_repeated_phrase_found(s, quote):
    found = repeated_phrases(s)
    assert len(found) == 1 and quote in found[0].text
    a = found[0]
    assert s[a.span.start:a.span.end] == a.text


def test_repeated_sentence_once():
    s = "二是支持监督。强化对权力运行的监督，突出关键环节，加强对权力运行的监督，突出关键环节，加强对权力运行的监督，突出关键环节。三是其他。\n"
    found = repeated_sentences(s)
    assert len(found) == 1
    assert "加强对权力运行的监督，突出关键环节" in found[0].text
    assert repeated_sentences("敢于发现问题，善于发现问题，推动解决问题。") == []


@pytest.mark.parametrize("s,unit", [
    ("坚决防止“四风”问题反弹回潮。坚决防止“四风”问题反弹回潮。", "坚决防止“四风”问题反弹回潮"),
    ("强化对权力运行的监督，突出关键环节，加强对权力运行的监督，突出关键环节，加强对权力运行的监督，突出关键环节。",
     "加强对权力运行的监督，突出关键环节"),
])
def test_repeated_sentence_found_once(s, unit):
    (a,) = repeated_sentences(s)
    assert unit in a.text and a.text in s and len(a.text) <= 80


def test_set_phrase_used_twice_on_purpose_is_no_repeated_sentence():
    s = ("一是细化任务，确保条条有整改、件件有落实。二是强化督办，确保条条有整改、件件有落实。\n"
         "确保条条有整改、件件有落实。\n确保条条有整改、件件有落实。\n"
         "敢于发现问题，善于发现问题，推动解决问题。坚持标准不降，坚持力度不减。")
    assert repeated_sentences(s) == []
    assert detect(make_text(s)) == []


def test_repeated_sentence_check_is_linear_and_bounded():
    """A paragraph of 400,000 characters, one sentence repeated: one anomaly (quoted in 80 characters at most),
    found in linear time (the former check compared every clause with every later one: 4,000
    sentences took 14 s, this paragraph would take minutes)."""
    import kg.extract.quality as q

    sent = "加强对权力运行的监督和制约，突出重点领域和关键环节。"
    s = "二是支持监督。" + sent * (400_000 // len(sent)) + "三是其他。"
    assert len(s) >= 399_000
    compared = 0
    real = q._longest_repeat

    def counting(texts):
        nonlocal compared
        compared += len(texts)
        return real(texts)

    q._longest_repeat = counting
    try:
        found = repeated_sentences(s)
    finally:
        q._longest_repeat = real
    assert compared == len(CLAUSE_RE.findall(s))           # each clause handed over once
    (a,) = found
    assert sent[:-1] in a.text and len(a.text) <= 80 and a.span.end - a.span.start > 100_000
    assert "repeated" in a.message and len(a.message) <= 80
    everything = detect(make_text(s))
    assert len(everything) == 1 and everything[0].kind == "repeated_sentence"


def test_longest_repeat_matches_the_plain_definition():
    """The hashed run-length scan gives what comparing clause by clause gives."""
    import random

    from kg.extract.quality import _longest_repeat

    def plain(texts):
        best = None
        nc = len(texts)
        for p in range(1, 5):
            for i in range(nc - p):
                if i + 2 * p > nc or texts[i + p] != texts[i]:
                    continue
                k = 1
                while i + (k + 1) * p <= nc and all(texts[i + k * p + j] == texts[i + j] for j in range(p)):
                    k += 1
                if k < 2 or sum(len(c) for c in texts[i:i + p]) < 8:
                    continue
                if best is None or k * p > best[0] or (k * p == best[0] and i < best[1]):
                    best = (k * p, i, p, k)
        return best

    rnd = random.Random(7)
    words = ["加强监督检查工作", "突出重点", "压实责任推动落实到位", "甲", "完善制度机制建设"]
    for _ in range(500):
        texts = [rnd.choice(words) for _ in range(rnd.randint(0, 14))]
        assert _longest_repeat(texts) == plain(texts), texts


HEADER = ("首页 > 新闻中心 > 通知公告\n来源：某某县人民医院党委办公室　　发布时间：2023-09-28 10:15\n字号：大 中 小\n"
          "中共某某县人民医院委员会关于巡察整改进展情况的通报\n"
          "根据县委统一部署，县委第二巡察组对医院党委开展了常规巡察。现将整改进展情况予以公布。\n"
          "一、提高站位\n一是统一思想。二是压实责任。\n")


def test_web_header_is_one_anomaly_for_the_block():
    found = [a for a in detect(make_text(HEADER)) if a.kind.startswith("web_")]
    assert [a.kind for a in found] == ["web_header"]
    a = found[0]
    assert a.text.startswith("首页 > 新闻中心") and "发布时间：2023-09-28 10:15" in a.text and a.text.endswith("字号：大 中 小")
    assert "\n" not in a.text and len(a.text) <= 80
    assert a.span.start == 0 and HEADER[a.span.end - 5:a.span.end] == "大 中 小"


@pytest.mark.parametrize("head", [
    "当前位置：首页 > 政务公开 > 巡察整改\n",
    "首页 > 政务公开 > 部门信息 > 巡察整改 来源：青石区住房和城乡建设局\n",
    "来源：某某厅　　发布时间：2023-05-16 10:30　　浏览次数：1286　　【字号：大 中 小】　【打印】　【关闭】\n",
    "【大】【中】【小】 【打印本页】\n",
])
def test_web_header_forms(head):
    s = "中共某某厅党组关于巡视整改进展情况的通报\n" + head + "根据省委统一部署，省委第六巡视组开展了巡视。现予公布。\n"
    (a,) = detect(make_text(s))
    assert a.kind == "web_header" and len(a.text) <= 80
    assert s[a.span.start:a.span.end] == head.strip()


def test_long_header_block_is_quoted_in_80_characters():
    head = ("首页 > 政务公开 > 部门信息 > 巡察整改工作专栏 > 整改进展\n"
            "来源：某某市住房和城乡建设局办公室　　发布时间：2024-03-11 09:30　　浏览次数：1286\n字号：大 中 小\n")
    (a,) = detect(make_text(head + "根据市委统一部署，市委第一巡察组开展了常规巡察。\n"))
    assert a.kind == "web_header" and len(a.text) <= 80 and a.span.end == len(head) - 1
    assert a.text.startswith("首页 > 政务公开")


@pytest.mark.parametrize("s", [
    # a key：value metadata block of the report is not page furniture
    "中共某某研究院委员会关于巡视整改进展情况的通报\n被巡视单位：某某研究院党委\n巡视组：省委第五巡视组\n"
    "巡视时间：2022年3月1日至4月30日\n反馈时间：6月8日\n根据省委统一部署，现将整改进展情况予以公布。\n",
    # headings, a title over two lines and a contents list before the text
    "中共某某部部务会关于二十届中央第二轮\n巡视整改进展情况的通报\n目录\n一、整改工作组织开展情况\n"
    "二、巡视反馈问题整改落实情况\n根据党中央统一部署，开展了巡视。\n",
    # a 来源 line inside the text is no header
    "一、总体情况\n一是加强领导。二是细化任务。\n" * 3 + "来源：某某办公室\n",
])
def test_no_web_header_in_report_text(s):
    assert [a for a in detect(make_text(s)) if a.kind == "web_header"] == []


def test_header_and_footer_are_two_anomalies():
    s = HEADER + "\n中共某某县人民医院委员会\n2023年9月28日\n责任编辑：吴思敏\n【打印本页】【关闭窗口】\n"
    found = [(a.kind, a.text) for a in detect(make_text(s))]
    assert [k for k, _ in found] == ["web_header", "web_footer"]
    assert found[1][1] == "责任编辑：吴思敏 【打印本页】【关闭窗口】"


def test_web_footer():
    s = "正文。\n\n中共某某委员会\n2022年1月18日\n\n来源：某某办公室　　发布时间：2022-01-18 16:42　　浏览次数：3567\n【打印本页】　【关闭窗口】\n"
    found = [a for a in detect(make_text(s)) if a.kind == "web_footer"]
    assert len(found) == 1 and found[0].text.startswith("来源：某某办公室") and "【关闭窗口】" in found[0].text


def test_count_mismatch():
    s = "截至目前，需要制定、修订的17项规章制度已下发执行。"
    assert [v for v, _ in stated_regulation_counts(s)] == [17]
    assert [v for v, _ in stated_regulation_counts("制定修订规章制度21项，追责问责23人")] == [21]
    assert [v for v, _ in stated_regulation_counts("新建、修订各类制度36项，处理15人")] == [36]
    t = make_text(s)
    assert [a.kind for a in detect(t, listed_regulations=16)] == ["count_mismatch"]
    assert detect(t, listed_regulations=17) == []
    assert detect(t) == []


def test_reports():
    seed = detect(load("zuoxie_2020.txt"), listed_regulations=16)
    texts = [a.text for a in seed]
    for gold in ("走使命使命", "改制企企工作", "述述职廉", "中国作协作协青年工作委员会", "可能出现的的问题"):
        assert any(t in gold or gold in t for t in texts), gold
    sents = [a for a in seed if a.kind == "repeated_sentence"]
    assert len(sents) == 1 and "加强对权力运行的监督和制约，突出重点领域和关键环节" in sents[0].text
    assert any(a.kind == "count_mismatch" for a in seed)
    d1 = detect(load("dev_1.txt"))
    assert sorted(a.text for a in d1 if a.kind == "repeated_phrase") == sorted(["组统统筹", "党中中央", "党组组成"])
    d2 = detect(load("dev_2.txt"))
    assert [a.kind for a in d2] == ["web_footer"]
    assert "来源：江淮理工大学党委办公室" in d2[0].text
    for a in seed + d1 + d2:
        assert a.span.start < a.span.end


def test_fast_scans_equal_plain_regexes():
    """``doublings`` and ``stated_regulation_counts`` find what the plain regexes find."""
    import re

    from kg.extract.quality import COUNT_RE, HAN, _count_matches, doublings

    texts = [load(n).text for n in ("zuoxie_2020.txt", "dev_1.txt", "dev_2.txt")]
    texts.append("走使命使命，改制企企工作的的，哈哈哈哈哈，ABAB甲乙甲乙甲乙，学习习近平，常常，需要制定制度3项，修订的两项制度")
    for t in texts:
        plain = {n: [m.start() for m in re.finditer(r"(?=([%s]{%d})\1)" % (HAN, n), t)] for n in (4, 3, 2, 1)}
        assert doublings(t) == plain
        assert [m.span() for m in _count_matches(t)] == [m.span() for m in COUNT_RE.finditer(t)]
