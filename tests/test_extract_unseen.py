"""Regression tests for the failure classes seen on unseen articles (issue 14).

Every sentence here is made up for the test (facts of the period, our own words).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protestmap.cli import app
from protestmap.text.articles import read_article
from protestmap.text.evaluate import candidate_rows
from protestmap.text.extract import Candidate, Extraction, eval_class, extract_text
from protestmap.text.header import dateline, header_date, url_date
from protestmap.text.scan import find_dates

JAN_12 = dt.date(2023, 1, 12)


def rows(result: Extraction) -> set[tuple[str, str, str]]:
    """``(day, department, evaluation class)`` of each candidate."""
    return {
        (
            c.event_date.isoformat() if c.event_date else "",
            c.place.department if c.place else "",
            eval_class(c.event_type, c.counts.get("fatalities")),
        )
        for c in result.candidates
    }


def of_class(result: Extraction, kind: str) -> list[Candidate]:
    return [c for c in result.candidates if eval_class(c.event_type, c.counts.get("fatalities")) == kind]


# --- lists of places ---------------------------------------------------------------------------


def test_a_list_of_places_gives_one_blockade_each() -> None:
    result = extract_text("Roads were cut in Tacna, Moquegua and Piura on Monday.", published=JAN_12)
    assert {r for r in rows(result) if r[2] == "blockade"} == {
        ("2023-01-09", "Tacna", "blockade"),
        ("2023-01-09", "Moquegua", "blockade"),
        ("2023-01-09", "Piura", "blockade"),
    }


def test_places_people_came_from_are_not_a_list_of_events() -> None:
    text = "Ayer marcharon en Lima delegaciones llegadas desde Puno, Cusco y Apurímac."
    result = extract_text(text, published=JAN_12)
    assert {r[1] for r in rows(result)} == {"Lima"}


# --- cue words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "measure", "value"),
    [
        ("Ayer se confirmó el deceso de cuatro comuneros en Ilave.", "deaths", "fatalities", 4),
        ("Ayer perdieron la vida dos personas en Juli.", "deaths", "fatalities", 2),
        ("Dos personas han fallecido ayer en Azángaro, Puno.", "deaths", "fatalities", 2),
        ("Ayer la policía detuvo a 12 manifestantes en Sicuani.", "detention", "arrested", 12),
        ("Police held 30 detainees in Abancay on Tuesday.", "detention", None, None),
        ("Ayer había 14 puntos con tránsito interrumpido en Puno.", "blockade", "blockade_points", 14),
        ("Ayer hubo vías tomadas en Ilave.", "blockade", None, None),
        ("Ayer se registraron enfrentamientos en Andahuaylas.", "march", None, None),
        ("Protesters set fire to the police station in Macusani on Tuesday.", "march", None, None),
        ("El Gobierno declaró en emergencia la provincia de Chucuito ayer.", "state_of_emergency", None, None),
        ("Ayer rigió el toque de queda en Juliaca.", "curfew", None, None),
    ],
)
def test_cue_words_and_their_counts(text: str, kind: str, measure: str | None, value: int | None) -> None:
    found = of_class(extract_text(text, published=JAN_12), kind)
    assert found, text
    if measure:
        assert found[0].counts.get(measure) == value


@pytest.mark.parametrize(
    "text",
    [
        "A diez sube la cifra de muertos en Puno.",
        "Suman seis las víctimas mortales en Juliaca desde el lunes.",
        "En Puno fallecieron 3 personas, de un total de 30 fallecidos en el país.",
    ],
)
def test_running_totals_are_kept_apart(text: str) -> None:
    result = extract_text(text, published=JAN_12)
    assert not [c for c in result.candidates if c.counts.get("fatalities", 0) in (6, 10, 30)]
    assert result.running_totals and all(t.cumulative for t in result.running_totals)


def test_running_totals_are_output_as_marked_rows() -> None:
    result = extract_text("Suman 45 los fallecidos en las protestas.", published=JAN_12)
    marked = candidate_rows(result, running_totals=True)
    assert [r["record"] for r in marked] == ["running total"] and marked[0]["fatalities"] == 45
    assert candidate_rows(result) == []


# --- dates -------------------------------------------------------------------------------------


def test_headline_and_lead_without_their_own_date_take_the_publication_date() -> None:
    text = "Bloqueos en Puno\n\n12 de enero de 2023\n\nLos manifestantes mantienen bloqueadas las vías de Juliaca."
    (found,) = of_class(extract_text(text), "blockade")
    assert found.event_date == JAN_12 and found.confidence >= 0.5
    assert found.date_source == "publication date (header)"


def test_a_written_weekday_confirms_the_year() -> None:
    for base, article in [(dt.date(2023, 1, 20), None), (None, dt.date(2023, 1, 10))]:
        (span,) = find_dates(
            "El miércoles 14 de diciembre hubo paro.", language="es", base=base, undated_article=article
        )
        assert span.day == dt.date(2022, 12, 14)


def test_background_dates_do_not_date_the_event() -> None:
    text = "The minister, who resigned on 2 January, said three protesters were killed in Juliaca on Monday."
    (found,) = of_class(extract_text(text, published=JAN_12), "deaths")
    assert found.event_date == dt.date(2023, 1, 9)


def test_a_since_date_is_not_carried_to_another_kind_of_event() -> None:
    text = "La huelga sigue desde el 4 de enero en Puno. En Juliaca fueron detenidas 20 personas."
    result = extract_text(text, published=JAN_12)
    assert ("2023-01-04", "Puno", "strike") in rows(result)
    (held,) = of_class(result, "detention")
    assert held.event_date == JAN_12


def test_a_day_after() -> None:
    text = "Peru on Tuesday announced a curfew in Puno, a day after 17 people were killed in Juliaca."
    result = extract_text(text, published=JAN_12)
    assert ("2023-01-09", "Puno", "deaths") in rows(result)
    assert ("2023-01-10", "Puno", "curfew") in rows(result)


def test_a_vague_past_stays_undated() -> None:
    text = "An informal strike broke out in mid-December in Cusco. In response, a state of emergency was declared."
    result = extract_text(text, published=JAN_12)
    assert result.candidates and all(c.event_date is None for c in result.candidates)


# --- datelines and places ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "CUSCO, Peru (Agency) — Two protesters were killed in Juliaca on Monday.",
        "AREQUIPA.- Dos manifestantes murieron el lunes en Juliaca.",
        "Lima, 10 ene (EFE).- Dos manifestantes murieron el lunes en Juliaca.",
    ],
)
def test_a_dateline_is_not_an_event_place(text: str) -> None:
    (found,) = of_class(extract_text(text, published=JAN_12), "deaths")
    assert found.place is not None and found.place.department == "Puno"


def test_a_dateline_gives_the_publication_date() -> None:
    text = "Lima, 21 ene (EFE).- Ayer hubo bloqueos en Puno. Las protestas empezaron el 7 de diciembre de 2022."
    result = extract_text(text)
    assert result.published == dt.date(2023, 1, 21) and result.date_source == "dateline"
    assert ("2023-01-20", "Puno", "blockade") in rows(result)
    assert dateline("LIMA, Peru (AP) — Thousands marched.") is not None
    assert dateline("Los manifestantes de Puno marcharon.") is None


@pytest.mark.parametrize(
    ("text", "departments"),
    [
        ("Ayer hubo bloqueos en La Libertad y El Collao.", {"La Libertad", "Puno"}),
        ("Ayer hubo bloqueos en Cusco, Lima.", {"Cusco", "Lima"}),
        ("Ayer hubo bloqueos en Apurimac, Cusco y Puno.", {"Apurímac", "Cusco", "Puno"}),
        ("Ayer hubo bloqueos en Chucuito, Puno.", {"Puno"}),
        ("Ayer la Red de Salud de Chucuito atendió a 5 heridos.", {"Puno"}),
    ],
)
def test_place_names(text: str, departments: set[str]) -> None:
    assert {r[1] for r in rows(extract_text(text, published=JAN_12))} == departments


def test_given_names_and_streets_are_not_places() -> None:
    result = extract_text("Ayer Santa Rosa Quispe marchó por la avenida Abancay en Lima.", published=JAN_12)
    assert {r[1] for r in rows(result)} == {"Lima"}
    national = extract_text("Ayer hubo bloqueos en el país.", published=JAN_12)
    assert rows(national) == {("2023-01-11", "", "blockade")}


# --- one incident, and what is not an incident ------------------------------------------------


def test_a_deadly_clash_is_one_deaths_incident() -> None:
    result = extract_text("Los enfrentamientos en Juliaca dejaron dos muertos y 30 heridos el lunes.", published=JAN_12)
    assert rows(result) == {("2023-01-09", "Puno", "deaths")}
    assert result.candidates[0].counts["fatalities"] == 2


def test_town_and_department_mentions_are_one_incident() -> None:
    text = "Hubo bloqueos en Juliaca el lunes. El lunes la región Puno amaneció bloqueada."
    assert rows(extract_text(text, published=JAN_12)) == {("2023-01-09", "Puno", "blockade")}


@pytest.mark.parametrize(
    "text",
    [
        "Marches are likely in Puno on Monday.",
        "Unions called a strike for Monday in Cusco.",
        "Para mañana está prevista una movilización en Cusco.",
        "Castillo remains held in pretrial detention in Lima.",
    ],
)
def test_hedged_called_for_and_background_facts_are_not_incidents(text: str) -> None:
    assert extract_text(text, published=JAN_12).candidates == []


# --- user-visible ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "12/01/2023",
        "Publicado el 12/01/2023 10:45",
        "2023-01-12T10:45:00-05:00",
        "12 ene 2023",
        "Published January 12, 2023 at 3:45 p.m.",
        "By Ana Quispe · January 12, 2023",
    ],
)
def test_header_formats(header: str) -> None:
    assert header_date(f"Protests in Puno\n{header}\n\nBody text.") == JAN_12


def test_header_is_not_a_sentence_with_a_date() -> None:
    assert header_date("A title\n\nProtests began on December 7, 2022, in Lima.") is None


def test_dates_in_urls() -> None:
    assert url_date("https://larepublica.pe/sociedad/2023/01/12/bloqueos-lrsd") == JAN_12
    assert url_date("https://epa.pe/12/01/2023/x") == JAN_12
    text = "Bloqueos en Puno\nhttps://example.pe/peru/2023/01/12/nota\n\nAyer hubo bloqueos en Juliaca."
    assert extract_text(text).date_source == "url"


def test_published_always_wins_over_a_stray_date() -> None:
    text = "Archivo: 5 de diciembre de 2022\n\nAyer hubo bloqueos en Juliaca."
    result = extract_text(text, published=JAN_12)
    assert result.published == JAN_12 and result.date_source == "--published"
    assert ("2023-01-11", "Puno", "blockade") in rows(result)


def test_words_inside_urls_are_not_text() -> None:
    text = "Más información en https://example.pe/paro-nacional-en-puno-tres-muertos"
    assert extract_text(text, published=JAN_12).candidates == []


def test_dates_outside_the_period_are_flagged() -> None:
    result = extract_text("On 3 May 2023, police detained 12 people in Puno.", published=dt.date(2023, 5, 4))
    (row,) = candidate_rows(result)
    assert "outside the dataset period" in row["date_note"]


def test_no_date_says_so(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text("Two protesters were killed in Juliaca on Monday.", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(path), "-f", "csv"])
    assert result.exit_code == 0
    assert "no publication date found" in result.output and "--published" in result.output
    assert "no date: give the publication date" in result.output


def test_saved_html_page(tmp_path: Path) -> None:
    page = (
        '<!DOCTYPE html><html><head><meta property="article:published_time" content="2023-01-12T02:30:00Z">'
        '<script>var x = "tres muertos en Puno ayer";</script></head><body><nav>Paro nacional</nav>'
        "<article><h1>Bloqueos en Puno</h1><p>Ayer los manifestantes bloquearon la carretera en Juliaca.</p>"
        "</article></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    article = read_article(path)
    assert article.published == dt.date(2023, 1, 11)  # 02:30 UTC is still the 11th in Peru
    assert "var x" not in article.text and "Paro nacional" not in article.text
    result = extract_text(article.text, published=article.published, published_how="page meta tag")
    assert rows(result) == {("2023-01-10", "Puno", "blockade")}


def test_long_text_without_full_stops_is_linear() -> None:
    clause = "los manifestantes bloquearon la carretera en Juliaca y hubo 4 heridos en Ilave, Puno, el 9 de enero, "
    small, large = clause * 400, clause * 1600
    start = time.perf_counter()
    extract_text(small, published=JAN_12)
    middle = time.perf_counter()
    extract_text(large, published=JAN_12)
    end = time.perf_counter()
    assert end - middle < 8 * max(middle - start, 0.05), (middle - start, end - middle)


def test_development_set_is_complete_and_split() -> None:
    import csv

    root = Path(__file__).parent / "devset"
    manifest = list(csv.DictReader((root / "manifest.csv").read_text(encoding="utf-8").splitlines()))
    assert len(manifest) >= 30
    assert sum(r["language"] == "es" for r in manifest) >= 15 and sum(r["language"] == "en" for r in manifest) >= 10
    assert {r["published"][:7] for r in manifest} >= {"2022-12", "2023-01", "2023-02", "2023-03"}
    for row in manifest:
        assert (root / "articles" / row["split"] / row["article"]).is_file(), row["article"]
        assert row["url"].startswith("http")
    assert sum(r["split"] == "test" for r in manifest) == len(manifest) // 3
    split_of = {r["article"]: r["split"] for r in manifest}
    for split in ("dev", "test"):
        truth = list(csv.DictReader((root / f"truth_{split}.csv").read_text(encoding="utf-8").splitlines()))
        assert truth and all(split_of[t["article"]] == split for t in truth)
