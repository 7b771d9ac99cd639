"""What every command shares about the terminal: verbosity, progress, width, version, output folder.

- ``--quiet`` keeps standard error to errors; ``--verbose`` adds timings and library log lines.
  Results (tables, paths written) go to standard output either way.
- Progress (a rich bar or spinner on standard error) is shown only on a terminal and never with
  ``--quiet``, so pipes, files and CI logs stay clean.
- Tables fit the terminal: ``COLUMNS`` when set, else the terminal's width; 200 in a pipe or file.
- Outputs without ``--out`` go where :func:`protestmap._io.default_output_dir` says: ``maps/``
  in protestmap's own project root, the current directory anywhere else.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "Verbosity",
    "debug",
    "progress",
    "say",
    "set_verbosity",
    "show_progress",
    "status",
    "terminal_width",
    "version_callback",
]


class Verbosity(IntEnum):
    """How much a command tells on standard error besides its errors."""

    quiet = 0
    normal = 1
    verbose = 2


#: Table width when standard output is a file or a pipe and ``COLUMNS`` is not set.
PIPE_WIDTH = 200

_state: dict[str, Any] = {"verbosity": Verbosity.normal, "started": time.perf_counter()}


def set_verbosity(*, quiet: bool, verbose: bool) -> None:
    """Record ``--quiet``/``--verbose`` for this run (they exclude each other)."""
    if quiet and verbose:
        message = "use either --quiet or --verbose, not both"
        raise typer.BadParameter(message, param_hint="'--quiet'/'--verbose'")
    level = Verbosity.quiet if quiet else Verbosity.verbose if verbose else Verbosity.normal
    _state["verbosity"] = level
    _state["started"] = time.perf_counter()
    if level is Verbosity.verbose:
        import logging

        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)


def verbosity() -> Verbosity:
    """Return the verbosity chosen for this run."""
    return Verbosity(_state["verbosity"])


def say(message: str) -> None:
    """Print a note or warning on standard error, unless ``--quiet``."""
    if verbosity() >= Verbosity.normal:
        typer.echo(message, err=True)


def debug(message: str) -> None:
    """Print a detail on standard error only with ``--verbose``, with the seconds since start."""
    if verbosity() >= Verbosity.verbose:
        typer.echo(f"[{time.perf_counter() - _state['started']:.2f} s] {message}", err=True)


def show_progress() -> bool:
    """Say whether progress may be drawn: standard error is a terminal and not ``--quiet``."""
    return verbosity() >= Verbosity.normal and sys.stderr.isatty()


def _console() -> Any:
    from rich.console import Console

    return Console(stderr=True, markup=False, highlight=False, emoji=False)


@contextlib.contextmanager
def status(message: str) -> Iterator[None]:
    """Show a spinner with ``message`` while the block runs (terminal only, never ``--quiet``)."""
    if not show_progress():
        yield
        return
    with _console().status(message):
        yield


@contextlib.contextmanager
def progress(description: str, *, total: int) -> Iterator[Any]:
    """Yield a function that advances a progress bar by one step (a no-op when not shown)."""
    if not show_progress():
        yield lambda: None
        return
    from rich.progress import Progress

    with Progress(console=_console(), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)


def terminal_width() -> int:
    """Width to fit tables in: ``COLUMNS`` if set, else the terminal's; 200 when output is not a terminal.

    Output sent to a file or a pipe fits no screen, so long cells stay on one line there.
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size(fallback=(100, 24)).columns
    return PIPE_WIDTH


def version_callback(value: bool) -> None:
    """Print ``protestmap VERSION`` and stop (``--version``; imports nothing heavy)."""
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("protestmap")  # the installed distribution (the package itself sits above cli)
    except PackageNotFoundError:
        number = "(not installed: run from a source tree)"
    typer.echo(f"protestmap {number}")
    raise typer.Exit(0)
