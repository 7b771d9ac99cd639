"""Write notebooks/explore.ipynb from the cells below (outputs are never committed).

Usage: python scripts/build_notebook.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    (
        "md",
        """# Exploring Peru's protest incidents, December 2022 – March 2023

This notebook walks through protestmap's data with the same functions the command line uses:
load the sourced incident table, geocode it to INEI units, join it to the boundaries, and look at
the period day by day, by department and per capita, ending with an interactive map.

Boundaries are read from `PROTESTMAP_BOUNDARIES` (or the cache filled by
`protestmap boundaries fetch`), else the copy bundled with protestmap.""",
    ),
    (
        "code",
        """import datetime as dt

import matplotlib.pyplot as plt
import pandas as pd

import protestmap

incidents = protestmap.load_incidents()
print(f"{len(incidents)} incidents, {incidents['source_ids'].str.split(';').explode().nunique()} sources cited")
incidents["event_type"].value_counts()""",
    ),
    (
        "md",
        """## Geocoding

Every row names its place with INEI names and a ubigeo; the offline gazetteer adds coordinates
and the ACLED precision. National-scope rows (a nationwide emergency, a national count of
blockade points) stay without a point.""",
    ),
    (
        "code",
        """geocoded = protestmap.geocode_incidents(incidents)
print(geocoded.counts)
geocoded.unresolved""",
    ),
    (
        "md",
        """## Joining to the INEI boundaries

Points are checked against the province polygon that contains them; a disagreement with the
stated unit is listed, never silently corrected.""",
    ),
    (
        "code",
        """prepared = protestmap.prepare()
print(prepared.warning or f"boundaries from {prepared.boundaries.directory}")
prepared.mismatches""",
    ),
    (
        "md",
        """## Day by day: deaths and active blockades

Bars: people killed on each day (by the date of the incident). Line: how many blockade
incidents were in force that day, counting each from its first to its last day. The line only
counts blockades the table documents place by place (mostly Puno on 9 January); nationwide counts
of blockade points are in the national rows, not in this line.""",
    ),
    (
        "code",
        """joined = prepared.joined
days = pd.date_range("2022-12-07", "2023-03-31", freq="D")
by_day = protestmap.daily(joined, by="department")["fatalities"].fillna(0).groupby(level="date").sum()
deaths = by_day.reindex(days, fill_value=0)
deaths += joined[joined["scope"] == "national"].groupby("event_date")["fatalities"].sum().reindex(days, fill_value=0)
blockades = [len(protestmap.active_on(joined[joined["event_type"] == "blockade"], day)) for day in days]

fig, ax = plt.subplots(figsize=(11, 4))
ax.bar(days, deaths, color="#b2182b", label="deaths that day")
ax2 = ax.twinx()
ax2.plot(days, blockades, color="#e66101", label="blockade incidents in force")
ax.set_ylabel("deaths")
ax2.set_ylabel("blockades in force")
ax.set_title("Deaths and active blockades, 7 Dec 2022 – 10 Mar 2023")
fig.legend(loc="upper right")
plt.show()""",
    ),
    (
        "md",
        """## By department

Totals over the whole period, sorted by deaths. Empty counts mean no source reported them.""",
    ),
    (
        "code",
        """by_department = protestmap.aggregate(joined, by="department")
by_department[["ubigeo", "name", "fatalities", "injured", "arrested", "incidents"]]""",
    ),
    (
        "md",
        """## Per capita

Deaths per 100,000 inhabitants (INEI 2017 census). Puno and Ayacucho stand out far more than in
absolute numbers, which Lima's population dominates.""",
    ),
    (
        "code",
        """per_capita = by_department.dropna(subset=["fatalities"]).sort_values("fatalities_per_100k", ascending=False)
per_capita[["name", "fatalities", "population", "fatalities_per_100k"]]""",
    ),
    (
        "md",
        """## The map of 9 January 2023

The same map as `protestmap render --date 2023-01-09`: choropleth of deaths to date, markers
sized by deaths (the day's own outlined), blockades and strikes in force; click a marker for its
sources.""",
    ),
    (
        "code",
        """fmap = protestmap.render_date_map(prepared, dt.date(2023, 1, 9))
fmap""",
    ),
]


def main() -> None:
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in CELLS]
    path = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"
    nbformat.write(notebook, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
