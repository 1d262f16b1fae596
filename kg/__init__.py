"""kg: rectification progress reports (巡视整改进展情况的通报) → a traceable RDF knowledge graph.

``kg.process(path)`` extracts one report; ``kg.build(paths, out_dir)`` builds many into a store; the rest
of the API (``query``, ``trace``, ``validate``, ``stats``, ``view``, ``export``) is in :mod:`kg.api`.

Layers, lowest first (a module imports only from its own layer or lower ones):
``errors``, ``resources``, ``fileio``, ``model`` → ``extract`` → ``rdf`` → ``store`` → ``explore`` → ``api`` → ``cli``.
"""
from kg.api import build, export, process, query, stats, trace, validate, view
from kg.errors import KgError, KgInputError, KgQueryError, KgStoreError, KgViewError
from kg.model import ReportResult

__all__ = ["KgError", "KgInputError", "KgQueryError", "KgStoreError", "KgViewError", "ReportResult", "build",
           "export", "process", "query", "stats", "trace", "validate", "view"]
__version__ = "0.1.0"
