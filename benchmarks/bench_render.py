"""Rendering benchmarks (run on demand; figures go in the issue's closing note).

1. ``render --date 2023-01-09`` on the bundled data (``pipeline.write_day_map``: load, geocode,
   join, render, write) against a minimal folium script drawing the same departments choropleth
   and markers (with popups and tooltips) from the same CSV and boundary files. Each runs in a
   fresh interpreter (imports included), ``--runs N`` times each (default 5), interleaved; CPU
   time of each process (wall time too, but on a shared machine it mostly measures the
   neighbours); the ratio of the medians is printed with min/median/max of each program and the
   per-run ratios (target: at most 1.3x). The protestmap measured is the one this interpreter
   imports (``PYTHONPATH`` chooses it), so one copy of this script can time another checkout.
2. Jinja template compilations per day-map render: protestmap's page (folium's elements
   rendered once, through their class templates) against branca's default rendering of the
   same map, which compiles every element's output again.
3. With ``--timeline``: a synthetic 100,000-incident table -> timeline HTML (aggregated per unit
   and day): bytes and load time in headless Chromium; and its size against folium's
   TimestampedGeoJson holding every incident as a marker.
4. A 1,000-incident timeline, every marker with its popup: synthetic rows as in case 2 (one
   source each, no notes), and real rows resampled with their notes, sources and per-source
   figures ("1k real"); render time and bytes, min/median/max of 3 runs, against a 10,000-incident
   one (aggregated, no popups) rendered in the same run. Target: <= 0.3 s, <= 700 KB. Times are CPU
   time of this process (wall time beside it: on a shared machine it mostly measures the neighbours).

   ``python benchmarks/bench_render.py timeline-1k`` runs case 4 alone.

Case 1 byte-compiles protestmap's modules first, as installing the wheel does (the folium
script's libraries are installed, hence compiled); ``--from-source`` skips that step, so that
under ``PYTHONDONTWRITEBYTECODE=1`` each run compiles protestmap's sources again.

Run: PROTESTMAP_BOUNDARIES=../shared/boundaries python benchmarks/bench_render.py [--runs N] [--timeline] [--from-source]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import protestmap
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
            times, cpu, size = [], [], 0
            for _ in range(3):
                t0, c0 = time.perf_counter(), time.process_time()
                page = page_html(render_timeline_map(data, self_contained=contained), self_contained=contained)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
                size = len(page.encode())
            figures[name] = (min(cpu), statistics.median(cpu), max(cpu), size)
            low, mid, high, size = figures[name]
            print(
                f"timeline {name} incidents (self_contained={contained}): render CPU {low:.3f}/{mid:.3f}/{high:.3f} s"
                f" (min/median/max of 3; wall {min(times):.3f}/{statistics.median(times):.3f}/{max(times):.3f} s),"
                f" {size:,} bytes ({size / 1000:.0f} KB)"
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


def timeline_benchmark(prepared, out: Path) -> None:
    from folium.plugins import TimestampedGeoJson

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


DAY = "2023-01-09"
PROTESTMAP_SCRIPT = """
import time
t0 = time.perf_counter()
import datetime as dt
from pathlib import Path
from protestmap.pipeline import write_day_map
write_day_map(dt.date.fromisoformat({day!r}), out=Path({out!r}))
print(time.process_time(), time.perf_counter() - t0)
"""
# What a folium user writes by hand for the same drawing: the departments choropleth of deaths to
# date and one circle per incident of the day's view (events to date, spans in force), placed at
# its unit's representative point, with a popup (place, date, type, notes, sources) and a tooltip.
BASELINE_SCRIPT = """
import time
t0 = time.perf_counter()
import html
import folium
import geopandas as gpd
import pandas as pd
day = pd.Timestamp({day!r})
incidents = pd.read_csv({data!r} + "/incidents.csv", dtype={{"ubigeo": str}}, parse_dates=["event_date", "end_date"])
sources = pd.read_csv({data!r} + "/sources.csv", dtype=str).set_index("source_id")
departments = gpd.read_file({boundaries!r} + "/departamentos.geojson")
provinces = gpd.read_file({boundaries!r} + "/provincias.geojson")
spans = incidents["event_type"].isin(["blockade", "strike", "curfew", "state_of_emergency"])
ends = incidents["end_date"].fillna(incidents["event_date"])
shown = incidents[(incidents["event_date"] <= day) & (~spans | (ends >= day)) & (incidents["scope"] != "national")]
points = {{}}
for frame, width in ((departments, 2), (provinces, 4)):
    for code, point in zip(frame["ubigeo"], frame.geometry.representative_point()):
        points[code] = (point.y, point.x)
deaths = incidents[incidents["event_date"] <= day].assign(dep=incidents["ubigeo"].str[:2])
deaths = deaths.groupby("dep")["fatalities"].sum().reset_index()
fmap = folium.Map(location=(-9.19, -75.0), zoom_start=5)
folium.Choropleth(departments, data=deaths, columns=["dep", "fatalities"], key_on="feature.properties.ubigeo",
                  fill_color="Reds", name="Deaths to date by department").add_to(fmap)
groups = {{}}
for _, row in shown.iterrows():
    code = row["ubigeo"] if isinstance(row["ubigeo"], str) else ""
    where = points.get(code[:4]) or points.get(code[:2])
    if where is None:
        continue
    group = groups.setdefault(row["event_type"], folium.FeatureGroup(name=row["event_type"]).add_to(fmap))
    cited = "".join(
        "<li>" + html.escape(str(sources.loc[s, "outlet"]) + ": " + str(sources.loc[s, "title"])) + "</li>"
        for s in str(row["source_ids"]).split(";") if s in sources.index
    )
    text = (f"<b>{{html.escape(str(row['location']))}}</b><br>{{row['event_date']:%Y-%m-%d}} {{row['event_type']}}"
            f"<p>{{html.escape(str(row['notes']))}}</p><ol>{{cited}}</ol>")
    folium.CircleMarker(where, radius=4 + 3 * (row["fatalities"] if row["fatalities"] == row["fatalities"] else 0) ** 0.5,
                        color="#b2182b", fill=True, popup=folium.Popup(text, max_width=380),
                        tooltip=html.escape(str(row["location"]))).add_to(group)
folium.LayerControl(collapsed=False).add_to(fmap)
fmap.save({out!r})
print(time.process_time(), time.perf_counter() - t0)
"""


#: The protestmap package measured: the one this interpreter imported.
_PACKAGE = Path(protestmap.__file__).resolve().parent


def _child(script: str) -> tuple[float, float]:
    """Run a script in a fresh interpreter; return its CPU seconds and wall seconds (imports included).

    CPU time is what the ratio uses: on a shared machine wall time mostly measures the neighbours.
    """
    env = dict(os.environ, PYTHONPATH=str(_PACKAGE.parent))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    cpu, wall = done.stdout.strip().splitlines()[-1].split()
    return float(cpu), float(wall)


def _spread(values: list[float]) -> str:
    return f"min {min(values):.2f} / median {statistics.median(values):.2f} / max {max(values):.2f} s"


def byte_compile_protestmap() -> str:
    """Byte-compile the package's modules, as installing its wheel does; say what was done.

    The libraries the folium script imports are installed wheels, compiled at install time. Run
    from a source tree under ``PYTHONDONTWRITEBYTECODE=1`` (as on the shared machine), every fresh
    interpreter compiled the protestmap modules it imports from source instead.
    The ``__pycache__`` folders written are ignored by git.
    """
    import compileall

    compiled = compileall.compile_dir(str(_PACKAGE), quiet=1)
    unset = "" if sys.flags.dont_write_bytecode else " (PYTHONDONTWRITEBYTECODE is not set here: no difference)"
    return f"protestmap's modules byte-compiled first, as an installed wheel's are{unset}" if compiled else ""


def day_map_against_folium(out: Path, runs: int = 5, *, source_only: bool = False) -> None:
    from protestmap.dataset.load import default_data_dir

    boundaries = os.environ.get("PROTESTMAP_BOUNDARIES")
    if not boundaries:  # the folium script reads the INEI GeoJSON files; both must draw the same polygons
        raise SystemExit("set PROTESTMAP_BOUNDARIES to the INEI boundaries directory (e.g. ../shared/boundaries)")
    data = str(default_data_dir())
    scripts = {
        "protestmap render --date": PROTESTMAP_SCRIPT.format(day=DAY, out=str(out / "protestmap.html")),
        "minimal folium script": BASELINE_SCRIPT.format(
            day=DAY, data=data, boundaries=boundaries, out=str(out / "folium.html")
        ),
    }
    print(f"protestmap measured: {_PACKAGE}; {runs} runs of each program, interleaved")
    if not source_only:
        print(byte_compile_protestmap())
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in scripts}
    for _ in range(runs):  # interleaved, so both see the same machine load
        for name, script in scripts.items():
            times[name].append(_child(script))
    for name, pairs in times.items():
        size = (out / ("protestmap.html" if name.startswith("protestmap") else "folium.html")).stat().st_size
        print(f"{name}: CPU {_spread([p[0] for p in pairs])}; wall {_spread([p[1] for p in pairs])}; {size:,} bytes")
    ours, theirs = ([p[0] for p in times[name]] for name in scripts)
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    print(
        f"ratio of the CPU medians, protestmap / folium: {statistics.median(ours) / statistics.median(theirs):.2f}x "
        f"(target <= 1.3x); per run: min {min(ratios):.2f} / median {statistics.median(ratios):.2f} / "
        f"max {max(ratios):.2f}; CPU s per run, protestmap {' '.join(f'{t:.2f}' for t in ours)}, "
        f"folium {' '.join(f'{t:.2f}' for t in theirs)}"
    )


def template_compilations(prepared) -> None:
    import jinja2

    compiled = 0
    original = jinja2.Environment.compile

    def counting(self, source, *args, **kwargs):
        nonlocal compiled
        compiled += 1
        return original(self, source, *args, **kwargs)

    jinja2.Environment.compile = counting
    try:
        t0 = time.perf_counter()
        page_html(render_date_map(prepared, dt.date.fromisoformat(DAY)), self_contained=False)
        ours, ours_s = compiled, time.perf_counter() - t0
        compiled = 0
        t0 = time.perf_counter()
        render_date_map(prepared, dt.date.fromisoformat(DAY)).get_root().render()
        branca, branca_s = compiled, time.perf_counter() - t0
    finally:
        jinja2.Environment.compile = original
    print(
        f"Jinja compilations per day-map render: {ours} ({ours_s:.2f} s render) vs {branca} with branca's "
        f"default rendering of the same map ({branca_s:.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Rendering benchmarks (see the module docstring).")
    parser.add_argument("case", nargs="?", choices=["timeline-1k"], help="run case 4 alone")
    parser.add_argument("--runs", type=int, default=5, help="runs of each program in case 1 (default 5)")
    parser.add_argument("--timeline", action="store_true", help="also run cases 3 and 4")
    parser.add_argument("--from-source", action="store_true", help="do not byte-compile protestmap first")
    options = parser.parse_args()
    if options.runs < 1:
        parser.error("--runs must be at least 1")
    if options.case == "timeline-1k":
        bench_1k_timeline(prepare_incidents())
        return
    out = Path(tempfile.mkdtemp())
    prepared = prepare_incidents()
    render_date_map(prepared, dt.date.fromisoformat(DAY))  # warm: class templates compiled on import
    template_compilations(prepared)
    day_map_against_folium(out, options.runs, source_only=options.from_source)
    if options.timeline:
        timeline_benchmark(prepared, out)
        bench_1k_timeline(prepared)


if __name__ == "__main__":
    main()
