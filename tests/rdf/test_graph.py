"""Graph: provenance of every fact, deterministic ASCII IRIs, Chinese only in @zh literals."""
import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kg.rdf.report import process
from kg.rdf.vocab import KGO, OA

from ..conftest import REPORTS


@pytest.mark.parametrize("stem", [p.stem for p in REPORTS])
def test_every_evidence_span_equals_its_anchor(processed, stem):
    r = processed[stem]
    g = r.graph
    text = str(g.value(URIRef(r.iri), KGO.normalizedText))
    assert text == r.text.text
    lines = r.text.path and open(r.text.path, "rb").read().decode(r.text.encoding if r.text.encoding != "utf-8"
                                                                  else "utf-8-sig").splitlines()
    spans = list(g.subjects(RDF.type, KGO.Evidence))
    assert len(spans) > 50
    for ev in spans:
        start, end = int(g.value(ev, OA.start)), int(g.value(ev, OA.end))
        assert text[start:end] == str(g.value(ev, OA.exact)), ev
        s0, s1 = int(g.value(ev, KGO.sentenceStart)), int(g.value(ev, KGO.sentenceEnd))
        assert text[s0:s1] == str(g.value(ev, KGO.sentence)) and s0 <= start and end <= s1
        line = int(g.value(ev, KGO.line))
        assert text[start:start + 4].strip() in lines[line - 1] or text[start:start + 4] == "", (ev, line)


@pytest.mark.parametrize("cls", [KGO.Measure, KGO.DocumentMention, KGO.EntityMention, KGO.Figure, KGO.Anomaly])
def test_every_measure_and_mention_has_evidence(seed, cls):
    nodes = list(seed.graph.subjects(RDF.type, cls))
    assert nodes, f"no {cls} in the seed graph"
    for n in nodes:
        assert len(list(seed.graph.objects(n, KGO.evidence))) == 1, n


def test_two_builds_give_byte_identical_turtle(tmp_path):
    from kg.cli import main
    seed = REPORTS[0].parent / "zuoxie_2020.txt"
    assert process(seed).ntriples == process(seed).ntriples
    for out in ("a", "b"):
        assert main(["build", str(seed), "--out", str(tmp_path / out), "--no-views", "--jobs", "1"]) == 0
    a, b = (tmp_path / "a" / "graph.ttl").read_bytes(), (tmp_path / "b" / "graph.ttl").read_bytes()
    assert a == b and len(a) > 100_000


def test_iris_are_ascii_and_chinese_only_in_zh_literals(processed):
    for r in processed.values():
        for triple in r.graph:
            for term in triple:
                if isinstance(term, URIRef):
                    assert re.fullmatch(r"[\x21-\x7e]+", str(term)), term
                elif isinstance(term, Literal) and re.search(r"[\u3000-\u9fff\uff00-\uffef]", str(term)):
                    assert term.language == "zh", (triple, term)


def test_seed_regulation_traces_to_problem_and_aspect(seed):
    g = seed.graph
    q = """PREFIX kgo: <https://w3id.org/kg-rectify/ontology#>
    PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?action ?pn ?an ?sentence WHERE {
      ?doc dcterms:title "中国作家协会调研工作办法"@zh . ?m kgo:mentions ?doc ; kgo:action ?action ;
      kgo:inMeasure/kgo:addresses ?p ; kgo:evidence/kgo:sentence ?sentence .
      ?p kgo:number ?pn ; skos:broader/kgo:number ?an }"""
    rows = [tuple(map(str, r)) for r in g.query(q)]
    assert len(rows) == 1
    action, pn, an, sentence = rows[0]
    assert (action, pn, an) == ("enact", "8", "2")
    assert "研究制定《中国作家协会调研工作办法》" in sentence


@pytest.mark.parametrize("stem", [p.stem for p in REPORTS])
def test_no_entity_label_absent_from_the_source(processed, stem):
    """Every unit, award, activity and person is named in the text, or is the full name of an alias that is."""
    from rdflib.namespace import ORG, PROV, SKOS
    r = processed[stem]
    g, text = r.graph, r.text.text
    for cls in (ORG.Organization, KGO.Award, KGO.Initiative, PROV.Person):
        for e in g.subjects(RDF.type, cls):
            name = str(g.value(e, SKOS.prefLabel))
            aliases = [str(a) for a in g.objects(e, SKOS.altLabel)]
            assert name in text or any(a in text for a in aliases), (stem, name, aliases)
            for m in g.subjects(KGO.mentions, e):
                ev = g.value(m, KGO.evidence)
                assert str(g.value(ev, OA.exact)) in [name, *aliases], (name, str(g.value(ev, OA.exact)))


def test_report_graphs_are_disjoint_and_documents_match_across_reports(processed):
    """No triple is in two report graphs (so the store's union default graph is a set); the same
    document in two reports is joined through its report-independent skos:exactMatch IRI."""
    from rdflib.namespace import SKOS
    graphs = [set(r.graph) for r in processed.values()]
    for i in range(len(graphs)):
        for j in range(i + 1, len(graphs)):
            assert not graphs[i] & graphs[j]
    shared = set.intersection(*({o for _, _, o in r.graph.triples((None, SKOS.exactMatch, None))}
                                for r in processed.values()))
    assert shared      # e.g. 《中国共产党巡视工作条例》 or 《习近平谈治国理政》 in all three
