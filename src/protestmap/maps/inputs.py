"""What a map can be drawn from: a prepared table, or any GeoDataFrame of incidents.

The renderers accept :class:`protestmap.pipeline.Prepared` (or anything shaped like
:class:`protestmap.maps.content.MapInput`) and also a plain GeoDataFrame, e.g. a filtered one::

    incidents = protestmap.load_incidents()
    puno = incidents[incidents.admin1 == "Puno"]
    protestmap.render_date_map(puno, dt.date(2023, 1, 9))  # markers only
    prepared = protestmap.prepare()
    protestmap.render_date_map(
        protestmap.MapData(puno, boundaries=prepared.boundaries, sources=prepared.sources),
        dt.date(2023, 1, 9),
    )  # with choropleths and full sources

A table that has not been through the pipeline is geocoded and joined here (to the boundaries
given, else by the units its rows state); without a source table popups name sources by id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from protestmap.maps.content import MapInput
    from protestmap.spatial.boundaries import Boundaries

__all__ = ["MapData", "as_map_input"]


def _empty(columns: tuple[str, ...], index: str | None = None) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return frame.set_index(index) if index else frame


@dataclass
class MapData:
    """A :class:`protestmap.maps.content.MapInput` built from a GeoDataFrame."""

    joined: gpd.GeoDataFrame
    sources: pd.DataFrame = field(default_factory=lambda: _empty(("source_id", "outlet"), "source_id"))
    figures: pd.DataFrame = field(
        default_factory=lambda: _empty(("event_id", "source_id", "measure", "value", "as_of", "note"))
    )
    victims: pd.DataFrame | None = None
    boundaries: Boundaries | None = None
    unresolved: pd.DataFrame = field(default_factory=lambda: _empty(("event_id", "query", "status", "reason")))
    warning: str = ""
    as_of: dt.date | None = None


def _joined(incidents: gpd.GeoDataFrame, boundaries: Boundaries | None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Geocode and join a table that has not been through the pipeline; keep one that has."""
    if "province_code" in incidents.columns:
        return incidents, _empty(("event_id", "query", "status", "reason"))
    from protestmap.places.table import geocode_incidents
    from protestmap.spatial.join import join_incidents

    geocoded = geocode_incidents(incidents)
    return join_incidents(geocoded.incidents, boundaries).incidents, geocoded.unresolved


def as_map_input(data: Any) -> MapInput:
    """Return what a renderer draws from, geocoding and joining a table that needs it.

    Parameters
    ----------
    data
        A :class:`protestmap.pipeline.Prepared`, a :class:`MapData` (a GeoDataFrame with the
        boundaries and source table to draw it with), or a bare GeoDataFrame of incidents
        (markers only, sources named by id).
    """
    if not hasattr(data, "joined"):
        data = MapData(data)
    if "province_code" not in data.joined.columns:
        data.joined, data.unresolved = _joined(data.joined, data.boundaries)
    return data
