"""Joining incidents to INEI units: points by spatial join, regions and the nation by code.

Point incidents (geo_precision 1-2) are matched to the province polygon that contains them with
prepared shapely polygons and vectorised ``intersects_xy`` (checked against ``geopandas.sjoin``).
Region-level incidents (scope ``regional`` or geo_precision 3) join by their ubigeo, never by a
representative point, and national incidents belong to no unit. Each point's polygon is checked
against the unit its row states; mismatches and points outside Peru are listed, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from protestmap import settings

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from protestmap.spatial.boundaries import Boundaries

__all__ = [
    "COAST_TOLERANCE_KM",
    "JoinResult",
    "join_incidents",
    "mismatch_summary",
    "points_to_units",
    "units_for_xy",
]

#: How far outside its stated province a point may lie and still count as explained: the 2023
#: "light" boundaries are simplified by about 0.006 degrees (roughly 650 m).
COAST_TOLERANCE_KM = 2.0
#: A metric CRS for Peru (Peru96 / UTM zone 18S) used only to measure distances.
_METRIC_CRS = "EPSG:5387"


@dataclass
class JoinResult:
    """Incidents with their units, and the rows whose point disagrees with their stated unit.

    Attributes
    ----------
    incidents
        Input rows plus ``department_code``, ``province_code`` (nullable strings),
        ``polygon_province`` (the province polygon containing the point, if any) and
        ``join_method`` (``point``, ``code``, ``national`` or ``unplaced``).
    mismatches
        ``event_id``, ``stated`` ubigeo, ``polygon`` province, ``distance_km`` to the stated
        province, ``explained`` and ``reason``: one row per point that lies outside its stated
        unit or outside every polygon. A point within :data:`COAST_TOLERANCE_KM` of its stated
        province (a coastal town against a simplified coastline) is explained; others are not.
    """

    incidents: gpd.GeoDataFrame
    mismatches: pd.DataFrame


def units_for_xy(lon: np.ndarray, lat: np.ndarray, units: gpd.GeoDataFrame) -> np.ndarray:
    """Return, for each coordinate pair, the ubigeo of the unit polygon that contains it.

    Points are handled in chunks of :data:`protestmap.settings.JOIN_CHUNK_POINTS`, so the cost per point does not grow
    with their number. In each chunk the points are sorted by longitude once and both coordinates
    gathered into that order; each prepared polygon then reads the contiguous slice of points
    inside its longitude range, keeps those inside its latitude range and tests them with
    ``shapely.intersects_xy`` (no point objects are built).

    Overlaps are resolved by the lower ubigeo: a point on a shared border, or inside two
    polygons that overlap (the simplified INEI provinces overlap slightly), goes to the unit
    whose ubigeo sorts first, whatever the order of ``units``. ``geopandas.sjoin`` would return
    one row per polygon instead; apart from such points the two give the same answer.

    Parameters
    ----------
    lon, lat
        Coordinates in EPSG:4326 (NaN for missing).
    units
        Polygons with a ``ubigeo`` column.

    Returns
    -------
    numpy.ndarray
        Object array of ubigeo strings, None where no polygon contains the point.
    """
    import numpy as np
    import shapely

    ordered = units.sort_values("ubigeo", kind="stable")
    polygons = ordered.geometry.to_numpy()
    usable = ~(shapely.is_missing(polygons) | shapely.is_empty(polygons))
    shapely.prepare(polygons[usable])
    boxes = shapely.bounds(polygons)
    lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    found = np.full(lon.size, -1, dtype=np.int64)
    for start in range(0, lon.size, settings.JOIN_CHUNK_POINTS):
        window = slice(start, start + settings.JOIN_CHUNK_POINTS)
        found[window] = _chunk_units(lon[window], lat[window], polygons, boxes, usable)
    codes = np.append(ordered["ubigeo"].to_numpy(dtype=object), [None])
    return codes[found]


def _chunk_units(
    lon: np.ndarray, lat: np.ndarray, polygons: np.ndarray, boxes: np.ndarray, usable: np.ndarray
) -> np.ndarray:
    """Return the index of the first polygon holding each point of one chunk, -1 for none."""
    import numpy as np
    import shapely

    order = np.argsort(lon)
    sorted_lon, sorted_lat = lon[order], lat[order]
    lows = np.searchsorted(sorted_lon, boxes[:, 0], side="left")
    highs = np.searchsorted(sorted_lon, boxes[:, 2], side="right")
    found = np.full(lon.size, -1, dtype=np.int64)
    for k in np.flatnonzero(usable & (highs > lows)).tolist():
        lo, hi = lows[k], highs[k]
        band = sorted_lat[lo:hi]
        candidates = lo + np.flatnonzero((band >= boxes[k, 1]) & (band <= boxes[k, 3]))
        candidates = candidates[found[candidates] < 0]
        hit = shapely.intersects_xy(polygons[k], sorted_lon[candidates], sorted_lat[candidates])
        found[candidates[hit]] = k
    out = np.empty_like(found)
    out[order] = found
    return out


def points_to_units(points: gpd.GeoSeries, units: gpd.GeoDataFrame) -> pd.Series:
    """Return the ubigeo of the unit polygon containing each point (missing when none does).

    Parameters
    ----------
    points
        Points in EPSG:4326 (missing geometries allowed).
    units
        Unit polygons with a ``ubigeo`` column.

    Returns
    -------
    pandas.Series
        Aligned with ``points``; see :func:`units_for_xy` for border semantics.
    """
    import numpy as np
    import pandas as pd

    present = points.notna().to_numpy() & ~points.is_empty.to_numpy()
    lon = np.full(len(points), np.nan)
    lat = np.full(len(points), np.nan)
    lon[present] = points[present].x.to_numpy()
    lat[present] = points[present].y.to_numpy()
    return pd.Series(units_for_xy(lon, lat, units), index=points.index, dtype="string")


def join_incidents(incidents: gpd.GeoDataFrame, boundaries: Boundaries | None) -> JoinResult:
    """Attach each incident to its department and province, checking points against polygons.

    Parameters
    ----------
    incidents
        Geocoded incidents (see :func:`protestmap.geocode_incidents`).
    boundaries
        Loaded INEI boundaries; without them every placed row joins by its stated code and no
        point is checked.

    Returns
    -------
    JoinResult
        The incidents with unit codes, and the mismatches found.
    """
    import pandas as pd

    out = incidents.copy()
    ubigeo = out["ubigeo"].astype("string")
    national = out["scope"] == "national"
    by_code = ~national & ((out["scope"] == "regional") | (out["geo_precision"] == 3))
    by_point = ~national & ~by_code & out.geometry.notna()
    if boundaries is None:
        by_code, by_point = by_code | by_point, by_point & False
        polygon = pd.Series(pd.NA, index=out.index, dtype="string")
    else:
        polygon = points_to_units(out.geometry.where(by_point), boundaries.provinces)
    out["polygon_province"] = polygon
    stated_province = ubigeo.where(ubigeo.str.len() >= 4).str[:4]
    # The stated unit is curated; the polygon only checks it (and stands in when nothing is stated).
    province = stated_province.where(stated_province.notna(), polygon.where(by_point))
    department = ubigeo.str[:2].where(ubigeo.notna(), province.str[:2])
    out["province_code"] = province.where(~national).astype("string")
    out["department_code"] = department.where(~national).astype("string")
    method = pd.Series("unplaced", index=out.index, dtype="string")
    method[by_point] = "point"
    method[by_code & ubigeo.notna()] = "code"
    method[national] = "national"
    out["join_method"] = method
    if boundaries is None:
        columns = ["event_id", "stated", "polygon", "distance_km", "explained", "reason"]
        return JoinResult(out, pd.DataFrame(columns=columns))
    return JoinResult(out, _mismatches(out, by_point, ubigeo, polygon, boundaries))


def _agrees(stated: Any, found: Any) -> bool:
    """Tell whether a point's polygon confirms its stated unit (or stands in for a missing one)."""
    import pandas as pd

    return bool(pd.notna(found) and (pd.isna(stated) or str(found).startswith(str(stated)[:4])))


def _mismatches(
    out: gpd.GeoDataFrame,
    by_point: pd.Series,
    ubigeo: pd.Series,
    polygon: pd.Series,
    boundaries: Boundaries,
) -> pd.DataFrame:
    import pandas as pd

    columns = ["event_id", "stated", "polygon", "distance_km", "explained", "reason"]
    flagged = [index for index in out.index[by_point] if not _agrees(ubigeo[index], polygon[index])]
    if not flagged:
        return pd.DataFrame([], columns=columns)
    # Only the flagged points and their stated provinces are projected (distances need metres).
    stated_codes = {str(ubigeo[index])[:4] for index in flagged if pd.notna(ubigeo[index])}
    provinces = boundaries.provinces.set_index("ubigeo")
    provinces = provinces[provinces.index.isin(stated_codes)].to_crs(_METRIC_CRS).geometry
    points = out.geometry.loc[flagged].to_crs(_METRIC_CRS)
    rows = []
    for index in flagged:
        stated, found = ubigeo[index], polygon[index]
        distance = None
        if pd.notna(stated) and str(stated)[:4] in provinces.index:
            distance = round(float(points[index].distance(provinces[str(stated)[:4]])) / 1000, 2)
        where = "outside every province polygon" if pd.isna(found) else f"in province {found}"
        reason = f"point lies {where}, {distance} km from its stated unit {stated}"
        explained = distance is not None and distance <= COAST_TOLERANCE_KM
        if explained:
            reason += " (within the tolerance for simplified boundaries)"
        rows.append(
            {
                "event_id": out.at[index, "event_id"],
                "stated": stated,
                "polygon": found,
                "distance_km": distance,
                "explained": explained,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def mismatch_summary(mismatches: pd.DataFrame, *, show: int = 3) -> str:
    """Describe join mismatches in one line: how many, how many unexplained, and the first few.

    Parameters
    ----------
    mismatches
        :attr:`JoinResult.mismatches` (or :attr:`Prepared.mismatches`).
    show
        How many rows to name; unexplained rows are named first.

    Returns
    -------
    str
        Empty when there is no mismatch.
    """
    if mismatches.empty:
        return ""
    unexplained = int((~mismatches["explained"].astype(bool)).sum())
    first = mismatches.sort_values("explained", kind="stable").head(show)
    named = "; ".join(f"{row.event_id}: {row.reason}" for row in first.itertuples())
    more = f"; and {len(mismatches) - len(first)} more" if len(mismatches) > len(first) else ""
    return (
        f"{len(mismatches)} point(s) lie outside their stated unit, {unexplained} of them beyond the "
        f"{COAST_TOLERANCE_KM:g} km tolerance: {named}{more}"
    )
