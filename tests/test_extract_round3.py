"""Regression tests for the third round of generalisation (issue 14).

Every sentence here is made up for the test (facts of the period, our own words).
"""

from __future__ import annotations

import datetime as dt

from protestmap.text.extract import Candidate, Extraction, eval_class, extract_text
from protestmap.text.header import dateline, header_date

JAN_12 = dt.date(2023, 1, 12)
JAN_15 = dt.date(2023, 1, 15)


def of_class(result: Extraction, kind: str) -> list[Candidate]:
    return [
        c
        for c in result.candidates
        if eval_class(c.event_type, c.counts.get("fatalities")) == kind and c.confidence >= 0.5
    ]


def departments(result: Extraction, kind: str) -> set[str]:
    return {c.place.department if c.place else "" for c in of_class(result, kind)}


# --- header and dateline ----------------------------------------------------------------------


def test_a_header_date_with_hyphens_and_a_month_name_is_read() -> None:
    assert header_date("Curfew in the south\n12-Jan-2023\n\nText follows.") == JAN_12


def test_a_capital_city_and_a_colon_open_a_dateline() -> None:
    line = dateline("LIMA: Crowds burned a court building in a town of the highlands.")
    assert line is not None and line.city == "LIMA"
    assert dateline("Puno: bloqueos en la carretera a Desaguadero") is None


def test_a_dateline_with_a_colon_is_not_the_place_of_the_event() -> None:
    text = "Town burns court\nJanuary 18, 2023\n\nLIMA: Two people were shot dead in Macusani on Wednesday."
    assert departments(extract_text(text), "deaths") == {"Puno"}


# --- blockades and their lists ------------------------------------------------------------------


def test_road_cuts_are_blockades_and_concentrating_places_them_without_a_rally() -> None:
    text = "Según la Sutran, los cortes en las carreteras siguen concentrándose en las regiones de Tacna, Moquegua y Piura."
    result = extract_text(text, published=JAN_15)
    assert departments(result, "blockade") == {"Tacna", "Moquegua", "Piura"}
    assert not of_class(result, "march")


def test_vandalism_concentrated_in_a_town_is_no_rally() -> None:
    text = "Los saqueos se concentraron ayer en la ciudad de Ilave."
    assert not of_class(extract_text(text, published=JAN_15), "march")


def test_a_second_list_after_the_same_cue_is_kept() -> None:
    text = (
        "Hoy hay cortes en las vías de Tacna, Moquegua y Piura, y también bloqueos en algunos puntos de Junín y Pasco."
    )
    result = extract_text(text, published=JAN_15)
    assert departments(result, "blockade") == {"Tacna", "Moquegua", "Piura", "Junín", "Pasco"}


def test_a_headline_count_of_regions_is_not_one_more_row_when_the_regions_are_listed() -> None:
    text = (
        "Bloqueos en 5 regiones del país\n15 de enero de 2023\n\n"
        "Este domingo se reportan bloqueos en Tacna, Moquegua, Piura, Junín y Pasco."
    )
    assert departments(extract_text(text), "blockade") == {"Tacna", "Moquegua", "Piura", "Junín", "Pasco"}


def test_a_national_strike_stays_beside_the_departments_that_join_it() -> None:
    text = "Este domingo empezó el paro nacional, con paralizaciones en Tacna, Moquegua y Piura."
    assert "" in departments(extract_text(text, published=JAN_15), "strike")


# --- background ---------------------------------------------------------------------------------


def test_an_arrest_after_another_noun_is_background() -> None:
    text = "Protests in Puno target the president, who took office after the removal and arrest of her predecessor."
    assert not of_class(extract_text(text, published=JAN_15), "detention")
