"""Command line: a thin layer over :mod:`kg.api`.

Exit codes: 0 success; 1 a query/validation found a problem (e.g. SHACL violation);
2 bad input or usage (the message names the file and the problem).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import sys
import webbrowser
from pathlib import Path

from kg import api
from kg.errors import KgError
from kg.explore.queries import NAMED


def _err(msg: str) -> None:
    print(f"kg: error: {msg}", file=sys.stderr)


def cmd_build(args) -> int:
    out = Path(args.out)
    fresh = not out.exists()
    res = api.build(args.reports, out, endpoint=args.endpoint, update_endpoint=args.update_endpoint,
                    gsp_endpoint=args.gsp_endpoint, jobs=args.jobs, rebuild=args.rebuild)
    for f in res.failed:
        _err(str(f))
    if fresh and res.failed and not res.reports:
        shutil.rmtree(out, ignore_errors=True)      # nothing was built: leave nothing behind
        return 2
    for path in sorted(res.warnings):
        for w in res.warnings[path]:
            print(f"warning: {w}", file=sys.stderr)
    print(res.summary())
    if args.verbose:
        failed = {str(f.path) for f in res.failed}
        for path in api.report_files(args.reports):
            if str(path) not in failed:
                print(api.describe_outline(path))
    print("  " + ", ".join(f"{k}: {n}" for k, n in api.counts(out, args.endpoint).items()))
    if not args.no_views and len(res.reports) > api.VIEWS_MAX_REPORTS:
        print(f"views: skipped for {len(res.reports)} reports (> {api.VIEWS_MAX_REPORTS}: the whole graph would not "
              "fit in memory); build a subset, or use kg query / kg trace", file=sys.stderr)
    elif not args.no_views and res.reports:
        written = api.write_views(out, args.views, args.endpoint)
        print(f"views: {len(written)} files in {args.views}/ ({', '.join(p.name for p in written[:3])}, …)")
    return 2 if res.failed else 0


def cmd_query(args) -> int:
    rs = api.query(args.query, args.graph, args.endpoint, args.report)
    text = {"json": rs.to_json, "csv": rs.to_csv, "table": rs.to_table}[args.format]()
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_trace(args) -> int:
    rs = api.trace(args.what, args.graph, args.endpoint, args.report)
    print(rs.to_json() if args.format == "json" else api.render_trace(rs, args.what))
    return 0 if rs.rows else 1


def cmd_validate(args) -> int:
    conforms, report = api.validate(args.graph, args.endpoint)
    print(report)
    return 0 if conforms else 1


def cmd_stats(args) -> int:
    s = api.stats(args.graph, args.endpoint, top=args.top)
    print(api.render_stats(s, args.format))
    return 0


def cmd_view(args) -> int:
    out = Path(args.out) if args.out else Path(args.views) / f"focus-{_slug(args.name)}.html"
    path = api.view(args.name, out, args.graph, args.endpoint, depth=args.depth)
    print(f"view: {path}")
    if not args.no_open and not os.environ.get("CI") and (sys.platform != "linux" or os.environ.get("DISPLAY")):
        webbrowser.open(path.resolve().as_uri())
    return 0


def _slug(name: str) -> str:
    ascii_part = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")
    return ascii_part or hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def cmd_export(args) -> int:
    api.export(args.format, args.out if args.out != "-" else sys.stdout.buffer, args.graph, args.endpoint)
    if args.out != "-":
        print(f"exported {args.format} to {args.out}")
    return 0


def _source_options() -> argparse.ArgumentParser:
    """``--graph`` and ``--endpoint``, shared by every command that reads a build."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--graph", default=str(api.DEFAULT_OUT), help="build directory (default build/)")
    p.add_argument("--endpoint", help="query a SPARQL 1.1 server instead of the build directory")
    return p


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Rectification reports → RDF knowledge graph.")
    sub = p.add_subparsers(dest="cmd", required=True)
    src = _source_options()
    b = sub.add_parser("build", help="extract reports into a graph")
    b.add_argument("reports", nargs="*", help="report files or directories (default data/reports)")
    b.add_argument("--out", default=str(api.DEFAULT_OUT), help="output directory (default build/)")
    b.add_argument("--no-views", action="store_true", help="do not write HTML views")
    b.add_argument("--views", default="visualizations", help="directory for the HTML views (default visualizations/)")
    b.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    b.add_argument("--rebuild", action="store_true", help="re-extract every report, rebuild the store")
    b.add_argument("-v", "--verbose", action="store_true",
                   help="print each report's outline: its numbering levels, the role chosen for each and why")
    b.add_argument("--endpoint", help="build into a SPARQL 1.1 server instead of DIR/store: its query endpoint "
                   "(an Oxigraph base URL, …/query or …/sparql; update and Graph Store URLs are guessed)")
    b.add_argument("--update-endpoint", help="the server's SPARQL Update endpoint (with --endpoint)")
    b.add_argument("--gsp-endpoint", help="the server's Graph Store Protocol endpoint, e.g. Fuseki's …/data")
    b.set_defaults(func=cmd_build)
    q = sub.add_parser("query", help="run a named query, a .rq file or inline SPARQL", parents=[src])
    q.add_argument("query", help=f"one of {', '.join(NAMED)}, a .rq file, or SPARQL text")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.add_argument("--report", help="only this report (its id, e.g. zuoxie_2020): fast on a large store")
    q.set_defaults(func=cmd_query)
    t = sub.add_parser("trace", help="regulation → measure → problem → aspect, or problem N → regulations", parents=[src])
    t.add_argument("what", help="a document title (or part of one), or a problem category number")
    t.add_argument("--report", help="only this report (its id, e.g. zuoxie_2020)")
    t.add_argument("--format", choices=["text", "json"], default="text")
    t.set_defaults(func=cmd_trace)
    v = sub.add_parser("validate", help="check the graph against the SHACL shapes", parents=[src])
    v.set_defaults(func=cmd_validate)
    vw = sub.add_parser("view", help="write (and open) a focused view of one entity's neighbourhood", parents=[src])
    vw.add_argument("name", help="label or title (or part of one) of the entity")
    vw.add_argument("--depth", type=int, default=2)
    vw.add_argument("--views", default="visualizations", help="directory for the view (default visualizations/)")
    vw.add_argument("-o", "--out", help="output HTML file")
    vw.add_argument("--no-open", action="store_true", help="do not open a browser")
    vw.set_defaults(func=cmd_view)
    ex = sub.add_parser("export", help="write the graph as Turtle, TriG, N-Quads, N-Triples or JSON-LD", parents=[src])
    ex.add_argument("--format", choices=["turtle", "trig", "nquads", "ntriples", "json-ld"], default="trig")
    ex.add_argument("--out", "-o", default="-", help="output file (default: standard output)")
    ex.set_defaults(func=cmd_export)
    st = sub.add_parser("stats", help="counts per type, most connected units, busiest problem categories", parents=[src])
    st.add_argument("--format", choices=["table", "json"], default="table")
    st.add_argument("--top", type=int, default=10)
    st.set_defaults(func=cmd_stats)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KgError as e:
        _err(str(e))
        return 2
    except BrokenPipeError:   # output piped into head / less that closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        _err("interrupted; nothing half-written was left behind")
        return 130


if __name__ == "__main__":
    sys.exit(main())
