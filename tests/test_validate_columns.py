"""The one-pass reader and the column checks agree with the record-by-record reader, cell for cell."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protestmap.dataset import _fastcsv, schema
from protestmap.dataset._columns import Columns
from protestmap.dataset._csv import Table, read_records, read_table
from protestmap.dataset._fastcsv import WHITESPACE, blank, read_clean, text_after_quotes, trim
from protestmap.pipeline import load_dataset

TINY = Path(__file__).parent / "fixtures" / "tiny"
HEADER = "a,b,c\n"
# Pieces that exercise quoting, line ends, blank records, whitespace and encoding.
PIECES = ["x", "1", " ", ",", '"', '""', "\n", "\r\n", "\r", "\u00a0", "\x1c", "é", "\ufeff", "\x00", '"q,"', "=", "\t"]


def test_whitespace_is_every_character_python_strips() -> None:
    everything = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert everything == WHITESPACE


@pytest.mark.parametrize("value", ["", " ", "a", " a ", "\u00a0a\u3000", "\x1c\x1fa", "é", "a\u2029", "\u2029"])
def test_trim_and_blank_match_str_strip(value: str) -> None:
    values = pa.chunked_array([pa.array([value, "z"]), pa.array([value])])
    assert trim(values).to_pylist() == [value.strip(), "z", value.strip()]
    assert blank(values).tolist() == [not value.strip(), False, not value.strip()]


def _same(fast: Table, slow: Table) -> None:
    assert fast.rows_in == slow.rows_in
    assert fast.problems == slow.problems
    assert fast.header == slow.header
    assert fast.data.to_pylist() == slow.data.to_pylist()
    assert fast.lines.tolist() == slow.lines.tolist()
    assert fast.starts.tolist() == slow.starts.tolist()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(st.sampled_from(PIECES), max_size=40), raw=st.sampled_from([b"", b"\xf3", b"\xef\xbb\xbf"]))
def test_one_pass_reading_equals_record_by_record_reading(tmp_path: Path, body: list[str], raw: bytes) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(raw + (HEADER + "".join(body)).encode())
    _same(read_table(path, ("a", "b", "c")), read_records(path, ("a", "b", "c")))


# The rule text_after_quotes implements, as the regular expression the scan used before: a run of
# quotes followed by text, odd inside a field or even at the start of one.
AFTER_QUOTE = re.compile(rb'"(?:(?<=[^,\r\n"]")(?:"")*|(?<=[,\r\n]")(?:"")*")[^",\r\n]')


@settings(max_examples=500, deadline=None)
@given(
    raw=st.lists(st.sampled_from([b'"', b",", b"\n", b"\r", b"a"]), max_size=30),
    cut=st.tuples(st.integers(0, 30), st.integers(0, 30)),
)
def test_quote_runs_followed_by_text_are_found_where_the_regex_finds_them(
    raw: list[bytes], cut: tuple[int, int]
) -> None:
    buffer = b"".join(raw)
    start, stop = min(cut[0], len(buffer)), min(max(cut), len(buffer))
    expected = [m.start() for m in AFTER_QUOTE.finditer(buffer, start, stop)]
    assert text_after_quotes(bytearray(buffer), start, stop).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(body=st.lists(st.sampled_from(PIECES), max_size=40), size=st.integers(1, 9))
def test_the_scan_counts_the_same_in_tiny_reads_as_in_one(body: list[str], size: int) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes((HEADER + "".join(body)).encode())
        whole = _fastcsv._scan(path)
        chunk = _fastcsv._CHUNK
        try:
            _fastcsv._CHUNK = size  # lines now span many reads, and some are longer than the buffer
            assert _fastcsv._scan(path) == whole
        finally:
            _fastcsv._CHUNK = chunk


def test_clean_files_take_the_one_pass_path_and_damaged_ones_do_not(tmp_path: Path) -> None:
    assert read_clean(TINY / "incidents.csv", field_limit=131072) is not None
    for damage in ['"x" y', '"open', "x,y", "a\rb"]:
        path = tmp_path / "t.csv"
        path.write_text(HEADER + f"1,2,{damage}\n", encoding="utf-8")
        assert read_clean(path, field_limit=131072) is None, damage


def test_a_field_over_the_csv_limit_is_reported_as_before(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "1,2," + "x" * 200 + "\n3,4,5\n", encoding="utf-8")
    assert read_clean(path, field_limit=100) is None
    assert read_clean(path, field_limit=200) is not None


def _chunked(rows: list[dict[str, str]], size: int) -> Table:
    """A table whose columns come in several chunks, as pyarrow reads a large file."""
    parts = [pa.Table.from_pylist(rows[i : i + size]) for i in range(0, len(rows), size)]
    table = Table(path=Path("t.csv"), header=list(rows[0]))
    table.data = pa.concat_tables(parts)
    table.lines = np.arange(2, len(rows) + 2)
    table.rows_in, table.starts = len(rows), table.lines
    return table


def test_checks_find_defects_in_any_chunk_on_the_right_line() -> None:
    rows = [{"id": f"r{i}", "note": "fine", "n": str(i % 7)} for i in range(50)]
    rows[23]["note"] = "bad\u202e"
    rows[41]["id"] = "r3"
    rows[45]["n"] = "١"
    rows[12]["note"] = " =1+1"
    out: list = []
    c = Columns(_chunked(rows, 10), out)
    assert c.table.data.column("note").num_chunks == 5
    c.text(frozenset({"n"}))
    c.duplicates("id", c.identifier("id"))
    c.integer("n")
    assert sorted((p.row, p.column) for p in out) == [(14, "note"), (25, "note"), (43, "id"), (47, "n")]
    assert "first on row 5" in next(p.reason for p in out if p.column == "id")


VALUES = ["3", " 3", "03", "", " ", "x", "-1", "1e3", "99999999", "2023-01-09", "2023-02-30", "1996-12-31", "\u0661"]
VALUE_CHECKS = {"integer": lambda c: c.integer("v", allowed=(0, 1, 3)), "date": lambda c: c.date("v")}


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(st.sampled_from(VALUES), min_size=1, max_size=30), size=st.integers(1, 7))
@pytest.mark.parametrize("check", VALUE_CHECKS.values(), ids=VALUE_CHECKS.keys())
def test_value_checks_give_each_row_what_its_cell_alone_gives(check: Callable, cells: list[str], size: int) -> None:
    out: list = []
    got = check(Columns(_chunked([{"v": cell} for cell in cells], size), out)).tolist()
    alone, expected = [], []
    for row, cell in enumerate(cells, start=2):
        one: list = []
        alone.append(check(Columns(_chunked([{"v": cell}], 1), one)).tolist()[0])
        expected += [(row, p.column, p.reason) for p in one]
    assert got == alone
    assert sorted((p.row, p.column, p.reason) for p in out) == sorted(expected)


@pytest.mark.parametrize("impossible", [[], ["2023-02-30"]], ids=["arrow-cast", "cut-out-parts"])
def test_dates_read_the_same_whether_or_not_every_date_is_real(impossible: list[str]) -> None:
    cells = ["2023-01-09", " 2022-12-07 ", "", "2024-02-29", "2023-1-9", "0000-01-01", "1996-12-31", *impossible]
    out: list = []
    keys = Columns(_chunked([{"d": cell} for cell in cells], 3), out).date("d")
    assert keys.tolist()[:7] == [20230109, 20221207, -1, 20240229, -1, -1, -1]
    assert keys.tolist()[7:] == [-1] * len(impossible)
    reasons = {p.row: p.reason for p in out}
    expected_rows = [6, 7, 8, *(9 for _ in impossible)]
    assert sorted(reasons) == expected_rows
    assert "not a real date" in reasons[6] and "not a real date" in reasons[7]
    assert "outside 1997-01-01..2025-12-31" in reasons[8]


@pytest.mark.parametrize("chunk", [pa.array(["a", "", " ", "b", ""]), pa.array(["x", "a", "", None, "b", ""]).slice(1)])
def test_loader_marks_empty_text_missing_with_or_without_copying(chunk: pa.Array) -> None:
    from protestmap.dataset.load import _empty_as_missing

    marked = _empty_as_missing(chunk)
    marked.validate(full=True)
    expected = [None if value == "" else value for value in chunk.to_pylist()]
    assert marked.to_pylist() == expected


def test_loader_types_are_unchanged() -> None:
    incidents, sources, figures = load_dataset(TINY)
    expected = {
        "event_date": "datetime64[us]",
        "fatalities": "Int64",
        "geo_precision": "Int64",
        "latitude": "Float64",
        "ubigeo": "string",
        "notes": "string",
    }
    assert {k: str(incidents[k].dtype) for k in expected} == expected
    assert str(sources["published"].dtype) == "datetime64[us]"
    assert str(figures["value"].dtype) == "Int64"
    assert incidents["end_date"].isna().tolist() == [True, False, True]
    assert incidents["latitude"].isna().tolist() == [False, True, True]


def test_validated_table_is_what_the_loader_reads(tmp_path: Path) -> None:
    """Padding and empty cells are read as validate saw them: stripped, empty meaning missing."""
    path = tmp_path / "incidents.csv"
    for name in ("sources.csv", "source_figures.csv"):
        (tmp_path / name).write_bytes((TINY / name).read_bytes())
    path.write_text(
        (TINY / "incidents.csv").read_text(encoding="utf-8").replace(",17,", ", 17\u00a0,"), encoding="utf-8"
    )
    incidents = load_dataset(tmp_path)[0]
    assert incidents.loc[0, "fatalities"] == 17
    assert tuple(incidents.columns[:-1]) == schema.INCIDENT_COLUMNS


def test_loader_reuses_the_stripped_columns_with_the_same_result(tmp_path: Path) -> None:
    import dataclasses

    from protestmap.dataset.load import _frame
    from protestmap.dataset.validate import validate_dataset

    for name in ("sources.csv", "source_figures.csv"):
        (tmp_path / name).write_bytes((TINY / name).read_bytes())
    text = (TINY / "incidents.csv").read_text(encoding="utf-8")
    (tmp_path / "incidents.csv").write_text(text.replace(",17,", ", 17\u00a0,").replace(",local,", ", local ,"))
    report = validate_dataset(tmp_path)
    assert report.ok and report.columns["incidents"]._stripped, "validation keeps what it stripped"
    reused = _frame(report, "incidents")
    fresh = _frame(dataclasses.replace(report, columns={}), "incidents")
    pd.testing.assert_frame_equal(reused, fresh)
    assert reused.loc[0, "fatalities"] == 17 and reused["scope"].tolist() == ["local", "regional", "national"]


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch):
    """Make pyarrow parse files of a few KB in many blocks, on its threads, as it does large files."""
    import protestmap.dataset._fastcsv as fastcsv

    monkeypatch.setattr(fastcsv, "_BLOCK", 512)
    fastcsv._options.cache_clear()  # the options are cached per header
    yield
    fastcsv._options.cache_clear()


@pytest.mark.usefixtures("small_blocks")
def test_threaded_reading_keeps_row_numbers_across_blocks(tmp_path: Path) -> None:
    rows = [f"r{i},{i},note {i}\n" for i in range(600)]
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    clean = read_clean(path, field_limit=131072)
    assert clean is not None and clean[1].column("a").num_chunks > 10
    fast = read_table(path, ("a", "b", "c"))
    _same(fast, read_records(path, ("a", "b", "c")))
    assert fast.lines.tolist() == list(range(2, 602)) and fast.data.column("a")[599].as_py() == "r599"

    rows[300] = 'r300,300,"a note\nover two lines"\n'  # the record starts on line 302 and ends on 303
    rows[450] = 'r450,450,"quoted" then text\n'  # malformed: strict csv refuses text after a quote
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    assert read_clean(path, field_limit=131072) is None
    damaged = read_table(path, ("a", "b", "c"))
    _same(damaged, read_records(path, ("a", "b", "c")))
    found = {(p.row, p.column, p.reason.split(";")[0].split(":")[0]) for p in damaged.problems}
    assert found == {(302, "c", "line break inside a quoted field"), (453, "-", "malformed CSV")}
    assert damaged.rows_in == 600 and damaged.rejected(damaged.problems) == 2
    assert damaged.lines[damaged.data.column("a").to_pylist().index("r599")] == 602
