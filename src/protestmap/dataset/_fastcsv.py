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
    "text_after_quotes",
    "trim",
]

#: Every character ``str.isspace()`` accepts (none lies above U+3000), which ``str.strip()`` removes.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())

_CHUNK = 1 << 23
_NEWLINE, _RETURN = ord("\n"), ord("\r")
#: Bytes per pyarrow block, and so per chunk of each column: few chunks keep per-chunk work small.
_BLOCK = 1 << 23
#: Bytes that end a field; a quote run's neighbours decide whether text follows a closing quote.
_FIELD_ENDS = np.zeros(256, dtype=bool)
_FIELD_ENDS[[ord(","), _RETURN, _NEWLINE]] = True
_QUOTE = ord('"')


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
    starts, stops = offsets[:-1], offsets[1:]
    lengths, empty = stops - starts, starts == stops
    first, last = data.take(starts, mode="clip"), data.take(stops - 1, mode="clip")
    first[empty], last[empty] = 0, 0
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


def _quotes_ok(line: bytes | bytearray) -> bool:
    try:
        next(csv.reader([line.decode("utf-8")], strict=True))
    except (UnicodeDecodeError, csv.Error):
        return False
    return True


def text_after_quotes(buffer: bytes | bytearray, start: int, stop: int) -> np.ndarray:
    """Find the runs of quotes in ``buffer[start:stop]`` that text follows where the csv module may refuse it.

    Two kinds: an odd run inside a field (a closing quote, or quotes in an unquoted field) and an
    even run at the start of a field (an empty quoted field), each followed by a byte that neither
    ends the field nor is a quote. The byte before ``start`` may be looked at; none after ``stop``.

    Parameters
    ----------
    buffer
        Bytes of a CSV file.
    start, stop
        The part to search.

    Returns
    -------
    numpy.ndarray
        The offset of the first quote of each such run, in order.
    """
    view = np.frombuffer(buffer, dtype=np.uint8, count=stop)
    quotes = np.flatnonzero(view[start:] == _QUOTE) + start
    if not quotes.size:
        return quotes
    starts = np.diff(quotes, prepend=-2) != 1
    firsts, lasts = quotes[starts], quotes[np.append(starts[1:], True)]
    inside = (firsts > 0) & (lasts + 1 < stop)
    firsts, lasts = firsts[inside], lasts[inside]
    before, after = view[firsts - 1], view[lasts + 1]
    odd = (lasts - firsts) % 2 == 0
    in_field = ~_FIELD_ENDS[before] & (before != _QUOTE) & odd
    at_start = _FIELD_ENDS[before] & ~odd
    return firsts[(in_field | at_start) & ~_FIELD_ENDS[after]]


def _bad_quote(buffer: bytes | bytearray, start: int, stop: int) -> bool:
    """Tell whether a line of ``buffer[start:stop]`` has text after a closing quote."""
    line_end = start
    for found in text_after_quotes(buffer, start, stop).tolist():
        if found < line_end:
            continue
        begin, line_end = buffer.rfind(b"\n", 0, found) + 1, buffer.find(b"\n", found, stop)
        line_end = stop if line_end < 0 else line_end
        if not _quotes_ok(buffer[begin:line_end]):
            return True
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


def _count_lines(buffer: bytearray, start: int, stop: int) -> int:
    view = np.frombuffer(buffer, dtype=np.uint8, count=stop - start, offset=start)
    return int(np.count_nonzero(view == _NEWLINE))


def _scan(path: Path) -> int | None:
    r"""Count the records after the header, or return None for a bare ``\r`` or a bad quote.

    The file is read into one reused buffer: the unfinished last line of each read, with the line end
    before it (which the quote rule looks behind at), moves to the front and the next read follows it.
    """
    lines = cr = crlf = kept = 0
    buffer, last = bytearray(2 * _CHUNK), b""
    with path.open("rb", buffering=0) as handle:
        while True:
            if len(buffer) < kept + _CHUNK:  # a line longer than the buffer
                buffer.extend(bytes(kept + _CHUNK - len(buffer)))
            end = kept + handle.readinto(memoryview(buffer)[kept : kept + _CHUNK])
            skip = int(kept > 0 and buffer[0] == _NEWLINE)
            cut = max(buffer.rfind(b"\n", 0, end) + 1, skip) if end > kept else end
            lines += _count_lines(buffer, skip, cut)
            if buffer.find(b"\r", skip, cut) >= 0:
                cr, crlf = cr + buffer.count(b"\r", skip, cut), crlf + buffer.count(b"\r\n", skip, cut)
            if _bad_quote(buffer, skip, cut):
                return None
            last = bytes(buffer[cut - 1 : cut]) if cut > skip else last
            if end == kept:
                break
            start = cut - 1 if cut > skip else 0
            buffer[: end - start], kept = buffer[start:end], end - start
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
