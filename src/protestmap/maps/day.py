"""The map of one day: ``protestmap render --date D``.

Layers: deaths to date as choropleths (absolute and per 100,000), death markers sized by
fatalities (the day's own emphasised), blockades and strikes active on the day, curfews and states
of emergency in force, detentions and raids, and other protests. All text is escaped in
:mod:`protestmap.maps.content`; this module only places it.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from typing import TYPE_CHECKING, Any

from protestmap import settings
from protestmap.maps.content import (
    LAYERS,
    MapInput,
    Window,
    layer_of,
    not_drawn,
    not_drawn_note,
    popup_html,
    present,
    tooltip_text,
)
from protestmap.maps.elements import GeoJsonLayer
from protestmap.maps.page import bind_text, extras, finish_map, layer_registry, new_map

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd


__all__ = ["day_layers", "render_date_map"]


def _timestamp(day: dt.date) -> pd.Timestamp:
    import pandas as pd

    return pd.Timestamp(day)


def day_layers(joined: pd.DataFrame, day: dt.date, window: Window) -> dict[str, pd.DataFrame]:
    """Split incidents into map layers as they stand on ``day``.

    Span layers (blockades, strikes, curfews) hold what is in force on the day; event layers
    (deaths, detentions, protests) hold what happened in the window ending on the day.

    Returns
    -------
    dict
        Layer key -> incidents (national-scope rows included; they have no point).
    """
    import pandas as pd

    from protestmap.spatial.aggregate import active_on, within

    stamp = _timestamp(day)
    start = window.start(day)
    kinds = zip(joined["event_type"], joined["fatalities"], strict=True)
    layers = pd.Series([layer_of(kind, deaths) for kind, deaths in kinds], index=joined.index, dtype=object)
    frames: dict[str, pd.DataFrame] = {}
    for key, (_, _, kind) in LAYERS.items():
        rows = joined[layers == key]
        if kind == "span":
            frames[key] = active_on(rows, stamp)
        else:
            frames[key] = within(rows, start=start, end=stamp)
    return frames


def _radius(row: Any, key: str) -> float:
    value = row["fatalities"] if key == "deaths" else row["blockade_points"]
    base = 5.0 if key != "deaths" else 4.0
    if not present(value):
        return base
    return base + 3.0 * math.sqrt(float(value))


def _markers(group: folium.FeatureGroup, rows: pd.DataFrame, key: str, day: dt.date, prepared: MapInput) -> int:
    import folium

    _, colour, kind = LAYERS[key]
    stamp = _timestamp(day)
    count = 0
    for _, row in rows.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        today = row["event_date"] == stamp
        marker = folium.CircleMarker(
            location=(row.geometry.y, row.geometry.x),
            radius=_radius(row, key),
            color="#000000" if today and key == "deaths" else colour,
            weight=3 if today else 1,
            fill=True,
            fill_color=colour,
            fill_opacity=0.85 if today or kind == "span" else 0.45,
        )
        bind_text(
            marker,
            popup=popup_html(row, prepared.sources, prepared.figures, victims=prepared.victims),
            tooltip=tooltip_text(row),
        )
        marker.add_to(group)
        count += 1
    return count


def _colour(value: object, top: float, colours: tuple[str, ...]) -> str:
    if not present(value) or float(value) <= 0 or top <= 0:  # type: ignore[arg-type]
        return settings.NO_DEATHS_COLOUR
    value = float(value)  # type: ignore[arg-type]
    step = min(len(colours) - 1, int(len(colours) * value / (top + 1e-9)))
    return colours[step]


def _choropleth(
    units: gpd.GeoDataFrame, values: pd.DataFrame, column: str, name: str, *, show: bool
) -> tuple[Any, float]:
    merged = units.merge(values[["ubigeo", column]], on="ubigeo", how="left")
    numbers = merged[column].astype("Float64")
    top = float(numbers.max()) if numbers.notna().any() else 0.0
    merged["label"] = [
        f"{html.escape(n)}: {v if present(v) else 'no data'}"
        for n, v in zip(merged["name"], merged[column].astype(object), strict=True)
    ]
    merged["fill"] = [_colour(v, top, settings.DEATH_COLOURS) for v in numbers.astype(object)]
    layer = GeoJsonLayer(
        json.loads(merged[["ubigeo", "label", "fill", "geometry"]].to_json()),
        name=name,
        show=show,
        style={"color": "#555", "weight": 0.6, "fillOpacity": 0.7},
    )
    return layer, top


def _span_polygons(units: dict[str, gpd.GeoDataFrame], rows: pd.DataFrame, colour: str) -> Any | None:
    import geopandas as gpd
    import pandas as pd

    codes = rows.loc[rows["scope"] == "regional", "ubigeo"].dropna().astype(str).unique()
    shapes = []
    for code in codes:
        layer = units["department"] if len(code) == 2 else units["province"]
        shapes.append(layer[layer["ubigeo"] == code[:4]])
    if not shapes:
        return None
    frame = gpd.GeoDataFrame(pd.concat(shapes, ignore_index=True), crs="EPSG:4326")
    frame["label"] = frame["name"].map(html.escape)
    return GeoJsonLayer(
        json.loads(frame[["ubigeo", "label", "geometry"]].to_json()),
        style={"fillColor": colour, "color": colour, "weight": 1.5, "fillOpacity": 0.18, "dashArray": "4 3"},
        control=False,
    )


def _title(joined: pd.DataFrame, frames: dict[str, pd.DataFrame], day: dt.date, window: Window) -> str:
    from protestmap.spatial.aggregate import national_totals

    stamp = _timestamp(day)
    today = national_totals(joined, start=stamp, end=stamp)
    to_date = national_totals(joined, end=stamp)
    national_blocks = frames["blockades"][frames["blockades"]["scope"] == "national"]["blockade_points"].dropna()
    strikes = frames["strikes"]["admin1"].dropna().nunique()
    emergency = frames["curfews"]
    national_soe = (emergency["scope"] == "national").any()
    parts = [
        f"Peru, {day:%d %B %Y}",
        f"deaths this day: {today['fatalities']} (to date: {to_date['fatalities']})",
        f"injured this day: {today['injured']}",
        f"blockade points reported nationwide: {int(national_blocks.max())}" if len(national_blocks) else "",
        f"departments on strike: {strikes}" if strikes else "",
        "national state of emergency in force" if national_soe else "",
        f"curfews / regional emergencies in force: {int((emergency['scope'] != 'national').sum())}"
        if len(emergency)
        else "",
    ]
    return " · ".join(html.escape(p) for p in parts if p)


def render_date_map(
    data: MapInput | gpd.GeoDataFrame,
    day: dt.date,
    *,
    level: str = "department",
    window: Window | None = None,
    self_contained: bool = False,
    cdn: bool = False,
) -> folium.Map:
    """Build the map of Peru on ``day``.

    Parameters
    ----------
    data
        Prepared incidents (see :func:`protestmap.pipeline.prepare`), any GeoDataFrame of
        incidents (e.g. a filtered one), or a :class:`protestmap.maps.inputs.MapData` that adds
        boundaries and sources to one (see :func:`protestmap.maps.inputs.as_map_input`).
    day
        The day shown.
    level
        ``department`` or ``province`` for the choropleths.
    window
        Which past events to show (cumulative by default).
    self_contained
        Draw no web tiles either, so the page makes no request (the boundaries serve as basemap).
    cdn
        Link Leaflet from jsDelivr instead of inlining it (by default the page opens offline).

    Returns
    -------
    folium.Map
        The map; ``m.protestmap_counts`` holds the number of features in each layer and
        ``m.protestmap_not_drawn`` the incidents shown in no layer for lack of a place.
    """
    import folium
    import pandas as pd

    from protestmap.maps.inputs import as_map_input
    from protestmap.spatial.aggregate import aggregate

    prepared = as_map_input(data)
    window = window or Window()
    joined = prepared.joined
    frames = day_layers(joined, day, window)
    fmap = new_map(self_contained=self_contained, boundaries=prepared.boundaries, cdn=cdn)
    counts: dict[str, int] = {}
    groups: dict[str, folium.FeatureGroup] = {}
    if prepared.boundaries is not None:
        units = {
            "department": prepared.boundaries.departments,
            "province": prepared.boundaries.provinces,
        }
        values = aggregate(joined, by=level, end=_timestamp(day))
        absolute, _ = _choropleth(units[level], values, "fatalities", f"Deaths to date by {level}", show=True)
        rate, _ = _choropleth(
            units[level],
            values,
            "fatalities_per_100k",
            f"Deaths per 100,000 inhabitants by {level}",
            show=False,
        )
        absolute.add_to(fmap)
        rate.add_to(fmap)
        counts["choropleth"] = len(units[level])
    for key, (label, colour, _) in LAYERS.items():
        group = folium.FeatureGroup(name=label, show=True)
        counts[key] = _markers(group, frames[key], key, day, prepared)
        if prepared.boundaries is not None and key in {"strikes", "curfews"}:
            polygons = _span_polygons(units, frames[key], colour)
            if polygons is not None:
                polygons.add_to(group)
        group.add_to(fmap)
        groups[key] = group
    layer_registry(fmap, groups)
    title = _title(joined, frames, day, window)
    missing = not_drawn(pd.concat(list(frames.values())), prepared.unresolved)
    finish_map(fmap, title=title, window=window, warning=prepared.warning, missing=not_drawn_note(missing))
    extras(fmap).protestmap_counts = counts
    extras(fmap).protestmap_not_drawn = missing
    return fmap
