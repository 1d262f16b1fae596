"""Named queries (the ``*.rq`` files beside this module) and how a query given by a user is found.

A query is a named query (``regulations``), a path to a ``.rq`` file, or SPARQL text. Every named query
binds ``?report``, so :func:`for_report` can restrict it to one report.

>>> "regulations" in NAMED
True
"""
from __future__ import annotations

import re
from pathlib import Path

from kg.errors import KgInputError
from kg.rdf.vocab import report_iri
from kg.resources import package_file, package_files
from kg.store.guard import looks_like_sparql

PACKAGE = "kg.explore.queries"

#: the names of the named queries, sorted
NAMED: list[str] = [p.name[:-3] for p in package_files(PACKAGE, ".rq")]

#: counts per type, printed by ``kg build``
COUNTS = """SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES (?class ?type) { (kgo:Report "reports") (kgo:Aspect "aspects") (kgo:ProblemCategory "problem categories")
    (kgo:Measure "measures") (kgo:Document "documents") (kgo:OwnRegulation "own regulations")
    (org:Organization "organizations") (kgo:Award "awards") (kgo:Initiative "activities")
    (prov:Person "people") (kgo:Figure "figures") (kgo:Anomaly "anomalies") }
  ?s a ?class .
} GROUP BY ?type ORDER BY DESC(?n)
"""


def named_query(name: str) -> str | None:
    """The text of the named query ``name``, or None."""
    if name not in NAMED:
        return None
    return package_file(PACKAGE, f"{name}.rq").read_text(encoding="utf-8")


def resolve_query(q: str) -> str:
    """A named query, a path to a ``.rq`` file, or inline SPARQL (a query, or an update that the store's
    check then refuses with a message saying the graph is read-only) → SPARQL text.

    >>> resolve_query("DROP ALL")
    'DROP ALL'
    """
    text = named_query(q)
    if text is not None:
        return text
    p = Path(q)
    if q.endswith(".rq") or (len(q) < 255 and p.is_file()):
        try:
            return p.read_text(encoding="utf-8")
        except OSError as e:
            raise KgInputError(f"{q}: cannot read query file ({e.strerror})") from None
    if looks_like_sparql(q) or any(k in q.upper() for k in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        return q   # checked before it runs (kg.store.guard): an update is refused with its own message
    raise KgInputError(f"{q}: not a named query ({', '.join(NAMED)}), a .rq file or SPARQL")


def for_report(sparql: str, rid: str) -> str:
    """Restrict a query that binds ``?report`` to one report: ``VALUES ?report`` at the start of its
    innermost group (so a subquery is restricted before it aggregates).

    >>> for_report("SELECT * WHERE { ?x kgo:inReport ?report }", "zuoxie_2020")
    'SELECT * WHERE { VALUES ?report { <https://w3id.org/kg-rectify/id/report/zuoxie_2020> } ?x kgo:inReport ?report }'
    """
    if "?report" not in sparql:
        raise KgInputError("--report needs a query that binds ?report")
    matches = list(re.finditer(r"WHERE\s*\{", sparql, re.I))
    if not matches or not re.fullmatch(r"[A-Za-z0-9_.-]+", rid):
        raise KgInputError(f"--report {rid}: cannot restrict this query to a report")
    at = matches[-1].end()
    return f"{sparql[:at]} VALUES ?report {{ <{report_iri(rid)}> }}{sparql[at:]}"


__all__ = ["NAMED", "COUNTS", "named_query", "resolve_query", "for_report"]
