"""One definition of a valid count, coordinate and safe text, shared by validate, loader and ACLED import."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from protestmap.cli.app import app
from protestmap.dataset import schema
from protestmap.errors import InvalidValueError
from protestmap.interchange.export import export_incidents

ACLED = Path(__file__).parent / "fixtures" / "acled"
ROW = ",Outlet A,National,Invented test row.,5,,1673300000"
runner = CliRunner()

BAD_COUNTS = ["-1", "2.9", "nan", "inf", "1e20", "1_3", "١٢", "１２", "+3", "0x1F", "9223372036854775807", "1000001"]


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("17", 17), (" 42 ", 42), ("", None), ("1000000", 1_000_000)])
def test_parse_count_accepts_ascii_whole_numbers(text: str, expected: int | None) -> None:
    assert schema.parse_count(text) == expected


@pytest.mark.parametrize("text", [*BAD_COUNTS, "2.0"])
def test_parse_count_refuses_everything_else(text: str) -> None:
    with pytest.raises(InvalidValueError):
        schema.parse_count(text)


@pytest.mark.parametrize(("text", "expected"), [("2.0", 2), ("3", 3), ("0.00", 0)])
def test_acled_counts_may_be_whole_floats(text: str, expected: int) -> None:
    assert schema.parse_count(text, acled=True) == expected


@pytest.mark.parametrize("text", BAD_COUNTS)
def test_acled_counts_are_never_truncated(text: str) -> None:
    with pytest.raises(InvalidValueError):
        schema.parse_count(text, acled=True)


@pytest.mark.parametrize(("text", "expected"), [("-15.4839", -15.4839), ("-70", -70.0), ("0.5", 0.5), ("", None)])
def test_parse_coordinate_accepts_decimal_degrees(text: str, expected: float | None) -> None:
    assert schema.parse_coordinate(text, axis="latitude") == expected


@pytest.mark.parametrize(
    "text", ["nan", "inf", "-inf", "1e1", "-1_5.4", "-１5.4", "٣", "--1", "1.", ".5", "91", "-90.5"]
)
def test_parse_coordinate_refuses_everything_else(text: str) -> None:
    with pytest.raises(InvalidValueError):
        schema.parse_coordinate(text, axis="latitude")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tab", "\ufffdab"),
        (" =1+1", "' =1+1"),
        ("a\x1b[31mb", "a\ufffd[31mb"),
        ("txt\u202eexe", "txt\ufffdexe"),
        ("plain - text", "plain - text"),
        (-15.4839, -15.4839),
        (3, 3),
    ],
)
def test_neutralise_makes_formulas_and_controls_inert(value: object, expected: object) -> None:
    assert schema.neutralise(value) == expected


def test_text_problem_names_the_character() -> None:
    assert "U+202E" in (schema.text_problem("a\u202eb") or "")
    assert "formula" in (schema.text_problem(" =1+1") or "")
    assert schema.text_problem("Between -5 and +3") is None


def _acled(tmp_path: Path, old: str, new: str) -> Path:
    text = (ACLED / "current.csv").read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "current.csv"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    return broken


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        *[
            (ROW, ROW.replace(",5,", f",{bad},"), "current.csv:2:fatalities")
            for bad in ["2.9", "nan", "inf", "1e20", "-1", "1_3", "٣"]
        ],
        (",-15.4997,", ",nan,", "current.csv:2:latitude"),
        (",-15.4997,", ",-1_5.4997,", "current.csv:2:latitude"),
        (",-70.1333,1,", ",-70.1333,1.5,", "current.csv:2:geo_precision"),
        (",2,Outlet C,", ",7,Outlet C,", "current.csv:4:geo_precision"),
        (",Invented test row.,5,", ",=HYPERLINK(1),5,", "current.csv:2:notes"),
        (",Outlet A,", ",Outlet\x00A,", "current.csv:2:source"),
    ],
)
def test_bad_acled_values_are_row_errors_and_nothing_is_written(tmp_path: Path, old: str, new: str, where: str) -> None:
    broken = _acled(tmp_path, old, new)
    out = tmp_path / "never"
    result = runner.invoke(app, ["import", "acled", str(broken), "--out", str(out)])
    assert result.exit_code == 1
    assert where in result.output, result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_acled_whole_float_fatalities_are_imported(tmp_path: Path) -> None:
    source = _acled(tmp_path, ROW, ROW.replace(",5,", ",5.0,"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["import", "acled", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    incidents = pd.read_csv(out / "incidents.csv", dtype=str).set_index("event_id")
    assert incidents.loc["PER1001", "fatalities"] == "5"


def test_acled_export_neutralises_formulas(tiny_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import protestmap.interchange.acled

    original = protestmap.interchange.acled.to_acled_rows

    def hostile(incidents: object, sources: object) -> list[dict[str, object]]:
        rows = original(incidents, sources)
        rows[0].update(notes='=HYPERLINK("http://x")', actor1="@cmd", source="a\x1bb")
        return rows

    monkeypatch.setattr(protestmap.interchange.acled, "to_acled_rows", hostile)
    path, count = export_incidents("acled", tmp_path / "acled.csv", data=tiny_dataset)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert count == len(table) == 3
    first = table.iloc[0]
    assert first["notes"] == '\'=HYPERLINK("http://x")'
    assert first["actor1"] == "'@cmd"
    assert first["source"] == "a\ufffdb"
    assert table["latitude"].iloc[0].startswith("-"), "numbers are not touched"
