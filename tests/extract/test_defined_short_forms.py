"""Negation after a title, completion after a negated problem title, and short forms the text
defines with （以下简称X） (kg.extract.documents, kg.extract.resolve). Invented sentences."""
from __future__ import annotations

from kg.extract.documents import find_documents
from kg.extract.mentions import extract
from kg.extract.reading import read_bytes
from kg.extract.resolve import resolve

from ..conftest import make_text


def docs(s: str, issuer: str = "") -> dict[str, tuple[str, str, bool]]:
    t = read_bytes(s.encode(), "x")
    return {d.title: (d.kind, d.action, d.negated) for d in find_documents(t, issuer=issuer)}


def test_not_issued_after_the_title_is_negated():
    d = docs("针对原定的《青禾乡集市摊位管理规范》，目前正在征求意见，尚未印发。")
    assert d["青禾乡集市摊位管理规范"][1:] == ("cite", True)
    d = docs("关于《青禾乡河道巡查办法》，草案尚未出台；修订《青禾乡财务报销规定》。")
    assert d["青禾乡河道巡查办法"][1:] == ("cite", True)
    assert d["青禾乡财务报销规定"][1:] == ("revise", False)
    # a negation in a later sentence is not about the title
    d = docs("制定《青禾乡用车管理办法》，已印发执行。另有2项制度尚未出台。")
    assert d["青禾乡用车管理办法"][1:] == ("enact", False)


def test_negated_problem_title_takes_the_completion_after_it():
    d = docs("针对指出的尚未修订《翠湾市书协会员管理办法》问题，已于今年3月完成修订。")
    assert d["翠湾市书协会员管理办法"][1:] == ("revise", False)
    # without a completion it stays negated
    d = docs("针对指出的尚未修订《翠湾市书协会员管理办法》问题，正在研究。")
    assert d["翠湾市书协会员管理办法"][1:] == ("cite", True)


def test_place_and_defined_short_form_prefix_an_own_title():
    s = ("中共翠湾市书法家协会党组关于巡察整改进展情况的通报\n"
         "市委巡察组对翠湾市书法家协会（以下简称市书协）党组开展了巡察。学习《翠湾市书协会员手册范本》，"
         "执行《翠湾市书协会费收支细则》。")
    d = docs(s, issuer="中共翠湾市书法家协会党组")
    assert d["翠湾市书协会费收支细则"][0] == "regulation"


def org_names(s: str, issuer: str) -> dict[str, object]:
    t = make_text(s)
    ms, _ = extract(t)
    return {e.name: e for e in resolve(ms, issuer, s) if e.kind == "organization"}


def test_defined_short_form_is_the_body_alias_whatever_its_shape():
    s = ("中共翠湾市书法家协会党组关于巡察整改进展情况的通报\n"
         "市委巡察组对翠湾市书法家协会（以下简称市书协）党组开展了巡察。市书协办公室牵头整改，市书协机关纪委加强监督。")
    o = org_names(s, "中共翠湾市书法家协会党组")
    assert "市书协" not in o
    assert "市书协" in o["翠湾市书法家协会"].aliases
    body = o["翠湾市书法家协会"].key
    assert o["市书协办公室"].parent == body and "办公室" not in o


def test_never_split_by_a_defined_short_form():
    s = ("中共青禾乡委员会关于巡察整改进展情况的通报\n"
         "领导小组办公室设在乡综合办公室（以下简称综合办），由综合办跟踪督办。青禾乡综合办公室负责汇总。")
    o = org_names(s, "中共青禾乡委员会")
    assert "公室" not in o and "综合办" not in o
