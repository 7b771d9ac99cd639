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
from protestmap.maps.content import LAYERS, Window, layer_label, layer_of
from protestmap.maps.elements import POPUP_OPTIONS
from protestmap.maps.i18n import Catalogue, catalogue
from protestmap.maps.legend import DEATHS, MARKER_OUTLINE, TODAY_OUTLINE, Legend, frame_page
from protestmap.maps.page import extras, finish_map, new_map
from protestmap.maps.timeline import script_words, window_modes

if TYPE_CHECKING:
    import folium
    import pandas as pd

    from protestmap.spatial.boundaries import Boundaries

__all__ = ["aggregate_payload", "render_aggregate_timeline"]


def _level(table: pd.DataFrame) -> str:
    widths = set(table["ubigeo"].astype("string").str.len().dropna().unique().tolist())
    return "province" if widths == {4} else "department"


def aggregate_payload(
    table: pd.DataFrame, boundaries: Boundaries | None, text: Catalogue | None = None
) -> dict[str, Any]:
    """Compute the timeline page's data from an aggregate table (see ``spatial.scale``).

    Returns
    -------
    dict
        The keys :func:`protestmap.maps.timeline.timeline_payload` returns, with every cell in
        ``agg`` (layer, unit, start, end, n, deaths, injured) and no per-incident event.
    """
    text = text or catalogue()
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
        "day_labels": [text.long_date(first + dt.timedelta(days=i)) for i in range(len(days))],
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
        "layer_labels": [layer_label(key, text) for key in keys],
        "layer_colours": [colour for _, colour, _ in LAYERS.values()],
        "national": [],
        "span_layers": [k for k, (_, _, kind) in LAYERS.items() if kind == "span"],
        "classes": {"bounds": list(DEATHS.bounds), "colours": [colour for _, colour in DEATHS.swatches()]},
        "no_deaths": settings.NO_DEATHS_COLOUR,
        "outline": {"marker": MARKER_OUTLINE, "today": TODAY_OUTLINE},
        "strings": script_words(text),
        "sources": {},
        "sources_heading": "",
        "popup_options": POPUP_OPTIONS,
        "outline_units": level == "department",
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
    from protestmap.maps.cluster import marker_layers
    from protestmap.maps.elements import TimelineController, TimelineControls

    text = catalogue()
    payload = aggregate_payload(table, boundaries, text)
    level = _level(table)
    fmap = new_map(self_contained=self_contained, boundaries=boundaries, outlines=level != "department")
    frame_page(
        fmap,
        title=text("page.title.timeline", start=payload["day_labels"][0], end=payload["day_labels"][-1]),
        text=text,
    )
    names = {key: layer_label(key, text) for key in LAYERS}
    groups = marker_layers(fmap, names, self_contained=self_contained, label=text("cluster.label", n="{n}"))
    total = int(table["events"].sum())
    title = html.escape(
        f"Peru, {payload['days'][0]} to {payload['days'][-1]}: {total:,} events counted per "
        f"{level} and day (aggregate table, no per-event sources)"
    )
    window = Window()
    legend = Legend(
        text, layers=[(names[k], c) for k, (_, c, _) in LAYERS.items()], window=window.label(text), rate=False
    )
    control = finish_map(fmap, title=title, window=window, legend=legend, text=text)
    labels = {"play": text("control.play"), "window": text("control.window"), "day": text("control.day")}
    fmap.add_child(TimelineControls(modes=window_modes(text, 0), selected=0, labels=labels))
    fmap.add_child(TimelineController(payload, groups=groups, control=control))
    extras(fmap).protestmap_payload = payload
    return fmap
