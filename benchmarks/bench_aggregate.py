"""``protestmap aggregate`` on synthetic event tables of 1M and 10M points (50M on request).

Run on demand (big: minutes, GBs of disk under --data):
    PROTESTMAP_BOUNDARIES=../shared/boundaries python benchmarks/bench_aggregate.py --sizes 1000000 10000000

Points are uniform in settings.PERU_BBOX (about half fall outside every province), dated over the
protest period, written as partitioned Parquet (one file per --rows-per-file rows). Each engine
runs in its own process so its peak memory (ru_maxrss) and CPU time are its own (CPU time ratios,
since the machine is shared; wall time is printed too); the baseline is a minimal
in-memory script over the same files (read_parquet + units_for_xy + groupby size), measured in the
same run. Issue 16 target: memory bounded (<= 4 GB at 50M) and time growing linearly.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

TYPES = ["protest", "blockade", "strike", "clash", "detention", "curfew"]


def _write(folder: Path, rows: int, per_file: int) -> None:
    import numpy as np
    import pandas as pd

    from protestmap.settings import PERU_BBOX

    folder.mkdir(parents=True, exist_ok=True)
    lon_min, lat_min, lon_max, lat_max = PERU_BBOX
    start = pd.Timestamp("2022-12-07").to_datetime64()
    for k, first in enumerate(range(0, rows, per_file)):
        n = min(per_file, rows - first)
        rng = np.random.default_rng(k)
        frame = pd.DataFrame(
            {
                "longitude": rng.uniform(lon_min, lon_max, n),
                "latitude": rng.uniform(lat_min, lat_max, n),
                "event_date": start + rng.integers(0, 115, n).astype("timedelta64[D]"),
                "event_type": pd.Categorical.from_codes(rng.integers(0, len(TYPES), n), categories=TYPES),
                "fatalities": rng.choice(np.array([0, 0, 0, 0, 0, 0, 0, 1, 2], dtype="int16"), n),
            }
        )
        frame.to_parquet(folder / f"part-{k:04d}.parquet", index=False)
    (folder / "_ROWS").write_text(str(rows))


def _dataset(root: Path, rows: int, per_file: int) -> Path:
    folder = root / f"events-{rows}.parquet"
    marker = folder / "_ROWS"
    if not (marker.is_file() and marker.read_text() == str(rows)):
        t0 = time.perf_counter()
        _write(folder, rows, per_file)
        size = sum(p.stat().st_size for p in folder.glob("*.parquet")) / 1e6
        print(f"wrote {rows:,} points in {time.perf_counter() - t0:.1f} s ({size:.0f} MB of Parquet)", flush=True)
    return folder


def _child(engine: str, folder: Path) -> None:
    """Run one measurement in this process and print seconds and peak memory as JSON."""
    from protestmap.spatial.boundaries import load_boundaries

    boundaries = load_boundaries()
    start = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = start.ru_utime + start.ru_stime
    t0 = time.perf_counter()
    if engine == "baseline":
        import pandas as pd

        from protestmap.spatial.join import units_for_xy

        frame = pd.read_parquet(folder, columns=["longitude", "latitude", "event_date", "event_type"])
        units = units_for_xy(frame["longitude"].to_numpy(), frame["latitude"].to_numpy(), boundaries.provinces)
        rows = len(frame.assign(u=units).groupby(["u", "event_date", "event_type"], observed=True).size())
    else:
        from protestmap.spatial.scale import aggregate_events

        result = aggregate_events(folder, boundaries=boundaries, level="province", engine=engine)
        rows = len(result.table)
    seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": usage.ru_maxrss / 1024, "rows": rows}))


def _measure(engine: str, folder: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", engine, str(folder)], capture_output=True, text=True, check=False
    )
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["killed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--engines", nargs="+", default=["pandas", "dask"])
    parser.add_argument("--baseline-max", type=int, default=10_000_000, help="skip the in-memory baseline above")
    parser.add_argument("--rows-per-file", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--data", type=Path, default=Path("/tmp/protestmap-bench-aggregate"))
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return
    for size in args.sizes:
        folder = _dataset(args.data, size, args.rows_per_file)
        engines = (["baseline"] if size <= args.baseline_max else []) + args.engines
        results: dict[str, list[dict]] = {e: [_measure(e, folder) for _ in range(args.runs)] for e in engines}
        base = min((r["cpu"] for r in results.get("baseline", []) if "cpu" in r), default=None)
        for engine, runs in results.items():
            for run in runs:
                if "error" in run:
                    print(f"{size:>11,} {engine:>8}: failed: {run['error']}")
                    continue
                ratio = f"{run['cpu'] / base:.2f}x baseline CPU" if base else "no baseline"
                per_point = run["cpu"] / size * 1e6
                print(
                    f"{size:>11,} {engine:>8}: wall {run['seconds']:7.2f} s, CPU {run['cpu']:7.2f} s "
                    f"({per_point:.2f} CPU us/pt, {ratio}), "
                    f"peak {run['peak_mb']:,.0f} MB, {run['rows']:,} table rows",
                    flush=True,
                )


if __name__ == "__main__":
    main()
