"""Rendering benchmarks (run on demand; figures go in the issue's closing note).

1. ``render --date`` on the bundled data: wall time and HTML bytes.
2. A synthetic 100,000-incident table -> timeline HTML (aggregated per unit and day): bytes and
   load time in headless Chromium; and its size against folium's TimestampedGeoJson holding every
   incident as a marker.
3. A 1,000-incident timeline, every marker with its popup: synthetic rows as in case 2 (one
   source each, no notes), and real rows resampled with their notes, sources and per-source
   figures ("1k real"); render time and bytes, min/median/max of 3 runs, against a 10,000-incident
   one (aggregated, no popups) rendered in the same run. Target: <= 0.3 s, <= 700 KB.

   ``python benchmarks/bench_render.py timeline-1k`` runs case 3 alone.

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
            "arrested": pd.array([None] * n, dtype="Int64"),
            "scope": "local",
            "location": provinces["name"].to_numpy()[pick],
            "source_ids": rng.choice(prepared.sources.index.to_numpy(), n),
            "notes": None,
            "department_code": provinces["ubigeo"].str[:2].to_numpy()[pick],
            "province_code": provinces["ubigeo"].to_numpy()[pick],
            "ubigeo": provinces["ubigeo"].to_numpy()[pick],
        }
    )
    jitter = rng.normal(0, 0.05, (n, 2))
    xs = points.x.to_numpy()[pick] + jitter[:, 0]
    ys = points.y.to_numpy()[pick] + jitter[:, 1]
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xs, ys), crs="EPSG:4326")


def resampled(prepared, n: int, rng: np.random.Generator):
    """n incidents drawn (with replacement) from the placed real rows, points jittered, figures copied."""
    placed = prepared.joined[(prepared.joined["scope"] != "national") & prepared.joined.geometry.notna()]
    picks = placed.iloc[rng.integers(0, len(placed), n)].reset_index(drop=True)
    new_ids = [f"{old}-r{i}" for i, old in enumerate(picks["event_id"])]
    renamed = dict(zip(new_ids, picks["event_id"], strict=True))
    jitter = rng.normal(0, 0.05, (n, 2))
    frame = picks.assign(event_id=new_ids)
    frame = frame.set_geometry(gpd.points_from_xy(picks.geometry.x + jitter[:, 0], picks.geometry.y + jitter[:, 1]))
    by_event = dict(iter(prepared.figures.groupby("event_id")))
    figures = [by_event[old].assign(event_id=new) for new, old in renamed.items() if old in by_event]
    return frame.set_crs("EPSG:4326", allow_override=True), pd.concat(figures, ignore_index=True)


def bench_1k_timeline(prepared) -> None:
    """Case 3: the 1,000-incident timeline with full popups, against a 10,000-incident one."""
    import copy
    import statistics

    rng = np.random.default_rng(7)
    real = copy.copy(prepared)
    real.joined, real.figures = resampled(prepared, 1_000, rng)
    shaped = copy.copy(prepared)
    shaped.joined = synthetic(prepared, 1_000, rng)
    large = copy.copy(prepared)
    large.joined = synthetic(prepared, 10_000, rng)
    for contained in (False, True):
        figures = {}
        for name, data in (("1k", shaped), ("1k real", real), ("10k", large)):
            times, size = [], 0
            for _ in range(3):
                t0 = time.perf_counter()
                page = page_html(render_timeline_map(data, self_contained=contained), self_contained=contained)
                times.append(time.perf_counter() - t0)
                size = len(page.encode())
            figures[name] = (min(times), statistics.median(times), max(times), size)
            low, mid, high, size = figures[name]
            print(
                f"timeline {name} incidents (self_contained={contained}): render {low:.3f}/{mid:.3f}/{high:.3f} s "
                f"(min/median/max of 3), {size:,} bytes ({size / 1000:.0f} KB)"
            )
        for name in ("1k", "1k real"):
            ratio_t = figures[name][1] / figures["10k"][1]
            ratio_b = figures[name][3] / figures["10k"][3]
            print(f"  {name} / 10k: time {ratio_t:.2f}x, bytes {ratio_b:.2f}x (targets: 1k <= 0.3 s and <= 700 KB)")


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

    bench_1k_timeline(prepared)

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
    import sys

    if sys.argv[1:] == ["timeline-1k"]:
        bench_1k_timeline(prepare_incidents())
    else:
        main()
