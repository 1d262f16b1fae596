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
import re
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kg.errors import KgQueryError
from kg.rdf.vocab import RDF_LANGSTRING, XSD_STRING
from kg.store.guard import timeout_message


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
        """W3C SPARQL 1.1 Query Results JSON, one binding a line (written by the json module's C encoder,
        which ``indent`` would turn off: 4× faster on thousands of rows)."""
        head = json.dumps({"vars": self.vars}, ensure_ascii=False)
        if not self.rows:
            return f'{{"head": {head}, "results": {{"bindings": []}}}}'
        dump = json.JSONEncoder(ensure_ascii=False).encode
        return f'{{"head": {head}, "results": {{"bindings": [\n' + ",\n".join(map(dump, self.rows)) + "\n]}}"

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(self.vars)
        for r in self.rows:
            w.writerow([r[v]["value"] if v in r else "" for v in self.vars])
        return buf.getvalue()

    def to_table(self, max_width: int = 60) -> str:
        cells = [[_clip(_short(r[v]) if v in r else "", max_width) for v in self.vars] for r in self.rows]
        cws = [[width(c) for c in row] for row in cells]
        widths = [max([width(v)] + [cw[i] for cw in cws]) for i, v in enumerate(self.vars)]
        lines = ["  ".join(pad(v, w) for v, w in zip(self.vars, widths)).rstrip(),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(c + " " * (w - n) for c, n, w in zip(row, cw, widths)).rstrip()
                  for row, cw in zip(cells, cws)]
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
    if s.isascii():
        return len(s)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def pad(s: str, w: int) -> str:
    return s + " " * (w - width(s))


def _clip(s: str, w: int) -> str:
    if len(s) * 2 <= w or (len(s) <= w and width(s) <= w):   # (a longer text is wider: read only its start)
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
    #: the answer was cut at the row cap (``max_rows``): it has more rows (or triples) than these
    truncated: bool = False
    #: a SELECT answer as W3C JSON written by Oxigraph itself (:func:`json_from_ox`), ``rows`` then left
    #: empty: what ``kg serve`` sends as it is
    json_bytes: bytes | None = None

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
        if self.json_bytes is not None:
            return self.json_bytes.decode("utf-8")
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



# -- answers read as they come, cut at a row cap (bounded memory) and stopped at a deadline

class Deadline:
    """A point in time a query must not run past (``None``: no limit); checked between rows."""

    def __init__(self, timeout: float | None):
        self.timeout = timeout
        self.at = time.monotonic() + timeout if timeout else None

    def check(self) -> None:
        if self.at is not None and time.monotonic() > self.at:
            raise KgQueryError(timeout_message(self.timeout))


def capped(items: Iterable, max_rows: int | None, timeout: float | None = None) -> tuple[list, bool]:
    """The first ``max_rows`` items (all with ``None``) and whether there were more; reads one item past the
    cap, never the rest. Past ``timeout`` seconds (checked between items) raises :class:`KgQueryError`."""
    deadline = Deadline(timeout)
    out: list = []
    for n, item in enumerate(items):
        if max_rows is not None and n >= max_rows:
            return out, True
        if not n & 255:
            deadline.check()
        out.append(item)
    return out, False


class _Terms:
    """W3C SPARQL JSON term dicts for pyoxigraph terms, one shared dict per distinct term of an answer."""

    def __init__(self):
        self._seen: dict = {}

    def __call__(self, t) -> Term:
        d = self._seen.get(t)
        if d is None:
            d = self._seen[t] = ox_term_json(t)
        return d


def ox_term_json(t) -> Term:
    """A pyoxigraph term as W3C SPARQL JSON (what Oxigraph's JSON serializer writes, ``xsd:string`` left out)."""
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
            direction = getattr(t, "direction", None)
            if direction is not None:
                d["its:dir"] = str(direction)
        elif t.datatype.value != XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": ox_term_json(t.subject), "predicate": ox_term_json(t.predicate),
                                            "object": ox_term_json(t.object)}}
    raise TypeError(f"not an RDF term: {t!r}")


def from_ox(res, max_rows: int | None = None, timeout: float | None = None) -> QueryResult:
    """A pyoxigraph answer (``QueryBoolean``, ``QueryTriples`` or ``QuerySolutions``, from a store or from
    :func:`pyoxigraph.parse_query_results`) read row by row up to ``max_rows``."""
    if isinstance(res, ox.QueryBoolean):
        return QueryResult(boolean=bool(res))
    if isinstance(res, ox.QueryTriples) or not hasattr(res, "variables"):
        return triples_result(res, max_rows, timeout)
    names = [v.value for v in res.variables]
    conv = _Terms()

    def rows() -> Iterator[dict[str, Term]]:
        for sol in res:
            yield {name: conv(t) for name, t in zip(names, sol) if t is not None}

    got, cut = capped(rows(), max_rows, timeout)
    return QueryResult(vars=names, rows=got, truncated=cut)


class _Full(Exception):
    """The row cap is reached: stop writing."""


class _FirstLines:
    """A binary writer that keeps the first ``limit`` lines (all with ``None``) and stops the writer at the
    first byte past them (``more``); past the deadline it stops it with :class:`KgQueryError`."""

    def __init__(self, limit: int | None, deadline: Deadline):
        self.limit, self.deadline = limit, deadline
        self.data = bytearray()
        self.lines = 0
        self.more = False

    def write(self, b) -> int:
        b = bytes(b)
        n = b.count(b"\n")
        if self.limit is not None and self.lines + n >= self.limit:
            end = -1
            for _ in range(self.limit - self.lines):
                end = b.index(b"\n", end + 1)
            self.data += b[:end + 1]
            self.lines = self.limit
            if end + 1 < len(b):
                self.more = True
                raise _Full
            return len(b)
        self.data += b
        self.lines += n
        self.deadline.check()
        return len(b)

    def flush(self) -> None:
        pass


def json_from_ox(res, max_rows: int | None = None, timeout: float | None = None) -> QueryResult:
    """A pyoxigraph ``QuerySolutions`` written as W3C JSON by Oxigraph itself (``json_bytes``; the rows are not
    read into Python: ~3× faster on thousands of rows), cut after ``max_rows`` rows: the rows pass through
    Oxigraph's TSV, one line each (a header line first), so that the cap is counted on lines. The same terms
    as :func:`from_ox` gives. Other answers (ASK, triples) as :func:`from_ox`."""
    if not isinstance(res, ox.QuerySolutions):
        return from_ox(res, max_rows, timeout)
    names = [v.value for v in res.variables]
    out = _FirstLines(None if max_rows is None else max_rows + 1, Deadline(timeout))
    try:
        res.serialize(out, format=ox.QueryResultsFormat.TSV)
    except Exception:     # pyoxigraph wraps what the writer raised
        if not out.more:
            out.deadline.check()      # the time limit, said as such
            raise
    out.deadline.check()
    data = ox.parse_query_results(bytes(out.data), format=ox.QueryResultsFormat.TSV).serialize(
        format=ox.QueryResultsFormat.JSON) if out.data else b""
    return QueryResult(vars=names, json_bytes=data or json.dumps({"head": {"vars": names}, "results": {
        "bindings": []}}).encode("utf-8"), truncated=out.more)


def triples_result(triples: Iterable, max_rows: int | None = None, timeout: float | None = None) -> QueryResult:
    """pyoxigraph triples (a CONSTRUCT or DESCRIBE answer, or parsed RDF) as N-Triples, up to ``max_rows``."""
    got, cut = capped(triples, max_rows, timeout)
    return QueryResult(triples=ox.serialize(got, format=ox.RdfFormat.N_TRIPLES) or b"" if got else b"",
                       truncated=cut)


def from_rdflib(result, max_rows: int | None = None, timeout: float | None = None,
                star_of: str | None = None) -> QueryResult:
    """An rdflib query answer read row by row up to ``max_rows`` (rdflib evaluates SELECT lazily).
    ``star_of``: the text of a ``SELECT *`` query, whose variables rdflib gives in no set order: they are
    put in the order they appear in it (as Oxigraph does)."""
    if result.type == "ASK":
        return QueryResult(boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        got, cut = capped(iter(result.graph), max_rows, timeout)
        lines = sorted(" ".join(t.n3() for t in triple) + " ." for triple in got)
        return QueryResult(triples="".join(ln + "\n" for ln in lines).encode("utf-8"), truncated=cut)
    names = [str(v) for v in result.vars]
    if star_of is not None:
        def first(name: str) -> tuple[int, str]:
            m = re.search(rf"[?$]{re.escape(name)}(?!\w)", star_of)
            return (m.start() if m else len(star_of), name)
        names.sort(key=first)

    def rows() -> Iterator[dict[str, Term]]:
        for row in result:
            yield {name: term_json(row[name]) for name in names if row[name] is not None}

    got, cut = capped(rows(), max_rows, timeout)
    return QueryResult(vars=names, rows=got, truncated=cut)
