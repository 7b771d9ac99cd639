"""Speed and peak memory of ``validate`` on large synthetic datasets built from the bundled rows.

Run on demand: python benchmarks/bench_validate.py [--rows 100000 1000000]
Targets (issue 9): >= 200,000 rows/s and peak memory <= 3x the size of incidents.csv. Each
measurement runs in a fresh subprocess; peak memory is that process's maximum resident set size
minus its size after imports, so the interpreter and libraries are not counted. For comparison,
``pandas.read_csv(dtype=str)`` of the same file is measured the same way in the same run.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
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
from protestmap.dataset.validate import validate_dataset
validate_dataset(Path(sys.argv[3]))  # warm the gazetteer and imports on the tiny dataset
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if kind == "validate":
    report = validate_dataset(path)
    rows, problems = report.rows_in("incidents"), len(report.problems)
else:
    frame = pd.read_csv(path / "incidents.csv", dtype=str, keep_default_na=False)
    rows, problems = len(frame), 0
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "rows": rows, "problems": problems, "peak_kib": peak - base}))
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


def measure(kind: str, directory: Path) -> dict[str, float]:
    tiny = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tiny"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, kind, str(directory), str(tiny)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            directory = build(Path(tmp) / str(rows), rows)
            size = (directory / "incidents.csv").stat().st_size
            ours = measure("validate", directory)
            pandas = measure("pandas", directory)
            assert ours["rows"] == rows, ours
            rate = rows / ours["seconds"]
            ratio = ours["peak_kib"] * 1024 / size
            print(f"{rows:,} rows, incidents.csv {size / 1e6:.1f} MB; problems found: {ours['problems']:,}")
            print(f"  validate: {ours['seconds']:.2f} s = {rate:,.0f} rows/s (goal >= 200,000)")
            print(f"  validate peak memory: {ours['peak_kib'] / 1024:.0f} MiB = {ratio:.1f}x the file (goal <= 3x)")
            print(
                f"  pandas.read_csv(dtype=str): {pandas['seconds']:.2f} s, {pandas['peak_kib'] / 1024:.0f} MiB"
                f" ({pandas['peak_kib'] * 1024 / size:.1f}x the file); validate takes"
                f" {ours['seconds'] / pandas['seconds']:.1f}x its time"
            )


if __name__ == "__main__":
    main()
