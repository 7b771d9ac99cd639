"""What every command shares (one error handler, date and output-path parsers), and import/export.

Errors reach the user in one place, :class:`Group`: a :class:`~protestmap.errors.ProtestmapError`
or an ``OSError`` raised by any command becomes ``error: <message>`` on stderr and exit code 1.
Bad option values are rejected while the command line is parsed (``typer.BadParameter``, exit
code 2, also one line), so the library never sees them.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from protestmap.cli.output import ExportFormat

__all__ = [
    "AsOfOption",
    "Group",
    "check_window",
    "describe",
    "err",
    "out_dir",
    "out_file",
    "parse_as_of",
    "parse_day",
    "register_interchange",
]

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

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]  # typer passes its own Context
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
    from protestmap.dataset.schema import DATE_MAX, DATE_MIN

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


Day = dt.date | None
DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Dataset directory or incidents.csv (default: bundled)."),
]


def parse_as_of(text: str) -> dt.date:
    """Parse ``--as-of``: a day as for :func:`parse_day`, not before the dataset's period starts."""
    from protestmap.dataset.schema import PERIOD_START

    day = parse_day(text)
    if day < PERIOD_START:
        message = f"{day} is before the dataset's period, which starts on {PERIOD_START}"
        raise typer.BadParameter(message)
    return day


AsOfOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of",
        parser=parse_as_of,
        help="Use only sources published on or before this day (YYYY-MM-DD): what was reported by then.",
    ),
]


def err(message: str) -> None:
    """Print a message for the user on standard error."""
    typer.echo(message, err=True)


def import_acled_command(
    file: Annotated[Path, typer.Argument(help="An ACLED CSV export (current, 2020, monadic or per-actor layout).")],
    out: Annotated[Path, typer.Option("--out", parser=out_dir, help="New dataset directory to write.")],
) -> None:
    """Convert an ACLED export into a protestmap dataset (incidents.csv, sources.csv, ...).

    Maps ACLED's admin1/admin2 (including "Lima Province" and Callao) to INEI ubigeo, keeps
    geo_precision and time_precision, maps event types and says which it cannot map. A malformed
    file gives a FILE:ROW:COLUMN report and nothing is written.
    """
    from protestmap.errors import InvalidIncidentError
    from protestmap.interchange.export import import_acled

    if not file.is_file():
        err(f"error: no such file: {file}")
        raise typer.Exit(2)
    try:
        result = import_acled(file, out)
    except InvalidIncidentError as exc:
        for problem in exc.problems:
            typer.echo(str(problem))
        err(f"{len(exc.problems)} problem(s); nothing written")
        raise typer.Exit(1) from None
    typer.echo(f"{out}: {len(result.incidents)} incident(s) from {result.rows_in} row(s) ({result.layout} layout)")
    if result.duplicates:
        typer.echo(f"{result.duplicates} repeated row(s) of the same event (one row per actor) counted once")
    for (kind, sub), count in sorted(result.unmapped.items()):
        typer.echo(f"not mapped: {count} row(s) of {kind} / {sub}")


def export_command(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="File format.")],
    out: Annotated[Path, typer.Option("--out", parser=out_file, help="File to write.")],
    date: Annotated[Day, typer.Option("--date", parser=parse_day, help="Only incidents in force on this day.")] = None,
    start: Annotated[Day, typer.Option("--from", parser=parse_day, help="Event date from (inclusive).")] = None,
    end: Annotated[Day, typer.Option("--to", parser=parse_day, help="Event date to (inclusive).")] = None,
    data: DataOption = None,
) -> None:
    """Export the geocoded incidents as ACLED CSV, GeoJSON, GeoPackage or GeoParquet."""
    from protestmap.interchange.export import export_incidents

    check_window(date=date, start=start, end=end)
    path, count = export_incidents(fmt.value, out, data=data, date=date, start=start, end=end)
    typer.echo(f"{path}: {count} incident(s)")


def register_interchange(app: typer.Typer) -> None:
    """Add ``import acled`` and ``export`` to the root command line."""
    import_app = typer.Typer(help="Import incidents from other formats.", no_args_is_help=True)
    import_app.command("acled")(import_acled_command)
    app.add_typer(import_app, name="import")
    app.command("export")(export_command)
