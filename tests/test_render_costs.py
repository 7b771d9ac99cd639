"""The day map's fixed costs: shortcuts that must give exactly what the longer way gave."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import pandas as pd
from shapely.geometry import Polygon

from protestmap.maps.day import _span_polygons, feature_collection


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
    layer = _span_polygons(units, rows, "#123456")
    assert json.dumps(layer.data) == json.dumps(outlines_the_long_way(units, codes))
    assert [f["properties"]["ubigeo"] for f in layer.data["features"]] == ["21", "2101", "2105", "0801", "0801"]
    assert _span_polygons(units, rows[rows["scope"] == "local"], "#123456") is None
    unknown = _span_polygons(units, pd.DataFrame({"scope": ["regional"], "ubigeo": ["99"]}), "#123456")
    assert unknown.data == {"type": "FeatureCollection", "features": []}
