"""PeruGazetteer keeps geopy's contract: None for nothing, real Locations, usable by geopy's tools."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest
from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location

from protestmap.places.geocoder import PeruGazetteer, enclosing_unit, resolve

QUERIES = ["Juliaca", "Cuzco", "nowhere-xyz", "Chucuito", "Huancabamba", "", "Juliacca"]


@pytest.fixture(scope="module")
def geocoder() -> PeruGazetteer:
    return PeruGazetteer()


@pytest.mark.parametrize("query", ["nowhere-xyz", "", "   ", ",", "Juliacca", "Juliaca, Narnia"])
@pytest.mark.parametrize("exactly_one", [True, False])
def test_nothing_found_is_none_not_an_exception(geocoder: PeruGazetteer, query: str, exactly_one: bool) -> None:
    assert geocoder.geocode(query, exactly_one=exactly_one) is None
    assert geocoder.geocode(query, exactly_one=exactly_one) is None  # the cached answer too


@pytest.mark.parametrize("query", ["Juliaca", "Chucuito", "near Juliaca", "Perú"])
def test_answers_are_plain_geopy_locations_with_points(geocoder: PeruGazetteer, query: str) -> None:
    location = geocoder.geocode(query)
    assert type(location) is Location
    assert location.point is not None and location.latitude is not None and location.longitude is not None
    address, (latitude, longitude) = location  # geopy's tuple form, which geopandas unpacks
    assert (address, latitude, longitude) == (location.address, location.latitude, location.longitude)
    assert pickle.loads(pickle.dumps(location)) == location
    every = geocoder.geocode(query, exactly_one=False)
    assert isinstance(every, list) and every
    assert all(type(loc) is Location and loc.point is not None for loc in every)


def test_found_name_is_one_location_or_a_list_of_one(geocoder: PeruGazetteer) -> None:
    one = geocoder.geocode("Juliaca")
    assert one.raw["status"] == "ok" and one.raw["ubigeo"] == "211101"
    assert geocoder.geocode("Juliaca", exactly_one=False) == [one]


def test_ambiguous_name_within_one_department_is_that_department(geocoder: PeruGazetteer) -> None:
    location = geocoder.geocode("Chucuito")
    assert location.raw["status"] == "ambiguous"
    assert (location.raw["name"], location.raw["ubigeo"], location.raw["precision"]) == ("Puno", "21", 3)
    assert location.address == "Puno, Perú"
    assert [c["ubigeo"] for c in location.raw["candidates"]] == ["210106", "2104"]
    settled = geocoder.geocode("Chucuito", department="Chucuito province")
    assert settled.raw["status"] == "ok" and settled.raw["ubigeo"] == "2104"


def test_ambiguous_name_across_departments_is_none_with_candidates_kept() -> None:
    strict = PeruGazetteer(strict=True)
    assert strict.geocode("Huancabamba") is None
    every = strict.geocode("Huancabamba", exactly_one=False)
    assert [loc.raw["ubigeo"] for loc in every] == ["190303", "200301"]
    assert [loc.raw["department"] for loc in every] == ["Pasco", "Piura"]
    assert all(loc.raw["status"] == "ambiguous" and len(loc.raw["candidates"]) == 2 for loc in every)
    assert all(loc.raw["confidence"] is None for loc in every)
    assert strict.geocode("Huancabamba", department="Piura").raw["ubigeo"] == "200301"


def test_a_proposal_is_one_location_and_the_list_puts_it_first(geocoder: PeruGazetteer) -> None:
    proposed = geocoder.geocode("Huancabamba")
    assert type(proposed) is Location and proposed.raw["status"] == "proposed"
    assert proposed.raw["ubigeo"] == "200301" and proposed.raw["confidence"] >= 0.8
    every = geocoder.geocode("Huancabamba", exactly_one=False)
    assert [loc.raw["ubigeo"] for loc in every] == ["200301", "190303"]
    assert every[0].point == proposed.point


def test_enclosing_unit_is_the_smallest_shared_province_or_department() -> None:
    assert enclosing_unit(resolve("Chucuito").candidates).ubigeo == "21"
    assert enclosing_unit(resolve("Anta").candidates) is None
    same_province = [*resolve("Juliaca").candidates, resolve("Caracoto").match]
    assert {e.ubigeo[:4] for e in same_province} == {"2111"}
    assert enclosing_unit(same_province).ubigeo == "2111"
    assert enclosing_unit([]) is None


def test_geopandas_geocode_with_the_class_as_provider() -> None:
    geopandas_tools = pytest.importorskip("geopandas.tools")
    frame = geopandas_tools.geocode(["Juliaca", "Cuzco", "nowhere-xyz"], provider=PeruGazetteer)
    assert frame.crs == "EPSG:4326"
    assert list(frame.geometry.is_empty) == [False, False, True]
    assert frame.geometry[0].y == pytest.approx(-15.48, abs=0.05)
    assert frame.geometry[0].x == pytest.approx(-70.13, abs=0.05)
    assert frame.geometry[1].y == pytest.approx(-13.52, abs=0.05)
    assert frame.geometry[1].x == pytest.approx(-71.97, abs=0.05)
    assert frame.loc[0, "address"].startswith("Juliaca") and "Cusco" in frame.loc[1, "address"]
    assert pd.isna(frame.loc[2, "address"])


def test_geopandas_geocode_passes_keywords_to_the_provider_and_keeps_ambiguity_coarse() -> None:
    geopandas_tools = pytest.importorskip("geopandas.tools")
    from protestmap.places.gazetteer import load_gazetteer

    frame = geopandas_tools.geocode(
        ["Chucuito", "Huancabamba"], provider=PeruGazetteer, gazetteer=load_gazetteer(), strict=True
    )
    assert frame.loc[0, "address"] == "Puno, Perú" and not frame.geometry[0].is_empty
    assert frame.geometry[1].is_empty and pd.isna(frame.loc[1, "address"])
    proposing = geopandas_tools.geocode(["Huancabamba"], provider=PeruGazetteer)
    assert proposing.loc[0, "address"].startswith("Huancabamba") and "Piura" in proposing.loc[0, "address"]


def test_rate_limiter_wraps_geocode_and_changes_nothing(geocoder: PeruGazetteer) -> None:
    limited = RateLimiter(PeruGazetteer().geocode, min_delay_seconds=0)
    for query in QUERIES:
        assert limited(query) == geocoder.geocode(query), query
        assert limited(query, exactly_one=False) == geocoder.geocode(query, exactly_one=False), query
    assert limited("Huancabamba", department="Piura").raw["ubigeo"] == "200301"


def test_geocoder_offers_no_reverse_geocoding(geocoder: PeruGazetteer) -> None:
    assert not hasattr(geocoder, "reverse")
