from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import protestmap
from protestmap.dataset.load import default_data_dir
from protestmap.dataset.load import load_incidents as load_as_written
from protestmap.errors import DatasetNotFoundError, InvalidIncidentError

ROOT = Path(__file__).resolve().parents[1]


def test_load_tiny_dataset_types_and_crs(tiny_dataset: Path) -> None:
    gdf = protestmap.load_incidents(tiny_dataset)
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) == 3
    assert str(gdf["fatalities"].dtype) == "Int64"
    assert gdf.loc[0, "fatalities"] == 17
    assert pd.isna(gdf.loc[1, "fatalities"]), "an empty count must stay missing, not become 0"
    assert gdf.loc[2, "blockade_points"] == 46
    assert gdf["event_date"].dtype.kind == "M"
    assert gdf.loc[1, "end_date"] == pd.Timestamp("2023-01-10")
    point = gdf.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((-70.1333, -15.4839)), "lon/lat order"
    assert gdf.geometry.iloc[1] is not None, "a region without coordinates is placed by the gazetteer"
    assert gdf.geometry.iloc[2] is None, "a national row has no place"
    assert gdf["geocode_status"].tolist() == ["curated", "gazetteer", "national"]
    raw = load_as_written(tiny_dataset)
    assert raw.geometry.iloc[1] is None, "rows without coordinates stay un-geocoded as written"
    assert "geocode_status" not in raw.columns
    assert gdf.loc[0, "ubigeo"] == "211101", "ubigeo stays a zero-padded string"


def test_round_trip_through_csv_keeps_every_value(tiny_dataset: Path, tmp_path: Path) -> None:
    first = load_as_written(tiny_dataset)
    copy = tmp_path / "copy"
    shutil.copytree(tiny_dataset, copy)
    out = first.drop(columns="geometry").copy()
    for column in ("event_date", "end_date"):
        out[column] = out[column].dt.strftime("%Y-%m-%d")
    out.to_csv(copy / "incidents.csv", index=False, lineterminator="\n")
    second = load_as_written(copy)
    pd.testing.assert_frame_equal(first.drop(columns="geometry"), second.drop(columns="geometry"))
    assert first.geometry.equals(second.geometry)


def test_sources_and_figures_keep_disagreement(tiny_dataset: Path) -> None:
    sources = protestmap.load_sources(tiny_dataset)
    assert sources.loc["s-two", "reference"] == "001_db12b1f615bd43cf.txt"
    figures = protestmap.load_figures(tiny_dataset)
    values = sorted(figures.loc[figures["event_id"] == "t-juliaca", "value"].tolist())
    assert values == [9, 17]


def test_invalid_dataset_raises_with_every_problem(tiny_dataset: Path) -> None:
    path = tiny_dataset / "incidents.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",strike,", ",riot,").replace(",46,", ",x,"),
        encoding="utf-8",
    )
    with pytest.raises(InvalidIncidentError) as info:
        protestmap.load_incidents(tiny_dataset)
    assert {p.column for p in info.value.problems} == {"event_type", "blockade_points"}
    assert isinstance(info.value, ValueError)
    assert "incidents.csv:3:event_type" in str(info.value)


def test_missing_dataset_raises(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError):
        protestmap.load_incidents(tmp_path / "nowhere")


def test_bundled_dataset_loads() -> None:
    gdf = protestmap.load_incidents()
    assert gdf["event_id"].is_unique
    assert len(gdf) >= 100
    assert set(gdf["scope"]) == {"local", "regional", "national"}


def test_env_var_overrides_default(tiny_dataset: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROTESTMAP_DATA", str(tiny_dataset))
    assert default_data_dir() == tiny_dataset
    assert len(protestmap.load_incidents()) == 3


def test_wheel_ships_the_dataset(tmp_path: Path) -> None:
    """An installed package (not only a clone) must find the bundled data."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("protestmap-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    for name in ("incidents.csv", "sources.csv", "source_figures.csv"):
        assert f"protestmap/data/{name}" in names
    assert "protestmap/places/_data/gazetteer.csv" in names
    assert "protestmap/places/_data/aliases.csv" in names
    site = str(tmp_path / "site")
    code = (
        f"import sys; sys.path.insert(0, {site!r}); import protestmap; "
        "d = protestmap.default_data_dir(); print(d); "
        f"sys.exit(0 if str(d).startswith({site!r}) else 1)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
