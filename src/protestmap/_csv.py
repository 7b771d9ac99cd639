"""Strict reading of the dataset's CSV files, reporting every defect by file, row and column."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

_BOM = b"\xef\xbb\xbf"
_OTHER_DELIMITERS = (";", "\t", "|")


@dataclass(frozen=True, order=True)
class Problem:
    """One defect in a data file.

    Attributes
    ----------
    file
        The file's name as given.
    row
        The 1-based line on which the record starts (the header is line 1; 0 for the whole file).
    column
        The column concerned, or ``-`` when the problem is the record or the file as a whole.
    reason
        What is wrong, in words a researcher can act on.
    """

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.reason}"


@dataclass
class Table:
    """The records of one CSV file, each with the line number on which it starts.

    Attributes
    ----------
    path
        Where the file was read from.
    header
        The column names found in the file.
    records
        ``(line, {column: value})`` for each record whose field count matched the header.
    rows_in
        How many records the file holds (blank lines count as records, since they are rejected).
    problems
        Defects found while reading.
    """

    path: Path
    header: list[str] = field(default_factory=list)
    records: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    rows_in: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The file name used in problem reports."""
        return self.path.name


def _decode(raw: bytes, table: Table) -> str:
    if raw.startswith(_BOM):
        table.problems.append(
            Problem(
                table.name,
                1,
                "-",
                "file starts with a UTF-8 byte-order mark; save as UTF-8 without BOM",
            )
        )
        raw = raw[len(_BOM) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1].hex()
        table.problems.append(
            Problem(table.name, line, "-", f"not valid UTF-8 (byte 0x{byte}); re-save the file as UTF-8")
        )
        return raw.decode("utf-8", errors="replace")


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


def read_table(path: Path, expected: Sequence[str]) -> Table:
    """Read a CSV file strictly, collecting every defect instead of stopping at the first.

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
        the header are reported and left out of ``records``.
    """
    table = Table(path=path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        table.problems.append(Problem(table.name, 0, "-", f"cannot read file: {exc.strerror}"))
        return table
    text = _decode(raw, table)
    if not text.strip():
        table.problems.append(Problem(table.name, 1, "-", "file is empty; a header row is required"))
        return table
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        table.header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        table.problems.append(Problem(table.name, 1, "-", f"malformed CSV header: {exc}"))
        return table
    _check_header(table.header, expected, table)
    width = len(table.header)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.rows_in += 1
            table.problems.append(Problem(table.name, start, "-", f"malformed CSV: {exc}"))
            break
        table.rows_in += 1
        if not record or all(not value.strip() for value in record):
            table.problems.append(Problem(table.name, start, "-", "blank line; delete it"))
            continue
        if len(record) != width:
            reason = f"expected {width} fields as in the header, found {len(record)}"
            table.problems.append(Problem(table.name, start, "-", reason))
            continue
        values = dict(zip(table.header, record, strict=True))
        for column, value in values.items():
            if "\n" in value or "\r" in value:
                reason = "line break inside a quoted field; keep each record on one line"
                table.problems.append(Problem(table.name, start, column, reason))
        table.records.append((start, values))
    return table
