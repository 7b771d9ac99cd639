"""Import from ACLED and export to ACLED, GeoJSON, GeoPackage and GeoParquet, atomically."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protestmap.errors import InvalidIncidentError, Problem, ProtestmapError

if TYPE_CHECKING:
    import geopandas as gpd

    from protestmap.interchange.acled import AcledImport

__all__ = ["FORMATS", "export_incidents", "import_acled"]

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


def _for_gis(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Plain column types every GIS format accepts (dates as ISO text, counts as floats)."""
    out = frame.copy()
    for column in ("event_date", "end_date"):
        out[column] = out[column].dt.strftime("%Y-%m-%d")
    for column in out.columns:
        if column != "geometry" and str(out[column].dtype) in {"Int64", "Float64"}:
            out[column] = out[column].astype("float64")
        elif column != "geometry" and str(out[column].dtype).startswith("string"):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def _write_acled(frame: gpd.GeoDataFrame, path: Path, data: str | os.PathLike[str] | None) -> None:
    from protestmap.dataset.load import load_sources
    from protestmap.dataset.schema import neutralise
    from protestmap.dataset.write import rows_to_csv
    from protestmap.interchange.acled import ACLED_COLUMNS, to_acled_rows

    rows = [{k: neutralise(v) for k, v in row.items()} for row in to_acled_rows(frame, load_sources(data))]
    path.write_text(rows_to_csv(rows, ACLED_COLUMNS), encoding="utf-8")


def _write_parquet(frame: gpd.GeoDataFrame, path: Path, data: object) -> None:
    _for_gis(frame).to_parquet(path)


def _write_with_gdal(driver: str, layer: str | None) -> Callable[[gpd.GeoDataFrame, Path, object], None]:
    def write(frame: gpd.GeoDataFrame, path: Path, data: object) -> None:
        _for_gis(frame).to_file(path, driver=driver, engine="pyogrio", layer=layer)

    return write


#: Format -> how to write it, as geopandas picks a driver by name (dispatch, not an if-chain).
_WRITERS: dict[str, Callable[[gpd.GeoDataFrame, Path, Any], None]] = {
    "acled": _write_acled,
    "geojson": _write_with_gdal("GeoJSON", None),
    "gpkg": _write_with_gdal("GPKG", "incidents"),
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
