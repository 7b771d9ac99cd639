"""Vectorised checks over the columns of one table, each failing cell reported as a :class:`Problem`.

Every check runs on whole columns with pyarrow and numpy; Python only touches the cells that fail,
to word their problem with the same scalar functions the loader and the ACLED import use, so each
message is exactly what a row-by-row check would write. Values are compared after ``str.strip()``
(see :func:`protestmap._fastcsv.trim`), as the row-by-row checks did.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from protestmap import schema
from protestmap._csv import Problem, Table
from protestmap._fastcsv import WHITESPACE, re2_class, trim

__all__ = ["Columns", "encode"]

_ID = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_COUNT = "^[0-9]{1,7}$"
_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_COORDINATE = "^" + schema.COORDINATE_PATTERN + "$"
_AXES = {"latitude": 90.0, "longitude": 180.0}
_CONTROL = re2_class("".join(filter(re.compile(schema.CONTROL_PATTERN).match, map(chr, range(0x10000)))))
_UNSAFE = _CONTROL + "|^" + re2_class(WHITESPACE) + "*[=+\\-@\\t\\r]"
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _key(day: object) -> int:
    return day.year * 10_000 + day.month * 100 + day.day  # type: ignore[attr-defined]


def _numpy(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return values.to_numpy(zero_copy_only=False)


def _matches(values: pa.Array | pa.ChunkedArray, pattern: str) -> np.ndarray:
    return _numpy(pc.match_substring_regex(values, pattern))


def _where(values: pa.ChunkedArray, pattern: str, otherwise: str | None) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Keep the values matching ``pattern``, ``otherwise`` elsewhere; also return where they match."""
    matched = pc.match_substring_regex(values, pattern)
    return pc.if_else(matched, values, pa.scalar(otherwise, pa.string())), _numpy(matched)


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

    def has(self, column: str) -> bool:
        """Tell whether the file has ``column``."""
        return column in self.table.data.column_names

    def get(self, column: str) -> pa.ChunkedArray:
        """Return ``column`` stripped of surrounding whitespace (all empty when the file lacks it)."""
        if column not in self._stripped:
            raw = self.table.data.column(column) if self.has(column) else pa.chunked_array([pa.repeat("", self.rows)])
            self._stripped[column] = trim(raw)
        return self._stripped[column]

    def filled(self, column: str) -> np.ndarray:
        """Tell which cells of ``column`` hold something once stripped."""
        return _numpy(pc.not_equal(self.get(column), ""))

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
        for column in self.table.data.column_names:
            if column not in numeric:
                raw = self.table.data.column(column)
                self.fail(_matches(raw, _UNSAFE), column or "-", schema.text_problem, source=raw)

    def identifier(self, column: str) -> np.ndarray:
        """Report ids outside ``[A-Za-z0-9][A-Za-z0-9_.-]*``; return where a valid id is given."""
        filled, valid = self.filled(column), _matches(self.get(column), _ID)
        self.fail(filled & ~valid, column, lambda v: f"{v!r} is not a valid id (letters, digits, '-', '_', '.')")
        return filled & valid

    def duplicates(self, column: str, given: np.ndarray) -> pa.Array:
        """Report every repeat of an id after its first row; return the distinct ids."""
        rows = np.flatnonzero(given)
        codes, distinct = encode(self.get(column).take(rows))
        first = np.unique(codes, return_index=True)[1][codes]
        again = first != np.arange(rows.size)
        mask = np.zeros(self.rows, dtype=bool)
        mask[rows[again]] = True
        earlier = iter(self.table.lines[rows[first[again]]].tolist())
        self.fail(mask, column, lambda v: f"duplicate id {v!r} (first on row {next(earlier)})")
        return distinct

    def choice(self, column: str, vocabulary: Iterable[str]) -> np.ndarray:
        """Report values outside ``vocabulary``; return where a known value is given."""
        words = tuple(vocabulary)
        filled, known = self.filled(column), _numpy(pc.is_in(self.get(column), pa.array(words, pa.string())))
        self.fail(filled & ~known, column, lambda v: f"unknown value {v!r}; expected one of: {', '.join(words)}")
        return filled & known

    def integer(self, column: str, *, allowed: Sequence[int] | None = None) -> np.ndarray:
        """Report cells that are not counts (or not in ``allowed``); return the numbers, -1 for none."""
        values, filled = self.get(column), self.filled(column)
        kept, short = _where(values, _COUNT, "-1")
        numbers = _numpy(pc.cast(kept, pa.int64())).astype(np.int64)
        odd = filled & ~(short & (numbers <= schema.MAX_COUNT))
        for row, cell in zip(np.flatnonzero(odd).tolist(), self.values(odd, column), strict=True):
            numbers[row] = -1 if schema.count_problem(cell) else int(cell)
        self.fail(odd, column, schema.count_problem)
        if allowed is not None:
            refused = (numbers >= 0) & ~np.isin(numbers, allowed)
            shown = ", ".join(map(str, allowed))
            self.fail(refused, column, lambda v: f"{int(v)} is not one of {shown}")
            numbers[refused] = -1
        return numbers

    def date(self, column: str) -> np.ndarray:
        """Report cells that are not real dates in range; return ``yyyymmdd`` numbers, -1 for none."""
        values, filled = self.get(column), self.filled(column)
        shaped = _where(values, _DATE, "0000-00-00")[0]
        year, month, day = (_numpy(pc.cast(pc.utf8_slice_codeunits(shaped, a, a + n), pa.int64())) for a, n in _YMD)
        real = filled & _real_dates(year, month, day)
        self.fail(filled & ~real, column, lambda v: f"{v!r} is not a real date in YYYY-MM-DD form")
        key = year * 10_000 + month * 100 + day
        outside = real & ((key < _key(schema.DATE_MIN)) | (key > _key(schema.DATE_MAX)))
        self.fail(outside, column, lambda v: f"{v} is outside {schema.DATE_MIN}..{schema.DATE_MAX}")
        return np.where(real & ~outside, key, -1)

    def coordinate(self, column: str) -> np.ndarray:
        """Report cells that are not decimal degrees on their axis; return floats, NaN for none."""
        values, filled = self.get(column), self.filled(column)
        kept, shaped = _where(values, _COORDINATE, None)
        numbers = _numpy(pc.cast(kept, pa.float64())).astype(np.float64)
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
            codes, distinct = encode(self.get(column).take(rows))
            combined = np.unique(combined * len(distinct) + codes, return_inverse=True)[1].reshape(-1)
        groups, first, which = np.unique(combined, return_index=True, return_inverse=True)
        keys = zip(*(self.get(c).take(rows[first]).to_pylist() for c in columns), strict=True)
        found = {group: problems for group, key in zip(groups.tolist(), keys, strict=True) if (problems := check(*key))}
        which = which.reshape(-1)
        bad = np.isin(which, list(found))
        for line, group in zip(self.table.lines[rows[bad]].tolist(), which[bad].tolist(), strict=True):
            self.out.extend(Problem(self.file, line, column, reason) for column, reason in found[group])


_YMD = ((0, 4), (5, 2), (8, 2))
