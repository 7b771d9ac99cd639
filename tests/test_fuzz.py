"""Regressions found by fuzzing validate, stats and render on mutated datasets."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from protestmap import schema
from protestmap.validate import validate_dataset

PROBLEM = re.compile(r"^[^:\n]+:\d+:[^:\n]+: [^\n]+$")
CONTROL = re.compile(schema.CONTROL_PATTERN)


# --- regressions found by the properties above ------------------------------------------------------


def test_an_empty_column_name_is_reported_as_dash(tiny_dataset: Path) -> None:
    path = tiny_dataset / "source_figures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",as_of,note\n", ",,\n", 1), encoding="utf-8")
    lines = [str(p) for p in validate_dataset(tiny_dataset).problems]
    assert any("duplicate column" in line for line in lines), lines
    for line in lines:
        assert PROBLEM.match(line), repr(line)


@pytest.mark.parametrize("name", ["\ufeffsource_id", "\x1b[2J\x1b[31mred", "a:b", "two\nlines", "\u202eseton"])
def test_a_strange_header_name_is_reported_on_one_plain_line(tiny_dataset: Path, name: str) -> None:
    """A header cell is shown escaped, never raw: no ANSI escapes, BOMs, colons or line breaks in FILE:ROW:COLUMN."""
    path = tiny_dataset / "sources.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[0][-1] = name  # the column "notes" renamed
    rows[1][-1] = "bell\x07"  # and a problem in a cell of that column
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    lines = [str(p) for p in validate_dataset(tiny_dataset).problems]
    assert "sources.csv:1:notes: missing column" in lines
    for line in lines:
        assert PROBLEM.match(line) and not CONTROL.search(line), repr(line)
    assert any(repr(name) in line and "unknown column" in line for line in lines), lines
    assert any(repr(name) in line and "U+0007" in line for line in lines), lines
