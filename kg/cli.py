"""Command line: a thin layer over :mod:`kg.api`.

Exit codes: 0 success; 1 a query/validation found a problem (e.g. SHACL violation);
2 bad input or usage (the message names the file and the problem).
"""
from __future__ import annotations

import argparse
import re
import sys
from importlib import resources
from pathlib import Path

from . import api
from .model import KgInputError
from .store import KgStoreError

NAMED = sorted(p.name[:-3] for p in resources.files("kg").joinpath("queries").iterdir() if p.name.endswith(".rq"))


def named_query(name: str) -> str | None:
    f = resources.files("kg").joinpath("queries", f"{name}.rq")
    return f.read_text(encoding="utf-8") if f.is_file() else None


def resolve_query(q: str) -> str:
    """A named query, a path to a ``.rq`` file, or inline SPARQL."""
    text = named_query(q)
    if text is not None:
        return text
    p = Path(q)
    if q.endswith(".rq") or (len(q) < 255 and p.is_file()):
        try:
            return p.read_text(encoding="utf-8")
        except OSError as e:
            raise KgInputError(f"{q}: cannot read query file ({e.strerror})") from None
    if any(k in q.upper() for k in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        return q
    raise KgInputError(f"{q}: not a named query ({', '.join(NAMED)}), a .rq file or SPARQL")


def _err(msg: str) -> None:
    print(f"kg: error: {msg}", file=sys.stderr)


VIEWS_MAX_REPORTS = 200      # views load the whole graph into rdflib (~1.5 KB of RAM per triple)


def cmd_build(args) -> int:
    import shutil

    from .store import RemoteStore, open_store
    out = Path(args.out)
    fresh = not out.exists()
    store = None
    if args.endpoint:
        store = (RemoteStore(args.endpoint, args.update_endpoint, args.gsp_endpoint)
                 if args.update_endpoint or args.gsp_endpoint else open_store(args.endpoint))
    try:
        res = api.build(args.reports, out, store=store, jobs=args.jobs, rebuild=args.rebuild)
    finally:
        if store is not None:
            store.close()
    for f in res.failed:
        _err(str(f))
    if fresh and res.failed and not res.reports:
        shutil.rmtree(out, ignore_errors=True)      # nothing was built: leave nothing behind
        return 2
    for path in sorted(res.warnings):
        for w in res.warnings[path]:
            print(f"warning: {w}", file=sys.stderr)
    print(res.summary())
    from .backend import open_backend
    backend = open_backend(out, args.endpoint)
    try:
        rows = backend.query(COUNTS).values()
        print("  " + ", ".join(f"{r['type']}: {r['n']}" for r in rows))
        if not args.no_views and len(res.reports) > VIEWS_MAX_REPORTS:
            print(f"views: skipped for {len(res.reports)} reports (> {VIEWS_MAX_REPORTS}: the whole graph would not "
                  "fit in memory); build a subset, or use kg query / kg trace", file=sys.stderr)
        elif not args.no_views and res.reports:
            from . import views
            written = views.write_views(backend.graph(), args.views)
            print(f"views: {len(written)} files in {args.views}/ ({', '.join(p.name for p in written[:3])}, …)")
    finally:
        backend.close()
    return 2 if res.failed else 0


COUNTS = """PREFIX kgo: <https://w3id.org/kg-rectify/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES (?class ?type) { (kgo:Report "reports") (kgo:Aspect "aspects") (kgo:ProblemCategory "problem categories")
    (kgo:Measure "measures") (kgo:Document "documents") (kgo:OwnRegulation "own regulations")
    (org:Organization "organizations") (kgo:Award "awards") (kgo:Initiative "activities")
    (prov:Person "people") (kgo:Figure "figures") (kgo:Anomaly "anomalies") }
  ?s a ?class .
} GROUP BY ?type ORDER BY DESC(?n)
"""


def for_report(sparql: str, rid: str) -> str:
    """Restrict a query that binds ``?report`` to one report: ``VALUES ?report`` at the start of its
    innermost group (so a subquery is restricted before it aggregates).

    >>> for_report("SELECT * WHERE { ?x kgo:inReport ?report }", "zuoxie_2020")
    'SELECT * WHERE { VALUES ?report { <https://w3id.org/kg-rectify/id/report/zuoxie_2020> } ?x kgo:inReport ?report }'
    """
    from .graph import report_iri
    if "?report" not in sparql:
        raise KgInputError("--report needs a query that binds ?report")
    matches = list(re.finditer(r"WHERE\s*\{", sparql, re.I))
    if not matches or not re.fullmatch(r"[A-Za-z0-9_.-]+", rid):
        raise KgInputError(f"--report {rid}: cannot restrict this query to a report")
    at = matches[-1].end()
    return f"{sparql[:at]} VALUES ?report {{ <{report_iri(rid)}> }}{sparql[at:]}"


def cmd_query(args) -> int:
    from .backend import open_backend
    sparql = resolve_query(args.query)
    if args.report:
        sparql = for_report(sparql, args.report)
    backend = open_backend(args.graph, args.endpoint)
    try:
        rs = backend.query(sparql)
    except Exception as e:   # a SPARQL syntax error from any backend
        _err(f"query failed: {e}")
        return 2
    text = {"json": rs.to_json, "csv": rs.to_csv, "table": rs.to_table}[args.format]()
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_trace(args) -> int:
    from . import trace
    from .backend import open_backend
    backend = open_backend(args.graph, args.endpoint)
    n = trace.problem_number(args.what)
    rs = (trace.trace_problem(backend, n, args.report) if n is not None
          else trace.trace_document(backend, args.what, args.report))
    if args.format == "json":
        print(rs.to_json())
    else:
        print(trace.render(rs, args.what))
    return 0 if rs.rows else 1


def cmd_validate(args) -> int:
    from .backend import open_backend
    from .validate import validate
    conforms, report = validate(open_backend(args.graph, args.endpoint).graph())
    print(report)
    return 0 if conforms else 1


def cmd_stats(args) -> int:
    from . import stats
    from .backend import open_backend
    s = stats.stats(open_backend(args.graph, args.endpoint).graph(), top=args.top)
    print(stats.to_json(s) if args.format == "json" else stats.render(s))
    return 0


def cmd_view(args) -> int:
    import os
    import webbrowser

    from . import views
    from .backend import open_backend
    out = Path(args.out) if args.out else Path(args.views) / f"focus-{_slug(args.name)}.html"
    try:
        path = views.write_focus(open_backend(args.graph, args.endpoint).graph(), args.name, out, depth=args.depth)
    except views.KgViewError as e:
        _err(str(e))
        return 2
    print(f"view: {path}")
    if not args.no_open and not os.environ.get("CI") and (sys.platform != "linux" or os.environ.get("DISPLAY")):
        webbrowser.open(path.resolve().as_uri())
    return 0


def _slug(name: str) -> str:
    import hashlib
    import re
    ascii_part = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")
    return ascii_part or hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def cmd_export(args) -> int:
    from . import export
    from .backend import RdflibBackend, open_backend
    backend = open_backend(args.graph, args.endpoint)
    try:
        source = backend.graph() if isinstance(backend, RdflibBackend) else backend
        export.export(source, args.format, args.out if args.out != "-" else sys.stdout.buffer)
    finally:
        backend.close()
    if args.out != "-":
        print(f"exported {args.format} to {args.out}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Rectification reports → RDF knowledge graph.")
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="extract reports into a graph")
    b.add_argument("reports", nargs="*", help="report files or directories (default data/reports)")
    b.add_argument("--out", default=str(api.DEFAULT_OUT), help="output directory (default build/)")
    b.add_argument("--no-views", action="store_true", help="do not write HTML views")
    b.add_argument("--views", default="visualizations", help="directory for the HTML views (default visualizations/)")
    b.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    b.add_argument("--rebuild", action="store_true", help="re-extract every report, rebuild the store")
    b.add_argument("--endpoint", help="build into a SPARQL 1.1 server instead of DIR/store: its query endpoint "
                   "(an Oxigraph base URL, …/query or …/sparql; update and Graph Store URLs are guessed)")
    b.add_argument("--update-endpoint", help="the server's SPARQL Update endpoint (with --endpoint)")
    b.add_argument("--gsp-endpoint", help="the server's Graph Store Protocol endpoint, e.g. Fuseki's …/data")
    b.set_defaults(func=cmd_build)
    q = sub.add_parser("query", help="run a named query, a .rq file or inline SPARQL")
    q.add_argument("query", help=f"one of {', '.join(NAMED)}, a .rq file, or SPARQL text")
    q.add_argument("--endpoint", help="query a SPARQL 1.1 server instead of the build directory")
    q.add_argument("--graph", default=str(api.DEFAULT_OUT), help="build directory (default build/)")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.add_argument("--report", help="only this report (its id, e.g. zuoxie_2020): fast on a large store")
    q.set_defaults(func=cmd_query)
    t = sub.add_parser("trace", help="regulation → measure → problem → aspect, or problem N → regulations")
    t.add_argument("what", help="a document title (or part of one), or a problem category number")
    t.add_argument("--endpoint", help="query a SPARQL 1.1 server instead of the build directory")
    t.add_argument("--graph", default=str(api.DEFAULT_OUT))
    t.add_argument("--report", help="only this report (its id, e.g. zuoxie_2020)")
    t.add_argument("--format", choices=["text", "json"], default="text")
    t.set_defaults(func=cmd_trace)
    v = sub.add_parser("validate", help="check the graph against the SHACL shapes")
    v.add_argument("--endpoint", help="query a SPARQL 1.1 server instead of the build directory")
    v.add_argument("--graph", default=str(api.DEFAULT_OUT))
    v.set_defaults(func=cmd_validate)
    vw = sub.add_parser("view", help="write (and open) a focused view of one entity's neighbourhood")
    vw.add_argument("name", help="label or title (or part of one) of the entity")
    vw.add_argument("--depth", type=int, default=2)
    vw.add_argument("--endpoint", help="query a SPARQL 1.1 server instead of the build directory")
    vw.add_argument("--graph", default=str(api.DEFAULT_OUT))
    vw.add_argument("--views", default="visualizations", help="directory for the view (default visualizations/)")
    vw.add_argument("-o", "--out", help="output HTML file")
    vw.add_argument("--no-open", action="store_true", help="do not open a browser")
    vw.set_defaults(func=cmd_view)
    ex = sub.add_parser("export", help="write the graph as Turtle, TriG, N-Quads, N-Triples or JSON-LD")
    ex.add_argument("--format", choices=["turtle", "trig", "nquads", "ntriples", "json-ld"], default="trig")
    ex.add_argument("--out", "-o", default="-", help="output file (default: standard output)")
    ex.add_argument("--endpoint", help="export from a SPARQL 1.1 server")
    ex.add_argument("--graph", default=str(api.DEFAULT_OUT))
    ex.set_defaults(func=cmd_export)
    st = sub.add_parser("stats", help="counts per type, most connected units, busiest problem categories")
    st.add_argument("--endpoint", help="query a SPARQL 1.1 server instead of the build directory")
    st.add_argument("--graph", default=str(api.DEFAULT_OUT))
    st.add_argument("--format", choices=["table", "json"], default="table")
    st.add_argument("--top", type=int, default=10)
    st.set_defaults(func=cmd_stats)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KgInputError as e:
        _err(str(e))
        return 2
    except BrokenPipeError:   # output piped into head / less that closed early
        sys.stderr.close()
        return 0
    except KgStoreError as e:
        _err(str(e))
        return 2
    except KeyboardInterrupt:
        _err("interrupted; nothing half-written was left behind")
        return 130


if __name__ == "__main__":
    sys.exit(main())
