"""The ``protestmap`` command line: it parses arguments and delegates to the library.

Heavy modules are imported inside each command so that ``protestmap --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from protestmap._output import Format, render_rows

app = typer.Typer(
    name="protestmap",
    help="Sourced, geocoded, interactive maps of protest incidents in Peru (Dec 2022 - Mar 2023).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DataPath = Annotated[
    Path | None,
    typer.Argument(
        help="Dataset directory or its incidents.csv (default: the bundled dataset).",
        show_default=False,
    ),
]


@app.callback()
def _root() -> None:
    """Map sourced protest incidents in Peru, December 2022 - March 2023."""


def _err(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def validate(path: DataPath = None) -> None:
    """Check a dataset and report every problem as FILE:ROW:COLUMN: REASON.

    Checks the schema, vocabularies, dates, counts, places, coordinates, unique ids and that every
    cited source exists. Exits 0 when the dataset is valid, 1 otherwise.
    """
    from protestmap.errors import DatasetNotFoundError
    from protestmap.incidents import default_data_dir
    from protestmap.validate import validate_dataset

    try:
        target = path if path is not None else default_data_dir()
    except DatasetNotFoundError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    if not target.exists():
        _err(f"error: no such file or directory: {target}")
        raise typer.Exit(2)
    report = validate_dataset(target)
    for problem in report.problems:
        typer.echo(str(problem))
    _err(report.summary())
    if report.ok:
        _err(f"valid: {target}")
        return
    _err(f"{len(report.problems)} problem(s) found")
    raise typer.Exit(1)


@app.command()
def geocode(
    places: Annotated[
        list[str],
        typer.Argument(help="Place names as written, e.g. Juliaca 'Cuzco' 'Chucuito, Puno'."),
    ],
    department: Annotated[
        str | None,
        typer.Option("--department", "-d", help="Department (or province) the places lie in."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    online: Annotated[
        bool,
        typer.Option(
            "--online",
            help="Ask OpenStreetMap Nominatim (1 request/s, cached) for names the gazetteer lacks.",
        ),
    ] = False,
) -> None:
    """Geocode place names offline to INEI departments, provinces and districts (ubigeo).

    Prints one row per place with its ubigeo, coordinates, ACLED precision and a status: ok,
    ambiguous (with the candidates; add --department or ", Province" to choose) or not_found
    (with suggestions). Exits 0 when every place resolved, 1 otherwise.
    """
    from protestmap.geocode import GEOCODE_COLUMNS, geocode_rows

    fallback = None
    if online:
        from protestmap.online import CachedNominatim

        fallback = CachedNominatim()
    rows = geocode_rows(places, department=department, online=fallback)
    typer.echo(render_rows(rows, GEOCODE_COLUMNS, fmt, title="protestmap geocode"), nl=False)
    if any(row["status"] != "ok" for row in rows):
        raise typer.Exit(1)


def main() -> None:
    """Run the command line (the ``protestmap`` console script)."""
    from protestmap.errors import ProtestmapError

    try:
        app()
    except ProtestmapError as exc:
        _err(f"error: {exc}")
        sys.exit(1)
