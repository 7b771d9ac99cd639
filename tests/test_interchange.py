from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

import protestmap
from protestmap.cli.app import app
from protestmap.interchange.acled import ACLED_COLUMNS

ACLED = Path(__file__).parent / "fixtures" / "acled"
runner = CliRunner()


def test_import_current_layout_maps_places_types_and_precisions(tmp_path: Path) -> None:
    out = tmp_path / "imported"
    result = runner.invoke(app, ["import", "acled", str(ACLED / "current.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "not mapped: 1 row(s) of Strategic developments / Looting/property destruction" in result.output
    incidents = protestmap.load_incidents(out).set_index("event_id")
    assert incidents.loc["PER1001", "ubigeo"] == "2111" and incidents.loc["PER1001", "fatalities"] == 5
    assert incidents.loc["PER1002", "ubigeo"] == "1501", "ACLED's 'Lima Province' is Lima Metropolitana"
    assert incidents.loc["PER1003", "admin1"] == "Callao"
    assert incidents.loc["PER1005", ["admin1", "admin2", "ubigeo"]].tolist() == ["Lima", "Huaral", "1506"]
    assert incidents.loc["PER1003", "time_precision"] == 2 and incidents.loc["PER1003", "geo_precision"] == 2
    assert incidents.loc["PER1005", "event_type"] == "detention"
    sources = protestmap.load_sources(out)
    assert sources.loc["acled-PER1001", "outlet"] == "ACLED, citing: Outlet A"


def test_import_2020_layout(tmp_path: Path) -> None:
    out = tmp_path / "old"
    result = runner.invoke(app, ["import", "acled", str(ACLED / "layout2020.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2020 layout" in result.output
    incidents = protestmap.load_incidents(out).set_index("event_id")
    assert incidents.loc["PER2001", "event_date"] == pd.Timestamp("2020-05-09")  # "9-May-20"
    assert incidents.loc["PER2002", "ubigeo"] == "0501"
    assert incidents.loc["PER2002", "event_type"] == "attack_on_protesters", "a riot with a death"


def test_one_row_per_actor_is_deduplicated_before_counting(tmp_path: Path) -> None:
    out = tmp_path / "actors"
    result = runner.invoke(app, ["import", "acled", str(ACLED / "per_actor.csv"), "--out", str(out)])
    assert result.exit_code == 0
    assert "1 repeated row(s)" in result.output
    incidents = protestmap.load_incidents(out)
    assert len(incidents) == 2
    assert incidents["fatalities"].sum() == 4, "the event's 4 deaths are not counted twice"


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda t: t.replace("2023-01-09,2023", "2023-02-31,2023"), "current.csv:2:event_date"),
        (lambda t: t.replace(",-15.4997,", ",south,"), "current.csv:2:latitude"),
        (lambda t: t.replace(",Puno,San Roman,", ",Atlantis,San Roman,"), "current.csv:2:admin1"),
        (
            lambda t: t.replace(
                ",Outlet A,National,Invented test row.,5,", ",Outlet A,National,Invented test row.,5,,,"
            ),
            "current.csv:2:-",
        ),
        (lambda t: t.replace(",", ";"), "current.csv:1:-"),
    ],
)
def test_malformed_import_reports_rows_and_writes_nothing(tmp_path: Path, edit, where: str) -> None:
    broken = tmp_path / "current.csv"
    broken.write_text(edit((ACLED / "current.csv").read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "never"
    result = runner.invoke(app, ["import", "acled", str(broken), "--out", str(out)])
    assert result.exit_code == 1
    assert where in result.output
    assert "nothing written" in result.output
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["current.csv"]


def test_import_refuses_a_non_empty_output(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["import", "acled", str(ACLED / "current.csv"), "--out", str(tmp_path / "full")])
    assert result.exit_code == 1
    assert (tmp_path / "full" / "keep.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "parquet"])
def test_gis_exports_round_trip(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"incidents.{fmt}"
    result = runner.invoke(app, ["export", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    back = gpd.read_parquet(out) if fmt == "parquet" else gpd.read_file(out)
    original = protestmap.geocode_incidents(protestmap.load_incidents()).incidents
    assert len(back) == len(original)
    assert back.crs.to_epsg() == 4326
    merged = back.set_index("event_id").loc[original["event_id"]]
    assert merged["fatalities"].fillna(-1).tolist() == original["fatalities"].astype("float64").fillna(-1).tolist()
    assert merged["ubigeo"].fillna("").tolist() == original["ubigeo"].fillna("").tolist()
    placed = original.geometry.notna().to_numpy()
    assert merged.geometry.to_numpy()[placed].tolist() == original.geometry.to_numpy()[placed].tolist()


def test_export_window_and_date(tmp_path: Path) -> None:
    out = tmp_path / "jan9.geojson"
    result = runner.invoke(app, ["export", "--format", "geojson", "--date", "2023-01-09", "--out", str(out)])
    assert result.exit_code == 0
    back = gpd.read_file(out)
    assert "2023-01-04-strike-puno" in set(back["event_id"])  # in force on the 9th
    assert "2022-12-15-ayacucho-deaths" not in set(back["event_id"])


def test_acled_export_then_import_round_trip(tmp_path: Path) -> None:
    exported = tmp_path / "acled.csv"
    result = runner.invoke(
        app, ["export", "--format", "acled", "--from", "2023-01-09", "--to", "2023-01-09", "--out", str(exported)]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(exported, dtype=str)
    assert list(table.columns) == list(ACLED_COLUMNS) and len(ACLED_COLUMNS) == 31
    juliaca = table.set_index("event_id_cnty").loc["2023-01-09-juliaca-deaths"]
    assert juliaca["sub_event_type"] == "Excessive force against protesters" and juliaca["fatalities"] == "18"
    assert "injured=20" in juliaca["tags"]
    local = table[table["admin1"].notna()]
    subset = tmp_path / "local.csv"
    local.to_csv(subset, index=False)
    back_dir = tmp_path / "back"
    result = runner.invoke(app, ["import", "acled", str(subset), "--out", str(back_dir)])
    assert result.exit_code == 0, result.output
    back = protestmap.load_incidents(back_dir).set_index("event_id")
    assert back.loc["2023-01-09-juliaca-deaths", "fatalities"] == 18
    assert back.loc["2023-01-09-juliaca-deaths", "admin2"] == "San Román"
