"""Source slips (kg.extract.quality)."""
from __future__ import annotations


import pytest

from kg.extract.quality import detect, repeated_phrases, repeated_sentences, stated_regulation_counts

from ..conftest import load_raw as load, make_text


@pytest.mark.parametrize("s", [
    "各单位要常常提醒，做到人人有责、层层压实，逐条逐项整改，一抓到底。",
    "两上两下征求意见，开展谈心谈话，各项各类工作扎实推进。",
    "深入学习习近平总书记重要讲话，召开党委常委会会议研究。",
    "认认真真抓好整改，扎扎实实推进工作，原原本本传达精神。",
    "推动全国国有企业改革发展，改进工作作风，中央纪委委员。",
    "严格执行《中国共产党党组工作条例》，修订《海洋事务部部务会议规则》，加强教师师德建设。",
    "推动党组理论学习中心组组织延伸，实现目的的手段，的的确确取得成效。",
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
