"""The day map's fixed costs: shortcuts that must give exactly what the longer way gave."""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, mapping

from protestmap.maps.content import LAYERS, PopupBook, Window, tooltip_text
from protestmap.maps.day import (
    _VIEW_COLUMNS,
    _choropleth,
    _layer_masks,
    _marker_rows,
    _radius,
    _span_polygons,
    day_layers,
    render_date_map,
)
from protestmap.maps.elements import GeoJsonLayer
from protestmap.maps.i18n import catalogue
from protestmap.maps.legend import DEATHS, RATE
from protestmap.maps.page import new_map
from protestmap.maps.shapes import UnitShapes, feature_collection
from protestmap.pipeline import prepare as prepare_incidents

DAY = dt.date(2023, 1, 9)


@pytest.fixture(scope="module")
def prepared(boundaries_dir: Path):
    return prepare_incidents(boundaries_dir=boundaries_dir)


def test_feature_collection_is_what_to_json_gives(inei) -> None:
    frame = inei.departments[["ubigeo", "name", "geometry"]].assign(label=["<b>&amp;</b>"] * 25)
    assert json.dumps(feature_collection(frame)) == json.dumps(json.loads(frame.to_json()))
    assert len(feature_collection(frame)["features"]) == 25


def test_feature_collection_keeps_the_crs_member_of_another_crs() -> None:
    square = Polygon([(0, 0), (1000, 0), (1000, 1000), (0, 1000)])
    frame = gpd.GeoDataFrame({"ubigeo": ["01"]}, geometry=[square], crs="EPSG:5387")
    collection = feature_collection(frame)
    assert collection["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::5387"
    assert json.dumps(collection) == json.dumps(json.loads(frame.to_json()))


def test_timeline_templates_are_compiled_when_first_used_and_once() -> None:
    script = """
import datetime as dt
from protestmap.maps import elements
from protestmap.maps.day import render_date_map
lazy = [vars(cls)["_template"] for cls in (elements.TimelineControls, elements.TimelineController)]
assert all(t.compiled is None for t in lazy), "compiled on import"
first = elements.TimelineControls._template
assert first is elements.TimelineControls(modes=[(0, "all")], selected=0)._template is lazy[0].compiled
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def outlines_the_long_way(units: dict[str, gpd.GeoDataFrame], codes: list[str]) -> dict:
    """One selection per code, then one concatenated frame (what the day map did before)."""
    shapes = [units["department" if len(c) == 2 else "province"] for c in codes]
    shapes = [layer[layer["ubigeo"] == code[:4]] for layer, code in zip(shapes, codes, strict=True)]
    frame = gpd.GeoDataFrame(pd.concat(shapes, ignore_index=True), crs="EPSG:4326")
    return json.loads(frame[["ubigeo", "geometry"]].to_json())


def test_span_outlines_are_what_one_selection_per_code_gave(inei) -> None:
    units = {"department": inei.departments, "province": inei.provinces}
    codes = ["21", "2101", "210501", "080101", "99", "0801"]  # departments, provinces, districts, one unknown
    rows = pd.DataFrame({"scope": ["regional"] * len(codes) + ["local"], "ubigeo": [*codes, "15"]})
    layer = _span_polygons(UnitShapes(units), rows, "#123456")
    assert json.dumps(layer.data) == json.dumps(outlines_the_long_way(units, codes))
    assert [f["properties"]["ubigeo"] for f in layer.data["features"]] == ["21", "2101", "2105", "0801", "0801"]
    assert _span_polygons(UnitShapes(units), rows[rows["scope"] == "local"], "#123456") is None
    unknown = _span_polygons(UnitShapes(units), pd.DataFrame({"scope": ["regional"], "ubigeo": ["99"]}), "#123456")
    assert unknown.data == {"type": "FeatureCollection", "features": []}


def test_feature_collection_of_converted_geometries_is_what_to_json_gives(inei) -> None:
    frame = inei.provinces[["ubigeo", "name", "geometry"]].iloc[::-7]  # an index out of order
    frame = frame.assign(label=["<b>&amp;</b>", None] * (len(frame) // 2) + ["x"] * (len(frame) % 2))
    frame = frame.assign(value=pd.array([1, None] * (len(frame) // 2) + [3] * (len(frame) % 2), dtype="Int64"))
    converted = [mapping(shape) for shape in frame.geometry]
    expected = json.dumps(json.loads(frame.to_json()))
    assert json.dumps(feature_collection(frame, geometries=converted)) == expected
    assert json.dumps(feature_collection(frame)) == expected


def test_unit_shapes_convert_each_unit_once_and_find_units_as_a_dict_did(inei) -> None:
    shapes = UnitShapes({"department": inei.departments, "province": inei.provinces})
    first = shapes.geometries("department")
    assert [json.dumps(g) for g in first] == [json.dumps(mapping(s)) for s in inei.departments.geometry]
    assert all(a is b for a, b in zip(first, shapes.geometries("department"), strict=True))  # converted once
    lookup = dict(zip(inei.provinces["ubigeo"], range(len(inei.provinces)), strict=True))
    assert all(shapes.find("province", code) == row for code, row in lookup.items())
    assert shapes.find("province", "9999") is None
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    odd = gpd.GeoDataFrame({"ubigeo": ["01", "02", "01"]}, geometry=[square, None, Polygon()], crs="EPSG:4326")
    odd_shapes = UnitShapes({"department": odd})
    assert odd_shapes.find("department", "01") == 2  # the last, as dict(zip(codes, geometries)) kept
    assert odd_shapes.find("department", "02") is None  # no geometry: not found
    assert odd_shapes.geometries("department") == [mapping(square), None, None]  # empty: null, as to_geo_dict


def test_outlines_of_converted_departments_are_what_to_geo_dict_gave(inei) -> None:
    shapes = UnitShapes({"department": inei.departments, "province": inei.provinces})

    def outlines(fmap) -> dict:
        (layer,) = [child for child in fmap._children.values() if isinstance(child, GeoJsonLayer)]
        return layer.data

    plain = outlines(new_map(self_contained=True, boundaries=inei))
    shared = outlines(new_map(self_contained=True, boundaries=inei, shapes=shapes))
    assert json.dumps(shared) == json.dumps(plain) == json.dumps(inei.departments[["ubigeo", "geometry"]].to_geo_dict())
    assert shared["features"][3]["geometry"] is shapes.geometries("department")[3]
    other = UnitShapes({"department": inei.departments.copy(), "province": inei.provinces})
    assert json.dumps(outlines(new_map(self_contained=True, boundaries=inei, shapes=other))) == json.dumps(plain)


def markers_the_long_way(frames: dict[str, pd.DataFrame]) -> dict[str, list[tuple[dict, tuple[float, float]]]]:
    """A dict of every column per row of each layer, points read one by one (what the day map did before)."""
    drawn: dict[str, list] = {}
    for key, rows in frames.items():
        records = rows.to_dict("records")
        placed = [r for r in records if r["geometry"] is not None and not r["geometry"].is_empty]
        drawn[key] = [(r, (r["geometry"].y, r["geometry"].x)) for r in placed]
    return drawn


def test_marker_rows_give_the_markers_one_dict_per_row_gave(prepared) -> None:
    book = PopupBook(prepared.sources, prepared.figures, victims=prepared.victims)
    stamp = pd.Timestamp(DAY)
    for window in (Window(), Window(1)):
        masks = _layer_masks(prepared.joined, DAY, window)
        short = _marker_rows(prepared.joined, masks)
        long = markers_the_long_way(day_layers(prepared.joined, DAY, window))
        assert sum(len(rows) for rows in long.values()) >= 20
        for key in LAYERS:
            drawn = [(values, point) for values, point in short[key] if point is not None]
            assert [point for _, point in drawn] == [point for _, point in long[key]]
            for (values, _), (record, _) in zip(drawn, long[key], strict=True):
                assert book.popup(values) == book.popup(record)
                assert tooltip_text(values) == tooltip_text(record)
                assert _radius(values, key) == _radius(record, key)
                assert (values["event_date"] == stamp) == (record["event_date"] == stamp)


def test_layer_views_hold_the_rows_and_columns_day_layers_gave(prepared) -> None:
    masks = _layer_masks(prepared.joined, DAY, Window())
    full = day_layers(prepared.joined, DAY, Window())
    view = prepared.joined[[*_VIEW_COLUMNS, "geometry"]]
    for key, mask in masks.items():
        pd.testing.assert_frame_equal(view[mask], full[key][[*_VIEW_COLUMNS, "geometry"]])
        assert np.array_equal(np.flatnonzero(mask.to_numpy()), prepared.joined.index.get_indexer(full[key].index))


def test_markers_without_a_point_are_skipped(prepared) -> None:
    changed = copy.copy(prepared)
    changed.joined = prepared.joined.copy()
    deaths = _layer_masks(changed.joined, DAY, Window())["deaths"].to_numpy()
    first, second = changed.joined.index[deaths][:2]
    changed.joined.loc[first, "geometry"] = None
    changed.joined.loc[second, "geometry"] = Point()  # empty
    before = render_date_map(prepared, DAY).protestmap_counts["deaths"]
    assert render_date_map(changed, DAY).protestmap_counts["deaths"] == before - 2


def choropleth_the_long_way(units, deaths, population, text) -> dict:
    """A frame of the units with their labels and fills, written out by ``to_json`` (what the day map did before)."""
    frame = units[["ubigeo", "name", "geometry"]].copy()
    counts = frame["ubigeo"].map(deaths).fillna(0).astype("int64")
    people = None if population is None else frame["ubigeo"].map(population)
    labels, fills = [], []
    for i, (unit, count) in enumerate(zip(frame["name"], counts, strict=True)):
        if people is None:
            labels.append(text("tip.deaths", name=unit, value=count, window="w"))
            fills.append(DEATHS.colour(count))
        elif pd.isna(people.iloc[i]):
            labels.append(text("tip.no_population", name=unit))
            fills.append("#ffffff")
        else:
            value = count * 100_000 / float(people.iloc[i])
            labels.append(text("tip.rate", name=unit, value=text.number(value), window="w"))
            fills.append(RATE.colour(value))
    frame["label"] = [html.escape(label) for label in labels]
    frame["fill"] = fills
    return json.loads(frame[["ubigeo", "label", "fill", "geometry"]].to_json())


@pytest.mark.parametrize("lang", ["en", "es"])
def test_choropleths_are_what_a_frame_written_by_to_json_gave(inei, lang) -> None:
    text = catalogue(lang)
    units = inei.provinces.iloc[::3]  # an index with gaps
    deaths = pd.Series([3, 1, 12], index=[units["ubigeo"].iloc[0], units["ubigeo"].iloc[5], "9999"])
    population = pd.Series(range(1000, 1000 + len(units)), index=units["ubigeo"]).iloc[::2]  # half the units
    converted = UnitShapes({"province": units}).geometries("province")
    for people in (None, population):
        layer = _choropleth(
            units, deaths, name="n", show=True, population=people, text=text, window="w", geometries=converted
        )
        assert json.dumps(layer.data) == json.dumps(choropleth_the_long_way(units, deaths, people, text))
    assert {f["properties"]["fill"] for f in layer.data["features"]} >= {"#ffffff"}
    projected = units.to_crs("EPSG:32718")  # another CRS: written by to_json, which names it
    layer = _choropleth(
        projected, deaths, name="n", show=True, population=None, text=text, window="w", geometries=converted
    )
    assert json.dumps(layer.data) == json.dumps(choropleth_the_long_way(projected, deaths, None, text))
    assert layer.data["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32718"
