"""Every tunable and shared constant of protestmap, in one place.

Geography
    ``PERU_BBOX`` is the extent points must lie in (validation) and the extent a map opens on;
    ``BOUNDARY_BBOX`` is the slightly wider frame a boundary file must fit in (simplified coasts
    and islands); ``PERU_CENTRE`` is where a point goes when nothing better is known (the
    gazetteer's national entry, the timeline's fallback).
Geocoding
    A name shared by several towns is proposed as its most prominent one when that town carries
    at least ``PROPOSE_CONFIDENCE`` of the candidates' prominence (GeoNames population, at least
    ``UNKNOWN_POPULATION``, times ``CAPITAL_WEIGHT`` for a provincial capital).
Units
    ``UNIT_COLUMNS`` maps a choropleth level to the column the join writes its code in;
    ``JOIN_CHUNK_POINTS`` is how many points the join handles at a time (its memory does not grow
    with the number of points, and neither does its time per point).
Maps
    ``DEATH_COLOURS`` is the sequential ramp of the deaths choropleth (ColorBrewer Reds, 6
    classes), ``NO_DEATHS_COLOUR`` its zero class; ``AGGREGATE_ABOVE`` is the number of placed
    incidents above which the timeline draws one marker per unit, layer and day;
    ``TILES_FAILED_NOTE`` is what a page says when its web tiles could not load (fixed words:
    never paths or variable names).
Export
    ``CHROMIUM`` is Debian's Chromium, which takes PNG and PDF snapshots of a page (a browser is
    never downloaded); ``CHROMIUM_FLAGS`` the headless, offline flags it is started with.
Environment and files
    ``DATA_ENV`` and ``BOUNDARIES_ENV`` name the environment variables that point at a dataset
    and at boundary files; ``CACHE_NAME`` is the application name of the user cache directory.
Limits
    ``MAX_COUNT`` is the largest count a dataset may hold; ``MAX_SENTENCE`` the longest
    sentence the article reader considers (longer text is cut at clause ends, keeping time linear);
    ``STALE_TEMP_SECONDS`` the age after which our own leftover temporary files are removed.
"""

from __future__ import annotations

import datetime
from typing import Final

__all__ = [
    "AGGREGATE_ABOVE",
    "BOUNDARIES_ENV",
    "BOUNDARY_BBOX",
    "CACHE_NAME",
    "CAPITAL_WEIGHT",
    "CHROMIUM",
    "CHROMIUM_FLAGS",
    "DATASET_PERIOD",
    "DATA_ENV",
    "DEATH_COLOURS",
    "JOIN_CHUNK_POINTS",
    "MAX_COUNT",
    "MAX_SENTENCE",
    "NO_DEATHS_COLOUR",
    "PERU_BBOX",
    "PERU_CENTRE",
    "PROPOSE_CONFIDENCE",
    "STALE_TEMP_SECONDS",
    "TILES_FAILED_NOTE",
    "UNIT_COLUMNS",
    "UNKNOWN_POPULATION",
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
TILES_FAILED_NOTE: Final = (
    "Base map tiles could not be loaded (offline?); boundaries and incidents are shown without them."
)

CHROMIUM: Final = "/usr/bin/chromium"
CHROMIUM_FLAGS: Final = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")

DATA_ENV: Final = "PROTESTMAP_DATA"
BOUNDARIES_ENV: Final = "PROTESTMAP_BOUNDARIES"
CACHE_NAME: Final = "protestmap"

MAX_COUNT: Final = 1_000_000
MAX_SENTENCE: Final = 1000
DATASET_PERIOD: Final = (datetime.date(2022, 12, 1), datetime.date(2023, 3, 31))
"""First and last day of the protests the dataset covers; extracted dates outside it are flagged."""
STALE_TEMP_SECONDS: Final = 15 * 60

#: Share of the candidates' prominence a town needs to be proposed for a shared name.
PROPOSE_CONFIDENCE: Final = 0.8
#: Prominence factor of a provincial (or departmental) capital over other towns.
CAPITAL_WEIGHT: Final = 10
#: Population assumed for a town GeoNames gives none for (its extract lists towns of 500 and more).
UNKNOWN_POPULATION: Final = 500
