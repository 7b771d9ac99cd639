"""Strict reading of the dataset's CSV files, reporting every defect by file, row and column.

A file that parses cleanly (UTF-8 without BOM, one record per line, every record as wide as the
header, quotes well formed) is read in one pass by pyarrow. Anything else is read record by record
with :mod:`csv`, so that a malformed record costs only its own line and reading resumes after it.
Both paths give the same :class:`Table`: the records as a pyarrow table of raw strings, each with
the line on which it starts.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from protestmap.dataset._fastcsv import blank_rows, read_clean
from protestmap.errors import Problem

_BOM = b"\xef\xbb\xbf"
_OTHER_DELIMITERS = (";", "\t", "|")
_UNDECODED = re.compile("[\udc80-\udcff]")


def _no_rows(names: Sequence[str] = ()) -> pa.Table:
    return pa.table({name: pa.array([], pa.string()) for name in dict.fromkeys(names)})


def _no_lines() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass
class Table:
    """The records of one CSV file, each with the line number on which it starts.

    Attributes
    ----------
    path
        Where the file was read from.
    header
        The column names found in the file.
    data
        The records whose field count matched the header, one string column per distinct header
        name (the last one wins when a name repeats), values exactly as written.
    lines
        The line on which each record of ``data`` starts.
    rows_in
        How many records the file holds (blank lines and malformed lines count as records, since
        they are rejected).
    problems
        Defects found while reading.
    starts
        The line on which each of the ``rows_in`` records starts, in increasing order.
    """

    path: Path
    header: list[str] = field(default_factory=list)
    data: pa.Table = field(default_factory=_no_rows)
    lines: np.ndarray = field(default_factory=_no_lines)
    rows_in: int = 0
    problems: list[Problem] = field(default_factory=list)
    starts: np.ndarray = field(default_factory=_no_lines)

    @property
    def name(self) -> str:
        """The file name used in problem reports."""
        return self.path.name

    @property
    def records(self) -> list[tuple[int, dict[str, str]]]:
        """``(line, {column: value})`` for each record of ``data``, for row-by-row consumers."""
        rows = self.data.to_pylist()
        return list(zip(self.lines.tolist(), rows, strict=True))

    def rejected(self, problems: Sequence[Problem]) -> int:
        """Count the records of this file that ``problems`` reject.

        A problem with the file as a whole or with its header (row 0 or 1) rejects every record:
        the columns cannot be trusted, so no row is counted as used. Otherwise each record with at
        least one problem (on any of its lines) is rejected once.

        Parameters
        ----------
        problems
            Problems of any file; only this file's are counted.

        Returns
        -------
        int
            How many records are rejected, between 0 and ``rows_in``.
        """
        mine = np.array([p.row for p in problems if p.file == self.name], dtype=np.int64)
        if (mine <= 1).any():
            return self.rows_in
        if not mine.size or not self.starts.size:
            return 0
        return int(np.unique(self.starts[np.searchsorted(self.starts, mine, side="right") - 1]).size)


def _decode(raw: bytes, table: Table) -> str:
    """Decode UTF-8, reporting the first undecodable byte of every line that has one."""
    if raw.startswith(_BOM):
        reason = "file starts with a UTF-8 byte-order mark; save as UTF-8 without BOM"
        table.problems.append(Problem(table.name, 1, "-", reason))
        raw = raw[len(_BOM) :]
    text = raw.decode("utf-8", errors="surrogateescape")
    if _UNDECODED.search(text) is None:
        return text
    for number, line in enumerate(text.split("\n"), start=1):
        bad = _UNDECODED.search(line)
        if bad is not None:
            byte = f"{ord(bad.group()) - 0xDC00:02x}"
            reason = f"not valid UTF-8 (byte 0x{byte}); re-save the file as UTF-8"
            table.problems.append(Problem(table.name, number, "-", reason))
    return _UNDECODED.sub("\ufffd", text)


def _check_header(header: list[str], expected: Sequence[str], table: Table) -> None:
    if len(header) == 1 and any(d in header[0] for d in _OTHER_DELIMITERS):
        sep = next(d for d in _OTHER_DELIMITERS if d in header[0])
        table.problems.append(
            Problem(table.name, 1, "-", f"wrong delimiter: fields are separated by {sep!r}; use commas")
        )
        return
    for name in expected:
        if name not in header:
            table.problems.append(Problem(table.name, 1, name, "missing column"))
    for name in header:
        if name not in expected:
            table.problems.append(Problem(table.name, 1, name or "-", "unknown column"))
    seen: set[str] = set()
    for name in header:
        if name in seen:
            table.problems.append(Problem(table.name, 1, name, "duplicate column"))
        seen.add(name)


class _Lines:
    """Physical lines handed to :func:`csv.reader` one at a time, so reading can resume after an error."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()
        self.next = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        self.next += 1
        return self.lines[self.next - 1]

    def reader(self, line: int) -> Iterator[list[str]]:
        """Start a fresh CSV reader at 1-based ``line``."""
        self.next = line - 1
        return csv.reader(self, strict=True)


@dataclass
class _Kept:
    """Records read one by one, before they become columns."""

    lines: list[int] = field(default_factory=list)
    records: list[list[str]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)


def _record(table: Table, kept: _Kept, start: int, end: int, record: list[str]) -> None:
    """Check one parsed record's shape and keep it when its fields line up with the header."""
    if not record or all(not value.strip() for value in record):
        table.problems.append(Problem(table.name, start, "-", "blank line; delete it"))
        return
    width = len(table.header)
    if len(record) != width:
        reason = f"expected {width} fields as in the header, found {len(record)}"
        table.problems.append(Problem(table.name, start, "-", reason))
        return
    if end > start:
        for column, value in dict(zip(table.header, record, strict=True)).items():
            if "\n" in value or "\r" in value:
                reason = "line break inside a quoted field; keep each record on one line"
                table.problems.append(Problem(table.name, start, column, reason))
    kept.lines.append(start)
    kept.records.append(record)


def _read_records(table: Table, lines: _Lines) -> _Kept:
    """Read every record after the header; a malformed one costs that line only."""
    kept = _Kept()
    reader = lines.reader(2)
    record: list[str] | None
    while True:
        start = lines.next + 1
        try:
            record = next(reader)
        except StopIteration:
            return kept
        except csv.Error as exc:
            record, reason = None, f"malformed CSV: {exc}; reading resumes on the next line"
        else:
            end, width = lines.next, len(table.header)
            runaway = end > start and len(record) != width
            reason = f"malformed CSV: a quote opened on this line is not closed on it (it runs to line {end})"
        kept.starts.append(start)
        if record is None or runaway:
            table.problems.append(Problem(table.name, start, "-", reason))
            reader = lines.reader(start + 1)
            continue
        _record(table, kept, start, end, record)


def _columns(header: Sequence[str], kept: _Kept) -> pa.Table:
    """Turn kept records into one string column per distinct header name (the last one wins)."""
    where = {name: index for index, name in enumerate(header)}
    return pa.table({name: pa.array([r[i] for r in kept.records], pa.string()) for name, i in where.items()})


def read_records(path: Path, expected: Sequence[str]) -> Table:
    """Read a CSV file record by record with :mod:`csv`, whatever its defects.

    Parameters
    ----------
    path
        The CSV file.
    expected
        The column names the file must have (any order).

    Returns
    -------
    Table
        The well-formed records and the problems found.
    """
    table = Table(path=path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        table.problems.append(Problem(table.name, 0, "-", f"cannot read file: {exc.strerror}"))
        return table
    text = _decode(raw, table)
    del raw
    if not text.strip():
        table.problems.append(Problem(table.name, 1, "-", "file is empty; a header row is required"))
        return table
    lines = _Lines(text)
    try:
        table.header = [h.strip() for h in next(lines.reader(1))]
    except csv.Error as exc:
        table.problems.append(Problem(table.name, 1, "-", f"malformed CSV header: {exc}"))
    else:
        _check_header(table.header, expected, table)
    kept = _read_records(table, lines)
    table.data, table.lines = _columns(table.header, kept), np.array(kept.lines, dtype=np.int64)
    table.rows_in, table.starts = len(kept.starts), np.array(kept.starts, dtype=np.int64)
    return table


def read_table(path: Path, expected: Sequence[str]) -> Table:
    """Read a CSV file strictly, collecting every defect instead of stopping at the first.

    A malformed record (a stray quote, a field over the csv module's size limit) is reported on the
    line where it starts, and reading resumes on the next line, so later defects are still found
    and every record is counted. A file without such defects is read in one vectorised pass, with
    the same result.

    Parameters
    ----------
    path
        The CSV file.
    expected
        The column names the file must have (any order).

    Returns
    -------
    Table
        The well-formed records and the problems found. Records whose field count does not match
        the header are reported and left out of ``data``.
    """
    clean = read_clean(path, field_limit=csv.field_size_limit())
    if clean is None:
        return read_records(path, expected)
    header, data = clean
    table = Table(path=path, header=header)
    _check_header(header, expected, table)
    table.rows_in = data.num_rows
    table.starts = np.arange(2, data.num_rows + 2, dtype=np.int64)
    blank = blank_rows(data)
    for line in table.starts[blank].tolist():
        table.problems.append(Problem(table.name, line, "-", "blank line; delete it"))
    table.data, table.lines = data, table.starts
    if blank.any():
        table.data, table.lines = data.filter(pa.array(~blank)), table.starts[~blank]
    return table
