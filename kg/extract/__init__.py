"""Extraction: a report file → the typed :class:`~kg.model.Extraction` (see docs/ARCHITECTURE.md), and the
version of the extractor that the build manifest and each report graph record.

:data:`EXTRACTOR_VERSION` (computed once, on first use: ``kg.extract.EXTRACTOR_VERSION`` or
:func:`extractor_version`) is the package version plus a digest of everything that decides how a report
is read into its graph: the files of ``kg/extract/`` (code and lexicons), the data model and the graph
builder, and the versions of the libraries that read inputs. Another digest means reports may be read
differently, so an incremental build re-extracts every report an earlier version built; any edit of
those files counts, comments included (deterministic and cheap: ~1 ms of hashing).

>>> import kg.extract
>>> v = extractor_version()
>>> v == kg.extract.EXTRACTOR_VERSION and "+" in v and len(v.split("+")[1]) == 12
True
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata as _dist_metadata   # (kg.extract.metadata is a submodule)
from pathlib import Path

_HERE = Path(__file__).resolve().parent
#: files outside kg/extract/ that decide a report's graph (paths under kg/)
_ALSO = ("model.py", "rdf/graph.py", "rdf/report.py", "rdf/ntriples.py", "rdf/vocab.py")
#: libraries whose version can change what is read from an input (absent ones count as absent)
_LIBRARIES = ("jieba", "trafilatura", "python-docx", "pdfplumber", "pdfminer.six", "pypdf")


def _sources() -> list[Path]:
    files = [p for p in _HERE.rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and not p.name.startswith(".") and p.suffix not in (".pyc", ".pyo") and not p.name.endswith("~")]
    return sorted(files) + [_HERE.parent / f for f in _ALSO if (_HERE.parent / f).is_file()]


def _version(dist: str) -> str:
    try:
        return _dist_metadata.version(dist)
    except _dist_metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """``{package version}+{12 hex}``: the same for the same code, lexicons and input libraries."""
    h = hashlib.sha256()
    root = _HERE.parent
    for f in _sources():
        h.update(f.relative_to(root).as_posix().encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
    for lib in _LIBRARIES:
        h.update(f"{lib}=={_version(lib)}\0".encode("utf-8"))
    pkg = _version("kg")
    return f"{pkg if pkg != '-' else '0'}+{h.hexdigest()[:12]}"


def __getattr__(name: str) -> str:
    if name == "EXTRACTOR_VERSION":    # computed on first use, not at import (reading metadata takes ~30 ms)
        return extractor_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EXTRACTOR_VERSION", "extractor_version"]
