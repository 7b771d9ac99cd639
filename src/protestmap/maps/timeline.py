"""The timeline map: one page, a day slider over the whole period, every layer driven by it.

folium's TimestampedGeoJson cannot give each feature its own duration, loses polygons with
``duration``, and does not work with LayerControl. Here each incident is a Leaflet layer created
once and added to or removed from its layer group as the day changes, so start and end dates are
honoured and the layer toggles keep working. Large tables are aggregated per unit and day.
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
    POPUP_FRAME,
    MapInput,
    PopupBook,
    Window,
    layer_label,
    layer_of,
    not_drawn,
    not_drawn_note,
    present,
    row_dicts,
    tooltip_text,
)
from protestmap.maps.elements import POPUP_OPTIONS
from protestmap.maps.i18n import Catalogue, catalogue
from protestmap.maps.legend import DEATHS, MARKER_OUTLINE, TODAY_OUTLINE, Legend, frame_page
from protestmap.maps.page import extras, finish_map, new_map

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd


__all__ = ["AGGREGATE_ABOVE", "render_timeline_map", "timeline_payload"]

#: Above this many placed incidents the timeline shows one marker per unit, layer and day.
AGGREGATE_ABOVE = settings.AGGREGATE_ABOVE


def _int(value: object) -> int:
    return int(value) if present(value) else 0  # type: ignore[call-overload]


def _index(day: object, first: dt.date) -> int:
    return (day.date() - first).days  # type: ignore[attr-defined]


_KEPT = frozenset({"start", "end", "lat", "lon"})
#: The columns a timeline event, its popup and its tooltip read.
_EVENT_COLUMNS = (
    "event_id",
    "event_date",
    "end_date",
    "event_type",
    "scope",
    "location",
    "admin1",
    "admin2",
    "admin3",
    "ubigeo",
    "notes",
    "source_ids",
    "fatalities",
    "injured",
    "arrested",
    "blockade_points",
)


def _days(dates: pd.Series, first: dt.date) -> list[int]:
    """Return the day of the period on which each date falls (0 for ``first``)."""
    import pandas as pd

    return ((dates.dt.normalize() - pd.Timestamp(first)) // pd.Timedelta(days=1)).astype("int64").tolist()


def _events(rows: pd.DataFrame, book: PopupBook, first: dt.date, level: str) -> list[dict[str, Any]]:
    unit_column = settings.UNIT_COLUMNS[level]
    starts = _days(rows["event_date"], first)
    ends = _days(rows["end_date"].fillna(rows["event_date"]), first)
    lats = [round(y, 5) for y in rows.geometry.y.tolist()]
    lons = [round(x, 5) for x in rows.geometry.x.tolist()]
    events = []
    for row, start, end, lat, lon in zip(
        row_dicts(rows, (*_EVENT_COLUMNS, unit_column)), starts, ends, lats, lons, strict=True
    ):
        key = layer_of(row["event_type"], row["fatalities"])
        size = row["fatalities"] if key == "deaths" else row["blockade_points"]
        area = row["ubigeo"] if key in {"strikes", "curfews"} and row["scope"] == "regional" else None
        title, body, refs, ident = book.popup_parts(row)
        event = {
            "layer": key,
            "start": start,
            "end": end,
            "lat": lat,
            "lon": lon,
            "r": round(4 + 3 * math.sqrt(_int(size)), 1),
            "deaths": _int(row["fatalities"]),
            "injured": _int(row["injured"]),
            "unit": row[unit_column] if present(row[unit_column]) else None,
            "area": area if present(area) else None,
            "popup": [title, body, ident],
            "src": refs,
            "tooltip": tooltip_text(row, book.text),
        }
        # fields that are empty, zero or implied by the layer are left out; the page fills them in
        events.append({k: v for k, v in event.items() if v not in (None, 0) or k in _KEPT})
    return events


def _aggregated(rows: pd.DataFrame, first: dt.date, level: str) -> dict[str, list[Any]]:
    """Count incidents per (layer, unit, start, end) as compact columns, for very large tables.

    The page turns each cell into one marker at the unit's representative point and writes its
    text itself (numbers, dates and escaped unit names only), so the HTML stays small.
    """
    unit_column = settings.UNIT_COLUMNS[level]
    keys = list(LAYERS)
    frame = rows.assign(
        layer=[keys.index(layer_of(t, f)) for t, f in zip(rows["event_type"], rows["fatalities"], strict=True)],
        last=rows["end_date"].fillna(rows["event_date"]),
        unit=rows[unit_column].fillna("?"),
        deaths=rows["fatalities"].fillna(0).astype("int64"),
        hurt=rows["injured"].fillna(0).astype("int64"),
    )
    table = frame.groupby(["layer", "unit", "event_date", "last"], sort=True).agg(
        n=("event_id", "size"), deaths=("deaths", "sum"), injured=("hurt", "sum")
    )
    index = table.index.to_frame(index=False)
    return {
        "layer": index["layer"].tolist(),
        "unit": index["unit"].tolist(),
        "start": [(d.date() - first).days for d in index["event_date"]],
        "end": [(d.date() - first).days for d in index["last"]],
        "n": table["n"].tolist(),
        "deaths": table["deaths"].tolist(),
        "injured": table["injured"].tolist(),
    }


def _unit_points(prepared: MapInput, level: str) -> tuple[dict[str, list[float]], dict[str, str]]:
    if prepared.boundaries is None:
        return {}, {}
    units = prepared.boundaries.layer(level)
    points = units.geometry.representative_point()
    where = {code: [round(p.y, 4), round(p.x, 4)] for code, p in zip(units["ubigeo"], points, strict=True)}
    return where, dict(zip(units["ubigeo"], units["name"], strict=True))


def period_rows(
    joined: pd.DataFrame, *, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[pd.DataFrame, dt.date, dt.date]:
    """Return the incidents that overlap the period, and the period's first and last day."""
    import pandas as pd

    from protestmap.spatial.aggregate import within

    first = start or joined["event_date"].min().date()
    last = end or max(joined["event_date"].max(), joined["end_date"].max()).date()
    rows = within(joined, end=last)
    return rows[rows["end_date"].fillna(rows["event_date"]) >= pd.Timestamp(first)], first, last


def timeline_payload(
    prepared: MapInput,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    level: str = "department",
    text: Catalogue | None = None,
) -> dict[str, Any]:
    """Compute what the timeline page embeds: days, incidents as events, units and areas.

    Popups are built with one :class:`protestmap.maps.content.PopupBook` for the whole table;
    ``text`` is the page's catalogue (English by default).

    Returns
    -------
    dict
        JSON-ready: ``days`` (ISO dates), ``events`` (one per placed incident, or per unit and
        day when aggregated), ``national`` (national-scope rows, shown in the totals line),
        ``units`` (choropleth polygons), ``areas`` (polygons of regional strikes and curfews),
        ``span_layers``, ``initial`` (the day shown first), ``classes`` (the choropleth's fixed
        classes) and ``strings`` (the page's words for the script).
    """
    text = text or catalogue()
    rows, first, last = period_rows(prepared.joined, start=start, end=end)
    national = rows[rows["scope"] == "national"]
    placed = rows[(rows["scope"] != "national") & rows.geometry.notna()]
    big = len(placed) > AGGREGATE_ABOVE
    book = PopupBook(prepared.sources, prepared.figures, text, victims=prepared.victims)
    events = [] if big else _events(placed, book, first, level)
    cited = {source_id for event in events for source_id in event["src"]}
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    payload: dict[str, Any] = {
        "days": days,
        "day_labels": [text.long_date(first + dt.timedelta(days=i)) for i in range(len(days))],
        "events": events,
        "aggregated": big,
        "agg": _aggregated(placed, first, level) if big else None,
        "layer_keys": list(LAYERS),
        "layer_labels": [layer_label(key, text) for key in LAYERS],
        "layer_colours": [colour for _, colour, _ in LAYERS.values()],
        "national": [
            {
                "start": max(0, _index(r["event_date"], first)),
                "end": _index(r["end_date"] if present(r["end_date"]) else r["event_date"], first),
                "deaths": _int(r["fatalities"]),
                "injured": _int(r["injured"]),
                "text": html.escape(
                    text("national", kind=text.event_type(r["event_type"]))
                    + (text("national.points", n=_int(r["blockade_points"])) if present(r["blockade_points"]) else "")
                ),
            }
            for _, r in national.iterrows()
        ],
        "span_layers": [k for k, (_, _, kind) in LAYERS.items() if kind == "span"],
        "classes": {"bounds": list(DEATHS.bounds), "colours": [colour for _, colour in DEATHS.swatches()]},
        "no_deaths": settings.NO_DEATHS_COLOUR,
        "outline": {"marker": MARKER_OUTLINE, "today": TODAY_OUTLINE},
        "strings": script_words(text),
        "sources": {source_id: book.source(source_id) for source_id in sorted(cited)},
        "sources_heading": book.sources_heading(),
        "popup_frame": list(POPUP_FRAME),
        "popup_options": POPUP_OPTIONS,
        "centre": list(settings.PERU_CENTRE),
        "initial": len(days) - 1,
        "units": None,
        "outline_units": level == "department",
        "areas": {},
    }
    if big:
        payload["unit_points"], payload["unit_names"] = _unit_points(prepared, level)
    if prepared.boundaries is not None:
        units = prepared.boundaries.layer(level)[["ubigeo", "name", "geometry"]].copy()
        units["label"] = units.pop("name").map(html.escape)
        payload["units"] = json.loads(units.to_json())
        drawn = set(units["ubigeo"])  # the page takes these areas from the choropleth's units
        codes = {e["area"] for e in events if e.get("area") and e["area"][:4] not in drawn}
        for layer in (prepared.boundaries.departments, prepared.boundaries.provinces):
            shapes = layer[layer["ubigeo"].isin({code[:4] for code in codes})][["ubigeo", "geometry"]]
            for feature in json.loads(shapes.to_json())["features"]:  # one conversion per level
                payload["areas"][feature["properties"]["ubigeo"]] = feature
    return payload


def script_words(text: Catalogue) -> dict[str, str]:
    """Return the words the timeline script writes itself (it fills the ``{...}`` placeholders)."""
    keys = ("control.play", "control.pause", "totals.cumulative", "agg.more", "choropleth.timeline")
    words = {key: text(key) for key in keys}
    words["totals.window"] = text("totals.window", n="{n}")
    words["totals.counts"] = text("totals.counts", deaths="{deaths}", injured="{injured}")
    words["tip.deaths"] = text("tip.deaths", name="{name}", value="{value}", window="{window}")
    words["window.cumulative"] = text("window.cumulative")
    words["window.days"] = text("window.days", n="{n}")
    words["date.range"] = text("date.range", start="{start}", end="{end}")
    words["chart.aria"] = text("chart.aria")
    words["chart.tip"] = text("chart.tip", day="{day}", deaths="{deaths}", blockades="{blockades}")
    words["chart.key"] = text("chart.key", deaths="{deaths}", blockades="{blockades}")
    fields = {k: "{" + k + "}" for k in ("n", "layer", "unit", "when", "deaths", "injured")}
    words["agg.text"] = text("agg.text", **fields)
    return words


def window_modes(text: Catalogue, selected: int) -> list[tuple[int, str]]:
    modes = {0: text("mode.0"), 1: text("mode.1"), 7: text("mode.n", n=7), 30: text("mode.n", n=30)}
    modes.setdefault(selected, text("mode.n", n=selected))
    return list(modes.items())


def render_timeline_map(
    data: MapInput | gpd.GeoDataFrame,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    level: str = "department",
    window: Window | None = None,
    self_contained: bool = False,
    cdn: bool = False,
    lang: str = "en",
) -> folium.Map:
    """Build the timeline page: day slider, play/pause, cumulative or moving window.

    ``data`` is as for :func:`protestmap.maps.day.render_date_map`; ``lang`` is ``en`` (default)
    or ``es``.
    """
    from protestmap.maps.cluster import marker_layers
    from protestmap.maps.elements import TimelineController, TimelineControls
    from protestmap.maps.inputs import as_map_input

    text = catalogue(lang)
    prepared = as_map_input(data)
    payload = timeline_payload(prepared, start=start, end=end, level=level, text=text)
    window = window or Window()
    first, last = (dt.date.fromisoformat(payload["days"][i]) for i in (0, -1))
    fmap = new_map(
        self_contained=self_contained, boundaries=prepared.boundaries, outlines=level != "department", cdn=cdn
    )
    period = {"start": text.long_date(first), "end": text.long_date(last)}
    frame_page(fmap, title=text("page.title.timeline", **period), text=text)
    names = {key: layer_label(key, text) for key in LAYERS}
    groups = marker_layers(fmap, names, self_contained=self_contained, label=text("cluster.label", n="{n}"))
    # the page rewrites the range (in the span) as the slider moves
    before, after = text("title.timeline", range="\x00").split("\x00")
    span = f'<span id="pm-range">{html.escape(text("date.range", **period))}</span>'
    aggregated = text("title.aggregated") if payload["aggregated"] else ""
    as_of = getattr(prepared, "as_of", None)
    reported = f" · {text('title.as_of', date=text.long_date(as_of))}" if as_of is not None else ""
    title = html.escape(before) + span + html.escape(after + aggregated + reported)
    rows, _, _ = period_rows(prepared.joined, start=start, end=end)
    missing = not_drawn(rows, prepared.unresolved)
    legend = Legend(
        text, layers=[(names[k], c) for k, (_, c, _) in LAYERS.items()], window=window.label(text), rate=False
    )
    control = finish_map(
        fmap,
        title=title,
        window=window,
        legend=legend,
        warning=text("warning.no_boundaries") if prepared.warning else "",
        missing=not_drawn_note(missing, text=text),
        text=text,
    )
    selected = window.days or 0
    labels = {"play": text("control.play"), "window": text("control.window"), "day": text("control.day")}
    fmap.add_child(TimelineControls(modes=window_modes(text, selected), selected=selected, labels=labels))
    fmap.add_child(TimelineController(payload, groups=groups, control=control))
    extras(fmap).protestmap_payload = payload
    extras(fmap).protestmap_not_drawn = missing
    return fmap
