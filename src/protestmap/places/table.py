"""Batch geocoding of an incident table: fill ubigeo, INEI names, coordinates and precision.

Curated values are never overwritten: a row that already has coordinates keeps them, and names
already written stay as written (a disagreement with the ubigeo is reported, not "fixed"). Every
row ends up either resolved or listed as unresolved, so rows in = resolved + unresolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from protestmap.errors import PlaceNotFoundError
from protestmap.places.gazetteer import Entry, Gazetteer, load_gazetteer, normalize
from protestmap.places.resolver import resolve

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["GeocodeResult", "explain_unplaced", "geocode_incidents"]

_ADMIN = ("admin1", "admin2", "admin3")


class OnlineGeocoder(Protocol):
    """What the optional online fallback must offer (see :mod:`protestmap.places.online`)."""

    def lookup(self, query: str) -> tuple[float, float] | None:
        """Return ``(latitude, longitude)`` for a query, or None."""


@dataclass
class GeocodeResult:
    """Outcome of geocoding an incident table.

    Attributes
    ----------
    incidents
        A copy of the input with ubigeo, names, coordinates and geo_precision filled where they
        were missing, and a ``geocode_status`` column (``curated``, ``gazetteer``, ``online``,
        ``national`` or ``unresolved``).
    unresolved
        One row per incident that could not be placed: ``event_id``, ``query``, ``status``
        (``ambiguous``, ``not_found``, ``inconsistent``) and ``reason``.
    """

    incidents: gpd.GeoDataFrame
    unresolved: pd.DataFrame

    @property
    def counts(self) -> dict[str, int]:
        """Rows by geocode status; they add up to the number of rows in."""
        return self.incidents["geocode_status"].value_counts().to_dict()


def _blank(value: Any) -> bool:
    import pandas as pd

    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""


class _Query(NamedTuple):
    """The name to look up for a row and its hints, deepest administrative level first."""

    name: str
    hints: list[str]


def _query(row: pd.Series) -> _Query:
    """Build the name to look up and its hints, deepest administrative level first."""
    names = [row[c] for c in _ADMIN]
    levels = ("departamento de", "provincia de", "distrito de")
    for depth in (2, 1, 0):
        if not _blank(names[depth]):
            # Hints carry their level: "Lima" as a province is not "Lima" as a department.
            hints = [f"{levels[d]} {names[d]}" for d in range(depth - 1, -1, -1) if not _blank(names[d])]
            return _Query(f"{levels[depth]} {names[depth]}", hints)
    return _Query(str(row["location"]), [])


def _entry_for(row: pd.Series, gaz: Gazetteer) -> tuple[Entry | None, str, str]:
    """Return the entry for a row, or None with a status and reason."""
    if not _blank(row["ubigeo"]):
        entry = gaz.unit(str(row["ubigeo"]))
        if entry is None:
            return None, "not_found", f"ubigeo {row['ubigeo']} is not in the INEI gazetteer"
        for column, expected in zip(_ADMIN, entry.admin, strict=True):
            given = row[column]
            if not _blank(given) and expected and normalize(str(given)) != normalize(expected):
                reason = f"{column} is {given!r} but ubigeo {entry.ubigeo} is in {expected!r}"
                return None, "inconsistent", reason
        return entry, "gazetteer", ""
    name, hints = _query(row)
    try:
        resolution = resolve(", ".join([name, *hints]), gazetteer=gaz)
    except PlaceNotFoundError as exc:
        return None, "not_found", str(exc)
    if resolution.match is None:
        labels = "; ".join(c.label() for c in resolution.candidates)
        return None, "ambiguous", f"{name!r} could be: {labels}"
    return resolution.match, "gazetteer", ""


def explain_unplaced(names: tuple[str, str, str, str], gazetteer: Gazetteer) -> str | None:
    """Return why a row with these names (location, admin1-3) and no code cannot be placed, or None."""
    location, admin1, admin2, admin3 = names
    row = {"ubigeo": "", "location": location, "admin1": admin1, "admin2": admin2, "admin3": admin3}
    entry, _, reason = _entry_for(row, gazetteer)  # type: ignore[arg-type]
    return reason if entry is None else None


def geocode_incidents(
    incidents: gpd.GeoDataFrame,
    *,
    gazetteer: Gazetteer | None = None,
    online: OnlineGeocoder | None = None,
) -> GeocodeResult:
    """Fill place fields of an incident table from the offline gazetteer.

    Parameters
    ----------
    incidents
        As returned by :func:`protestmap.load_incidents`.
    gazetteer
        The gazetteer; the packaged one by default.
    online
        An optional online fallback (e.g. :class:`protestmap.places.online.CachedNominatim`), asked for
        coordinates only for rows the gazetteer cannot place. Off unless given.

    Returns
    -------
    GeocodeResult
        The completed table and the rows left unresolved.
    """
    import geopandas as gpd
    import pandas as pd

    gaz = gazetteer or load_gazetteer()
    out = incidents.copy()
    statuses: list[str] = []
    problems: list[dict[str, str]] = []
    for index, row in out.iterrows():
        has_point = not _blank(row["latitude"]) and not _blank(row["longitude"])
        if row["scope"] == "national":
            statuses.append("national")
            continue
        entry, status, reason = _entry_for(row, gaz)
        if entry is None:
            point = None if has_point or online is None else online.lookup(str(row["location"]))
            if point is not None:
                out.loc[index, ["latitude", "longitude"]] = point
                out.loc[index, "geo_precision"] = 2 if _blank(row["geo_precision"]) else row["geo_precision"]
                statuses.append("online")
                continue
            statuses.append("curated" if has_point and status != "inconsistent" else "unresolved")
            if statuses[-1] == "unresolved":
                problems.append(
                    {
                        "event_id": row["event_id"],
                        "query": _query(row).name,
                        "status": status,
                        "reason": reason,
                    }
                )
            continue
        if _blank(row["ubigeo"]):
            out.loc[index, "ubigeo"] = entry.ubigeo
        for column, value in zip(_ADMIN, entry.admin, strict=True):
            if value and _blank(row[column]):
                out.loc[index, column] = value
        if not has_point:
            out.loc[index, ["latitude", "longitude"]] = (entry.latitude, entry.longitude)
        if _blank(row["geo_precision"]):
            out.loc[index, "geo_precision"] = entry.precision
        statuses.append("curated" if has_point else status)
    out["geocode_status"] = pd.Series(statuses, index=out.index, dtype="string")
    lon = out["longitude"].astype("float64")
    lat = out["latitude"].astype("float64")
    geometry = gpd.points_from_xy(lon, lat, crs="EPSG:4326")
    geometry[out["latitude"].isna().to_numpy()] = None
    out = out.set_geometry(geometry)
    unresolved = pd.DataFrame(problems, columns=["event_id", "query", "status", "reason"])
    return GeocodeResult(out, unresolved)
