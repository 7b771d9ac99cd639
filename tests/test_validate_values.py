"""Validation of places against the gazetteer, of counts, coordinates and text, and row accounting."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import protestmap
from protestmap import validate_dataset
from protestmap.dataset.load import default_data_dir
from protestmap.dataset.validate import ValidationReport
from protestmap.errors import InvalidIncidentError

Edit = Callable[[bytes], bytes]
FILES = {"incidents": "incidents.csv", "sources": "sources.csv", "figures": "source_figures.csv"}


def replace(old: str, new: str) -> Edit:
    def edit(raw: bytes) -> bytes:
        assert old.encode() in raw, f"fixture no longer contains {old!r}"
        return raw.replace(old.encode(), new.encode(), 1)

    return edit


def balanced(report: ValidationReport) -> None:
    for role in FILES:
        used, rejected = report.rows_used(role), report.rows_rejected(role)
        assert 0 <= rejected <= report.rows_in(role)
        assert used + rejected == report.rows_in(role), report.summary()


JULIACA = "Juliaca,Puno,San Román,Juliaca,211101,-15.4839,-70.1333"
NOTE = "A made-up test row."

# (id, role, edit, exact file:row:column, words in the reason)
CASES: list[tuple[str, str, Edit, str, str]] = [
    # 2: places checked against the gazetteer
    (
        "district-typo",
        "incidents",
        replace(",Juliaca,211101", ",Juliacaa,211101"),
        "incidents.csv:2:admin3",
        "does not match ubigeo 211101",
    ),
    (
        "province-typo",
        "incidents",
        replace("San Román", "San Ramon"),
        "incidents.csv:2:admin2",
        "does not match ubigeo 211101",
    ),
    ("ubigeo-not-in-gazetteer", "incidents", replace("211101", "219999"), "incidents.csv:2:ubigeo", "not an INEI code"),
    (
        "province-code-not-in-gazetteer",
        "incidents",
        replace("San Román,Juliaca,211101", "San Román,,2199"),
        "incidents.csv:2:ubigeo",
        "not an INEI code",
    ),
    (
        "name-only-typo",
        "incidents",
        replace(JULIACA, "Juliaca,Puno,San Román,Juliacaa,,,"),
        "incidents.csv:2:admin3",
        "cannot place",
    ),
    # 3: counts
    (
        "count-int64",
        "incidents",
        replace(",17,", ",9223372036854775807,"),
        "incidents.csv:2:fatalities",
        "above the largest count",
    ),
    (
        "count-huge",
        "incidents",
        replace(",17,", "," + "9" * 5000 + ","),
        "incidents.csv:2:fatalities",
        "above the largest count",
    ),
    (
        "count-over-bound",
        "incidents",
        replace(",17,", ",1000001,"),
        "incidents.csv:2:fatalities",
        "above the largest count",
    ),
    ("count-arabic-indic", "incidents", replace(",17,", ",١٧,"), "incidents.csv:2:fatalities", "ASCII digits"),
    ("count-full-width", "incidents", replace(",17,", ",１７,"), "incidents.csv:2:fatalities", "ASCII digits"),
    ("count-underscore", "incidents", replace(",17,", ",1_7,"), "incidents.csv:2:fatalities", "ASCII digits"),
    ("count-exponent", "incidents", replace(",17,", ",1e1,"), "incidents.csv:2:fatalities", "whole number"),
    ("count-float", "incidents", replace(",17,", ",17.0,"), "incidents.csv:2:fatalities", "whole number"),
    ("count-plus", "incidents", replace(",17,", ",+17,"), "incidents.csv:2:fatalities", "whole number"),
    (
        "figure-value-arabic",
        "figures",
        replace("fatalities,9,", "fatalities,٩,"),
        "source_figures.csv:2:value",
        "ASCII digits",
    ),
    (
        "precision-full-width",
        "incidents",
        replace("-70.1333,1,", "-70.1333,１,"),
        "incidents.csv:2:geo_precision",
        "ASCII digits",
    ),
    # 3: coordinates
    ("lat-nan", "incidents", replace("-15.4839", "nan"), "incidents.csv:2:latitude", "decimal degrees"),
    ("lat-inf", "incidents", replace("-15.4839", "-inf"), "incidents.csv:2:latitude", "decimal degrees"),
    ("lat-underscore", "incidents", replace("-15.4839", "-1_5.4839"), "incidents.csv:2:latitude", "decimal degrees"),
    ("lat-full-width", "incidents", replace("-15.4839", "-１5.4839"), "incidents.csv:2:latitude", "decimal degrees"),
    ("lon-exponent", "incidents", replace("-70.1333", "-7.01333e1"), "incidents.csv:2:longitude", "decimal degrees"),
    ("lat-out-of-range", "incidents", replace("-15.4839", "-95.1"), "incidents.csv:2:latitude", "not a latitude"),
    # 4: sources, control characters, formulas
    (
        "source-ids-only-separator",
        "incidents",
        replace("s-one;s-two", ";"),
        "incidents.csv:2:source_ids",
        "names no source",
    ),
    (
        "source-ids-separators",
        "incidents",
        replace("s-one;s-two", " ; ; "),
        "incidents.csv:2:source_ids",
        "names no source",
    ),
    ("nul", "incidents", replace(NOTE, "A\x00row"), "incidents.csv:2:notes", "U+0000"),
    ("ansi-escape", "incidents", replace(NOTE, "\x1b[31mred"), "incidents.csv:2:notes", "U+001B"),
    ("right-to-left-override", "incidents", replace(NOTE, "txt.\u202eexe"), "incidents.csv:2:notes", "U+202E"),
    ("tab", "sources", replace("A title", "\tA title"), "sources.csv:2:title", "U+0009"),
    ("hyperlink", "incidents", replace(NOTE, '"=HYPERLINK(""http://x"",""y"")"'), "incidents.csv:2:notes", "formula"),
    ("plus", "incidents", replace(",Police,", ",+Police,"), "incidents.csv:2:actor1", "formula"),
    ("minus", "incidents", replace(",Police,", ",-Police,"), "incidents.csv:2:actor1", "formula"),
    ("at", "sources", replace("Test Outlet", "@SUM(A1)"), "sources.csv:2:outlet", "formula"),
    ("spaced-equals", "figures", replace("early count", " =1+1"), "source_figures.csv:2:note", "formula"),
    (
        "location-formula",
        "incidents",
        replace(",Juliaca,Puno,", ",=cmd|' /C calc'!A0,Puno,"),
        "incidents.csv:2:location",
        "formula",
    ),
    # 4: CSV structure; every record is counted and reading goes on
    ("stray-quote", "incidents", replace(NOTE, '"A made-up test row.'), "incidents.csv:2:-", "malformed CSV"),
    ("quote-after-quote", "incidents", replace(NOTE, '"A made-up" test row.'), "incidents.csv:2:-", "malformed CSV"),
    ("field-over-limit", "incidents", replace(NOTE, "x" * 200_000), "incidents.csv:2:-", "field limit"),
]


@pytest.mark.parametrize(("role", "edit", "where", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_defect_is_named_by_file_row_column_and_rows_balance(
    tiny_dataset: Path, role: str, edit: Edit, where: str, words: str
) -> None:
    path = tiny_dataset / FILES[role]
    path.write_bytes(edit(path.read_bytes()))
    report = validate_dataset(tiny_dataset)
    hits = [p for p in report.problems if f"{p.file}:{p.row}:{p.column}" == where and words in p.reason]
    assert hits, f"expected {where} ... {words!r}; got:\n" + "\n".join(map(str, report.problems))
    balanced(report)
    original = len((Path(__file__).parent / "fixtures" / "tiny" / FILES[role]).read_text(encoding="utf-8").splitlines())
    assert report.rows_in(role) == original - 1, "every record is counted, whatever its defect"
    assert report.rows_rejected(role) == 1, report.summary()
    with pytest.raises(InvalidIncidentError):
        protestmap.load_incidents(tiny_dataset)


@pytest.mark.parametrize(
    "edit",
    [
        replace("San Román", "SAN ROMAN"),
        replace(",Juliaca,211101", ",juliaca,211101"),
        replace("s-one;s-two", "s-one;;s-two"),
        replace(NOTE, "Between -5 and +3 degrees; =not a formula here."),
    ],
    ids=["case-and-accents", "district-lower-case", "empty-entry-among-sources", "signs-inside-text"],
)
def test_harmless_variants_still_validate(tiny_dataset: Path, edit: Edit) -> None:
    path = tiny_dataset / "incidents.csv"
    path.write_bytes(edit(path.read_bytes()))
    report = validate_dataset(tiny_dataset)
    assert report.problems == [], "\n".join(map(str, report.problems))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0), ("17", 17), ("007", 7), (" 12 ", 12), ("1000000", 1_000_000), ("", None)],
)
def test_the_loader_reads_what_validate_accepts(tiny_dataset: Path, value: str, expected: int | None) -> None:
    path = tiny_dataset / "incidents.csv"
    path.write_bytes(replace(",17,", f",{value},")(path.read_bytes()))
    assert validate_dataset(tiny_dataset).ok
    value = protestmap.load_incidents(tiny_dataset).loc[0, "fatalities"]
    assert (None if pd.isna(value) else int(value)) == expected


def test_national_totals_cannot_overflow(tiny_dataset: Path) -> None:
    path = tiny_dataset / "incidents.csv"
    path.write_bytes(replace(",17,", ",1000000,")(path.read_bytes()))
    loaded = protestmap.load_incidents(tiny_dataset)
    assert int(loaded["fatalities"].sum()) == 1_000_000


def test_stray_quote_costs_one_record_and_later_defects_are_found(tiny_dataset: Path) -> None:
    path = tiny_dataset / "incidents.csv"
    raw = replace(NOTE, '"A made-up test row.')(path.read_bytes())
    path.write_bytes(replace(",46,", ",x,")(raw))
    report = validate_dataset(tiny_dataset)
    where = {f"{p.file}:{p.row}:{p.column}" for p in report.problems}
    assert {"incidents.csv:2:-", "incidents.csv:4:blockade_points"} <= where
    assert "incidents.csv: 3 in, 1 used, 2 rejected" in report.summary()


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    for name in FILES.values():
        shutil.copy(default_data_dir() / name, target / name)
    return target


def test_bundled_file_with_a_stray_quote_still_counts_every_row(bundled_copy: Path) -> None:
    path = bundled_copy / "incidents.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    total = len(lines) - 1
    lines[2] = lines[2].replace(",", ',"', 1)  # an opening quote in the middle of row 3
    lines[100] = lines[100].replace(",1,", ",9,", 1)  # and a later defect on row 101
    path.write_text("".join(lines), encoding="utf-8")
    report = validate_dataset(bundled_copy)
    rows = {p.row for p in report.problems if p.file == "incidents.csv"}
    assert 3 in rows and 101 in rows, "\n".join(map(str, report.problems))
    assert report.rows_in("incidents") == total
    balanced(report)


@pytest.mark.parametrize(
    ("role", "edit", "where"),
    [
        ("incidents", lambda raw: b"\xef\xbb\xbf" + raw, "incidents.csv:1:-"),
        ("incidents", replace(",notes\n", ",notes,notes\n"), "incidents.csv:1:notes"),
        ("sources", replace("source_id,kind,", "source_id,"), "sources.csv:1:kind"),
        ("sources", lambda raw: raw.replace(b",", b";"), "sources.csv:1:-"),
        ("figures", replace("measure,value", "measure,amount"), "source_figures.csv:1:value"),
    ],
    ids=["bom", "duplicate-column", "missing-column", "wrong-delimiter", "renamed-column"],
)
def test_a_header_problem_rejects_every_row_of_the_file(tiny_dataset: Path, role: str, edit: Edit, where: str) -> None:
    path = tiny_dataset / FILES[role]
    path.write_bytes(edit(path.read_bytes()))
    report = validate_dataset(tiny_dataset)
    assert any(str(p).startswith(where) for p in report.problems), "\n".join(map(str, report.problems))
    assert report.rows_in(role) > 0
    assert report.rows_used(role) == 0
    assert f"{FILES[role]}: {report.rows_in(role)} in, 0 used, {report.rows_in(role)} rejected" in report.summary()
    balanced(report)


def test_invalid_utf8_on_several_lines_is_reported_on_each(tiny_dataset: Path) -> None:
    path = tiny_dataset / "incidents.csv"
    raw = path.read_bytes().replace(b"A made-up", b"A m\xe1de-up").replace(b"Another", b"An\xf3ther")
    path.write_bytes(raw)
    report = validate_dataset(tiny_dataset)
    assert {str(p)[: len("incidents.csv:2:-")] for p in report.problems if "UTF-8" in p.reason} == {
        "incidents.csv:2:-",
        "incidents.csv:3:-",
    }
    balanced(report)


def test_bundled_dataset_places_agree_with_the_gazetteer() -> None:
    report = validate_dataset(default_data_dir())
    assert report.ok, "\n".join(map(str, report.problems))
    balanced(report)
