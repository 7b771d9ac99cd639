"""The province join of random points in Peru's bounding box against its baselines, in one run.

Run on demand: PROTESTMAP_BOUNDARIES=../shared/boundaries python benchmarks/bench_join.py
    [--points 10000 1000000 5000000] [--scale 1000000 5000000 20000000] [--repeat 3]

Targets (performance issue, item 2): ``units_for_xy`` >= 2x faster than ``geopandas.sjoin`` and
>= 1.3x faster than ``shapely.STRtree.query(predicate="intersects")`` at 1M and 5M points, no slower
than STRtree at 10k, and linear: microseconds per point at the largest ``--scale`` within 1.2x of
the smallest. The three methods are timed in turn within each repeat (so other load on the machine
weighs on all of them), each with its wall time and CPU time; the STRtree baseline includes
building the point geometries (the join takes bare coordinates) but not choosing one polygon per
point. The answers are compared with ``sjoin``'s: they must be identical except on points that
fall in two overlapping provinces, where the join keeps the lower ubigeo.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from protestmap.dataset.schema import PERU_BBOX
from protestmap.spatial.boundaries import load_boundaries
from protestmap.spatial.join import units_for_xy


def points(count: int, seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``count`` uniform random points in Peru's bounding box."""
    rng = np.random.default_rng(seed)
    lon_min, lat_min, lon_max, lat_max = PERU_BBOX
    return rng.uniform(lon_min, lon_max, count), rng.uniform(lat_min, lat_max, count)


def timed(work: Callable[[], object]) -> tuple[dict[str, float], object]:
    """Run ``work`` once; return its wall and CPU seconds, and its result."""
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    return {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu}, result


def by_sjoin(lon: np.ndarray, lat: np.ndarray, provinces: gpd.GeoDataFrame) -> pd.DataFrame:
    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=provinces.crs)
    return gpd.sjoin(frame, provinces[["ubigeo", "geometry"]], how="left", predicate="intersects")


def by_strtree(lon: np.ndarray, lat: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    return shapely.STRtree(polygons).query(shapely.points(lon, lat), predicate="intersects")


def spread(runs: list[dict[str, float]], key: str) -> str:
    values = sorted(run[key] for run in runs)
    return f"{values[0]:.3f}/{statistics.median(values):.3f}/{values[-1]:.3f} s"


def compare(units: np.ndarray, joined: pd.DataFrame) -> str:
    """Compare the join with sjoin's rows: overlaps (several rows per point) and disagreements."""
    per_point = joined.groupby(level=0)["ubigeo"]
    overlaps = int((per_point.size() > 1).sum())
    lowest = per_point.min().reindex(range(len(units))).to_numpy(dtype=object)
    ours = pd.Series(units, dtype="string").fillna("-").to_numpy()
    theirs = pd.Series(lowest, dtype="string").fillna("-").to_numpy()
    single = (per_point.size() == 1).reindex(range(len(units)), fill_value=True).to_numpy()
    return (
        f"points in two provinces (sjoin rows > 1): {overlaps:,}; join = lowest ubigeo of sjoin on"
        f" {int((ours == theirs).sum()):,}/{len(units):,}; disagreements outside overlaps:"
        f" {int(((ours != theirs) & single).sum())}"
    )


def against_baselines(count: int, repeat: int, provinces: gpd.GeoDataFrame) -> None:
    lon, lat = points(count)
    polygons = provinces.geometry.to_numpy()
    runs: dict[str, list[dict[str, float]]] = {"join": [], "sjoin": [], "strtree": []}
    units: object = None
    joined: object = None
    for _ in range(repeat):
        took, units = timed(lambda: units_for_xy(lon, lat, provinces))
        runs["join"].append(took)
        took, joined = timed(lambda: by_sjoin(lon, lat, provinces))
        runs["sjoin"].append(took)
        runs["strtree"].append(timed(lambda: by_strtree(lon, lat, polygons))[0])
    assert isinstance(units, np.ndarray) and isinstance(joined, pd.DataFrame)
    print(f"{count:,} points ({repeat} runs; min/median/max)")
    for name, label in (("join", "units_for_xy"), ("sjoin", "geopandas.sjoin"), ("strtree", "STRtree.query")):
        print(f"  {label:<16} wall {spread(runs[name], 'wall')}, CPU {spread(runs[name], 'cpu')}")
    for name, goal in (("sjoin", 2.0), ("strtree", 1.3 if count >= 1_000_000 else 1.0)):
        wall = statistics.median(r["wall"] for r in runs[name]) / statistics.median(r["wall"] for r in runs["join"])
        cpu = statistics.median(r["cpu"] for r in runs[name]) / statistics.median(r["cpu"] for r in runs["join"])
        print(f"  {name}/join median ratio: wall {wall:.2f}, CPU {cpu:.2f} (goal >= {goal})")
    print(f"  {compare(units, joined)}")


def linearity(counts: list[int], repeat: int, provinces: gpd.GeoDataFrame) -> None:
    first: dict[str, float] = {}
    print(f"linearity of units_for_xy ({repeat} runs each; median microseconds per point)")
    for count in counts:
        lon, lat = points(count)
        runs = [timed(functools.partial(units_for_xy, lon, lat, provinces))[0] for _ in range(repeat)]
        del lon, lat
        per_point = {key: statistics.median(r[key] for r in runs) / count * 1e6 for key in ("wall", "cpu")}
        first = first or per_point
        print(
            f"  {count:>12,}: wall {spread(runs, 'wall')}, CPU {spread(runs, 'cpu')};"
            f" {per_point['wall']:.3f} us/pt wall ({per_point['wall'] / first['wall']:.2f}x the first),"
            f" {per_point['cpu']:.3f} us/pt CPU ({per_point['cpu'] / first['cpu']:.2f}x; goal <= 1.2)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, nargs="*", default=[10_000, 1_000_000, 5_000_000])
    parser.add_argument("--scale", type=int, nargs="*", default=[1_000_000, 5_000_000, 20_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    provinces = load_boundaries().provinces
    units_for_xy(*points(1000), provinces)  # prepare the polygons once, outside every timing
    for count in args.points:
        against_baselines(count, args.repeat, provinces)
    if args.scale:
        linearity(args.scale, args.repeat, provinces)


if __name__ == "__main__":
    main()
