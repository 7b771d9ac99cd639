"""protestmap: sourced, geocoded, interactive maps of protest incidents in Peru.

The public API follows the data flow; scripts and notebooks import from here only:

- dataset: :func:`load_incidents`, :func:`load_sources`, :func:`load_figures`, :func:`load_victims`,
  :func:`load_dataset`, :func:`validate_dataset`, :func:`default_data_dir`;
- places: :class:`PeruGazetteer` (a geopy geocoder), :func:`geocode_incidents`;
- spatial: :func:`load_boundaries`, :func:`join_incidents`, :func:`aggregate`,
  :func:`active_on`, :func:`daily`, :func:`national_totals`;
- the stages joined: :func:`prepare` (load → geocode → boundaries → join) and :class:`Prepared`;
- maps: :func:`render_date_map` and :func:`render_timeline_map` return a ``folium.Map`` drawn
  from prepared incidents, any GeoDataFrame of incidents, or a :class:`MapData`;
  :class:`Window` chooses cumulative or moving-window views; :func:`write_day_map` and
  :func:`write_timeline` are what ``protestmap render`` does.

Modules that pull in heavy libraries (geopy, geopandas, folium) load on first use, so
``protestmap --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from protestmap.errors import (
    BoundariesNotFoundError,
    InvalidIncidentError,
    PlaceNotFoundError,
    Problem,
    ProtestmapError,
)

if TYPE_CHECKING:
    from protestmap.dataset.load import default_data_dir
    from protestmap.maps.content import Window
    from protestmap.maps.day import render_date_map
    from protestmap.maps.inputs import MapData
    from protestmap.maps.timeline import render_timeline_map
    from protestmap.pipeline import (
        Prepared,
        load_dataset,
        load_figures,
        load_incidents,
        load_sources,
        load_victims,
        prepare,
        validate_dataset,
        write_day_map,
        write_timeline,
    )
    from protestmap.places.geocoder import PeruGazetteer
    from protestmap.places.table import geocode_incidents
    from protestmap.spatial.aggregate import active_on, aggregate, daily, national_totals
    from protestmap.spatial.boundaries import load_boundaries
    from protestmap.spatial.join import join_incidents

__version__ = "0.1.0"

_LAZY = {
    "default_data_dir": "protestmap.dataset.load",
    "Prepared": "protestmap.pipeline",
    "load_dataset": "protestmap.pipeline",
    "load_figures": "protestmap.pipeline",
    "load_incidents": "protestmap.pipeline",
    "load_sources": "protestmap.pipeline",
    "load_victims": "protestmap.pipeline",
    "prepare": "protestmap.pipeline",
    "validate_dataset": "protestmap.pipeline",
    "write_day_map": "protestmap.pipeline",
    "write_timeline": "protestmap.pipeline",
    "PeruGazetteer": "protestmap.places.geocoder",
    "geocode_incidents": "protestmap.places.table",
    "load_boundaries": "protestmap.spatial.boundaries",
    "join_incidents": "protestmap.spatial.join",
    "aggregate": "protestmap.spatial.aggregate",
    "active_on": "protestmap.spatial.aggregate",
    "daily": "protestmap.spatial.aggregate",
    "national_totals": "protestmap.spatial.aggregate",
    "Window": "protestmap.maps.content",
    "MapData": "protestmap.maps.inputs",
    "render_date_map": "protestmap.maps.day",
    "render_timeline_map": "protestmap.maps.timeline",
}

__all__ = [
    "BoundariesNotFoundError",
    "InvalidIncidentError",
    "MapData",
    "PeruGazetteer",
    "PlaceNotFoundError",
    "Prepared",
    "Problem",
    "ProtestmapError",
    "Window",
    "__version__",
    "active_on",
    "aggregate",
    "daily",
    "default_data_dir",
    "geocode_incidents",
    "join_incidents",
    "load_boundaries",
    "load_dataset",
    "load_figures",
    "load_incidents",
    "load_sources",
    "load_victims",
    "national_totals",
    "prepare",
    "render_date_map",
    "render_timeline_map",
    "validate_dataset",
    "write_day_map",
    "write_timeline",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    message = f"module 'protestmap' has no attribute {name!r}"
    raise AttributeError(message)


def __dir__() -> list[str]:
    return sorted(__all__)
