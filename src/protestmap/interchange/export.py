"""Import from ACLED and export to ACLED, GeoJSON, GeoPackage and GeoParquet, atomically.

The GIS exports keep the dataset's types: event and end dates are dates (GeoPackage ``DATE``
fields, GeoParquet ``date32``), counts are nullable integers (empty stays empty, never 0 or
NaN), text is text, and a ``sources`` column describes each incident's sources for people
(outlet, date, URL) beside their ``source_ids``. GeoJSON follows RFC 7946 (WGS84 longitude,
latitude; no ``crs`` member); national incidents have a null geometry, as the RFC allows.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protestmap.errors import InvalidIncidentError, Problem, ProtestmapError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from protestmap.interchange.acled import AcledImport

__all__ = ["FORMATS", "export_incidents", "import_acled", "source_text"]

FORMATS = {"acled": ".csv", "geojson": ".geojson", "gpkg": ".gpkg", "parquet": ".parquet"}


def import_acled(path: Path, out: Path) -> AcledImport:
    """Convert an ACLED export into a protestmap dataset directory.

    Parameters
    ----------
    path
        The ACLED CSV.
    out
        A new directory (it must not exist or be empty) for incidents.csv, sources.csv and
        source_figures.csv.

    Returns
    -------
    AcledImport
        Counts, duplicates removed and the event types that could not be mapped.

    Raises
    ------
    InvalidIncidentError
        With every row-level problem; nothing is written then.
    """
    from protestmap.dataset.schema import FIGURE_COLUMNS, FILES, INCIDENT_COLUMNS, SOURCE_COLUMNS
    from protestmap.dataset.write import rows_to_csv, write_new_dataset
    from protestmap.interchange.acled import read_acled
    from protestmap.places.check import GazetteerPlaces

    result = read_acled(path)
    if result.problems:
        raise InvalidIncidentError(result.problems)
    files = {
        FILES["incidents"]: rows_to_csv(result.incidents, INCIDENT_COLUMNS),
        FILES["sources"]: rows_to_csv(result.sources, SOURCE_COLUMNS),
        FILES["figures"]: rows_to_csv([], FIGURE_COLUMNS),
    }
    try:
        write_new_dataset(out, files, places=GazetteerPlaces())
    except InvalidIncidentError as exc:
        raise InvalidIncidentError([_in_user_file(p, path.name, result.lines) for p in exc.problems]) from None
    return result


#: protestmap column -> the ACLED column its value came from.
_ACLED_COLUMN = {
    "event_id": "event_id_cnty",
    "ubigeo": "admin1",
    "source_ids": "source",
    "outlet": "source",
    "published": "event_date",
    **dict.fromkeys(("end_date", "injured", "arrested", "blockade_points", "scope"), "tags"),
}


def _in_user_file(problem: Problem, name: str, lines: list[int]) -> Problem:
    """Point a problem found in the converted dataset at the row of the ACLED file it comes from."""
    from protestmap.dataset.schema import FILES

    if problem.file not in {FILES["incidents"], FILES["sources"]} or not 2 <= problem.row < len(lines) + 2:
        return problem
    column = _ACLED_COLUMN.get(problem.column, problem.column)
    return Problem(name, lines[problem.row - 2], column, f"{problem.reason} (as {problem.file} {problem.column})")


def _window(
    frame: gpd.GeoDataFrame, date: dt.date | None, start: dt.date | None, end: dt.date | None
) -> gpd.GeoDataFrame:
    from protestmap.spatial.aggregate import active_on, within

    if date is not None:
        return active_on(frame, date)
    return within(frame, start=start, end=end)


def source_text(source_ids: object, sources: pd.DataFrame) -> str | None:
    """Describe an incident's sources for people: ``outlet, date, URL`` for each, joined by ``" | "``.

    Parameters
    ----------
    source_ids
        The incident's ``source_ids`` (``;``-separated).
    sources
        The sources table, indexed by ``source_id``.

    Returns
    -------
    str or None
        None when the incident cites no source.
    """
    parts = []
    for ref in str(source_ids or "").split(";"):
        if ref not in sources.index:
            continue
        published, url = sources.at[ref, "published"], sources.at[ref, "url"]
        fields = [str(sources.at[ref, "outlet"])]
        if isinstance(published, dt.date) and published == published:  # a Timestamp, not NaT (NaT != NaT)
            fields.append(published.strftime("%Y-%m-%d"))
        if isinstance(url, str) and url:
            fields.append(url)
        parts.append(", ".join(fields))
    return " | ".join(parts) or None


def _for_gis(frame: gpd.GeoDataFrame, sources: pd.DataFrame) -> gpd.GeoDataFrame:
    """Keep the types: dates as dates (Arrow ``date32``), counts as nullable integers, text as text.

    A ``sources`` column, after ``source_ids``, describes the sources for people.
    """
    import pandas as pd
    import pyarrow as pa

    out = frame.copy()
    for column in ("event_date", "end_date"):
        out[column] = out[column].dt.date.astype(pd.ArrowDtype(pa.date32()))
    for column in out.columns:
        if column != "geometry" and str(out[column].dtype) == "Float64":
            out[column] = out[column].astype("float64")  # coordinates: NaN is their missing value
    readable = [source_text(ids, sources) for ids in out["source_ids"]]
    out.insert(out.columns.get_loc("source_ids") + 1, "sources", pd.Series(readable, index=out.index, dtype="string"))
    return out


def _write_acled(frame: gpd.GeoDataFrame, path: Path, data: str | os.PathLike[str] | None) -> None:
    from protestmap.dataset.load import load_sources
    from protestmap.dataset.schema import neutralise
    from protestmap.dataset.write import rows_to_csv
    from protestmap.interchange.acled import ACLED_COLUMNS, to_acled_rows

    rows = [{k: neutralise(v) for k, v in row.items()} for row in to_acled_rows(frame, load_sources(data))]
    path.write_text(rows_to_csv(rows, ACLED_COLUMNS), encoding="utf-8")


def _write_parquet(frame: gpd.GeoDataFrame, path: Path, data: str | os.PathLike[str] | None) -> None:
    from protestmap.dataset.load import load_sources

    _for_gis(frame, load_sources(data)).to_parquet(path)


def _write_with_gdal(driver: str, **options: str) -> Callable[[gpd.GeoDataFrame, Path, Any], None]:
    def write(frame: gpd.GeoDataFrame, path: Path, data: str | os.PathLike[str] | None) -> None:
        from protestmap.dataset.load import load_sources

        typed = _for_gis(frame, load_sources(data))
        typed.to_file(path, driver=driver, engine="pyogrio", use_arrow=True, **options)

    return write


#: Format -> how to write it, as geopandas picks a driver by name (dispatch, not an if-chain).
_WRITERS: dict[str, Callable[[gpd.GeoDataFrame, Path, Any], None]] = {
    "acled": _write_acled,
    # RFC 7946: WGS84 lon/lat, no crs member, right-hand-rule polygons (GDAL rewinds any it writes)
    "geojson": _write_with_gdal("GeoJSON", RFC7946="YES", WRITE_NAME="NO"),
    "gpkg": _write_with_gdal("GPKG", layer="incidents"),
    "parquet": _write_parquet,
}


def export_incidents(
    fmt: str,
    out: Path,
    *,
    data: str | os.PathLike[str] | None = None,
    date: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[Path, int]:
    """Write the (geocoded) incidents in one of :data:`FORMATS`, atomically.

    ``date`` keeps incidents in force on that day; ``start``/``end`` bound the event date. In the
    ACLED CSV, text that a spreadsheet would run as a formula gets a leading ``'`` and control
    characters become U+FFFD (see :func:`protestmap.dataset.schema.neutralise`).

    Returns
    -------
    tuple
        The file written and the number of incidents in it.
    """
    from protestmap._io import atomic_path
    from protestmap.dataset.load import load_incidents
    from protestmap.places.check import GazetteerPlaces
    from protestmap.places.table import geocode_incidents

    if fmt not in FORMATS:
        message = f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}"
        raise ProtestmapError(message)
    incidents = geocode_incidents(load_incidents(data, places=GazetteerPlaces())).incidents.drop(
        columns="geocode_status"
    )
    chosen = _window(incidents, date, start, end)
    suffix, write = FORMATS[fmt], _WRITERS[fmt]
    with atomic_path(out, suffix=suffix) as tmp:
        tmp.unlink()  # GDAL refuses to overwrite; the other writers recreate it
        write(chosen, tmp, data)
    return out, len(chosen)
