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
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef


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
