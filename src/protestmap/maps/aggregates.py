"""The timeline drawn from an aggregate table (``protestmap aggregate``) instead of incidents.

An aggregate table holds counts per unit, day and event type, not sourced incidents, so the page
is the aggregated timeline (one marker per unit, layer and day, the same script and controls as
:mod:`protestmap.maps.timeline`) whose size depends on the number of units and days, not on the
number of events counted. Event types the project does not know (ACLED's "Protests", GDELT codes)
go to the protests layer; any death puts a cell in the deaths layer.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import TYPE_CHECKING, Any

from protestmap import settings
from protestmap.maps.content import LAYERS, Window, layer_of
from protestmap.maps.page import extras, finish_map, new_map

if TYPE_CHECKING:
    import folium
    import pandas as pd

    from protestmap.spatial.boundaries import Boundaries

__all__ = ["aggregate_payload", "render_aggregate_timeline"]

_MODES = [(0, "cumulative"), (1, "this day only"), (7, "last 7 days"), (30, "last 30 days")]


def _level(table: pd.DataFrame) -> str:
    widths = set(table["ubigeo"].astype("string").str.len().dropna().unique().tolist())
    return "province" if widths == {4} else "department"


def aggregate_payload(table: pd.DataFrame, boundaries: Boundaries | None) -> dict[str, Any]:
    """Compute the timeline page's data from an aggregate table (see ``spatial.scale``).

    Returns
    -------
    dict
        The keys :func:`protestmap.maps.timeline.timeline_payload` returns, with every cell in
        ``agg`` (layer, unit, start, end, n, deaths, injured) and no per-incident event.
    """
    level = _level(table)
    keys = list(LAYERS)
    first = table["date"].min().date()
    last = table["date"].max().date()
    cells = table.assign(
        layer=[keys.index(layer_of(t, f)) for t, f in zip(table["event_type"], table["fatalities"], strict=True)],
        start=(table["date"] - table["date"].min()).dt.days,
    )
    grouped = cells.groupby(["layer", "ubigeo", "start"], sort=True)[["events", "fatalities"]].sum().reset_index()
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    payload: dict[str, Any] = {
        "days": days,
        "events": [],
        "aggregated": True,
        "agg": {
            "layer": grouped["layer"].tolist(),
            "unit": grouped["ubigeo"].astype(str).tolist(),
            "start": grouped["start"].tolist(),
            "end": grouped["start"].tolist(),
            "n": grouped["events"].tolist(),
            "deaths": grouped["fatalities"].tolist(),
            "injured": [0] * len(grouped),
        },
        "layer_keys": keys,
        "layer_labels": [label for label, _, _ in LAYERS.values()],
        "layer_colours": [colour for _, colour, _ in LAYERS.values()],
        "national": [],
        "span_layers": [k for k, (_, _, kind) in LAYERS.items() if kind == "span"],
        "ramp": list(settings.DEATH_COLOURS),
        "no_deaths": settings.NO_DEATHS_COLOUR,
        "centre": list(settings.PERU_CENTRE),
        "initial": len(days) - 1,
        "units": None,
        "areas": {},
        "unit_points": {},
        "unit_names": {},
    }
    if boundaries is not None:
        units = boundaries.layer(level)[["ubigeo", "name", "geometry"]].copy()
        points = units.geometry.representative_point()
        payload["unit_points"] = {
            c: [round(p.y, 4), round(p.x, 4)] for c, p in zip(units["ubigeo"], points, strict=True)
        }
        payload["unit_names"] = {c: html.escape(n) for c, n in zip(units["ubigeo"], units["name"], strict=True)}
        units["label"] = units.pop("name").map(html.escape)
        payload["units"] = json.loads(units.to_json())
    return payload


def render_aggregate_timeline(
    table: pd.DataFrame, *, boundaries: Boundaries | None, self_contained: bool = False
) -> folium.Map:
    """Build the timeline page of an aggregate table (a day slider over its dates).

    Parameters
    ----------
    table
        ``ubigeo``, ``date``, ``event_type``, ``events``, ``fatalities`` (one row per unit, day
        and type); units are departments or provinces, as the codes say.
    boundaries
        Polygons for the choropleth and marker positions; without them markers sit at the centre.
    self_contained
        Inline Leaflet and draw no web tiles.
    """
    import folium

    from protestmap.maps.elements import TimelineController, TimelineControls

    payload = aggregate_payload(table, boundaries)
    fmap = new_map(self_contained=self_contained, boundaries=boundaries)
    groups = {key: folium.FeatureGroup(name=label, show=True).add_to(fmap) for key, (label, _, _) in LAYERS.items()}
    total = int(table["events"].sum())
    title = html.escape(
        f"Peru, {payload['days'][0]} to {payload['days'][-1]}: {total:,} events counted per "
        f"{_level(table)} and day (aggregate table, no per-event sources)"
    )
    control = finish_map(fmap, title=title, window=Window())
    fmap.add_child(TimelineControls(modes=_MODES, selected=0))
    fmap.add_child(TimelineController(payload, groups=groups, control=control))
    extras(fmap).protestmap_payload = payload
    return fmap
