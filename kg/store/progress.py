"""A build's progress bar: the number of reports to extract → a bar on stderr (rich), or none.

:func:`progress_bar` shows one when asked, or by default on a terminal outside CI; the bar is
gone when the build ends. rich is imported only when a bar is shown.
"""
from __future__ import annotations

import os
import sys


def want_progress(progress: bool | None) -> bool:
    """Whether to show a progress bar: as asked, else on a terminal outside CI."""
    if progress is not None:
        return bool(progress)
    try:
        return sys.stderr.isatty() and not os.environ.get("CI")
    except (AttributeError, ValueError):
        return False


class NoProgress:
    """The progress bar when none is shown."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def advance(self, desc: str = "") -> None:
        pass


class RichProgress:
    """A rich progress bar on stderr, gone when the build ends."""

    def __init__(self, total: int):
        from rich.console import Console   # imported here: rich is slow to import and bars are optional
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._p = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                           TextColumn("{task.description}"), console=Console(stderr=True), transient=True)
        self._task = self._p.add_task("", total=total)

    def __enter__(self):
        self._p.__enter__()
        return self

    def __exit__(self, *exc):
        return self._p.__exit__(*exc)

    def advance(self, desc: str = "") -> None:
        self._p.update(self._task, advance=1, description=desc[-40:])


ProgressBar = NoProgress | RichProgress


def progress_bar(total: int, progress: bool | None) -> ProgressBar:
    """The bar for ``total`` reports: a rich one if there is work and a bar is wanted (:func:`want_progress`)."""
    return RichProgress(total) if total and want_progress(progress) else NoProgress()


__all__ = ["NoProgress", "ProgressBar", "RichProgress", "progress_bar", "want_progress"]
