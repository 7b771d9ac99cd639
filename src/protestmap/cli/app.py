"""The ``protestmap`` command line: it parses arguments and delegates to the library.

Heavy modules are imported inside each command so that ``protestmap --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from protestmap.cli.output import Format, Language, Level, render_rows
from protestmap.cli.support import (
    DataOption,
    Day,
    Group,
    check_window,
    err,
    out_file,
    parse_day,
    register_interchange,
)
from protestmap.cli.text import register_text

if TYPE_CHECKING:
    from protestmap.pipeline import MapFile

app = typer.Typer(
    name="protestmap",
    help="Sourced, geocoded, interactive maps of protest incidents in Peru (Dec 2022 - Mar 2023).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
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


@app.command()
def validate(path: DataPath = None) -> None:
    """Check a dataset and report every problem as FILE:ROW:COLUMN: REASON.

    Checks the schema, vocabularies, dates, counts, places, coordinates, unique ids and that every
    cited source exists. Exits 0 when the dataset is valid, 1 otherwise.
    """
    from protestmap.dataset.load import default_data_dir
    from protestmap.errors import DatasetNotFoundError
    from protestmap.pipeline import validate_dataset

    try:
        target = path if path is not None else default_data_dir()
    except DatasetNotFoundError as exc:
        err(f"error: {exc}")
        raise typer.Exit(2) from None
    if not target.exists():
        err(f"error: no such file or directory: {target}")
        raise typer.Exit(2)
    report = validate_dataset(target)
    for problem in report.problems:
        typer.echo(str(problem))
    err(report.summary())
    if report.ok:
        err(f"valid: {target}")
        return
    err(f"{len(report.problems)} problem(s) found")
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
    from protestmap.places.geocoder import GEOCODE_COLUMNS, geocode_rows

    fallback = None
    if online:
        from protestmap.places.online import CachedNominatim

        fallback = CachedNominatim()
    rows = geocode_rows(places, department=department, online=fallback)
    typer.echo(render_rows(rows, GEOCODE_COLUMNS, fmt, title="protestmap geocode"), nl=False)
    if any(row["status"] != "ok" for row in rows):
        raise typer.Exit(1)


boundaries_app = typer.Typer(help="Get and inspect the INEI boundaries (never bundled).", no_args_is_help=True)
app.add_typer(boundaries_app, name="boundaries")

BoundariesOption = Annotated[
    Path | None,
    typer.Option(
        "--boundaries",
        help="Directory with the INEI GeoJSON files (else $PROTESTMAP_BOUNDARIES, else the cache).",
    ),
]


@boundaries_app.command("fetch")
def boundaries_fetch(
    url: Annotated[
        str | None,
        typer.Option("--url", help="Base URL of the files (default: pinned jsDelivr release)."),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="Give up on a file after this many seconds.")
    ] = 120.0,
) -> None:
    """Download the INEI 2023 department and province limits (CC BY 4.0) into the user cache.

    Each file is checked against its pinned sha256; a mismatch is an error and leaves the cache
    as it was. An unreachable server, an HTTP error, a cut transfer or one slower than --timeout
    is an error too.
    """
    from protestmap.spatial.boundaries import BASE_URL, fetch_boundaries

    target = fetch_boundaries(base_url=url or BASE_URL, progress=True, timeout=timeout)
    typer.echo(f"boundaries ready in {target}")


@boundaries_app.command("info")
def boundaries_info(boundaries: BoundariesOption = None) -> None:
    """Show which boundary files are in use, their feature counts and the attribution."""
    from protestmap.spatial.boundaries import load_boundaries

    loaded = load_boundaries(boundaries, districts=True)
    typer.echo(f"source: {loaded.directory} (from {loaded.origin})")
    typer.echo(f"departments: {len(loaded.departments)}")
    typer.echo(f"provinces: {len(loaded.provinces)}")
    districts = "not present" if loaded.districts is None else f"{len(loaded.districts)} (INEI 2007, MPL-2.0)"
    typer.echo(f"districts: {districts}")
    typer.echo(f"repaired invalid geometries: {', '.join(loaded.repaired) or 'none'}")
    typer.echo(f"attribution: {loaded.attribution}")


@app.command()
def stats(
    by: Annotated[Level, typer.Option("--by", help="Unit to aggregate by.")] = Level.department,
    date: Annotated[
        Day, typer.Option("--date", parser=parse_day, help="Totals cumulative up to this day (YYYY-MM-DD).")
    ] = None,
    start: Annotated[Day, typer.Option("--from", parser=parse_day, help="Window start (inclusive).")] = None,
    end: Annotated[Day, typer.Option("--to", parser=parse_day, help="Window end (inclusive).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    data: DataOption = None,
    boundaries: BoundariesOption = None,
) -> None:
    """Dead, injured, detained and blockade points per department or province, with totals.

    Outcomes count by the day they happened (event_date). Without --date or --from/--to the whole
    dataset is summed. Rows are sorted by fatalities; a last row gives the totals, national-scope
    incidents included. Per-100,000 rates use the INEI 2017 census.
    """
    from protestmap.pipeline import prepare as prepare_incidents
    from protestmap.spatial.aggregate import aggregate, national_totals
    from protestmap.spatial.join import mismatch_summary

    check_window(date=date, start=start, end=end)
    end = date or end
    prepared = prepare_incidents(data, boundaries_dir=boundaries)
    if prepared.warning:
        err(f"warning: {prepared.warning}")
    if not prepared.mismatches.empty:
        err(f"warning: {mismatch_summary(prepared.mismatches)}")
    table = aggregate(prepared.joined, by=by.value, start=start, end=end)
    rows = cast("list[dict[str, Any]]", table.astype(object).where(table.notna(), None).to_dict("records"))
    rows.append(
        {
            "ubigeo": "",
            "name": "TOTAL (all units and national rows)",
            **national_totals(prepared.joined, start=start, end=end),
        }
    )
    columns = [
        "ubigeo",
        "name",
        "fatalities",
        "injured",
        "arrested",
        "blockade_points",
        "incidents",
        "population",
        "fatalities_per_100k",
    ]
    if fmt is not Format.table:
        columns = list(table.columns)
    window = f"{start or 'start'} .. {end or 'end'}"
    typer.echo(render_rows(rows, columns, fmt, title=f"protestmap stats by {by.value}, {window}"), nl=False)


@app.command()
def render(  # noqa: PLR0913 - each parameter is a command-line option; typer reads them from the signature
    date: Annotated[Day, typer.Option("--date", parser=parse_day, help="Day to map (YYYY-MM-DD).")] = None,
    timeline: Annotated[bool, typer.Option("--timeline", help="One page with a day slider over the period.")] = False,
    start: Annotated[
        Day, typer.Option("--from", parser=parse_day, help="Timeline start (default: first incident).")
    ] = None,
    end: Annotated[Day, typer.Option("--to", parser=parse_day, help="Timeline end (default: last incident).")] = None,
    level: Annotated[Level, typer.Option("--level", help="Units of the deaths choropleth.")] = Level.department,
    window: Annotated[
        str, typer.Option("--window", help="'cumulative' or a moving window such as '7d'.")
    ] = "cumulative",
    data: DataOption = None,
    boundaries: BoundariesOption = None,
    out: Annotated[Path | None, typer.Option("--out", parser=out_file, help="Output HTML file.")] = None,
    self_contained: Annotated[
        bool,
        typer.Option(
            "--self-contained",
            help="Inline all JS/CSS and draw no web tiles: the page works offline.",
        ),
    ] = False,
    open_page: Annotated[bool, typer.Option("--open", help="Open the page in a web browser.")] = False,
    lang: Annotated[
        Language, typer.Option("--lang", help="Language of the page: labels, legend, popups and dates.")
    ] = Language.en,
) -> None:
    """Write an interactive map: the state of Peru on one day, or a timeline over the period.

    The day map (default maps/peru-protests-DATE.html) shows deaths to date as choropleths and
    sized markers (the day's own outlined), blockades and strikes active that day, curfews and
    states of emergency in force, detentions and raids, and other protests, every popup with
    its sources. Prints the path written.
    """
    from protestmap.maps.content import parse_window

    if timeline == (date is not None):
        err("error: give either --date D or --timeline")
        raise typer.Exit(2)
    try:
        moving = parse_window(window)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--window'") from None
    from protestmap.pipeline import write_day_map, write_timeline

    if timeline:
        check_window(start=start, end=end)
        _check_timeline_span(data, start, end)
        written = write_timeline(
            start=start,
            end=end,
            level=level.value,
            window=moving,
            data=data,
            boundaries_dir=boundaries,
            out=out,
            self_contained=self_contained,
            lang=lang.value,
        )
    else:
        if start is not None or end is not None:
            raise typer.BadParameter("--from/--to go with --timeline", param_hint="'--from'/'--to'")
        assert date is not None  # without --timeline, --date was required above
        written = write_day_map(
            date,
            level=level.value,
            window=moving,
            data=data,
            boundaries_dir=boundaries,
            out=out,
            self_contained=self_contained,
            lang=lang.value,
        )
    _report_map(written)
    if open_page:
        import webbrowser

        webbrowser.open(written.path.resolve().as_uri())


def _report_map(written: MapFile) -> None:
    """Tell the terminal what the page cannot: missing boundaries, rows not drawn, join mismatches."""
    from protestmap.spatial.join import mismatch_summary

    if written.notice:
        err(f"note: {written.notice}")
    if written.warning:
        err(f"warning: {written.warning} The map shows incident markers only.")
    missing = written.not_drawn
    if len(missing):
        err(f"warning: {len(missing)} incident(s) not drawn (no place could be determined):")
        for event_id, reason in zip(missing["event_id"], missing["reason"], strict=True):
            err(f"  {event_id}: {reason}")
    if not written.mismatches.empty:
        err(f"warning: {mismatch_summary(written.mismatches)}")
    typer.echo(str(written.path))


def _check_timeline_span(data: Path | None, start: dt.date | None, end: dt.date | None) -> None:
    """Refuse a timeline with no days before rendering it (open bounds come from the data)."""
    if start is not None and end is not None:
        return
    import pandas as pd

    from protestmap.errors import RenderError
    from protestmap.pipeline import load_incidents

    incidents = load_incidents(data)
    dates = pd.concat([incidents["event_date"], incidents["end_date"]]).dropna()
    if dates.empty:
        message = "the dataset has no dated incidents, so the timeline has no days; give --from and --to"
        raise RenderError(message)
    first = start or incidents["event_date"].min().date()
    last = end or dates.max().date()
    if first > last:
        message = f"the timeline would run from {first} to {last}, which has no days; check --from/--to"
        raise typer.BadParameter(message, param_hint="'--from'/'--to'")


register_interchange(app)
register_text(app)


def main() -> None:
    """Run the command line (the ``protestmap`` console script)."""
    from protestmap.errors import ProtestmapError

    try:
        app()
    except ProtestmapError as exc:
        err(f"error: {exc}")
        sys.exit(1)
