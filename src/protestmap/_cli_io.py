"""The ``import`` and ``export`` commands: ACLED in, ACLED/GeoJSON/GeoPackage/GeoParquet out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from protestmap._cli_support import check_window, out_dir, out_file, parse_day

__all__ = ["register_interchange"]

Day = dt.date | None
DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Dataset directory or incidents.csv (default: bundled)."),
]


def _err(message: str) -> None:
    typer.echo(message, err=True)


def import_acled_command(
    file: Annotated[Path, typer.Argument(help="An ACLED CSV export (current, 2020 or one-row-per-actor layout).")],
    out: Annotated[Path, typer.Option("--out", parser=out_dir, help="New dataset directory to write.")],
) -> None:
    """Convert an ACLED export into a protestmap dataset (incidents.csv, sources.csv, ...).

    Maps ACLED's admin1/admin2 (including "Lima Province" and Callao) to INEI ubigeo, keeps
    geo_precision and time_precision, maps event types and says which it cannot map. A malformed
    file gives a FILE:ROW:COLUMN report and nothing is written.
    """
    from protestmap.errors import InvalidIncidentError
    from protestmap.interchange import import_acled

    if not file.is_file():
        _err(f"error: no such file: {file}")
        raise typer.Exit(2)
    try:
        result = import_acled(file, out)
    except InvalidIncidentError as exc:
        for problem in exc.problems:
            typer.echo(str(problem))
        _err(f"{len(exc.problems)} problem(s); nothing written")
        raise typer.Exit(1) from None
    typer.echo(f"{out}: {len(result.incidents)} incident(s) from {result.rows_in} row(s) ({result.layout} layout)")
    if result.duplicates:
        typer.echo(f"{result.duplicates} repeated row(s) of the same event (one row per actor) counted once")
    for (kind, sub), count in sorted(result.unmapped.items()):
        typer.echo(f"not mapped: {count} row(s) of {kind} / {sub}")


def export_command(
    fmt: Annotated[str, typer.Option("--format", help="acled, geojson, gpkg or parquet.")],
    out: Annotated[Path, typer.Option("--out", parser=out_file, help="File to write.")],
    date: Annotated[Day, typer.Option("--date", parser=parse_day, help="Only incidents in force on this day.")] = None,
    start: Annotated[Day, typer.Option("--from", parser=parse_day, help="Event date from (inclusive).")] = None,
    end: Annotated[Day, typer.Option("--to", parser=parse_day, help="Event date to (inclusive).")] = None,
    data: DataOption = None,
) -> None:
    """Export the geocoded incidents as ACLED CSV, GeoJSON, GeoPackage or GeoParquet."""
    from protestmap.interchange import FORMATS, export_incidents

    if fmt not in FORMATS:
        _err(f"error: --format must be one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    check_window(date=date, start=start, end=end)
    path, count = export_incidents(fmt, out, data=data, date=date, start=start, end=end)
    typer.echo(f"{path}: {count} incident(s)")


def register_interchange(app: typer.Typer) -> None:
    """Add ``import acled`` and ``export`` to the root command line."""
    import_app = typer.Typer(help="Import incidents from other formats.", no_args_is_help=True)
    import_app.command("acled")(import_acled_command)
    app.add_typer(import_app, name="import")
    app.command("export")(export_command)
