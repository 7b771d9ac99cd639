"""What every command shares: one error handler, and parsers for dates and output paths.

Errors reach the user in one place, :class:`Group`: a :class:`~protestmap.errors.ProtestmapError`
or an ``OSError`` raised by any command becomes ``error: <message>`` on stderr and exit code 1.
Bad option values are rejected while the command line is parsed (``typer.BadParameter``, exit
code 2, also one line), so the library never sees them.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

__all__ = ["Group", "check_window", "describe", "out_dir", "out_file", "parse_day"]

#: Exit code of a command that failed on its input or environment (usage errors exit with 2).
FAILED = 1


def describe(exc: BaseException) -> str:
    """Return the message a user sees for ``exc`` (an OS error names the file and the reason)."""
    from protestmap.errors import ProtestmapError

    if isinstance(exc, ProtestmapError) or not isinstance(exc, OSError):
        return " ".join(str(exc).split("\n"))
    where = " -> ".join(str(name) for name in (exc.filename, exc.filename2) if name)
    reason = exc.strerror or str(exc)
    return f"{where}: {reason}" if where else reason


class Group(TyperGroup):
    """The root command group: turns expected failures into one line and a non-zero exit.

    Usage errors (exit code 2) are printed as one plain line too, instead of a boxed panel that
    wraps long messages over several lines.
    """

    def invoke(self, ctx: typer.Context) -> Any:
        """Run the chosen command; report ProtestmapError and OSError without a traceback."""
        from protestmap.errors import InvalidIncidentError, ProtestmapError

        try:
            return super().invoke(ctx)
        except typer.TyperException as exc:  # a usage error: bad option value, missing option...
            if type(exc).__name__ == "NoArgsIsHelpError":
                raise
            command = getattr(getattr(exc, "ctx", None), "command_path", None) or ctx.command_path
            typer.echo(f"error: {exc.format_message()} (see '{command} --help')", err=True)
            raise typer.Exit(getattr(exc, "exit_code", 2)) from None
        except InvalidIncidentError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            typer.echo(f"error: {len(exc.problems)} problem(s) in the incident data", err=True)
        except (ProtestmapError, OSError) as exc:
            typer.echo(f"error: {describe(exc)}", err=True)
        raise typer.Exit(FAILED)


def parse_day(text: str) -> dt.date:
    """Parse an ISO day (YYYY-MM-DD) within the schema's date range, for ``parser=``."""
    from protestmap.schema import DATE_MAX, DATE_MIN

    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        message = f"{text!r} is not a date in YYYY-MM-DD form (or no such day)"
        raise typer.BadParameter(message) from None
    if not DATE_MIN <= day <= DATE_MAX:
        message = f"{day} is outside {DATE_MIN}..{DATE_MAX}"
        raise typer.BadParameter(message)
    return day


def check_window(*, date: dt.date | None = None, start: dt.date | None = None, end: dt.date | None = None) -> None:
    """Reject ``--date`` together with ``--from/--to``, and a window that ends before it starts.

    Raises
    ------
    typer.BadParameter
        Exit code 2, with the offending options named.
    """
    if date is not None and (start is not None or end is not None):
        message = "use either --date or --from/--to, not both"
        raise typer.BadParameter(message, param_hint="'--date'")
    if start is not None and end is not None and start > end:
        message = f"--from {start} is after --to {end}"
        raise typer.BadParameter(message, param_hint="'--from'/'--to'")


def _writable_ancestor(path: Path) -> None:
    """Check that the nearest existing folder above ``path`` is a folder we may write in."""
    folder = path.parent.absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        message = f"{folder} is not a directory"
        raise typer.BadParameter(message)
    if not os.access(folder, os.W_OK | os.X_OK):
        message = f"cannot write in {folder}: permission denied or read-only"
        raise typer.BadParameter(message)


def out_file(text: str) -> Path:
    """Parse an output file option: not empty, not a directory, in a writable folder."""
    if not text.strip():
        message = "must name a file, not be empty"
        raise typer.BadParameter(message)
    path = Path(text)
    if path.is_dir():
        message = f"{text} is a directory; give a file name inside it"
        raise typer.BadParameter(message)
    _writable_ancestor(path)
    return path


def out_dir(text: str) -> Path:
    """Parse an output directory option: not empty, not an existing file, in a writable folder."""
    if not text.strip():
        message = "must name a directory, not be empty"
        raise typer.BadParameter(message)
    path = Path(text)
    if path.exists() and not path.is_dir():
        message = f"{text} exists and is not a directory"
        raise typer.BadParameter(message)
    _writable_ancestor(path)
    return path
