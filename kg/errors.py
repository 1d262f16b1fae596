"""The errors `kg` raises on purpose: one tree under :class:`KgError`.

Each message is one line that names the file, store or query and the problem, and says what to do when
there is something to do. The CLI prints it after ``kg: error:`` and exits with code 2.

>>> issubclass(KgQueryError, KgError) and issubclass(KgQueryError, ValueError)
True
"""
from __future__ import annotations


class KgError(Exception):
    """Base class of every error `kg` raises on purpose (CLI exit code 2)."""


class KgInputError(KgError):
    """Bad input: a report file, a query file, an option (the message names the file and the problem)."""


class KgStoreError(KgError):
    """A store cannot be used: in use, damaged, unreachable … (the message says how to recover)."""


class KgQueryError(KgError, ValueError):
    """A SPARQL query or an output format that cannot be run or written (syntax error, unknown format)."""


class KgNotFoundError(KgError, LookupError):
    """A report id, problem category number, document title or label that the build does not have; the
    message names what it has (CLI exit code 1)."""


class KgViewError(KgError):
    """A view cannot be made: no entity matches, or the vendored browser assets are missing or damaged."""


__all__ = ["KgError", "KgInputError", "KgStoreError", "KgQueryError", "KgNotFoundError", "KgViewError"]
