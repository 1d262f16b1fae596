"""The ontology (``ontology/kg.ttl``) and its SHACL shapes (``ontology/shapes.ttl``), read one way.

>>> ontology_nt().startswith(b"<")
True
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgStoreError
from kg.resources import ontology_file


def ontology_path(name: str = "kg.ttl") -> Path:
    """Path of an ontology file (``kg.ttl``, ``shapes.ttl``); see :func:`kg.resources.ontology_file`."""
    return ontology_file(name)


def ontology_nt(path: str | os.PathLike | None = None) -> bytes:
    """The ontology (``path``, default ``kg.ttl``) as N-Triples bytes, for loading into a store."""
    p = Path(path) if path else ontology_path()
    try:
        return ox.serialize(ox.parse(path=str(p), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES) or b""
    except SyntaxError as e:
        raise KgStoreError(f"ontology {p} is not valid Turtle: {e}") from e


@lru_cache(maxsize=None)
def ontology_graph():
    """The full ontology ``kg.ttl`` as an rdflib graph (do not modify the returned graph)."""
    from rdflib import Graph   # imported here: rdflib is slow to import
    return Graph().parse(ontology_path("kg.ttl"), format="turtle")


@lru_cache(maxsize=None)
def shapes_graph():
    """The SHACL shapes ``shapes.ttl`` as an rdflib graph (do not modify the returned graph)."""
    from rdflib import Graph
    return Graph().parse(ontology_path("shapes.ttl"), format="turtle")


__all__ = ["ontology_path", "ontology_nt", "ontology_graph", "shapes_graph"]
