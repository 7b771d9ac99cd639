"""The dataset as it was reported on a given day (``--as-of``).

A researcher asking "what was known on 10 January?" needs the tables rebuilt from the sources
published by then, not the curated values that later reporting settled. :func:`as_reported` does
that from the loaded tables (see :func:`protestmap.dataset.load.load_tables`) without reading any
file, so it is pure and cheap. The rules, also stated in ``data/README.md``:

1. A source is known on day ``D`` when its ``published`` date is on or before ``D``. A source
   without a publication date is known on no day.
2. An incident is kept when at least one of its sources is known; its ``source_ids`` keeps only
   those.
3. A measure (``fatalities``, ``injured``, ``arrested``, ``blockade_points``) that has figures in
   ``source_figures.csv`` counting this incident alone (``counts`` empty or ``incident``) takes the
   figure of the most recently published known source; ties go to the later ``as_of`` (an empty
   ``as_of`` is the earliest), then to the larger value. With no such figure known the measure is
   empty (not reported). Once every source the row cites is known, the row's own value applies:
   it is the curated reading of all of them, so ``--as-of`` converges on the default view.
4. A measure without such figures keeps the row's value, and so do figures marked ``wider``
   (they count other rows too, so they never stand for this one).
5. ``source_figures`` keeps the figures of known sources for kept incidents; ``victims`` keeps a
   person when one of their sources is known and their incident is kept, with ``source_ids``
   trimmed.
6. ``end_date`` is left as it is: a strike whose end was reported later still shows its end.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from protestmap.dataset import schema
from protestmap.dataset.load import DatasetTables

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["as_reported", "known_sources", "latest_figures"]

#: The ``counts`` value of figures that may stand for the row (an empty cell means the same).
_THIS_INCIDENT = "incident"


def known_sources(sources: pd.DataFrame, day: dt.date) -> set[str]:
    """Return the ids of the sources published on or before ``day``.

    Parameters
    ----------
    sources
        The source table indexed by ``source_id``, with a ``published`` date column.
    day
        The as-of day.

    Returns
    -------
    set of str
        Sources whose ``published`` is known and not later than ``day``.
    """
    import pandas as pd

    published = pd.to_datetime(sources["published"])
    return {str(s) for s in sources.index[published.notna() & (published <= pd.Timestamp(day))]}


def _split(ids: object) -> list[str]:
    """Split a ``source_ids`` cell into its ids (an empty or missing cell has none)."""
    if not isinstance(ids, str):
        return []
    return [part.strip() for part in ids.split(";") if part.strip()]


def _trim_cited(table: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """Keep the rows that cite a known source, each citing only its known sources."""
    import pandas as pd

    cited = table["source_ids"].map(lambda ids: ";".join(s for s in _split(ids) if s in known))
    kept = table[cited != ""].copy()
    kept["source_ids"] = cited[cited != ""].astype(pd.StringDtype())
    return kept


def _fully_known(incidents: pd.DataFrame, known: set[str]) -> pd.Series:
    """Tell, for each incident, whether every source it cites is known (its own values then apply)."""
    return incidents["source_ids"].map(lambda ids: all(s in known for s in _split(ids))).astype(bool)


def _standing(figures: pd.DataFrame) -> pd.DataFrame:
    """Return the figures that count their incident alone (``counts`` empty or ``incident``)."""
    if "counts" not in figures.columns:
        return figures
    counts = figures["counts"].fillna("").astype(str).str.strip()
    return figures[counts.isin(("", _THIS_INCIDENT))]


def latest_figures(figures: pd.DataFrame, sources: pd.DataFrame) -> pd.Series:
    """Pick, per incident and measure, the figure of the most recently published source.

    Parameters
    ----------
    figures
        Per-source figures (already limited to the ones that may stand for their row).
    sources
        The source table indexed by ``source_id``.

    Returns
    -------
    pandas.Series
        The chosen value, indexed by (``event_id``, ``measure``). Ties on the publication day go to
        the later ``as_of`` (empty counts as earliest), then to the larger value.
    """
    import pandas as pd

    published = pd.to_datetime(sources["published"])
    ranked = figures.assign(
        _published=figures["source_id"].map(published),
        _as_of=pd.to_datetime(figures["as_of"]),
        _value=pd.to_numeric(figures["value"]),
    )
    # an empty as_of sorts first, so any dated figure of the same day beats it
    keys = ["event_id", "measure", "_published", "_as_of", "_value"]
    ranked = ranked.sort_values(keys, kind="stable", na_position="first")
    last = ranked.groupby(["event_id", "measure"], sort=False).tail(1)
    return last.set_index(["event_id", "measure"])["value"]


def _reported_values(
    incidents: pd.DataFrame, figures: pd.DataFrame, sources: pd.DataFrame, *, known: set[str], settled: pd.Series
) -> pd.DataFrame:
    """Replace each measure that has standing figures by the latest one known (rule 3 of the module).

    ``settled`` tells, by the incidents' index, which rows had every cited source known (before
    their ``source_ids`` were trimmed); those keep their own values.
    """
    import pandas as pd

    standing = _standing(figures)
    governed = set(zip(standing["event_id"], standing["measure"], strict=True))
    best = latest_figures(standing[standing["source_id"].isin(known)], sources)
    open_rows = ~settled.loc[incidents.index]
    out = incidents.copy()
    for measure in schema.MEASURES:
        rows = open_rows & incidents["event_id"].map(lambda event, m=measure: (event, m) in governed).astype(bool)
        if not rows.any():
            continue
        events = incidents.loc[rows, "event_id"]
        chosen = pd.Series([best.get((e, measure), pd.NA) for e in events], index=events.index, dtype="Int64")
        out[measure] = out[measure].astype("Int64").where(~rows, chosen)
    return out


def as_reported(tables: DatasetTables, day: dt.date) -> DatasetTables:
    """Return the tables as they were reported on ``day``.

    Parameters
    ----------
    tables
        Incidents, sources, figures and victims as :func:`protestmap.dataset.load.load_tables`
        returns them.
    day
        The as-of day: only sources published on or before it count.

    Returns
    -------
    DatasetTables
        The same four tables, with incidents, figures and victims limited to what the known
        sources reported, per the rules in the module docstring. ``sources`` is limited to the
        known sources. Nothing is changed in place.

    Examples
    --------
    >>> import datetime as dt
    >>> from protestmap.dataset.load import load_tables
    >>> tables = as_reported(load_tables(), dt.date(2023, 1, 9))  # doctest: +SKIP
    """
    known = known_sources(tables.sources, day)
    settled = _fully_known(tables.incidents, known)
    incidents = _trim_cited(tables.incidents, known)
    kept_events = set(incidents["event_id"])
    figures = tables.figures
    incidents = _reported_values(
        incidents, figures[figures["event_id"].isin(kept_events)], tables.sources, known=known, settled=settled
    )
    figures = figures[figures["source_id"].isin(known) & figures["event_id"].isin(kept_events)]
    victims = _trim_cited(tables.victims, known)
    victims = victims[victims["event_id"].isin(kept_events)]
    sources = tables.sources[tables.sources.index.isin(known)]
    return DatasetTables(
        incidents.reset_index(drop=True),
        sources,
        figures.reset_index(drop=True),
        victims.reset_index(drop=True),
    )
