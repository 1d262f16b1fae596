"""The cross-report queries sort on ``kgo:rank`` (written with the summaries) instead of comparing titles on a
large store; the rank must give exactly the order the queries document. And kg serve's answers written by
Oxigraph itself (``json_from_ox``) are the rows ``kg query`` reads, cut at the same cap."""
from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest

from kg.explore.queries import for_report, resolve_query
from kg.rdf.vocab import KGO, SUMMARY_GRAPH, report_iri
from kg.store.oxigraph import Store
from kg.store.results import from_ox, json_from_ox
from kg.store.summaries import summarize

CROSS = ["shared_documents", "shared_units", "regulations_across_reports"]
REPORTS = [report_iri(f"r{i}") for i in range(5)]


def contributions() -> list[tuple[str, dict]]:
    """Five reports whose documents, units and categories tie on counts, so that names and IRIs decide the
    order (including titles that sort differently by code point and by other collations)."""
    out = []
    for i, r in enumerate(REPORTS):
        docs = {}
        for k, title in enumerate(["乙办法", "甲办法", "Zeta 规定", "alpha 规定", "甲办法（试行）"]):
            if (i + k) % 2 == 0 or k < 2 or (k, i) == (3, 0):   # in every report, in every other one, …
                docs[f"d{k}"] = [[title], ["regulation"], {"enact" if k % 2 else "cite": 1 + (k == 3)}]
        orgs = {f"o{k}": [[name], 1 + (k == 0 and i == 0)] for k, name in enumerate(["教育部", "中组部", "中国作协"])
                if k != 2 or i < 3}
        cats = {f"c{k}": [[label], {f"d{j}": {"enact": 1} for j in range(3) if (i + j + k) % 3 != 1}]
                for k, label in enumerate(["学习不够深入", "制度执行不严", "学习不够深入了"]) if k != 2 or i % 2}
        out.append((r, {"docs": docs, "orgs": orgs, "cats": cats}))
    return out


@pytest.fixture(scope="module")
def store():
    st = Store.open(None)
    st.replace_reports([(SUMMARY_GRAPH, summarize(contributions()))])
    return st


def without_rank(sparql: str) -> str:
    """The query as it was before kgo:rank: sorted on its own keys alone."""
    sparql = re.sub(r"\n\s*OPTIONAL \{ \?\w+ kgo:rank \?rank \}", "", sparql)
    assert "ORDER BY ?rank " in sparql
    return sparql.replace("ORDER BY ?rank ", "ORDER BY ")


@pytest.mark.parametrize("name", CROSS)
def test_rank_is_the_order_of_the_query(store, name):
    sparql = resolve_query(name)
    got = store.query(sparql).rows
    assert len(got) >= 3 and got == store.query(without_rank(sparql)).rows
    for r in REPORTS[:2]:                       # restricted to a report, the same order
        one = for_report(sparql, r.rsplit("/", 1)[1])
        assert store.query(one).rows == store.query(without_rank(one)).rows


def test_ranks_number_each_listing_from_one(store):
    ranks = store.query("SELECT ?kind ?rank WHERE { ?n kgo:rank ?rank . { ?n a kgo:SharedDocument BIND('d' AS ?kind) } "
                        "UNION { ?n a kgo:SharedOrganization BIND('o' AS ?kind) } UNION { ?n a kgo:Tally BIND('t' AS ?kind) } }")
    by_kind: dict[str, list[int]] = {}
    for row in ranks.rows:
        by_kind.setdefault(row["kind"]["value"], []).append(int(row["rank"]["value"]))
    assert set(by_kind) == {"d", "o", "t"}
    assert all(sorted(v) == list(range(1, len(v) + 1)) for v in by_kind.values())
    assert str(KGO.rank) == "https://w3id.org/kg-rectify/ontology#rank"


def test_json_written_by_oxigraph_is_what_kg_query_reads():
    st = ox.Store()
    g = ox.NamedNode("urn:g")
    for i in range(300):
        s = ox.NamedNode(f"urn:s{i:03}")
        o = (ox.Literal(f"值\n\t\"{i}\\", language="zh") if i % 3 else
             ox.Literal(str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
        st.add(ox.Quad(s, ox.NamedNode("urn:p"), o, g))
        if i % 7 == 0:
            st.add(ox.Quad(s, ox.NamedNode("urn:q"), ox.BlankNode(f"b{i}"), g))
    q = "SELECT ?s ?o ?b WHERE { ?s <urn:p> ?o OPTIONAL { ?s <urn:q> ?b } } ORDER BY ?s"
    for cap in (None, 0, 1, 2, 299, 300, 301):
        ours = json_from_ox(st.query(q, use_default_graph_as_union=True), cap)
        ref = from_ox(st.query(q, use_default_graph_as_union=True), cap)
        doc = json.loads(ours.json_bytes)
        assert doc["head"]["vars"] == ref.vars == ours.vars
        assert doc["results"]["bindings"] == ref.rows and ours.truncated == ref.truncated, cap
    assert json.loads(json_from_ox(st.query("SELECT ?x { FILTER(false) }"), 5).json_bytes) == {
        "head": {"vars": ["x"]}, "results": {"bindings": []}}
    assert json_from_ox(st.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True), 5).boolean is True
