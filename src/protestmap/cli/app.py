"""The ``protestmap`` command line: it parses arguments and delegates to the library.

Heavy modules are imported inside each command so that ``protestmap --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from protestmap.cli.console import say, set_verbosity, show_progress, status, version_callback
from protestmap.cli.output import Format, Language, Level, render_rows
from protestmap.cli.scale import register_scale
from protestmap.cli.support import (
    AsOfOption,
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
    from protestmap.maps.content import Window
    from protestmap.maps.page import PageOptions
    from protestmap.pipeline import MapFile

app = typer.Typer(
    name="protestmap",
    help="Sourced, geocoded, interactive maps of protest incidents in Peru (Dec 2022 - Mar 2023).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DataPath = Annotated[
    Path | None,
    typer.Argument(
        help="Dataset directory or its incidents.csv (default: the bundled dataset).",
        show_default=False,
    ),
]


@app.callback()
def _root(
    _version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version and exit.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only results and errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also print timings and library logs.")] = False,
) -> None:
    """Map sourced protest incidents in Peru, December 2022 - March 2023.

    Exit codes: 0 done, 1 a problem with the data or environment (reported), 2 a usage error.
    """
    set_verbosity(quiet=quiet, verbose=verbose)


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
    with status(f"validating {target}"):
        report = validate_dataset(target)
    for problem in report.problems:
        typer.echo(str(problem))
    say(report.summary())
    if report.ok:
        say(f"valid: {target}")
        return
    err(f"{len(report.problems)} problem(s) found")
    raise typer.Exit(1)


@app.command()
def geocode(
    places: Annotated[
        list[str],
        typer.Argument(help="Place names as written, e.g. Juliaca 'Cuzco' 'Chucuito, Puno' 'Huancabamba|Piura'."),
    ],
    department: Annotated[
        str | None,
        typer.Option("--department", "-d", help="Department (or province) for every name without a hint of its own."),
    ] = None,
    hint: Annotated[
        list[str] | None,
        typer.Option("--hint", help="NAME=DEPARTMENT for that name only (repeatable), e.g. Huancabamba=Piura."),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Never propose the most prominent of several namesakes."),
    ] = False,
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

    Prints one row per place with its ubigeo, coordinates, ACLED precision and a status: ok;
    proposed (a town far more prominent than its namesakes, with a confidence and the
    alternatives; --strict refuses); ambiguous (with the candidates, and the department or
    province they all lie in when there is one; add 'NAME|DEPARTMENT', --hint or ", Province"
    to choose) or not_found (with suggestions). Exits 0 when every place is ok or proposed, 1
    otherwise.
    """
    from protestmap.places.rows import ANSWERED, GEOCODE_COLUMNS, geocode_rows, parse_hints

    fallback = None
    if online:
        from protestmap.places.online import CachedNominatim

        fallback = CachedNominatim()
    hints = parse_hints(hint or [])
    rows = geocode_rows(places, department=department, hints=hints, online=fallback, strict=strict)
    typer.echo(render_rows(rows, GEOCODE_COLUMNS, fmt, title="protestmap geocode"), nl=False)
    unresolved = sum(row["status"] not in ANSWERED for row in rows)
    if unresolved:
        err(f"{unresolved} of {len(rows)} place(s) not resolved (see the status column)")
        raise typer.Exit(1)


boundaries_app = typer.Typer(
    help="Inspect the INEI boundaries in use (a copy is bundled) or fetch the release into the user cache.",
    no_args_is_help=True,
)
app.add_typer(boundaries_app, name="boundaries")

BoundariesOption = Annotated[
    Path | None,
    typer.Option(
        "--boundaries",
        help="Directory with the INEI files (else $PROTESTMAP_BOUNDARIES, else the cache, else the bundled copy).",
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

    target = fetch_boundaries(base_url=url or BASE_URL, progress=show_progress(), timeout=timeout)
    typer.echo(f"boundaries ready in {target}")


@boundaries_app.command("info")
def boundaries_info(boundaries: BoundariesOption = None) -> None:
    """Show which boundary files are in use, their feature counts and the attribution."""
    from protestmap.spatial.boundaries import BUNDLED, load_boundaries

    loaded = load_boundaries(boundaries, districts=True)
    origins = {BUNDLED: "the copy bundled with protestmap", "cache": "the user cache ('boundaries fetch')"}
    typer.echo(f"source: {origins.get(loaded.origin, loaded.origin)}, {loaded.directory}")
    typer.echo(f"departments: {len(loaded.departments)}")
    typer.echo(f"provinces: {len(loaded.provinces)}")
    districts = "not present" if loaded.districts is None else f"{len(loaded.districts)} (INEI 2007, MPL-2.0)"
    if loaded.origin == BUNDLED:
        districts = "not bundled (give --boundaries DIR with distritos_2007.geojson)"
    typer.echo(f"districts: {districts}")
    typer.echo(f"repaired invalid geometries: {', '.join(loaded.repaired) or 'none'}")
    typer.echo(f"attribution: {loaded.attribution}")


@app.command()
def stats(  # noqa: PLR0913 - each parameter is a command-line option; typer reads them from the signature
    by: Annotated[Level, typer.Option("--by", help="Unit to aggregate by.")] = Level.department,
    date: Annotated[
        Day, typer.Option("--date", parser=parse_day, help="Totals cumulative up to this day (YYYY-MM-DD).")
    ] = None,
    start: Annotated[Day, typer.Option("--from", parser=parse_day, help="Window start (inclusive).")] = None,
    end: Annotated[Day, typer.Option("--to", parser=parse_day, help="Window end (inclusive).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    data: DataOption = None,
    boundaries: BoundariesOption = None,
    coverage: Annotated[
        bool, typer.Option("--coverage", help="Instead, count incidents per week and event type (gaps show as 0).")
    ] = False,
    as_of: AsOfOption = None,
) -> None:
    """Dead, injured, detained and blockade points per department or province, with totals.

    Outcomes count by the day they happened (event_date). Without --date or --from/--to the whole
    dataset is summed. Rows are sorted by fatalities; a last row gives the totals, national-scope
    incidents included. Blockade points are the most counted on one day, never a sum over days,
    and a count for a whole department or the country is not added to the counts inside it.
    Per-100,000 rates use the INEI 2017 census. With --coverage, prints how many incidents each
    week of the period (or of --from/--to) holds, by event type. With --as-of D, only what sources
    published by D reported counts (see data/README.md, "As reported on a date").
    """
    if coverage and as_of is not None:
        raise typer.BadParameter("--as-of does not apply to --coverage", param_hint="'--as-of'")
    if coverage:
        _print_coverage(data, start=start, end=date or end, fmt=fmt)
        return
    from protestmap.pipeline import prepare as prepare_incidents
    from protestmap.spatial.aggregate import aggregate, national_totals
    from protestmap.spatial.join import mismatch_summary

    check_window(date=date, start=start, end=end)
    end = date or end
    prepared = prepare_incidents(data, boundaries_dir=boundaries, as_of=as_of)
    if prepared.warning:
        say(f"warning: {prepared.warning}")
    if not prepared.mismatches.empty:
        say(f"warning: {mismatch_summary(prepared.mismatches)}")
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
    window = f"{start or 'start'} .. {end or 'end'}" + (f", as reported up to {as_of}" if as_of else "")
    typer.echo(render_rows(rows, columns, fmt, title=f"protestmap stats by {by.value}, {window}"), nl=False)


def _print_coverage(data: Path | None, *, start: dt.date | None, end: dt.date | None, fmt: Format) -> None:
    """Print incidents per week and event type (``stats --coverage``)."""
    from protestmap.dataset.coverage import coverage_table
    from protestmap.pipeline import load_dataset

    incidents, _, _ = load_dataset(data)
    table = coverage_table(incidents, start=start, end=end).reset_index()
    rows = cast("list[dict[str, Any]]", table.to_dict("records"))
    window = f"{start or 'period start'} .. {end or 'period end'}"
    title = f"protestmap stats --coverage: incidents per week (from Monday) and event type, {window}"
    typer.echo(render_rows(rows, list(table.columns), fmt, title=title), nl=False)


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
            help="Also draw no web tiles: the page makes no request at all (archives). Leaflet is always inlined.",
        ),
    ] = False,
    cdn: Annotated[
        bool,
        typer.Option("--cdn", help="Link Leaflet from jsDelivr instead of inlining it (smaller page, needs network)."),
    ] = False,
    open_page: Annotated[bool, typer.Option("--open", help="Open the page in a web browser.")] = False,
    png: Annotated[
        Path | None, typer.Option("--png", parser=out_file, help="Also write a PNG snapshot (headless Chromium).")
    ] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", parser=out_file, help="Also write a one-page PDF.")] = None,
    width: Annotated[int, typer.Option("--width", min=100, max=10_000, help="Snapshot width, CSS pixels.")] = 1200,
    height: Annotated[int, typer.Option("--height", min=100, max=10_000, help="Snapshot height, CSS pixels.")] = 800,
    scale: Annotated[
        float, typer.Option("--scale", min=0.25, max=8.0, help="PNG pixels per CSS pixel (2 for print quality).")
    ] = 1.0,
    aggregates: Annotated[
        Path | None,
        typer.Option(
            "--aggregates",
            exists=True,
            dir_okay=False,
            help="With --timeline: draw this table from 'protestmap aggregate' instead.",
        ),
    ] = None,
    lang: Annotated[
        Language, typer.Option("--lang", help="Language of the page: labels, legend, popups and dates.")
    ] = Language.en,
    as_of: AsOfOption = None,
) -> None:
    """Write an interactive map: the state of Peru on one day, or a timeline over the period.

    The day map (default maps/peru-protests-DATE.html) shows deaths to date as choropleths and
    sized markers (the day's own outlined), blockades and strikes active that day, curfews and
    states of emergency in force, detentions and raids, and other protests, every popup with
    its sources. Prints the path written. Outside the project's root folder pages are written
    to the current directory. A --self-contained page gets its own name (...-offline.html), so
    it never replaces the normal page of the same day; --out writes exactly where it is told.

    With --png and/or --pdf the page is drawn offline (as with --self-contained) by Debian's
    headless Chromium and saved as a WIDTHxHEIGHT image or one-page PDF, with the legend and
    without the layer list; the HTML page is then only kept when --out names it.

    With --as-of D the page shows only what sources published by D reported, and says so in its
    title; D may be before the day mapped.
    """
    from protestmap.maps.content import parse_window

    if timeline == (date is not None):
        err("error: give either --date D or --timeline")
        raise typer.Exit(2)
    if self_contained and cdn:
        raise typer.BadParameter("--cdn links Leaflet from the network; a --self-contained page cannot")
    if aggregates is not None:
        if as_of is not None:
            raise typer.BadParameter("--as-of does not apply to --aggregates", param_hint="'--as-of'")
        _render_aggregates(aggregates, timeline=timeline, boundaries=boundaries, out=out, self_contained=self_contained)
        return
    from protestmap.maps.page import PageOptions

    try:
        moving = parse_window(window)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--window'") from None
    if timeline:
        check_window(start=start, end=end)
        _check_timeline_span(data, start, end)
    elif start is not None or end is not None:
        raise typer.BadParameter("--from/--to go with --timeline", param_hint="'--from'/'--to'")
    request = _MapRequest(date, start, end, level.value, moving, data, boundaries, as_of)
    if png is None and pdf is None:
        written = request.write(out, page=PageOptions(self_contained=self_contained, cdn=cdn, lang=lang.value))
        _report_map(written)
        shown = written.path
    else:
        import tempfile

        from protestmap.maps.snapshot import Snapshot, export_snapshots

        with tempfile.TemporaryDirectory(prefix="protestmap-") as folder:
            written = request.write(
                out or Path(folder) / "page.html", page=PageOptions(self_contained=True, lang=lang.value)
            )
            _report_map(written, page=out is not None)
            images = export_snapshots(written.path, png=png, pdf=pdf, size=Snapshot(width, height, scale))
        for image in images:
            typer.echo(str(image))
        shown = images[0]
    if open_page:
        import webbrowser

        webbrowser.open(shown.resolve().as_uri())


@dataclass(frozen=True)
class _MapRequest:
    """What ``render`` was asked to draw: one day (``date``) or the timeline (``date`` is None)."""

    date: dt.date | None
    start: dt.date | None
    end: dt.date | None
    level: str
    window: Window
    data: Path | None
    boundaries: Path | None
    as_of: dt.date | None = None

    def write(self, out: Path | None, *, page: PageOptions) -> MapFile:
        """Write the page (to ``out``, else the default path) and return what to report."""
        from protestmap.pipeline import write_day_map, write_timeline

        if self.date is None:
            return write_timeline(
                start=self.start,
                end=self.end,
                level=self.level,
                window=self.window,
                data=self.data,
                boundaries_dir=self.boundaries,
                out=out,
                page=page,
                as_of=self.as_of,
            )
        return write_day_map(
            self.date,
            level=self.level,
            window=self.window,
            data=self.data,
            boundaries_dir=self.boundaries,
            out=out,
            page=page,
            as_of=self.as_of,
        )


def _render_aggregates(
    table: Path, *, timeline: bool, boundaries: Path | None, out: Path | None, self_contained: bool
) -> None:
    """``render --timeline --aggregates TABLE``: the timeline of counts from ``protestmap aggregate``."""
    if not timeline:
        raise typer.BadParameter("--aggregates goes with --timeline", param_hint="'--aggregates'")
    from protestmap.pipeline import write_aggregate_timeline

    typer.echo(str(write_aggregate_timeline(table, boundaries_dir=boundaries, out=out, self_contained=self_contained)))


def _report_map(written: MapFile, *, page: bool = True) -> None:
    """Tell the terminal what the page cannot: missing boundaries, rows not drawn, join mismatches.

    The page's path is printed last, unless the page was only a step towards a snapshot.
    """
    from protestmap.spatial.join import mismatch_summary

    if written.notice:
        err(f"note: {written.notice}")
    if written.warning:
        say(f"warning: {written.warning} The map shows incident markers only.")
    missing = written.not_drawn
    if len(missing):
        say(f"warning: {len(missing)} incident(s) not drawn (no place could be determined):")
        for event_id, reason in zip(missing["event_id"], missing["reason"], strict=True):
            say(f"  {event_id}: {reason}")
    if not written.mismatches.empty:
        say(f"warning: {mismatch_summary(written.mismatches)}")
    if page:
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
register_scale(app)


def main() -> None:
    """Run the command line (the ``protestmap`` console script)."""
    from protestmap.errors import ProtestmapError

    try:
        app()
    except ProtestmapError as exc:
        err(f"error: {exc}")
        sys.exit(1)
