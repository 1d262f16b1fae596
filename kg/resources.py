"""Files shipped with `kg`, found one way: named queries, lexicons, templates, vendored JavaScript
(inside the package, through :mod:`importlib.resources`) and the ontology (``ontology/`` at the top of a
source checkout, ``kg/ontology/`` in an installed package).

>>> package_file("kg.explore.queries", "report.rq").name
'report.rq'
>>> ontology_file("kg.ttl").name
'kg.ttl'
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def package_file(package: str, *parts: str) -> Path:
    """The file ``parts`` inside ``package`` (a dotted package name such as ``kg.explore.queries``)."""
    return Path(str(resources.files(package).joinpath(*parts)))


def package_files(package: str, suffix: str) -> list[Path]:
    """The files of ``package`` whose names end with ``suffix``, sorted by name."""
    root = resources.files(package)
    return sorted((Path(str(p)) for p in root.iterdir() if p.name.endswith(suffix)), key=lambda p: p.name)


def ontology_file(name: str) -> Path:
    """An ontology file (``kg.ttl``, ``shapes.ttl``): the copy packaged as ``kg/ontology/`` when installed,
    else ``<checkout>/ontology/``. Raises :class:`FileNotFoundError` naming the places looked in."""
    tried = [_PACKAGE_DIR / "ontology" / name, _PACKAGE_DIR.parent / "ontology" / name]
    for p in tried:
        if p.is_file():
            return p
    raise FileNotFoundError(f"ontology file {name!r} not found; looked in: " + ", ".join(map(str, tried)))


__all__ = ["package_file", "package_files", "ontology_file"]
