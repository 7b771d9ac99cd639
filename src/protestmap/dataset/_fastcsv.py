r"""One-pass reading of a clean CSV file with pyarrow, and exact string primitives over its columns.

:func:`read_clean` returns the table only when pyarrow's reading is certain to agree with the
strict :mod:`csv` reading in :mod:`protestmap.dataset._csv`: valid UTF-8 without BOM, ``\n`` or ``\r\n``
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

__all__ = [
    "WHITESPACE",
    "CellEnds",
    "any_match",
    "blank",
    "blank_rows",
    "edged",
    "ends",
    "re2_class",
    "read_clean",
    "trim",
]

#: Every character ``str.isspace()`` accepts (none lies above U+3000), which ``str.strip()`` removes.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())

_CHUNK = 1 << 23
_NEWLINE, _RETURN = ord("\n"), ord("\r")
#: Bytes per pyarrow block, and so per chunk of each column: few chunks keep per-chunk work small.
_BLOCK = 1 << 23
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


#: The first and the last UTF-8 byte of each whitespace character: a value whose first and last
#: bytes are in neither set has nothing to strip.
_LEADS = np.zeros(256, dtype=bool)
_LEADS[[c.encode()[0] for c in WHITESPACE]] = True
_TAILS = np.zeros(256, dtype=bool)
_TAILS[[c.encode()[-1] for c in WHITESPACE]] = True


class CellEnds(NamedTuple):
    """The first byte, the last byte (``uint8``) and the length in bytes of each string (0 when empty)."""

    first: np.ndarray
    last: np.ndarray
    length: np.ndarray


def _ends(chunk: pa.Array) -> CellEnds:
    """Return the first byte, the last byte and the length in bytes of each value (0 when empty)."""
    _, offsets, data = chunk.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, np.uint8)
    lengths = np.diff(offsets)
    first = np.where(lengths > 0, data[np.minimum(offsets[:-1], data.size - 1)], 0)
    last = np.where(lengths > 0, data[np.maximum(offsets[1:] - 1, 0)], 0)
    return CellEnds(first, last, lengths)


def ends(values: pa.ChunkedArray) -> CellEnds:
    """Return the first byte, the last byte and the length in bytes of each string (0 when empty).

    Parameters
    ----------
    values
        Strings (``pa.string()``); read straight from their Arrow buffers.

    Returns
    -------
    CellEnds
        First bytes, last bytes (``uint8``) and lengths.
    """
    parts = [_ends(chunk) for chunk in values.chunks]
    if not parts:
        return CellEnds(np.zeros(0, np.uint8), np.zeros(0, np.uint8), np.zeros(0, np.int32))
    return CellEnds(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def edged(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Tell which strings, by their first and last bytes, may start or end with whitespace.

    This is a superset (``é`` ends in the same byte as U+2029): exact checks follow.
    """
    return _LEADS[first] | _TAILS[last]


def trim(values: pa.ChunkedArray, *, known: CellEnds | None = None) -> pa.ChunkedArray:
    """Strip surrounding whitespace exactly as ``str.strip()`` does.

    Parameters
    ----------
    values
        Strings.
    known
        What :func:`ends` returns for ``values``, when already known.

    Returns
    -------
    pyarrow.ChunkedArray
        The stripped strings; ``values`` itself when no value has whitespace to strip.
    """
    if values.type == pa.string():
        known = known or ends(values)
        if not edged(known.first, known.last).any():
            return values
    return pc.utf8_trim(values, characters=WHITESPACE)


def blank(values: pa.ChunkedArray) -> np.ndarray:
    """Tell which values are empty or whitespace only (``not value.strip()``)."""
    first, _, lengths = ends(values)
    out = lengths == 0
    maybe = np.flatnonzero(~out & _LEADS[first])
    if maybe.size:
        out[maybe] = np.asarray(pc.equal(trim(values.take(maybe)), ""))
    return out


def any_match(values: pa.ChunkedArray, pattern: str) -> list[bool]:
    """Tell for each chunk whether ``pattern`` occurs in any of its values, in one search per chunk.

    The chunk's bytes are searched as a single string, so ``pattern`` must not span two values:
    use it for single characters.
    """
    found = []
    for chunk in values.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[[chunk.offset, chunk.offset + len(chunk)]]
        whole = pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(offsets.tobytes()), chunk.buffers()[2]])
        found.append(bool(pc.match_substring_regex(whole, pattern)[0].as_py()) if offsets[1] > offsets[0] else False)
    return found


def blank_rows(data: pa.Table) -> np.ndarray:
    """Tell which records hold nothing but whitespace, looking at few columns for most rows."""
    rows = np.flatnonzero(blank(data.column(0))) if data.num_columns else np.arange(data.num_rows)
    for column in data.columns[1:]:
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


def _last_line_ok(path: Path) -> bool:
    """Tell whether the last line parses on its own; pyarrow accepts a quote left open at the end."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - _CHUNK))
        window = handle.read()
    body = window[:-1] if window.endswith(b"\n") else window
    start = body.rfind(b"\n") + 1
    return (start > 0 or size <= _CHUNK) and _quotes_ok(body[start:])


def _scan(path: Path) -> int | None:
    r"""Count the records after the header, or return None for a bare ``\r`` or a bad quote."""
    counts, tail, last = np.zeros(3, dtype=np.int64), b"", b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            buffer, skip = tail + chunk, int(tail[:1] == b"\n")
            cut = buffer.rfind(b"\n") + 1 if chunk else len(buffer)
            cut = max(cut, skip)
            view = np.frombuffer(buffer, dtype=np.uint8, count=cut - skip, offset=skip)
            counts[0] += np.count_nonzero(view == _NEWLINE)
            if (view == _RETURN).any():
                counts[1:] += (buffer.count(b"\r", skip, cut), buffer.count(b"\r\n", skip, cut))
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
    wide = [column for column in data.columns if (pc.max(pc.binary_length(column)).as_py() or 0) > limit]
    return any((pc.max(pc.utf8_length(column)).as_py() or 0) > limit for column in wide)


@functools.cache
def _options(header: tuple[str, ...]) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
    read = pacsv.ReadOptions(column_names=list(header), skip_rows=1, use_threads=True, block_size=_BLOCK)
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
        if header is None or not _last_line_ok(path):
            return None
        read, parse, convert = _options(tuple(header))
        # pyarrow parses on its own threads, without the GIL, while this one scans the bytes
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="protestmap-scan") as pool:
            scanning = pool.submit(_scan, path)
            try:
                data = pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
            finally:
                records = scanning.result()
    except (OSError, pa.ArrowInvalid):
        return None
    if records is None or data.num_rows != records:
        return None
    if path.stat().st_size > field_limit and _too_wide(data, field_limit):
        return None
    return header, data
