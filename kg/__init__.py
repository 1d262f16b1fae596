"""kg: rectification progress reports (巡视整改进展情况的通报) → a traceable RDF knowledge graph.

``kg.process(path)`` extracts one report; ``kg.build(paths, out_dir)`` builds many into a store.
"""
from kg.api import KgInputError, ReportResult, build, process

__all__ = ["KgInputError", "ReportResult", "build", "process"]
__version__ = "0.1.0"
