"""The explorer page: one self-contained, offline UTF-8 HTML file; the whole safety story is here.

- The page model (:mod:`.model`) goes into a ``<script type="application/json">`` block through
  :func:`json_for_script` (``<``, ``>``, ``&``, U+2028, U+2029 and ``://`` escaped); the page script builds
  the DOM with ``textContent`` only.
- The build's graph (N-Quads) and Oxigraph's WebAssembly are embedded gzip-compressed, base64-encoded, in
  ``<script type="application/octet-stream">`` blocks (data, never run); the page inflates them with the
  browser's ``DecompressionStream``: no request, so the page works from ``file://``.
- Oxigraph's ``web.js`` (an ES module) is turned into a classic script by a fixed set of checked edits
  (:func:`_oxigraph_classic`) and put in a ``<script type="text/plain">`` block (data, never run in the page:
  ``engine.js`` reads its text into the ``blob:`` Web Worker that runs the queries); vis-network is inlined
  from its one vendored copy in ``static/vis-network/`` (licence banner kept); a vendored file that is missing or could end its block early is a :class:`KgViewError`.
- Oxigraph (its script and its WebAssembly) is in a page only when the page queries its embedded graph: a
  page whose graph is not embedded (the corpus page, a graph too large) queries through ``kg serve`` and
  holds neither.
- A Content-Security-Policy allows our scripts and styles by hash (:func:`csp_hash`), and, only in a page with
  the engine, WebAssembly compilation (``'wasm-unsafe-eval'``, which the worker inherits) and the query
  engine's worker from ``blob:`` (``worker-src blob:``; else ``'none'``), images from ``data:``/``blob:`` (PNG export), requests to the page's own origin
  only (``connect-src 'self'``: ``/api/source`` and ``/sparql`` of ``kg serve``; opened from ``file://`` the
  page makes none) and nothing else.
- The template is filled in one pass, so text inserted for one marker is never scanned for another.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import re
from functools import lru_cache
from pathlib import Path

from kg.errors import KgViewError
from kg.explore.explorer.network import from_network, to_network
from kg.resources import package_file

_PACKAGE = "kg.explore.explorer"
_MARKER = re.compile(r"\{\{KG:([A-Z_]+)\}\}")
#: our scripts, in the order they run (one inline <script> for all, after the libraries)
APP_SCRIPTS = ("util.js", "layout.js", "graph.js", "engine.js", "sparql.js", "corpus.js", "source.js", "trace.js",
               "app.js")
#: the versions embedded (kept in step with pyoxigraph; see static/oxigraph/README.md)
OXIGRAPH_NPM = "0.5.11"
VIS_NETWORK = "9.1.2"


def render_page(model: dict, nquads: bytes, fingerprint: str = "") -> str:
    """The explorer's HTML for ``model`` (see :func:`kg.explore.explorer.model.build_model`) and the
    graph ``nquads`` the page queries (empty: not embedded). ``fingerprint`` identifies the build. The
    model's nodes and edges go into the page through a pyvis ``Network`` (:mod:`.network`)."""
    a = _assets()
    nodes, edges = from_network(to_network(model))
    model = {**model, "nodes": nodes, "edges": edges}
    app_css, vis_css = a["app_css"], a["vis_css"]
    graph_b64 = base64.b64encode(gzip.compress(nquads, compresslevel=9, mtime=0)).decode("ascii") if nquads else ""
    # the SPARQL engine only where the page queries its embedded graph: a page whose graph is not embedded
    # (the corpus page, a graph above EMBED_MAX_BYTES) queries through kg serve and holds no wasm (~1.9 MB)
    engine = model.get("embedded") is not False
    scripts = (a["vis_js"], a["app_js"])   # Oxigraph's script is data (text/plain) read by the worker
    parts = {
        "TITLE": html.escape(model.get("title") or "kg", quote=True),
        "CSP_SCRIPTS": " ".join([csp_hash(js) for js in scripts] + (["'wasm-unsafe-eval'"] if engine else [])),
        "CSP_STYLES": " ".join((csp_hash(vis_css), csp_hash(app_css))),
        "VIS_CSS": vis_css,
        "APP_CSS": app_css,
        "VIS_JS": a["vis_js"],
        "CSP_WORKER": "blob:" if engine else "'none'",
        "ENGINE": (f'<script type="application/octet-stream" id="kg-wasm">{a["wasm_b64"]}</script>\n'
                   f'<script type="text/plain" id="kg-oxigraph">{a["ox_js"]}</script>\n') if engine else "",
        "APP_JS": a["app_js"],
        "GRAPH": graph_b64,
        "MODEL": json_for_script(model),
        "VERSIONS": f"kg explorer (vis-network {VIS_NETWORK}, oxigraph {OXIGRAPH_NPM}; Apache-2.0 OR MIT)",
        "SOURCE": html.escape(full_fingerprint(fingerprint) if fingerprint else "", quote=True),
    }
    return _MARKER.sub(lambda m: parts[m.group(1)], a["template"])


def json_for_script(obj) -> str:
    """``obj`` as JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>``,
    ``&``, U+2028, U+2029 and no ``://`` (the file shows no URL, not even of an identifier).

    >>> json_for_script({"a": "</script>&://"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u0026:\\\\/\\\\/"}'
    """
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # "://" occurs only inside strings (a structural ':' is never followed by '/'): "\/" is "/" in JSON
    s = s.replace("://", ":\\/\\/")
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def csp_hash(script: str) -> str:
    """The CSP source expression (``'sha256-…'``) that allows exactly the inline ``script`` (or style)."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    vis_js = _read(_PACKAGE, "static", "vis-network", "vis-network.min.js")
    vis_css = _read(_PACKAGE, "static", "vis-network", "vis-network.css")
    # the only "://" in the vendored files are in the licence comment and string literals (error messages,
    # the SVG namespace), where "\/" is "/": no literal URL in the page. core-js builds
    # '"<script>"+t+"</"+"script>"' (a string literal): keep '<script' out of the page, and drop the
    # source-map comment (devtools would try to load the map)
    vis_js = vis_js.replace("://", ":\\/\\/").replace('"<script>"', '"\\x3cscript>"')
    vis_js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", vis_js)
    vis_css = vis_css.replace("://", ":\\/\\/")
    ox_js = _oxigraph_classic(_read(_PACKAGE, "static", "oxigraph", "web.js"))
    wasm_gz = _bytes(_PACKAGE, "static", "oxigraph", "web_bg.wasm.gz")
    app_js = "\n".join(_read(_PACKAGE, "templates", f) for f in APP_SCRIPTS)
    app_css = _read(_PACKAGE, "templates", "explorer.css")
    for name, js in (("vis-network", vis_js), ("oxigraph web.js", ox_js), ("explorer scripts", app_js)):
        low = js.lower()
        for bad in ("</script", "<!--", "<script"):
            if bad in low:
                raise KgViewError(f"{name} contains {bad!r}")
    for name, css in (("vis-network.css", vis_css), ("explorer.css", app_css)):
        if "</style" in css.lower():
            raise KgViewError(f"{name} contains </style")
    template = _read(_PACKAGE, "templates", "explorer.html")
    digest = hashlib.sha256("\0".join((template, vis_js, vis_css, ox_js, app_js, app_css)).encode("utf-8") + wasm_gz)
    return {
        "template": template,
        "vis_js": vis_js, "vis_css": vis_css, "ox_js": ox_js, "app_js": app_js, "app_css": app_css,
        "wasm_b64": base64.b64encode(wasm_gz).decode("ascii"), "digest": digest.hexdigest()[:16],
    }


#: (pattern, replacement, how many times it must match) turning wasm-bindgen's ES module into a classic
#: script that defines ``self.kgOxigraph`` (in the engine's worker) and never fetches (the wasm bytes are passed
#: in by the page)
_OX_EDITS = [
    (r"^export class (\w+)", r"class \1", None),
    (r"^export function (\w+)", r"function \1", None),
    (r"new URL\('web_bg\.wasm', import\.meta\.url\)", "undefined", 1),
    (r"module_or_path = fetch\(module_or_path\);", "throw new Error('kg: no network');", 1),
    (r"^export \{ initSync, __wbg_init as default \};\s*$",
     "self.kgOxigraph = { init: __wbg_init, initSync: initSync, Store: Store, namedNode: namedNode, "
     "literal: literal, quad: quad, triple: triple, parse: parse };\n", 1),
]


def _oxigraph_classic(js: str) -> str:
    for pat, rep, count in _OX_EDITS:
        js, n = re.subn(pat, rep, js, flags=re.M)
        if n == 0 or (count is not None and n != count):
            raise KgViewError(f"vendored oxigraph web.js: expected edit {pat!r} matched {n} times; "
                              "the vendored version changed (see static/oxigraph/README.md)")
    if re.search(r"^\s*(?:export|import)\b|import\.meta|\bfetch\(", js, flags=re.M):
        raise KgViewError("vendored oxigraph web.js still has module syntax or a fetch")
    js = js.replace("://", ":\\/\\/")
    return "(function () {\n\"use strict\";\n" + js + "\n})();\n"


def full_fingerprint(build: str) -> str:
    """The build's fingerprint joined with this kg's page code (templates, vendored files)."""
    return build + "." + _assets()["digest"]


def page_fingerprint(path) -> str | None:
    """The fingerprint an explorer page was written for (its ``kg-source`` meta), or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    m = re.search(r'<meta name="kg-source" content="([^"]*)">', head)
    return m.group(1) if m and m.group(1) else None


def read_model(path) -> dict:
    """The page model embedded in the explorer page at ``path`` (what the page shows: nodes, reports, …).
    :class:`KgViewError` when the file is not an explorer page."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise KgViewError(f"{path}: cannot be read as an explorer page ({e})") from e
    m = re.search(r'<script type="application/json" id="kg-model">(.*?)</script>', text, flags=re.S)
    if not m:
        raise KgViewError(f"{path}: not an explorer page (no page model); run kg build again")
    return json.loads(m.group(1))


def wasm_sha256() -> str:
    """sha256 of the embedded (decompressed) ``web_bg.wasm``: the npm package's file."""
    return hashlib.sha256(gzip.decompress(_bytes(_PACKAGE, "static", "oxigraph", "web_bg.wasm.gz"))).hexdigest()


def _read(package: str, *parts: str) -> str:
    path = package_file(package, *parts)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise KgViewError(f"explorer asset {path} cannot be read ({e.strerror or e}); reinstall kg") from e


def _bytes(package: str, *parts: str) -> bytes:
    path = package_file(package, *parts)
    try:
        return path.read_bytes()
    except OSError as e:
        raise KgViewError(f"explorer asset {path} cannot be read ({e.strerror or e}); reinstall kg") from e


__all__ = ["render_page", "read_model", "json_for_script", "csp_hash", "wasm_sha256", "full_fingerprint", "page_fingerprint", "APP_SCRIPTS", "OXIGRAPH_NPM", "VIS_NETWORK"]
