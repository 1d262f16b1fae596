"""A build's inputs: paths → the report files, a file → its SHA-256, ``out_dir`` ↔ the build manifest.

The manifest (``out_dir/manifest.json``) maps each built report's path to its sha256, report IRI,
mtime_ns, size, warnings, chars and ``extractor`` (the :data:`kg.extract.EXTRACTOR_VERSION` that
extracted it; and ``corrections``, the digest of the user's corrections that applied to it, when some
did), beside the fingerprint of the store it was built into, the extractor version of the last build and
the digest of the reports the merged outputs were last written for. A build of the embedded store also
keeps the manifest of the store it writes inside that store (:data:`STORE_MANIFEST`, with the store it
started from), so that a build killed before it switched stores can be resumed.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable

from kg.errors import KgInputError
from kg.extract.corrections import fingerprint
from kg.extract.sources import INPUT_SUFFIXES
from kg.fileio import atomic_write

MANIFEST = "manifest.json"
STORE_MANIFEST = "kg-manifest.json"
MANIFEST_VERSION = 1


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given, directories → their report files (sorted): every suffix `kg` reads (.txt, .html,
    .htm, .mhtml, .mht, .docx, .pdf; any case) and those it refuses with a message (.doc, .wps), not Word's
    ``~$…`` owner files; duplicates removed."""
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files = sorted(q for q in p.iterdir() if q.suffix.lower() in INPUT_SUFFIXES
                           and not q.name.startswith("~$") and q.is_file())
        elif p.is_file():
            files = [p]
        elif p.exists():      # a named pipe, socket or device: never opened, it could block or be endless
            raise KgInputError(f"{p}: not a regular file (a pipe, socket or device); give a report file")
        else:
            raise KgInputError(f"{p}: no such file or directory")
        for f in files:
            r = f.resolve()
            if r not in seen:
                seen.add(r)
                out.append(r)
    return out


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path``, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def corrections_digest(path: Path) -> str:
    """The digest of the corrections (``kg-corrections.toml`` beside the report) that apply to the report
    at ``path``, "" when none do: a report whose digest changed is extracted again."""
    return fingerprint(path)


def empty_manifest(store: str | None = None) -> dict:
    """A manifest with no reports, for the store with fingerprint ``store``.

    >>> empty_manifest()
    {'version': 1, 'store': None, 'reports': {}, 'outputs': None}
    """
    return {"version": MANIFEST_VERSION, "store": store, "reports": {}, "outputs": None}


def load_manifest(out_dir: Path, name: str = MANIFEST) -> dict:
    """The build manifest in ``out_dir``; an empty one when it is missing, damaged or of another version."""
    p = Path(out_dir) / name
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
        if doc.get("version") == MANIFEST_VERSION and isinstance(doc.get("reports"), dict):
            return doc
    except (OSError, ValueError):
        pass
    return empty_manifest()


def save_manifest(out_dir: Path, doc: dict, name: str = MANIFEST) -> None:
    """Write the build manifest ``doc`` into ``out_dir`` (atomically, keys sorted)."""
    atomic_write(Path(out_dir) / name, json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True))


__all__ = ["MANIFEST", "MANIFEST_VERSION", "STORE_MANIFEST", "corrections_digest", "empty_manifest", "expand_paths",
           "file_sha256", "load_manifest", "save_manifest"]
