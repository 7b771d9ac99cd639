"""Vectorised checks over the columns of one table, each failing cell reported as a :class:`Problem`.

Every check runs on whole columns with pyarrow and numpy; Python only touches the cells that fail,
to word their problem with the same scalar functions the loader and the ACLED import use, so each
message is exactly what a row-by-row check would write. Values are compared after ``str.strip()``
(see :func:`protestmap.dataset._fastcsv.trim`), as the row-by-row checks did.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from protestmap.dataset import schema
from protestmap.dataset._csv import Problem, Table
from protestmap.dataset._fastcsv import WHITESPACE, CellEnds, any_match, ends, re2_class, trim

__all__ = ["Columns", "encode"]

_ID = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_COUNT = "^[0-9]{1,7}$"
_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_COORDINATE = "^" + schema.COORDINATE_PATTERN + "$"
_AXES = {"latitude": 90.0, "longitude": 180.0}
_CONTROL = re2_class("".join(filter(re.compile(schema.CONTROL_PATTERN).match, map(chr, range(0x10000)))))
#: First bytes of a cell that may start like a formula once stripped (the rest is checked exactly).
_FORMULA_LEADS = np.zeros(256, dtype=bool)
_FORMULA_LEADS[[ord(c) for c in "=+-@"] + [c.encode()[0] for c in WHITESPACE]] = True
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _key(day: object) -> int:
    return day.year * 10_000 + day.month * 100 + day.day  # type: ignore[attr-defined]


def _numpy(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return values.to_numpy(zero_copy_only=False)


def _matches(values: pa.Array | pa.ChunkedArray, pattern: str) -> np.ndarray:
    return _numpy(pc.match_substring_regex(values, pattern))


def encode(values: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Give each distinct value a number, in order of first appearance.

    Parameters
    ----------
    values
        Strings.

    Returns
    -------
    tuple
        The code of each value, and the distinct values (``distinct[code]`` is the value).
    """
    encoded = pc.dictionary_encode(values)
    if not encoded.num_chunks:
        return np.zeros(0, dtype=np.int64), pa.array([], pa.string())
    codes = np.concatenate([_numpy(chunk.indices).astype(np.int64) for chunk in encoded.chunks])
    return codes, encoded.chunk(0).dictionary


def _recode(numbers: np.ndarray) -> np.ndarray:
    """Renumber integers 0, 1, 2... in order of first appearance."""
    return _numpy(pc.dictionary_encode(pa.array(numbers)).indices).astype(np.int64)


def _firsts(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For codes numbered in order of first appearance: where each first appears, and which rows repeat one."""
    before = np.concatenate(([-1], np.maximum.accumulate(codes)[:-1])) if codes.size else codes
    again = codes <= before
    return np.flatnonzero(~again), again


def _real_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Tell which (year, month, day) exist in the proleptic Gregorian calendar, years 1..9999."""
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = _MONTH_DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
    return (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)


class Columns:
    """The columns of one table, stripped on demand, and the problems found in them.

    Parameters
    ----------
    table
        The table read from a file.
    out
        Where problems are appended.
    """

    def __init__(self, table: Table, out: list[Problem]) -> None:
        self.table, self.file, self.out = table, table.name, out
        self.rows = table.data.num_rows
        self._stripped: dict[str, pa.ChunkedArray] = {}
        self._filled: dict[str, np.ndarray] = {}
        self._as_read: set[str] = set()
        self._ends: dict[str, CellEnds] = {}

    def keep_stripped_only(self) -> None:
        """Drop every cached array but the stripped columns (which the loader reuses), to free memory."""
        self._filled.clear()
        self._ends.clear()

    def ends(self, column: str) -> CellEnds:
        """Return the first byte, last byte and byte length of each raw cell (see :func:`ends`)."""
        if column not in self._ends:
            self._ends[column] = ends(self.table.data.column(column))
        return self._ends[column]

    def has(self, column: str) -> bool:
        """Tell whether the file has ``column``."""
        return column in self.table.data.column_names

    def get(self, column: str) -> pa.ChunkedArray:
        """Return ``column`` stripped of surrounding whitespace (all empty when the file lacks it)."""
        if column not in self._stripped:
            if self.has(column):
                raw = self.table.data.column(column)
                self._stripped[column] = trim(raw, known=self.ends(column))
                if self._stripped[column] is raw:
                    self._as_read.add(column)
            else:
                self._stripped[column] = pa.chunked_array([pa.repeat("", self.rows)], pa.string())
        return self._stripped[column]

    def filled(self, column: str) -> np.ndarray:
        """Tell which cells of ``column`` hold something once stripped."""
        if column not in self._filled:
            stripped = self.get(column)
            if column in self._as_read:
                self._filled[column] = self.ends(column).length > 0
            else:
                self._filled[column] = _numpy(pc.binary_length(stripped)) > 0
        return self._filled[column]

    def matches(self, column: str, pattern: str) -> np.ndarray:
        """Tell which filled cells of ``column`` match the RE2 ``pattern`` once stripped."""
        rows = np.flatnonzero(self.filled(column))
        if rows.size == self.rows:
            return _matches(self.get(column), pattern)
        out = np.zeros(self.rows, dtype=bool)
        out[rows] = _matches(self.get(column).take(rows), pattern)
        return out

    def numbers(self, mask: np.ndarray, column: str, kind: pa.DataType, *, part: slice | None = None) -> np.ndarray:
        """Convert the stripped cells of ``mask`` (or their ``part``) to ``kind``; -1 elsewhere."""
        rows = np.flatnonzero(mask)
        values = self.get(column) if rows.size == self.rows else self.get(column).take(rows)
        if part is not None:
            values = pc.utf8_slice_codeunits(values, part.start, part.stop)
        out = np.full(self.rows, -1, dtype=np.float64 if pa.types.is_floating(kind) else np.int64)
        out[rows] = _numpy(pc.cast(values, kind))
        return out

    def values(self, mask: np.ndarray, column: str) -> list[str]:
        """Return the stripped values of ``column`` on the rows of ``mask``."""
        return self.get(column).take(np.flatnonzero(mask)).to_pylist()

    def fail(
        self,
        mask: np.ndarray,
        column: str,
        reason: str | Callable[[str], str | None],
        *,
        source: pa.ChunkedArray | None = None,
    ) -> None:
        """Report ``reason`` on each row of ``mask``.

        Parameters
        ----------
        mask
            The failing rows.
        column
            The column named in the problem.
        reason
            The reason, or a function of the cell (from ``source``, else the stripped ``column``)
            that words it; None from it means there is no problem after all.
        source
            The values ``reason`` is given.
        """
        rows = np.flatnonzero(mask)
        if not rows.size:
            return
        lines = self.table.lines[rows].tolist()
        if isinstance(reason, str):
            self.out.extend(Problem(self.file, line, column, reason) for line in lines)
            return
        cells = (self.get(column) if source is None else source).take(rows).to_pylist()
        words = (reason(cell) for cell in cells)
        self.out.extend(Problem(self.file, line, column, w) for line, w in zip(lines, words, strict=True) if w)

    def required(self, columns: Iterable[str]) -> None:
        """Report empty cells in the ``columns`` the file has."""
        for column in sorted(columns):
            if self.has(column):
                self.fail(~self.filled(column), column, "required value is empty")

    def text(self, numeric: frozenset[str]) -> None:
        """Report control characters and formula starts in every column not in ``numeric``."""
        self.report_text(self.suspect_text(numeric))

    def suspect_text(self, numeric: frozenset[str]) -> dict[str, np.ndarray]:
        """Find the cells that may hold a control character or start like a formula, by column.

        Every column not in ``numeric`` is searched on pyarrow's threads (RE2 and numpy release the
        GIL), so this may itself run on a thread while other checks go on; it reports nothing.
        """
        columns = [column for column in self.table.data.column_names if column not in numeric]
        with ThreadPoolExecutor(max_workers=pa.cpu_count(), thread_name_prefix="protestmap-text") as pool:
            return dict(zip(columns, pool.map(self._suspect_text, columns), strict=True))

    def report_text(self, suspects: dict[str, np.ndarray]) -> None:
        """Word the problems of the cells :meth:`suspect_text` found, in column order."""
        for column, suspect in suspects.items():
            self.fail(suspect, column or "-", schema.text_problem, source=self.table.data.column(column))

    def _suspect_text(self, column: str) -> np.ndarray:
        """Tell which raw cells of ``column`` may start like a formula or hold a control character."""
        raw = self.table.data.column(column)
        suspect = _FORMULA_LEADS[self.ends(column).first]
        if any(any_match(raw, _CONTROL)):
            suspect |= _matches(raw, _CONTROL)
        return suspect

    def identifier(self, column: str) -> np.ndarray:
        """Report ids outside ``[A-Za-z0-9][A-Za-z0-9_.-]*``; return where a valid id is given."""
        filled, valid = self.filled(column), self.matches(column, _ID)
        self.fail(filled & ~valid, column, lambda v: f"{v!r} is not a valid id (letters, digits, '-', '_', '.')")
        return filled & valid

    def duplicates(self, column: str, given: np.ndarray) -> pa.Array:
        """Report every repeat of an id after its first row; return the distinct ids."""
        rows = np.flatnonzero(given)
        values = self.get(column)
        codes, distinct = encode(values if rows.size == self.rows else values.take(rows))
        first, again = _firsts(codes)
        mask = np.zeros(self.rows, dtype=bool)
        mask[rows[again]] = True
        earlier = iter(self.table.lines[rows[first[codes[again]]]].tolist())
        self.fail(mask, column, lambda v: f"duplicate id {v!r} (first on row {next(earlier)})")
        return distinct

    def choice(self, column: str, vocabulary: Iterable[str]) -> np.ndarray:
        """Report values outside ``vocabulary``; return where a known value is given."""
        words = tuple(vocabulary)
        filled, known = self.filled(column), _numpy(pc.is_in(self.get(column), pa.array(words, pa.string())))
        self.fail(filled & ~known, column, lambda v: f"unknown value {v!r}; expected one of: {', '.join(words)}")
        return filled & known

    def distinct(self, column: str) -> tuple[np.ndarray, Columns]:
        """Return each row's code for its stripped cell of ``column``, and the columns of the distinct values.

        A check that depends on nothing but the cell's value runs once per distinct value on the
        columns returned, and ``result[codes]`` spreads its answer back over the rows.

        Parameters
        ----------
        column
            A column of the table.

        Returns
        -------
        tuple
            Each row's code, and a one-column :class:`Columns` of the distinct values in code order.
        """
        codes, values = encode(self.get(column))  # not kept: 8 bytes a row would raise the peak
        table = Table(self.table.path, [column], pa.table({column: values}), np.arange(len(values)))
        return codes, Columns(table, [])

    def integer(self, column: str, *, allowed: Sequence[int] | None = None) -> np.ndarray:
        """Report cells that are not counts (or not in ``allowed``); return the numbers, -1 for none."""
        codes, each = self.distinct(column)
        numbers, odd = each._counts(column)
        self.fail(odd[codes], column, schema.count_problem)
        if allowed is not None:
            refused = (numbers >= 0) & ~np.isin(numbers, allowed)
            shown = ", ".join(map(str, allowed))
            self.fail(refused[codes], column, lambda v: f"{int(v)} is not one of {shown}")
            numbers[refused] = -1
        return numbers[codes]

    def _counts(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Read the cells of ``column`` as counts: the numbers (-1 for none), and which cells are not counts."""
        filled, short = self.filled(column), self.matches(column, _COUNT)
        numbers = self.numbers(short, column, pa.int64())
        odd = filled & ~(short & (numbers <= schema.MAX_COUNT))
        for row, cell in zip(np.flatnonzero(odd).tolist(), self.values(odd, column), strict=True):
            numbers[row] = -1 if schema.count_problem(cell) else int(cell)
        return numbers, odd

    def date(self, column: str) -> np.ndarray:
        """Report cells that are not real dates in range; return ``yyyymmdd`` numbers, -1 for none."""
        codes, each = self.distinct(column)
        filled, shaped = each.filled(column), each.matches(column, _DATE)
        year, month, day = each._calendar_parts(shaped, column)
        real = shaped & _real_dates(year, month, day)
        self.fail((filled & ~real)[codes], column, lambda v: f"{v!r} is not a real date in YYYY-MM-DD form")
        key = year * 10_000 + month * 100 + day
        outside = real & ((key < _key(schema.DATE_MIN)) | (key > _key(schema.DATE_MAX)))
        self.fail(outside[codes], column, lambda v: f"{v} is outside {schema.DATE_MIN}..{schema.DATE_MAX}")
        return np.where(real & ~outside, key, -1)[codes]

    def _calendar_parts(self, shaped: np.ndarray, column: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Split the ``YYYY-MM-DD`` cells of ``shaped`` into year, month and day; -1 elsewhere.

        Arrow's date cast does it in one pass when every such cell is a real date; otherwise (a
        cell such as ``2023-02-30``) the three parts are cut out and converted one by one.
        """
        rows = np.flatnonzero(shaped)
        try:
            dates = pc.cast(self.get(column) if rows.size == self.rows else self.get(column).take(rows), pa.date32())
        except pa.ArrowInvalid:
            year, month, day = (self.numbers(shaped, column, pa.int64(), part=part) for part in _YMD)
            return year, month, day
        year, month, day = (np.full(self.rows, -1, dtype=np.int64) for _ in range(3))
        for out, part in ((year, pc.year), (month, pc.month), (day, pc.day)):
            out[rows] = _numpy(part(dates))
        return year, month, day

    def coordinate(self, column: str) -> np.ndarray:
        """Report cells that are not decimal degrees on their axis; return floats, NaN for none."""
        filled, shaped = self.filled(column), self.matches(column, _COORDINATE)
        numbers = self.numbers(shaped, column, pa.float64())
        numbers[~shaped] = np.nan
        with np.errstate(invalid="ignore"):
            bad = filled & ~(shaped & (np.abs(numbers) <= _AXES[column]))
        self.fail(bad, column, functools.partial(schema.coordinate_problem, axis=column))
        numbers[bad] = np.nan
        return numbers

    def per_key(self, mask: np.ndarray, columns: Sequence[str], check: Callable[..., list[tuple[str, str]]]) -> None:
        """Run a row check once per distinct combination of ``columns`` among the rows of ``mask``.

        Parameters
        ----------
        mask
            The rows to check.
        columns
            The stripped cells ``check`` is given, in order.
        check
            Returns ``(column, reason)`` for each problem of such a row.
        """
        rows = np.flatnonzero(mask)
        if not rows.size:
            return
        combined = np.zeros(rows.size, dtype=np.int64)
        for column in columns:
            codes, each = self.distinct(column)
            combined = _recode(combined * each.rows + codes[rows])
        first = _firsts(combined)[0]
        keys = zip(*(self.get(c).take(rows[first]).to_pylist() for c in columns), strict=True)
        found = {group: problems for group, key in enumerate(keys) if (problems := check(*key))}
        bad = np.isin(combined, list(found))
        for line, group in zip(self.table.lines[rows[bad]].tolist(), combined[bad].tolist(), strict=True):
            self.out.extend(Problem(self.file, line, column, reason) for column, reason in found[group])


_YMD = (slice(0, 4), slice(5, 7), slice(8, 10))
