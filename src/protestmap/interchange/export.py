"""Import from ACLED and export to ACLED, GeoJSON, GeoPackage and GeoParquet, atomically."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from protestmap._io import permitted, publish
from protestmap.errors import InvalidIncidentError, ProtestmapError

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
    from protestmap.dataset._csv import Problem
    from protestmap.dataset.schema import FIGURE_COLUMNS, INCIDENT_COLUMNS, SOURCE_COLUMNS
    from protestmap.dataset.validate import validate_dataset
    from protestmap.interchange.acled import read_acled
    from protestmap.text.evaluate import rows_to_csv

    if out.exists() and any(out.iterdir()):
        raise InvalidIncidentError([Problem(str(out), 0, "-", "output directory exists and is not empty")])
    result = read_acled(path)
    if result.problems:
        raise InvalidIncidentError(result.problems)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".acled-", dir=out.parent))
    try:
        (staging / "incidents.csv").write_text(rows_to_csv(result.incidents, INCIDENT_COLUMNS), encoding="utf-8")
        (staging / "sources.csv").write_text(rows_to_csv(result.sources, SOURCE_COLUMNS), encoding="utf-8")
        (staging / "source_figures.csv").write_text(",".join(FIGURE_COLUMNS) + "\n", encoding="utf-8")
        report = validate_dataset(staging)
        if not report.ok:
            raise InvalidIncidentError(report.problems)
        staging.chmod(permitted(0o777))
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return result


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
    from protestmap.dataset.load import load_incidents, load_sources
    from protestmap.places.table import geocode_incidents

    if fmt not in FORMATS:
        message = f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}"
        raise ProtestmapError(message)
    incidents = geocode_incidents(load_incidents(data)).incidents.drop(columns="geocode_status")
    chosen = _window(incidents, date, start, end)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=FORMATS[fmt])
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        if fmt == "acled":
            from protestmap.dataset.schema import neutralise
            from protestmap.interchange.acled import ACLED_COLUMNS, to_acled_rows
            from protestmap.text.evaluate import rows_to_csv

            rows = [{k: neutralise(v) for k, v in row.items()} for row in to_acled_rows(chosen, load_sources(data))]
            tmp.write_text(rows_to_csv(rows, ACLED_COLUMNS), encoding="utf-8")
        elif fmt == "parquet":
            _for_gis(chosen).to_parquet(tmp)
        else:
            tmp.unlink()
            driver = {"geojson": "GeoJSON", "gpkg": "GPKG"}[fmt]
            _for_gis(chosen).to_file(tmp, driver=driver, engine="pyogrio", layer="incidents" if fmt == "gpkg" else None)
        publish(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out, len(chosen)
