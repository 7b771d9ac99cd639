from __future__ import annotations

import codecs
import datetime as dt
import itertools
import json
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import protestmap
from protestmap.cli.app import app
from protestmap.errors import ArticleReadError, ProtestmapError
from protestmap.text.articles import read_article
from protestmap.text.evaluate import candidate_rows, evaluate, load_truth
from protestmap.text.extract import eval_class, extract_text
from protestmap.text.scan import MAX_SENTENCE, find_dates, publication_date, sentences

TEXTS = Path(__file__).parent / "texts"
TRUTH = Path(__file__).parent / "truth" / "seeds.csv"
runner = CliRunner()


def read(name: str) -> str:
    return (TEXTS / name).read_text(encoding="utf-8")


def only(extraction, kind: str):
    found = [
        c
        for c in extraction.candidates
        if eval_class(c.event_type, c.counts.get("fatalities")) == kind and c.confidence >= 0.5
    ]
    assert len(found) == 1, [(c.event_type, c.event_date, c.location) for c in extraction.candidates]
    return found[0]


def test_spanish_relative_date_number_words_and_place_context() -> None:
    result = extract_text(read("es_pichanaqui.txt"), source="es_pichanaqui.txt")
    assert result.language == "es" and result.published == dt.date(2022, 12, 17)
    deaths = only(result, "deaths")
    assert deaths.event_date == dt.date(2022, 12, 16)  # "ayer"
    assert deaths.counts["fatalities"] == 3  # "Tres"
    assert deaths.place.ubigeo == "120303" and deaths.place.department == "Junín"
    emergency = only(result, "state_of_emergency")
    assert emergency.scope == "national" and emergency.event_date == dt.date(2022, 12, 14)  # "el miércoles"


def test_spanish_last_night_and_detentions() -> None:
    result = extract_text(read("es_ilave.txt"))
    deaths = only(result, "deaths")
    assert deaths.event_date == dt.date(2023, 1, 20)  # "anoche"
    assert deaths.counts["fatalities"] == 1 and deaths.place.ubigeo == "210501"
    detention = only(result, "detention")
    assert detention.counts["arrested"] == 12  # "Doce", carried place Ilave
    assert detention.place.ubigeo == "210501"


def test_english_weekday_and_running_total_is_not_an_incident() -> None:
    result = extract_text(read("en_arequipa.txt"))
    deaths = only(result, "deaths")
    assert deaths.event_date == dt.date(2023, 1, 19)  # "on Thursday" in a Friday article
    assert deaths.counts["fatalities"] == 1 and deaths.place.department == "Arequipa"
    assert deaths.counts.get("injured") is None or deaths.counts["injured"] == 18
    assert [c.counts for c in result.running_totals] == [{"fatalities": 45}]
    assert all(c.counts.get("fatalities") != 45 for c in result.candidates)


def test_english_accident_in_province_context() -> None:
    result = extract_text(read("en_ilave_river.txt"))
    deaths = only(result, "deaths")
    assert deaths.event_type == "accident"
    assert deaths.counts["fatalities"] == 6 and deaths.event_date == dt.date(2023, 3, 5)
    assert deaths.place.department == "Puno"


def test_provenance_spans_point_at_the_evidence() -> None:
    text = read("en_arequipa.txt")
    deaths = only(extract_text(text, source="en_arequipa.txt"), "deaths")
    start, end = deaths.span
    assert text[start:end] == deaths.evidence and "shot dead" in deaths.evidence
    assert deaths.source == "en_arequipa.txt" and 0 < deaths.confidence <= 1


def test_published_option_when_the_header_has_no_date() -> None:
    text = "Police arrested 30 people in Cusco yesterday."
    assert extract_text(text).candidates == [] or extract_text(text).candidates[0].event_date is None
    result = extract_text(text, published=dt.date(2023, 1, 12))
    detention = only(result, "detention")
    assert detention.event_date == dt.date(2023, 1, 11) and detention.counts["arrested"] == 30


def test_seed_articles_reach_the_f1_target(seeds_dir: Path) -> None:
    extractions = [extract_text(p.read_text(encoding="utf-8"), source=p.name) for p in sorted(seeds_dir.glob("*.txt"))]
    score = evaluate(extractions, load_truth(TRUTH))
    assert score.f1 >= 0.8, score.report()
    assert score.fatality_accuracy >= 0.8, score.report()


def test_dates_and_sentences_helpers() -> None:
    assert publication_date("Some Outlet\nGlobal Research, January 13, 2023\n\nBody", language="en") == dt.date(
        2023, 1, 13
    )
    assert publication_date("A title\n\nProtests began on December 7, 2022, in Lima.", language="en") is None
    found = find_dates("Tuesday, January 10, and 9 de enero de 2023", language="es", base=dt.date(2023, 1, 13))
    assert [d for _, _, d in found] == [dt.date(2023, 1, 10), dt.date(2023, 1, 9)]
    parts = sentences("It began (Jan. 9) at noon. Then it ended.\n\nNew paragraph here.")
    assert [p.text for p in parts] == ["It began (Jan. 9) at noon.", "Then it ended.", "New paragraph here."]
    assert parts[2].paragraph > parts[0].paragraph


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_text_never_crashes(text: str) -> None:
    result = extract_text(text)
    assert all(0 <= c.span[0] <= c.span[1] <= len(text) for c in result.candidates)


CUES = [
    "killed",
    "muertos",
    "paro",
    "toque de queda",
    "Juliaca",
    "Puno",
    "17",
    "diecisiete",
    "ayer",
    "on Monday",
    "\n\n",
    ", ",
    ".",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(CUES) | st.text(max_size=8), max_size=60), st.sampled_from(["auto", "en", "es"]))
def test_cue_soup_never_crashes(parts: list[str], language: str) -> None:
    text = " ".join(parts)
    result = extract_text(text, published=dt.date(2023, 1, 10), language=language)
    for cand in result.candidates:
        assert text[cand.span[0] : cand.span[1]] == cand.evidence


def test_binary_junk_and_long_text_via_cli(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    big = tmp_path / "big.txt"
    big.write_text(read("en_arequipa.txt") * 2000, encoding="utf-8")  # ~ 600 kB
    result = runner.invoke(app, ["extract", str(junk), str(big), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout[: result.stdout.rindex("]") + 1])
    assert {r["source_file"] for r in rows} == {"big.txt"}
    assert f"warning: skipped: cannot read article {junk}" in result.output, "the unreadable file is named"


def test_cli_evaluate_prints_scores(seeds_dir: Path) -> None:
    result = runner.invoke(app, ["extract", "--evaluate", str(TRUTH), *map(str, sorted(seeds_dir.glob("*.txt")))])
    assert result.exit_code == 0, result.output
    assert "precision:" in result.output and "F1:" in result.output


def test_into_writes_review_and_apply_adds_only_new_rows(tiny_dataset: Path) -> None:
    before = protestmap.load_incidents(tiny_dataset)
    article = TEXTS / "es_ilave.txt"
    result = runner.invoke(app, ["extract", str(article), "--into", str(tiny_dataset)])
    assert result.exit_code == 0, result.output
    review = (tiny_dataset / "extraction-review.csv").read_text(encoding="utf-8")
    assert review.startswith("status,event_id,") and "\nnew," in review
    assert len(protestmap.load_incidents(tiny_dataset)) == len(before), "review only: nothing added"
    result = runner.invoke(app, ["extract", str(article), "--into", str(tiny_dataset), "--apply"])
    assert result.exit_code == 0, result.output
    after = protestmap.load_incidents(tiny_dataset)
    assert len(after) == len(before) + 2
    assert after.iloc[: len(before)].drop(columns="geometry").equals(before.drop(columns="geometry"))
    again = runner.invoke(app, ["extract", str(article), "--into", str(tiny_dataset), "--apply"])
    assert "added 0 incident(s)" in again.output, "applying twice adds nothing: candidates now match"


def test_into_matches_existing_incidents_of_the_bundled_data(tmp_path: Path, seeds_dir: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(protestmap.default_data_dir(), copy)
    result = runner.invoke(app, ["extract", str(seeds_dir / "004_e45523c9750e1e33.txt"), "--into", str(copy)])
    assert result.exit_code == 0
    review = (copy / "extraction-review.csv").read_text(encoding="utf-8")
    assert "matches,2023-01-09-juliaca-deaths," in review


# --- reading article files -------------------------------------------------------------------


def summary(extraction) -> list[tuple]:
    return [(c.event_type, c.event_date, c.place.ubigeo if c.place else None, c.counts) for c in extraction.candidates]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16-le"),
        (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16-be"),
        (lambda t: t.encode("utf-16"), "utf-16-le" if codecs.BOM_UTF16 == codecs.BOM_UTF16_LE else "utf-16-be"),
        (lambda t: codecs.BOM_UTF32_LE + t.encode("utf-32-le"), "utf-32-le"),
        (lambda t: codecs.BOM_UTF32_BE + t.encode("utf-32-be"), "utf-32-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-native", "utf-32-le-bom", "utf-32-be-bom"],
)
def test_read_article_decodes_unicode_with_or_without_a_bom(tmp_path: Path, data, encoding: str) -> None:
    text = read("es_ilave.txt")
    path = tmp_path / "article.txt"
    path.write_bytes(data(text))
    article = read_article(path)
    assert article.text == text and article.encoding == encoding and article.fallback is None
    assert article.path == path
    found = summary(extract_text(article.text))
    assert found == summary(extract_text(text)) and found, "the same candidates as from the text itself"


def test_read_article_falls_back_to_latin1_and_says_so(tmp_path: Path) -> None:
    text = read("es_ilave.txt")
    assert any(ord(c) > 127 for c in text)
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    article = read_article(path)
    assert article.text == text
    assert article.encoding == "cp1252" and "not UTF-8" in article.fallback and "1252" in article.fallback
    path.write_bytes((text + "\x81").encode("latin-1"))  # 0x81 is no Windows-1252 character
    article = read_article(path)
    assert article.text == text + "\x81" and article.encoding == "latin-1" and "Latin-1" in article.fallback


@pytest.mark.parametrize("order", ["le", "be"])
def test_read_article_reads_utf16_without_bom_and_says_so(tmp_path: Path, order: str) -> None:
    text = read("es_pichanaqui.txt")
    path = tmp_path / "utf16.txt"
    path.write_bytes(text.encode(f"utf-16-{order}"))
    article = read_article(path)
    assert article.text == text and article.encoding == f"utf-16-{order}"
    assert "no byte-order mark" in article.fallback


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00" * 4096, "binary data"),
        (b"\x00\x01\x02\x03junk\x00\x00" * 500, "binary data"),
        (bytes(range(256)) * 40, "binary data"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary data"),
        (codecs.BOM_UTF16_LE + "Juliaca".encode("utf-16-le") + b"\x00", "invalid UTF-16-LE"),
        (codecs.BOM_UTF8 + b"Juliaca \xff\xfe", "invalid UTF-8"),
    ],
    ids=["nul-filled", "nul-junk", "all-bytes", "png", "utf-16-odd-length", "bad-utf-8-after-bom"],
)
def test_read_article_refuses_binary_with_a_one_line_message(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(data)
    with pytest.raises(ArticleReadError) as caught:
        read_article(path)
    message = str(caught.value)
    assert isinstance(caught.value, ProtestmapError) and isinstance(caught.value, ValueError)
    assert str(path) in message and reason in message and "\n" not in message
    assert caught.value.path == path


def test_read_article_reports_unreadable_paths(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.txt", tmp_path):
        with pytest.raises(ArticleReadError, match="cannot read article"):
            read_article(path)


def test_empty_or_cue_free_file_reads_fine_and_yields_nothing(tmp_path: Path) -> None:
    empty, plain = tmp_path / "empty.txt", tmp_path / "plain.txt"
    empty.write_bytes(b"")
    quiet = "Una tarde tranquila en la plaza, con música y vendedores de helados. " * 3
    plain.write_bytes(quiet.encode() + b"\x00\n")  # a stray NUL in text is read as a space
    assert read_article(empty).text == "" and extract_text(read_article(empty).text).candidates == []
    article = read_article(plain)
    assert article.text == quiet + " \n" and article.fallback is None
    assert extract_text(article.text).candidates == []


def test_markup_like_text_comes_out_literally() -> None:
    text = "Police killed 3 [bold]protesters[/bold] in Juliaca [/x] on Monday [link=http://a]x[/link]."
    result = extract_text(text, published=dt.date(2023, 1, 12))
    deaths = only(result, "deaths")
    assert deaths.evidence == text == text[deaths.span[0] : deaths.span[1]]
    (row,) = [r for r in candidate_rows(result) if r["event_type"] == deaths.event_type]
    assert row["evidence"] == text and "[/x]" in row["evidence"] and "[bold]" in row["evidence"]


# --- text without sentence ends --------------------------------------------------------------

RUN_ON = (  # our own clauses, joined without full stops
    "los manifestantes bloquearon la carretera en Juliaca y ",
    "hubo 4 heridos en Ilave, Puno, el 9 de enero, ",
    "police detained 12 people in Cusco and ",
    "se declaró el estado de emergencia en Ayacucho y Huancavelica; ",
    "a strike closed shops in Abancay – ",
)


def run_on(size: int) -> str:
    unit = "".join(RUN_ON)
    return (unit * (size // len(unit) + 1))[:size]


@pytest.mark.parametrize(
    "text",
    [run_on(50_000), "x" * 5000, "palabra " * 2000, "Dr. " * 3000, "a" + " " * 5000 + "b", "uno, " * 3000],
    ids=["run-on", "one-word", "no-punctuation", "abbreviations", "spaces", "commas"],
)
def test_sentences_are_bounded_and_keep_offsets(text: str) -> None:
    parts = sentences(text)
    assert parts and max(len(p.text) for p in parts) <= MAX_SENTENCE
    assert all(text[p.start : p.end] == p.text == p.text.strip() for p in parts)
    assert all(a.end <= b.start for a, b in itertools.pairwise(parts))
    assert "".join(p.text for p in parts).replace(" ", "") == text.replace(" ", "")  # nothing lost


def test_run_on_sentence_is_cut_at_clause_boundaries() -> None:
    parts = sentences(run_on(20_000))
    assert len(parts) >= 20
    assert all(p.text.endswith((";", "–", ",")) or p.text.split()[-1] in {"y", "and"} for p in parts[:-1])


def test_text_without_sentence_ends_is_read_in_linear_time() -> None:
    text = run_on(200_000)  # before sentences were bounded: about 45 s, and 4x longer text took 16x as long
    start = time.perf_counter()
    result = extract_text(text, published=dt.date(2023, 1, 10))
    elapsed = time.perf_counter() - start
    assert elapsed < 20, f"{elapsed:.1f} s for {len(text):,} characters"
    assert result.candidates and all(len(c.evidence) <= MAX_SENTENCE for c in result.candidates)
