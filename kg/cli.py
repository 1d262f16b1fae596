"""Command line: a thin layer over :mod:`kg.api`.

Exit codes: 0 success; 1 a query/validation found a problem (e.g. SHACL violation), or what was asked for
(a report id, a problem number, a title, a label) is not in the build: the message on stderr names what is;
2 bad input or usage, or any other error (one line on stderr that names the file and the problem).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import webbrowser
from pathlib import Path

from kg import __version__, api
from kg.errors import KgError, KgInputError
from kg.explore.queries import NAMED
from kg.store.guard import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, cap_message
from kg.store.oxigraph import is_damage


def _err(msg: str) -> None:
    print(f"kg: error: {msg}", file=sys.stderr)


def _views_dir(views: str | None, build_dir: str | None) -> Path:
    """``--views``, else ``DIR/visualizations`` for ``--out DIR`` / ``--graph DIR``, else ``visualizations/``."""
    if views:
        return Path(views)
    return Path(build_dir) / api.DEFAULT_VIEWS.name if build_dir else api.DEFAULT_VIEWS


def _check_writable_dir(path: Path, option: str, shown: str | Path | None = None) -> None:
    """One clear error before any work when ``path`` is not, and cannot become, a directory kg can write in
    (``shown``: the path the user gave, when it is a file to write in ``path``)."""
    shown = path if shown is None else shown
    if path.exists() and not path.is_dir():
        raise KgInputError(f"{option} {shown}: {'' if shown == path else f'{path} '}is a file, not a directory")
    probe = path.absolute()
    while not probe.exists():          # the nearest folder that exists: kg would create the rest in it
        probe = probe.parent
    if not probe.is_dir():
        raise KgInputError(f"{option} {shown}: {probe} is a file, not a directory")
    try:                               # write permission, a read-only file system, a pseudo file system …
        tempfile.TemporaryDirectory(prefix=".kg-write-check-", dir=probe).cleanup()
    except OSError as e:
        raise KgInputError(f"{option} {shown}: cannot write in {probe} ({e.strerror or e})") from None


def _check_output_file(path: Path, option: str) -> None:
    """:func:`_check_writable_dir` for a file to write."""
    if path.is_dir():
        raise KgInputError(f"{option} {path}: is a directory, not a file")
    _check_writable_dir(path.parent, option, shown=path)


def cmd_build(args) -> int:
    out = Path(args.out or api.DEFAULT_OUT)
    views = _views_dir(args.views, args.out)
    _check_writable_dir(out, "--out")
    if not args.no_views:
        _check_writable_dir(views, "--views")
    fresh = not out.exists()
    res = api.build(args.reports, out, endpoint=args.endpoint, update_endpoint=args.update_endpoint,
                    gsp_endpoint=args.gsp_endpoint, jobs=args.jobs, rebuild=args.rebuild,
                    timeout=args.timeout, max_memory=args.max_memory)
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
                print(api.describe_outline(path, timeout=args.timeout, max_memory=args.max_memory))
    print("  " + ", ".join(f"{k}: {n}" for k, n in api.counts(out, args.endpoint).items()))
    if not args.no_views and res.reports:
        page = api.write_explorer(out, views, args.endpoint, max_reports=args.explorer_max_reports)
        gone = api.remove_old_views(views)
        if gone:
            print(f"views: removed {len(gone)} old pages the explorer replaces ({', '.join(p.name for p in gone[:3])}"
                  f"{', …' if len(gone) > 3 else ''})")
        print(f"explorer: {page}")
        if api.read_model(page).get("scope", {}).get("kind") == "corpus":
            print(f"  the build is too large for one page (more than {args.explorer_max_reports or api.explorer_limit()} "
                  f"reports): the page is the corpus overview; to open a report and to query, run "
                  f"`kg serve --graph {out}` and open {api.DEFAULT_SERVE_URL}")
        _open(page.resolve().as_uri(), args.no_open)
    return 2 if res.failed else 0


def _open(url: str, no_open: bool) -> None:
    if not no_open and _can_open():
        webbrowser.open(url)


def _can_open() -> bool:
    """A browser can be opened: not in CI, and on Linux only with a display."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        return False
    return sys.platform != "linux" or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_query(args) -> int:
    rs = api.query(args.query, args.graph, args.endpoint, args.report, timeout=args.timeout,
                   max_rows=args.max_rows, allow_service=args.allow_service)
    text = {"json": rs.to_json, "csv": rs.to_csv, "table": rs.to_table}[args.format]()
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if getattr(rs, "truncated", False):
        sys.stdout.flush()
        print(f"kg: warning: {cap_message(args.max_rows, 'triple' if rs.kind == 'graph' else 'row')}", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    graph_dir = args.graph if args.graph != str(api.DEFAULT_OUT) and not args.endpoint else None
    server = api.serve(args.graph, args.endpoint, port=args.port, views=_views_dir(args.views, graph_dir),
                       timeout=args.timeout, max_rows=args.max_rows, verbose=args.verbose)
    print(f"kg serve: {server.url} (the views) and {server.url}sparql (read-only SPARQL) over "
          f"{server.source.label}; Ctrl-C stops it", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _limit(kind):
    def parse(s: str):
        try:
            v = kind(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {s!r}") from None
        if v < 0:
            raise argparse.ArgumentTypeError(f"{s}: must be 0 (no limit) or more")
        return v
    return parse


def _query_limits(p: argparse.ArgumentParser) -> None:
    p.add_argument("--timeout", type=_limit(float), default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"stop the query after this long (default {DEFAULT_TIMEOUT:g}; 0: no limit)")
    p.add_argument("--max-rows", type=_limit(int), default=DEFAULT_MAX_ROWS, metavar="N",
                   help=f"print at most N rows or triples (default {DEFAULT_MAX_ROWS:,}; 0: no cap)")


def cmd_trace(args) -> int:
    rs = api.trace(args.what, args.graph, args.endpoint, args.report, timeout=args.timeout, max_rows=args.max_rows)
    if args.format == "json":
        print(rs.to_json())
    else:   # no rows: what was asked exists but no document answers it (a message, not data: stderr)
        print(api.render_trace(rs, args.what), file=sys.stdout if rs.rows else sys.stderr)
    if rs.truncated:
        sys.stdout.flush()
        print(f"kg: warning: {cap_message(args.max_rows)}", file=sys.stderr)
    return 0 if rs.rows else 1


def cmd_validate(args) -> int:
    conforms, report = api.validate(args.graph, args.endpoint)
    print(report)
    return 0 if conforms else 1


def cmd_stats(args) -> int:
    s = api.stats(args.graph, args.endpoint, top=args.top, timeout=args.timeout, max_triples=args.max_triples)
    print(api.render_stats(s, args.format))
    return 0


def cmd_view(args) -> int:
    graph_dir = args.graph if args.graph != str(api.DEFAULT_OUT) and not args.endpoint else None
    views = _views_dir(args.views, graph_dir)
    _check_writable_dir(views, "--views")
    page, matches = api.view(args.name, args.graph, args.endpoint, views)
    # the corpus page (a build too large for one page) holds no report graph: a node of one report opens in
    # that report's page, served by kg serve
    scope = api.read_model(page).get("scope") or {}
    served = (lambda m: api.served_link(m.iri, m.report, args.depth, api.DEFAULT_SERVE_URL)
              if scope.get("kind") == "corpus" and m.report else "")
    if served(matches[0]):
        print(f"this build's page is the corpus overview: open a report's entities through `{scope.get('serve') or 'kg serve'}`")
    if len(matches) == 1:
        link = matches[0].link(page, args.depth)
        print(link)
        if served(matches[0]):
            print(f"served: {served(matches[0])}")
        _open(link, args.no_open)
        return 0
    print(f"{len(matches)} entities match {args.name!r} (open one with its link; the page lists them all):")
    width = len(str(min(len(matches), VIEW_LIST_MAX)))
    for i, m in enumerate(matches[:VIEW_LIST_MAX], 1):
        print(f"{i:>{width}}. {m.label} ({m.type}{', ' + m.report if m.report else ''})\n"
              f"{'':>{width}}  {m.link(page, args.depth)}")
        if served(m):
            print(f"{'':>{width}}  served: {served(m)}")
    if len(matches) > VIEW_LIST_MAX:
        print(f"… and {len(matches) - VIEW_LIST_MAX} more")
    link = api.search_link(page, args.name)
    print(f"all matches in the page: {link}")
    _open(link, args.no_open)
    return 0


#: the matches of ``kg view`` listed in the terminal (the page lists them all)
VIEW_LIST_MAX = 20


def cmd_export(args) -> int:
    if args.out != "-":
        _check_output_file(Path(args.out), "--out")
    api.export(args.format, args.out if args.out != "-" else sys.stdout.buffer, args.graph, args.endpoint)
    if args.out != "-":
        print(f"exported {args.format} to {args.out}")
    return 0


class _Version(argparse.Action):
    """``kg --version``: kg's version, then Python's and the main libraries' (what a bug report needs)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib import metadata

        libs = []
        for name in ("pyoxigraph", "rdflib", "jieba"):
            try:
                libs.append(f"{name} {metadata.version(name)}")
            except metadata.PackageNotFoundError:
                libs.append(f"{name} missing")
        print(f"kg {__version__} (Python {sys.version.split()[0]}; {', '.join(libs)})")
        parser.exit()


def _source_options() -> argparse.ArgumentParser:
    """``--graph`` and ``--endpoint``, shared by every command that reads a build."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--graph", default=str(api.DEFAULT_OUT), help="build directory (default build/)")
    p.add_argument("--endpoint", help="query a SPARQL 1.1 server instead of the build directory")
    return p


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Rectification reports → RDF knowledge graph.")
    p.add_argument("--version", action=_Version, help="print kg's version (and its main libraries') and exit")
    sub = p.add_subparsers(dest="cmd", required=True)
    src = _source_options()
    b = sub.add_parser("build", help="extract reports into a graph")
    b.add_argument("reports", nargs="*", help="report files or directories (default data/reports)")
    b.add_argument("--out", help="output directory (default build/)")
    b.add_argument("--no-views", action="store_true", help="do not write the explorer page (explorer.html)")
    b.add_argument("--explorer-max-reports", type=int, default=None, metavar="N",
                   help="above N reports the explorer page is the corpus overview, each report opened through kg serve "
                        "(default: $KG_EXPLORER_MAX_REPORTS, else %d)" % api.EXPLORER_MAX_REPORTS)
    b.add_argument("--no-open", action="store_true",
                   help="do not open the explorer in a browser (it is never opened in CI or without a display)")
    b.add_argument("--views", help="folder of the explorer page (default: DIR/visualizations/ with --out DIR, "
                   "else visualizations/)")
    b.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    b.add_argument("--rebuild", action="store_true", help="re-extract every report, rebuild the store")
    b.add_argument("--timeout", type=_limit(float), default=api.DEFAULT_REPORT_TIMEOUT, metavar="SECONDS",
                   help=f"time budget of one report: a report not extracted after this long fails, the others are "
                   f"built (default {api.DEFAULT_REPORT_TIMEOUT:g}; 0: no limit)")
    b.add_argument("--max-memory", type=_limit(float), default=api.DEFAULT_REPORT_MEMORY, metavar="MB",
                   help=f"memory budget of one report: a report that needs more fails, the others are built "
                   f"(default {api.DEFAULT_REPORT_MEMORY:g}; 0: no limit)")
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
    _query_limits(q)
    q.add_argument("--allow-service", action="store_true",
                   help="let SERVICE clauses call other SPARQL servers (refused by default: kg works offline)")
    q.set_defaults(func=cmd_query)
    t = sub.add_parser("trace", help="regulation → measure → problem → aspect, or problem N → regulations", parents=[src])
    t.add_argument("what", help="a document title (or part of one), or a problem category number")
    t.add_argument("--report", help="only this report (its id, e.g. zuoxie_2020)")
    t.add_argument("--format", choices=["text", "json"], default="text")
    _query_limits(t)
    t.set_defaults(func=cmd_trace)
    v = sub.add_parser("validate", help="check the graph against the SHACL shapes", parents=[src])
    v.set_defaults(func=cmd_validate)
    vw = sub.add_parser("view", help="open the explorer at one entity's neighbourhood (print its permalink)",
                        parents=[src])
    vw.add_argument("name", help="label, title or IRI (or part of one) of the entity")
    vw.add_argument("--depth", type=_limit(int), default=2, help="hops around the entity (default 2)")
    vw.add_argument("--views", help="the explorer's folder (default: DIR/visualizations/ with --graph DIR, "
                    "else visualizations/); explorer.html is written there if missing")
    vw.add_argument("--no-open", action="store_true",
                    help="only print the link (a browser is never opened in CI or without a display)")
    vw.set_defaults(func=cmd_view)
    ex = sub.add_parser("export", help="write the graph as Turtle, TriG, N-Quads, N-Triples or JSON-LD", parents=[src])
    ex.add_argument("--format", choices=["turtle", "trig", "nquads", "ntriples", "json-ld"], default="trig")
    ex.add_argument("--out", "-o", default="-", help="output file (default: standard output)")
    ex.set_defaults(func=cmd_export)
    st = sub.add_parser("stats", help="counts per type, most connected units, busiest problem categories", parents=[src])
    st.add_argument("--format", choices=["table", "json"], default="table")
    st.add_argument("--top", type=int, default=10)
    st.add_argument("--timeout", type=_limit(float), default=DEFAULT_TIMEOUT, metavar="SECONDS",
                    help=f"stop each counting query after this long (default {DEFAULT_TIMEOUT:g}; 0: no limit)")
    st.add_argument("--max-triples", type=_limit(int), default=api.STATS_MAX_TRIPLES, metavar="N",
                    help=f"beyond N triples give the counts per type alone: the rest reads the whole graph into "
                    f"memory (default {api.STATS_MAX_TRIPLES:,}; 0: no limit)")
    st.set_defaults(func=cmd_stats)
    sv = sub.add_parser("serve", help="serve the views and a read-only SPARQL endpoint on 127.0.0.1", parents=[src])
    sv.add_argument("--port", type=int, default=api.DEFAULT_SERVE_PORT,
                    help=f"port on 127.0.0.1 (default {api.DEFAULT_SERVE_PORT}; 0: any free port)")
    sv.add_argument("--views", help="folder of the pages to serve (default: DIR/visualizations/ with --graph DIR, "
                    "else visualizations/)")
    sv.add_argument("--timeout", type=_limit(float), default=api.DEFAULT_SERVE_TIMEOUT, metavar="SECONDS",
                    help=f"stop each query after this long (default {api.DEFAULT_SERVE_TIMEOUT:g}; 0: no limit)")
    sv.add_argument("--max-rows", type=_limit(int), default=DEFAULT_MAX_ROWS, metavar="N",
                    help=f"answer at most N rows or triples per query (default {DEFAULT_MAX_ROWS:,}; 0: no cap)")
    sv.add_argument("-v", "--verbose", action="store_true", help="log each request on stderr")
    sv.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except api.KgNotFoundError as e:     # a report id, problem number, title or label the build does not have
        _err(str(e))
        return 1
    except KgError as e:
        _err(str(e))
        return 2
    except BrokenPipeError:   # output piped into head / less that closed early
        sys.stderr.close()
        return 0
    except OSError as e:      # a file or folder that cannot be read or written (permissions, a full disk …)
        _err(f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e))
        return 2
    except RuntimeError as e:   # Oxigraph's word for a damaged store (a checksum failure) that no layer caught
        if not is_damage(e):
            raise
        _err(f"a store is damaged ({' '.join(str(e).split())}); run kg build --rebuild")
        return 2
    except KeyboardInterrupt:
        _err("interrupted; nothing half-written was left behind")
        return 130


if __name__ == "__main__":
    sys.exit(main())
