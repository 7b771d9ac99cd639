"""``protestmap aggregate``: event points counted per unit and day, pandas and dask alike."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from protestmap.cli.app import app
from protestmap.errors import EventTableError
from protestmap.spatial.boundaries import load_boundaries
from protestmap.spatial.scale import aggregate_events, read_aggregates

runner = CliRunner()
TYPES = ["Protests", "Riots", "blockade", "strike"]


def _events(n: int, seed: int) -> pd.DataFrame:
    """Points over the tiny boundaries' rectangles (and around them), some without coordinates."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "longitude": rng.uniform(-72.5, -68.5, n),
            "latitude": rng.uniform(-17.2, -13.0, n),
            "event_date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 20, n), unit="D"),
            "event_type": rng.choice(TYPES, n),
            "fatalities": rng.choice([0.0, 0.0, 1.0, 2.0, np.nan], n),
        }
    )
    frame.loc[frame.index[::97], "latitude"] = np.nan
    return frame


@pytest.fixture
def partitioned(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """Three Parquet files in one folder, as a partitioned export would be."""
    frame = _events(3000, seed=7)
    folder = tmp_path / "events.parquet"
    folder.mkdir()
    for k in range(3):
        frame.iloc[k * 1000 : (k + 1) * 1000].to_parquet(folder / f"part-{k}.parquet", index=False)
    return folder, frame


@pytest.fixture(scope="module")
def tiny(tiny_boundaries: Path):
    return load_boundaries(tiny_boundaries)


@pytest.mark.parametrize("level", ["province", "department"])
def test_pandas_and_dask_give_identical_tables(partitioned, tiny, level: str) -> None:
    folder, _ = partitioned
    in_memory = aggregate_events(folder, boundaries=tiny, level=level, engine="pandas")
    out_of_core = aggregate_events(folder, boundaries=tiny, level=level, engine="dask")
    pd.testing.assert_frame_equal(in_memory.table, out_of_core.table)
    assert (in_memory.rows_in, in_memory.rows_counted, in_memory.rows_outside, in_memory.rows_invalid) == (
        out_of_core.rows_in,
        out_of_core.rows_counted,
        out_of_core.rows_outside,
        out_of_core.rows_invalid,
    )


def test_counts_agree_with_sjoin_and_every_row_is_accounted_for(partitioned, tiny) -> None:
    import geopandas as gpd

    folder, frame = partitioned
    result = aggregate_events(folder, boundaries=tiny, level="province", engine="dask")
    placed = frame.dropna(subset=["longitude", "latitude"])
    points = gpd.GeoDataFrame(placed, geometry=gpd.points_from_xy(placed["longitude"], placed["latitude"]), crs=4326)
    joined = gpd.sjoin(points, tiny.provinces[["ubigeo", "geometry"]], predicate="within")
    assert not joined.index.duplicated().any()  # the hand-made rectangles do not overlap inside
    expected = (
        joined.assign(deaths=joined["fatalities"].fillna(0).astype("int64"))
        .groupby(["ubigeo", "event_date", "event_type"])
        .agg(events=("ubigeo", "size"), fatalities=("deaths", "sum"))
        .reset_index()
    )
    got = result.table.rename(columns={"date": "event_date"}).astype({"ubigeo": object, "event_type": object})
    pd.testing.assert_frame_equal(
        got[["ubigeo", "event_date", "event_type", "events", "fatalities"]],
        expected.astype({"event_date": "datetime64[ns]"}),
        check_dtype=False,
    )
    assert result.rows_in == len(frame)
    assert result.rows_invalid == frame["latitude"].isna().sum()
    assert result.rows_counted == len(joined)
    assert result.rows_counted + result.rows_outside + result.rows_invalid == len(frame)


def test_acled_like_csv_with_text_dates_and_float_fatalities(tmp_path: Path, tiny) -> None:
    csv = tmp_path / "acled.csv"
    csv.write_text(
        "event_id_cnty,event_date,event_type,latitude,longitude,fatalities\n"
        "PER1,09 January 2023,Protests,-15.5,-70.1,17.0\n"
        "PER2,2023-01-09,Protests,-15.4,-70.2,\n"
        "PER3,20230110,Riots,-13.5,-72.0,1\n"
        "PER4,not a date,Riots,-13.5,-72.0,1\n"
        "PER5,2023-01-10,Riots,-1.0,-60.0,0\n",
        encoding="utf-8",
    )
    result = aggregate_events(csv, boundaries=tiny, level="department", engine="pandas")
    rows = result.table.astype({"date": str}).to_dict("records")
    assert rows == [
        {"ubigeo": "08", "name": "Cusco", "date": "2023-01-10", "event_type": "Riots", "events": 1, "fatalities": 1},
        {"ubigeo": "21", "name": "Puno", "date": "2023-01-09", "event_type": "Protests", "events": 2, "fatalities": 17},
    ]
    assert (result.rows_in, result.rows_counted, result.rows_outside, result.rows_invalid) == (5, 3, 1, 1)
    dask_result = aggregate_events(csv, boundaries=tiny, level="department", engine="dask")
    pd.testing.assert_frame_equal(result.table, dask_result.table)


def test_weekly_periods_start_on_monday(partitioned, tiny) -> None:
    folder, _ = partitioned
    weekly = aggregate_events(folder, boundaries=tiny, level="department", freq="W").table
    assert set(weekly["date"].dt.day_of_week) == {0}
    daily = aggregate_events(folder, boundaries=tiny, level="department", freq="D").table
    assert weekly["events"].sum() == daily["events"].sum()


def test_missing_coordinates_column_is_named(tmp_path: Path, tiny) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("date,lat\n2023-01-09,-15\n", encoding="utf-8")
    with pytest.raises(EventTableError, match=r"bad\.csv: no column for lon: one of longitude, lon"):
        aggregate_events(path, boundaries=tiny)


def test_dask_distributed_cluster_gives_the_same_table(partitioned, tiny) -> None:
    from distributed import LocalCluster

    folder, _ = partitioned
    local = aggregate_events(folder, boundaries=tiny, level="province", engine="pandas")
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        remote = aggregate_events(
            folder, boundaries=tiny, level="province", engine="dask", scheduler=cluster.scheduler_address
        )
    pd.testing.assert_frame_equal(local.table, remote.table)


def test_cli_aggregate_then_render_the_timeline(partitioned, tiny_boundaries: Path, tmp_path: Path) -> None:
    folder, frame = partitioned
    table = tmp_path / "counts.parquet"
    result = runner.invoke(
        app,
        [
            "aggregate",
            str(folder),
            "--by",
            "province",
            "--out",
            str(table),
            "--engine",
            "dask",
            "--boundaries",
            str(tiny_boundaries),
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"{len(frame)} row(s) read" in result.output
    counts = read_aggregates(table)
    assert counts["events"].sum() < len(frame)
    page = tmp_path / "timeline.html"
    result = runner.invoke(
        app,
        [
            "render",
            "--timeline",
            "--aggregates",
            str(table),
            "--boundaries",
            str(tiny_boundaries),
            "--out",
            str(page),
            "--self-contained",
        ],
    )
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "San Rom\\u00e1n" in text or "San Román" in text
    assert f"{int(counts['events'].sum()):,} events counted per province" in text
    assert page.stat().st_size < 1_500_000


def test_cli_usage_and_data_errors(tmp_path: Path, tiny_boundaries: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    out = str(tmp_path / "o.parquet")
    scheduler_without_dask = runner.invoke(app, ["aggregate", str(bad), "--out", out, "--scheduler", "tcp://x:1"])
    assert scheduler_without_dask.exit_code == 2
    no_columns = runner.invoke(app, ["aggregate", str(bad), "--out", out, "--boundaries", str(tiny_boundaries)])
    assert no_columns.exit_code == 1
    assert "no column for lon" in no_columns.output
    assert "Traceback" not in no_columns.output
    not_a_table = runner.invoke(app, ["render", "--timeline", "--aggregates", str(bad)])
    assert not_a_table.exit_code == 1
    assert not (tmp_path / "o.parquet").exists()
