"""Rendering benchmarks (run on demand; figures go in the issue's closing note).

1. ``render --date`` on the bundled data: wall time and HTML bytes.
2. A synthetic 100,000-incident table -> timeline HTML (aggregated per unit and day): bytes and
   load time in headless Chromium; and its size against folium's TimestampedGeoJson holding every
   incident as a marker.

Run: PROTESTMAP_BOUNDARIES=../shared/boundaries python benchmarks/bench_render.py
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from protestmap.maps.day import render_date_map
from protestmap.maps.page import page_html, write_atomic
from protestmap.maps.timeline import render_timeline_map
from protestmap.pipeline import prepare as prepare_incidents

TYPES = ["march", "blockade", "strike", "detention", "clash", "attack_on_protesters"]


def synthetic(prepared, n: int, rng: np.random.Generator):
    """n incidents at random points of random provinces over the period (copies of real rows' shape)."""
    provinces = prepared.boundaries.provinces
    points = provinces.geometry.representative_point()
    pick = rng.integers(0, len(provinces), n)
    start = pd.Timestamp("2022-12-07") + pd.to_timedelta(rng.integers(0, 115, n), unit="D")
    kinds = rng.choice(TYPES, n)
    span = np.where(np.isin(kinds, ["blockade", "strike"]), rng.integers(0, 5, n), 0)
    frame = pd.DataFrame(
        {
            "event_id": [f"syn-{i}" for i in range(n)],
            "event_date": start,
            "end_date": start + pd.to_timedelta(span, unit="D"),
            "event_type": kinds,
            "fatalities": pd.array(np.where(kinds == "attack_on_protesters", rng.integers(1, 4, n), 0), dtype="Int64"),
            "injured": pd.array(rng.integers(0, 10, n), dtype="Int64"),
            "blockade_points": pd.array(np.where(kinds == "blockade", 1, 0), dtype="Int64"),
            "scope": "local",
            "department_code": provinces["ubigeo"].str[:2].to_numpy()[pick],
            "province_code": provinces["ubigeo"].to_numpy()[pick],
            "ubigeo": provinces["ubigeo"].to_numpy()[pick],
        }
    )
    jitter = rng.normal(0, 0.05, (n, 2))
    xs = points.x.to_numpy()[pick] + jitter[:, 0]
    ys = points.y.to_numpy()[pick] + jitter[:, 1]
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xs, ys), crs="EPSG:4326")


def load_seconds(path: Path) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        t0 = time.perf_counter()
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_function("window.protestmapTimeline && window.protestmapTimeline.days.length > 0")
        elapsed = time.perf_counter() - t0
        browser.close()
    return elapsed


def main() -> None:
    from folium.plugins import TimestampedGeoJson

    out = Path(tempfile.mkdtemp())
    t0 = time.perf_counter()
    prepared = prepare_incidents()
    fmap = render_date_map(prepared, dt.date(2023, 1, 9))
    day_html = page_html(fmap, self_contained=False)
    write_atomic(day_html, out / "day.html")
    print(
        f"render --date 2023-01-09 (bundled data, load + geocode + join + render): {time.perf_counter() - t0:.2f} s, {len(day_html.encode()):,} bytes"
    )
    self_html = page_html(render_date_map(prepared, dt.date(2023, 1, 9), self_contained=True), self_contained=True)
    print(f"  --self-contained: {len(self_html.encode()):,} bytes")

    rng = np.random.default_rng(1)
    big = synthetic(prepared, 100_000, rng)
    prepared.joined = big
    t0 = time.perf_counter()
    page = page_html(render_timeline_map(prepared, self_contained=True), self_contained=True)
    path = write_atomic(page, out / "timeline-100k.html")
    size = path.stat().st_size
    print(
        f"timeline, 100,000 synthetic incidents: {time.perf_counter() - t0:.1f} s to render, {size:,} bytes ({size / 2**20:.2f} MiB)"
    )
    print(f"  loads in headless Chromium in {load_seconds(path):.2f} s")

    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(g.x, 5), round(g.y, 5)]},
            "properties": {"time": d.strftime("%Y-%m-%d"), "popup": f"{k} {e}", "icon": "circle"},
        }
        for g, d, k, e in zip(big.geometry, big["event_date"], big["event_type"], big["event_id"], strict=True)
    ]
    import folium

    naive = folium.Map(location=(-9.3, -75), zoom_start=5, tiles=None)
    TimestampedGeoJson({"type": "FeatureCollection", "features": features}, period="P1D").add_to(naive)
    naive_size = len(naive.get_root().render().encode())
    print(
        f"folium TimestampedGeoJson with every incident as a marker: {naive_size:,} bytes; ratio {naive_size / size:.1f}x"
    )


if __name__ == "__main__":
    main()
