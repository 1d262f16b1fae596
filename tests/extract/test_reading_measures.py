"""Reading: a short paragraph that opens with the marker of a measure (其次， ① （1） 一是 …) and holds a
comma is running text, so a line break before its final punctuation breaks it; a marker starts a new
paragraph; a short heading without a comma stays a heading."""
from __future__ import annotations

import pytest

from kg.extract.reading import MARKER_RE, read_bytes


def broken(src: str) -> list[str]:
    t = read_bytes(src.encode("utf-8"))
    return [a.text for a in t.anomalies if a.kind == "broken_paragraph"]


@pytest.mark.parametrize("first", [
    "其次，街道党工委逐户走访，对4个小区物业",
    "①区党委分片包干，对5个社区服务站",
    "（2）局机关各科室分工负责，对12家企业",
    "最后，派驻纪检组跟进监督，对2个项目",
])
def test_a_short_measure_broken_before_its_stop_is_joined(first):
    t = read_bytes(f"（一）关于整改落实问题\n{first}\n开展专项检查，目前已全部完成。\n".encode("utf-8"))
    assert first + "开展专项检查" in t.text
    assert len(broken(f"（一）关于整改落实问题\n{first}\n开展专项检查，目前已全部完成。\n")) == 1


@pytest.mark.parametrize("src", [
    "（1）加强组织领导\n成立整改工作领导小组，统筹推进整改。\n",     # a heading with a marker, no comma
    "一是压实整改责任\n党委班子成员分工负责，逐项推进。\n",
    "首先，强化领导\n党委会专题研究整改。\n",                           # the only comma is the marker's
])
def test_a_heading_with_a_marker_is_not_broken(src):
    assert broken(src) == []


@pytest.mark.parametrize("line", ["首先，", "其次，", "再次，", "最后，", "①", "⑫"])
def test_more_measure_markers(line):
    assert MARKER_RE.match(line + "压实责任，加强督导。")


@pytest.mark.parametrize("line", ["最后一公里问题得到解决。", "首先要提高认识。"])
def test_words_that_are_no_markers(line):
    assert not MARKER_RE.match(line)
