"""Boundary polygons as GeoJSON-like dictionaries, each unit's geometry converted once per map.

A day map draws the same polygons several times (the deaths and the rate choropleths, the outlines
of regional strikes and curfews); :class:`UnitShapes` converts each unit's geometry when first drawn
and hands the same dictionary to every layer, which writes it out with ``tojson``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import geopandas as gpd
    import pandas as pd

__all__ = ["UnitShapes", "collection", "feature_collection", "geo_dict", "lon_lat", "python_values"]


def python_values(column: pd.Series) -> list[Any]:
    """Return the cells of ``column`` as Python scalars, missing ones as None (as ``iterfeatures`` does)."""
    return column.astype(object).where(column.notna(), None).tolist()


def collection(ids: Iterable[Any], properties: dict[str, Sequence[Any]], geometries: Sequence[Any]) -> dict[str, Any]:
    """Build a FeatureCollection as ``GeoDataFrame.to_geo_dict`` lays it out, from its parts.

    Parameters
    ----------
    ids
        Each feature's id (written as text).
    properties
        Property name -> each feature's value (Python scalars, None for missing).
    geometries
        Each feature's GeoJSON-like geometry, or None.
    """
    names = list(properties)
    features = [
        {"id": str(ident), "type": "Feature", "properties": dict(zip(names, values, strict=True)), "geometry": shape}
        for ident, shape, *values in zip(ids, geometries, *properties.values(), strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def lon_lat(frame: gpd.GeoDataFrame) -> bool:
    """Tell whether ``frame`` is in EPSG:4326 or names no CRS (written out as it is, without a ``crs`` member)."""
    return frame.crs is None or bool(frame.crs.equals("EPSG:4326"))


def geo_dict(frame: gpd.GeoDataFrame, *, geometries: Sequence[Any] | None = None) -> dict[str, Any]:
    """Return ``frame.to_geo_dict()``, with each row's geometry taken from ``geometries`` when given.

    Parameters
    ----------
    frame
        The features: its index gives their ids, its other columns their properties.
    geometries
        The GeoJSON-like geometry of each row, already converted (see :class:`UnitShapes`), so
        that layers drawing the same units convert their polygons once; converted here when None.
    """
    if geometries is None:
        return dict(frame.to_geo_dict())
    names = [name for name in frame.columns if name != frame.geometry.name]
    return collection(frame.index, {name: python_values(frame[name]) for name in names}, geometries)


def feature_collection(frame: gpd.GeoDataFrame, *, geometries: Sequence[Any] | None = None) -> dict[str, Any]:
    """Return ``frame`` as a GeoJSON FeatureCollection: ``json.loads(frame.to_json())`` without the text.

    Writing the polygons out as JSON text and parsing it back took three times as long as building
    the same dictionary directly. A frame in another CRS still goes through ``to_json``, which names
    that CRS in the collection (and ``geometries`` is not used).

    Parameters
    ----------
    frame
        The features: its index gives their ids, its other columns their properties.
    geometries
        See :func:`geo_dict`.
    """
    if not lon_lat(frame):
        return dict(json.loads(frame.to_json()))
    return geo_dict(frame, geometries=geometries)


class UnitShapes:
    """The units of each level, each geometry converted to a GeoJSON-like mapping at most once.

    The two choropleths and the outlines of regional strikes and curfews draw the same polygons;
    converting each unit once per render, when first drawn, spares converting it again for every
    layer.

    Parameters
    ----------
    units
        Level (``department``, ``province``) -> its units, with ``ubigeo`` and a geometry.
    """

    def __init__(self, units: dict[str, gpd.GeoDataFrame]) -> None:
        self.units = units
        self._shapes = {level: frame.geometry.to_numpy() for level, frame in units.items()}
        self._mapped: dict[str, dict[int, Any]] = {level: {} for level in units}
        self._rows: dict[str, dict[str, int]] = {}

    def geometry(self, level: str, row: int) -> dict[str, Any] | None:
        """Return the geometry of the unit in ``row`` (a position) of ``level``, or None when empty."""
        mapped = self._mapped[level]
        if row not in mapped:
            from shapely.geometry import mapping

            shape = self._shapes[level][row]
            mapped[row] = mapping(shape) if shape else None  # what iterfeatures writes
        return mapped[row]

    def geometries(self, level: str) -> list[dict[str, Any] | None]:
        """Return the geometry of every unit of ``level``, in order."""
        return [self.geometry(level, row) for row in range(len(self._shapes[level]))]

    def find(self, level: str, code: str) -> int | None:
        """Return the position of the unit ``code`` of ``level`` (the last, if a code repeats), or None.

        A unit whose geometry is missing is not found.
        """
        if level not in self._rows:
            self._rows[level] = {code: row for row, code in enumerate(self.units[level]["ubigeo"])}
        row = self._rows[level].get(code)
        return None if row is None or self._shapes[level][row] is None else row
