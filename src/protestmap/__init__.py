"""protestmap: sourced, geocoded, interactive maps of protest incidents in Peru.

The public API re-exports the functions researchers use in scripts and notebooks. Heavy libraries
(geopandas, folium) are imported only when a function needs them.
"""

from __future__ import annotations

from protestmap.errors import (
    BoundariesNotFoundError,
    InvalidIncidentError,
    PlaceNotFoundError,
    ProtestmapError,
)
from protestmap.incidents import default_data_dir, load_figures, load_incidents, load_sources
from protestmap.validate import validate_dataset

__version__ = "0.1.0"

__all__ = [
    "BoundariesNotFoundError",
    "InvalidIncidentError",
    "PlaceNotFoundError",
    "ProtestmapError",
    "__version__",
    "default_data_dir",
    "load_figures",
    "load_incidents",
    "load_sources",
    "validate_dataset",
]
