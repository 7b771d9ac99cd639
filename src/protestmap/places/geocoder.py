"""Offline geocoding of Peruvian place names to INEI units, behind geopy's Geocoder interface.

:class:`PeruGazetteer` answers ``geocode("Juliaca")`` with a :class:`geopy.location.Location`
whose ``raw`` carries the ubigeo, the department, province and district, an ACLED geo_precision,
a status (``ok`` or ``ambiguous``) and the candidates. An ambiguous name is never silently picked.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Any

from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from protestmap.errors import PlaceNotFoundError
from protestmap.places.gazetteer import Entry, Gazetteer, load_gazetteer, normalize

__all__ = [
    "GEOCODE_COLUMNS",
    "PeruGazetteer",
    "PlaceMatch",
    "Resolution",
    "geocode_rows",
    "resolve",
]

_PREFIXES = (
    ("departamento de ", "department"),
    ("departamento del ", "department"),
    ("department of ", "department"),
    ("region de ", "department"),
    ("region del ", "department"),
    ("region ", "department"),
    ("provincia de ", "province"),
    ("provincia del ", "province"),
    ("province of ", "province"),
    ("distrito de ", "district"),
    ("district of ", "district"),
    ("ciudad de ", "town"),
    ("city of ", "town"),
    ("the ", None),
)
_SUFFIXES = (
    (" department", "department"),
    (" region", "department"),
    (" province", "province"),
    (" provincia", "province"),
    (" district", "district"),
    (" city", "town"),
)
_LEVELS = {
    "department": {"department"},
    "province": {"province"},
    "district": {"district"},
    "town": {"district", "place"},
}
_SITE = re.compile(r"^(?:.*\s)?(?:at|en|near|cerca de|a la altura de)\s+(?P<place>.+)$")
_NEAR = re.compile(r"^(?:near|cerca de)\s")


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one query.

    Attributes
    ----------
    query
        The query as given.
    status
        ``ok`` when one place is meant, ``ambiguous`` when several remain.
    match
        The place meant, when ``status`` is ``ok``.
    candidates
        Every remaining candidate (one per branch of the INEI hierarchy).
    near
        True when the query said "near X" or "the road at X": precision drops to 2.
    """

    query: str
    status: str
    match: Entry | None
    candidates: tuple[Entry, ...]
    near: bool = False

    @property
    def precision(self) -> int | None:
        """ACLED geo_precision of the match."""
        if self.match is None:
            return None
        return max(self.match.precision, 2) if self.near else self.match.precision


def _split_level(name: str) -> tuple[str, str | None]:
    for prefix, level in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            rest, inner = _split_level(name[len(prefix) :])
            return rest, level or inner
    for suffix, level in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], level
    return name, None


def _scope_codes(gaz: Gazetteer, hint: str) -> set[str] | None:
    """Map a hint ("Puno", "San Román province") to the ubigeo prefixes it allows."""
    name, level = _split_level(normalize(hint))
    canonical, fixed = gaz.aliases.get(name, ("", None))
    codes = {fixed.ubigeo} if fixed is not None and fixed.ubigeo and level is None else set()
    found = gaz.lookup(canonical or name)
    wanted = _LEVELS.get(level or "", {"department", "province"})
    codes |= {e.ubigeo for e in found if e.level in wanted and e.level in {"department", "province"}}
    return codes or None


def _leaves(candidates: list[Entry]) -> list[Entry]:
    """Keep the deepest candidate of each branch; a district beats a place with the same code."""
    unique: dict[str, Entry] = {}
    for entry in sorted(candidates, key=lambda e: e.level != "district"):
        unique.setdefault(entry.ubigeo, entry)
    return [e for code, e in unique.items() if not any(other != code and other.startswith(code) for other in unique)]


def _suggest(gaz: Gazetteer, name: str) -> list[str]:
    from rapidfuzz import fuzz, process

    hits = process.extract(name, gaz.names, scorer=fuzz.WRatio, limit=3, score_cutoff=70)
    return [gaz.lookup(hit)[0].label() for hit, _, _ in hits]


def resolve(query: str, *, department: str | None = None, gazetteer: Gazetteer | None = None) -> Resolution:
    """Resolve a place name to the INEI unit or place it means.

    Parameters
    ----------
    query
        As reporters write it: "Juliaca", "Cuzco", "región Apurímac", "Chucuito, Puno",
        "San Román province", "the Puno–Desaguadero road at Ilave".
    department
        A department (or province) that the place lies in, to resolve ambiguity.
    gazetteer
        The gazetteer to use; the packaged one by default.

    Returns
    -------
    Resolution
        ``status`` is ``ok`` with a ``match``, or ``ambiguous`` with the ``candidates``.

    Raises
    ------
    PlaceNotFoundError
        When nothing matches; it carries up to three suggestions.
    """
    gaz = gazetteer or load_gazetteer()
    parts = [p.strip() for p in normalize(query).split(",") if p.strip()]
    if not parts:
        raise PlaceNotFoundError(query)
    head, hints = parts[0], parts[1:] + ([department] if department else [])
    near = bool(_NEAR.match(head))
    name, level = _split_level(head)
    canonical, fixed = gaz.aliases.get(head, gaz.aliases.get(name, ("", None)))
    if fixed is not None and (level is None or head in gaz.aliases):
        return Resolution(query, "ok", fixed, (fixed,), near)
    candidates = gaz.lookup(canonical or name)
    site = _SITE.match(name)
    if not candidates and site:
        inner = resolve(site["place"] + "".join(f", {h}" for h in hints), gazetteer=gaz)
        return replace(inner, query=query, near=True)
    if level:
        candidates = [c for c in candidates if c.level in _LEVELS[level]]
    for hint in hints:
        codes = _scope_codes(gaz, hint)
        if codes is None:
            raise PlaceNotFoundError(hint, _suggest(gaz, normalize(hint)))
        candidates = [c for c in candidates if any(c.ubigeo.startswith(code) for code in codes)]
    if not candidates:
        raise PlaceNotFoundError(query, _suggest(gaz, canonical or name))
    leaves = _leaves(candidates)
    if len(leaves) == 1:
        return Resolution(query, "ok", leaves[0], tuple(leaves), near)
    ordered = tuple(sorted(leaves, key=lambda e: e.ubigeo))
    return Resolution(query, "ambiguous", None, ordered, near)


class PlaceMatch(Location):
    """A :class:`geopy.location.Location` that may have no point (an ambiguous answer)."""

    def __init__(self, address: str, point: tuple[float, float] | None, raw: dict[str, Any]) -> None:
        if point is not None:
            super().__init__(address, point, raw)
            return
        self._address = address
        self._point = None
        self._tuple = (address, (None, None))
        self._raw = raw

    @property
    def latitude(self) -> float | None:  # noqa: D102 - geopy's docstring applies
        return None if self._point is None else self._point[0]

    @property
    def longitude(self) -> float | None:  # noqa: D102
        return None if self._point is None else self._point[1]

    @property
    def point(self) -> Point | None:  # noqa: D102
        return self._point


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


def to_locations(resolution: Resolution, *, exactly_one: bool) -> PlaceMatch | list[PlaceMatch]:
    """Turn a resolution into geopy locations (one, or one per candidate)."""
    candidates = [_describe(c) for c in resolution.candidates]
    base = {"query": resolution.query, "status": resolution.status, "candidates": candidates}
    if resolution.match is not None:
        entry = resolution.match
        raw = {**_describe(entry), **base, "precision": resolution.precision}
        location = PlaceMatch(_address(entry), (entry.latitude, entry.longitude), raw)
        return location if exactly_one else [location]
    if exactly_one:
        address = f"ambiguous: {resolution.query}"
        return PlaceMatch(address, None, {**base, "precision": None, "ubigeo": None})
    return [PlaceMatch(_address(c), (c.latitude, c.longitude), {**_describe(c), **base}) for c in resolution.candidates]


class PeruGazetteer(Geocoder):
    """Offline geocoder for Peru over the INEI gazetteer, with geopy's interface.

    Parameters
    ----------
    gazetteer
        The gazetteer to search; the packaged one by default.

    Examples
    --------
    >>> loc = PeruGazetteer().geocode("Juliaca")
    >>> loc.raw["ubigeo"], loc.raw["province"], loc.raw["precision"]
    ('211101', 'San Román', 1)
    >>> PeruGazetteer().geocode("Chucuito").raw["status"]
    'ambiguous'
    """

    def __init__(self, *, gazetteer: Gazetteer | None = None) -> None:
        super().__init__(timeout=None)
        self.gazetteer = gazetteer or load_gazetteer()
        self._cached = functools.lru_cache(maxsize=65536)(self._geocode_uncached)

    def _geocode_uncached(
        self, query: str, department: str | None, exactly_one: bool
    ) -> PlaceMatch | list[PlaceMatch] | PlaceNotFoundError:
        try:
            resolution = resolve(query, department=department, gazetteer=self.gazetteer)
        except PlaceNotFoundError as exc:
            return exc  # cached too, so repeated unknown names stay cheap
        return to_locations(resolution, exactly_one=exactly_one)

    def geocode(
        self,
        query: str,
        *,
        department: str | None = None,
        exactly_one: bool = True,
        timeout: object = DEFAULT_SENTINEL,
    ) -> PlaceMatch | list[PlaceMatch]:
        """Geocode a place name offline.

        Parameters
        ----------
        query
            The place as written.
        department
            Department (or province) hint.
        exactly_one
            Return one location (an ambiguous one has no point and lists candidates in ``raw``),
            or a list with one location per candidate.
        timeout
            Accepted for geopy compatibility; nothing here waits on a network.

        Returns
        -------
        PlaceMatch or list of PlaceMatch
            ``raw`` holds ``ubigeo``, ``department``, ``province``, ``district``, ``precision``,
            ``status`` and ``candidates``.

        Raises
        ------
        PlaceNotFoundError
            When nothing matches, with up to three suggestions.
        """
        answer = self._cached(query, department, exactly_one)
        if isinstance(answer, PlaceNotFoundError):
            raise PlaceNotFoundError(answer.query, answer.suggestions)
        return answer


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
    geocoder = PeruGazetteer()
    rows: list[dict[str, Any]] = []
    for query in queries:
        row: dict[str, Any] = dict.fromkeys(GEOCODE_COLUMNS)
        row["query"] = query
        try:
            raw = geocoder.geocode(query, department=department).raw  # type: ignore[union-attr]  # exactly_one: one match
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
        if raw["status"] == "ok":
            row.update({k: raw[k] for k in ("name", "department", "province", "district", "ubigeo")})
            row.update(
                latitude=raw["latitude"],
                longitude=raw["longitude"],
                precision=raw["precision"],
                status="ok",
            )
        else:
            labels = [f"{c['name']} ({c['level']}, {c['ubigeo']})" for c in raw["candidates"]]
            row.update(status="ambiguous", candidates=labels)
        rows.append(row)
    return rows
