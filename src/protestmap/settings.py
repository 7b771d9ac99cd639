"""Every tunable and shared constant of protestmap, in one place.

Geography
    ``PERU_BBOX`` is the extent points must lie in (validation) and the extent a map opens on;
    ``BOUNDARY_BBOX`` is the slightly wider frame a boundary file must fit in (simplified coasts
    and islands); ``PERU_CENTRE`` is where a point goes when nothing better is known (the
    gazetteer's national entry, the timeline's fallback).
Units
    ``UNIT_COLUMNS`` maps a choropleth level to the column the join writes its code in;
    ``JOIN_CHUNK_POINTS`` is how many points the join handles at a time (its memory does not grow
    with the number of points, and neither does its time per point).
Maps
    ``DEATH_COLOURS`` is the sequential ramp of the deaths choropleth (ColorBrewer Reds, 6
    classes), ``NO_DEATHS_COLOUR`` its zero class; ``AGGREGATE_ABOVE`` is the number of placed
    incidents above which the timeline draws one marker per unit, layer and day.
Environment and files
    ``DATA_ENV`` and ``BOUNDARIES_ENV`` name the environment variables that point at a dataset
    and at boundary files; ``CACHE_NAME`` is the application name of the user cache directory.
Limits
    ``MAX_COUNT`` is the largest count a dataset may hold; ``MAX_SENTENCE`` the longest
    sentence the article reader considers (longer text is cut at clause ends, keeping time linear);
    ``STALE_TEMP_SECONDS`` the age after which our own leftover temporary files are removed.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "AGGREGATE_ABOVE",
    "BOUNDARIES_ENV",
    "BOUNDARY_BBOX",
    "CACHE_NAME",
    "DATA_ENV",
    "DEATH_COLOURS",
    "JOIN_CHUNK_POINTS",
    "MAX_COUNT",
    "MAX_SENTENCE",
    "NO_DEATHS_COLOUR",
    "PERU_BBOX",
    "PERU_CENTRE",
    "STALE_TEMP_SECONDS",
    "UNIT_COLUMNS",
]

#: (min lon, min lat, max lon, max lat) of Peru, EPSG:4326.
PERU_BBOX: Final = (-81.42, -18.36, -68.65, -0.03)
#: The frame a boundary layer must fit in, a little wider than :data:`PERU_BBOX`.
BOUNDARY_BBOX: Final = (-81.5, -18.5, -68.5, 0.1)
#: (lat, lon) of Peru's centre.
PERU_CENTRE: Final = (-9.19, -75.0152)

#: Choropleth level -> column holding the unit's ubigeo after the join.
UNIT_COLUMNS: Final = {"department": "department_code", "province": "province_code"}
JOIN_CHUNK_POINTS: Final = 1_000_000

DEATH_COLOURS: Final = ("#fee5d9", "#fcbba1", "#fc9272", "#fb6a4a", "#de2d26", "#a50f15")
NO_DEATHS_COLOUR: Final = "#f7f7f7"
AGGREGATE_ABOVE: Final = 2000

DATA_ENV: Final = "PROTESTMAP_DATA"
BOUNDARIES_ENV: Final = "PROTESTMAP_BOUNDARIES"
CACHE_NAME: Final = "protestmap"

MAX_COUNT: Final = 1_000_000
MAX_SENTENCE: Final = 1000
STALE_TEMP_SECONDS: Final = 15 * 60
