"""Speed of ``load_incidents`` against a plain pandas load of the same synthetic dataset.

Run on demand: python benchmarks/bench_load.py [--rows 100000 1000000] [--repeat 3]
Target (performance issue, item 1): ``load_incidents`` within 1.5x of the plain baseline, which is
``pandas.read_csv`` + nullable ``Int64`` counts + ``geopandas.points_from_xy`` and nothing else (no
validation). A third probe reads every cell as text with pyarrow and nothing more: the least any loader
must do that checks every cell as written. Each run is a fresh subprocess; the two are interleaved so that other load on the
machine weighs on both; wall time is min/median/max of the runs, with CPU time beside it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from bench_validate import build, repeated, spread

PROBE = """
import json, resource, sys, time
from pathlib import Path
kind, path = sys.argv[1], Path(sys.argv[2])
import geopandas as gpd
import pandas as pd
import protestmap
from protestmap.dataset.schema import MEASURES
protestmap.load_incidents(Path(sys.argv[3]))  # warm imports and the gazetteer on the tiny dataset
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start, cpu = time.perf_counter(), time.process_time()
if kind == "load":
    frame = protestmap.load_incidents(path)
elif kind == "text":
    import pyarrow as pa, pyarrow.csv as pacsv
    names = pd.read_csv(path / "incidents.csv", nrows=0).columns
    as_text = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False)
    frame = pacsv.read_csv(path / "incidents.csv", convert_options=as_text)
else:
    frame = pd.read_csv(path / "incidents.csv")
    for column in (*MEASURES, "time_precision", "geo_precision"):
        frame[column] = frame[column].astype("Int64")
    points = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs="EPSG:4326")
    frame = gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": len(frame), "peak_kib": peak - base}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            directory = build(Path(tmp) / str(rows), rows)
            size = (directory / "incidents.csv").stat().st_size
            runs = repeated(("load", "plain", "text"), directory, args.repeat, PROBE)
            ours, plain, text = runs["load"], runs["plain"], runs["text"]
            assert all(run["rows"] == rows for run in ours + plain), runs
            ratio = statistics.median(r["seconds"] for r in ours) / statistics.median(r["seconds"] for r in plain)
            cpu = statistics.median(r["cpu"] for r in ours) / statistics.median(r["cpu"] for r in plain)
            print(f"{rows:,} rows, incidents.csv {size / 1e6:.1f} MB")
            print(f"  load_incidents: wall {spread(ours)} (min/median/max of {args.repeat}), CPU {spread(ours, 'cpu')}")
            print(f"  plain read_csv + Int64 + points_from_xy: wall {spread(plain)}, CPU {spread(plain, 'cpu')}")
            print(f"  load/plain median ratio: wall {ratio:.2f}, CPU {cpu:.2f} (goal <= 1.5)")
            floor = statistics.median(r["cpu"] for r in text) / statistics.median(r["cpu"] for r in plain)
            print(
                f"  reading every cell as text (pyarrow, threads), the least a validating loader must do:"
                f" wall {spread(text)}, CPU {spread(text, 'cpu')}; CPU {floor:.2f}x the plain baseline"
            )
            peak = max(r["peak_kib"] for r in ours) / 1024, max(r["peak_kib"] for r in plain) / 1024
            print(f"  peak memory: load {peak[0]:.0f} MiB, plain {peak[1]:.0f} MiB")


if __name__ == "__main__":
    main()
