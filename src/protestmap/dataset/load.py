"""Loading the sourced incident table as a GeoDataFrame.

The bundled dataset is found whether protestmap runs from a clone (``data/`` at the repository root)
or from an installed wheel (``protestmap/data`` inside the package). ``PROTESTMAP_DATA`` overrides
both.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pyarrow as pa

from protestmap import settings
from protestmap.dataset import schema
from protestmap.dataset.validate import PlaceRegistry, ValidationReport, dataset_paths, validate_dataset
from protestmap.errors import DatasetNotFoundError, InvalidIncidentError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "DatasetTables",
    "default_data_dir",
    "load_dataset",
    "load_figures",
    "load_incidents",
    "load_sources",
    "load_tables",
    "load_victims",
]

_ENV = settings.DATA_ENV


class DatasetTables(NamedTuple):
    """Every table of a dataset, as the loaders return them."""

    incidents: gpd.GeoDataFrame
    sources: pd.DataFrame
    figures: pd.DataFrame
    victims: pd.DataFrame


def default_data_dir() -> Path:
    """Locate the bundled dataset directory.

    Returns
    -------
    Path
        ``$PROTESTMAP_DATA`` if set, else the package's ``data`` directory (installed wheel), else
        the repository's ``data/`` (a clone or an editable install).

    Raises
    ------
    DatasetNotFoundError
        When none of these holds an ``incidents.csv``.
    """
    candidates: list[Path] = []
    if os.environ.get(_ENV):
        candidates.append(Path(os.environ[_ENV]))
    packaged = resources.files("protestmap").joinpath("data")
    if isinstance(packaged, Path):
        candidates.append(packaged)
    candidates.append(Path(__file__).resolve().parents[3] / "data")
    for candidate in candidates:
        if (candidate / schema.FILES["incidents"]).is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    message = f"no incident dataset found (looked in {tried}); pass a path or set {_ENV}"
    raise DatasetNotFoundError(message)


def _checked(path: str | os.PathLike[str] | None, places: PlaceRegistry | None) -> ValidationReport:
    target = Path(path) if path is not None else default_data_dir()
    if not target.exists():
        message = f"incident dataset not found: {target}"
        raise DatasetNotFoundError(message)
    report = validate_dataset(target, places=places)
    if not report.ok:
        raise InvalidIncidentError(report.problems)
    return report


#: How the loader types columns; every other column is nullable text.
_TYPED: dict[str, str] = {
    **dict.fromkeys(("event_date", "end_date", "published", "as_of", "date_wounded", "date_of_death"), "date"),
    **dict.fromkeys((*schema.MEASURES, "time_precision", "geo_precision", "value", "age"), "count"),
    **dict.fromkeys(("latitude", "longitude"), "coordinate"),
}


def _column(values: pa.ChunkedArray, kind: str) -> pa.ChunkedArray:
    """Type one validated column (already stripped): empty as missing, then read as its kind.

    Validation has already refused anything the plain conversions below would read differently
    from :func:`protestmap.dataset.schema.parse_count` and :func:`protestmap.dataset.schema.parse_coordinate`.
    """
    import pyarrow.compute as pc

    values = pa.chunked_array([_empty_as_missing(chunk) for chunk in values.chunks], pa.string())
    if kind == "date":
        return pc.strptime(values, format="%Y-%m-%d", unit="us")
    if kind == "count":
        return pc.cast(values, pa.int64())
    return pc.cast(values, pa.float64()) if kind == "coordinate" else values


def _empty_as_missing(chunk: pa.StringArray) -> pa.StringArray:
    """Mark empty strings missing; the strings themselves are not copied, only a validity bitmap is added."""
    import pyarrow.compute as pc

    present = pc.greater(pc.binary_length(chunk), 0)  # faster than comparing with ""
    if chunk.offset or chunk.null_count:
        return pc.if_else(present, chunk, pa.scalar(None, pa.string()))
    return pa.Array.from_buffers(pa.string(), len(chunk), [present.buffers()[1], *chunk.buffers()[1:]])


def _frame(report: ValidationReport, role: str) -> pd.DataFrame:
    """Build the typed frame of ``role`` from the table validation read, without reading it again."""
    import pandas as pd

    from protestmap.dataset._columns import Columns

    # the values validation stripped are reused; a column it did not strip is stripped here
    checked = report.columns.get(role) or Columns(report.tables[role], [])
    columns = {name: _column(checked.get(name), _TYPED.get(name, "text")) for name in schema.COLUMNS[role]}
    types = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype()}
    return pa.table(columns).to_pandas(types_mapper=types.get)


def load_incidents(
    path: str | os.PathLike[str] | None = None, *, places: PlaceRegistry | None = None
) -> gpd.GeoDataFrame:
    """Load and validate the incident table.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``; the bundled dataset when omitted.
    places
        The INEI reference to check codes and names against (see
        :func:`protestmap.dataset.validate.validate_dataset`); :mod:`protestmap` always gives it.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per incident in EPSG:4326. Dates are ``datetime64``, counts nullable ``Int64``
        (missing means not reported), and ``geometry`` is empty for rows not yet geocoded.

    Raises
    ------
    DatasetNotFoundError
        When the dataset cannot be found.
    InvalidIncidentError
        When any file has any problem; ``exc.problems`` lists them all.

    Examples
    --------
    >>> import protestmap
    >>> incidents = protestmap.load_incidents()
    >>> incidents.crs.to_epsg()
    4326
    """
    return _incidents(_checked(path, places))


def _incidents(report: ValidationReport) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import numpy as np

    frame = _frame(report, "incidents")
    lon = frame["longitude"].to_numpy(dtype="float64", na_value=np.nan)
    lat = frame["latitude"].to_numpy(dtype="float64", na_value=np.nan)
    given = ~np.isnan(lat)  # points are built only where there are coordinates
    points = np.full(len(frame), None, dtype=object)
    points[given] = np.asarray(gpd.points_from_xy(lon[given], lat[given]), dtype=object)
    geometry = gpd.GeoSeries(points, index=frame.index, crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def load_sources(path: str | os.PathLike[str] | None = None, *, places: PlaceRegistry | None = None) -> pd.DataFrame:
    """Load the source table that incidents cite by ``source_id``.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``; the bundled dataset when omitted.
    places
        The INEI reference to check codes and names against (see
        :func:`protestmap.dataset.validate.validate_dataset`); :mod:`protestmap` always gives it.

    Returns
    -------
    pandas.DataFrame
        One row per source, indexed by ``source_id``.
    """
    return _sources(_checked(path, places))


def _sources(report: ValidationReport) -> pd.DataFrame:

    return _frame(report, "sources").set_index("source_id")


def load_figures(path: str | os.PathLike[str] | None = None, *, places: PlaceRegistry | None = None) -> pd.DataFrame:
    """Load the per-source figures, where sources disagree on an incident's counts.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``; the bundled dataset when omitted.
    places
        The INEI reference to check codes and names against (see
        :func:`protestmap.dataset.validate.validate_dataset`); :mod:`protestmap` always gives it.

    Returns
    -------
    pandas.DataFrame
        One row per (incident, source, measure) with the value that source reported.
    """
    return _figures(_checked(path, places))


def _figures(report: ValidationReport) -> pd.DataFrame:

    return _frame(report, "figures")


def load_dataset(
    path: str | os.PathLike[str] | None = None, *, places: PlaceRegistry | None = None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """Load incidents, sources and per-source figures with a single validation pass.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``; the bundled dataset when omitted.
    places
        The INEI reference to check codes and names against (see
        :func:`protestmap.dataset.validate.validate_dataset`); :mod:`protestmap` always gives it.

    Returns
    -------
    tuple
        What :func:`load_incidents`, :func:`load_sources` and :func:`load_figures` return.
    """
    report = _checked(path, places)
    return _incidents(report), _sources(report), _figures(report)


def load_victims(path: str | os.PathLike[str] | None = None, *, places: PlaceRegistry | None = None) -> pd.DataFrame:
    """Load the named victims (``victims.csv``), validated with the rest of the dataset.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``; the bundled dataset when omitted.
    places
        The INEI reference to check codes and names against.

    Returns
    -------
    pandas.DataFrame
        One row per victim with its ``event_id``; no rows when the dataset has no ``victims.csv``.
    """
    return _victims(_checked(path, places))


def _victims(report: ValidationReport) -> pd.DataFrame:
    import pandas as pd

    if "victims" in report.tables:
        return _frame(report, "victims")
    return pd.DataFrame({c: pd.Series(dtype="string") for c in schema.VICTIM_COLUMNS})


def load_tables(path: str | os.PathLike[str] | None = None, *, places: PlaceRegistry | None = None) -> DatasetTables:
    """Load every table of a dataset, victims included, with a single validation pass.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``; the bundled dataset when omitted.
    places
        The INEI reference to check codes and names against.

    Returns
    -------
    DatasetTables
        Incidents, sources, figures and victims, as their own loaders return them.
    """
    report = _checked(path, places)
    return DatasetTables(_incidents(report), _sources(report), _figures(report), _victims(report))


def dataset_files(path: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """Return the three file paths of a dataset (bundled when ``path`` is omitted)."""
    return dataset_paths(Path(path) if path is not None else default_data_dir())
