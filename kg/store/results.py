"""SPARQL results as one small type for every backend, written as W3C JSON, W3C CSV or a terminal table.

>>> rs = ResultSet(["title", "n"], [{"title": {"type": "literal", "value": "调研工作办法", "xml:lang": "zh"},
...                                  "n": {"type": "literal", "value": "8"}}])
>>> print(rs.to_table())
title         n
------------  -
调研工作办法  8
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef

from kg.rdf.vocab import RDF_LANGSTRING, XSD_STRING


@dataclass
class ResultSet:
    """``vars`` in order, and rows of ``{var: {"type", "value", "xml:lang"?, "datatype"?}}`` (unbound vars absent)."""

    vars: list[str]
    rows: list[dict[str, dict[str, str]]]

    @classmethod
    def from_rdflib(cls, result) -> "ResultSet":
        names = [str(v) for v in result.vars]
        rows = []
        for row in result:
            d = {}
            for name, term in zip(names, row):
                if term is not None:
                    d[name] = term_json(term)
            rows.append(d)
        return cls(names, rows)

    def values(self) -> list[dict[str, str]]:
        """Rows as plain ``{var: value}`` strings."""
        return [{k: v["value"] for k, v in r.items()} for r in self.rows]

    def to_json(self) -> str:
        data = {"head": {"vars": self.vars}, "results": {"bindings": self.rows}}
        return json.dumps(data, ensure_ascii=False, indent=1)

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(self.vars)
        for r in self.rows:
            w.writerow([r[v]["value"] if v in r else "" for v in self.vars])
        return buf.getvalue()

    def to_table(self, max_width: int = 60) -> str:
        cells = [[_clip(_short(r[v]) if v in r else "", max_width) for v in self.vars] for r in self.rows]
        widths = [max([width(v)] + [width(c[i]) for c in cells]) for i, v in enumerate(self.vars)]
        lines = ["  ".join(pad(v, w) for v, w in zip(self.vars, widths)).rstrip(),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
        return "\n".join(lines)


def term_json(term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    d = {"type": "literal", "value": str(term)}
    if term.language:
        d["xml:lang"] = term.language
    elif term.datatype:
        d["datatype"] = str(term.datatype)
    return d


def _short(cell: dict[str, str]) -> str:
    v = cell["value"]
    if cell["type"] == "uri" and "/id/" in v:
        return v.split("/id/", 1)[1]
    return v.replace("\n", " ")


def width(s: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def pad(s: str, w: int) -> str:
    return s + " " * (w - width(s))


def _clip(s: str, w: int) -> str:
    if width(s) <= w:
        return s
    out, n = "", 0
    for ch in s:
        n += width(ch)
        if n > w - 1:
            break
        out += ch
    return out + "…"


Term = dict  # {"type": "uri"|"literal"|"bnode"|"triple", "value": str, "xml:lang"?: str, "datatype"?: str}


def _norm_term(t: dict) -> dict:
    t = dict(t)
    if t.get("type") == "typed-literal":  # SPARQL/JSON legacy from some servers
        t["type"] = "literal"
    if t.get("type") == "literal":
        if t.get("datatype") in (XSD_STRING,) or ("xml:lang" in t and t.get("datatype") == RDF_LANGSTRING):
            t.pop("datatype")
    return t


@dataclass
class QueryResult(ResultSet):
    """Answer of a SPARQL query: a :class:`kg.store.results.ResultSet` (``vars``, ``rows`` of W3C
    JSON term dicts, unbound variables absent) that may also be an ASK answer
    (``boolean``) or a CONSTRUCT/DESCRIBE answer (``triples``, N-Triples bytes)."""

    vars: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    triples: bytes | None = None

    @property
    def kind(self) -> str:
        if self.boolean is not None:
            return "ask"
        if self.triples is not None:
            return "graph"
        return "select"

    @classmethod
    def from_sparql_json(cls, doc: dict | bytes | str) -> "QueryResult":
        if not isinstance(doc, dict):
            doc = json.loads(doc)
        if "boolean" in doc:
            return cls(boolean=bool(doc["boolean"]))
        head = doc.get("head", {})
        rows = [{k: _norm_term(v) for k, v in b.items()} for b in doc.get("results", {}).get("bindings", [])]
        return cls(vars=list(head.get("vars", [])), rows=rows)

    def __len__(self) -> int:
        return len(self.rows)

    def tuples(self) -> list[tuple]:
        """Rows as tuples of plain values (``value`` strings, None when unbound)."""
        return [tuple(r[v]["value"] if v in r else None for v in self.vars) for r in self.rows]

    def to_rdflib_rows(self) -> list[tuple]:
        """Rows as tuples of rdflib terms."""
        def conv(t):
            if t is None:
                return None
            if t["type"] == "uri":
                return URIRef(t["value"])
            if t["type"] == "bnode":
                return BNode(t["value"])
            return Literal(t["value"], lang=t.get("xml:lang"), datatype=t.get("datatype"))

        return [tuple(conv(r.get(v)) for v in self.vars) for r in self.rows]

    def to_json(self) -> str:
        """W3C SPARQL 1.1 Query Results JSON."""
        if self.boolean is not None:
            return json.dumps({"head": {}, "boolean": self.boolean})
        return super().to_json()

    def to_csv(self) -> str:
        """W3C SPARQL 1.1 Query Results CSV (CRLF line ends, plain values)."""
        if self.boolean is not None:
            return "boolean\r\n" + ("true" if self.boolean else "false") + "\r\n"
        if any(t.get("type") == "bnode" for r in self.rows for t in r.values()):
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(self.vars)
            for r in self.rows:
                w.writerow([("_:" if r[v]["type"] == "bnode" else "") + r[v]["value"] if v in r else ""
                            for v in self.vars])
            return buf.getvalue()
        return super().to_csv()

    def to_table(self, max_width: int = 60) -> str:
        if self.boolean is not None:
            return "true" if self.boolean else "false"
        if self.triples is not None:
            return self.triples.decode("utf-8")
        return super().to_table(max_width)

