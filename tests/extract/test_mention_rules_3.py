"""Mentions from the third round of blind probes: figures counted in the general counters of health and
service work (例, 例次, 人份, 张, 床, 分钟), dictionary words after a role that are not names, and roles
that keep their level (镇党委书记). One small invented sentence per rule, and what it must not find."""
from __future__ import annotations

import pytest

from .test_mention_rules_2 import figures, found, roles


# --------------------------------------------------------------------------- figures

@pytest.mark.parametrize("sentence, figure", [
    ("全年开展远程会诊520例。", (520, "例")),
    ("累计随访患者36例次。", (36, "例次")),
    ("完成样本检测800人份。", (800, "人份")),
    ("印发宣传海报1200张。", (1200, "张")),
    ("新增康复床位60床。", (60, "床")),
    ("平均等候时间缩短至25分钟。", (25, "分钟")),
])
def test_general_counters(sentence, figure):
    assert figures(sentence) == {figure}


@pytest.mark.parametrize("sentence", ["坚持一张蓝图绘到底。", "举例说明整改要求。", "落实一例一策。"])
def test_counter_characters_inside_words_are_not_figures(sentence):
    assert figures(sentence) == set()


# --------------------------------------------------------------------------- people

@pytest.mark.parametrize("sentence", ["该问题由党组成员包案负责。", "由分管副局长包片督办。", "由局长包保负责到底。"])
def test_a_word_after_a_role_is_not_a_name(sentence):
    assert found(sentence, "person") == set()


@pytest.mark.parametrize("sentence, name", [
    ("由局长王强牵头负责。", "王强"),            # a name jieba tags nr, then a word of PERSON_AFTER
    ("局长方圆同志牵头抓总。", "方圆"),          # a dictionary word, but 同志 follows
])
def test_a_name_after_a_role_still_found(sentence, name):
    assert found(sentence, "person") == {name}


@pytest.mark.parametrize("sentence, role", [
    ("镇党委书记马国强主持召开会议。", "镇党委书记"),
    ("由县纪委书记钱立新牵头。", "县纪委书记"),
    ("由乡党委副书记、乡长孙海涛具体负责。", "乡党委副书记、乡长"),
    ("区副主任郑明同志参加会议。", "区副主任"),
])
def test_a_role_keeps_its_level(sentence, role):
    assert set(roles(sentence).values()) == {role}


@pytest.mark.parametrize("sentence, role", [
    ("社区党委书记马国强牵头。", "党委书记"),     # 社区: the level character ends a word
    ("该县县长钱立新牵头。", "县长"),             # the role names its own level
])
def test_a_level_character_that_is_not_the_roles(sentence, role):
    assert set(roles(sentence).values()) == {role}
