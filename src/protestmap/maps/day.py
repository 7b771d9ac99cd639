"""The map of one day: ``protestmap render --date D``.

Layers: deaths to date as choropleths (absolute and per 100,000), death markers sized by
fatalities (the day's own emphasised), blockades and strikes active on the day, curfews and states
of emergency in force, detentions and raids, and other protests. All text is escaped in
:mod:`protestmap.maps.content`; this module only places it.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import TYPE_CHECKING, Any

from protestmap.maps.content import (
    LAYERS,
    MapInput,
    PopupBook,
    Window,
    coverage_note,
    layer_label,
    layer_of,
    not_drawn,
    not_drawn_note,
    present,
    row_dicts,
    tooltip_text,
)
from protestmap.maps.elements import GeoJsonLayer
from protestmap.maps.i18n import Catalogue, catalogue
from protestmap.maps.legend import DEATHS, MARKER_OUTLINE, RATE, TODAY_OUTLINE, Legend, frame_page
from protestmap.maps.page import bind_text, extras, finish_map, layer_registry, new_map
from protestmap.maps.shapes import UnitShapes, collection, feature_collection, lon_lat, python_values

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd


__all__ = ["day_layers", "render_date_map"]


def _timestamp(day: dt.date) -> pd.Timestamp:
    import pandas as pd

    return pd.Timestamp(day)


def _layer_masks(joined: pd.DataFrame, day: dt.date, window: Window) -> dict[str, pd.Series]:
    """Tell, per layer, which incidents it holds on ``day`` (see :func:`day_layers`)."""
    import pandas as pd

    from protestmap.spatial.aggregate import active_mask, within_mask

    stamp = _timestamp(day)
    start = window.start(day)
    kinds = zip(joined["event_type"], joined["fatalities"], strict=True)
    layers = pd.Series([layer_of(kind, deaths) for kind, deaths in kinds], index=joined.index, dtype=object)
    in_force, in_window = active_mask(joined, stamp), within_mask(joined, start=start, end=stamp)
    shown = {key: in_force if kind == "span" else in_window for key, (_, _, kind) in LAYERS.items()}
    return {key: (layers == key) & mask for key, mask in shown.items()}


def day_layers(joined: pd.DataFrame, day: dt.date, window: Window) -> dict[str, pd.DataFrame]:
    """Split incidents into map layers as they stand on ``day``.

    Span layers (blockades, strikes, curfews) hold what is in force on the day; event layers
    (deaths, detentions, protests) hold what happened in the window ending on the day.

    Returns
    -------
    dict
        Layer key -> incidents (national-scope rows included; they have no point).
    """
    # one selection per layer: each selection copies every column of the table
    return {key: joined[mask] for key, mask in _layer_masks(joined, day, window).items()}


def _radius(row: Any, key: str) -> float:
    value = row["fatalities"] if key == "deaths" else row["blockade_points"]
    base = 5.0 if key != "deaths" else 4.0
    if not present(value):
        return base
    return base + 3.0 * math.sqrt(float(value))


#: The columns the day's title, the outlines of regional spans and the note on incidents not drawn read.
_VIEW_COLUMNS = ("event_id", "scope", "ubigeo", "admin1", "blockade_points")
#: The columns a marker, its popup and its tooltip read.
_MARKER_COLUMNS = (
    "event_id",
    "event_date",
    "end_date",
    "event_type",
    "location",
    "admin1",
    "admin2",
    "admin3",
    "notes",
    "source_ids",
    "fatalities",
    "injured",
    "arrested",
    "blockade_points",
)


LatLon = tuple[float, float]
#: One incident's columns (see :data:`_MARKER_COLUMNS`) and its point (latitude, longitude), if any.
Marked = tuple[dict[str, Any], LatLon | None]


def _points(rows: gpd.GeoDataFrame) -> list[LatLon | None]:
    """Return each row's (latitude, longitude), or None when it has no point to draw."""
    import shapely

    shapes = rows.geometry.to_numpy()
    placed = ~(shapely.is_missing(shapes) | shapely.is_empty(shapes))  # GEOS has no coordinates for an empty point
    points: list[LatLon | None] = [None] * len(shapes)
    rows_placed = placed.nonzero()[0].tolist()
    coords = zip(shapely.get_y(shapes[placed]).tolist(), shapely.get_x(shapes[placed]).tolist(), strict=True)
    for row, point in zip(rows_placed, coords, strict=True):
        points[row] = point
    return points


def _marker_rows(joined: gpd.GeoDataFrame, masks: dict[str, pd.Series]) -> dict[str, list[Marked]]:
    """Per layer, the columns and point of each incident it holds (the point None when there is none).

    The columns are read once for the whole table, as lists: a dict of every column per row of
    each layer (``to_dict("records")``) cost several times more.
    """
    import numpy as np

    marked = list(zip(row_dicts(joined, _MARKER_COLUMNS), _points(joined), strict=True))
    return {key: [marked[row] for row in np.flatnonzero(mask.to_numpy(dtype=bool))] for key, mask in masks.items()}


def _markers(group: Any, rows: list[Marked], key: str, day: dt.date, book: PopupBook) -> int:
    """Add one circle per incident of ``rows`` (its columns, its point) that has a point; return how many."""
    import folium

    _, colour, kind = LAYERS[key]
    stamp = _timestamp(day)
    count = 0
    for values, point in rows:
        if point is None:
            continue
        today = values["event_date"] == stamp
        emphasised = today and key == "deaths"
        marker = folium.CircleMarker(
            location=point,
            radius=_radius(values, key),
            color=TODAY_OUTLINE if emphasised else MARKER_OUTLINE,
            weight=3 if emphasised else 1.5,
            fill=True,
            fill_color=colour,
            fill_opacity=0.9 if today or kind == "span" else 0.6,
        )
        tooltip = tooltip_text(values, book.text)
        bind_text(marker, popup=book.popup(values), tooltip=tooltip, label=html.unescape(tooltip))
        marker.add_to(group)
        count += 1
    return count


def _choropleth(
    units: gpd.GeoDataFrame,
    deaths: pd.Series,
    *,
    name: str,
    show: bool,
    population: pd.Series | None,
    text: Catalogue,
    window: str,
    geometries: list[dict[str, Any] | None],
) -> GeoJsonLayer:
    """One choropleth with fixed classes: deaths, or deaths per 100,000 when ``population`` is given.

    ``deaths`` is indexed by ubigeo; a unit absent from it has 0 deaths. ``geometries`` are the
    units' polygons, converted once for both choropleths (see :class:`UnitShapes`).
    """
    codes = units["ubigeo"]
    counts = codes.map(deaths).fillna(0).astype("int64").tolist()
    labels, fills = [], []
    people = None if population is None else codes.map(population).tolist()
    for i, (unit, count) in enumerate(zip(units["name"].tolist(), counts, strict=True)):
        if people is None:
            labels.append(text("tip.deaths", name=unit, value=count, window=window))
            fills.append(DEATHS.colour(count))
        elif not present(people[i]):
            labels.append(text("tip.no_population", name=unit))
            fills.append("#ffffff")
        else:
            value = count * 100_000 / float(people[i])
            labels.append(text("tip.rate", name=unit, value=text.number(value), window=window))
            fills.append(RATE.colour(value))
    escaped = [html.escape(label) for label in labels]
    if lon_lat(units):  # the features built from lists: a frame of them cost more than the rest of the layer
        data = collection(units.index, {"ubigeo": python_values(codes), "label": escaped, "fill": fills}, geometries)
    else:
        data = feature_collection(units[["ubigeo", "geometry"]].assign(label=escaped, fill=fills))
    return GeoJsonLayer(
        data,
        name=name,
        show=show,
        style={"color": "#555", "weight": 0.6, "fillOpacity": 0.7},
    )


def _span_polygons(shapes: UnitShapes, rows: pd.DataFrame, colour: str) -> Any | None:
    """Outlines of regional strikes and curfews: context only, so they take no clicks."""
    codes = rows.loc[rows["scope"] == "regional", "ubigeo"].dropna().astype(str).unique()
    if len(codes) == 0:
        return None
    wanted = [(code[:4], "department" if len(code) == 2 else "province") for code in codes]
    found = [(code, level, row) for code, level in wanted if (row := shapes.find(level, code)) is not None]
    geometries = [shapes.geometry(level, row) for _, level, row in found]
    return GeoJsonLayer(
        collection(range(len(found)), {"ubigeo": [code for code, _, _ in found]}, geometries),
        style={"fillColor": colour, "color": colour, "weight": 1.5, "fillOpacity": 0.18, "dashArray": "4 3"},
        control=False,
        interactive=False,
    )


def _title(
    joined: pd.DataFrame, frames: dict[str, pd.DataFrame], day: dt.date, text: Catalogue, *, as_of: dt.date | None
) -> str:
    from protestmap.spatial.aggregate import national_sums

    stamp = _timestamp(day)
    today = national_sums(joined, start=stamp, end=stamp)
    to_date = national_sums(joined, end=stamp)
    national_blocks = frames["blockades"][frames["blockades"]["scope"] == "national"]["blockade_points"].dropna()
    strikes = frames["strikes"]["admin1"].dropna().nunique()
    emergency = frames["curfews"]
    national_soe = (emergency["scope"] == "national").any()
    regional = int((emergency["scope"] == "regional").sum())  # highway sections are markers, not areas
    parts = [
        text("title.day", date=text.long_date(day)),
        text("title.as_of", date=text.long_date(as_of)) if as_of is not None else "",
        text("title.deaths", today=today["fatalities"], total=to_date["fatalities"]),
        text("title.injured", n=today["injured"]),
        text("title.blockades", n=int(national_blocks.max())) if len(national_blocks) else "",
        text("title.strikes", n=strikes) if strikes else "",
        text("title.national_soe") if national_soe else "",
        text("title.emergencies", n=regional) if regional else "",
    ]
    return " · ".join(html.escape(p) for p in parts if p)


def _choropleths(
    fmap: folium.Map, prepared: MapInput, shapes: UnitShapes, day: dt.date, *, level: str, text: Catalogue
) -> None:
    """Add the deaths and deaths-per-100,000 choropleths of the units of ``level``."""
    from protestmap.spatial.aggregate import load_population, unit_sums

    deaths = unit_sums(prepared.joined, "fatalities", by=level, end=_timestamp(day)).fillna(0)
    window = Window().label(text)
    where = text(f"level.{level}")
    shown, geometries = shapes.units[level], shapes.geometries(level)
    name = text("choropleth.deaths", level=where)
    _choropleth(
        shown, deaths, name=name, show=True, population=None, text=text, window=window, geometries=geometries
    ).add_to(fmap)
    population = load_population()
    name = text("choropleth.rate", level=where)
    known = int(shown["ubigeo"].isin(population.index).sum())
    if known == 0:
        name += " — " + text("rate.empty", level=where)
    elif known < len(shown):
        name += " — " + text("rate.partial", n=known, total=len(shown))
    _choropleth(
        shown, deaths, name=name, show=False, population=population, text=text, window=window, geometries=geometries
    ).add_to(fmap)


def render_date_map(
    data: MapInput | gpd.GeoDataFrame,
    day: dt.date,
    *,
    level: str = "department",
    window: Window | None = None,
    self_contained: bool = False,
    cdn: bool = False,
    lang: str = "en",
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
    lang
        ``en`` (default) or ``es``: the language of every label, legend, popup and date.

    Returns
    -------
    folium.Map
        The map; ``m.protestmap_counts`` holds the number of features in each layer,
        ``m.protestmap_not_drawn`` the incidents shown in no layer for lack of a place and
        ``m.protestmap_notice`` what the terminal should also say (a date outside the data).
    """
    import pandas as pd

    from protestmap.maps.cluster import marker_layers
    from protestmap.maps.inputs import as_map_input

    text = catalogue(lang)
    prepared = as_map_input(data)
    window = window or Window()
    joined = prepared.joined
    masks = _layer_masks(joined, day, window)
    # each selection copies every column it keeps: the layers keep what the title, the outlines
    # and the note on incidents not drawn read; the markers read the whole table's columns once
    view = joined[[name for name in _VIEW_COLUMNS if name in joined.columns] + [joined.geometry.name]]
    frames = {key: view[mask] for key, mask in masks.items()}
    marked = _marker_rows(joined, masks)
    shapes = None
    if prepared.boundaries is not None:
        units = {"department": prepared.boundaries.departments, "province": prepared.boundaries.provinces}
        shapes = UnitShapes(units)
    fmap = new_map(self_contained=self_contained, boundaries=prepared.boundaries, cdn=cdn, shapes=shapes)
    frame_page(fmap, title=text("page.title.day", date=text.long_date(day)), text=text)
    counts: dict[str, int] = {}
    if shapes is not None:
        units = shapes.units
        _choropleths(fmap, prepared, shapes, day, level=level, text=text)
        counts["choropleth"] = len(units[level])
    names = {key: layer_label(key, text) for key in LAYERS}
    groups = marker_layers(fmap, names, self_contained=self_contained, label=text("cluster.label", n="{n}"))
    book = PopupBook(prepared.sources, prepared.figures, text, victims=prepared.victims)
    for key, (_, colour, _) in LAYERS.items():
        counts[key] = _markers(groups[key], marked[key], key, day, book)
        if shapes is not None and key in {"strikes", "curfews"}:
            polygons = _span_polygons(shapes, frames[key], colour)
            if polygons is not None:
                polygons.add_to(groups[key])
    layer_registry(fmap, groups)
    notice = coverage_note(joined, day, text)
    warning = " ".join(w for w in (notice, text("warning.no_boundaries") if prepared.warning else "") if w)
    missing = not_drawn(pd.concat(list(frames.values())), prepared.unresolved)
    legend = Legend(
        text,
        layers=[(names[key], colour) for key, (_, colour, _) in LAYERS.items()],
        window=window.label(text),
        rate=shapes is not None,
    )
    finish_map(
        fmap,
        title=_title(joined, frames, day, text, as_of=getattr(prepared, "as_of", None)),
        window=window,
        legend=legend,
        warning=warning,
        missing=not_drawn_note(missing, text=text),
        text=text,
    )
    extras(fmap).protestmap_counts = counts
    extras(fmap).protestmap_not_drawn = missing
    extras(fmap).protestmap_notice = notice
    return fmap
