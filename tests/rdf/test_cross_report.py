"""Across reports: self-standing units and documents are one node across reports (``skos:exactMatch`` a
report-independent IRI); the build writes summaries into their own named graph; the named queries
``shared_documents``, ``shared_units`` and ``regulations_across_reports`` read them."""
from __future__ import annotations

import shutil

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from kg.api import query
from kg.api import validate as api_validate
from kg.explore.queries import NAMED, for_report, resolve_query
from kg.extract.resolve import is_self_standing, shared_name
from kg.rdf.graph import document_iri, document_key, org_iri
from kg.rdf.validate import validate
from kg.rdf.vocab import KGO, KGR, PREFIXES, SUMMARY_GRAPH, report_iri
from kg.store.build import build_corpus
from kg.store.oxigraph import Store
from kg.store.summaries import CACHE, summarize_store

from ..conftest import REPORTS

REPORT = """中共{body}党组关于十九届中央第一轮巡视整改进展情况的通报

根据中央统一部署，2021年3月1日至4月30日，中央第三巡视组对{body}党组开展了常规巡视。2021年6月2日，中央巡视组向{body}党组反馈了巡视意见。

一、提高站位，压实责任

一是成立领导小组。由党组书记任组长，办公室负责日常工作。二是细化任务。会同中国作家协会梳理出3个方面。

二、逐条抓好整改落实

（一）关于理论学习不深入的整改情况

1. 理论学习不够系统。一是研究制定《理论学习中心组学习办法》，开展学习。二是重温{cite}，办公室抓好落实。

2. 制度建设滞后。（1）修订《{body}财务管理办法》。
（2）编印《廉政教育读本》。

三、持续巩固整改成果

第一，坚持标准不降。第二，坚持力度不减。
"""
CROSS = ["shared_documents", "shared_units", "regulations_across_reports"]


def write_pair(d):
    d.mkdir(parents=True, exist_ok=True)
    (d / "a.txt").write_text(REPORT.format(body="某某局", cite="《中国共产党巡视工作条例》"), encoding="utf-8")
    (d / "b.txt").write_text(REPORT.format(body="某某署", cite="《巡视工作条例（试行）》"), encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """Two reports that both name 中国作家协会, 办公室 and one regulation under one problem category label."""
    root = tmp_path_factory.mktemp("pair")
    res = build_corpus([write_pair(root / "in")], root / "out", jobs=1, progress=False)
    assert res.ok and len(res.reports) == 2
    return root / "out"


def rows(name, out, report=None):
    return query(name, out, report=report).values()


# -- the rules, on names alone

@pytest.mark.parametrize("name", ["中国作家协会", "中央纪委国家监委", "教育部", "中国作协", "中组部", "党中央",
                                  "中央第六巡视组", "教育部党组第四巡视组", "江南省科学技术厅", "江淮理工大学",
                                  "中共中国作家协会党组", "中国作协机关纪委", "桐崖县城市建设投资有限公司"])
def test_self_standing_names(name):
    assert is_self_standing(name)


@pytest.mark.parametrize("name", ["办公室", "机关纪委", "党组", "部党组", "领导小组", "巡视整改工作领导小组", "计财处",
                                  "办公厅计财处", "中央巡视组", "巡视组", "县委组织部", "市委第三巡察组", "省纪委监委驻省农业农村厅纪检监察组",
                                  "马克思主义学院", "建筑市场监管处", "东校区管理办公室", "基层党组织", "报中国作家协会"])
def test_relative_names(name):
    assert not is_self_standing(name)


def test_issuer_and_its_body_stand_on_their_own_in_their_report():
    assert is_self_standing("海洋事务部", issuer="中共海洋事务部党组")
    assert not is_self_standing("海洋事务部")


def test_one_shared_name_for_forms_of_one_unit():
    assert org_iri("中国作协") == org_iri("中国作家协会")
    assert org_iri("中共中国作家协会党组") == org_iri("中国作协党组") == org_iri("中国作家协会党组")
    assert shared_name("中共江淮理工大学委员会") == "江淮理工大学党委"
    assert org_iri("中共中央组织部") == org_iri("中组部") != org_iri("中央组织部办公厅")
    assert org_iri("中国作家协会").startswith(f"{KGR}org/")


def test_short_forms_and_versions_are_one_document():
    assert document_iri("中国共产党巡视工作条例") == document_iri("巡视工作条例") == document_iri("巡视工作条例（试行）")
    assert document_iri("中国共产党支部工作条例（试行）") == document_iri("中国共产党支部工作条例")
    assert document_iri("某某办法（2019年修订）") == document_iri("某某办法（修订）") == document_iri("某某办法")
    assert document_iri("中华人民共和国监察法") == document_iri("监察法")
    # the rest of a short form must still name the document
    assert document_key("中国共产党章程") == "中国共产党章程" and document_iri("章程") != document_iri("中国共产党章程")
    assert document_iri("某某办法") != document_iri("某某规定")


# -- two reports

def test_two_reports_share_one_node_for_a_self_standing_unit_not_for_a_relative_one(pair):
    with Store.open(pair / "store", read_only=True) as st:
        rs = st.query("""SELECT ?r ?name ?shared WHERE {
            ?o a org:Organization ; skos:prefLabel ?name ; kgo:inReport ?r . OPTIONAL { ?o skos:exactMatch ?shared }
            FILTER(STR(?name) IN ("中国作家协会", "办公室")) }""").values()
    by = {(r["r"].rsplit("/", 1)[1], r["name"]): r.get("shared") for r in rs}
    assert by[("a", "中国作家协会")] == by[("b", "中国作家协会")] == org_iri("中国作家协会")
    assert by[("a", "办公室")] is None and by[("b", "办公室")] is None


def test_summaries_graph(pair):
    with Store.open(pair / "store", read_only=True) as st:
        assert SUMMARY_GRAPH not in st.reports() and st.reports() == {report_iri("a"), report_iri("b")}
        nt = st.graph_nt(SUMMARY_GRAPH)
        assert nt and sorted(nt.splitlines()) == summarize_store(st).splitlines()   # as read back from the store
        unit = URIRef(org_iri("中国作家协会"))
        g = Graph().parse(data=nt.decode(), format="nt")
        assert int(g.value(unit, KGO.reportCount)) == 2 and int(g.value(unit, KGO.mentionCount)) == 2
        assert set(g.objects(unit, KGO.namedIn)) == {URIRef(report_iri("a")), URIRef(report_iri("b"))}
        doc = URIRef(document_iri("中国共产党巡视工作条例"))
        assert str(g.value(doc, URIRef("http://purl.org/dc/terms/title"))) == "中国共产党巡视工作条例"
        assert [str(x) for x in g.objects(doc, SKOS.altLabel)] == ["巡视工作条例（试行）"]
        # the summaries conform to the shapes, checked with the report graphs they point to
        conforms, report = validate(st.graph() + g)
        assert conforms, report


def test_shared_documents(pair):
    got = {r["title"]: r for r in rows("shared_documents", pair)}
    assert set(got) == {"中国共产党巡视工作条例", "理论学习中心组学习办法", "廉政教育读本"}   # not 某某局财务管理办法
    assert got["中国共产党巡视工作条例"]["reports"] == "2" and got["中国共产党巡视工作条例"]["actions"] == "study 2"
    assert got["理论学习中心组学习办法"]["kind"] == "regulation"


def test_shared_units(pair):
    got = [(r["name"], r["reports"]) for r in rows("shared_units", pair)]
    assert ("中国作家协会", "2") in got and not any(n in ("办公室", "领导小组") for n, _ in got)
    assert ("中央第三巡视组", "2") in got


def test_regulations_across_reports(pair):
    got = [(r["category"], r["regulation"], r["actions"], r["reports"], r["category_reports"])
           for r in rows("regulations_across_reports", pair)]
    # each report's own 财务管理办法 answers 制度建设滞后 in one report only: not across reports
    assert got == [("理论学习不够系统", "理论学习中心组学习办法", "enact 2", "2", "2")]


@pytest.mark.parametrize("name", CROSS)
def test_cross_report_queries_bind_report(pair, name):
    """Every new named query can be restricted to one report (for_report): the rows that report takes part in."""
    assert name in NAMED and "VALUES ?report" in for_report(resolve_query(name), "a")
    everything = rows(name, pair)
    only_a = rows(name, pair, report="a")
    assert only_a and all(r in everything for r in only_a)
    assert rows(name, pair, report="b") == only_a      # what both share


def summaries_are_current(out):
    with Store.open(out / "store", read_only=True) as st:
        assert sorted(st.graph_nt(SUMMARY_GRAPH).splitlines()) == summarize_store(st).splitlines()


def test_summaries_follow_the_corpus(tmp_path):
    """A build that changes a report patches the summaries, one that drops a report rewrites them, one that
    changes nothing leaves them; the contributions of unchanged reports come from summaries.json, or from
    the store when it is gone."""
    src = write_pair(tmp_path / "in")
    out = tmp_path / "out"
    build_corpus([src], out, jobs=1, progress=False)
    assert (out / CACHE).is_file()
    a = src / "a.txt"
    a.write_text(a.read_text(encoding="utf-8").replace("第二，坚持力度不减。", "第二，坚持力度不减，学习《习近平谈治国理政》。"),
                 encoding="utf-8")
    assert build_corpus([src], out, jobs=1, progress=False).built == [str(a.resolve())]
    summaries_are_current(out)
    (out / CACHE).unlink()
    b = src / "b.txt"
    b.write_text(b.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build_corpus([src], out, jobs=1, progress=False).built == [str(b.resolve())]
    summaries_are_current(out)
    assert [r["title"] for r in rows("shared_documents", out)] == [
        "中国共产党巡视工作条例", "廉政教育读本", "理论学习中心组学习办法"]
    (src / "b.txt").unlink()
    res = build_corpus([src], tmp_path / "out", jobs=1, progress=False)
    assert res.removed == [report_iri("b")]
    assert rows("shared_units", tmp_path / "out") == [] and rows("shared_documents", tmp_path / "out") == []
    with Store.open(tmp_path / "out" / "store", read_only=True) as st:
        assert st.query(f"ASK {{ <{org_iri('中国作家协会')}> kgo:reportCount 1 }}").boolean is True
    again = build_corpus([src], tmp_path / "out", jobs=1, progress=False)
    assert not again.changed


def test_real_reports_share_documents_and_units(tmp_path):
    for p in REPORTS:
        shutil.copy(p, tmp_path / p.name)
    out = tmp_path / "out"
    assert build_corpus([tmp_path], out, jobs=1, progress=False).ok
    docs = {r["title"]: int(r["reports"]) for r in rows("shared_documents", out)}
    assert docs.get("中国共产党巡视工作条例") == 2 and docs.get("习近平谈治国理政") == 3
    units = {r["name"]: int(r["reports"]) for r in rows("shared_units", out)}
    assert units.get("党中央") == 2 and "办公室" not in units and "办公厅" not in units


# -- kg validate reads the summaries too

RANK = str(KGO.rank)


def _plant(nt: bytes) -> tuple[bytes, dict[str, str]]:
    """The summaries with a bad kgo:rank on one shared document (0), the shared unit (a second rank) and one
    tally (a string); the nodes planted on, by kind."""
    lines = nt.decode("utf-8").splitlines()
    ranked = {}
    for ln in lines:
        s, p, _ = ln.split(" ", 2)
        if p == f"<{RANK}>":
            kind = "unit" if "/org/" in s else "tally" if "/summary/" in s else "document"
            ranked.setdefault(kind, s)
    assert set(ranked) == {"document", "unit", "tally"}, ranked   # the pair has one of each, ranked
    out = []
    for ln in lines:
        s, p, _ = ln.split(" ", 2)
        if p == f"<{RANK}>" and s == ranked["document"]:
            ln = f'{s} {p} "0"^^<http://www.w3.org/2001/XMLSchema#integer> .'
        elif p == f"<{RANK}>" and s == ranked["tally"]:
            ln = f'{s} {p} "1" .'
        elif p == f"<{RANK}>" and s == ranked["unit"]:
            out.append(f'{s} {p} "99"^^<http://www.w3.org/2001/XMLSchema#integer> .')
        out.append(ln)
    return ("\n".join(out) + "\n").encode("utf-8"), {k: v.strip("<>") for k, v in ranked.items()}


def test_kg_validate_checks_the_summaries_graph(pair):
    """`kg validate` checks a build's summaries graph with its report graphs: every triple of both counted."""
    ok, text = api_validate(pair)
    with Store.open(pair / "store", read_only=True) as st:
        n_reports, n_summaries = len(st.graph()), len(st.graph_nt(SUMMARY_GRAPH).splitlines())
    assert ok, text
    assert n_summaries and text == f"Conforms: {n_reports + n_summaries} triples checked, no violations."


@pytest.mark.parametrize("form", ["store", "turtle"])
def test_kg_validate_reports_a_bad_rank_in_the_summaries(pair, tmp_path, form):
    """A rank of 0, a second rank and a string rank planted in the summaries graph (not in a report graph),
    in a store or in graph.ttl + summaries.ttl: each reported once, by node, with the shapes' message."""
    with Store.open(pair / "store", read_only=True) as st:
        planted, nodes = _plant(st.graph_nt(SUMMARY_GRAPH))
        reports = [(iri, st.graph_nt(iri)) for iri in sorted(st.reports())]
    bad = tmp_path / "out"
    if form == "store":
        with Store.open(bad / "store") as st:     # a plain store, as before generations: readers open it
            st.replace_reports([*reports, (SUMMARY_GRAPH, planted)])
            st.flush()
    else:
        bad.mkdir()
        shutil.copy(pair / "graph.ttl", bad / "graph.ttl")
        g = Graph().parse(data=planted.decode("utf-8"), format="nt")
        for p, ns in PREFIXES.items():     # as the build writes summaries.ttl
            g.bind(p, ns)
        g.serialize(bad / "summaries.ttl", format="turtle")
    ok, text = api_validate(bad)
    assert not ok
    lines = text.splitlines()
    assert lines[0].startswith("Does not conform: 3 violation(s)"), text
    short = {k: v.replace(str(KGR), "kgr:") for k, v in nodes.items()}
    shared = "A shared document or unit has at most one kgo:rank (xsd:integer ≥ 1) / 共引文件、共提单位至多有一个从1开始的整数排序"
    assert [ln for ln in lines if ln.startswith(short["document"] + " ")] == [
        f'{short["document"]} kgo:rank "0"^^xsd:integer: {shared}']
    assert [ln.endswith(f": {shared}") for ln in lines if ln.startswith(short["unit"] + " kgo:rank ")] == [True]
    assert [ln for ln in lines if ln.startswith(short["tally"] + " ")] == [
        f'{short["tally"]} kgo:rank "1": A tally has at most one kgo:rank (xsd:integer ≥ 1) / 统计至多有一个从1开始的整数排序']
