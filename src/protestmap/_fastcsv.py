r"""One-pass reading of a clean CSV file with pyarrow, and exact string primitives over its columns.

:func:`read_clean` returns the table only when pyarrow's reading is certain to agree with the
strict :mod:`csv` reading in :mod:`protestmap._csv`: valid UTF-8 without BOM, ``\n`` or ``\r\n``
line ends, a unique header, one record per line, every record as wide as the header, no field over
the csv module's size limit and no text after a closing quote. Otherwise it returns None and the
caller reads record by record.

``str.strip()`` and Python's ``\s`` know more whitespace than RE2 and Arrow do, so
:data:`WHITESPACE` spells out Python's set and :func:`trim` uses it.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

__all__ = ["WHITESPACE", "blank", "blank_rows", "re2_class", "read_clean", "trim"]

#: Every character ``str.isspace()`` accepts (none lies above U+3000), which ``str.strip()`` removes.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())

_CHUNK = 1 << 23
#: A run of quotes followed by text: an odd run inside a field (a closing quote, or quotes in an
#: unquoted field) or an even run at the start of a field (an empty quoted field). The csv module
#: refuses the first kind of each after a closing quote; lines holding one are checked with it.
_AFTER_QUOTE = re.compile(rb'"(?:(?<=[^,\r\n"]")(?:"")*|(?<=[,\r\n]")(?:"")*")[^",\r\n]')


def re2_class(chars: str, *, negate: bool = False) -> str:
    r"""Write ``chars`` as an RE2 character class, each as ``\x{...}``.

    Parameters
    ----------
    chars
        The characters of the class.
    negate
        Build the complement instead.

    Returns
    -------
    str
        ``[...]`` or ``[^...]``.
    """
    return "[" + ("^" if negate else "") + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"


_BLANK = "^" + re2_class(WHITESPACE) + "*$"


def trim(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Strip surrounding whitespace exactly as ``str.strip()`` does."""
    return pc.utf8_trim(values, characters=WHITESPACE)


def blank(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Tell which values are empty or whitespace only (``not value.strip()``)."""
    return np.asarray(pc.match_substring_regex(values, _BLANK))


def blank_rows(data: pa.Table) -> np.ndarray:
    """Tell which records hold nothing but whitespace, looking at few columns for most rows."""
    rows = np.arange(data.num_rows)
    for column in data.columns:
        if not rows.size:
            break
        rows = rows[blank(column.take(rows))]
    out = np.zeros(data.num_rows, dtype=bool)
    out[rows] = True
    return out


def _header(path: Path) -> list[str] | None:
    with path.open("rb") as handle:
        first = handle.readline()
    try:
        names = [name.strip() for name in next(csv.reader([first.decode("utf-8")], strict=True))]
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    clean = len(names) > 1 and all(names) and len(set(names)) == len(names)
    return names if clean and not first.startswith(b"\xef\xbb\xbf") else None


def _quotes_ok(line: bytes) -> bool:
    try:
        next(csv.reader([line.decode("utf-8")], strict=True))
    except (UnicodeDecodeError, csv.Error):
        return False
    return True


def _bad_quote(buffer: bytes, start: int, stop: int) -> bool:
    """Tell whether a line of ``buffer[start:stop]`` has text after a closing quote."""
    found = _AFTER_QUOTE.search(buffer, start, stop)
    while found is not None:
        begin, end = buffer.rfind(b"\n", 0, found.start()) + 1, buffer.find(b"\n", found.end(), stop)
        end = stop if end < 0 else end
        if not _quotes_ok(buffer[begin:end]):
            return True
        found = _AFTER_QUOTE.search(buffer, end, stop)
    return False


def _scan(path: Path) -> int | None:
    r"""Count the records after the header, or return None for a bare ``\r`` or a bad quote."""
    counts, tail, last = np.zeros(3, dtype=np.int64), b"", b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            buffer, skip = tail + chunk, int(tail[:1] == b"\n")
            cut = buffer.rfind(b"\n") + 1 if chunk else len(buffer)
            cut = max(cut, skip)
            counts += [buffer.count(part, skip, cut) for part in (b"\n", b"\r", b"\r\n")]
            if _bad_quote(buffer, skip, cut):
                return None
            last = buffer[cut - 1 : cut] if cut > skip else last
            tail = buffer[cut - 1 :] if cut > skip else buffer
            if not chunk:
                break
    lines, cr, crlf = (int(n) for n in counts)
    if cr != crlf:
        return None
    return lines - 1 + (last not in (b"\n", b""))


def _too_wide(data: pa.Table, limit: int) -> bool:
    """Tell whether a field is over the csv module's size limit, which that module refuses."""
    return any((pc.max(pc.utf8_length(column)).as_py() or 0) > limit for column in data.columns)


@functools.cache
def _options(header: tuple[str, ...]) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
    read = pacsv.ReadOptions(column_names=list(header), skip_rows=1, use_threads=False)
    parse = pacsv.ParseOptions(ignore_empty_lines=False)
    types = {name: pa.string() for name in header}
    convert = pacsv.ConvertOptions(column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False)
    return read, parse, convert


def read_clean(path: Path, *, field_limit: int) -> tuple[list[str], pa.Table] | None:
    """Read a clean CSV file in one pass, or return None when it needs record-by-record reading.

    Parameters
    ----------
    path
        The CSV file.
    field_limit
        The csv module's field size limit (:func:`csv.field_size_limit`).

    Returns
    -------
    tuple or None
        The header (names stripped) and every record after it as raw strings, or None.
    """
    try:
        header = _header(path)
        records = _scan(path) if header is not None else None
        if header is None or records is None:
            return None
        read, parse, convert = _options(tuple(header))
        data = pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    except (OSError, pa.ArrowInvalid):
        return None
    if data.num_rows != records or (path.stat().st_size > field_limit and _too_wide(data, field_limit)):
        return None
    return header, data
