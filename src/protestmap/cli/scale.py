"""``protestmap aggregate``: count a large event table per unit and day, in memory or with dask."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from protestmap.cli.console import debug, say, status
from protestmap.cli.output import Level
from protestmap.cli.support import out_file

__all__ = ["Engine", "Frequency", "aggregate_command", "register_scale"]


class Engine(StrEnum):
    """Where the counting runs: one pandas frame in memory, or dask partition by partition."""

    pandas = "pandas"
    dask = "dask"


class Frequency(StrEnum):
    """Length of the periods counted (day, week from Monday, month)."""

    D = "D"
    W = "W"
    M = "M"


def aggregate_command(
    events: Annotated[
        Path,
        typer.Argument(
            exists=True, help="Event table: Parquet file or partitioned folder, or CSV (lon/lat, date, type)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", parser=out_file, help="Parquet file to write the counts to.")],
    by: Annotated[Level, typer.Option("--by", help="Unit to count per.")] = Level.department,
    freq: Annotated[Frequency, typer.Option("--freq", help="Period: D (day), W (week) or M (month).")] = Frequency.D,
    engine: Annotated[
        Engine, typer.Option("--engine", help="pandas (in memory) or dask (out of core; pip install '.[scale]').")
    ] = Engine.pandas,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="dask.distributed scheduler address, e.g. tcp://10.0.0.5:8786 (dask engine)."),
    ] = None,
    boundaries: Annotated[
        Path | None, typer.Option("--boundaries", help="Directory with the INEI boundary files.")
    ] = None,
) -> None:
    """Join event points to INEI units and count them per unit, period and event type.

    For GDELT- or ACLED-scale exports (tens of millions of rows). Columns are found by name:
    longitude/lon, latitude/lat, event_date/date (ISO, '09 January 2023' or YYYYMMDD), and
    optionally event_type and fatalities. Points join to the province polygons (an overlap goes
    to the lower ubigeo). Prints how many rows were counted and rejected; exits 1 when a table
    cannot be read. Map the result with 'protestmap render --timeline --aggregates TABLE'.
    """
    if scheduler is not None and engine is not Engine.dask:
        raise typer.BadParameter("--scheduler needs --engine dask", param_hint="'--scheduler'")
    from protestmap.spatial.boundaries import load_boundaries
    from protestmap.spatial.scale import aggregate_events, write_aggregates

    units = load_boundaries(boundaries)
    debug(f"boundaries from {units.directory}; engine {engine.value}, scheduler {scheduler or 'local threads'}")
    with status(f"counting {events} per {by.value} with {engine.value}"):
        result = aggregate_events(
            events, boundaries=units, level=by.value, freq=freq.value, engine=engine.value, scheduler=scheduler
        )
    written = write_aggregates(result.table, out)
    say(result.summary())
    typer.echo(f"{written}: {len(result.table)} row(s) ({by.value} x period x event type)")


def register_scale(app: typer.Typer) -> None:
    """Add ``aggregate`` to the root command line."""
    app.command("aggregate")(aggregate_command)
