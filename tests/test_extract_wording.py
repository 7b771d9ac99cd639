"""Regression tests for the second round of generalisation (issue 14): decrees, counts, lists, dates.

Every sentence here is made up for the test (facts of the period, our own words).
"""

from __future__ import annotations

import datetime as dt

import pytest
from tests.extraction import departments, of_class

from protestmap.text.extract import extract_text

JAN_15 = dt.date(2023, 1, 15)
JAN_20 = dt.date(2023, 1, 20)


# --- decrees: states of emergency and curfews ---------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "kind", "expected"),
    [
        ("El Ejecutivo declaró el estado de emergencia en Tacna y Moquegua por 30 días.", "state_of_emergency", {"Tacna", "Moquegua"}),
        ("Prorrogan por 60 días el estado de emergencia en Cusco y Apurímac.", "state_of_emergency", {"Cusco", "Apurímac"}),
        ("The cabinet declared a state of emergency in Arequipa for 30 days.", "state_of_emergency", {"Arequipa"}),
        ("Peru extends the state of emergency in Lima and Callao.", "state_of_emergency", {"Lima", "Callao"}),
        ("Authorities extended the curfew in Puno for another ten days.", "curfew", {"Puno"}),
        ("El Gobierno amplió el toque de queda en la región Ayacucho.", "curfew", {"Ayacucho"}),
    ],
)  # fmt: skip
def test_decree_wordings_in_both_languages(sentence: str, kind: str, expected: set[str]) -> None:
    assert departments(extract_text(sentence, published=JAN_15), kind) == expected


def test_a_decrees_terms_told_in_the_future_are_not_a_hedge() -> None:
    result = extract_text("The curfew will run from 9 p.m. to 5 a.m. in Puno for ten days.", published=JAN_15)
    assert departments(result, "curfew") == {"Puno"}


def test_a_decree_that_could_come_is_still_hedged() -> None:
    result = extract_text("The government could declare a state of emergency in Tacna.", published=JAN_15)
    assert not of_class(result, "state_of_emergency")


def test_a_lifted_curfew_is_not_a_new_one() -> None:
    for sentence in ("The government lifted the curfew in Ica on Friday.", "Se levantó el toque de queda en Puno."):
        assert not of_class(extract_text(sentence, published=JAN_20), "curfew"), sentence


def test_a_date_without_year_just_after_publication_keeps_the_year() -> None:
    result = extract_text("El estado de emergencia en Cusco rige a partir del 16 de enero.", published=JAN_15)
    assert [c.event_date for c in of_class(result, "state_of_emergency")] == [dt.date(2023, 1, 16)]


def test_regions_already_named_are_not_the_whole_country() -> None:
    result = extract_text("La medida regirá 60 días en las 3 regiones mencionadas.", published=JAN_15)
    assert not of_class(result, "state_of_emergency")


# --- counts --------------------------------------------------------------------------------------


def test_blockade_counts_in_roads() -> None:
    result = extract_text("Se reportan 27 vías bloqueadas en Junín.", published=JAN_20)
    assert [c.counts["blockade_points"] for c in of_class(result, "blockade")] == [27]


def test_a_death_beside_a_blockade_count_keeps_both() -> None:
    text = "Se registraron 60 puntos de bloqueo en Puno y un manifestante falleció en Juliaca."
    result = extract_text(text, published=JAN_20)
    assert of_class(result, "blockade") and of_class(result, "deaths")


def test_injured_counted_after_left_are_not_deaths() -> None:
    text = "On Thursday the clash in Juliaca left 30 people injured, and one protester died."
    result = extract_text(text, published=JAN_20)
    assert [c.counts["fatalities"] for c in of_class(result, "deaths")] == [1]


def test_a_total_raised_to_is_not_the_days_count() -> None:
    text = "Two more protesters died on Monday in Puno, which raised to 30 the number of dead."
    result = extract_text(text, published=JAN_20)
    assert [c.counts["fatalities"] for c in of_class(result, "deaths")] == [2]


def test_deaths_during_the_week_have_no_day() -> None:
    result = extract_text("Huamanga recorded five deaths during the week.", published=JAN_20)
    assert not [c for c in of_class(result, "deaths") if c.event_date]


# --- background detentions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Protests over the arrest of the former president spread to Cusco on Tuesday.",
        "A judge ordered 18 months of preventive detention for the former mayor.",
        "Las marchas por la detención del exmandatario siguieron ayer en Cusco.",
    ],
)
def test_a_detention_in_the_background_is_not_an_incident(sentence: str) -> None:
    assert not of_class(extract_text(sentence, published=JAN_20), "detention")


# --- lists of places ---------------------------------------------------------------------------


def test_a_department_after_a_province_it_does_not_contain_is_a_list_item() -> None:
    text = "Ayer hubo bloqueos en las provincias de Ambo, Ica, Pisco y Lucanas."
    assert departments(extract_text(text, published=JAN_20), "blockade") == {"Huánuco", "Ica", "Ayacucho"}


def test_a_department_still_qualifies_a_place_it_contains() -> None:
    text = "Ayer hubo bloqueos en Juliaca, Puno."
    assert departments(extract_text(text, published=JAN_20), "blockade") == {"Puno"}


def test_a_name_that_is_a_department_and_a_province_elsewhere_is_the_department() -> None:
    text = "Ayer se bloquearon vías en Ucayali y Tacna."
    assert departments(extract_text(text, published=JAN_20), "blockade") == {"Ucayali", "Tacna"}


def test_a_saints_name_inside_a_list_is_a_place() -> None:
    text = "Ayer se movilizaron en Abancay, San Román y Tacna."
    assert departments(extract_text(text, published=JAN_20), "march") == {"Apurímac", "Puno", "Tacna"}


def test_a_list_with_a_comma_left_out() -> None:
    text = "Ayer se registraron bloqueos en las provincias de Lucanas Andahuaylas y Canchis."
    assert departments(extract_text(text, published=JAN_20), "blockade") == {"Ayacucho", "Apurímac", "Cusco"}


def test_a_list_in_the_lead_is_no_story_place() -> None:
    text = (
        "Emergencia en Tacna, Moquegua y Puno\n\n"
        "Rige desde hoy el estado de emergencia en Tacna, Moquegua y Puno.\n\n"
        "Horas antes, una marcha terminó con 10 detenidos."
    )
    result = extract_text(text, published=JAN_20)
    assert departments(result, "detention") <= {""}


# --- dates -------------------------------------------------------------------------------------


def test_a_street_named_after_a_date_is_no_date() -> None:
    text = "Los manifestantes marcharon por la avenida 28 de Julio hasta la plaza Dos de Mayo en Lima."
    result = extract_text(text, published=JAN_20)
    assert {c.event_date for c in of_class(result, "march")} == {JAN_20}


def test_an_article_that_names_no_other_day_reports_its_own_day() -> None:
    text = (
        "Informe de la Defensoría\n20 de enero de 2023\n\n"
        "La Defensoría informó sobre la jornada.\n\n"
        "Se registraron movilizaciones en Huancavelica y Moquegua."
    )
    result = extract_text(text)
    assert departments(result, "march") == {"Huancavelica", "Moquegua"}
    assert {c.event_date for c in of_class(result, "march")} == {JAN_20}


def test_an_article_with_other_days_keeps_undated_body_sentences_doubtful() -> None:
    text = (
        "Informe de la Defensoría\n20 de enero de 2023\n\n"
        "La Defensoría informó sobre la jornada.\n\n"
        "Se registraron movilizaciones en Huancavelica y Moquegua.\n\n"
        "El 12 de enero hubo un paro en Puno."
    )
    assert not of_class(extract_text(text), "march")


def test_the_items_of_a_list_of_calls_report_nothing_yet() -> None:
    text = (
        "Protestas en el país\n20 de enero de 2023\n\n"
        "Las organizaciones sociales anunciaron estas convocatorias:\n\n"
        "- Paro: Huancayo (Junín, 24/01)\n- Marcha: Trujillo (La Libertad, 25/01)"
    )
    result = extract_text(text)
    assert not result.candidates


def test_a_clash_nobody_was_hurt_in_joins_the_march_of_its_day() -> None:
    text = (
        "Ayer miles de personas marcharon en Lima.\n\nPor la tarde hubo enfrentamientos con la policía en Miraflores."
    )
    result = extract_text(text, published=JAN_20)
    assert len(of_class(result, "march")) == 1


def test_names_told_before_avenues_or_a_square_are_not_places() -> None:
    text = "On Saturday protesters marched along Bolognesi and Grau avenues to the San Martín square in Lima."
    assert departments(extract_text(text, published=JAN_20), "march") == {"Lima"}


def test_one_unsettled_name_does_not_break_a_list() -> None:
    text = "Ayer hubo bloqueos en las provincias de Grau, Anta, Calca, Melgar y Tambopata."
    assert departments(extract_text(text, published=JAN_20), "blockade") >= {
        "Apurímac",
        "Cusco",
        "Puno",
        "Madre de Dios",
    }


def test_a_vague_past_in_the_cues_own_clause_wins_over_a_date_elsewhere() -> None:
    text = "The government decreed on Sunday a curfew in Huamanga, a city that saw seven deaths during the week."
    result = extract_text(text, published=JAN_20)
    assert not [c for c in of_class(result, "deaths") if c.event_date]
    assert of_class(result, "curfew")


def test_deaths_in_the_demonstrations_without_a_day_are_a_total() -> None:
    text = "On Thursday four protesters died in Andahuaylas; 20 people have died in the demonstrations."
    result = extract_text(text, published=JAN_20)
    assert [c.counts["fatalities"] for c in of_class(result, "deaths")] == [4]


def test_detainees_are_counted() -> None:
    result = extract_text("On Saturday 15 detainees were taken to a police station in Lima.", published=JAN_20)
    assert [c.counts["arrested"] for c in of_class(result, "detention")] == [15]


def test_police_blocking_the_marchers_way_is_no_blockade() -> None:
    text = "On Saturday police blocked their way to Congress in Lima and fired tear gas."
    assert not of_class(extract_text(text, published=JAN_20), "blockade")


def test_peru_s_capital_is_lima() -> None:
    for text in (
        "Thousands of protesters poured into Peru's capital on Thursday.",
        "Ayer marcharon miles en la capital peruana.",
    ):
        assert departments(extract_text(text, published=JAN_20), "march") == {"Lima"}, text


def test_a_date_in_a_participle_clause_about_a_noun_is_background() -> None:
    text = "Se registran enfrentamientos en Juliaca a un mes de la masacre ocurrida el 9 de enero."
    result = extract_text(text, published=dt.date(2023, 2, 9))
    assert {c.event_date for c in of_class(result, "march")} == {dt.date(2023, 2, 9)}


def test_a_list_right_after_its_cue_is_the_cues_list_even_within_one_department() -> None:
    text = "On Monday there were marches in Arequipa, Cusco and Juliaca, and a strike in Juliaca and Puno."
    assert departments(extract_text(text, published=JAN_20), "strike") == {"Puno"}


def test_a_decree_naming_provinces_of_one_department_and_then_other_regions_keeps_every_department() -> None:
    text = (
        "El Ejecutivo declaró ayer el estado de emergencia en las provincias de Espinar y Chumbivilcas, "
        "y en las regiones Puno y Tacna."
    )
    result = extract_text(text, published=JAN_20)
    assert departments(result, "state_of_emergency") == {"Cusco", "Puno", "Tacna"}


def test_a_decree_naming_provinces_of_one_department_is_one_row_for_it() -> None:
    text = "Yesterday the government imposed a curfew in the provinces of Espinar, Chumbivilcas and Canchis."
    result = extract_text(text, published=JAN_20)
    assert [c.place.department for c in result.candidates if c.event_type == "curfew" and c.place] == ["Cusco"]


def test_a_decree_cue_does_not_take_the_places_of_a_later_cue() -> None:
    text = "Ayer se declaró el estado de emergencia en Andahuaylas y Chincheros, mientras hubo marchas en Arequipa."
    result = extract_text(text, published=JAN_20)
    assert departments(result, "state_of_emergency") == {"Apurímac"}
