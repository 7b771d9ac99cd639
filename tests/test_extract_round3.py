"""Regression tests for the third round of generalisation (issue 14).

Every sentence here is made up for the test (facts of the period, our own words).
"""

from __future__ import annotations

import datetime as dt

from tests.extraction import departments, of_class

from protestmap.text.extract import extract_text
from protestmap.text.header import dateline, header_date

JAN_12 = dt.date(2023, 1, 12)
JAN_15 = dt.date(2023, 1, 15)


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


# --- deaths told without a place ----------------------------------------------------------------


def test_deaths_with_no_place_take_the_place_the_rest_of_the_article_gives() -> None:
    text = (
        "Three farmers die in the highlands\nMarch 6, 2023\n\n"
        "Three farmers died on Sunday after a confrontation with troops, officials said.\n\n"
        "The troops had been sent to the town of Ilave, in the Puno region, to clear a bridge."
    )
    assert {(c.place.department if c.place else "") for c in of_class(extract_text(text), "deaths")} == {"Puno"}


def test_deaths_with_no_place_in_an_article_that_names_none_are_a_row_without_department() -> None:
    text = "Statement on the crisis\n10 January 2023\n\nAt least 12 people killed by security forces since yesterday."
    deaths = of_class(extract_text(text), "deaths")
    assert [(c.event_date, c.place, c.counts.get("fatalities")) for c in deaths] == [(dt.date(2023, 1, 9), None, 12)]


def test_a_toll_since_december_stays_a_running_total() -> None:
    text = "Statement on the crisis\n10 January 2023\n\nAt least 40 people have been killed since 7 December."
    assert not of_class(extract_text(text), "deaths")


def test_a_headline_count_of_deaths_is_not_placed_by_the_article() -> None:
    text = (
        "Curfew ordered after 12 deaths\nJanuary 12, 2023\n\n"
        "The government on Wednesday ordered a curfew in the Puno region, in Juliaca and Ilave."
    )
    assert not of_class(extract_text(text), "deaths")


def test_a_filing_line_under_the_headline_is_not_the_article_place() -> None:
    text = (
        "Two die in the south\nLima, March 6 (AFP) Mar 06, 2023\n\n"
        "Two protesters died on Sunday, doctors said.\n\nThe clashes took place in Ilave, in the Puno region."
    )
    assert {(c.place.department if c.place else "") for c in of_class(extract_text(text), "deaths")} == {"Puno"}


# --- present tense, vague past, streets ------------------------------------------------------------


def test_a_report_in_the_present_tense_passes_the_cut_off() -> None:
    text = (
        "Comuneros toman la carretera\n26 de diciembre de 2022\n\n"
        "Desde este lunes, los comuneros de Ilave acatan una huelga indefinida.\n\n"
        "En Ilave el comercio cerró.\nA cada hora se movilizan por la Panamericana Sur.\n\n"
        "Los dirigentes se habían reunido el sábado 24 de diciembre."
    )
    marches = of_class(extract_text(text), "march")
    assert [(c.event_date, c.place.department if c.place else "") for c in marches] == [(dt.date(2022, 12, 26), "Puno")]


def test_a_vague_past_opening_the_sentence_leaves_the_event_undated() -> None:
    text = "Previously, the government extended a state of emergency in Lima and Callao."
    decrees = of_class(extract_text(text, published=JAN_15), "state_of_emergency")
    assert decrees and all(c.event_date is None for c in decrees)


def test_a_street_named_like_a_town_is_no_place_and_the_story_place_stands() -> None:
    text = (
        "Marchan en el centro de Lima\n29 de enero de 2023\n\n"
        "Cientos de personas marcharon este domingo por el centro de Lima.\n\n"
        "El jueves los manifestantes marcharon hasta la avenida Abancay, donde la Policía los detuvo con gases."
    )
    rows = {(c.event_date, c.place.department if c.place else "") for c in of_class(extract_text(text), "march")}
    assert rows == {(dt.date(2023, 1, 29), "Lima"), (dt.date(2023, 1, 26), "Lima")}


def test_a_first_victim_told_with_a_reportive_conditional_is_one_death() -> None:
    text = (
        "Las protestas se cobraron su primera víctima mortal en la ciudad de Chalhuanca.\n"
        "Un joven habría perdido la vida tras los enfrentamientos con la Policía."
    )
    deaths = of_class(extract_text(text, published=JAN_15), "deaths")
    assert [(c.place.department if c.place else "", c.counts.get("fatalities")) for c in deaths] == [("Apurímac", 1)]
