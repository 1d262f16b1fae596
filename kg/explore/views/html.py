"""A page payload → one self-contained UTF-8 HTML file: the whole safety story is in this module.

- Every string taken from a document goes into a ``<script type="application/json">`` block with
  ``<``, ``>``, ``&``, U+2028 and U+2029 escaped (:func:`json_for_script`); the page script builds
  the DOM with ``textContent`` only.
- Our template (``templates/``) and the vendored vis-network (``static/vis-network/``) are inlined:
  no external URL, no CDN. The vendored files are checked for anything that could end their
  ``<script>``/``<style>`` block early (:class:`~kg.errors.KgViewError` if they are missing or do).
- A Content-Security-Policy with the hashes of our two scripts (:func:`csp_hash`) forbids any
  network access and any script we did not write (inline event handlers included).
- The template is filled in one pass, so text inserted for one marker is never scanned for another.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from functools import lru_cache

from kg.errors import KgViewError
from kg.resources import package_file

_PACKAGE = "kg.explore.views"
_MARKER = re.compile(r"\{\{KG:([A-Z_]+)\}\}")


def render_html(payload: dict) -> str:
    """Fill our template with the payload (JSON) and the inlined assets."""
    a = _assets()
    title = payload.get("title") or "kg"
    parts = {
        "TITLE": html.escape(title, quote=True),
        "CSP_SCRIPTS": " ".join((csp_hash(a["vis_js"]), csp_hash(a["app_js"]))),
        "VIS_CSS": a["vis_css"],
        "APP_CSS": a["app_css"],
        "VIS_JS": a["vis_js"],
        "APP_JS": a["app_js"],
        "DATA": json_for_script(payload),
    }
    # one pass: text inserted for one marker is never scanned for another
    return _MARKER.sub(lambda m: parts[m.group(1)], a["template"])


def json_for_script(obj) -> str:
    """``obj`` as JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>``,
    ``&``, U+2028, U+2029 and no ``://`` (the file shows no URL, not even of an identifier)."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # "://" occurs only inside strings (a structural ':' is never followed by '/'): "\/" is
    # "/" in JSON, and the file then shows no URL, not even of an identifier (IRI)
    s = s.replace("://", ":\\/\\/")
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def csp_hash(script: str) -> str:
    """The CSP source expression (``'sha256-…'``) that allows exactly the inline ``script``."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    vis_js = _read("static", "vis-network", "vis-network.min.js")
    vis_css = _read("static", "vis-network", "vis-network.css")
    # the only "://" in the vendored files are in the licence comment and string literals
    # (error messages, the SVG namespace): "\/" is "/" there, and no file shows a URL.
    vis_js = vis_js.replace("://", ":\\/\\/")
    # core-js builds '"<script>"+t+"</"+"script>"' (a string literal): keep '<script' out of
    # the page, and drop the source-map comment (devtools would try to load the map)
    vis_js = vis_js.replace('"<script>"', '"\\x3cscript>"')
    vis_js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", vis_js)
    vis_css = vis_css.replace("://", ":\\/\\/")
    for bad in ("</script", "<!--", "<script"):
        if bad in vis_js.lower():
            raise KgViewError(f"vendored vis-network contains {bad!r}")
    if "</style" in vis_css.lower():
        raise KgViewError("vendored vis-network.css contains </style")
    return {
        "template": _read("templates", "view.html"),
        "app_js": _read("templates", "view.js"),
        "app_css": _read("templates", "view.css"),
        "vis_js": vis_js,
        "vis_css": vis_css,
    }


def _read(*parts: str) -> str:
    path = package_file(_PACKAGE, *parts)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise KgViewError(f"view asset {path} cannot be read ({e.strerror or e}); reinstall kg") from e


__all__ = ["render_html", "json_for_script", "csp_hash"]
