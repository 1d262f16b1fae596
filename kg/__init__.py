"""kg: rectification progress reports (巡视整改进展情况的通报) → a traceable RDF knowledge graph.

``kg.process(path)`` extracts one report; ``kg.build(paths, out_dir)`` builds many into a store; the rest
of the API (``query``, ``trace``, ``validate``, ``stats``, ``view``, ``export``) is in :mod:`kg.api`.

Layers, lowest first (a module imports only from its own layer or lower ones):
``errors``, ``resources``, ``fileio``, ``model`` → ``extract`` → ``rdf`` → ``store`` → ``explore`` → ``api`` → ``cli``.
"""
#: kg's version (also ``kg --version``); pyproject.toml's ``version`` is the same (a test compares them)
__version__ = "0.1.0"

from kg.api import build, export, process, query, stats, trace, validate, view  # noqa: E402
from kg.errors import KgError, KgInputError, KgNotFoundError, KgQueryError, KgStoreError, KgViewError  # noqa: E402
from kg.model import ReportResult  # noqa: E402

__all__ = ["KgError", "KgInputError", "KgNotFoundError", "KgQueryError", "KgStoreError", "KgViewError",
           "ReportResult", "build", "export", "process", "query", "stats", "trace", "validate", "view", "__version__"]
