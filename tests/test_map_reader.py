"""What a reader of the maps gets: numbered fixed legends, contrast, popups, honest emptiness, Spanish."""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protestmap.cli.app import app
from protestmap.maps import i18n
from protestmap.maps.content import LAYERS, PopupBook, coverage, coverage_note, popup_html
from protestmap.maps.day import render_date_map
from protestmap.maps.inputs import MapData
from protestmap.maps.legend import DEATHS, MARKER_OUTLINE, RATE, TODAY_OUTLINE, contrast_ratio
from protestmap.maps.page import page_html
from protestmap.maps.timeline import render_timeline_map, timeline_payload
from protestmap.pipeline import prepare as prepare_incidents
from protestmap.settings import DEATH_COLOURS

DAY = dt.date(2023, 1, 9)
runner = CliRunner()


@pytest.fixture(scope="module")
def prepared(boundaries_dir: Path):
    return prepare_incidents(boundaries_dir=boundaries_dir)


@pytest.fixture(scope="module")
def tiny(tiny_boundaries: Path):
    from tests.conftest import FIXTURES

    return prepare_incidents(FIXTURES / "tiny", boundaries_dir=tiny_boundaries)


def _features(html: str, layer_name: str) -> list[dict]:
    """The GeoJSON features of the choropleth listed as ``layer_name`` in the layer control."""
    variable = re.search(rf'"{re.escape(layer_name)}" : (geo_json_layer_\w+)', html)
    assert variable, layer_name
    data = re.search(rf"var {variable[1]} = L\.geoJSON\((.*?), \{{\n  pane", html, re.S)
    assert data
    return json.loads(data[1])["features"]


def test_wcag_contrast_of_markers_on_the_darkest_area() -> None:
    darkest = DEATH_COLOURS[-1]
    deaths_red = LAYERS["deaths"][1]
    assert contrast_ratio(deaths_red, darkest) < 1.5, "the fill alone would vanish on the darkest class"
    assert contrast_ratio(MARKER_OUTLINE, darkest) >= 3.0
    assert contrast_ratio(MARKER_OUTLINE, deaths_red) >= 3.0
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)


def test_curfew_colour_is_not_the_outline_of_the_days_deaths() -> None:
    curfew = LAYERS["curfews"][1]
    channels = [int(curfew[i : i + 2], 16) for i in (1, 3, 5)]
    assert max(channels) - min(channels) > 60, "curfews are not a grey"
    assert contrast_ratio(curfew, TODAY_OUTLINE) > 2.0


def test_classes_are_fixed_numbered_and_monotonic() -> None:
    for classes in (DEATHS, RATE):
        swatches = classes.swatches()
        assert [label for label, _ in swatches] == list(classes.labels)
        assert len({colour for _, colour in swatches}) == len(swatches), "one colour per class"
        assert classes.colour(0) == swatches[0][1]
    assert DEATHS.colour(19) == DEATHS.colour(10) != DEATHS.colour(20)
    assert DEATHS.colour(28) == DEATHS.swatches()[5][1]  # Puno on 9 January is in the 20-29 class
    assert RATE.colour(2.39) == RATE.swatches()[-1][1]


def test_a_colour_means_the_same_number_on_every_date(prepared) -> None:
    early = page_html(render_date_map(prepared, dt.date(2022, 12, 16)), self_contained=False)
    late = page_html(render_date_map(prepared, DAY), self_contained=False)
    name = "Deaths to date by department"
    for html in (early, late):
        for feature in _features(html, name):
            deaths = int(re.search(r": (\d+) deaths to date", feature["properties"]["label"])[1])
            assert feature["properties"]["fill"] == DEATHS.colour(deaths)


def test_tooltips_have_units_and_zero_is_zero(prepared) -> None:
    html = page_html(render_date_map(prepared, DAY), self_contained=False)
    labels = {f["properties"]["label"] for f in _features(html, "Deaths to date by department")}
    joined = prepared.joined
    puno = joined[(joined["department_code"] == "21") & (joined["event_date"] <= str(DAY))]["fatalities"].sum()
    assert puno > 0
    assert f"Puno: {int(puno)} deaths to date" in labels
    assert "Loreto: 0 deaths to date" in labels
    assert not any("no data" in label for label in labels)
    rates = {f["properties"]["label"] for f in _features(html, "Deaths per 100,000 inhabitants by department")}
    assert any(re.fullmatch(r"Puno: \d+\.\d\d deaths per 100,000 inhabitants to date", r) for r in rates)


def test_legend_shows_both_scales_with_numbers(prepared) -> None:
    html = page_html(render_date_map(prepared, DAY), self_contained=False)
    legend = html[html.index('id="pm-legend"') :]
    legend = legend[: legend.index("</div></div>") + 12]
    assert "Deaths to date (choropleth)" in legend
    assert "Deaths per 100,000 inhabitants to date (its own layer)" in legend
    for label in ("2–4", "20–29", "30+", "0.25–0.5", "2+"):
        assert label in legend


def test_rate_layer_says_why_units_are_empty(prepared, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    from protestmap.spatial import aggregate

    provinces = prepared.boundaries.provinces
    html = page_html(render_date_map(prepared, DAY, level="province"), self_contained=False)
    labels = [f["properties"]["label"] for f in _features(html, "Deaths to date by province")]
    assert len(labels) == len(provinces)
    assert provinces["ubigeo"].isin(aggregate.load_population().index).all(), "all 196 provinces have a figure"
    assert "units only" not in html and "no population figure, so no rate" not in html
    full = aggregate.load_population()
    some = full[~full.index.str.startswith("21")]  # Puno's provinces left out
    monkeypatch.setattr(aggregate, "load_population", lambda: some)
    html = page_html(render_date_map(prepared, DAY, level="province"), self_contained=False)
    known = int(provinces["ubigeo"].isin(some.index).sum())
    assert known == len(provinces) - 13
    assert f"population.csv has figures for {known} of {len(provinces)} units only" in html
    assert "no population figure, so no rate" in html
    monkeypatch.setattr(aggregate, "load_population", lambda: pd.Series({"01": 1000}, dtype="int64"))
    html = page_html(render_date_map(prepared, DAY, level="province"), self_contained=False)
    assert "No province has a population figure in population.csv, so this layer is empty." in html
    html = page_html(render_date_map(prepared, DAY, level="department"), self_contained=False)
    assert "population.csv has figures for 1 of 25 units only" in html


def test_popup_has_no_file_names_ids_or_developer_notes(prepared) -> None:
    book = PopupBook(prepared.sources, prepared.figures)
    notes_with_file = prepared.joined[prepared.joined["notes"].fillna("").str.contains("source_figures")]
    assert len(notes_with_file) >= 1
    for row in notes_with_file.to_dict("records"):
        popup = book.popup(row)
        assert "source_figures" not in popup
        assert ".txt" not in popup
        assert "the figures by source in this popup" in popup
        assert popup.index("pm-popup-title") < popup.index("pm-popup-body"), "the title stays above the scroller"
        assert "<div class='pm-popup-body'>" in popup


def test_popup_body_scrolls_under_its_title(tiny) -> None:
    html = page_html(render_date_map(tiny, DAY), self_contained=False)
    assert ".pm-popup-body{max-height:min(260px,45vh);overflow-y:auto}" in html


def test_popup_book_matches_the_one_off_builder(prepared) -> None:
    book = PopupBook(prepared.sources, prepared.figures)
    for row in prepared.joined.head(20).to_dict("records"):
        assert book.popup(row) == popup_html(row, prepared.sources, prepared.figures)


def test_coverage_is_computed_from_the_data(prepared) -> None:
    first, last = coverage(prepared.joined)
    assert first == dt.date(2022, 12, 7)
    assert last == max(prepared.joined["end_date"].max(), prepared.joined["event_date"].max()).date()
    assert coverage_note(prepared.joined, DAY) == ""
    note = coverage_note(prepared.joined, dt.date(2024, 1, 1))
    assert note == f"No incidents recorded for this date; the dataset covers 7 Dec 2022 – {last.day} {last:%b %Y}."


def test_date_outside_coverage_is_said_on_page_and_terminal(boundaries_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    result = runner.invoke(
        app, ["render", "--date", "2024-01-01", "--boundaries", str(boundaries_dir), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "note: No incidents recorded for this date; the dataset covers 7 Dec 2022" in result.output
    assert "No incidents recorded for this date; the dataset covers 7 Dec 2022" in out.read_text(encoding="utf-8")


def test_page_carries_no_developer_message(tiny) -> None:
    developer = "no boundaries in /root/.cache/protestmap; set PROTESTMAP_BOUNDARIES or run fetch"
    data = MapData(tiny.joined, sources=tiny.sources, figures=tiny.figures, boundaries=None, warning=developer)
    for fmap in (render_date_map(data, DAY), render_timeline_map(data)):
        html = page_html(fmap, self_contained=False)
        assert "PROTESTMAP_" not in html and ".cache" not in html
        assert "boundaries were not available" in html


def test_pages_have_title_and_language(tiny) -> None:
    for lang, tag, title in (("en", "en", "Peru protests, 9 January 2023"), ("es", "es-PE", "9 de enero de 2023")):
        html = page_html(render_date_map(tiny, DAY, lang=lang), self_contained=False)
        assert f'<html lang="{tag}">' in html
        assert re.search(rf"<title>[^<]*{title}</title>", html)


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    english, spanish = (i18n.LANGUAGES[lang][0] for lang in ("en", "es"))
    assert english.keys() == spanish.keys()
    fields = string.Formatter()
    for key in english:
        names = {name for _, name, _, _ in fields.parse(english[key]) if name}
        assert names == {name for _, name, _, _ in fields.parse(spanish[key]) if name}, key


def test_spanish_dates_and_numbers() -> None:
    es, en = i18n.catalogue("es"), i18n.catalogue("en")
    assert es.long_date(DAY) == "9 de enero de 2023"
    assert en.long_date(DAY) == "9 January 2023"
    assert es.number(1.625, 2) == "1,62" or es.number(1.625, 2) == "1,63"
    assert es.event_type("attack_on_protesters") == "ataque a manifestantes"
    assert es.event_type("unheard_of") == "unheard of"
    with pytest.raises(ValueError, match="no catalogue"):
        i18n.catalogue("qu")


def test_spanish_page_labels_legend_popups(prepared) -> None:
    html = page_html(render_date_map(prepared, DAY, lang="es"), self_contained=False)
    for text in (
        "Perú, 9 de enero de 2023",
        "Muertes acumuladas por departamento",
        "Bloqueos de vías activos",
        "Leyenda",
        "Muertes por cada 100 000 habitantes",
        "Fuentes:",
        "Cifras por fuente:",
    ):
        assert text in html or json.dumps(text)[1:-1] in html, text
    assert "Deaths to date by department" not in html


def test_spanish_timeline_strings(prepared) -> None:
    payload = timeline_payload(prepared, text=i18n.catalogue("es"))
    assert payload["strings"]["control.play"] == "Reproducir"
    assert payload["day_labels"][0] == "7 de diciembre de 2022"
    assert payload["layer_labels"][0].startswith("Muertes")
    assert any(n["text"].startswith("todo el país: estado de emergencia") for n in payload["national"])


def test_cli_render_lang_es(boundaries_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "es.html"
    args = ["render", "--date", "2023-01-09", "--lang", "es", "--boundaries", str(boundaries_dir), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert '<html lang="es-PE">' in out.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["render", "--date", "2023-01-09", "--lang", "fr", "--out", str(out)])
    assert bad.exit_code == 2
