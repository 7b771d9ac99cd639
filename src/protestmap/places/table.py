"""Batch geocoding of an incident table: fill ubigeo, INEI names, coordinates and precision.

Curated values are never overwritten: a row that already has coordinates keeps them, and names
already written stay as written (a disagreement with the ubigeo is reported, not "fixed"). Every
row ends up either resolved or listed as unresolved, so rows in = resolved + unresolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from protestmap.errors import PlaceNotFoundError
from protestmap.places.gazetteer import Entry, Gazetteer, load_gazetteer, normalize
from protestmap.places.resolver import resolve

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
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


def _query(row: Mapping[Any, Any]) -> _Query:
    """Build the name to look up and its hints, deepest administrative level first."""
    names = [row[c] for c in _ADMIN]
    levels = ("departamento de", "provincia de", "distrito de")
    for depth in (2, 1, 0):
        if not _blank(names[depth]):
            # Hints carry their level: "Lima" as a province is not "Lima" as a department.
            hints = [f"{levels[d]} {names[d]}" for d in range(depth - 1, -1, -1) if not _blank(names[d])]
            return _Query(f"{levels[depth]} {names[depth]}", hints)
    return _Query(str(row["location"]), [])


def _entry_for(row: Mapping[Any, Any], gaz: Gazetteer) -> tuple[Entry | None, str, str]:
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
        resolution = resolve(", ".join([name, *hints]), gazetteer=gaz, strict=True)
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
    entry, _, reason = _entry_for(row, gazetteer)
    return reason if entry is None else None


def _blank_cells(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Tell which cells of ``column`` are missing or empty, as :func:`_blank` does cell by cell."""
    from pandas.api.types import is_numeric_dtype

    values = frame[column]
    blank = values.isna().to_numpy(dtype=bool, copy=True)
    if not is_numeric_dtype(values.dtype):
        blank |= (values.astype("string") == "").fillna(False).to_numpy(dtype=bool)
    return blank


def _entries(out: pd.DataFrame, rows: np.ndarray, gaz: Gazetteer) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    """Look the rows of ``rows`` up once per distinct ubigeo, location and names.

    Returns ``(entry, status, reason, query)`` per distinct key, and each row's key number.
    """
    import numpy as np
    import pandas as pd

    keys = ["ubigeo", "location", *_ADMIN]
    part = out[keys] if rows.size == len(out) else out[keys].iloc[rows]
    groups = np.zeros(rows.size, dtype=np.int64)
    for column in keys:
        codes, distinct = pd.factorize(part[column], use_na_sentinel=False)
        groups = pd.factorize(groups * (len(distinct) + 1) + codes)[0]
    found = []
    for row in part.iloc[_first_rows(groups)].to_dict("records"):
        found.append((*_entry_for(row, gaz), _query(row).name))
    return found, groups


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """Return where each code first appears, for codes numbered 0, 1, 2... in order of first appearance.

    That is how :func:`pandas.factorize` numbers them; one pass instead of sorting.
    """
    import numpy as np

    if not codes.size:
        return np.zeros(0, dtype=np.int64)
    seen = np.maximum.accumulate(codes)
    return np.flatnonzero(np.concatenate(([True], seen[1:] > seen[:-1])))


def _position(frame: pd.DataFrame, column: str) -> int:
    return list(frame.columns).index(column)


def _fill(out: pd.DataFrame, column: str, rows: np.ndarray, values: np.ndarray) -> None:
    """Write ``values`` into ``column`` on ``rows`` (positions)."""
    if rows.size:
        out.iloc[rows, _position(out, column)] = values


def _place(out: pd.DataFrame, rows: np.ndarray, groups: np.ndarray, entries: list[Entry]) -> None:
    """Fill the missing ubigeo, names, coordinates and precision of ``rows`` from their group's entry.

    ``groups`` numbers the entry of each row in ``entries``; values are gathered per group, not per row.
    """
    import numpy as np

    def blank(column: str) -> np.ndarray:
        return _blank_cells(out, column)[rows]

    def per_row(values: list[Any], dtype: Any = object) -> np.ndarray:
        return np.array(values, dtype=dtype)[groups]

    fill = blank("ubigeo")
    _fill(out, "ubigeo", rows[fill], per_row([e.ubigeo for e in entries])[fill])
    for level, column in enumerate(_ADMIN):
        fill = blank(column) & per_row([bool(e.admin[level]) for e in entries], bool)
        _fill(out, column, rows[fill], per_row([e.admin[level] for e in entries])[fill])
    fill = blank("latitude") | blank("longitude")
    for column in ("latitude", "longitude"):
        _fill(out, column, rows[fill], per_row([getattr(e, column) for e in entries], float)[fill])
    fill = blank("geo_precision")
    _fill(out, "geo_precision", rows[fill], per_row([e.precision for e in entries])[fill])


def _ask_online(out: pd.DataFrame, rows: np.ndarray, online: OnlineGeocoder, statuses: np.ndarray) -> np.ndarray:
    """Ask ``online`` for the point of each row of ``rows``, in order; return the rows it placed."""
    import numpy as np

    placed = []
    lat_col, lon_col, precision = (_position(out, c) for c in ("latitude", "longitude", "geo_precision"))
    for row in rows.tolist():
        point = online.lookup(str(out["location"].iat[row]))
        if point is not None:
            out.iloc[row, [lat_col, lon_col]] = point
            if _blank(out.iat[row, precision]):
                out.iat[row, precision] = 2
            statuses[row] = "online"
            placed.append(row)
    return np.array(placed, dtype=np.int64)


def _points(out: pd.DataFrame, incidents: pd.DataFrame) -> gpd.GeoSeries:
    """Return the point of each row's coordinates (missing without them).

    A point ``incidents`` already holds for the same coordinates is kept rather than built again.
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    lon = out["longitude"].astype("float64").to_numpy()
    lat = out["latitude"].astype("float64").to_numpy()
    given = np.full(len(out), None, dtype=object)
    if isinstance(incidents, gpd.GeoDataFrame) and incidents.geometry.name in incidents.columns:
        given = np.asarray(incidents.geometry.array, dtype=object)
    kept = shapely.is_missing(given) & np.isnan(lat)
    point = (shapely.get_type_id(given) == 0) & ~shapely.is_empty(given)
    point[point] = (shapely.get_x(given[point]) == lon[point]) & (shapely.get_y(given[point]) == lat[point])
    kept |= point
    given[~kept] = _shared_points(lon[~kept], lat[~kept])
    return gpd.GeoSeries(given, index=out.index, crs="EPSG:4326")


def _shared_points(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Build one point per distinct (bit-identical) coordinate pair and give it to every row with that pair.

    Rows placed from the gazetteer share a few hundred centroids, so this builds a few hundred
    points instead of one per row; shapely geometries are immutable, so sharing them is safe.
    Rows without a latitude get None.
    """
    import numpy as np
    import pandas as pd
    import shapely

    pair = np.zeros(lon.size, dtype=np.int64)
    for axis in (lon, lat):
        codes, distinct = pd.factorize(axis.view(np.int64))
        pair = pd.factorize(pair * len(distinct) + codes)[0]
    first = _first_rows(pair)
    points = shapely.points(lon[first], lat[first])
    points[np.isnan(lat[first])] = None
    return points[pair]


def geocode_incidents(
    incidents: gpd.GeoDataFrame,
    *,
    gazetteer: Gazetteer | None = None,
    online: OnlineGeocoder | None = None,
) -> GeocodeResult:
    """Fill place fields of an incident table from the offline gazetteer.

    Rows are looked up once per distinct ubigeo, location and names, and filled column by column.

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
    import numpy as np
    import pandas as pd

    gaz = gazetteer or load_gazetteer()
    out = incidents.copy()
    has_point = ~(_blank_cells(out, "latitude") | _blank_cells(out, "longitude"))
    statuses = np.full(len(out), "national", dtype=object)
    rows = np.flatnonzero((out["scope"] != "national").fillna(True).to_numpy(dtype=bool))
    found, groups = _entries(out, rows, gaz)
    status, reason, query = (np.array([f[k] for f in found] + [""], dtype=object)[groups] for k in (1, 2, 3))
    known = [f[0] for f in found]
    placed = np.array([e is not None for e in known] + [False], dtype=bool)[groups]
    numbers = np.cumsum([e is not None for e in known], dtype=np.int64) - 1
    _place(out, rows[placed], numbers[groups[placed]], [e for e in known if e is not None])
    statuses[rows] = np.where(has_point[rows], "curated", status)
    left = ~placed & ~has_point[rows]
    if online is not None and left.any():
        left[left] = ~np.isin(rows[left], _ask_online(out, rows[left], online, statuses))
    unresolved = left | (~placed & has_point[rows] & (status == "inconsistent"))
    statuses[rows[unresolved]] = "unresolved"
    out["geocode_status"] = pd.Series(statuses, index=out.index, dtype="string")
    out = out.set_geometry(_points(out, incidents))
    problems = {
        "event_id": out["event_id"].to_numpy(dtype=object)[rows[unresolved]],
        "query": query[unresolved],
        "status": status[unresolved],
        "reason": reason[unresolved],
    }
    return GeocodeResult(out, pd.DataFrame(problems, columns=["event_id", "query", "status", "reason"]))
