"""Aggregating joined incidents per unit and per day: totals, windows, activity and per capita.

Counts add up what sources reported; a missing count is "not reported" and adds nothing (it is not
read as zero and it is not guessed). Events with an ``end_date`` are *active* on every day from
``event_date`` to ``end_date`` inclusive; outcomes (deaths, injuries...) are dated by
``event_date``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from protestmap import settings
from protestmap.dataset import schema

if TYPE_CHECKING:
    from typing import TypeAlias

    import pandas as pd

    Day: TypeAlias = "str | dt.date | pd.Timestamp"

__all__ = [
    "UNIT_LEVELS",
    "active_on",
    "aggregate",
    "daily",
    "load_population",
    "national_totals",
    "within",
]

UNIT_LEVELS = settings.UNIT_COLUMNS
_OUTCOMES = list(schema.MEASURES)


def load_population(path: str | os.PathLike[str] | None = None) -> pd.Series:
    """Load INEI 2017 census population by unit code.

    Parameters
    ----------
    path
        ``population.csv``. By default the one beside the dataset in use (``$PROTESTMAP_DATA``),
        else the bundled copy: the census figures do not depend on the incident data.

    Returns
    -------
    pandas.Series
        Population indexed by ubigeo (departments and provinces).

    Raises
    ------
    DatasetNotFoundError
        When the file named (or every default place) has no ``population.csv``.
    """
    import pandas as pd

    from protestmap.errors import DatasetNotFoundError

    candidates = [Path(path)] if path is not None else _population_candidates()
    file = next((c for c in candidates if c.is_file()), None)
    if file is None:
        tried = ", ".join(str(c) for c in candidates)
        message = f"population.csv (INEI 2017 census) not found; looked for {tried}"
        raise DatasetNotFoundError(message)
    frame = pd.read_csv(file, dtype={"ubigeo": "string"}, encoding="utf-8")
    return frame.set_index("ubigeo")["population"].astype("int64")


def _population_candidates() -> list[Path]:
    from importlib import resources

    from protestmap.dataset.load import default_data_dir
    from protestmap.errors import DatasetNotFoundError

    found = []
    with contextlib.suppress(DatasetNotFoundError):
        found.append(default_data_dir() / "population.csv")
    packaged = resources.files("protestmap").joinpath("data")
    if isinstance(packaged, Path):
        found.append(packaged / "population.csv")
    found.append(Path(__file__).resolve().parents[3] / "data" / "population.csv")
    return found


def _day(value: Day) -> pd.Timestamp:
    import pandas as pd

    return pd.Timestamp(value).normalize()


def within_mask(incidents: pd.DataFrame, *, start: Day | None = None, end: Day | None = None) -> pd.Series:
    """Tell which incidents have their ``event_date`` in ``[start, end]`` (either bound optional)."""
    mask = incidents["event_date"].notna()
    if start is not None:
        mask &= incidents["event_date"] >= _day(start)
    if end is not None:
        mask &= incidents["event_date"] <= _day(end)
    return mask


def within(incidents: pd.DataFrame, *, start: Day | None = None, end: Day | None = None) -> pd.DataFrame:
    """Keep incidents whose ``event_date`` falls in ``[start, end]`` (either bound optional)."""
    return incidents[within_mask(incidents, start=start, end=end)]


def active_mask(incidents: pd.DataFrame, date: Day) -> pd.Series:
    """Tell which incidents are in force on ``date``: started on or before it and not ended before it."""
    day = _day(date)
    last = incidents["end_date"].fillna(incidents["event_date"])
    return (incidents["event_date"] <= day) & (last >= day)


def active_on(incidents: pd.DataFrame, date: Day) -> pd.DataFrame:
    """Keep incidents in force on ``date``: started on or before it and not ended before it."""
    return incidents[active_mask(incidents, date)]


def aggregate(
    joined: pd.DataFrame,
    *,
    by: str = "department",
    start: Day | None = None,
    end: Day | None = None,
    population: pd.Series | None = None,
) -> pd.DataFrame:
    """Sum outcomes and count incidents by type per unit, over a window of event dates.

    Parameters
    ----------
    joined
        Incidents with ``department_code`` and ``province_code`` (see
        :func:`protestmap.spatial.join.join_incidents`).
    by
        ``department`` or ``province``.
    start, end
        Inclusive bounds on ``event_date``; ``start=None`` gives totals cumulative to ``end``.
    population
        Population by ubigeo for per-100,000 rates; the bundled INEI 2017 figures by default.

    Returns
    -------
    pandas.DataFrame
        One row per unit with at least one incident: ``ubigeo``, ``name``, the outcome sums,
        ``incidents``, one ``n_<type>`` column per event type, ``population`` and
        ``fatalities_per_100k`` / ``injured_per_100k`` (empty where population is unknown);
        sorted by fatalities, then injured, descending. National-scope incidents belong to no
        unit and are left out (see :func:`national_totals`).
    """
    import pandas as pd

    from protestmap.places.gazetteer import load_gazetteer

    column = UNIT_LEVELS[by]
    rows = within(joined, start=start, end=end)
    rows = rows[rows[column].notna()]
    grouped = rows.groupby(column)
    table = grouped[_OUTCOMES].sum(min_count=1).astype("Int64")
    table["incidents"] = grouped.size()
    counts = pd.crosstab(rows[column], rows["event_type"])
    for kind in schema.EVENT_TYPES:
        table[f"n_{kind}"] = counts.get(kind, 0)
    table = table.reset_index().rename(columns={column: "ubigeo"})
    gaz = load_gazetteer()
    table.insert(1, "name", [getattr(gaz.unit(code), "name", code) for code in table["ubigeo"]])
    people = load_population() if population is None else population
    table["population"] = table["ubigeo"].map(people).astype("Int64")
    for measure in ("fatalities", "injured"):
        rate = table[measure].astype("Float64") * 100_000 / table["population"].astype("Float64")
        table[f"{measure}_per_100k"] = rate.round(2)
    ordered = table.sort_values(["fatalities", "injured", "ubigeo"], ascending=[False, False, True])
    return ordered.reset_index(drop=True)


def national_totals(joined: pd.DataFrame, *, start: Day | None = None, end: Day | None = None) -> dict[str, int]:
    """Sum the outcomes of incidents in the window, every unit and national rows together."""
    rows = within(joined, start=start, end=end)
    totals = {m: int(rows[m].sum()) for m in _OUTCOMES}
    totals["incidents"] = len(rows)
    return totals


def daily(
    joined: pd.DataFrame, *, by: str = "department", start: Day | None = None, end: Day | None = None
) -> pd.DataFrame:
    """Outcomes per unit and per day of ``event_date``.

    Parameters
    ----------
    joined
        Joined incidents.
    by
        ``department`` or ``province``.
    start, end
        Inclusive bounds on ``event_date``.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``date``, ``ubigeo``), with the outcome sums and ``incidents``; add
        ``.groupby(level="ubigeo").cumsum()`` for running totals.
    """
    column = UNIT_LEVELS[by]
    rows = within(joined, start=start, end=end)
    rows = rows[rows[column].notna()].drop(columns="ubigeo")
    rows = rows.rename(columns={column: "ubigeo", "event_date": "date"})
    grouped = rows.groupby(["date", "ubigeo"])
    table = grouped[_OUTCOMES].sum(min_count=1).astype("Int64")
    table["incidents"] = grouped.size()
    return table
