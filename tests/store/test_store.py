"""Embedded Oxigraph store: persistence, locking, damage, query results."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg.errors import KgStoreError
from kg.rdf.ntriples import sorted_nt, to_nquads
from kg.rdf.ontology import ontology_path
from kg.rdf.vocab import DCTERMS as DCT, KGO, KGR, ONTOLOGY_GRAPH, with_prefixes
from kg.store import QueryResult, Store, open_store



def report_graph(rid: str, title: str, n: int = 3) -> tuple[str, rdflib.Graph]:
    iri = f"{KGR}report/{rid}"
    g = rdflib.Graph()
    r = URIRef(iri)
    g.add((r, RDF.type, KGO.Report))
    g.add((r, DCT.title, Literal(title, lang="zh")))
    for i in range(1, n + 1):
        s = URIRef(f"{iri}/section/{i}")
        g.add((s, RDF.type, KGO.Section))
        g.add((s, KGO.inReport, r))
        g.add((s, KGO.number, Literal(i)))
    return iri, g


def test_persist_and_reopen(tmp_path):
    path = tmp_path / "store"
    with Store.open(path) as st:
        a, ga = report_graph("a", "甲报告")
        b, gb = report_graph("b", "乙报告", 2)
        st.replace_report(a, ga)
        st.replace_report(b, gb.serialize(format="nt", encoding="utf-8"))
        assert st.reports() == {a, b}
    with Store.open(path) as st:
        assert st.reports() == {a, b}
        res = st.query("SELECT ?r ?t WHERE { ?r a kgo:Report ; dcterms:title ?t } ORDER BY ?r")
        assert res.vars == ["r", "t"]
        assert res.tuples() == [(a, "甲报告"), (b, "乙报告")]
        assert res.rows[0]["t"] == {"type": "literal", "value": "甲报告", "xml:lang": "zh"}
        n = st.query("SELECT (COUNT(?s) AS ?n) WHERE { ?s a kgo:Section }").rows[0]["n"]
        assert n == {"type": "literal", "value": "5", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    with Store.open(path, read_only=True) as st:
        assert st.reports() == {a, b}
        with pytest.raises(KgStoreError, match="read-only"):
            st.drop_report(a)


def test_replace_and_drop(tmp_path):
    with Store.open(tmp_path / "s") as st:
        iri, g = report_graph("a", "旧标题", 5)
        st.replace_report(iri, g)
        _, g2 = report_graph("a", "新标题", 1)
        st.replace_report(iri, g2)
        res = st.query("SELECT ?t WHERE { ?r dcterms:title ?t }")
        assert res.tuples() == [("新标题",)]
        assert len(st.query("SELECT ?s WHERE { ?s a kgo:Section }")) == 1
        st.drop_report(iri)
        assert st.reports() == set()
        st.drop_report(iri)  # dropping a missing graph is fine
        with pytest.raises(KgStoreError, match="valid graph IRI"):
            st.replace_report("not an iri", g)


def test_ontology_graph(tmp_path):
    with Store.open(tmp_path / "s") as st:
        loaded = st.ensure_ontology()
        assert loaded == (ontology_path() is not None)
        if loaded:
            assert ONTOLOGY_GRAPH not in st.reports()
            res = st.query(f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")
            assert res.boolean is True
            # the union default graph sees the ontology
            assert st.query("ASK { ?c a owl:Class }").boolean is True


def test_second_writer_in_same_process(tmp_path):
    with Store.open(tmp_path / "s"):
        with pytest.raises(KgStoreError, match=r"store at .* is in use by another kg process"):
            Store.open(tmp_path / "s")


def test_second_writer_in_other_process(tmp_path):
    path = tmp_path / "s"
    with Store.open(path) as st:
        st.replace_report(*report_graph("a", "甲"))
        st.flush()
        code = textwrap.dedent(f"""
            from kg.errors import KgStoreError
            from kg.store import Store
            try:
                Store.open({str(path)!r})
            except KgStoreError as e:
                print("ERR", e)
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert "ERR store at" in out.stdout and "in use by another kg process" in out.stdout, out


def test_damaged_store(tmp_path):
    bad = tmp_path / "bad"
    with Store.open(bad) as st:
        st.replace_report(*report_graph("a", "甲"))
    (bad / "CURRENT").write_text("garbage\n")
    with pytest.raises(KgStoreError, match=r"store at .*bad is damaged .*delete it or run kg build --rebuild"):
        Store.open(bad)
    # a plain file where the store should be
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(KgStoreError, match="damaged"):
        Store.open(f)
    # a directory with other content is not taken over
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(KgStoreError, match="not a kg store"):
        Store.open(other)
    with pytest.raises(KgStoreError, match="refusing"):
        Store.destroy(other)
    # destroy + reopen repairs the damaged one
    Store.destroy(bad)
    with Store.open(bad) as st:
        assert st.reports() == set()


def test_read_only_missing(tmp_path):
    with pytest.raises(KgStoreError, match="no kg store"):
        Store.open(tmp_path / "missing", read_only=True)


def test_query_result_formats():
    st = Store.open(None)
    iri, g = report_graph("a", "甲,报告")
    st.replace_report(iri, g)
    res = st.query("SELECT ?r ?t ?n ?missing WHERE { ?r dcterms:title ?t . OPTIONAL { ?r kgo:number ?n } } ")
    doc = json.loads(res.to_json())
    assert doc["head"]["vars"] == ["r", "t", "n", "missing"]
    assert doc["results"]["bindings"] == [{"r": {"type": "uri", "value": iri},
                                           "t": {"type": "literal", "value": "甲,报告", "xml:lang": "zh"}}]
    assert res.to_csv() == f'r,t,n,missing\r\n{iri},"甲,报告",,\r\n'
    table = res.to_table()
    assert "report/a" in table and "甲,报告" in table
    assert res.values() == [{"r": iri, "t": "甲,报告"}]
    assert QueryResult.from_sparql_json(res.to_json()).rows == res.rows
    rows = res.to_rdflib_rows()
    assert rows[0][0] == URIRef(iri) and rows[0][1] == Literal("甲,报告", lang="zh") and rows[0][2] is None
    ask = st.query("ASK { ?r a kgo:Report }")
    assert ask.boolean is True and json.loads(ask.to_json()) == {"head": {}, "boolean": True}
    assert ask.to_csv() == "boolean\r\ntrue\r\n"
    con = st.query("CONSTRUCT { ?r a kgo:Report } WHERE { ?r a kgo:Report }")
    assert con.kind == "graph" and con.triples.strip() == f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/kg-rectify/ontology#Report> .".encode()
    with pytest.raises(ValueError, match="invalid SPARQL"):
        st.query("SELECT WHERE {")


def test_with_prefixes():
    q = "PREFIX kgo: <urn:x#>\nSELECT ?x WHERE { ?x a kgo:R ; skos:prefLabel ?l }"
    out = with_prefixes(q)
    assert out.count("PREFIX kgo:") == 1 and "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>" in out
    assert with_prefixes("SELECT * { ?s ?p <http://x/y> }") == "SELECT * { ?s ?p <http://x/y> }"


def test_to_rdflib_and_sorted_nt(tmp_path):
    with Store.open(tmp_path / "s") as st:
        a, ga = report_graph("a", "甲")
        b, gb = report_graph("b", "乙")
        st.replace_report(a, ga)
        st.replace_report(b, gb)
        merged = st.graph()
        assert len(merged) == len(ga + gb) and (URIRef(a), RDF.type, KGO.Report) in merged
        ds = st.to_rdflib(include_ontology=False)
        assert {str(g.identifier) for g in ds.graphs() if len(g)} == {a, b}
        assert len(ds.graph(URIRef(a))) == len(ga)
        lines = list(st.iter_nquads())
        assert lines == sorted(lines[: len(ga)]) + sorted(lines[len(ga):])
    # blank nodes: same graph, different labels → same canonical lines
    x = sorted_nt(b'_:x <http://p> _:y .\n_:y <http://p> "a" .\n', "g")
    y = sorted_nt(b'_:k <http://p> "a" .\n_:j <http://p> _:k .\n', "g")
    assert x == y
    assert sorted_nt(b'_:k <http://p> "a" .\n', "g1") != sorted_nt(b'_:k <http://p> "a" .\n', "g2")


def test_open_store_spec(tmp_path):
    st = open_store(tmp_path / "s")
    assert isinstance(st, Store)
    st.close()
    r = open_store("http://127.0.0.1:7878")
    assert r.endpoint.endswith("/query") and r.gsp_endpoint.endswith("/store")
    r = open_store("http://h/ds/query")
    assert r.update_endpoint == "http://h/ds/update"


def default_graph_nt(path) -> bytes:
    """What the store holds in its stored default graph, read straight from disk."""
    import pyoxigraph as ox
    raw = ox.Store.read_only(str(path))
    try:
        return raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    finally:
        del raw


def nt_of(g: rdflib.Graph) -> bytes:
    return g.serialize(format="nt", encoding="utf-8")


def test_queries_see_union_of_report_graphs(tmp_path):
    """Report graphs are disjoint: queries run on their union; replacing or dropping a report
    touches only its own triples; nothing is ever written to the default graph."""
    path = tmp_path / "s"
    a, ga = report_graph("a", "甲", 3)
    b, gb = report_graph("b", "乙", 2)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    titles = "SELECT ?r ?t WHERE { ?r dcterms:title ?t } ORDER BY ?r"
    with Store.open(path) as st:
        st.replace_report(a, ga)
        st.replace_report(b, gb)
        assert st.query(titles).tuples() == [(a, "甲"), (b, "乙")]
        assert st.query(count).tuples() == [(str(len(ga) + len(gb)),)] and len(st) == len(ga) + len(gb)
        assert st.query("SELECT * WHERE { ?s ?p ?o }", union=False).rows == []   # stored default graph
        b_before = st.graph_nt(b)
        _, ga2 = report_graph("a", "甲二", 1)
        st.replace_report(a, ga2)                       # only a's triples change
        assert st.query(titles).tuples() == [(a, "甲二"), (b, "乙")]
        assert st.query(count).tuples() == [(str(len(ga2) + len(gb)),)]
        assert st.graph_nt(b) == b_before
        assert sorted_nt(st.graph_nt(a)) == sorted_nt(nt_of(ga2))
        assert len(st.query(f"SELECT ?s WHERE {{ ?s kgo:inReport <{a}> }}")) == 1
        st.drop_report(a)                               # dropping removes a's triples, not b's
        assert st.reports() == {b}
        assert st.query(titles).tuples() == [(b, "乙")]
        assert st.query(count).tuples() == [(str(len(gb)),)]
        assert st.graph_nt(b) == b_before
        assert len(st.graph()) == len(gb)
    assert default_graph_nt(path) == b""
    with Store.open(path, read_only=True) as st:
        assert st.query(titles).tuples() == [(b, "乙")]


def test_replace_reports_batch(tmp_path):
    """The batched write used by corpus builds: same content as one-by-one replace_report."""
    a, ga = report_graph("a", "甲", 3)
    b, gb = report_graph("b", "乙", 2)
    with Store.open(tmp_path / "batch") as s1, Store.open(tmp_path / "single") as s2:
        s1.replace_reports([(a, nt_of(ga)), (b, nt_of(gb))])
        s2.replace_report(a, nt_of(ga))
        s2.replace_report(b, nt_of(gb))
        q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
        assert s1.query(q).rows == s2.query(q).rows
        assert len(s1.query(q)) == len(ga) + len(gb)
        assert list(s1.iter_nquads()) == list(s2.iter_nquads())
        # replacing in a batch removes the old version first; b is untouched
        b_before = s1.graph_nt(b)
        _, ga2 = report_graph("a", "甲二", 1)
        s1.replace_reports([(a, nt_of(ga2))])
        assert s1.query(f"SELECT ?t WHERE {{ <{a}> dcterms:title ?t }}").tuples() == [("甲二",)]
        assert len(s1.query("SELECT ?s WHERE { ?s a kgo:Section }")) == 1 + 2
        assert s1.graph_nt(b) == b_before
        # an empty graph replaces too (the report stays listed, with no triples)
        s1.replace_reports([(a, b"")])
        assert s1.reports() == {a, b} and s1.graph_nt(a) == b""
        s1.drop_report(b)
        assert s1.query("SELECT * WHERE { ?s ?p ?o }").rows == []
    assert default_graph_nt(tmp_path / "batch") == b""


def test_to_nquads_fast_and_general_paths():
    """Workers turn their N-Triples into N-Quads; both conversions give what a parser reads."""
    import pyoxigraph as ox

    ours = b'<http://x/s> <http://x/p> "a . b\\n \\" ." .\n<http://x/s> <http://x/p> <http://x/o> .\n'
    other = b'<http://x/s> <http://x/p> "a . b\\n \\" .".\n\n<http://x/s> <http://x/p> <http://x/o>  .'
    want = sorted((str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
                  for q in ox.parse(ours, format=ox.RdfFormat.N_TRIPLES)
                  for q in [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("http://x/g"))])
    for nt in (ours, other):
        got = sorted((str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
                     for q in ox.parse(to_nquads(nt, "http://x/g"), format=ox.RdfFormat.N_QUADS))
        assert got == want
    assert to_nquads(b"", "http://x/g") == b"" and to_nquads(b"\n", "http://x/g") == b""
    with pytest.raises(KgStoreError):
        to_nquads(ours, "http://x/g>")


def test_replace_reports_from_nquads(tmp_path):
    """The corpus build's path (N-Quads made in the workers) stores the same graphs."""
    a, ga = report_graph("a", "甲", 3)
    b, gb = report_graph("b", "乙", 2)
    with Store.open(tmp_path / "nq") as s1, Store.open(tmp_path / "nt") as s2:
        s1.replace_reports([(a, to_nquads(nt_of(ga), a)), (b, to_nquads(nt_of(gb), b))], nquads=True)
        s2.replace_reports([(a, nt_of(ga)), (b, nt_of(gb))])
        assert list(s1.iter_nquads()) == list(s2.iter_nquads())
        assert s1.graph_nt(a) == s2.graph_nt(a) and s1.reports() == {a, b}
