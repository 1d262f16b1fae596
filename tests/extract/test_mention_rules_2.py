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


# --------------------------------------------------------------------------- figures

def test_files_sums_days_and_pairs_are_counted():
    got = figures("审核档案318卷，清理案款1853笔，办案周期由78天缩短至52天，确定结对帮带对子22对。")
    assert {(318.0, "卷"), (1853.0, "笔"), (78.0, "天"), (52.0, "天"), (22.0, "对")} <= got


def test_pairs_only_after_digits():
    assert not {u for _, u in figures("开展一对一帮扶和1对1辅导。")} & {"对"}


def test_a_bare_ten_thousand_is_not_a_numeral():
    assert figures("全县万人起诉率同比下降5.1%。") == {(5.1, "%")}
    assert cn_number("万") is None and cn_number("百") is None and cn_number("十万") == 100000.0
