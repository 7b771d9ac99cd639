"""Speed and peak memory of ``validate`` on large synthetic datasets built from the bundled rows.

Run on demand: python benchmarks/bench_validate.py [--rows 100000 1000000] [--repeat 3]
Targets (issue 9): >= 200,000 rows/s and peak memory <= 3x the size of incidents.csv, within 2x of
``pandas.read_csv(dtype=str)``. Each measurement runs in a fresh subprocess; peak memory is that
process's maximum resident set size minus its size after imports, so the interpreter and libraries
are not counted. ``pandas.read_csv(dtype=str)`` of the same file is measured the same way in the
same run, interleaved with validate, so that other load on the machine weighs on both. Wall time
is given as min/median/max of the runs, with the process's CPU time beside it.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from protestmap.dataset.load import default_data_dir

PROBE = """
import json, resource, sys, time
from pathlib import Path
kind, path = sys.argv[1], Path(sys.argv[2])
import pandas as pd
from protestmap import validate_dataset
validate_dataset(Path(sys.argv[3]))  # warm the gazetteer and imports on the tiny dataset
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start, cpu = time.perf_counter(), time.process_time()
if kind == "validate":
    report = validate_dataset(path)
    rows, problems = report.rows_in("incidents"), len(report.problems)
else:
    frame = pd.read_csv(path / "incidents.csv", dtype=str, keep_default_na=False)
    rows, problems = len(frame), 0
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows, "problems": problems, "peak_kib": peak - base}))
"""


def build(directory: Path, rows: int) -> Path:
    """Write a dataset of ``rows`` incidents: the bundled rows repeated with unique ids."""
    data = default_data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("sources.csv", "source_figures.csv"):
        shutil.copy(data / name, directory / name)
    with (data / "incidents.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        bundled = list(reader)
    with (directory / "incidents.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for i in range(rows):
            row = list(bundled[i % len(bundled)])
            if i >= len(bundled):
                row[0] = f"{row[0]}-{i}"
            writer.writerow(row)
    return directory


def measure(kind: str, directory: Path, probe: str = PROBE) -> dict[str, float]:
    tiny = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tiny"
    done = subprocess.run(
        [sys.executable, "-c", probe, kind, str(directory), str(tiny)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def spread(runs: list[dict[str, float]], key: str = "seconds") -> str:
    """Describe the runs' ``key`` as min/median/max."""
    values = sorted(run[key] for run in runs)
    return f"{values[0]:.2f}/{statistics.median(values):.2f}/{values[-1]:.2f} s"


def repeated(
    kinds: tuple[str, ...], directory: Path, repeat: int, probe: str = PROBE
) -> dict[str, list[dict[str, float]]]:
    """Measure each kind ``repeat`` times, interleaved."""
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    for _ in range(repeat):
        for kind in kinds:
            runs[kind].append(measure(kind, directory, probe))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            directory = build(Path(tmp) / str(rows), rows)
            size = (directory / "incidents.csv").stat().st_size
            runs = repeated(("validate", "pandas"), directory, args.repeat)
            ours, pandas = runs["validate"], runs["pandas"]
            assert all(run["rows"] == rows for run in ours), ours
            median = statistics.median(run["seconds"] for run in ours)
            base = statistics.median(run["seconds"] for run in pandas)
            cpu = statistics.median(run["cpu"] for run in ours) / statistics.median(run["cpu"] for run in pandas)
            peak = max(run["peak_kib"] for run in ours) * 1024
            print(f"{rows:,} rows, incidents.csv {size / 1e6:.1f} MB; problems found: {ours[0]['problems']:,}")
            rate = rows / statistics.median(run["cpu"] for run in ours)
            print(
                f"  validate: wall {spread(ours)} (min/median/max of {args.repeat}), CPU {spread(ours, 'cpu')};"
                f" median {rows / median:,.0f} rows/s of wall time, {rate:,.0f} rows/s of CPU time (goal >= 200,000);"
                f" {size / median / 1e6:.1f} MB/s of wall time ({size / rows:.0f} bytes per row)"
            )
            print(f"  validate peak memory: {peak / 2**20:.0f} MiB = {peak / size:.1f}x the file (goal <= 3x)")
            print(
                f"  pandas.read_csv(dtype=str): wall {spread(pandas)}, CPU {spread(pandas, 'cpu')},"
                f" {max(run['peak_kib'] for run in pandas) / 1024:.0f} MiB; validate/read_csv median ratio"
                f" wall {median / base:.2f}, CPU {cpu:.2f} (goal <= 2)"
            )


if __name__ == "__main__":
    main()
