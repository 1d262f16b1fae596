"""Every SPARQL query `kg` runs is checked here first, and user queries run within a time limit and a row cap.

:func:`check` reads a query twice, and refuses it when either reading says so:

- a tokenizer that follows the SPARQL 1.1 terminals (strings, IRIs, comments, prefixed names with their
  escapes, ``\\uXXXX`` code points) and looks at the keywords outside strings, IRIs and comments;
- rdflib's SPARQL 1.1 parser, whose parse tree says the query form, ``SERVICE`` clauses and dataset clauses.

It refuses updates (the graph is read-only: it is made from the reports by ``kg build``), ``SERVICE`` (kg
works offline: a query never calls another server unless the caller allows it) and ``FROM`` / ``FROM NAMED``
(every query runs on the union of all report graphs; the rdflib backend would otherwise download the
graph named by ``FROM``). The answer is cached by query text. Every store (embedded, SPARQL server, rdflib
in memory) calls :func:`check` before it runs anything.

:func:`run` runs a query on a store that it opens in a child process, so that the query can be stopped
at any moment (Oxigraph has no timeout of its own, and a query may spend its time in Rust): past the
time limit the child is killed and :class:`~kg.errors.KgQueryError` says so; a child outlives neither its
parent nor a CPU budget.

>>> check("SELECT ?s WHERE { ?s ?p ?o }").form
'select'
>>> check("DROP ALL")
Traceback (most recent call last):
...
kg.errors.KgQueryError: DROP refused: the graph is read-only (kg runs SELECT, ASK, CONSTRUCT and DESCRIBE queries only); change it by editing the reports (or kg-corrections.toml) and running kg build, or kg build --rebuild
"""
from __future__ import annotations

import ctypes
import functools
import math
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass

from kg.errors import KgError, KgQueryError

#: seconds a ``kg query`` may run (``--timeout``; 0 or None: no limit)
DEFAULT_TIMEOUT = 30.0
#: rows (or triples) a ``kg query`` answer may have (``--max-rows``; 0 or None: no cap)
DEFAULT_MAX_ROWS = 100_000

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

#: the rows a child sends per message
_CHUNK = 2000
#: recursion limit while rdflib parses (its grammar recurses per triple pattern and per nested group)
_PARSE_RECURSION = 20_000
#: one parse at a time: the recursion limit is the process's (a new lock in a forked child)
_PARSE_LOCK = threading.Lock()


def _new_parse_lock() -> None:
    global _PARSE_LOCK
    _PARSE_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_parse_lock)


@dataclass(frozen=True)
class Checked:
    """What :func:`check` found: the query form (``select``, ``ask``, ``construct``, ``describe``), the
    ``SERVICE`` targets (IRIs, or ``?var``) and whether it is ``SELECT *``."""

    form: str
    services: tuple[str, ...] = ()
    #: ``SELECT *`` (its variables in the order they appear)
    star: bool = False


def read_only_message(keyword: str) -> str:
    return (f"{keyword} refused: the graph is read-only (kg runs SELECT, ASK, CONSTRUCT and DESCRIBE queries only); "
            "change it by editing the reports (or kg-corrections.toml) and running kg build, or kg build --rebuild")


def service_message(target: str) -> str:
    return (f"SERVICE {target} refused: kg works offline and a query does not call other servers; "
            "kg query --allow-service (allow_service=True in the API) lets one query call them; kg serve never does")


def dataset_message(keyword: str) -> str:
    return (f"{keyword} is not supported: every query runs on the union of all report graphs (the named graphs are "
            "the report IRIs); use GRAPH <report IRI> { … } in the WHERE clause, or --report ID")


def timeout_message(seconds: float, opening: bool = False) -> str:
    what = "opening the graph" if opening else "query"
    return (f"{what} stopped after {_secs(seconds)} s (the time limit): narrow the query (LIMIT, a more selective "
            "pattern, --report ID) or raise --timeout")


def cap_message(rows: int, unit: str = "row") -> str:
    """The note for an answer cut at the row cap (``kg query`` prints it on stderr).

    >>> cap_message(1000)
    'only the first 1,000 rows are shown (the row cap): add LIMIT or narrow the query, or raise --max-rows'
    """
    return (f"only the first {rows:,} {unit}{'' if rows == 1 else 's'} are shown (the row cap): add LIMIT or "
            "narrow the query, or raise --max-rows")


def _secs(s: float) -> str:
    return f"{s:g}"


# -- the tokenizer

_ESCAPES = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PN_LOCAL_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_TOKEN = re.compile(
    r"""(?P<comment>\#[^\r\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                  |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
      | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
      | (?P<pname>(?:[^\W\d][\w.\-\u00B7]*)?:(?:[\w:%.\-\u00B7]|""" + _PN_LOCAL_ESC + r""")*)
      | (?P<word>[^\W\d]\w*)
      | (?P<other>\s+|.)""",
    re.X | re.S)


def _expand(sparql: str) -> str:
    """``\\uXXXX`` and ``\\UXXXXXXXX`` code points, replaced before the query is read (SPARQL 1.1, 19.2)."""
    def sub(m: re.Match) -> str:
        cp = int(m.group(1) or m.group(2), 16)
        return chr(cp) if cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF else m.group(0)
    return _ESCAPES.sub(sub, sparql) if "\\" in sparql else sparql


def keywords(sparql: str) -> list[tuple[str, str]]:
    """The keywords of a query outside strings, IRIs and comments, upper-cased, each with the token after it
    (``SILENT`` skipped; ``""`` at the end).

    >>> keywords('SELECT * { ?s ?p "SERVICE" } # SERVICE <x>')
    [('SELECT', '*')]
    >>> keywords('ASK { SERVICE SILENT <http://x/> { } FILTER(?x != kgo:delete) }')
    [('ASK', '{'), ('SERVICE', '<http://x/>'), ('SILENT', '<http://x/>'), ('FILTER', '(')]
    """
    toks: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(_expand(sparql)):
        kind = m.lastgroup
        if kind == "comment" or (kind == "other" and m.group().isspace()):
            continue
        toks.append((kind, m.group()))
    out = []
    for i, (kind, text) in enumerate(toks):
        if kind == "word":
            j = i + 1
            while j < len(toks) and toks[j][1].upper() == "SILENT":
                j += 1
            out.append((text.upper(), toks[j][1] if j < len(toks) else ""))
    return out


def _first_form(kws: list[tuple[str, str]]) -> str | None:
    """The first keyword after the prologue (``BASE`` and ``PREFIX`` declarations)."""
    for kw, _ in kws:
        if kw not in ("BASE", "PREFIX"):
            return kw
    return None


def looks_like_sparql(text: str) -> bool:
    """Whether ``text`` is meant as SPARQL (a query or an update), not a query name or a file name."""
    first = _first_form(keywords(text))
    return first in QUERY_FORMS or first in UPDATE_KEYWORDS


# -- rdflib's parse tree

def _walk(tree):
    """Every node of an rdflib parse tree (CompValues, lists), depth first, without recursion."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def _rdflib_parse(sparql: str):
    """(``"query"``, tree) or (``"update"``, tree); raises KgQueryError on a syntax error."""
    from rdflib.plugins.sparql import parser   # heavy (pyparsing grammar): only when a query is checked

    with _PARSE_LOCK:
        return _parse_raised(parser, sparql)


def _parse_raised(parser, sparql: str):
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, _PARSE_RECURSION))
    try:
        try:
            return "query", parser.parseQuery(sparql)
        except RecursionError:
            raise KgQueryError("invalid SPARQL: the query is nested too deeply to be checked; split it up") from None
        except Exception as e:   # pyparsing's ParseException (and ValueError for bad escapes)
            first = e
        try:
            return "update", parser.parseUpdate(sparql)
        except Exception:
            pass
        msg = " ".join(str(first).split())
        raise KgQueryError(f"invalid SPARQL: {msg[:300]}") from None
    finally:
        sys.setrecursionlimit(old)


def _analyse(sparql: str) -> Checked:
    precheck(sparql)
    kws = keywords(sparql)
    kind, tree = _rdflib_parse(sparql)
    if kind == "update":
        raise KgQueryError(read_only_message(next((kw for kw, _ in kws if kw in UPDATE_KEYWORDS), "the update")))
    query = tree[1]
    form = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "construct",
            "DescribeQuery": "describe"}.get(getattr(query, "name", ""), "select")
    for clause in getattr(query, "datasetClause", None) or ():
        raise KgQueryError(dataset_message("FROM NAMED" if getattr(clause, "named", None) is not None else "FROM"))
    # SERVICE as the tokenizer reads it, and as the parser does: either is refused
    services = [nxt or "…" for kw, nxt in kws if kw == "SERVICE"]
    if not services and any(getattr(n, "name", None) == "ServiceGraphPattern" for n in _walk(tree)):
        services = ["…"]
    star = form == "select" and getattr(query, "projection", None) is None
    return Checked(form, tuple(services), star)


@functools.lru_cache(maxsize=512)
def _cached(sparql: str) -> Checked | str:
    try:
        return _analyse(sparql)
    except KgQueryError as e:
        return str(e)


def check(sparql: str, allow_service: bool = False) -> Checked:
    """Check a query before it runs anywhere (see the module): raises :class:`KgQueryError` with a one-line
    message for a syntax error, an update, ``FROM``/``FROM NAMED``, or ``SERVICE`` unless ``allow_service``."""
    found = _cached(sparql)
    if isinstance(found, str):
        raise KgQueryError(found)
    if found.services and not allow_service:
        raise KgQueryError(service_message(found.services[0]))
    return found


def precheck(sparql: str) -> None:
    """The tokenizer's part of :func:`check` (fast, linear): refuse updates and dataset clauses with their own
    messages before anything else is said about the query."""
    kws = keywords(sparql)
    first = _first_form(kws)
    if first in UPDATE_KEYWORDS:
        raise KgQueryError(read_only_message(first))
    for kw, nxt in kws:
        if kw == "FROM":
            raise KgQueryError(dataset_message("FROM NAMED" if nxt.upper() == "NAMED" else "FROM"))


# -- running within limits

def limit(value: float | int | None) -> float | int | None:
    """``0``, negative or ``None`` → no limit."""
    return value if value and value > 0 else None


def run(open_store, open_args: tuple, sparql: str, *, timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = DEFAULT_MAX_ROWS, allow_service: bool = False, prepare=None, as_json: bool = False):
    """Open a store with ``open_store(*open_args)``, call ``prepare(store)`` (if given: e.g. a check that
    raises) and run ``sparql`` on it: a :class:`~kg.store.results.QueryResult` of at most ``max_rows``
    rows (``truncated`` when cut). ``as_json``: a SELECT answer may come as W3C JSON bytes written by the
    store (``json_bytes``, no ``rows``) when the store can (``query_json``): what ``kg serve`` sends.

    With a ``timeout`` the store is opened and queried in a child process, which is killed when the time
    is up (opening and querying have ``timeout`` seconds each): :class:`KgQueryError` says so. Errors of
    the child are raised here as they were raised there."""
    timeout, max_rows = limit(timeout), limit(max_rows)
    precheck(sparql)
    if timeout is None:
        with open_store(*open_args) as store:
            if prepare is not None:
                prepare(store)
            return _query(store, as_json)(sparql, max_rows=max_rows, allow_service=allow_service)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, name="kg-query", daemon=True,
                       args=(send, os.getpid(), open_store, open_args, prepare, sparql, timeout, max_rows,
                             allow_service, as_json))
    proc.start()
    send.close()
    try:
        return _receive(recv, proc, timeout)
    finally:
        recv.close()
        if proc.is_alive():
            proc.kill()
        proc.join()


def _receive(recv, proc, timeout: float):
    deadline = time.monotonic() + timeout
    opening = True
    head, rows = None, []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not recv.poll(left):
            proc.kill()
            raise KgQueryError(timeout_message(timeout, opening))
        try:
            kind, payload = recv.recv()
        except (EOFError, OSError):
            proc.join(5)
            code = proc.exitcode
            why = (f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}")
            raise KgQueryError(f"the query process ended before answering ({why}; out of memory or CPU time?): "
                               "narrow the query or lower --max-rows") from None
        if kind == "open":
            opening, deadline = False, time.monotonic() + timeout
        elif kind == "head":
            head = payload
        elif kind == "rows":
            rows.extend(payload)
        elif kind == "done":
            head.rows = rows
            return head
        elif kind == "error":
            raise payload
        else:   # "crash": a bug, shown with its traceback as any other
            raise RuntimeError(f"the query process failed:\n{payload}")


def _die_with_parent(parent: int, timeout: float) -> None:
    """The child ends when its parent ends (Linux), and past a CPU budget everywhere."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
        except (OSError, AttributeError):   # pragma: no cover
            pass
    if os.getppid() != parent:
        os._exit(1)
    try:
        import resource
        cpu = int(math.ceil(timeout)) * 2 + 30
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard == resource.RLIM_INFINITY or hard > cpu:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
    except (ImportError, ValueError, OSError):   # pragma: no cover (no resource module on Windows)
        pass


def _query(store, as_json: bool):
    """The store's ``query``, or its ``query_json`` when asked for and it has one."""
    return (getattr(store, "query_json", None) if as_json else None) or store.query


def _child(conn, parent, open_store, open_args, prepare, sparql, timeout, max_rows, allow_service,
           as_json=False) -> None:
    try:
        _die_with_parent(parent, timeout)
        with open_store(*open_args) as store:
            conn.send(("open", None))
            if prepare is not None:
                prepare(store)
            res = _query(store, as_json)(sparql, max_rows=max_rows, allow_service=allow_service, timeout=timeout)
        rows, res.rows = res.rows, []
        conn.send(("head", res))
        for i in range(0, len(rows), _CHUNK):
            conn.send(("rows", rows[i:i + _CHUNK]))
        conn.send(("done", None))
    except KgError as e:
        _send(conn, ("error", type(e)(str(e))))
    except (KeyboardInterrupt, BrokenPipeError):
        pass
    except BaseException:
        _send(conn, ("crash", traceback.format_exc()))
    finally:
        conn.close()


def _send(conn, msg) -> None:
    try:
        conn.send(msg)
    except (OSError, ValueError):   # the parent is gone
        pass


__all__ = ["DEFAULT_TIMEOUT", "DEFAULT_MAX_ROWS", "Checked", "check", "precheck", "looks_like_sparql", "keywords",
           "run", "limit", "read_only_message", "service_message", "dataset_message", "timeout_message",
           "cap_message"]
