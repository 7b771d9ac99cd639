"""``--as-of``: the dataset as its sources had reported it on a given day."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from protestmap.cli.app import app
from protestmap.dataset.asof import as_reported, known_sources
from protestmap.dataset.load import DatasetTables, load_tables

runner = CliRunner()
JULIACA = "2023-01-09-juliaca-deaths"
MEASURES = ("fatalities", "injured", "arrested", "blockade_points")


@pytest.fixture(scope="module")
def bundled() -> DatasetTables:
    return load_tables()


def _juliaca(tables: DatasetTables, day: str) -> tuple[object, object]:
    reported = as_reported(tables, dt.date.fromisoformat(day)).incidents
    row = reported[reported["event_id"] == JULIACA]
    assert len(row) == 1, f"Juliaca should be known on {day}"
    return row["fatalities"].iloc[0], row["injured"].iloc[0]


# Juliaca, computed by hand from data/source_figures.csv (figures counting this incident alone;
# the 18 of trome-2023-01-10, the 19 of beethovianos-2023-01 and the 22 of then24-2023-03-09 are
# marked `wider` because they include the police officer of another row) and the `published`
# column of data/sources.csv:
#
# 9 Jan:  only epanoticias-2023-01-09 (published 2023-01-09) is out: 12 dead. No injured figure
#         yet (seed-001 is published 2023-01-10, seed-003 2023-01-13): injured not reported.
# 10 Jan: seed-001 and abc7-2023-01-09 are both published 2023-01-10 (their 9, 13, 17 and 17 are
#         all as of 2023-01-09), so the tie goes to the larger value: 17 dead; injured 20 (seed-001).
# 12 Jan: larepublica-2023-01-12-juliaca18 (published 2023-01-12): 18 dead, after the boy's death;
#         injured still 20.
# 13 Jan: seed-004 (published 2023-01-13, as of 2023-01-13) repeats 17 and beats seed-003's 12 and
#         17 (same day, as of 2023-01-09): 17 dead; injured 38 (seed-003, published 2023-01-13).
# 9 Mar:  then24-2023-03-09, the last source the row cites, is out: the row's own 18 and 20.
JULIACA_AS_REPORTED = {
    "2023-01-09": (12, None),
    "2023-01-10": (17, 20),
    "2023-01-12": (18, 20),
    "2023-01-13": (17, 38),
    "2023-03-09": (18, 20),
}


@pytest.mark.parametrize(("day", "expected"), JULIACA_AS_REPORTED.items(), ids=JULIACA_AS_REPORTED)
def test_juliaca_toll_as_reported(bundled: DatasetTables, day: str, expected: tuple[int, int | None]) -> None:
    fatalities, injured = _juliaca(bundled, day)
    assert fatalities == expected[0]
    assert (None if pd.isna(injured) else injured) == expected[1]


def test_juliaca_unknown_before_its_first_source(bundled: DatasetTables) -> None:
    reported = as_reported(bundled, dt.date(2023, 1, 8)).incidents
    assert JULIACA not in set(reported["event_id"])


def test_juliaca_sources_are_trimmed_to_those_published(bundled: DatasetTables) -> None:
    reported = as_reported(bundled, dt.date(2023, 1, 9))
    row = reported.incidents[reported.incidents["event_id"] == JULIACA]
    assert row["source_ids"].iloc[0] == "epanoticias-2023-01-09"
    figures = reported.figures[reported.figures["event_id"] == JULIACA]
    assert set(figures["source_id"]) == {"epanoticias-2023-01-09"}


def test_a_day_after_every_source_gives_back_the_full_tables(bundled: DatasetTables) -> None:
    last = pd.to_datetime(bundled.sources["published"]).max().date()
    reported = as_reported(bundled, last)
    pd.testing.assert_frame_equal(
        reported.incidents.drop(columns="geometry"), bundled.incidents.drop(columns="geometry")
    )
    pd.testing.assert_frame_equal(reported.figures, bundled.figures)
    pd.testing.assert_frame_equal(reported.victims, bundled.victims)


# Hand-built tables, one rule each.


def _tables(
    incidents: list[dict], sources: dict[str, str | None], figures: list[dict], victims: list[dict] | None = None
) -> DatasetTables:
    frame = pd.DataFrame(incidents)
    for measure in MEASURES:
        frame[measure] = pd.array(frame.get(measure, [None] * len(frame)), dtype="Int64")
    source_table = pd.DataFrame(
        {"published": pd.to_datetime(list(sources.values()))}, index=pd.Index(list(sources), name="source_id")
    )
    figure_table = pd.DataFrame(
        figures, columns=["event_id", "source_id", "measure", "value", "as_of", "note", "counts"]
    ).astype({"value": "Int64"})
    figure_table["as_of"] = pd.to_datetime(figure_table["as_of"])
    victim_table = pd.DataFrame(victims or [], columns=["victim_id", "event_id", "source_ids"])
    return DatasetTables(frame, source_table, figure_table, victim_table)


def _figure(event: str, source: str, value: int, as_of: str | None = None, counts: str = "") -> dict:
    return {
        "event_id": event,
        "source_id": source,
        "measure": "fatalities",
        "value": value,
        "as_of": as_of,
        "note": "",
        "counts": counts,
    }


def _value(tables: DatasetTables, day: str, event: str = "e", measure: str = "fatalities") -> object:
    reported = as_reported(tables, dt.date.fromisoformat(day)).incidents
    value = reported.loc[reported["event_id"] == event, measure].iloc[0]
    return None if pd.isna(value) else int(value)


SOURCES = {"a": "2023-01-10", "b": "2023-01-10", "c": "2023-01-12"}


def test_ties_on_publication_go_to_the_later_as_of_then_the_larger_value() -> None:
    row = {"event_id": "e", "source_ids": "a;b;c", "fatalities": 7}
    later_as_of = _tables([row], SOURCES, [_figure("e", "a", 9, "2023-01-10"), _figure("e", "b", 4, "2023-01-09")])
    assert _value(later_as_of, "2023-01-10") == 9
    reversed_order = _tables([row], SOURCES, [_figure("e", "b", 4, "2023-01-09"), _figure("e", "a", 9, "2023-01-10")])
    assert _value(reversed_order, "2023-01-10") == 9
    same_as_of = _tables([row], SOURCES, [_figure("e", "a", 3, "2023-01-09"), _figure("e", "b", 5, "2023-01-09")])
    assert _value(same_as_of, "2023-01-10") == 5
    no_as_of = _tables([row], SOURCES, [_figure("e", "a", 8), _figure("e", "b", 2, "2023-01-09")])
    assert _value(no_as_of, "2023-01-10") == 2  # an empty as_of ranks first


def test_a_later_publication_wins_over_a_later_as_of() -> None:
    row = {"event_id": "e", "source_ids": "a;c;late", "fatalities": 7}
    sources = {**SOURCES, "late": "2023-02-01"}
    tables = _tables([row], sources, [_figure("e", "a", 9, "2023-01-10"), _figure("e", "c", 6, "2023-01-09")])
    assert _value(tables, "2023-01-11") == 9
    assert _value(tables, "2023-01-12") == 6
    assert _value(tables, "2023-02-01") == 7  # every cited source is out: the row's own value


def test_a_measure_is_not_reported_until_a_figure_for_it_is_published() -> None:
    row = {"event_id": "e", "source_ids": "a;c", "fatalities": 7, "injured": 30}
    tables = _tables([row], SOURCES, [_figure("e", "c", 6, "2023-01-11")])
    assert _value(tables, "2023-01-10") is None
    assert _value(tables, "2023-01-10", measure="injured") == 30  # no figure: the row's value


def test_wider_figures_never_stand_for_the_row() -> None:
    row = {"event_id": "e", "source_ids": "a;c", "fatalities": 7}
    figures = [_figure("e", "a", 4, "2023-01-10"), _figure("e", "c", 9, "2023-01-12", counts="wider")]
    tables = _tables([row], {**SOURCES, "c": "2023-01-11"}, figures)
    sources_late = _tables([row | {"source_ids": "a;c;z"}], {**SOURCES, "c": "2023-01-11", "z": "2023-03-01"}, figures)
    assert _value(sources_late, "2023-01-11") == 4
    assert _value(tables, "2023-01-11") == 7  # every cited source out
    only_wider = _tables(
        [row | {"source_ids": "a;z"}], {**SOURCES, "z": "2023-03-01"}, [figures[1] | {"source_id": "a"}]
    )
    assert _value(only_wider, "2023-01-10") == 7  # no figure of this incident alone: the row's value


def test_incidents_without_a_published_source_are_dropped_and_sources_trimmed() -> None:
    incidents = [
        {"event_id": "e", "source_ids": "a; c", "fatalities": 1},
        {"event_id": "late", "source_ids": "c", "fatalities": 2},
    ]
    reported = as_reported(_tables(incidents, SOURCES, []), dt.date(2023, 1, 11))
    assert reported.incidents["event_id"].tolist() == ["e"]
    assert reported.incidents["source_ids"].tolist() == ["a"]
    assert sorted(reported.sources.index) == ["a", "b"]


def test_victims_keep_their_published_sources_and_a_kept_incident() -> None:
    incidents = [{"event_id": "e", "source_ids": "a"}, {"event_id": "late", "source_ids": "c"}]
    victims = [
        {"victim_id": "v1", "event_id": "e", "source_ids": "a;c"},
        {"victim_id": "v2", "event_id": "e", "source_ids": "c"},
        {"victim_id": "v3", "event_id": "late", "source_ids": "a"},
    ]
    reported = as_reported(_tables(incidents, SOURCES, [], victims), dt.date(2023, 1, 10))
    assert reported.victims[["victim_id", "source_ids"]].to_dict("records") == [{"victim_id": "v1", "source_ids": "a"}]


def test_figures_are_limited_to_published_sources_and_kept_incidents() -> None:
    incidents = [{"event_id": "e", "source_ids": "a;c"}, {"event_id": "late", "source_ids": "c"}]
    figures = [_figure("e", "a", 1), _figure("e", "c", 2), _figure("late", "c", 3)]
    reported = as_reported(_tables(incidents, SOURCES, figures), dt.date(2023, 1, 10))
    assert reported.figures[["event_id", "source_id"]].values.tolist() == [["e", "a"]]


def test_a_source_without_publication_date_is_never_known() -> None:
    sources = {**SOURCES, "undated": None}
    assert known_sources(_tables([], sources, []).sources, dt.date(2030, 1, 1)) == {"a", "b", "c"}
    incidents = [
        {"event_id": "e", "source_ids": "a;undated", "fatalities": 7},
        {"event_id": "u", "source_ids": "undated", "fatalities": 1},
    ]
    tables = _tables(incidents, sources, [_figure("e", "a", 5, "2023-01-09")])
    reported = as_reported(tables, dt.date(2030, 1, 1))
    assert reported.incidents["event_id"].tolist() == ["e"]
    assert _value(tables, "2030-01-01") == 5  # never settled: the undated source is not known


def test_inputs_are_left_unchanged() -> None:
    row = {"event_id": "e", "source_ids": "a;c", "fatalities": 7}
    tables = _tables([row], SOURCES, [_figure("e", "a", 4, "2023-01-10")])
    before = [t.copy() for t in tables]
    as_reported(tables, dt.date(2023, 1, 10))
    for original, after in zip(before, tables, strict=True):
        pd.testing.assert_frame_equal(original, after)


# The command line.


def _province(output: str, code: str) -> dict:
    import json

    rows = json.loads(output[output.index("[") :])
    return next(r for r in rows if r["ubigeo"] == code)


def test_stats_as_of_prints_what_was_reported_then(boundaries_dir: Path) -> None:
    base = [
        "stats",
        "--by",
        "province",
        "--date",
        "2023-01-09",
        "--format",
        "json",
        "--boundaries",
        str(boundaries_dir),
    ]
    early = runner.invoke(app, [*base, "--as-of", "2023-01-09"])
    assert early.exit_code == 0, early.output
    everything = runner.invoke(app, base)
    assert everything.exit_code == 0, everything.output
    san_roman = "2111"  # Juliaca's province
    assert _province(early.output, san_roman)["fatalities"] == 12
    assert _province(everything.output, san_roman)["fatalities"] > 12


@pytest.mark.parametrize(
    ("value", "words"),
    [("2022-11-30", "before the dataset's period"), ("2023-02-30", "not a date"), ("soon", "not a date")],
)
def test_as_of_outside_the_period_or_not_a_date_is_a_usage_error(value: str, words: str) -> None:
    result = runner.invoke(app, ["stats", "--as-of", value])
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output


def test_as_of_does_not_go_with_coverage() -> None:
    result = runner.invoke(app, ["stats", "--coverage", "--as-of", "2023-01-10"])
    assert result.exit_code == 2
    assert "--as-of does not apply to --coverage" in result.output


def _decoded(page: str) -> str:
    return page.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u2014", "—").replace("\\u0027", "'")


def test_render_as_of_shows_the_early_toll_and_says_so(tmp_path: Path, boundaries_dir: Path) -> None:
    out = tmp_path / "day.html"
    args = ["render", "--date", "2023-01-09", "--boundaries", str(boundaries_dir), "--out", str(out)]
    result = runner.invoke(app, [*args, "--as-of", "2023-01-09"])
    assert result.exit_code == 0, result.output
    page = _decoded(out.read_text(encoding="utf-8"))
    assert "as reported up to 9 January 2023" in page
    assert re.search(r"Juliaca, near the airport</b>.{0,400}?<b>12 dead</b>", page)  # injured: not reported yet
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    page = _decoded(out.read_text(encoding="utf-8"))
    assert "as reported up to" not in page
    assert re.search(r"Juliaca, near the airport</b>.{0,400}?<b>18 dead, 20 injured</b>", page)
    assert "dead: 22 (also counts other rows) — Then24" in page  # the wider total is shown, marked


def test_render_as_of_in_spanish_and_on_the_timeline(tmp_path: Path, tiny_boundaries: Path) -> None:
    from tests.conftest import FIXTURES

    data = ["--data", str(FIXTURES / "tiny"), "--boundaries", str(tiny_boundaries)]
    out = tmp_path / "day.html"
    args = ["render", "--date", "2023-01-12", *data, "--as-of", "2023-01-10", "--lang", "es", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "según lo informado hasta el 10 de enero de 2023" in out.read_text(encoding="utf-8")
    timeline = tmp_path / "timeline.html"
    args = ["render", "--timeline", *data, "--as-of", "2023-01-10", "--out", str(timeline)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "as reported up to 10 January 2023" in timeline.read_text(encoding="utf-8")
