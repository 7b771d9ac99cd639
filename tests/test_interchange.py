from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
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
    assert incidents.loc["PER1001", "ubigeo"] == "211101" and incidents.loc["PER1001", "fatalities"] == 5
    assert incidents.loc["PER1002", "ubigeo"] == "1501", "ACLED's 'Lima Province' is Lima Metropolitana"
    assert incidents.loc["PER1003", "admin1"] == "Callao"
    assert incidents.loc["PER1005", ["admin1", "admin2", "ubigeo"]].tolist() == ["Lima", "Huaral", "150601"]
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
    assert incidents.loc["PER2002", "ubigeo"] == "050101", "ACLED's admin3 is the INEI district"
    assert incidents.loc["PER2002", "event_type"] == "attack_on_protesters", "a riot with a death"


def test_one_row_per_actor_is_deduplicated_before_counting(tmp_path: Path) -> None:
    out = tmp_path / "actors"
    result = runner.invoke(app, ["import", "acled", str(ACLED / "per_actor.csv"), "--out", str(out)])
    assert result.exit_code == 0
    assert "1 repeated row(s)" in result.output
    incidents = protestmap.load_incidents(out)
    assert len(incidents) == 2
    assert incidents["fatalities"].sum() == 4, "the event's 4 deaths are not counted twice"


def test_import_monadic_layout_merges_actors_and_reads_every_date_and_float_count(tmp_path: Path) -> None:
    out = tmp_path / "monadic"
    result = runner.invoke(app, ["import", "acled", str(ACLED / "monadic.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "monadic layout" in result.output and "1 repeated row(s)" in result.output
    incidents = protestmap.load_incidents(out).set_index("event_id")
    assert len(incidents) == 3, "4 rows: one event named twice (one row per actor)"
    juliaca = incidents.loc["PER4001"]
    assert juliaca["event_date"] == pd.Timestamp("2023-01-09")  # "09 January 2023"
    assert juliaca["fatalities"] == 3, "'3.0' is a count of 3, counted once"
    assert (juliaca["actor1"], juliaca["actor2"]) == ("Police Forces of Peru (2022-)", "Protesters (Peru)")
    assert incidents.loc["PER4002", "event_date"] == pd.Timestamp("2023-01-10")
    assert incidents.loc["PER4003", "event_date"] == pd.Timestamp("2020-05-09")  # "9-May-20"
    assert incidents.loc["PER4002", "ubigeo"] == "080108" and incidents.loc["PER4003", "ubigeo"] == "0401"


def test_event_id_reused_by_a_different_event_is_an_error_naming_file_and_row(tmp_path: Path) -> None:
    out = tmp_path / "never"
    result = runner.invoke(app, ["import", "acled", str(ACLED / "reused_id.csv"), "--out", str(out)])
    assert result.exit_code == 1
    assert "reused_id.csv:3:event_id_cnty" in result.output
    assert "different event on row 2" in result.output and "event_date" in result.output
    assert "nothing written" in result.output and not out.exists()


def test_problems_found_after_conversion_name_the_users_file_and_row(tmp_path: Path) -> None:
    broken = tmp_path / "mine.csv"
    text = (ACLED / "current.csv").read_text(encoding="utf-8")
    # an end before the start: only the dataset's own checks catch it, on the converted row
    broken.write_text(text.replace("Invented test row.,5,,", "Invented test row.,5,end_date=2023-01-02,"))
    result = runner.invoke(app, ["import", "acled", str(broken), "--out", str(tmp_path / "never")])
    assert result.exit_code == 1
    assert "mine.csv:2:tags:" in result.output, result.output
    assert "incidents.csv:" not in result.output.replace("(as incidents.csv", "")


def test_full_acled_round_trip_gives_back_the_same_incidents(tmp_path: Path) -> None:
    exported = tmp_path / "acled.csv"
    assert runner.invoke(app, ["export", "--format", "acled", "--out", str(exported)]).exit_code == 0
    back_dir = tmp_path / "back"
    result = runner.invoke(app, ["import", "acled", str(exported), "--out", str(back_dir)])
    assert result.exit_code == 0, result.output
    assert "not mapped" not in result.output
    original = protestmap.geocode_incidents(protestmap.load_incidents()).incidents
    back = protestmap.geocode_incidents(protestmap.load_incidents(back_dir)).incidents
    assert (back["scope"] == "national").sum() == (original["scope"] == "national").sum() > 0
    # sources come back as ACLED's citation of the outlets; everything else is the same
    columns = [c for c in original.columns if c not in {"source_ids", "geocode_status"}]
    pd.testing.assert_frame_equal(
        pd.DataFrame(back[columns]).set_index("event_id").sort_index(),
        pd.DataFrame(original[columns]).set_index("event_id").sort_index(),
    )


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


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    paths = {fmt: folder / f"incidents.{fmt}" for fmt in ("geojson", "gpkg", "parquet")}
    for fmt, path in paths.items():
        result = runner.invoke(app, ["export", "--format", fmt, "--out", str(path)])
        assert result.exit_code == 0, result.output
    return paths


@pytest.fixture(scope="module")
def geocoded() -> gpd.GeoDataFrame:
    return protestmap.geocode_incidents(protestmap.load_incidents()).incidents


COUNTS = ["fatalities", "injured", "arrested", "blockade_points", "time_precision", "geo_precision"]


def test_geoparquet_keeps_dates_nullable_counts_and_text(exported: dict[str, Path], geocoded: gpd.GeoDataFrame) -> None:
    import pyarrow.parquet as pq

    schema = pq.read_schema(exported["parquet"])
    assert schema.field("event_date").type == pa.date32() and schema.field("end_date").type == pa.date32()
    assert all(schema.field(c).type == pa.int64() for c in COUNTS)
    back = gpd.read_parquet(exported["parquet"]).set_index("event_id").loc[geocoded["event_id"]]
    assert all(str(back[c].dtype) == "Int64" for c in COUNTS), back.dtypes
    for column in COUNTS:  # empty stays empty, never 0 or NaN
        assert back[column].isna().tolist() == geocoded[column].isna().tolist()
        assert back[column].dropna().tolist() == geocoded[column].dropna().tolist()
    assert back["event_date"].tolist() == [d.date() for d in geocoded["event_date"]]
    assert back["end_date"].isna().sum() == geocoded["end_date"].isna().sum() > 0


def test_geopackage_has_date_and_integer_fields(exported: dict[str, Path], geocoded: gpd.GeoDataFrame) -> None:
    import pyogrio

    info = pyogrio.read_info(exported["gpkg"], layer="incidents")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["event_date"] == types["end_date"] == "datetime64[D]", "GeoPackage DATE fields"
    assert all(types[c] == "int64" for c in COUNTS)
    nullable = {pa.int64(): pd.Int64Dtype()}.get
    back = pyogrio.read_dataframe(exported["gpkg"], use_arrow=True, arrow_to_pandas_kwargs={"types_mapper": nullable})
    back = back.set_index("event_id").loc[geocoded["event_id"]]
    for column in COUNTS:
        assert str(back[column].dtype) == "Int64"
        assert back[column].isna().tolist() == geocoded[column].isna().tolist()
    assert back["event_date"].tolist() == [d.date() for d in geocoded["event_date"]]


def test_sources_are_readable_text_beside_their_ids(exported: dict[str, Path]) -> None:
    back = gpd.read_parquet(exported["parquet"]).set_index("event_id")
    sources = protestmap.load_sources()
    row = back.loc["2023-01-09-juliaca-deaths"]
    ids = row["source_ids"].split(";")
    described = row["sources"].split(" | ")
    assert len(described) == len(ids)
    for ref, text in zip(ids, described, strict=True):
        source = sources.loc[ref]
        assert text.startswith(f"{source['outlet']}, {source['published']:%Y-%m-%d}")
        if pd.notna(source["url"]):
            assert text.endswith(f", {source['url']}")
    assert back["sources"].notna().all()


def test_geojson_follows_rfc_7946(exported: dict[str, Path], geocoded: gpd.GeoDataFrame) -> None:
    import json

    document = json.loads(exported["geojson"].read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection" and "crs" not in document
    assert len(document["features"]) == len(geocoded)
    for feature in document["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        if feature["properties"]["scope"] == "national":
            assert geometry is None, "no place: a null geometry, as RFC 7946 section 3.2 allows"
            continue
        assert geometry["type"] == "Point" and len(geometry["coordinates"]) == 2
        lon, lat = geometry["coordinates"]
        assert -81.4 < lon < -68.6 and -18.4 < lat < 0.1, "longitude first, WGS84"
        assert feature["properties"]["event_date"][:2] == "20"
    counts = [f["properties"]["fatalities"] for f in document["features"]]
    assert all(c is None or isinstance(c, int) for c in counts) and None in counts


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
    tolerance = 1e-7 if fmt == "geojson" else 0  # RFC 7946 output keeps 7 decimals (about 1 cm)
    same = merged.geometry.to_numpy()[placed] == original.geometry.to_numpy()[placed]
    if tolerance:
        same = gpd.GeoSeries(merged.geometry.to_numpy()[placed]).geom_equals_exact(
            gpd.GeoSeries(original.geometry.to_numpy()[placed]), tolerance
        )
    assert bool(same.all())


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
