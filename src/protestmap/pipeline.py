"""The stages joined: load → geocode → boundaries → join, then a map written to a file.

The command line and the notebook call these functions; each stage stays usable on its own
(:mod:`protestmap.dataset`, :mod:`protestmap.places`, :mod:`protestmap.spatial`,
:mod:`protestmap.maps`).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from protestmap._io import default_output_dir
from protestmap.errors import BoundariesNotFoundError

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd

    from protestmap.dataset.validate import ValidationReport
    from protestmap.maps.content import Window
    from protestmap.maps.page import PageOptions
    from protestmap.places.check import GazetteerPlaces
    from protestmap.spatial.boundaries import Boundaries

__all__ = [
    "MapFile",
    "Prepared",
    "load_dataset",
    "load_figures",
    "load_incidents",
    "load_sources",
    "load_victims",
    "prepare",
    "reference_places",
    "validate_dataset",
    "write_aggregate_timeline",
    "write_day_map",
    "write_timeline",
]


@functools.cache
def reference_places() -> GazetteerPlaces:
    """Return the INEI reference (the packaged gazetteer) that validation checks places against."""
    from protestmap.places.check import GazetteerPlaces

    return GazetteerPlaces()


def validate_dataset(path: str | os.PathLike[str] | None = None) -> ValidationReport:
    """Validate a dataset (the bundled one by default), places included; report every problem.

    See :func:`protestmap.dataset.validate.validate_dataset` for what is checked.
    """
    from protestmap.dataset import validate
    from protestmap.dataset.load import default_data_dir

    target = Path(path) if path is not None else default_data_dir()
    return validate.validate_dataset(target, places=reference_places())


def load_incidents(path: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Load, validate and place the incident table, ready for geopandas.

    Every row that has coordinates or whose place the gazetteer resolves gets its point (and
    missing ubigeo, names and ``geo_precision``); curated values are never overwritten, and
    national-scope rows keep an empty geometry. ``geocode_status`` says how each row was placed.
    :func:`protestmap.dataset.load.load_incidents` gives the table exactly as written.
    """
    from protestmap.dataset import load
    from protestmap.places.table import geocode_incidents

    return geocode_incidents(load.load_incidents(path, places=reference_places())).incidents


def load_sources(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the source table, indexed by ``source_id``, once the dataset validates."""
    from protestmap.dataset import load

    return load.load_sources(path, places=reference_places())


def load_figures(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load every source's own figure where sources disagree, once the dataset validates."""
    from protestmap.dataset import load

    return load.load_figures(path, places=reference_places())


def load_victims(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the named victims (no rows when the dataset has no ``victims.csv``) once the dataset validates."""
    from protestmap.dataset import load

    return load.load_victims(path, places=reference_places())


def load_dataset(
    path: str | os.PathLike[str] | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """Load incidents, sources and figures with one validation pass, places included."""
    from protestmap.dataset import load

    return load.load_dataset(path, places=reference_places())


@dataclass
class Prepared:
    """Incidents loaded, geocoded and joined, with everything that went wrong on the way.

    Attributes
    ----------
    joined
        Incidents with unit codes.
    unresolved
        Rows the geocoder could not place.
    mismatches
        Points that disagree with their stated unit.
    boundaries
        The boundaries used, or None when none were found.
    sources, figures
        The source table (indexed by ``source_id``) and the per-source figures.
    warning
        Why the join fell back to stated codes, when it did.
    victims
        The named victims by ``event_id`` (``victims.csv``), or None when not loaded.
    as_of
        The day the tables were limited to (what its sources had reported by then), or None when
        they hold everything known (see :func:`protestmap.dataset.asof.as_reported`).
    """

    joined: gpd.GeoDataFrame
    unresolved: pd.DataFrame
    mismatches: pd.DataFrame
    boundaries: Boundaries | None
    sources: pd.DataFrame
    figures: pd.DataFrame
    warning: str = ""
    victims: pd.DataFrame | None = None
    as_of: dt.date | None = None


def prepare(
    data: str | os.PathLike[str] | None = None,
    *,
    boundaries_dir: str | os.PathLike[str] | None = None,
    require_boundaries: bool = False,
    as_of: dt.date | None = None,
) -> Prepared:
    """Load, geocode and join incidents in one call (what the CLI and notebooks use).

    Parameters
    ----------
    data
        Dataset directory or ``incidents.csv``; the bundled dataset by default.
    boundaries_dir
        Boundary directory (``--boundaries``); else ``$PROTESTMAP_BOUNDARIES``, the cache or the bundled copy.
    require_boundaries
        Raise instead of falling back to stated codes when no boundaries are found.
    as_of
        Keep only what sources published on or before this day reported
        (:func:`protestmap.dataset.asof.as_reported`); everything known by default.

    Returns
    -------
    Prepared
        The joined table and the problems met.
    """
    from protestmap.dataset import load
    from protestmap.places.table import geocode_incidents
    from protestmap.spatial.boundaries import load_boundaries
    from protestmap.spatial.join import join_incidents

    tables = load.load_tables(data, places=reference_places())
    if as_of is not None:
        from protestmap.dataset.asof import as_reported

        tables = as_reported(tables, as_of)
    incidents, sources, figures, victims = tables
    geocoded = geocode_incidents(incidents)
    boundaries, warning = None, ""
    try:
        boundaries = load_boundaries(boundaries_dir)
    except BoundariesNotFoundError as exc:
        if require_boundaries or boundaries_dir is not None:
            raise
        warning = f"{exc} Joining by the units the rows state, without checking points."
    result = join_incidents(geocoded.incidents, boundaries)
    return Prepared(
        result.incidents,
        geocoded.unresolved,
        result.mismatches,
        boundaries,
        sources,
        figures,
        warning,
        victims,
        as_of,
    )


def _page_name(stem: str, *, self_contained: bool) -> str:
    """Name a page; a self-contained one gets its own name, so it never replaces the normal page."""
    return f"{stem}-offline.html" if self_contained else f"{stem}.html"


def _as_of_suffix(as_of: dt.date | None) -> str:
    """Name an as-of page apart (``...-as-of-2023-01-10``), so it never replaces the full view."""
    return f"-as-of-{as_of:%Y-%m-%d}" if as_of is not None else ""


class MapFile(NamedTuple):
    """A map written to disk, with what the user must be told about it.

    Attributes
    ----------
    path
        The file written.
    warning
        Why the join fell back to stated codes (no boundaries), or empty.
    not_drawn
        Incidents of the view shown in no layer, with the reason (``event_id``, ``reason``).
    mismatches
        Points that disagree with their stated unit.
    notice
        What the page also says about the view, e.g. a date outside the data's coverage.
    """

    path: Path
    warning: str
    not_drawn: pd.DataFrame
    mismatches: pd.DataFrame
    notice: str = ""


def _save(fmap: folium.Map, prepared: Prepared, target: Path, *, self_contained: bool) -> MapFile:
    from protestmap.maps.page import extras, save_map

    path = save_map(fmap, target, self_contained=self_contained)
    notice = getattr(fmap, "protestmap_notice", "")
    return MapFile(path, prepared.warning, extras(fmap).protestmap_not_drawn, prepared.mismatches, notice)


def write_day_map(
    day: dt.date,
    *,
    level: str = "department",
    window: Window | None = None,
    data: str | os.PathLike[str] | None = None,
    boundaries_dir: str | os.PathLike[str] | None = None,
    out: Path | None = None,
    page: PageOptions | None = None,
    as_of: dt.date | None = None,
) -> MapFile:
    """Prepare the incidents and write the map of ``day`` (default ``maps/peru-protests-DAY.html``).

    Without ``out`` the page goes to :func:`protestmap._io.default_output_dir`; a self-contained
    page is named ``peru-protests-DAY-offline.html`` so it never replaces the normal one, and an
    as-of page ``peru-protests-DAY-as-of-D.html``.

    ``page`` chooses how Leaflet and tiles are loaded (:class:`protestmap.maps.page.PageOptions`;
    by default Leaflet is inlined, so the page opens offline, and tiles are optional).
    With ``as_of`` the map shows only what sources published by that day reported, and says so.
    """
    from protestmap.maps.day import render_date_map
    from protestmap.maps.page import PageOptions

    page = page or PageOptions()
    prepared = prepare(data, boundaries_dir=boundaries_dir, as_of=as_of)
    fmap = render_date_map(
        prepared, day, level=level, window=window, self_contained=page.self_contained, cdn=page.cdn, lang=page.lang
    )
    name = _page_name(f"peru-protests-{day:%Y-%m-%d}{_as_of_suffix(as_of)}", self_contained=page.self_contained)
    return _save(fmap, prepared, out or default_output_dir() / name, self_contained=page.self_contained)


def write_timeline(  # noqa: PLR0913 - keyword-only options, one per command-line option of render --timeline
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    level: str = "department",
    window: Window | None = None,
    data: str | os.PathLike[str] | None = None,
    boundaries_dir: str | os.PathLike[str] | None = None,
    out: Path | None = None,
    page: PageOptions | None = None,
    as_of: dt.date | None = None,
) -> MapFile:
    """Prepare the incidents and write the timeline (default ``maps/peru-protests-timeline.html``).

    ``page`` and ``as_of`` are as for :func:`write_day_map`, and so are default names and folders.
    """
    from protestmap.maps.page import PageOptions
    from protestmap.maps.timeline import render_timeline_map

    page = page or PageOptions()
    prepared = prepare(data, boundaries_dir=boundaries_dir, as_of=as_of)
    fmap = render_timeline_map(
        prepared,
        start=start,
        end=end,
        level=level,
        window=window,
        self_contained=page.self_contained,
        cdn=page.cdn,
        lang=page.lang,
    )
    name = _page_name(f"peru-protests-timeline{_as_of_suffix(as_of)}", self_contained=page.self_contained)
    return _save(fmap, prepared, out or default_output_dir() / name, self_contained=page.self_contained)


def write_aggregate_timeline(
    table: str | os.PathLike[str],
    *,
    boundaries_dir: str | os.PathLike[str] | None = None,
    out: Path | None = None,
    self_contained: bool = False,
) -> Path:
    """Write the timeline of an aggregate table (default ``maps/peru-events-timeline.html``)."""
    from protestmap.maps.aggregates import render_aggregate_timeline
    from protestmap.maps.page import save_map
    from protestmap.spatial.boundaries import load_boundaries
    from protestmap.spatial.scale import read_aggregates

    counts = read_aggregates(Path(table))
    fmap = render_aggregate_timeline(counts, boundaries=load_boundaries(boundaries_dir), self_contained=self_contained)
    target = out or default_output_dir() / _page_name("peru-events-timeline", self_contained=self_contained)
    return save_map(fmap, target, self_contained=self_contained)
