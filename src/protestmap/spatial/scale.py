"""Event tables larger than memory: points joined to INEI units and counted per unit and day.

GDELT- or ACLED-scale exports hold tens of millions of dated points. :func:`count_chunk` turns
one chunk of such a table into partial counts (one row per unit, period and event type), joining
its points to the province polygons with :func:`protestmap.spatial.join.units_for_xy`. The
``pandas`` engine applies it to the whole table at once; the ``dask`` engine applies it to every
partition (threads on this machine, a ``dask.distributed`` cluster when a scheduler address is
given) and sums the partial counts. Both engines run the same function and the same final step,
so their tables are identical.

Expected columns (case-insensitive; the first name found is used):

==============  ==========================================================================
role            accepted names
==============  ==========================================================================
longitude       ``longitude``, ``lon``, ``lng``, ``x``, ``actiongeo_long`` (GDELT)
latitude        ``latitude``, ``lat``, ``y``, ``actiongeo_lat`` (GDELT)
date            ``event_date``, ``date``, ``day``, ``sqldate`` (GDELT ``YYYYMMDD``)
event type      ``event_type``, ``type``, ``eventrootcode`` (optional: ``unspecified``)
fatalities      ``fatalities``, ``deaths`` (optional; missing adds nothing)
==============  ==========================================================================

Dates may be ISO (``2023-01-09``), ACLED's ``09 January 2023`` or ``YYYYMMDD``. Every row is
either counted or rejected: ``outside`` (no province polygon contains it) or ``invalid`` (no
usable coordinates or date); the three numbers add up to the rows read.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from protestmap.errors import EventTableError, MissingDependencyError

if TYPE_CHECKING:
    from collections.abc import Iterator

    import geopandas as gpd
    import pandas as pd

    from protestmap.spatial.boundaries import Boundaries

__all__ = [
    "AGGREGATE_COLUMNS",
    "COLUMN_ALIASES",
    "ENGINES",
    "FREQUENCIES",
    "AggregateResult",
    "aggregate_events",
    "count_chunk",
    "event_columns",
]

COLUMN_ALIASES: Final = {
    "lon": ("longitude", "lon", "lng", "x", "actiongeo_long"),
    "lat": ("latitude", "lat", "y", "actiongeo_lat"),
    "date": ("event_date", "date", "day", "sqldate"),
    "event_type": ("event_type", "type", "eventrootcode"),
    "fatalities": ("fatalities", "deaths"),
}
_REQUIRED: Final = ("lon", "lat", "date")
#: ``--freq`` -> pandas period alias; a period is labelled by its first day.
FREQUENCIES: Final = {"D": "D", "W": "W-SUN", "M": "M"}
ENGINES: Final = ("pandas", "dask")
#: Columns of the aggregate table (one row per unit, period and event type).
AGGREGATE_COLUMNS: Final = ("ubigeo", "name", "date", "event_type", "events", "fatalities")
_KEYS: Final = ["status", "ubigeo", "date", "event_type"]
_NO_DATE: Final = "1970-01-01"
_COUNTED, _OUTSIDE, _INVALID = 0, 1, 2
_STATUS: Final = {_COUNTED: "counted", _OUTSIDE: "outside", _INVALID: "invalid"}


@dataclass
class AggregateResult:
    """Counts per unit and period, and what happened to every row read.

    Attributes
    ----------
    table
        :data:`AGGREGATE_COLUMNS`, sorted by unit, date and type.
    rows_in
        Rows read.
    rows_counted, rows_outside, rows_invalid
        Rows counted, outside every province polygon, and without usable coordinates or date.
    """

    table: pd.DataFrame
    rows_in: int
    rows_counted: int
    rows_outside: int
    rows_invalid: int

    def summary(self) -> str:
        """Return one line: rows in = counted + outside + invalid."""
        return (
            f"{self.rows_in} row(s) read: {self.rows_counted} counted, {self.rows_outside} outside every "
            f"province, {self.rows_invalid} without usable coordinates or date"
        )


def event_columns(names: list[str], *, source: str = "the table") -> dict[str, str]:
    """Map each role (``lon``, ``lat``, ``date``, ``event_type``, ``fatalities``) to a column name.

    Raises
    ------
    EventTableError
        When a required role has no column; the message lists the names accepted.
    """
    lowered = {name.lower(): name for name in names}
    found = {}
    for role, aliases in COLUMN_ALIASES.items():
        match = next((lowered[a] for a in aliases if a in lowered), None)
        if match is not None:
            found[role] = match
    missing = [role for role in _REQUIRED if role not in found]
    if missing:
        wanted = "; ".join(f"{role}: one of {', '.join(COLUMN_ALIASES[role])}" for role in missing)
        message = f"{source}: no column for {wanted}"
        raise EventTableError(message)
    return found


def _dates(values: pd.Series) -> pd.Series:
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    text = values.astype("string").str.strip()
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    for layout in ("%Y%m%d", "%d %B %Y"):
        retry = parsed.isna() & text.notna()
        if not retry.any():
            break
        parsed = parsed.where(~retry, pd.to_datetime(text.where(retry), format=layout, errors="coerce"))
    return parsed


def count_chunk(frame: pd.DataFrame, *, columns: dict[str, str], units: gpd.GeoDataFrame, freq: str) -> pd.DataFrame:
    """Count one chunk of events per status, province, period and event type.

    Parameters
    ----------
    frame
        Rows of the event table (any columns; ``columns`` names the ones used).
    columns
        Role -> column name, from :func:`event_columns`.
    units
        Province polygons with a ``ubigeo`` column (overlaps go to the lower ubigeo).
    freq
        A key of :data:`FREQUENCIES`.

    Returns
    -------
    pandas.DataFrame
        ``status`` (0 counted, 1 outside, 2 invalid), ``ubigeo``, ``date``, ``event_type``,
        ``events`` and ``fatalities``; rejected rows are counted under an empty unit and type.
    """
    import numpy as np
    import pandas as pd

    from protestmap.spatial.join import units_for_xy

    lon = pd.to_numeric(frame[columns["lon"]], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    lat = pd.to_numeric(frame[columns["lat"]], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    dates = _dates(frame[columns["date"]])
    period = dates.dt.floor("D") if freq == "D" else dates.dt.to_period(FREQUENCIES[freq]).dt.start_time
    valid = np.isfinite(lon) & np.isfinite(lat) & period.notna().to_numpy()
    found = np.full(len(frame), None, dtype=object)
    found[valid] = units_for_xy(lon[valid], lat[valid], units)
    counted = valid & pd.notna(found)
    # Keys as small integer codes (categoricals): hashing millions of strings would dominate.
    unit = pd.Categorical(np.where(counted, found, ""), categories=["", *sorted(units["ubigeo"].astype(str))])
    deaths = frame[columns["fatalities"]] if "fatalities" in columns else pd.Series(0, index=frame.index)
    parts = pd.DataFrame(
        {
            "status": np.select([counted, valid], [_COUNTED, _OUTSIDE], _INVALID).astype("int8"),
            "ubigeo": unit,
            "date": period.where(counted, pd.Timestamp(_NO_DATE)).to_numpy(dtype="datetime64[ns]"),
            "event_type": _kinds(frame, columns).where(counted, ""),
            "events": np.ones(len(frame), dtype="int64"),
            "fatalities": pd.to_numeric(deaths, errors="coerce").fillna(0).round().astype("int64").to_numpy(),
        },
        index=frame.index,
    )
    partial = parts.groupby(_KEYS, sort=False, observed=True).sum().reset_index()
    return partial.astype({"ubigeo": "str", "event_type": "str"})


def _kinds(frame: pd.DataFrame, columns: dict[str, str]) -> pd.Series:
    """Event types as a categorical with text categories, ``unspecified`` where none is given."""
    import numpy as np
    import pandas as pd

    if "event_type" not in columns:
        codes = np.ones(len(frame), dtype="int8")
        return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(["", "unspecified"])), index=frame.index)
    kinds = frame[columns["event_type"]].astype("category")
    kinds = kinds.cat.rename_categories([str(c) for c in kinds.cat.categories])
    extra = [c for c in ("", "unspecified") if c not in kinds.cat.categories]
    return kinds.cat.add_categories(extra).fillna("unspecified")


def _finish(partial: pd.DataFrame, *, units: gpd.GeoDataFrame, level: str) -> AggregateResult:
    """Sum partial counts, move provinces up to departments if asked, name units and sort."""
    import pandas as pd

    frame = partial.astype({"ubigeo": "string", "event_type": "string"})
    frame["status"] = frame["status"].map(_STATUS)
    rejected = frame.groupby("status")["events"].sum()
    counted = frame[frame["status"] == "counted"].drop(columns="status")
    if level == "department":
        counted = counted.assign(ubigeo=counted["ubigeo"].str[:2])
    table = counted.groupby(["ubigeo", "date", "event_type"], sort=True).sum().reset_index()
    table["name"] = table["ubigeo"].map(dict(zip(units["ubigeo"], units["name"], strict=True))).astype("string")
    table = table.astype({"date": "datetime64[ns]", "events": "int64", "fatalities": "int64"})
    table = table[list(AGGREGATE_COLUMNS)]
    result = AggregateResult(
        table=pd.DataFrame(table).reset_index(drop=True),
        rows_in=int(frame["events"].sum()),
        rows_counted=int(rejected.get("counted", 0)),
        rows_outside=int(rejected.get("outside", 0)),
        rows_invalid=int(rejected.get("invalid", 0)),
    )
    return result


def _header(path: Path) -> list[str]:
    import pandas as pd
    import pyarrow.dataset as ds

    if _kind(path) == "csv":
        return list(pd.read_csv(path, nrows=0).columns)
    return list(ds.dataset(path, format="parquet").schema.names)


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in {".csv", ".gz"} and ".csv" in path.name.lower():
        return "csv"
    if path.is_dir() or suffix in {".parquet", ".pq"}:
        return "parquet"
    message = f"{path}: give a Parquet file or folder (.parquet) or a CSV file (.csv)"
    raise EventTableError(message)


def _pandas_partial(path: Path, columns: dict[str, str], units: gpd.GeoDataFrame, freq: str) -> pd.DataFrame:
    import pandas as pd

    used = list(columns.values())
    frame = pd.read_csv(path, usecols=used, dtype=str) if _kind(path) == "csv" else pd.read_parquet(path, columns=used)
    return count_chunk(frame, columns=columns, units=units, freq=freq)


@contextlib.contextmanager
def _scheduler(address: str | None) -> Iterator[Any]:
    """Yield what ``compute(scheduler=...)`` takes: local threads, or a client of ``address``."""
    if address is None:
        yield "threads"
        return
    from distributed import Client

    with Client(address, timeout="20s") as client:
        yield client


def _dask_partial(
    path: Path, columns: dict[str, str], units: gpd.GeoDataFrame, freq: str, address: str | None
) -> pd.DataFrame:
    try:
        import dask
        import dask.dataframe as dd
    except ImportError:
        message = "the dask engine needs dask: pip install 'protestmap[scale]'"
        raise MissingDependencyError(message) from None
    used = list(columns.values())
    if _kind(path) == "csv":
        events = dd.read_csv(path, usecols=used, dtype=str, blocksize="64MB")
    else:
        events = dd.read_parquet(path, columns=used)
    shared = dask.delayed(units, pure=True)  # one copy of the polygons in the graph, sent once per worker
    meta = count_chunk(events._meta, columns=columns, units=units.iloc[:0], freq=freq)
    partial = events.map_partitions(count_chunk, columns=columns, units=shared, freq=freq, meta=meta)
    combined = partial.groupby(_KEYS).sum(split_out=1)
    with _scheduler(address) as scheduler, warnings.catch_warnings():
        # dask 2026.8's Parquet reader still calls reset_index(inplace=True), deprecated by pandas 3.1.
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.reset_index")
        (frame,) = dask.compute(combined, scheduler=scheduler)
    return frame.reset_index()


def aggregate_events(
    path: str | Path,
    *,
    boundaries: Boundaries,
    level: str = "department",
    freq: str = "D",
    engine: str = "pandas",
    scheduler: str | None = None,
) -> AggregateResult:
    """Join the points of an event table to INEI units and count them per unit, period and type.

    Parameters
    ----------
    path
        A Parquet file or partitioned folder, or a CSV file (see the module docstring for columns).
    boundaries
        INEI boundaries: points join to the provinces (overlaps go to the lower ubigeo), and a
        department is the first two digits of its provinces' ubigeo.
    level
        ``department`` or ``province``.
    freq
        ``D`` (day), ``W`` (week, from Monday) or ``M`` (month).
    engine
        ``pandas`` (in memory) or ``dask`` (out of core, partition by partition).
    scheduler
        Address of a ``dask.distributed`` scheduler; local threads when None (dask engine only).

    Returns
    -------
    AggregateResult
        The table and the row accounting.
    """
    source = Path(path)
    if not source.exists():
        message = f"no such file or directory: {source}"
        raise EventTableError(message)
    columns = event_columns(_header(source), source=str(source))
    provinces = boundaries.provinces[["ubigeo", "geometry"]]
    if engine == "dask":
        partial = _dask_partial(source, columns, provinces, freq, scheduler)
    else:
        partial = _pandas_partial(source, columns, provinces, freq)
    return _finish(partial, units=boundaries.layer(level), level=level)


def write_aggregates(table: pd.DataFrame, out: str | Path) -> Path:
    """Write an aggregate table as Parquet, atomically (no partial file on failure)."""
    from protestmap._io import atomic_path

    target = Path(out)
    with atomic_path(target, suffix=".parquet") as tmp:
        table.to_parquet(tmp, index=False)
    return target


def read_aggregates(path: str | Path) -> pd.DataFrame:
    """Read an aggregate table written by :func:`write_aggregates` (or any table with its columns).

    Raises
    ------
    EventTableError
        When the file is missing, is not Parquet, or lacks a column the timeline needs.
    """
    import pandas as pd
    import pyarrow

    source = Path(path)
    try:
        table = pd.read_parquet(source)
    except (OSError, pyarrow.ArrowException) as exc:
        message = f"{source}: cannot read an aggregate table: {exc}"
        raise EventTableError(message) from None
    missing = [c for c in ("ubigeo", "date", "event_type", "events", "fatalities") if c not in table.columns]
    if missing:
        message = (
            f"{source}: not an aggregate table (no column {', '.join(missing)}); write one with protestmap aggregate"
        )
        raise EventTableError(message)
    if table.empty:
        message = f"{source}: the aggregate table has no rows, so the timeline has no days"
        raise EventTableError(message)
    return table.astype({"ubigeo": "string", "date": "datetime64[ns]", "events": "int64", "fatalities": "int64"})
