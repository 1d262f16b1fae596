"""Unit names found by the blind probes of 2026-12-01: 部/局 + 机关, a verb after a preposition
(由采购中心), the abbreviated 委 (卫生健康委) in 驻…纪检监察组, …会议 + 事 re-split, a verb inside a
department's name (组织联络部), 所 after a level, and units at several levels (a class). Invented
sentences."""
from __future__ import annotations

import pytest

from .test_mention_rules import orgs


@pytest.mark.parametrize("sentence, unit", [
    ("认真梳理局机关内部管理制度。", "局机关"),
    ("由采购中心会同信息科对合同进行复核。", "采购中心"),
    ("由采购办会同后勤科负责验收。", "采购办"),
    ("自觉接受市纪委监委驻市卫生健康委纪检监察组监督。", "市纪委监委驻市卫生健康委纪检监察组"),
    ("市发展改革委牵头完成清理。", "市发展改革委"),
    ("修订厂长办公会议事规则。", "厂长办公会"),
    ("由市社科联组织联络部牵头推进。", "市社科联组织联络部"),
    ("县财政所建立台账。", "县财政所"),
    ("依托乡新时代文明实践所开展宣讲。", "乡新时代文明实践所"),
])
def test_found(sentence, unit):
    assert unit in orgs(sentence)


@pytest.mark.parametrize("sentence, wrong", [
    ("全面梳理局机关内部管理制度。", "梳理局机关"),
    ("全面清理部机关规章制度。", "清理部"),
    ("构建省、市、县三级社科联协作机制。", "县三级社科联"),
    ("所有部门所在单位都要整改。", "所有部门"),
    ("市疾控中心生物安全二级实验室完成改造。", None),
    ("办公室设在政治部，统筹推进。", "设在政治部"),
])
def test_not_found(sentence, wrong):
    got = orgs(sentence)
    if wrong is None:
        assert "市疾控中心生物安全二级实验室" in got     # a grade of one unit, not levels
    else:
        assert wrong not in got
