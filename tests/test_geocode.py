from __future__ import annotations

import csv
import io
import json
import shlex
from pathlib import Path

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from typer.testing import CliRunner

from protestmap.cli.app import app
from protestmap.dataset.load import load_incidents as load_as_written
from protestmap.errors import PlaceNotFoundError
from protestmap.places.gazetteer import load_gazetteer, normalize
from protestmap.places.geocoder import PeruGazetteer, resolve
from protestmap.places.online import CachedNominatim
from protestmap.places.table import geocode_incidents

# query -> expected INEI ubigeo (district 6, province 4, department 2 digits)
PLACES = {
    # towns of the seed articles
    "Juliaca": "211101",
    "Ilave": "210501",
    "Desaguadero": "210402",
    "Desagüadero": "210402",
    "Platería": "210112",
    "Plateria": "210112",
    "Acora": "210102",
    "Juli": "210401",
    "Yunguyo": "211301",
    "Chalhuanca": "030401",
    "Andahuaylas": "030201",
    "Abancay": "030101",
    "Los Álamos, Ica": "1101",
    "Puno": "210101",
    "Macusani": "210301",
    "Pucallpa": "250101",
    "Cusco": "080101",
    "Cuzco": "080101",
    "Arequipa": "040101",
    "Tacna": "230101",
    "Ayacucho": "050101",
    "Aymaraes": "0304",
    # other places of the period
    "Pichanaqui": "120303",
    "Pichanaki": "120303",
    "Chincheros": "030601",
    "Virú": "131201",
    "Chala": "040307",
    "Wanchaq": "080108",
    "Cerro Colorado, Arequipa": "040104",
    "Majes": "040520",
    "Zepita": "210407",
    "Huancané": "210601",
    "Sandia": "211201",
    "Torata": "180106",
    "Tambopata": "170101",
    "Puerto Maldonado": "170101",
    "Quillabamba": "080901",
    "Iñapari": "170301",
    "Espinar": "080801",
    "Yauri": "080801",
    "Sicuani": "080601",
    "Urubamba": "081301",
    "Calca": "080401",
    "Ollantaytambo": "081306",
    "Anta, Cusco": "080301",
    "Huanta": "050401",
    "Cangallo": "050201",
    "Talavera": "030216",
    "Ayaviri, Puno": "210801",
    "Azángaro, Puno": "210201",
    "Lampa, Puno": "210701",
    # cities across all departments
    "Chachapoyas": "010101",
    "Bagua": "010201",
    "Huaraz": "020101",
    "Chimbote": "021801",
    "Cajamarca": "060101",
    "Jaén": "060801",
    "Chota": "060401",
    "Huancavelica": "090101",
    "Huánuco": "100101",
    "Tingo María": "100601",
    "Ica": "110101",
    "Pisco": "110501",
    "Nasca": "110301",
    "Nazca": "110301",
    "Huancayo": "120101",
    "La Oroya": "120801",
    "Satipo": "120601",
    "Jauja": "120401",
    "Tarma": "120701",
    "Trujillo": "130101",
    "Huamachuco": "130901",
    "Chiclayo": "140101",
    "Ferreñafe": "140201",
    "Huacho": "150801",
    "Huaral": "150601",
    "Iquitos": "160101",
    "Yurimaguas": "160201",
    "Nauta": "160301",
    "Moquegua": "180101",
    "Ilo": "180301",
    "Cerro de Pasco": "190101",
    "Oxapampa": "190301",
    "Piura": "200101",
    "Sullana": "200601",
    "Moyobamba": "220101",
    "Tarapoto": "220901",
    "Juanjuí": "220601",
    "Tumbes": "240101",
    "Aguaytía": "250301",
    "Mollendo": "040701",
    "Vilcashuamán": "051101",
    # units named by level, and the many meanings of Lima
    "región Apurímac": "03",
    "region Puno": "21",
    "departamento de Ayacucho": "05",
    "Cusco region": "08",
    "provincia de Chucuito": "2104",
    "Chucuito province": "2104",
    "Chucuito, Puno province": "210106",
    "San Román province": "2111",
    "Huamanga": "0501",
    "Lima": "1501",
    "Lima Metropolitana": "1501",
    "Lima province": "1501",
    "Lima region": "15",
    "departamento de Lima": "15",
    "distrito de Lima": "150101",
    "Cercado de Lima": "150101",
    "Callao": "0701",
    "Huancabamba, Piura": "200301",
    "Huancabamba, Pasco": "190303",
    "  JULIACA  ": "211101",
    "juliaca, san román, puno": "211101",
    "the Puno–Desaguadero road at Ilave": "210501",
    "near Juliaca": "211101",
}


def test_at_least_eighty_places_are_checked() -> None:
    assert len(PLACES) >= 80


@pytest.mark.parametrize(("query", "ubigeo"), PLACES.items())
def test_place_resolves_to_expected_ubigeo(query: str, ubigeo: str) -> None:
    location = PeruGazetteer().geocode(query)
    assert location.raw["status"] == "ok", location.raw["candidates"]
    assert location.raw["ubigeo"] == ubigeo


@pytest.mark.parametrize(
    ("query", "expected", "enclosing"),
    [
        ("Chucuito", {"2104", "210106"}, "21"),
        ("Huancabamba", {"200301", "190303"}, None),
        ("Anta", {"020604", "080301", "090203"}, None),
        ("Ayaviri", {"151004", "210801"}, None),
        ("Chucuito, Puno", {"2104", "210106"}, "21"),
    ],
)
def test_strict_never_picks_among_namesakes(query: str, expected: set[str], enclosing: str | None) -> None:
    every = PeruGazetteer(strict=True).geocode(query, exactly_one=False)
    assert {loc.raw["ubigeo"] for loc in every} == expected
    for location in every:
        assert location.raw["status"] == "ambiguous"
        assert {c["ubigeo"] for c in location.raw["candidates"]} == expected
    location = PeruGazetteer(strict=True).geocode(query)
    if enclosing is None:  # candidates in different departments: no point is honest
        assert location is None
        return
    assert location.raw["status"] == "ambiguous"
    assert location.raw["ubigeo"] == enclosing and location.raw["ubigeo"] not in expected
    assert location.raw["level"] == "department" and location.raw["precision"] == 3
    assert {c["ubigeo"] for c in location.raw["candidates"]} == expected


@pytest.mark.parametrize(
    ("query", "proposed", "alternatives"),
    [
        ("Lampa", "210701", ["050804"]),  # capital of a Puno province; a small Ayacucho district
        ("Huancabamba", "200301", ["190303"]),  # capital of a Piura province; a Pasco district
        ("Anta", "080301", ["020604", "090203"]),
        ("Ayaviri", "210801", ["151004"]),
    ],
)
def test_a_name_known_mostly_for_one_town_is_proposed_with_its_alternatives(
    query: str, proposed: str, alternatives: list[str]
) -> None:
    location = PeruGazetteer().geocode(query)
    assert location.raw["status"] == "proposed"
    assert location.raw["ubigeo"] == proposed and location.raw["precision"] == 1
    assert 0.8 <= location.raw["confidence"] < 1
    assert [c["ubigeo"] for c in location.raw["candidates"]] == [proposed, *alternatives]
    every = PeruGazetteer().geocode(query, exactly_one=False)
    assert [loc.raw["ubigeo"] for loc in every] == [proposed, *alternatives]
    shares = [loc.raw["confidence"] for loc in every]
    assert shares == sorted(shares, reverse=True) and sum(shares) == pytest.approx(1, abs=0.02)


def test_prominence_puts_provincial_capitals_first_then_population() -> None:
    from protestmap.places.resolver import prominence

    gaz = load_gazetteer()
    lampa = {e.ubigeo: e for e in gaz.lookup("lampa") if e.level == "district"}
    assert lampa["210701"].is_capital and not lampa["050804"].is_capital
    assert lampa["210701"].population > lampa["050804"].population > 0  # GeoNames figures
    assert prominence(lampa["210701"]) > 10 * prominence(lampa["050804"])
    assert resolve("Lampa").candidates[0].ubigeo == "210701"


def test_packaged_populations_belong_to_gazetteer_towns() -> None:
    gaz = load_gazetteer()
    towns = [e for e in gaz.entries if e.level in {"district", "place"}]
    with_population = [e for e in towns if e.population is not None]
    assert len(with_population) >= 1800, "GeoNames populations for most towns"
    assert all(e.population > 0 for e in with_population)
    assert all(e.population is None for e in gaz.entries if e.level in {"department", "province"})
    juliaca = next(e for e in gaz.lookup("juliaca") if e.level == "district")
    assert juliaca.population > 200_000 and juliaca.is_capital


def test_no_proposal_when_no_town_stands_out() -> None:
    # a province and a district share the name "Chucuito": not two towns, so nothing is proposed
    assert resolve("Chucuito").status == "ambiguous"
    crowded = [name for name in load_gazetteer().names if _status(name) == "ambiguous"]
    assert len(crowded) >= 50, "many shared names stay ambiguous: proposals are the exception"


def _status(name: str) -> str:
    try:
        return resolve(name).status
    except PlaceNotFoundError:
        return "not_found"


def test_department_keyword_resolves_ambiguity() -> None:
    assert PeruGazetteer().geocode("Huancabamba", department="Piura").raw["ubigeo"] == "200301"
    assert PeruGazetteer().geocode("Anta", department="Cuzco").raw["ubigeo"] == "080301"
    assert PeruGazetteer().geocode("Lampa", department="Ayacucho").raw["ubigeo"] == "050804"
    assert PeruGazetteer().geocode("Lampa", department="Ayacucho").raw["status"] == "ok"


def test_unknown_name_is_none_and_resolve_gives_suggestions() -> None:
    assert PeruGazetteer().geocode("Juliacca") is None
    assert PeruGazetteer().geocode("Juliacca", exactly_one=False) is None
    with pytest.raises(PlaceNotFoundError) as info:
        resolve("Juliacca")
    assert 1 <= len(info.value.suggestions) <= 3
    assert info.value.suggestions[0].startswith("Juliaca")
    assert isinstance(info.value, LookupError)


def test_location_is_a_geopy_location_with_raw_fields() -> None:
    geocoder = PeruGazetteer()
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("Juliaca")
    assert isinstance(location, Location)
    assert location.latitude == pytest.approx(-15.48, abs=0.05)
    assert location.longitude == pytest.approx(-70.13, abs=0.05)
    raw = location.raw
    assert (raw["department"], raw["province"], raw["district"]) == ("Puno", "San Román", "Juliaca")
    assert raw["precision"] == 1
    assert "Juliaca" in location.address and "Puno" in location.address


@pytest.mark.parametrize(
    ("query", "precision"),
    [
        ("Juliaca", 1),
        ("near Juliaca", 2),
        ("San Román province", 2),
        ("región Puno", 3),
        ("Perú", 3),
    ],
)
def test_precision_levels(query: str, precision: int) -> None:
    assert PeruGazetteer().geocode(query).raw["precision"] == precision


def test_gazetteer_covers_every_inei_unit() -> None:
    gaz = load_gazetteer()
    levels = [e.level for e in gaz.entries]
    assert levels.count("department") == 25
    assert levels.count("province") == 196
    assert levels.count("district") >= 1890
    assert all(-18.4 < e.latitude < 0 and -81.4 < e.longitude < -68.6 for e in gaz.entries)


def test_normalize_folds_accents_case_and_spaces() -> None:
    assert normalize("  Región   APURÍMAC ") == "region apurimac"
    assert resolve("APURÍMAC").match == resolve("apurimac").match


def test_every_bundled_place_matches_its_stated_department_and_province() -> None:
    incidents = load_as_written()
    local = incidents[incidents["scope"] != "national"]
    for _, row in local.iterrows():
        names = [n if isinstance(n, str) else "" for n in (row["admin1"], row["admin2"], row["admin3"])]
        depth = max(i for i, n in enumerate(names) if n)
        query = f"{('departamento de', 'provincia de', 'distrito de')[depth]} {names[depth]}"
        levels = ("departamento de", "provincia de", "distrito de")
        hints = [f"{levels[d]} {names[d]}" for d in range(depth - 1, -1, -1) if names[d]]
        raw = PeruGazetteer().geocode(", ".join([query, *hints])).raw
        assert raw["status"] == "ok", (row["event_id"], raw["candidates"])
        assert raw["ubigeo"] == row["ubigeo"], row["event_id"]
        assert raw["department"] == row["admin1"], row["event_id"]
        if isinstance(row["admin2"], str):
            assert raw["province"] == row["admin2"], row["event_id"]


def test_batch_geocoding_fills_and_accounts_for_every_row() -> None:
    incidents = load_as_written()
    result = geocode_incidents(incidents)
    assert sum(result.counts.values()) == len(incidents)
    assert result.unresolved.empty
    placed = result.incidents[result.incidents["scope"] != "national"]
    assert placed.geometry.notna().all()
    assert placed["geo_precision"].notna().all()
    national = result.incidents[result.incidents["scope"] == "national"]
    assert national.geometry.isna().all()


def test_batch_points_are_the_rows_coordinates_built_once_per_place() -> None:
    import numpy as np
    import shapely

    placed = geocode_incidents(load_as_written()).incidents
    placed = placed[placed["geocode_status"] == "gazetteer"]
    points = np.asarray(placed.geometry.array, dtype=object)
    assert np.array_equal(shapely.get_x(points), placed["longitude"].to_numpy(dtype=float))
    assert np.array_equal(shapely.get_y(points), placed["latitude"].to_numpy(dtype=float))
    pairs = list(zip(placed["longitude"], placed["latitude"], strict=True))
    assert len({id(point) for point in points}) == len(set(pairs)) < len(pairs)


def test_batch_never_overwrites_curated_coordinates_and_lists_unresolved(
    tiny_dataset: Path,
) -> None:
    incidents = load_as_written(tiny_dataset)
    incidents.loc[1, ["ubigeo", "admin1"]] = [None, None]
    incidents.loc[1, "location"] = "Chucuito"  # ambiguous on purpose
    result = geocode_incidents(incidents)
    assert result.incidents.loc[0, "latitude"] == pytest.approx(-15.4839)
    assert result.incidents.loc[0, "geocode_status"] == "curated"
    assert result.unresolved["event_id"].tolist() == ["t-strike"]
    assert result.unresolved.loc[0, "status"] == "ambiguous"
    assert result.counts == {"curated": 1, "unresolved": 1, "national": 1}


def test_batch_reports_names_that_contradict_the_ubigeo(tiny_dataset: Path) -> None:
    incidents = load_as_written(tiny_dataset)
    incidents.loc[0, "admin2"] = "Puno"  # Juliaca is in San Román
    incidents.loc[0, ["latitude", "longitude"]] = [None, None]
    result = geocode_incidents(incidents)
    assert result.unresolved.loc[0, "status"] == "inconsistent"


class CountingGeocoder:
    """A stand-in for Nominatim that counts calls and never touches the network."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def geocode(self, query: str, *, exactly_one: bool, country_codes: str) -> Location | None:
        self.calls.append(query)
        assert country_codes == "pe"
        if query == "nowhere":
            return None
        return Location("Somewhere, Perú", (-12.5, -76.5), {})


def test_online_fallback_is_cached_and_rate_limited(tmp_path: Path) -> None:
    fake = CountingGeocoder()
    online = CachedNominatim(cache_dir=tmp_path, geocoder=fake, min_delay_seconds=0)
    assert online.lookup("Aguaytía bridge") == (-12.5, -76.5)
    assert online.lookup("Aguaytía bridge") == (-12.5, -76.5)
    assert online.lookup("nowhere") is None
    assert online.lookup("nowhere") is None
    assert fake.calls == ["Aguaytía bridge", "nowhere"], "each query reaches the service once"
    assert len(list(tmp_path.glob("*.json"))) == 2
    assert CachedNominatim(cache_dir=tmp_path, geocoder=fake).min_delay_seconds == 1.0


def test_online_fallback_only_for_rows_the_gazetteer_cannot_place(tiny_dataset: Path, tmp_path: Path) -> None:
    incidents = load_as_written(tiny_dataset)
    incidents.loc[1, ["ubigeo", "admin1"]] = [None, None]
    incidents.loc[1, "location"] = "Zzyzx crossroads"
    fake = CountingGeocoder()
    result = geocode_incidents(
        incidents, online=CachedNominatim(cache_dir=tmp_path, geocoder=fake, min_delay_seconds=0)
    )
    assert fake.calls == ["Zzyzx crossroads"]
    assert result.incidents.loc[1, "geocode_status"] == "online"
    assert result.unresolved.empty


runner = CliRunner()


def test_cli_geocode_all_resolved_exits_zero() -> None:
    result = runner.invoke(app, ["geocode", "Juliaca", "Cuzco", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["ubigeo"] for r in rows] == ["211101", "080101"]
    assert set(rows[0]) == {
        "query",
        "name",
        "department",
        "province",
        "district",
        "ubigeo",
        "latitude",
        "longitude",
        "precision",
        "status",
        "confidence",
        "candidates",
    }


def test_cli_geocode_prints_every_row_and_exits_one_on_problems() -> None:
    result = runner.invoke(app, ["geocode", "Juliaca", "Chucuito", "Juliacca", "--format", "csv"])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4
    assert lines[1].endswith(",ok,1,")
    assert ",ambiguous," in lines[2] and "2104" in lines[2]
    assert ",not_found," in lines[3] and "Juliaca (district" in lines[3]


def test_cli_geocode_department_option_and_table() -> None:
    result = runner.invoke(app, ["geocode", "Huancabamba", "--department", "Pasco"])
    assert result.exit_code == 0
    assert "190303" in result.output


def test_cli_shared_department_answers_that_department_and_keeps_candidates() -> None:
    result = runner.invoke(app, ["geocode", "Chucuito", "--format", "json"])
    assert result.exit_code == 1, "not one place: the department is an answer, not a resolution"
    (row,) = json.loads(result.stdout)
    assert (row["status"], row["department"], row["ubigeo"], row["precision"]) == ("ambiguous", "Puno", "21", 3)
    assert row["latitude"] is not None and row["longitude"] is not None
    assert row["candidates"] == ["Chucuito (district, 210106)", "Chucuito (province, 2104)"]


def test_cli_proposal_and_strict_refusal() -> None:
    result = runner.invoke(app, ["geocode", "Lampa", "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["status"], row["ubigeo"], row["department"]) == ("proposed", "210701", "Puno")
    assert row["confidence"] >= 0.8 and row["candidates"] == ["Lampa (district, 050804)"]
    result = runner.invoke(app, ["geocode", "Lampa", "--strict", "--format", "json"])
    assert result.exit_code == 1
    (row,) = json.loads(result.stdout)
    assert row["status"] == "ambiguous" and row["ubigeo"] is None, "Puno or Ayacucho: no shared unit"


@pytest.mark.parametrize(
    "args",
    [
        ["Juliaca", "Huancabamba|Pasco", "Anta|Ancash"],
        ["Juliaca", "Huancabamba", "Anta", "--hint", "Huancabamba=Pasco", "--hint", "anta=Ancash"],
        ["Huancabamba", "Anta|Ancash", "--department", "Pasco"],  # a name's own hint beats the shared one
    ],
)
def test_cli_hints_apply_per_name_only_where_given(args: list[str]) -> None:
    result = runner.invoke(app, ["geocode", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["query"].split("|")[0]: row for row in json.loads(result.stdout)}
    assert rows["Huancabamba"]["ubigeo"] == "190303" and rows["Anta"]["ubigeo"] == "020604"
    assert all(row["status"] == "ok" for row in rows.values())
    if "Juliaca" in rows:
        assert rows["Juliaca"]["ubigeo"] == "211101"


def test_cli_hint_without_equals_is_a_usage_error() -> None:
    result = runner.invoke(app, ["geocode", "Anta", "--hint", "Anta"])
    assert result.exit_code != 0 and "NAME=DEPARTMENT" in result.output
    assert "Traceback" not in result.output


def test_readme_geocode_example_finds_every_name() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.startswith("$ protestmap geocode "))
    args = shlex.split(line.removeprefix("$ protestmap "))
    result = runner.invoke(app, args)
    rows = json.loads(result.stdout) if "json" in args else list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len([a for a in args[1:] if not a.startswith("-") and a not in {"csv", "json"}])
    assert all(row["status"] != "not_found" for row in rows), rows
    assert {row["status"] for row in rows} >= {"ok", "proposed", "ambiguous"}, "the example shows each answer"


ONLINE_MODULES = ("geopy", "requests")
PREPARE_AND_LIST_IMPORTS = """
import sys
from protestmap.pipeline import prepare
prepared = prepare(sys.argv[1], boundaries_dir=sys.argv[2])
statuses = sorted(set(prepared.joined["geocode_status"]))
before = [m for m in sys.argv[3:] if m in sys.modules]
import protestmap.places.geocoder
after = [m for m in sys.argv[3:] if m in sys.modules]
print(statuses, before, after)
"""


def test_preparing_placed_rows_imports_neither_geopy_nor_requests(tiny_dataset: Path, tiny_boundaries: Path) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-c", PREPARE_AND_LIST_IMPORTS, str(tiny_dataset), str(tiny_boundaries), *ONLINE_MODULES]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    statuses, before, after = done.stdout.strip().split("] [")
    assert "unresolved" not in statuses
    assert before == ""  # loading, geocoding and joining placed rows needs neither
    assert after.rstrip("]") == "'geopy', 'requests'"  # the geopy interface still brings both


@pytest.mark.parametrize("size", [0, 1, 7, 5000])
def test_first_rows_of_factorized_codes_are_where_each_first_appears(size: int) -> None:
    import numpy as np
    import pandas as pd

    from protestmap.places.table import _first_rows

    codes = pd.factorize(np.random.default_rng(size).integers(0, 40, size))[0]
    assert _first_rows(codes).tolist() == np.unique(codes, return_index=True)[1].tolist()
