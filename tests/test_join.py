from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon

import protestmap
from protestmap.dataset.schema import EVENT_TYPES
from protestmap.pipeline import prepare as prepare_incidents
from protestmap.spatial.aggregate import (
    active_on,
    aggregate,
    daily,
    daily_blockade_points,
    load_population,
    national_sums,
    national_totals,
    unit_sums,
    within,
)
from protestmap.spatial.join import join_incidents, points_to_units

SQUARE_A = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
SQUARE_B = Polygon([(1, 0), (2, 0), (2, 1), (1, 1)])
RING_WITH_HOLE = Polygon([(3, 0), (6, 0), (6, 3), (3, 3)], holes=[[(4, 1), (5, 1), (5, 2), (4, 2)]])
ISLANDS = MultiPolygon([Polygon([(10, 0), (11, 0), (11, 1), (10, 1)]), Polygon([(12, 0), (13, 0), (13, 1), (12, 1)])])
TINY = gpd.GeoDataFrame(
    {"ubigeo": ["0002", "0001", "0003", "0004"]},
    geometry=[SQUARE_B, SQUARE_A, RING_WITH_HOLE, ISLANDS],
    crs="EPSG:4326",
)


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        (Point(0.5, 0.5), "0001"),
        (Point(1.5, 0.5), "0002"),
        (Point(1.0, 0.5), "0001"),  # on the shared border: lowest ubigeo, deterministically
        (Point(3.5, 0.5), "0003"),  # inside the ring
        (Point(4.5, 1.5), None),  # inside the hole
        (Point(12.5, 0.5), "0004"),  # second part of a multipolygon
        (Point(50, 50), None),  # outside everything
    ],
)
def test_points_to_units_semantics(point: Point, expected: str | None) -> None:
    result = points_to_units(gpd.GeoSeries([point], crs="EPSG:4326"), TINY)
    assert (None if pd.isna(result.iloc[0]) else result.iloc[0]) == expected


def test_missing_geometries_stay_missing_and_index_is_kept() -> None:
    points = gpd.GeoSeries([None, Point(0.5, 0.5)], index=[10, 20], crs="EPSG:4326")
    result = points_to_units(points, TINY)
    assert list(result.index) == [10, 20]
    assert pd.isna(result[10]) and result[20] == "0001"


def test_join_without_boundaries_uses_stated_codes() -> None:
    geocoded = protestmap.geocode_incidents(protestmap.load_incidents()).incidents
    result = join_incidents(geocoded, None)
    methods = result.incidents["join_method"].value_counts().to_dict()
    assert methods == {
        "code": len(geocoded) - 32,
        "national": 32,
    }  # 26 national blockade counts + 6 other national facts
    assert result.mismatches.empty


def test_every_bundled_point_lies_in_its_stated_province_or_is_explained(inei) -> None:
    geocoded = protestmap.geocode_incidents(protestmap.load_incidents()).incidents
    result = join_incidents(geocoded, inei)
    joined = result.incidents
    points = joined[joined["join_method"] == "point"]
    assert len(points) > 40
    agree = points["polygon_province"].notna() & (points["polygon_province"] == points["ubigeo"].str[:4])
    unexplained = result.mismatches[~result.mismatches["explained"]]
    assert unexplained.empty, unexplained.to_string()
    assert set(points.loc[~agree, "event_id"]) == set(result.mismatches["event_id"])
    regional = joined[joined["scope"] == "regional"]
    assert (regional["join_method"] == "code").all(), "regions join by code, never by point"
    assert joined.loc[joined["scope"] == "national", "department_code"].isna().all()


def test_point_outside_peru_is_flagged(inei) -> None:
    geocoded = protestmap.geocode_incidents(protestmap.load_incidents()).incidents
    row = geocoded.index[geocoded["event_id"] == "2023-01-28-lima-march-and-death"][0]
    geocoded.loc[row, "geometry"] = Point(-77.5, -12.5)  # in the Pacific, 40 km off Lima
    result = join_incidents(geocoded, inei)
    flagged = result.mismatches.set_index("event_id").loc["2023-01-28-lima-march-and-death"]
    assert not flagged["explained"]
    assert "outside every province polygon" in flagged["reason"]


def test_mismatch_distance_is_measured_as_on_the_whole_projected_layer(inei) -> None:
    geocoded = protestmap.geocode_incidents(protestmap.load_incidents()).incidents
    row = geocoded.index[geocoded["event_id"] == "2023-01-28-lima-march-and-death"][0]
    geocoded.loc[row, "geometry"] = Point(-77.5, -12.5)
    flagged = join_incidents(geocoded, inei).mismatches.set_index("event_id")
    stated = str(geocoded.loc[row, "ubigeo"])[:4]
    layer = inei.provinces.set_index("ubigeo").to_crs("EPSG:5387").geometry
    point = gpd.GeoSeries([Point(-77.5, -12.5)], crs="EPSG:4326").to_crs("EPSG:5387").iloc[0]
    expected = round(float(point.distance(layer[stated])) / 1000, 2)
    assert flagged.loc["2023-01-28-lima-march-and-death", "distance_km"] == expected > 30


def test_no_mismatch_gives_an_empty_table_with_its_columns(inei) -> None:
    geocoded = protestmap.geocode_incidents(protestmap.load_incidents()).incidents
    placed = geocoded[geocoded["event_id"] == "2023-01-28-lima-march-and-death"]
    mismatches = join_incidents(placed, inei).mismatches
    assert mismatches.empty
    assert list(mismatches.columns) == ["event_id", "stated", "polygon", "distance_km", "explained", "reason"]


@pytest.fixture(scope="module")
def joined() -> pd.DataFrame:
    return prepare_incidents().joined


def test_hand_computed_department_totals(joined: pd.DataFrame) -> None:
    to_10_jan = aggregate(joined, by="department", end="2023-01-10").set_index("ubigeo")
    assert to_10_jan.loc["21", "fatalities"] == 20  # Juliaca 18 (one died on 12 Jan) + police officer 1 + Chucuito 1
    assert to_10_jan.loc["05", "fatalities"] == 10  # Ayacucho, 15 Dec
    assert to_10_jan.loc["03", "fatalities"] == 6  # Andahuaylas 3 + 2, Chincheros 1 (second death withdrawn)
    assert to_10_jan.loc["08", "fatalities"] == 3  # blockade-related, 14-16 Dec
    whole = aggregate(joined, by="department").set_index("ubigeo")
    assert whole.loc["08", "fatalities"] == 6  # + Cusco 11 Jan (2: one died on 21 Mar), Oropesa 24 Jan
    assert whole.loc["21", "fatalities"] == 9 + 20  # + Macusani 2, Ilave 1, Ilave river 6
    assert whole.loc["21", "fatalities_per_100k"] == pytest.approx(29 * 100_000 / 1_172_697, abs=0.01)
    assert pd.isna(whole.loc["08", "injured"]) is False
    assert whole["fatalities"].is_monotonic_decreasing or whole["fatalities"].isna().any()


def test_window_and_province_level(joined: pd.DataFrame) -> None:
    january = aggregate(joined, by="province", start="2023-01-09", end="2023-01-09").set_index("ubigeo")
    assert january.loc["2111", "fatalities"] == 19  # San Román: 18 + police officer
    assert january.loc["2111", "n_blockade"] == 1
    assert january.loc["2111", "population"] == 307_417  # San Román, INEI 2017 census
    assert january.loc["2111", "fatalities_per_100k"] == pytest.approx(19 * 100_000 / 307_417, abs=0.01)
    lima = aggregate(joined, by="province").set_index("ubigeo")
    assert lima.loc["1501", "population"] == 8_574_974


def test_missing_counts_are_not_zero(joined: pd.DataFrame) -> None:
    table = aggregate(joined, by="department").set_index("ubigeo")
    assert pd.isna(table.loc["13", "injured"]), "La Libertad has no reported injury count"


def test_active_on_honours_start_and_end(joined: pd.DataFrame) -> None:
    day = active_on(joined, "2023-01-20")
    kinds = set(day["event_id"])
    assert "2023-01-15-puno-curfew" in kinds  # 15-24 Jan
    assert "2023-01-04-strike-puno" in kinds  # into March
    assert "2023-01-04-strike-cusco" not in kinds  # attested until 10 Jan
    assert "2022-12-15-national-state-of-emergency" not in active_on(joined, "2023-01-14")["event_id"].tolist()
    assert "2022-12-15-national-state-of-emergency" in active_on(joined, "2023-01-13")["event_id"].tolist()


def test_daily_running_totals(joined: pd.DataFrame) -> None:
    per_day = daily(joined, by="department")
    assert per_day.loc[(pd.Timestamp("2023-01-09"), "21"), "fatalities"] == 20  # Juliaca 18, police 1, Chucuito 1
    running = per_day["fatalities"].fillna(0).groupby(level="ubigeo").cumsum()
    assert running.loc[(pd.Timestamp("2023-03-05"), "21")] == 29


def test_national_totals_include_national_rows(joined: pd.DataFrame) -> None:
    totals = national_totals(joined, start="2023-01-04", end="2023-01-06")
    # national counts of 25, 37 and 46 points on 4, 5 and 6 January; Puno's 12 on 5 January is inside
    # the national 37, and a day's count is not added to the next day's: the peak is 46
    assert totals["blockade_points"] == 46
    assert totals["arrested"] == int(within(joined, start="2023-01-04", end="2023-01-06")["arrested"].sum())


def test_totals_read_only_the_columns_they_need(joined: pd.DataFrame) -> None:
    needed = ["event_date", "event_type", "scope", "ubigeo", "department_code", "province_code"]
    narrow = joined[[*needed, "fatalities", "injured", "arrested", "blockade_points"]]
    for by in ("department", "province"):
        pd.testing.assert_frame_equal(
            aggregate(narrow, by=by, end="2023-01-09"), aggregate(joined, by=by, end="2023-01-09")
        )
    assert national_totals(narrow, end="2023-01-09") == national_totals(joined, end="2023-01-09")
    assert national_totals(narrow, start="2023-01-09", end="2023-01-09") == national_totals(
        joined, start="2023-01-09", end="2023-01-09"
    )


@pytest.mark.parametrize(
    ("by", "start", "end"), [("department", None, "2023-01-09"), ("province", "2023-01-01", "2023-02-15")]
)
def test_type_counts_match_a_crosstab(joined: pd.DataFrame, by: str, start: str | None, end: str) -> None:
    column = {"department": "department_code", "province": "province_code"}[by]
    rows = within(joined, start=start, end=end)
    rows = rows[rows[column].notna()]
    expected = pd.crosstab(rows[column], rows["event_type"])
    table = aggregate(joined, by=by, start=start, end=end).set_index("ubigeo")
    assert set(table.index) == set(expected.index)
    for kind in EVENT_TYPES:
        counts = expected[kind] if kind in expected.columns else pd.Series(0, index=expected.index)
        assert table[f"n_{kind}"].to_dict() == counts.to_dict(), kind


@pytest.mark.parametrize("by", ["department", "province"])
@pytest.mark.parametrize(("start", "end"), [(None, "2023-01-09"), ("2023-01-09", "2023-01-09"), (None, "2020-01-01")])
def test_unit_sums_are_the_aggregate_columns(joined: pd.DataFrame, by: str, start: str | None, end: str) -> None:
    table = aggregate(joined, by=by, start=start, end=end).set_index("ubigeo")
    for measure in ("fatalities", "injured", "arrested"):
        sums = unit_sums(joined, measure, by=by, start=start, end=end)
        pd.testing.assert_series_equal(sums.sort_index(), table[measure].sort_index(), check_names=False)
    with pytest.raises(ValueError, match="blockade_points"):
        unit_sums(joined, "blockade_points", by=by)


@pytest.mark.parametrize(("start", "end"), [(None, "2023-01-09"), ("2023-01-09", "2023-01-09"), ("2023-01-04", None)])
def test_national_sums_are_the_national_totals(joined: pd.DataFrame, start: str | None, end: str | None) -> None:
    totals = national_totals(joined, start=start, end=end)
    assert national_sums(joined, start=start, end=end) == {m: totals[m] for m in ("fatalities", "injured", "arrested")}


def _counts(*rows: tuple[str, str, str, str | None, int]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["event_date", "scope", "ubigeo", "department_code", "blockade_points"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["blockade_points"] = frame["blockade_points"].astype("Int64")
    frame["province_code"] = frame["ubigeo"].str[:4].where(frame["ubigeo"].str.len() >= 4)
    for measure in ("fatalities", "injured", "arrested"):
        frame[measure] = pd.array([pd.NA] * len(frame), dtype="Int64")
    return frame


def test_blockade_points_counted_once_per_day() -> None:
    counts = _counts(
        ("2023-01-05", "local", "210501", "21", 3),  # inside Puno's own count of 10 that day
        ("2023-01-05", "local", "210101", "21", 2),
        ("2023-01-05", "regional", "21", "21", 10),
        ("2023-01-05", "local", "080101", "08", 4),  # Cusco has no count of its own: its parts add up
        ("2023-01-05", "local", "080102", "08", 1),
        ("2023-01-06", "local", "210501", "21", 7),  # parts above the department's own count win
        ("2023-01-06", "regional", "21", "21", 5),
        ("2023-01-06", "local", "080101", "08", 2),
        ("2023-01-07", "national", None, None, 30),  # holds every count of the day
        ("2023-01-07", "regional", "21", "21", 12),
    )
    per_day = daily_blockade_points(counts)
    assert per_day.to_dict() == {
        pd.Timestamp("2023-01-05"): 10 + 4 + 1,
        pd.Timestamp("2023-01-06"): 7 + 2,
        pd.Timestamp("2023-01-07"): 30,
    }
    assert national_totals(counts)["blockade_points"] == 30
    assert national_totals(counts, end="2023-01-06")["blockade_points"] == 15
    per_unit = daily(counts, by="department")["blockade_points"]
    assert per_unit.loc[(pd.Timestamp("2023-01-05"), "21")] == 10
    assert per_unit.loc[(pd.Timestamp("2023-01-06"), "21")] == 7
    assert per_unit.loc[(pd.Timestamp("2023-01-05"), "08")] == 5


def test_no_blockade_count_gives_zero_points() -> None:
    counts = _counts(("2023-01-05", "local", "210501", "21", 3)).iloc[:0]
    assert national_totals(counts)["blockade_points"] == 0


def test_population_adds_up_to_inei_national_total() -> None:
    population = load_population()
    departments = population[population.index.str.len() == 2]
    assert len(departments) == 25
    assert departments.sum() == 29_381_884


CENSUS_FILE = Path(__file__).resolve().parents[1] / "data" / "population.csv"

#: Province figures from sources independent of the table the CSV was filled from: German Wikipedia
#: articles giving the 2017 census count (after citypopulation.de), and INEI's Arequipa figure (data/README.md).
INDEPENDENT_PROVINCE_FIGURES = {
    "0102": 74_100,  # Bagua
    "0401": 1_080_635,  # Arequipa
    "0501": 282_194,  # Huamanga
    "0511": 16_861,  # Vilcas Huamán
    "1601": 479_866,  # Maynas
    "1603": 62_437,  # Loreto
    "2101": 219_494,  # Puno
    "2111": 307_417,  # San Román
    "2501": 384_168,  # Coronel Portillo
}


def test_every_bundled_province_has_a_census_figure_and_departments_add_up(inei) -> None:
    population = load_population()
    provinces = population[population.index.str.len() == 4]
    departments = population[population.index.str.len() == 2]
    assert set(provinces.index) == set(inei.provinces["ubigeo"])
    assert len(provinces) == 196
    assert (provinces > 0).all()
    sums = provinces.groupby(provinces.index.str[:2]).sum()
    pd.testing.assert_series_equal(sums, departments.sort_index(), check_names=False)
    assert provinces.sum() == 29_381_884


def test_province_names_in_the_census_file_match_the_bundled_boundaries(inei) -> None:
    table = pd.read_csv(CENSUS_FILE, dtype={"ubigeo": str}).set_index("ubigeo")
    names = table.loc[table["level"] == "province", "name"]
    bundled = inei.provinces.set_index("ubigeo")["name"]
    assert names.to_dict() == bundled.to_dict()
    assert table["source"].str.len().gt(0).all(), "every figure names its source"


def test_province_figures_agree_with_independent_sources() -> None:
    population = load_population()
    found = {code: int(population[code]) for code in INDEPENDENT_PROVINCE_FIGURES}
    assert found == INDEPENDENT_PROVINCE_FIGURES


def test_fast_join_agrees_with_geopandas_sjoin(inei) -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(-81.4, -68.7, 20_000), rng.uniform(-18.3, -0.1, 20_000)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    ours = points_to_units(points.geometry, inei.provinces)
    oracle = gpd.sjoin(points, inei.provinces[["ubigeo", "geometry"]], how="left", predicate="intersects")
    oracle = oracle.sort_values("ubigeo").groupby(level=0)["ubigeo"].first()
    assert ours.notna().sum() > 5_000
    pd.testing.assert_series_equal(ours.fillna("-"), oracle.astype("string").fillna("-"), check_names=False)


def _square(x0: float, y0: float, x1: float, y1: float) -> list:
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def test_stats_prints_join_mismatches(tiny_dataset, tmp_path) -> None:
    """A point outside its stated province is counted and named on stderr, not only in the API."""
    import json as _json

    from typer.testing import CliRunner

    from protestmap.cli.app import app

    folder = tmp_path / "b"
    folder.mkdir()
    layers = {
        "departamentos.geojson": [("21", _square(-71, -17, -69, -14))],
        "provincias.geojson": [("2111", _square(-71, -17, -70.5, -16.5))],  # far from Juliaca (-70.13, -15.48)
    }
    for name, features in layers.items():
        data = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"ubigeo": code},
                    "geometry": {"type": "Polygon", "coordinates": ring},
                }
                for code, ring in features
            ],
        }
        (folder / name).write_text(_json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["stats", "--data", str(tiny_dataset), "--boundaries", str(folder), "-f", "json"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, result.stderr
    assert "1 point(s) lie outside their stated unit, 1 of them beyond the 2 km tolerance" in warnings[0]
    assert "t-juliaca: point lies outside every province polygon" in warnings[0]
    _json.loads(result.stdout)  # the table itself stays machine-readable


def test_mismatch_summary_names_unexplained_rows_first() -> None:
    from protestmap.spatial.join import mismatch_summary

    rows = pd.DataFrame(
        {
            "event_id": ["a", "b", "c", "d", "e"],
            "stated": ["2111"] * 5,
            "polygon": [None] * 5,
            "distance_km": [0.5, 0.3, 50.0, 0.1, 80.0],
            "explained": [True, True, False, True, False],
            "reason": [f"reason {i}" for i in "abcde"],
        }
    )
    text = mismatch_summary(rows, show=3)
    assert text.startswith("5 point(s) lie outside their stated unit, 2 of them beyond")
    assert text.index("c: reason c") < text.index("e: reason e") < text.index("a: reason a")
    assert "b: reason b" not in text and text.endswith("and 2 more")
    assert mismatch_summary(rows.iloc[0:0]) == ""


# Two squares that overlap on [1, 2] x [1, 2], listed with the higher ubigeo first.
OVERLAPPING = gpd.GeoDataFrame(
    {"ubigeo": ["0102", "0101"]},
    geometry=[Polygon([(0, 0), (2, 0), (2, 2), (0, 2)]), Polygon([(1, 1), (3, 1), (3, 3), (1, 3)])],
    crs="EPSG:4326",
)


@pytest.mark.parametrize("units", [OVERLAPPING, OVERLAPPING.iloc[::-1]], ids=["as-listed", "reversed"])
def test_overlapping_units_resolve_to_the_lower_ubigeo(units: gpd.GeoDataFrame) -> None:
    import numpy as np

    from protestmap.spatial.join import units_for_xy

    lon, lat = np.array([1.5, 0.5, 2.5, 1.0, 5.0]), np.array([1.5, 0.5, 2.5, 1.5, 5.0])
    assert units_for_xy(lon, lat, units).tolist() == ["0101", "0102", "0101", "0101", None]
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    both = gpd.sjoin(points, units, how="left", predicate="intersects").loc[0, "ubigeo"]
    assert sorted(both) == ["0101", "0102"]  # sjoin gives the overlap one row per unit: counted twice


def test_join_in_chunks_matches_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from protestmap import settings
    from protestmap.spatial.join import units_for_xy

    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(-1, 14, 2_000), rng.uniform(-1, 4, 2_000)
    lon[::97], lat[::89] = np.nan, np.nan
    whole = units_for_xy(lon, lat, TINY)
    monkeypatch.setattr(settings, "JOIN_CHUNK_POINTS", 7)
    assert units_for_xy(lon, lat, TINY).tolist() == whole.tolist()
    shapes = sorted(zip(TINY["ubigeo"], TINY.geometry, strict=True), key=lambda pair: pair[0])
    expected = [
        next((code for code, shape in shapes if shape.intersects(Point(x, y))), None)
        for x, y in zip(lon.tolist(), lat.tolist(), strict=True)
    ]
    assert whole.tolist() == expected
