"""Aggregating joined incidents per unit and per day: totals, windows, activity and per capita.

Counts add up what sources reported; a missing count is "not reported" and adds nothing (it is not
read as zero and it is not guessed). Blockade points are the exception: a count of points is a
snapshot of one day, and a count for a whole unit (a department's own row, a national row) already
holds the points inside it, so they are never added across days or on top of a wider count (see
:func:`daily_blockade_points`). Events with an ``end_date`` are *active* on every day from
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
    "daily_blockade_points",
    "load_population",
    "national_sums",
    "national_totals",
    "unit_sums",
    "within",
]

UNIT_LEVELS = settings.UNIT_COLUMNS
_OUTCOMES = list(schema.MEASURES)
_ADDED = [m for m in _OUTCOMES if m != "blockade_points"]


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


def _narrow(incidents: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Keep only ``columns`` (those present) before selecting rows: each selection copies every column."""
    return incidents[[c for c in dict.fromkeys(columns) if c in incidents.columns]]


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

    ``blockade_points`` is the unit's highest count on one day of the window, not a sum.

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
    from protestmap.places.gazetteer import load_gazetteer

    column = UNIT_LEVELS[by]
    used = [column, "event_date", "event_type", "ubigeo", "blockade_points", *_ADDED]
    rows = within(_narrow(joined, used), start=start, end=end)
    rows = rows[rows[column].notna()]
    grouped = rows.groupby(column)
    table = grouped[_ADDED].sum(min_count=1).astype("Int64")
    peak = _unit_day_points(rows, column).groupby(level=column).max()
    table.insert(len(_ADDED), "blockade_points", peak.reindex(table.index).astype("Int64"))
    table["incidents"] = grouped.size()
    counts = rows.groupby([column, "event_type"]).size().unstack(fill_value=0)  # crosstab's table, 4x faster
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


def unit_sums(
    joined: pd.DataFrame, measure: str, *, by: str = "department", start: Day | None = None, end: Day | None = None
) -> pd.Series:
    """Sum one outcome per unit over a window: :func:`aggregate`'s column without the rest of its table.

    Parameters
    ----------
    joined
        Joined incidents.
    measure
        ``fatalities``, ``injured`` or ``arrested`` (not ``blockade_points``, which is not a sum).
    by
        ``department`` or ``province``.
    start, end
        Inclusive bounds on ``event_date``.

    Returns
    -------
    pandas.Series
        Indexed by ``ubigeo``: every unit with at least one incident in the window; ``<NA>`` where
        none of its incidents has a count.
    """
    if measure not in _ADDED:
        message = f"unit_sums adds up {', '.join(_ADDED)}; got {measure!r}"
        raise ValueError(message)
    column = UNIT_LEVELS[by]
    rows = within(_narrow(joined, [column, "event_date", measure]), start=start, end=end)
    rows = rows[rows[column].notna()]
    return rows.groupby(column)[measure].sum(min_count=1).astype("Int64").rename_axis("ubigeo")


def national_sums(joined: pd.DataFrame, *, start: Day | None = None, end: Day | None = None) -> dict[str, int]:
    """Sum deaths, injuries and detentions in the whole country over the window, national rows included.

    :func:`national_totals` without the blockade points, whose per-day rule costs more than the sums.
    """
    rows = within(_narrow(joined, ["event_date", *_ADDED]), start=start, end=end)
    return {m: int(rows[m].sum()) for m in _ADDED}


def national_totals(joined: pd.DataFrame, *, start: Day | None = None, end: Day | None = None) -> dict[str, int]:
    """Totals for the whole country over the window, every unit and national rows together.

    Deaths, injuries and detentions are summed; ``blockade_points`` is the most points blocked on
    any one day of the window (see :func:`daily_blockade_points`), 0 when no count was reported.
    """
    used = ["event_date", "scope", "ubigeo", UNIT_LEVELS["department"], "blockade_points", *_ADDED]
    rows = within(_narrow(joined, used), start=start, end=end)
    totals = {m: int(rows[m].sum()) for m in _ADDED}
    per_day = daily_blockade_points(rows)
    totals["blockade_points"] = int(per_day.max()) if per_day.notna().any() else 0
    totals["incidents"] = len(rows)
    return totals


def daily_blockade_points(joined: pd.DataFrame) -> pd.Series:
    """Blockade points in the whole country per day, each point counted once.

    On each day a national count holds every regional and local count, and a department's own
    count holds the counts of places inside it; so a day's figure is the larger of its widest
    count and the sum of the parts below it (the larger, so that it is never below a reported
    count when sources disagree).

    Parameters
    ----------
    joined
        Joined incidents (``scope``, ``ubigeo``, ``department_code``, ``event_date``).

    Returns
    -------
    pandas.Series
        Points per ``event_date``, for the days with at least one count.
    """
    import pandas as pd

    counted = joined[joined["blockade_points"].notna() & joined["event_date"].notna()]
    national = counted["scope"] == "national"
    widest = counted[national].groupby("event_date")["blockade_points"].max()
    below = counted[~national]
    departments = _unit_day_points(below, UNIT_LEVELS["department"]).groupby(level="event_date").sum()
    unplaced = below[below[UNIT_LEVELS["department"]].isna()].groupby("event_date")["blockade_points"].sum()
    parts = departments.add(unplaced, fill_value=0)
    return pd.concat([widest, parts], axis=1, sort=True).max(axis=1).astype("Int64").rename("blockade_points")


def _unit_day_points(rows: pd.DataFrame, column: str) -> pd.Series:
    """Points per (day, unit): the larger of the unit's own count and the sum of its parts."""
    import pandas as pd

    placed = rows[rows["blockade_points"].notna() & rows[column].notna()]
    whole = placed["ubigeo"].astype("string").eq(placed[column].astype("string")).fillna(False)
    keys = ["event_date", column]
    own = placed[whole].groupby(keys)["blockade_points"].max()
    parts = placed[~whole].groupby(keys)["blockade_points"].sum()
    return pd.concat([own, parts], axis=1, sort=True).max(axis=1)


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
        Indexed by (``date``, ``ubigeo``), with the outcome sums (blockade points: the unit's
        count that day, see :func:`daily_blockade_points`) and ``incidents``; add
        ``.groupby(level="ubigeo").cumsum()`` for running totals of deaths and injuries.
    """
    column = UNIT_LEVELS[by]
    rows = within(joined, start=start, end=end)
    rows = rows[rows[column].notna()]
    grouped = rows.groupby(["event_date", column])
    table = grouped[_ADDED].sum(min_count=1).astype("Int64")
    points = _unit_day_points(rows, column).reindex(table.index)
    table.insert(len(_ADDED), "blockade_points", points.astype("Int64"))
    table["incidents"] = grouped.size()
    return table.rename_axis(["date", "ubigeo"])
