from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from protestmap import validate_dataset
from protestmap.dataset.load import default_data_dir

Edit = Callable[[bytes], bytes]


def replace(old: str, new: str) -> Edit:
    def edit(raw: bytes) -> bytes:
        assert old.encode() in raw, f"fixture no longer contains {old!r}"
        return raw.replace(old.encode(), new.encode(), 1)

    return edit


def append(line: str) -> Edit:
    return lambda raw: raw + line.encode()


# (id, file, edit, expected file:row:column prefix, expected words in the reason)
CASES: list[tuple[str, str, Edit, str, str]] = [
    (
        "bom",
        "incidents.csv",
        lambda raw: b"\xef\xbb\xbf" + raw,
        "incidents.csv:1:-",
        "byte-order mark",
    ),
    (
        "bad-encoding",
        "incidents.csv",
        lambda raw: raw.replace(b"Puno region", b"Puno regi\xf3n"),
        "incidents.csv:3:-",
        "0xf3",
    ),
    (
        "latin1-byte",
        "sources.csv",
        lambda raw: raw.replace(b"A title", b"A t\xedtle"),
        "sources.csv:2:-",
        "UTF-8",
    ),
    (
        "semicolons",
        "sources.csv",
        lambda raw: raw.replace(b",", b";"),
        "sources.csv:1:-",
        "delimiter",
    ),
    (
        "missing-column",
        "sources.csv",
        replace("source_id,kind,", "source_id,"),
        "sources.csv:1:kind",
        "missing column",
    ),
    (
        "extra-column",
        "sources.csv",
        replace(",notes\n", ",notes,extra\n"),
        "sources.csv:1:extra",
        "unknown column",
    ),
    (
        "too-few-fields",
        "sources.csv",
        replace("https://example.org/a,", "https://example.org/a"),
        "sources.csv:2:-",
        "expected 8 fields",
    ),
    (
        "blank-line",
        "incidents.csv",
        replace("\nt-strike", "\n\nt-strike"),
        "incidents.csv:3:-",
        "blank line",
    ),
    (
        "quoted-newline",
        "incidents.csv",
        replace("A made-up test row.", '"A made-up\ntest row."'),
        "incidents.csv:2:notes",
        "line break",
    ),
    (
        "unterminated-quote",
        "figures",
        replace("early count", '"early count'),
        "source_figures.csv:2:-",
        "malformed CSV",
    ),
    (
        "unknown-type",
        "incidents.csv",
        replace(",strike,", ",riot,"),
        "incidents.csv:3:event_type",
        "unknown value 'riot'",
    ),
    (
        "impossible-date",
        "incidents.csv",
        replace("2023-01-09", "2023-02-30"),
        "incidents.csv:2:event_date",
        "not a real date",
    ),
    (
        "date-format",
        "incidents.csv",
        replace("2023-01-09", "09/01/2023"),
        "incidents.csv:2:event_date",
        "YYYY-MM-DD",
    ),
    (
        "date-range",
        "incidents.csv",
        replace("2023-01-09", "1923-01-09"),
        "incidents.csv:2:event_date",
        "outside",
    ),
    (
        "end-before-start",
        "incidents.csv",
        replace("2023-01-10,1,strike", "2023-01-01,1,strike"),
        "incidents.csv:3:end_date",
        "before event_date",
    ),
    (
        "negative-count",
        "incidents.csv",
        replace(",17,", ",-17,"),
        "incidents.csv:2:fatalities",
        "whole number",
    ),
    (
        "fraction-count",
        "incidents.csv",
        replace(",46,", ",4.5,"),
        "incidents.csv:4:blockade_points",
        "whole number",
    ),
    (
        "time-precision",
        "incidents.csv",
        replace("2023-01-09,,1,", "2023-01-09,,4,"),
        "incidents.csv:2:time_precision",
        "not one of 1, 2, 3",
    ),
    (
        "geo-precision",
        "incidents.csv",
        replace("-70.1333,1,", "-70.1333,7,"),
        "incidents.csv:2:geo_precision",
        "not one of",
    ),
    (
        "outside-peru",
        "incidents.csv",
        replace("-15.4839,-70.1333", "15.4839,-70.1333"),
        "incidents.csv:2:latitude",
        "outside Peru",
    ),
    (
        "lon-without-lat",
        "incidents.csv",
        replace("-15.4839,-70.1333", ",-70.1333"),
        "incidents.csv:2:latitude",
        "go together",
    ),
    (
        "not-a-number",
        "incidents.csv",
        replace("-15.4839", "south"),
        "incidents.csv:2:latitude",
        "not a number",
    ),
    (
        "duplicate-id",
        "incidents.csv",
        replace("t-strike,", "t-juliaca,"),
        "incidents.csv:3:event_id",
        "duplicate id",
    ),
    (
        "bad-id",
        "incidents.csv",
        replace("t-strike,", "t strike!,"),
        "incidents.csv:3:event_id",
        "not a valid id",
    ),
    (
        "unknown-source",
        "incidents.csv",
        replace("s-one;s-two", "s-one;s-three"),
        "incidents.csv:2:source_ids",
        "'s-three' is not in",
    ),
    (
        "no-source",
        "incidents.csv",
        replace(",3,s-one,", ",3,,"),
        "incidents.csv:3:source_ids",
        "required value is empty",
    ),
    (
        "unknown-department",
        "incidents.csv",
        replace("Juliaca,Puno,", "Juliaca,Punoo,"),
        "incidents.csv:2:admin1",
        "not an INEI department",
    ),
    (
        "ubigeo-shape",
        "incidents.csv",
        replace("211101", "21110"),
        "incidents.csv:2:ubigeo",
        "2-, 4- or 6-digit",
    ),
    (
        "ubigeo-depth",
        "incidents.csv",
        replace("211101", "2111"),
        "incidents.csv:2:ubigeo",
        "deepest level",
    ),
    (
        "ubigeo-department",
        "incidents.csv",
        replace("211101", "081101"),
        "incidents.csv:2:ubigeo",
        "not in Puno",
    ),
    (
        "district-without-province",
        "incidents.csv",
        replace("Puno,San Román,Juliaca", "Puno,,Juliaca"),
        "incidents.csv:2:admin2",
        "without its province",
    ),
    (
        "national-with-place",
        "incidents.csv",
        replace("national,Peru,,", "national,Peru,Lima,"),
        "incidents.csv:4:admin1",
        "must be empty",
    ),
    (
        "regional-town-precision",
        "incidents.csv",
        replace(",,,3,s-one,", ",,,1,s-one,"),
        "incidents.csv:3:geo_precision",
        "cannot have town precision",
    ),
    (
        "local-without-department",
        "incidents.csv",
        replace("Juliaca,Puno,San Román,Juliaca,211101", "Juliaca,,,,"),
        "incidents.csv:2:admin1",
        "needs its department",
    ),
    (
        "unknown-scope",
        "incidents.csv",
        replace(",local,", ",city,"),
        "incidents.csv:2:scope",
        "unknown value",
    ),
    (
        "source-kind",
        "sources.csv",
        replace(",news,", ",rumour,"),
        "sources.csv:2:kind",
        "unknown value",
    ),
    (
        "source-url",
        "sources.csv",
        replace("https://example.org/a", "example.org/a"),
        "sources.csv:2:url",
        "http(s) URL",
    ),
    (
        "seed-reference",
        "sources.csv",
        replace("001_db12b1f615bd43cf.txt", ""),
        "sources.csv:3:reference",
        "seed source",
    ),
    (
        "duplicate-source",
        "sources.csv",
        replace("s-two,seed", "s-one,seed"),
        "sources.csv:3:source_id",
        "duplicate id",
    ),
    (
        "figure-event",
        "figures",
        replace("t-juliaca,s-two", "t-nowhere,s-two"),
        "source_figures.csv:3:event_id",
        "not in incidents.csv",
    ),
    (
        "figure-measure",
        "figures",
        replace("fatalities,9", "deaths,9"),
        "source_figures.csv:2:measure",
        "unknown value",
    ),
    (
        "figure-source-not-cited",
        "figures",
        append("t-strike,s-two,injured,3,2023-01-10,,\n"),
        "source_figures.csv:4:source_id",
        "not cited by incident 't-strike'",
    ),
    (
        "figure-as-of-after-publication",
        "figures",
        replace("fatalities,17,2023-01-10", "fatalities,17,2023-01-14"),
        "source_figures.csv:3:as_of",
        "after 's-two' was published (2023-01-13)",
    ),
    (
        "figure-counts",
        "figures",
        replace("early count,", "early count,all"),
        "source_figures.csv:2:counts",
        "expected one of: incident, wider",
    ),
    ("empty-file", "sources.csv", lambda raw: b"", "sources.csv:1:-", "empty"),
]

FILE_NAMES = {"figures": "source_figures.csv"}


@pytest.mark.parametrize(("file", "edit", "where", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_rejection_reason_is_reported_with_file_row_column(
    tiny_dataset: Path, file: str, edit: Edit, where: str, words: str
) -> None:
    path = tiny_dataset / FILE_NAMES.get(file, file)
    path.write_bytes(edit(path.read_bytes()))
    report = validate_dataset(tiny_dataset)
    assert not report.ok
    hits = [p for p in report.problems if str(p).startswith(where) and words in p.reason]
    assert hits, f"expected {where} ... {words!r}; got:\n" + "\n".join(map(str, report.problems))


def test_tiny_fixture_is_valid(tiny_dataset: Path) -> None:
    report = validate_dataset(tiny_dataset)
    assert report.problems == []
    assert report.rows_in("incidents") == 3


def test_bundled_dataset_is_valid() -> None:
    report = validate_dataset(default_data_dir())
    assert report.problems == [], "\n".join(map(str, report.problems))
    assert report.rows_in("incidents") >= 100


def test_all_problems_are_reported_not_only_the_first(tiny_dataset: Path) -> None:
    path = tiny_dataset / "incidents.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("2023-01-09", "2023-13-09").replace(",strike,", ",riot,").replace(",46,", ",-1,")
    path.write_text(text, encoding="utf-8")
    report = validate_dataset(tiny_dataset)
    columns = {(p.row, p.column) for p in report.problems}
    assert {(2, "event_date"), (3, "event_type"), (4, "blockade_points")} <= columns


def test_rows_in_equal_rows_used_plus_rows_rejected(tiny_dataset: Path) -> None:
    path = tiny_dataset / "incidents.csv"
    text = path.read_text(encoding="utf-8").replace(",strike,", ",riot,") + "\n"
    path.write_text(text, encoding="utf-8")  # one bad type, one trailing blank line
    report = validate_dataset(tiny_dataset)
    assert report.rows_in("incidents") == 4
    assert report.rows_rejected("incidents") == 2
    assert report.rows_used("incidents") + report.rows_rejected("incidents") == report.rows_in("incidents")
    assert "4 in, 2 used, 2 rejected" in report.summary()


def test_validating_a_csv_path_reads_its_siblings(tiny_dataset: Path) -> None:
    assert validate_dataset(tiny_dataset / "incidents.csv").ok


def test_missing_file_is_a_problem_not_a_crash(tiny_dataset: Path) -> None:
    (tiny_dataset / "source_figures.csv").unlink()
    report = validate_dataset(tiny_dataset)
    assert any(p.file == "source_figures.csv" and "cannot read" in p.reason for p in report.problems)
