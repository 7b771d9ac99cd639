"""Offline geocoding of Peruvian place names to INEI units, behind geopy's Geocoder interface.

:func:`resolve` (re-exported from :mod:`protestmap.places.resolver`, which needs no geopy) says
what a name means: one place (``ok``), several (``ambiguous``), or nothing
(:class:`~protestmap.errors.PlaceNotFoundError`, with suggestions). :class:`PeruGazetteer` puts
that behind geopy's contract: ``geocode("Juliaca")`` returns a :class:`geopy.location.Location`
whose ``raw`` carries the ubigeo, the department, province and district, an ACLED geo_precision,
a status (``ok`` or ``ambiguous``) and the candidates, and returns None when nothing is found.
An ambiguous name is never silently picked.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from protestmap.errors import PlaceNotFoundError
from protestmap.places.gazetteer import Entry, Gazetteer, load_gazetteer
from protestmap.places.resolver import Resolution, resolve

__all__ = [
    "GEOCODE_COLUMNS",
    "PeruGazetteer",
    "Resolution",
    "enclosing_unit",
    "geocode_rows",
    "resolve",
    "to_locations",
]


def _describe(entry: Entry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "level": entry.level,
        "ubigeo": entry.ubigeo,
        "department": entry.department,
        "province": entry.province,
        "district": entry.district,
        "latitude": entry.latitude,
        "longitude": entry.longitude,
        "precision": entry.precision,
        "note": entry.note,
    }


def _address(entry: Entry) -> str:
    parts = [entry.name, entry.district, entry.province, entry.department, "Perú"]
    return ", ".join(dict.fromkeys(p for p in parts if p))


def _location(entry: Entry, raw: dict[str, Any]) -> Location:
    return Location(_address(entry), (entry.latitude, entry.longitude), raw)


def enclosing_unit(candidates: Sequence[Entry], gazetteer: Gazetteer | None = None) -> Entry | None:
    """Return the smallest province or department that holds every candidate, if there is one.

    Parameters
    ----------
    candidates
        The candidates of an ambiguous resolution.
    gazetteer
        The gazetteer to take the unit from; the packaged one by default.

    Returns
    -------
    Entry or None
        A province (4-digit ubigeo) or department (2 digits); None when the candidates lie in
        different departments.

    Examples
    --------
    >>> enclosing_unit(resolve("Chucuito").candidates).name  # the province, or the district of Puno
    'Puno'
    >>> enclosing_unit(resolve("Huancabamba").candidates) is None  # Piura or Pasco
    True
    """
    gaz = gazetteer or load_gazetteer()
    codes = [c.ubigeo for c in candidates]
    for size in (4, 2):
        shared = {code[:size] for code in codes}
        if len(shared) == 1 and all(len(code) >= size for code in codes):
            unit = gaz.unit(shared.pop())
            if unit is not None:
                return unit
    return None


def to_locations(
    resolution: Resolution, *, exactly_one: bool, gazetteer: Gazetteer | None = None
) -> Location | list[Location] | None:
    """Turn a resolution into geopy locations, following :class:`PeruGazetteer`'s contract.

    Parameters
    ----------
    resolution
        What :func:`resolve` found.
    exactly_one
        One location (or None), or a list of locations (one per candidate).
    gazetteer
        The gazetteer the resolution came from (for the unit enclosing ambiguous candidates).

    Returns
    -------
    Location, list of Location or None
        See :meth:`PeruGazetteer.geocode`.
    """
    candidates = [_describe(c) for c in resolution.candidates]
    base = {"query": resolution.query, "status": resolution.status, "candidates": candidates}
    if resolution.match is not None:
        entry = resolution.match
        location = _location(entry, {**_describe(entry), **base, "precision": resolution.precision})
        return location if exactly_one else [location]
    if not exactly_one:
        return [_location(c, {**_describe(c), **base}) for c in resolution.candidates]
    unit = enclosing_unit(resolution.candidates, gazetteer)
    return None if unit is None else _location(unit, {**_describe(unit), **base})


class PeruGazetteer(Geocoder):
    """Offline geocoder for Peru over the INEI gazetteer, with geopy's interface and contract.

    :meth:`geocode` answers like geopy's own geocoders: a :class:`geopy.location.Location`, a
    list of them, or None when nothing is found (never an exception for an unknown name). Every
    location has a point, and its ``raw`` carries the ubigeo, the department, province and
    district, an ACLED ``precision``, a ``status`` (``ok`` or ``ambiguous``) and the
    ``candidates``. An ambiguous name is never silently picked (see :meth:`geocode`).

    It works wherever geopy geocoders do: ``geopandas.tools.geocode(names,
    provider=PeruGazetteer)`` (found names get a point, the others an empty geometry) and
    ``geopy.extra.rate_limiter.RateLimiter(PeruGazetteer().geocode)``. For suggestions on an
    unknown name, call :func:`resolve`, which raises :class:`~protestmap.errors.PlaceNotFoundError`
    with them. Reverse geocoding is not offered.

    Parameters
    ----------
    gazetteer
        The gazetteer to search; the packaged one by default.

    Examples
    --------
    >>> loc = PeruGazetteer().geocode("Juliaca")
    >>> loc.raw["ubigeo"], loc.raw["province"], loc.raw["precision"]
    ('211101', 'San Román', 1)
    >>> loc = PeruGazetteer().geocode("Chucuito")  # the province or the district: both in Puno
    >>> loc.raw["status"], loc.raw["level"], loc.raw["ubigeo"], loc.raw["precision"]
    ('ambiguous', 'department', '21', 3)
    >>> PeruGazetteer().geocode("Huancabamba") is None  # in Piura or in Pasco: no point is honest
    True
    >>> [loc.raw["ubigeo"] for loc in PeruGazetteer().geocode("Huancabamba", exactly_one=False)]
    ['190303', '200301']
    >>> PeruGazetteer().geocode("Juliacca") is None
    True
    """

    def __init__(self, *, gazetteer: Gazetteer | None = None) -> None:
        super().__init__(timeout=None)
        self.gazetteer = gazetteer or load_gazetteer()
        self._cached = functools.lru_cache(maxsize=65536)(self._geocode_uncached)

    def _geocode_uncached(
        self, query: str, department: str | None, exactly_one: bool
    ) -> Location | list[Location] | None:
        try:
            resolution = resolve(query, department=department, gazetteer=self.gazetteer)
        except PlaceNotFoundError:
            return None  # cached too, so repeated unknown names stay cheap
        return to_locations(resolution, exactly_one=exactly_one, gazetteer=self.gazetteer)

    def geocode(
        self,
        query: str,
        *,
        department: str | None = None,
        exactly_one: bool = True,
        timeout: object = DEFAULT_SENTINEL,
    ) -> Location | list[Location] | None:
        """Geocode a place name offline.

        Parameters
        ----------
        query
            The place as written.
        department
            Department (or province) hint, to settle an ambiguous name.
        exactly_one
            Return one location, or a list of locations.
        timeout
            Accepted for geopy compatibility; nothing here waits on a network.

        Returns
        -------
        Location, list of Location or None
            With ``exactly_one=True``:

            - found: the place, ``raw["status"] == "ok"``;
            - ambiguous: the smallest province or department holding every candidate, with
              ``raw["status"] == "ambiguous"``, the unit's own ``ubigeo``, ``level`` and
              ``precision`` (2 or 3) and the ``candidates``; None when the candidates lie in
              different departments (no point would be honest);
            - not found: None.

            With ``exactly_one=False``: a list with the one place when found; one location per
            candidate when ambiguous, each with ``raw["status"] == "ambiguous"`` and the whole
            candidate list; None when not found.

            ``raw`` holds ``query``, ``name``, ``level``, ``ubigeo``, ``department``,
            ``province``, ``district``, ``latitude``, ``longitude``, ``precision``, ``note``,
            ``status`` and ``candidates`` (each described by the same fields).
        """
        return self._cached(query, department, exactly_one)


#: Columns printed by ``protestmap geocode``.
GEOCODE_COLUMNS = (
    "query",
    "name",
    "department",
    "province",
    "district",
    "ubigeo",
    "latitude",
    "longitude",
    "precision",
    "status",
    "candidates",
)


def geocode_rows(queries: list[str], *, department: str | None = None, online: Any = None) -> list[dict[str, Any]]:
    """Geocode several place names into printable rows, one per query, never failing.

    Parameters
    ----------
    queries
        Place names as written.
    department
        Department hint applied to every query.
    online
        Optional :class:`protestmap.places.online.CachedNominatim` asked when the gazetteer has nothing.

    Returns
    -------
    list of dict
        Keys :data:`GEOCODE_COLUMNS`; ``status`` is ``ok``, ``ambiguous`` or ``not_found``.
    """
    gazetteer = load_gazetteer()
    rows: list[dict[str, Any]] = []
    for query in queries:
        row: dict[str, Any] = dict.fromkeys(GEOCODE_COLUMNS)
        row["query"] = query
        try:
            resolution = resolve(query, department=department, gazetteer=gazetteer)
        except PlaceNotFoundError as exc:
            point = online.lookup(query) if online is not None else None
            if point is None:
                row.update(status="not_found", candidates=exc.suggestions)
            else:
                row.update(
                    name=f"{query} (Nominatim)",
                    latitude=point[0],
                    longitude=point[1],
                    precision=2,
                    status="ok",
                )
            rows.append(row)
            continue
        entry = resolution.match
        if entry is not None:
            row.update(
                name=entry.name,
                department=entry.department,
                province=entry.province,
                district=entry.district,
                ubigeo=entry.ubigeo,
                latitude=entry.latitude,
                longitude=entry.longitude,
                precision=resolution.precision,
                status="ok",
            )
        else:
            labels = [f"{c.name} ({c.level}, {c.ubigeo})" for c in resolution.candidates]
            row.update(status="ambiguous", candidates=labels)
        rows.append(row)
    return rows
