"""protestmap: sourced, geocoded, interactive maps of protest incidents in Peru.

The public API re-exports the functions researchers use in scripts and notebooks. Modules that pull
in heavy libraries (geopy, geopandas, folium) load on first use: ``protestmap --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from protestmap.dataset.load import default_data_dir
from protestmap.errors import (
    BoundariesNotFoundError,
    InvalidIncidentError,
    PlaceNotFoundError,
    ProtestmapError,
)
from protestmap.pipeline import load_figures, load_incidents, load_sources, validate_dataset

if TYPE_CHECKING:
    from protestmap.places.geocoder import PeruGazetteer
    from protestmap.places.table import geocode_incidents

__version__ = "0.1.0"

_LAZY = {
    "PeruGazetteer": "protestmap.places.geocoder",
    "geocode_incidents": "protestmap.places.table",
}

__all__ = [
    "BoundariesNotFoundError",
    "InvalidIncidentError",
    "PeruGazetteer",
    "PlaceNotFoundError",
    "ProtestmapError",
    "__version__",
    "default_data_dir",
    "geocode_incidents",
    "load_figures",
    "load_incidents",
    "load_sources",
    "validate_dataset",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    message = f"module 'protestmap' has no attribute {name!r}"
    raise AttributeError(message)
