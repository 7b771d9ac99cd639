"""Province join + per-province aggregation of 1,000,000 random points in Peru's bounding box.

Run on demand: PROTESTMAP_BOUNDARIES=../shared/boundaries python benchmarks/bench_join.py
Targets (issue 4): <= 2 s for join + aggregation; >= 50x faster than a naive per-point
``polygon.contains`` loop, measured on a sample in the same run and extrapolated linearly.
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import pandas as pd

from protestmap.dataset.schema import PERU_BBOX
from protestmap.spatial.boundaries import load_boundaries
from protestmap.spatial.join import units_for_xy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--naive-sample", type=int, default=2_000)
    args = parser.parse_args()
    provinces = load_boundaries().provinces
    rng = np.random.default_rng(42)
    lon_min, lat_min, lon_max, lat_max = PERU_BBOX
    lon = rng.uniform(lon_min, lon_max, args.points)
    lat = rng.uniform(lat_min, lat_max, args.points)
    deaths = rng.integers(0, 3, args.points)

    t0 = time.perf_counter()
    units = units_for_xy(lon, lat, provinces)
    table = pd.DataFrame({"ubigeo": units, "fatalities": deaths}).groupby("ubigeo")["fatalities"].agg(["sum", "size"])
    fast = time.perf_counter() - t0
    inside = int(pd.notna(units).sum())
    t0 = time.perf_counter()
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    sjoined = gpd.sjoin(points, provinces[["ubigeo", "geometry"]], how="left", predicate="intersects")
    sjoin_time = time.perf_counter() - t0

    sample = args.naive_sample
    shapes = list(zip(provinces["ubigeo"], provinces.geometry, strict=True))
    t0 = time.perf_counter()
    naive = []
    for x, y in zip(lon[:sample], lat[:sample], strict=True):
        point = gpd.points_from_xy([x], [y])[0]
        naive.append(next((code for code, shape in shapes if shape.contains(point)), None))
    naive_per_point = (time.perf_counter() - t0) / sample
    naive_total = naive_per_point * args.points
    agree = sum((a == b) or (a is None and pd.isna(b)) for a, b in zip(naive, units[:sample], strict=True))

    print(f"points: {args.points:,}; inside a province: {inside:,}; provinces with points: {len(table)}")
    print(f"join + per-province aggregation: {fast:.2f} s")
    print(f"for comparison, geopandas.sjoin alone: {sjoin_time:.2f} s ({sjoined.index.nunique():,} rows)")
    print(f"naive loop: {naive_per_point * 1e6:.0f} us/point on {sample:,} points -> {naive_total:.0f} s extrapolated")
    print(f"speed-up: {naive_total / fast:.0f}x; the naive loop and protestmap agree on {agree}/{sample} sample points")


if __name__ == "__main__":
    main()
