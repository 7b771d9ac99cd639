"""Offline geocoding of Peruvian place names to INEI units, behind geopy's Geocoder interface.

:class:`PeruGazetteer` puts :func:`~protestmap.places.resolver.resolve` behind geopy's contract:
``geocode("Juliaca")`` returns a :class:`geopy.location.Location` whose ``raw`` carries the
ubigeo, the department, province and district, an ACLED geo_precision, a status (``ok``,
``proposed`` or ``ambiguous``), a confidence and the candidates, and returns None when nothing is
found. A name shared by places of one department answers with that department (precision 3); a
town far more prominent than its namesakes is proposed, with its alternatives; ``strict=True``
refuses both, as geopy's contract allows (None).
"""

from __future__ import annotations

import functools
from typing import Any

from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from protestmap.errors import PlaceNotFoundError
from protestmap.places.gazetteer import Entry, Gazetteer, load_gazetteer
from protestmap.places.resolver import Resolution, enclosing_unit, prominence, resolve, share
from protestmap.places.rows import GEOCODE_COLUMNS, geocode_rows

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
    base = {
        "query": resolution.query,
        "status": resolution.status,
        "confidence": resolution.confidence,
        "candidates": candidates,
    }
    if resolution.status == "proposed" and not exactly_one:
        total = sum(prominence(c) for c in resolution.candidates)
        return [
            _location(c, {**_describe(c), **base, "confidence": share(prominence(c), total)})
            for c in resolution.candidates
        ]
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
    district, an ACLED ``precision``, a ``status`` (``ok``, ``proposed`` or ``ambiguous``), a
    ``confidence`` and the ``candidates`` (see :meth:`geocode`).

    It works wherever geopy geocoders do: ``geopandas.tools.geocode(names,
    provider=PeruGazetteer)`` (found names get a point, the others an empty geometry) and
    ``geopy.extra.rate_limiter.RateLimiter(PeruGazetteer().geocode)``. For suggestions on an
    unknown name, call :func:`resolve`, which raises :class:`~protestmap.errors.PlaceNotFoundError`
    with them. Reverse geocoding is not offered.

    Parameters
    ----------
    gazetteer
        The gazetteer to search; the packaged one by default.
    strict
        Never propose the most prominent of several namesakes: such a name is ambiguous, as in
        geopy's contract when no single answer exists (None, or the shared department).

    Examples
    --------
    >>> loc = PeruGazetteer().geocode("Juliaca")
    >>> loc.raw["ubigeo"], loc.raw["province"], loc.raw["precision"]
    ('211101', 'San Román', 1)
    >>> loc = PeruGazetteer().geocode("Chucuito")  # the province or the district: both in Puno
    >>> loc.raw["status"], loc.raw["level"], loc.raw["ubigeo"], loc.raw["precision"]
    ('ambiguous', 'department', '21', 3)
    >>> loc = PeruGazetteer().geocode("Lampa")  # a Puno provincial capital, or a small Ayacucho district
    >>> loc.raw["status"], loc.raw["ubigeo"], loc.raw["confidence"] >= 0.8
    ('proposed', '210701', True)
    >>> [c["ubigeo"] for c in loc.raw["candidates"]]  # the proposal first, then its alternatives
    ['210701', '050804']
    >>> PeruGazetteer(strict=True).geocode("Lampa") is None  # Puno or Ayacucho: no point is honest
    True
    >>> PeruGazetteer().geocode("Juliacca") is None
    True
    """

    def __init__(self, *, gazetteer: Gazetteer | None = None, strict: bool = False) -> None:
        super().__init__(timeout=None)
        self.gazetteer = gazetteer or load_gazetteer()
        self.strict = strict
        self._cached = functools.lru_cache(maxsize=65536)(self._geocode_uncached)

    def _geocode_uncached(
        self, query: str, department: str | None, exactly_one: bool
    ) -> Location | list[Location] | None:
        try:
            resolution = resolve(query, department=department, gazetteer=self.gazetteer, strict=self.strict)
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

            - found: the place, ``raw["status"] == "ok"``, ``raw["confidence"] == 1.0``;
            - several places, one far more prominent (provincial capital, GeoNames population)
              and ``strict`` off: that town, ``raw["status"] == "proposed"``, its
              ``confidence`` (share of the candidates' prominence) and the ``candidates``, the
              proposal first;
            - ambiguous: the smallest province or department holding every candidate, with
              ``raw["status"] == "ambiguous"``, the unit's own ``ubigeo``, ``level`` and
              ``precision`` (2 or 3) and the ``candidates``; None when the candidates lie in
              different departments (no point would be honest);
            - not found: None.

            With ``exactly_one=False``: a list with the one place when found; one location per
            candidate when proposed (the proposal first, each with its own ``confidence``) or
            ambiguous (by ubigeo, ``confidence`` None), each with the whole candidate list;
            None when not found.

            ``raw`` holds ``query``, ``name``, ``level``, ``ubigeo``, ``department``,
            ``province``, ``district``, ``latitude``, ``longitude``, ``precision``, ``note``,
            ``status``, ``confidence`` and ``candidates`` (each described by the first fields).
        """
        return self._cached(query, department, exactly_one)
