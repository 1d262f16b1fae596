"""The legend: node types (colour, shape, level), the RDF classes behind them, the labels of
actions and relations, and the natural order of identifiers (``a-2`` before ``a-10``). Used by the
explorer's page model and by the networkx projection of ``kg stats``."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from kg.rdf.vocab import FOAF, KGO, ORG, PROV


@dataclass(frozen=True)
class NodeType:
    key: str
    zh: str
    en: str
    color: str
    shape: str
    level: int          # depth in the structural hierarchy (for ordering)


#: node types in legend order: colour and shape by type
NODE_TYPES: dict[str, NodeType] = {t.key: t for t in [
    NodeType("report", "通报", "Report", "#37474f", "star", 0),
    NodeType("section", "部分", "Section", "#78909c", "square", 1),
    NodeType("aspect", "方面", "Aspect", "#c62828", "hexagon", 2),
    NodeType("problem", "问题类别", "Problem category", "#ef6c00", "triangle", 3),
    NodeType("measure", "整改措施", "Measure", "#1565c0", "dot", 4),
    NodeType("regulation", "本单位制度", "Own regulation", "#2e7d32", "square", 5),
    NodeType("external", "外部文件", "External document", "#6a1b9a", "diamond", 5),
    NodeType("publication", "出版物", "Publication", "#8d6e63", "triangleDown", 5),
    NodeType("periodical", "报刊", "Periodical", "#ad1457", "triangleDown", 5),
    NodeType("document", "文件", "Document", "#757575", "square", 5),
    NodeType("organization", "单位", "Organization", "#00838f", "diamond", 6),
    NodeType("award", "奖项", "Award", "#f9a825", "star", 6),
    NodeType("initiative", "活动", "Initiative", "#00695c", "triangle", 6),
    NodeType("person", "人员", "Person", "#d81b60", "dot", 6),
    NodeType("figure", "数字", "Figure", "#9e9e9e", "dot", 7),
]}

DOCUMENT_TYPES = ("regulation", "external", "publication", "periodical", "document")

#: rdf:type → node type, most specific first
CLASS_TYPES: list[tuple[URIRef, str]] = [
    (KGO.OwnRegulation, "regulation"), (KGO.ExternalDocument, "external"),
    (KGO.Publication, "publication"), (KGO.Periodical, "periodical"), (KGO.Document, "document"),
    (KGO.Report, "report"), (KGO.Section, "section"), (KGO.Aspect, "aspect"),
    (KGO.ProblemCategory, "problem"), (KGO.Measure, "measure"),
    (ORG.OrganizationalUnit, "organization"), (ORG.Organization, "organization"),
    (ORG.FormalOrganization, "organization"),
    (KGO.Award, "award"), (KGO.Initiative, "initiative"),
    (PROV.Person, "person"), (FOAF.Person, "person"), (KGO.Figure, "figure"),
]
#: kgo:documentKind of a plain kgo:Document → node type
KIND_TYPES = {"regulation": "regulation", "external": "external",
              "publication": "publication", "periodical": "periodical"}

#: action codes → display label
ACTION_LABELS = {"enact": "制定", "revise": "修订", "issue": "印发", "enforce": "执行",
                 "abolish": "废止", "study": "学习", "compile": "编印", "cite": "引用"}
#: relation codes (local names of predicates) → display label
RELATION_LABELS = {"broader": "属于", "addresses": "整改", "inSection": "位于", "inReport": "属于",
                   "subOrganizationOf": "下属", "unitOf": "下属", "mentions": "提及", "counts": "计数",
                   "inMeasure": "出自", "publisher": "发布", "inspectedBy": "巡视"}


def natural_key(s: str) -> list:
    """Sort key that puts ``a-2`` before ``a-10``."""
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", s)]


__all__ = ["NodeType", "NODE_TYPES", "DOCUMENT_TYPES", "CLASS_TYPES", "KIND_TYPES", "ACTION_LABELS",
           "RELATION_LABELS", "natural_key"]
