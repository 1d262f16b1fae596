"""Ontology and SHACL shapes: both parse, every kgo: term is declared with Chinese and
English labels and definitions, the code lists match kg.model, a hand-made graph that
follows the contract conforms, and hand-made broken graphs do not."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS

from kg import model
from kg.rdf.ontology import ontology_graph, ontology_path, shapes_graph
from kg.rdf.validate import NATIVE, check, validate
from kg.rdf.vocab import ELI, KGO, KGR, KGS, OA

ROOT = Path(__file__).resolve().parents[2]
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")   # a plain Namespace: pytest probes DefinedNamespaces
ANOMALY_KINDS = ("repeated_phrase", "repeated_sentence", "broken_paragraph", "truncated", "web_header", "web_footer",
                 "page_furniture", "count_mismatch")
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
                     SKOS.ConceptScheme, SKOS.Concept}


# -- the ontology ------------------------------------------------------------------------

def test_ontology_files_are_found_and_parse():
    assert ontology_path("kg.ttl").name == "kg.ttl"
    assert ontology_path("shapes.ttl").name == "shapes.ttl"
    with pytest.raises(FileNotFoundError):
        ontology_path("no-such-file.ttl")
    ont = ontology_graph()
    head = URIRef("https://w3id.org/kg-rectify/ontology")
    assert (head, RDF.type, OWL.Ontology) in ont
    for p in (DCTERMS.title, DCTERMS.license, OWL.versionInfo):
        assert ont.value(head, p) is not None, p
    assert {lit.language for lit in ont.objects(head, DCTERMS.title)} == {"zh", "en"}


def _kgo_terms(g: Graph) -> set[URIRef]:
    return {t for triple in g for t in triple if isinstance(t, URIRef) and t.startswith(str(KGO))}


def _kgo_terms_in_source() -> set[URIRef]:
    """kgo: terms the code writes or queries (``KGO.name`` / ``_KGO.name`` in kg/**/*.py)."""
    names = set()
    for py in (ROOT / "kg").rglob("*.py"):
        names |= set(re.findall(r"(?<![A-Za-z0-9])_?KGO\.([A-Za-z_][A-Za-z0-9_]*)", py.read_text(encoding="utf-8")))
    return {KGO[n] for n in names}


def test_every_kgo_term_is_declared_with_labels_and_definitions():
    ont = ontology_graph()
    terms = _kgo_terms(ont) | _kgo_terms(shapes_graph()) | _kgo_terms_in_source()
    assert len(terms) > 60
    problems = []
    for t in sorted(terms):
        if not set(ont.objects(t, RDF.type)) & DECLARATION_TYPES:
            problems.append(f"{t}: not declared")
            continue
        labels = {lit.language for lit in ont.objects(t, RDFS.label)}
        defs = {lit.language for p in (SKOS.definition, RDFS.comment) for lit in ont.objects(t, p)}
        if not {"zh", "en"} <= labels:
            problems.append(f"{t}: labels {labels}")
        if not {"zh", "en"} <= defs:
            problems.append(f"{t}: definitions {defs}")
        if (t, RDF.type, OWL.Class) in ont and "#" in t and not t.split("#")[1][0].isupper():
            problems.append(f"{t}: class names start upper-case")
    assert not problems, "\n".join(problems)


def test_classes_reuse_w3c_vocabularies():
    ont = ontology_graph()
    eli = ELI

    def sub(c, sup):
        return sup in ont.transitive_objects(c, RDFS.subClassOf)

    assert sub(KGO.Report, PROV.Entity)
    assert sub(KGO.Measure, PROV.Activity)
    assert sub(KGO.Aspect, SKOS.Concept) and sub(KGO.ProblemCategory, SKOS.Concept)
    assert sub(KGO.OwnRegulation, eli.LegalResource) and sub(KGO.ExternalDocument, eli.LegalResource)
    for c in (KGO.OwnRegulation, KGO.ExternalDocument, KGO.Publication, KGO.Periodical):
        assert sub(c, KGO.Document) and sub(c, FOAF.Document)
    assert sub(KGO.Evidence, OA.TextPositionSelector) and sub(KGO.Evidence, OA.TextQuoteSelector)
    assert sub(PROV.Person, FOAF.Person) and sub(ORG.OrganizationalUnit, ORG.Organization)


@pytest.mark.parametrize("scheme, codes", [
    (KGO.ActionScheme, model.ACTIONS),
    (KGO.DocumentKindScheme, model.DOCUMENT_KINDS),
    (KGO.AnomalyKindScheme, ANOMALY_KINDS),
])
def test_code_schemes_match_the_model(scheme, codes):
    ont = ontology_graph()
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ont
    concepts = set(ont.subjects(SKOS.inScheme, scheme))
    assert concepts == set(ont.objects(scheme, SKOS.hasTopConcept))
    assert sorted(str(ont.value(c, SKOS.notation)) for c in concepts) == sorted(codes)
    for c in concepts:
        assert {lit.language for lit in ont.objects(c, SKOS.prefLabel)} == {"zh", "en"}


def test_issue_study_compile_carry_their_chinese_verbs():
    ont = ontology_graph()
    verbs = {str(ont.value(c, SKOS.notation)): {str(x) for p in (SKOS.prefLabel, SKOS.altLabel)
                                                 for x in ont.objects(c, p) if x.language == "zh"}
             for c in ont.subjects(SKOS.inScheme, KGO.ActionScheme)}
    assert verbs["issue"] == {"出台", "印发", "下发"}
    assert verbs["study"] == {"学习", "重温"}
    assert verbs["compile"] == {"编印", "编撰", "出版"}
    assert verbs["enact"] == {"制定"} and verbs["abolish"] == {"废止"}


# -- the shapes ----------------------------------------------------------------------------

def _sh_in(path: URIRef) -> list[str]:
    sg = shapes_graph()
    for ps in sg.subjects(SH.path, path):
        lst = sg.value(ps, SH["in"])
        if lst is not None:
            return [str(x) for x in sg.items(lst)]
    raise AssertionError(f"no sh:in for {path}")


def test_shapes_code_lists_match_the_model():
    assert _sh_in(KGO.action) == list(model.ACTIONS)
    assert _sh_in(KGO.documentKind) == list(model.DOCUMENT_KINDS)
    assert _sh_in(KGO.anomalyKind) == list(ANOMALY_KINDS)


def test_shapes_graph_is_valid_shacl():
    import pyshacl
    conforms, _g, text = pyshacl.validate(Graph(), shacl_graph=shapes_graph(), meta_shacl=True)
    assert conforms, text


def test_every_native_rule_has_a_sparql_twin():
    sg = shapes_graph()
    for c in NATIVE:
        assert (c, RDF.type, SH.SPARQLConstraint) in sg and sg.value(c, SH.select) is not None, c
        assert (None, SH.sparql, c) in sg, c


# -- a hand-made graph that follows the contract -----------------------------------------------

TEXT = ("中共测试部党组关于巡视整改进展情况的通报\n"
        "一、加强组织领导\n"
        "一是成立领导小组。\n"
        "二、整改落实情况\n"
        "（一）关于理论学习不够深入的整改情况\n"
        "1.学习不够系统\n"
        "一是制定《测试部学习规则》。党组书记张三主持召开会议35次。")


def zh(s: str) -> Literal:
    return Literal(s, lang="zh")


def _at(s: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(s, i + 1)
    return i, i + len(s)


def good_graph() -> Graph:
    g = Graph()
    g.bind("kgo", KGO)
    g.bind("kgr", KGR)
    R = KGR["report/t"]

    def iri(*parts) -> URIRef:
        return KGR["/".join(["report/t", *map(str, parts)])]

    def ev(node: URIRef, s: str, nth: int = 0) -> URIRef:
        start, end = _at(s, nth)
        e = iri("span", f"{start}-{end}")
        g.add((node, KGO.evidence, e))
        g.add((e, RDF.type, KGO.Evidence))
        g.add((e, OA.exact, zh(TEXT[start:end])))
        g.add((e, OA.start, Literal(start)))
        g.add((e, OA.end, Literal(end)))
        g.add((e, KGO.line, Literal(TEXT.count("\n", 0, start) + 1)))
        lo = TEXT.rfind("\n", 0, start) + 1
        hi = TEXT.find("\n", end) if "\n" in TEXT[end:] else len(TEXT)
        g.add((e, KGO.sentence, zh(TEXT[lo:hi])))
        g.add((e, KGO.sentenceStart, Literal(lo)))
        g.add((e, KGO.sentenceEnd, Literal(hi)))
        g.add((e, KGO.inReport, R))
        return e

    org, team, office = iri("org", "a1"), iri("org", "b2"), iri("org", "c3")
    g.add((R, RDF.type, KGO.Report))
    g.add((R, DCTERMS.title, zh("中共测试部党组关于巡视整改进展情况的通报")))
    g.add((R, KGO.normalizedText, zh(TEXT)))
    g.add((R, DCTERMS.publisher, org))
    g.add((R, KGO.inspectedBy, team))
    g.add((R, KGO.inspectionRound, zh("十九届中央第六轮巡视")))
    g.add((R, KGO.inspectionStart, Literal("2020-10-15", datatype=XSD.date)))
    g.add((R, KGO.inspectionEnd, Literal("2020-12-20", datatype=XSD.date)))
    g.add((R, KGO.feedbackDate, Literal("2021-03-08", datatype=XSD.date)))
    g.add((R, KGO.truncated, Literal(False)))
    g.add((R, KGO.sha256, Literal("0" * 64)))
    ev(R, "中共测试部党组关于巡视整改进展情况的通报")
    for node, cls, name in ((org, ORG.Organization, "中共测试部党组"), (team, ORG.Organization, "中央第十巡视组"),
                            (office, ORG.OrganizationalUnit, "办公厅")):
        g.add((node, RDF.type, cls))
        g.add((node, SKOS.prefLabel, zh(name)))
    g.add((office, ORG.unitOf, org))
    g.add((office, ORG.subOrganizationOf, org))

    scheme = iri("scheme")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((R, KGO.problemScheme, scheme))
    s1, s2 = iri("section", 1), iri("section", 2)
    for n, s, title in ((1, s1, "加强组织领导"), (2, s2, "整改落实情况")):
        g.add((s, RDF.type, KGO.Section))
        g.add((s, KGO.number, Literal(n)))
        g.add((s, DCTERMS.title, zh(title)))
        g.add((s, KGO.inReport, R))
    a1, p1 = iri("aspect", 1), iri("problem", 1)
    g.add((a1, RDF.type, KGO.Aspect))
    g.add((a1, KGO.number, Literal(1)))
    g.add((a1, SKOS.prefLabel, zh("理论学习不够深入")))
    g.add((a1, SKOS.inScheme, scheme))
    g.add((a1, KGO.inSection, s2))
    g.add((p1, RDF.type, KGO.ProblemCategory))
    g.add((p1, KGO.number, Literal(1)))
    g.add((p1, SKOS.notation, Literal("1.1")))
    g.add((p1, SKOS.prefLabel, zh("学习不够系统")))
    g.add((p1, SKOS.broader, a1))
    g.add((p1, SKOS.inScheme, scheme))

    m1, m2 = iri("section", 1, "measure", 1), iri("problem", 1, "measure", 1)
    for m, heading, text, parent in ((m1, "成立领导小组", "一是成立领导小组。", (KGO.inSection, s1)),
                                     (m2, "制定《测试部学习规则》", "一是制定《测试部学习规则》。党组书记张三主持召开会议35次。",
                                      (KGO.addresses, p1))):
        g.add((m, RDF.type, KGO.Measure))
        g.add((m, KGO.number, Literal(1)))
        g.add((m, KGO.heading, zh(heading)))
        g.add((m, KGO.text, zh(text)))
        g.add((m, parent[0], parent[1]))
        g.add((m, KGO.inReport, R))
        ev(m, text)

    doc, dm = KGR["document/0123456789abcdef"], iri("mention", "doc-1")
    g.add((doc, RDF.type, KGO.Document))
    g.add((doc, RDF.type, KGO.OwnRegulation))
    g.add((doc, DCTERMS.title, zh("测试部学习规则")))
    g.add((doc, KGO.documentKind, Literal("regulation")))
    g.add((doc, KGO.answers, p1))
    g.add((dm, RDF.type, KGO.DocumentMention))
    g.add((dm, KGO.mentions, doc))
    g.add((dm, KGO.action, Literal("enact")))
    g.add((dm, KGO.inMeasure, m2))
    ev(dm, "《测试部学习规则》")
    for key, cls, kind, title in (("1", KGO.ExternalDocument, "external", "中国共产党党组工作条例"),
                                  ("2", KGO.Publication, "publication", "廉政教育读本"),
                                  ("3", KGO.Periodical, "periodical", "测试日报")):
        other = KGR[f"document/{key * 16}"]
        g.add((other, RDF.type, KGO.Document))
        g.add((other, RDF.type, cls))
        g.add((other, DCTERMS.title, zh(title)))
        g.add((other, KGO.documentKind, Literal(kind)))

    person, em = iri("person", "d4"), iri("mention", "person-1")
    g.add((person, RDF.type, PROV.Person))
    g.add((person, SKOS.prefLabel, zh("张三")))
    g.add((person, FOAF.name, zh("张三")))
    g.add((person, KGO.role, zh("党组书记")))
    g.add((em, RDF.type, KGO.EntityMention))
    g.add((em, KGO.mentions, person))
    g.add((em, KGO.inMeasure, m2))
    ev(em, "张三")
    award, initiative = iri("award", "e5"), iri("activity", "f6")
    g.add((award, RDF.type, KGO.Award))
    g.add((award, SKOS.prefLabel, zh("全国文明单位")))
    g.add((award, KGO.edition, Literal(6)))
    g.add((award, KGO.grade, zh("二等奖")))
    g.add((initiative, RDF.type, KGO.Initiative))
    g.add((initiative, SKOS.prefLabel, zh("主题教育")))

    fig = iri("figure", "1")
    g.add((fig, RDF.type, KGO.Figure))
    g.add((fig, RDF.value, Literal("35", datatype=XSD.decimal)))
    g.add((fig, KGO.unit, zh("次")))
    g.add((fig, KGO.counts, zh("会议")))
    g.add((fig, KGO.inMeasure, m2))
    ev(fig, "35次")

    an = iri("anomaly", "repeated_phrase", "1")
    g.add((an, RDF.type, KGO.Anomaly))
    g.add((an, KGO.anomalyKind, Literal("repeated_phrase")))
    g.add((an, KGO.text, zh("领导小组")))
    g.add((an, RDFS.comment, Literal("phrase written twice", lang="en")))
    ev(an, "领导小组")

    fixes, fix = iri("corrections"), iri("correction", "1")   # a user's correction (kg-corrections.toml)
    g.add((fixes, RDF.type, KGO.CorrectionsFile))
    g.add((fixes, RDFS.label, Literal("kg-corrections.toml")))
    g.add((fix, RDF.type, KGO.Correction))
    g.add((fix, KGO.number, Literal(1)))
    g.add((fix, KGO.correctionKind, Literal("measure")))
    g.add((fix, KGO.text, zh('measure = "一是制定", problem = 1')))
    g.add((fix, PROV.used, fixes))
    g.add((fix, KGO.corrects, m2))
    g.add((fix, KGO.inReport, R))

    # the summaries across reports (kg.store.summaries): a document, a unit, a problem category, their tallies
    shared, unit = KGR["document/fedcba9876543210"], KGR["org/fedcba9876543210"]
    cat, t = KGR["summary/category/0a"], KGR["summary/category/0a/fedcba9876543210"]
    g.add((shared, RDF.type, KGO.CorpusDocument))
    g.add((shared, RDF.type, KGO.SharedDocument))
    g.add((shared, DCTERMS.title, zh("中国共产党巡视工作条例")))
    g.add((shared, SKOS.altLabel, zh("巡视工作条例（试行）")))
    g.add((shared, KGO.documentKind, Literal("external")))
    g.add((shared, KGO.actionReports, Literal("enact 1")))
    g.add((unit, RDF.type, KGO.CorpusOrganization))
    g.add((unit, RDF.type, KGO.SharedOrganization))
    g.add((unit, SKOS.prefLabel, zh("中国作家协会")))
    g.add((cat, RDF.type, KGO.CorpusCategory))
    g.add((cat, SKOS.prefLabel, zh("学习不够系统")))
    g.add((cat, KGO.reportCount, Literal(2)))
    for node in (shared, unit, cat, t):
        g.add((node, KGO.namedIn, R))
        g.add((node, KGO.reportCount, Literal(2)))
        if node != cat:
            g.add((node, KGO.mentionCount, Literal(2)))
    g.add((cat, KGO.tally, t))
    g.add((t, RDF.type, KGO.Tally))
    g.add((t, KGO.tallyOf, shared))
    g.add((t, KGO.actionReports, Literal("enact 2")))
    g.add((iri("org", "b2"), SKOS.exactMatch, unit))
    return g


def test_hand_made_graph_conforms():
    g = good_graph()
    n = len(g)
    ok, report = validate(g)
    assert ok, report
    assert len(g) == n, "validate must not modify its input"
    ok_slow, report_slow = validate(g, fast=False)
    assert ok_slow, report_slow


def test_hand_made_graph_covers_every_shape():
    g = good_graph()
    sg = shapes_graph()
    ont = ontology_graph()
    for cls in sg.objects(None, SH.targetClass):
        subs = set(ont.transitive_subjects(RDFS.subClassOf, cls))
        assert any((None, RDF.type, c) in g for c in subs), f"no instance of {cls} in the hand-made graph"


def test_xsd_string_typed_codes_are_accepted():
    """``"enact"^^xsd:string`` is the same RDF term as ``"enact"``; graphs read back
    through Oxigraph come typed like that."""
    g = good_graph()
    for p in (KGO.action, KGO.documentKind, KGO.anomalyKind):
        for s, o in list(g.subject_objects(p)):
            g.set((s, p, Literal(str(o), datatype=XSD.string)))
    ok, report = validate(g)
    assert ok, report


# -- broken graphs ----------------------------------------------------------------------------

def _measure(g: Graph) -> URIRef:
    return KGR["report/t/problem/1/measure/1"]


def _one(g: Graph, cls: URIRef) -> URIRef:
    return sorted(g.subjects(RDF.type, cls))[0]


def _drop(p: URIRef, node: Callable[[Graph], URIRef]):
    def f(g: Graph) -> None:
        g.remove((node(g), p, None))
    return f


def _add(p: URIRef, node: Callable[[Graph], URIRef], value):
    def f(g: Graph) -> None:
        g.add((value, RDF.type, KGO.Aspect))
        g.add((node(g), p, value))
    return f


def _set(p: URIRef, node: Callable[[Graph], URIRef], value):
    def f(g: Graph) -> None:
        g.set((node(g), p, value))
    return f


def _non_ascii_iri(g: Graph) -> None:
    bad = KGR["report/t/org/测试部"]
    g.add((bad, RDF.type, ORG.Organization))
    g.add((bad, SKOS.prefLabel, zh("测试部")))


def _exact_shifted(g: Graph) -> None:   # same length, wrong place
    e = _one(g, KGO.Evidence)
    start, end = int(g.value(e, OA.start)), int(g.value(e, OA.end))
    g.set((e, OA.start, Literal(start + 1)))
    g.set((e, OA.end, Literal(end + 1)))


def _rdf_type(cls):
    return lambda g: _one(g, cls)


BROKEN: dict[str, tuple[Callable[[Graph], None], str]] = {
    "measure without evidence": (_drop(KGO.evidence, _measure), "kgo:evidence"),
    "document mention without evidence": (_drop(KGO.evidence, _rdf_type(KGO.DocumentMention)), "kgo:evidence"),
    "entity mention without evidence": (_drop(KGO.evidence, _rdf_type(KGO.EntityMention)), "kgo:evidence"),
    "figure without evidence": (_drop(KGO.evidence, _rdf_type(KGO.Figure)), "kgo:evidence"),
    "bad action code": (_set(KGO.action, _rdf_type(KGO.DocumentMention), Literal("make")), "kgo:action"),
    "action code with a language tag": (_set(KGO.action, _rdf_type(KGO.DocumentMention), Literal("enact", lang="en")),
                                        "kgo:action"),
    "bad document kind": (_set(KGO.documentKind, _rdf_type(KGO.Document), Literal("law")), "kgo:documentKind"),
    "document kind disagrees with class": (_set(KGO.documentKind, _rdf_type(KGO.Document), Literal("external")),
                                           "kgo:documentKind"),
    "bad anomaly kind": (_set(KGO.anomalyKind, _rdf_type(KGO.Anomaly), Literal("typo")), "kgo:anomalyKind"),
    "non-ASCII IRI": (_non_ascii_iri, "printable ASCII"),
    "measure with neither problem nor section": (_drop(KGO.addresses, _measure), "exactly one of kgo:addresses"),
    "measure with both problem and section": (_set(KGO.inSection, _measure, KGR["report/t/section/1"]),
                                              "exactly one of kgo:addresses"),
    "measure addresses a section": (_set(KGO.addresses, _measure, KGR["report/t/section/1"]), "kgo:addresses"),
    "measure number 0": (_set(KGO.number, _measure, Literal(0)), "kgo:number"),
    "measure number as string": (_set(KGO.number, _measure, Literal("1")), "kgo:number"),
    "measure heading without @zh": (_set(KGO.heading, _measure, Literal("heading", lang="en")), "kgo:heading"),
    "Chinese in a plain literal": (_set(DCTERMS.title, _rdf_type(KGO.Report),
                                        Literal("中共测试部党组关于巡视整改进展情况的通报")), "@zh"),
    "Chinese in an @en literal": (_set(RDFS.comment, _rdf_type(KGO.Anomaly), Literal("“组” written twice", lang="en")),
                                  "@zh"),
    "report without title": (_drop(DCTERMS.title, _rdf_type(KGO.Report)), "dcterms:title"),
    "report without publisher": (_drop(DCTERMS.publisher, _rdf_type(KGO.Report)), "dcterms:publisher"),
    "date as plain string": (_set(KGO.inspectionStart, _rdf_type(KGO.Report), Literal("2020-10-15")),
                             "kgo:inspectionStart"),
    "inspection ends before it starts": (_set(KGO.inspectionEnd, _rdf_type(KGO.Report),
                                              Literal("2020-01-01", datatype=XSD.date)), "kgo:inspection"),
    "problem under two aspects": (_add(SKOS.broader, _rdf_type(KGO.ProblemCategory),
                                       KGR["report/t/aspect/99"]), "skos:broader"),
    "problem without notation": (_drop(SKOS.notation, _rdf_type(KGO.ProblemCategory)), "skos:notation"),
    "entity mention of a document": (_set(KGO.mentions, _rdf_type(KGO.EntityMention),
                                          KGR["document/0123456789abcdef"]), "kgo:mentions"),
    "document mention of a person": (_set(KGO.mentions, _rdf_type(KGO.DocumentMention),
                                          KGR["report/t/person/d4"]), "kgo:mentions"),
    "figure value as xsd:double": (_set(RDF.value, _rdf_type(KGO.Figure), Literal(35.0)), "rdf:value"),
    "person without foaf:name": (_drop(FOAF.name, _rdf_type(PROV.Person)), "foaf:name"),
    "unit without label": (_drop(SKOS.prefLabel, _rdf_type(ORG.OrganizationalUnit)), "skos:prefLabel"),
    "two Chinese labels": (lambda g: g.add((_one(g, KGO.Award), SKOS.prefLabel, zh("文明单位"))), "skos:prefLabel"),
    "negative offset": (_set(OA.start, _rdf_type(KGO.Evidence), Literal(-1)), "oa:start"),
    "line 0": (_set(KGO.line, _rdf_type(KGO.Evidence), Literal(0)), "kgo:line"),
    "exact text of the wrong length": (_set(OA.exact, _rdf_type(KGO.Evidence), zh("错")), "length of oa:exact"),
    "exact text from the wrong place": (_exact_shifted, "normalizedText at [oa:start, oa:end)"),
    "untyped evidence": (lambda g: g.remove((_one(g, KGO.Evidence), RDF.type, KGO.Evidence)), "kgo:Evidence"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_graph_fails(name):
    mutate, expected = BROKEN[name]
    g = good_graph()
    mutate(g)
    ok, report = validate(g)
    assert not ok, f"{name}: should not conform"
    assert expected in report, report


@pytest.mark.parametrize("name", ["", "non-ASCII IRI", "Chinese in a plain literal", "Chinese in an @en literal",
                                  "exact text of the wrong length", "exact text from the wrong place",
                                  "untyped evidence", "negative offset"])
def test_native_rules_agree_with_sparql(name):
    """The fast path (native twins of the SPARQL constraints) finds the same
    violations as running every constraint through pyshacl (slow: only the cases
    that touch the SPARQL constraints)."""
    g = good_graph()
    if name:
        BROKEN[name][0](g)
    key = lambda rs: sorted((r.focus, r.path, r.value) for r in rs)   # noqa: E731
    assert key(check(g)) == key(check(g, fast=False))


# -- the built reports --------------------------------------------------------------------------

def test_built_reports_conform(processed):
    for stem, r in sorted(processed.items()):
        ok, report = validate(r.graph)
        assert ok, f"{stem}:\n{report}"
        undeclared = _kgo_terms(r.graph) - {t for t in _kgo_terms(ontology_graph())
                                            if set(ontology_graph().objects(t, RDF.type)) & DECLARATION_TYPES}
        assert not undeclared, f"{stem}: kgo: terms missing from ontology/kg.ttl: {sorted(undeclared)}"
