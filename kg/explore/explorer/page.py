"""The explorer page: one self-contained, offline UTF-8 HTML file; the whole safety story is here.

- The page model (:mod:`.model`) goes into a ``<script type="application/json">`` block through the views'
  :func:`~kg.explore.views.html.json_for_script` (``<``, ``>``, ``&``, U+2028, U+2029 and ``://`` escaped);
  the page script builds the DOM with ``textContent`` only.
- The build's graph (N-Quads) and Oxigraph's WebAssembly are embedded gzip-compressed, base64-encoded, in
  ``<script type="application/octet-stream">`` blocks (data, never run); the page inflates them with the
  browser's ``DecompressionStream``: no request, so the page works from ``file://``.
- Oxigraph's ``web.js`` (an ES module) is turned into a classic script by a fixed set of checked edits
  (:func:`_oxigraph_classic`); vis-network is read from its one vendored copy in ``kg/explore/views/static``.
- A Content-Security-Policy allows our scripts and styles by hash, WebAssembly compilation
  (``'wasm-unsafe-eval'``), images from ``data:``/``blob:`` (PNG export), requests to the page's own origin
  only (``connect-src 'self'``: ``/api/source`` and ``/sparql`` of ``kg serve``; opened from ``file://`` the
  page makes none) and nothing else.
- The template is filled in one pass, so text inserted for one marker is never scanned for another.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import html
import re
from functools import lru_cache

from kg.errors import KgViewError
from kg.explore.views.html import csp_hash, json_for_script
from kg.resources import package_file

_PACKAGE = "kg.explore.explorer"
_MARKER = re.compile(r"\{\{KG:([A-Z_]+)\}\}")
#: our scripts, in the order they run (one inline <script> for all, after the libraries)
APP_SCRIPTS = ("util.js", "layout.js", "graph.js", "sparql.js", "source.js", "trace.js", "app.js")
#: the versions embedded (kept in step with pyoxigraph; see static/oxigraph/README.md)
OXIGRAPH_NPM = "0.5.11"
VIS_NETWORK = "9.1.2"


def render_page(model: dict, nquads: bytes, fingerprint: str = "") -> str:
    """The explorer's HTML for ``model`` (see :func:`kg.explore.explorer.model.build_model`) and the
    graph ``nquads`` the page queries (empty: not embedded). ``fingerprint`` identifies the build."""
    a = _assets()
    app_css, vis_css = a["app_css"], a["vis_css"]
    graph_b64 = base64.b64encode(gzip.compress(nquads, compresslevel=9, mtime=0)).decode("ascii") if nquads else ""
    parts = {
        "TITLE": html.escape(model.get("title") or "kg", quote=True),
        "CSP_SCRIPTS": " ".join((csp_hash(a["vis_js"]), csp_hash(a["ox_js"]), csp_hash(a["app_js"]))),
        "CSP_STYLES": " ".join((csp_hash(vis_css), csp_hash(app_css))),
        "VIS_CSS": vis_css,
        "APP_CSS": app_css,
        "VIS_JS": a["vis_js"],
        "OX_JS": a["ox_js"],
        "APP_JS": a["app_js"],
        "WASM": a["wasm_b64"],
        "GRAPH": graph_b64,
        "MODEL": json_for_script(model),
        "VERSIONS": f"kg explorer (vis-network {VIS_NETWORK}, oxigraph {OXIGRAPH_NPM}; Apache-2.0 OR MIT)",
        "SOURCE": html.escape(full_fingerprint(fingerprint) if fingerprint else "", quote=True),
    }
    return _MARKER.sub(lambda m: parts[m.group(1)], a["template"])


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    vis_js = _read("kg.explore.views", "static", "vis-network", "vis-network.min.js")
    vis_css = _read("kg.explore.views", "static", "vis-network", "vis-network.css")
    # as in kg.explore.views.html: no literal URL in the page, nothing that ends a <script> early
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
#: script that defines ``window.kgOxigraph`` and never fetches (the wasm bytes are passed in by the page)
_OX_EDITS = [
    (r"^export class (\w+)", r"class \1", None),
    (r"^export function (\w+)", r"function \1", None),
    (r"new URL\('web_bg\.wasm', import\.meta\.url\)", "undefined", 1),
    (r"module_or_path = fetch\(module_or_path\);", "throw new Error('kg: no network');", 1),
    (r"^export \{ initSync, __wbg_init as default \};\s*$",
     "window.kgOxigraph = { init: __wbg_init, initSync: initSync, Store: Store, namedNode: namedNode, "
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


__all__ = ["render_page", "wasm_sha256", "full_fingerprint", "page_fingerprint", "APP_SCRIPTS", "OXIGRAPH_NPM", "VIS_NETWORK"]
