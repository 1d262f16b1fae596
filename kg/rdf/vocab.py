"""The vocabulary: every namespace `kg` writes or queries, in one place.

``kgo:`` is our ontology (``ontology/kg.ttl``), ``kgr:`` our data; the rest are the W3C and EU
vocabularies we reuse (ORG, PROV-O, SKOS, DCTERMS, FOAF, Web Annotation, ELI). :data:`PREFIXES` are bound
in every serialization and predeclared in every query.

>>> str(KGO.Report)
'https://w3id.org/kg-rectify/ontology#Report'
>>> with_prefixes("SELECT ?r WHERE { ?r a kgo:Report }").splitlines()[0]
'PREFIX kgo: <https://w3id.org/kg-rectify/ontology#>'
"""
from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS

KGO = Namespace("https://w3id.org/kg-rectify/ontology#")
KGR = Namespace("https://w3id.org/kg-rectify/id/")
KGS = Namespace("https://w3id.org/kg-rectify/shapes#")
OA = Namespace("http://www.w3.org/ns/oa#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
#: a plain Namespace: rdflib's closed XSD namespace warns when pytest's doctest collection probes it
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

#: The named graph that holds the ontology in a store (also the focus node of whole-graph SHACL rules).
ONTOLOGY_GRAPH = "https://w3id.org/kg-rectify/ontology"
#: The named graph of the build-time summaries across reports (:mod:`kg.store.summaries`); like the
#: ontology graph, not a report graph.
SUMMARY_GRAPH = "https://w3id.org/kg-rectify/id/summaries"

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Prefixes bound in every serialization and usable in every query without a declaration.
PREFIXES: dict[str, Namespace] = {
    "kgo": KGO,
    "kgr": KGR,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": XSD,
    "owl": Namespace(str(OWL)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "org": Namespace(str(ORG)),
    "foaf": Namespace(str(FOAF)),
    "oa": OA,
    "eli": ELI,
}

_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:")


def with_prefixes(sparql: str) -> str:
    """Prepend the :data:`PREFIXES` the query uses but does not declare."""
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(sparql)}
    used = [p for p in PREFIXES if p not in declared and re.search(rf"(?<![\w<]){re.escape(p)}:", sparql)]
    if not used:
        return sparql
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in used) + sparql


def prefix_block() -> str:
    """All :data:`PREFIXES` as SPARQL ``PREFIX`` lines."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def report_iri(rid: str) -> str:
    """IRI (and named graph) of the report with id ``rid``.

    >>> report_iri("zuoxie_2020")
    'https://w3id.org/kg-rectify/id/report/zuoxie_2020'
    """
    return f"{KGR}report/{rid}"


__all__ = ["KGO", "KGR", "KGS", "OA", "ELI", "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD",
           "ONTOLOGY_GRAPH", "SUMMARY_GRAPH", "PREFIXES", "XSD_STRING", "RDF_LANGSTRING", "with_prefixes", "prefix_block", "report_iri"]
