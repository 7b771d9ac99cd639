"""How much of the period the dataset covers: incidents per week (or month) and event type.

Gaps show up as rows of zeros: every week or month from the first to the last day asked for is
listed, with or without incidents. Incidents count by the week or month of their ``event_date``
(an incident lasting several weeks counts once, in its first week).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from protestmap.dataset import schema

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["coverage_table"]

Period = Literal["week", "month"]


def _period_start(day: dt.date, period: Period) -> dt.date:
    """Return the Monday of ``day``'s week, or the first of its month."""
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def _periods(first: dt.date, last: dt.date, period: Period) -> list[dt.date]:
    """Return the start of every week or month from ``first`` to ``last``, both included."""
    starts, current = [], _period_start(first, period)
    while current <= last:
        starts.append(current)
        if period == "week":
            current += dt.timedelta(days=7)
        else:
            current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return starts


def coverage_table(
    incidents: pd.DataFrame,
    *,
    period: Period = "week",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """Count incidents per week or month and event type, listing empty periods too.

    Parameters
    ----------
    incidents
        Incidents with ``event_date`` (datetime) and ``event_type``.
    period
        ``week`` (weeks start on Monday) or ``month``.
    start, end
        First and last day to cover; default the dataset's period (7 December 2022 to
        31 March 2023).

    Returns
    -------
    pandas.DataFrame
        One row per period, indexed by its first day (``YYYY-MM-DD``), one column per event type
        in the vocabulary's order, and ``total``.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"event_date": pd.to_datetime(["2023-01-09", "2023-01-10"]),
    ...                      "event_type": ["blockade", "march"]})
    >>> table = coverage_table(rows, start=dt.date(2023, 1, 2), end=dt.date(2023, 1, 15))
    >>> table["total"].tolist(), int(table.loc["2023-01-09", "blockade"])
    ([0, 2], 1)
    """
    import pandas as pd

    first, last = start or schema.PERIOD_START, end or schema.PERIOD_END
    days = incidents["event_date"].dt.date
    chosen = incidents[(days >= first) & (days <= last)]
    keys = chosen["event_date"].dt.date.map(lambda day: _period_start(day, period).isoformat())
    counts = pd.crosstab(keys, chosen["event_type"]) if len(chosen) else pd.DataFrame()
    index = [p.isoformat() for p in _periods(first, last, period)]
    table = counts.reindex(index=index, columns=list(schema.EVENT_TYPES), fill_value=0).fillna(0).astype(int)
    table.index.name = period
    table["total"] = table.sum(axis=1)
    return table
