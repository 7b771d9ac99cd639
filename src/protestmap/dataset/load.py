"""Loading the sourced incident table as a GeoDataFrame.

The bundled dataset is found whether protestmap runs from a clone (``data/`` at the repository root)
or from an installed wheel (``protestmap/data`` inside the package). ``PROTESTMAP_DATA`` overrides
both.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from protestmap.dataset import schema
from protestmap.dataset.validate import ValidationReport, dataset_paths, validate_dataset
from protestmap.errors import DatasetNotFoundError, InvalidIncidentError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["default_data_dir", "load_dataset", "load_figures", "load_incidents", "load_sources"]

_ENV = "PROTESTMAP_DATA"


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


def _checked(path: str | os.PathLike[str] | None) -> ValidationReport:
    target = Path(path) if path is not None else default_data_dir()
    if not target.exists():
        message = f"incident dataset not found: {target}"
        raise DatasetNotFoundError(message)
    report = validate_dataset(target)
    if not report.ok:
        raise InvalidIncidentError(report.problems)
    return report


def _frame(report: ValidationReport, role: str) -> pd.DataFrame:
    import pandas as pd

    table = report.tables[role]
    columns = schema.COLUMNS[role]
    rows = [{c: row.get(c, "").strip() for c in columns} for _, row in table.records]
    frame = pd.DataFrame(rows, columns=list(columns), dtype="string")
    return frame.replace("", pd.NA)


def _typed_incidents(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    for column in ("event_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    for column in (*schema.MEASURES, "time_precision", "geo_precision"):
        frame[column] = _parsed(frame[column], schema.parse_count, "Int64")
    for column in ("latitude", "longitude"):
        frame[column] = _parsed(frame[column], functools.partial(schema.parse_coordinate, axis=column), "Float64")
    return frame


def _parsed(values: pd.Series, parse: Callable[[str], float | None], dtype: str) -> pd.Series:
    """Read a column with the same definition the validator applied (each distinct value once)."""
    import pandas as pd

    known = {value: parse(value) for value in values.dropna().unique()}
    return pd.Series([known.get(v) if isinstance(v, str) else None for v in values], index=values.index, dtype=dtype)


def load_incidents(path: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Load and validate the incident table.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``; the bundled dataset when omitted.

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
    return _incidents(_checked(path))


def _incidents(report: ValidationReport) -> gpd.GeoDataFrame:
    import geopandas as gpd

    frame = _typed_incidents(_frame(report, "incidents"))
    lon = frame["longitude"].astype("float64")
    lat = frame["latitude"].astype("float64")
    geometry = gpd.points_from_xy(lon, lat, crs="EPSG:4326")
    geometry[frame["latitude"].isna().to_numpy()] = None
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def load_sources(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the source table that incidents cite by ``source_id``.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``; the bundled dataset when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per source, indexed by ``source_id``.
    """
    return _sources(_checked(path))


def _sources(report: ValidationReport) -> pd.DataFrame:
    import pandas as pd

    frame = _frame(report, "sources")
    frame["published"] = pd.to_datetime(frame["published"], format="%Y-%m-%d")
    return frame.set_index("source_id")


def load_figures(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the per-source figures, where sources disagree on an incident's counts.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``; the bundled dataset when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per (incident, source, measure) with the value that source reported.
    """
    return _figures(_checked(path))


def _figures(report: ValidationReport) -> pd.DataFrame:
    import pandas as pd

    frame = _frame(report, "figures")
    frame["value"] = _parsed(frame["value"], schema.parse_count, "Int64")
    frame["as_of"] = pd.to_datetime(frame["as_of"], format="%Y-%m-%d")
    return frame


def load_dataset(
    path: str | os.PathLike[str] | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """Load incidents, sources and per-source figures with a single validation pass.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``; the bundled dataset when omitted.

    Returns
    -------
    tuple
        What :func:`load_incidents`, :func:`load_sources` and :func:`load_figures` return.
    """
    report = _checked(path)
    return _incidents(report), _sources(report), _figures(report)


def dataset_files(path: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """Return the three file paths of a dataset (bundled when ``path`` is omitted)."""
    return dataset_paths(Path(path) if path is not None else default_data_dir())
