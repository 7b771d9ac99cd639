"""Hypothesis strategies that mutate a copy of a protestmap dataset (used by tests/test_fuzz.py).

A dataset is held as ``{file name: rows}``, each row a list of cells with the header first. A
mutated dataset is a sequence of steps applied to a copy: cell edits with hostile values, row and
column edits, then byte edits of the encoded files (BOM, CRLF, stray quotes, truncation...).
Every step is recorded in words, so a failing example says what was done to the data.

``hostile=False`` draws only edits a valid dataset should survive (text payloads, other valid
dates, counts, places and vocabulary), so that the rendering properties see many valid datasets.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from hypothesis import strategies as st

from protestmap.dataset import schema
from protestmap.places.gazetteer import load_gazetteer

Rows = list[list[str]]
FILES = tuple(schema.FILES.values())
INCIDENTS, SOURCES, FIGURES = (schema.FILES[k] for k in ("incidents", "sources", "figures"))

#: Text no map may evaluate; ``EVALUATED`` finds the result of any of them in a page.
TEMPLATES = (
    "{{ 7*191 }}",
    "{{ 'pm' ~ 'evaluated' }}",
    "{% if true %}pmevaluated{% else %}x{% endif %}",
    "{# comment #}",
    "{#",
    "{%",
    "}}",
    "{{ unbalanced",
    "{%- raw %}x{% endraw %}",
    "${7*191}",
    "`${'pm'+'evaluated'}`",
)
MARKUP = (
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "&lt;b&gt;&amp;",
    "</div></div>",
    "'; alert(1); //",
    '\\"; alert(1); //',
    "<!--",
)
FORMULAS = ('=HYPERLINK("http://evil.example","click")', "=1+1", "+1", "-1+2", "@SUM(A1:A2)", " =cmd|' /C calc'!A0")
CONTROLS = ("\x00", "\x1b[31mred\x1b[0m", "a\x07b", "\u202eevil", "\u2028", "\ufeff", "\x85", "tab\there", "\x7f")
BREAKS = ("a\nb", "a\r\nb", "\r", "\n")
QUOTES = ('"', '""', "'", 'a"b', '"a"b', "a,b", ",", ";", "\\")
NUMBERS = (
    "9" * 40,
    "1000001",
    "1000000",
    "0",
    "007",
    "-1",
    "1.5",
    "2.0",
    "1e3",
    "1e309",
    "1_000",
    "0x10",
    "١٢",
    "１２",
    "½",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "None",
    "null",
    "True",
)
DATES = (
    "2023-02-30",
    "2023-13-01",
    "2023-00-10",
    "2023-01-00",
    "2022-12-32",
    "2023-1-5",
    "23-01-05",
    "2023/01/05",
    "05/01/2023",
    "20230105",
    "2023-01-05T00:00",
    "2023-01-05 ",
    "0001-01-01",
    "1900-01-01",
    "1996-12-31",
    "2026-01-01",
    "9999-12-31",
    "10000-01-01",
    "２０２３-０１-０５",
    "٢٠٢٣-٠١-٠٥",
)
PLACES = ("Lima Province", "Cuzco", "Apurimac", "PUNO", "puno", "Lima Metropolitana", "Callao", "Perú", "Bolivia")
VOCABULARY = (
    *schema.EVENT_TYPES,
    *schema.SCOPES,
    *schema.SOURCE_KINDS,
    *schema.MEASURES,
    "Protest",
    "protest ",
    "PROTEST",
    "riot",
    "Protests",
    "local;regional",
    "1",
    "2",
    "3",
    "4",
)
UNICODE = ("Ñuñoa", "Ayacucho – Huamanga", "😀", "\u0301", "ǅ", "ﬁ", "İ", "ß", "𝟙𝟚", "\ud7ff")
DATE_COLUMNS = {"event_date", "end_date", "published", "as_of"}
COUNT_COLUMNS = {*schema.MEASURES, "value", "time_precision", "geo_precision"}
COORDINATE_COLUMNS = {"latitude", "longitude"}
ID_COLUMNS = {"event_id", "source_id", "source_ids"}
PLACE_COLUMNS = {"location", "admin1", "admin2", "admin3"}
VOCAB_COLUMNS = {"event_type", "scope", "kind", "measure"}
TEXT_COLUMNS = {
    INCIDENTS: ("sub_event_type", "actor1", "actor2", "location", "notes"),
    SOURCES: ("outlet", "title", "notes"),
    FIGURES: ("note",),
}


def read_rows(directory: Path) -> dict[str, Rows]:
    """Read a dataset directory into ``{file: rows}`` (header first)."""
    out = {}
    for name in FILES:
        with (directory / name).open(encoding="utf-8", newline="") as handle:
            out[name] = list(csv.reader(handle))
    return out


def encode(rows: Rows) -> bytes:
    """Write rows as RFC 4180 CSV in UTF-8 with LF line ends."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8", errors="surrogatepass")


class Mutated:
    """A mutated dataset: the bytes of each file (None: the file is absent) and the steps taken.

    Its repr lists the steps only: the bytes of a bundled-size dataset would flood the report.
    """

    def __init__(self, files: dict[str, bytes | None], steps: list[str]) -> None:
        self.files, self.steps = files, steps

    def write(self, directory: Path) -> Path:
        """Write the files into ``directory`` (created) and return it."""
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            if data is not None:
                (directory / name).write_bytes(data)
        return directory

    def __repr__(self) -> str:
        return "Mutated(" + "; ".join(self.steps) + ")"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # how hypothesis prints a failing example
        printer.text(repr(self))


# --- values -------------------------------------------------------------------------------------

#: Over the csv module's default field size limit (131072 characters).
HUGE = "x" * 200_000
_hostile_text = st.one_of(
    st.sampled_from((*TEMPLATES, *MARKUP, *FORMULAS, *CONTROLS, *BREAKS, *QUOTES, *UNICODE, HUGE, "", " ")),
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
)
_dates = st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
_period_dates = st.dates(schema.PERIOD_START, schema.PERIOD_END)
_counts = st.integers(0, 2_000_000).map(str)
_coordinates = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.floats(-200, 200).map(lambda x: f"{x:.4f}"),
    st.sampled_from(("-15.4839", "-70.1333", "-15,4839", "15.4839", "-15.4839°", "- 15.4", "-.5", "1e5", "-0")),
)


def _gazetteer_units() -> list:
    gazetteer = load_gazetteer()
    return [e for e in gazetteer.entries if e.level in {"department", "province", "district"} and e.ubigeo]


_UNITS = _gazetteer_units()
_units = st.sampled_from(_UNITS)


def hostile_value(column: str, ids: list[str]) -> st.SearchStrategy[str]:
    """Values for ``column``: generic hostile text plus values aimed at the column's own checks."""
    specific: list[st.SearchStrategy[str]] = [_hostile_text, st.sampled_from(NUMBERS + DATES + VOCABULARY)]
    if column in DATE_COLUMNS:
        specific += [_dates, st.sampled_from(DATES)]
    if column in COUNT_COLUMNS:
        specific += [_counts, st.sampled_from(NUMBERS), st.integers(-(10**30), 10**30).map(str)]
    if column in COORDINATE_COLUMNS:
        specific += [_coordinates]
    if column == "ubigeo":
        specific += [
            _units.map(lambda e: e.ubigeo),
            st.text(alphabet="0123456789", min_size=1, max_size=8),
            st.sampled_from(("١٥٠١٠١", "15010A", "1501 01", "00", "26", "99", "150199")),
        ]
    if column in ID_COLUMNS and ids:
        specific += [
            st.sampled_from(ids),
            st.lists(st.sampled_from(ids), min_size=1, max_size=3).map(";".join),
            st.sampled_from((";", " ; ", "a b", "-x", ".x", "x;;y", "unknown-source", "x/y")),
        ]
    if column in PLACE_COLUMNS:
        specific += [st.sampled_from(PLACES + tuple(schema.DEPARTMENTS.values())), _units.map(lambda e: e.name)]
    if column in VOCAB_COLUMNS:
        specific += [st.sampled_from(VOCABULARY)]
    if column == "url":
        specific += [
            st.sampled_from(("ftp://x", "https://", "http://a b", "javascript:alert(1)", "https://x/{{7*191}}"))
        ]
    return st.one_of(specific)


# --- edits on rows ------------------------------------------------------------------------------


def _index(rows: Rows, column: str) -> int | None:
    return rows[0].index(column) if rows and column in rows[0] else None


def _set(rows: Rows, row: int, column: str, value: str) -> bool:
    at = _index(rows, column)
    if at is None or row >= len(rows) or at >= len(rows[row]):
        return False
    rows[row][at] = value
    return True


def _get(rows: Rows, row: int, column: str) -> str:
    at = _index(rows, column)
    return rows[row][at] if at is not None and row < len(rows) and at < len(rows[row]) else ""


def _ids(data: dict[str, Rows]) -> list[str]:
    out = []
    for name, column in ((INCIDENTS, "event_id"), (SOURCES, "source_id")):
        rows = data[name]
        at = _index(rows, column)
        out += [r[at] for r in rows[1:] if at is not None and at < len(r)]
    return out or ["x"]


@st.composite
def _cell_edit(draw: st.DrawFn, data: dict[str, Rows]) -> str:
    name = draw(st.sampled_from((INCIDENTS, INCIDENTS, INCIDENTS, SOURCES, FIGURES)))
    rows = data[name]
    if len(rows) < 2 or not rows[0]:
        return f"{name}: nothing to edit"
    row = draw(st.integers(1, len(rows) - 1))
    if not rows[row]:
        return f"{name}: row {row} is empty"
    at = draw(st.integers(0, len(rows[row]) - 1))
    column = rows[0][at] if at < len(rows[0]) else ""
    value = draw(hostile_value(column, _ids(data)))
    rows[row][at] = value
    return f"{name}[{row}].{column or at} = {value[:60]!r}"


@st.composite
def _row_edit(draw: st.DrawFn, data: dict[str, Rows]) -> str:
    name = draw(st.sampled_from(FILES))
    rows = data[name]
    if len(rows) < 2:
        return f"{name}: no row"
    row = draw(st.integers(1, len(rows) - 1))
    kind = draw(
        st.sampled_from(
            ("duplicate", "delete", "blank", "short", "long", "swap_latlon", "reverse_end", "national", "move")
        )
    )
    if kind == "duplicate":
        rows.insert(draw(st.integers(1, len(rows))), list(rows[row]))
    elif kind == "delete":
        del rows[row]
    elif kind == "blank":
        rows.insert(row, draw(st.sampled_from(([], [""], [" "] * max(1, len(rows[0]))))))
    elif kind == "short":
        rows[row] = rows[row][:-1]
    elif kind == "long":
        rows[row] = [*rows[row], draw(_hostile_text)]
    elif kind == "swap_latlon" and name == INCIDENTS:
        lat, lon = _get(rows, row, "latitude"), _get(rows, row, "longitude")
        _set(rows, row, "latitude", lon)
        _set(rows, row, "longitude", lat)
    elif kind == "reverse_end" and name == INCIDENTS:
        try:
            start = dt.date.fromisoformat(_get(rows, row, "event_date"))
        except ValueError:
            start = dt.date(2023, 1, 10)
        _set(rows, row, "end_date", (start - dt.timedelta(days=draw(st.integers(1, 400)))).isoformat())
    elif kind in {"national", "move"} and name == INCIDENTS:
        return _relocate(draw, rows, row, national=kind == "national")
    return f"{name}[{row}] {kind}"


@st.composite
def _column_edit(draw: st.DrawFn, data: dict[str, Rows]) -> str:
    name = draw(st.sampled_from(FILES))
    rows = data[name]
    if not rows or not rows[0]:
        return f"{name}: no header"
    width = len(rows[0])
    at = draw(st.integers(0, width - 1))
    kind = draw(st.sampled_from(("delete", "duplicate", "reorder", "rename", "empty_name", "pad_name")))
    if kind == "reorder":
        order = draw(st.permutations(range(width)))
        for i, row in enumerate(rows):
            rows[i] = [row[j] for j in order if j < len(row)] + row[width:]
        return f"{name}: columns reordered {order}"
    for row in rows:
        if at >= len(row):
            continue
        if kind == "delete":
            del row[at]
        elif kind == "duplicate":
            row.insert(at, row[at])
    if kind == "rename":
        rows[0][at] = draw(st.one_of(st.sampled_from(FILES + schema.INCIDENT_COLUMNS), _hostile_text))
    elif kind == "empty_name":
        rows[0][at] = ""
    elif kind == "pad_name":
        rows[0][at] = f" {rows[0][at].upper()} "
    return f"{name}: column {at} {kind} -> {rows[0][at] if at < len(rows[0]) else ''!r}"


def _relocate(draw: st.DrawFn, rows: Rows, row: int, *, national: bool) -> str:
    """Give an incident another valid place: a gazetteer unit (with or without a point) or the nation."""
    if national:
        for column in ("admin1", "admin2", "admin3", "ubigeo", "latitude", "longitude"):
            _set(rows, row, column, "")
        _set(rows, row, "scope", "national")
        _set(rows, row, "geo_precision", draw(st.sampled_from(("3", ""))))
        return f"{INCIDENTS}[{row}] made national"
    unit = draw(_units)
    admin = unit.admin
    depth = len(unit.ubigeo) // 2
    scope = "local" if depth == 3 else draw(st.sampled_from(("local", "regional")))
    values = {
        "scope": scope,
        "admin1": admin[0],
        "admin2": admin[1] if depth >= 2 else "",
        "admin3": admin[2] if depth >= 3 else "",
        "ubigeo": draw(st.sampled_from((unit.ubigeo, ""))),
        "location": unit.name,
        "geo_precision": "2" if scope == "local" else draw(st.sampled_from(("2", "3"))),
    }
    if draw(st.booleans()):
        values["latitude"], values["longitude"] = f"{unit.latitude:.4f}", f"{unit.longitude:.4f}"
    else:
        values["latitude"] = values["longitude"] = ""
    for column, value in values.items():
        _set(rows, row, column, value)
    return f"{INCIDENTS}[{row}] moved to {unit.ubigeo} {unit.name} ({scope}, point={bool(values['latitude'])})"


@st.composite
def _benign_edit(draw: st.DrawFn, data: dict[str, Rows]) -> str:
    """An edit after which a valid dataset should stay valid."""
    rows = data[INCIDENTS]
    if len(rows) < 2 or any(len(data[name]) < 2 for name in FILES):
        return "nothing to edit"
    row = draw(st.integers(1, len(rows) - 1))
    kind = draw(st.sampled_from(("text", "text", "count", "dates", "type", "place", "national", "copy", "figure")))
    if kind == "text":
        name = draw(st.sampled_from(FILES))
        target = data[name]
        row = draw(st.integers(1, len(target) - 1))
        column = draw(st.sampled_from(TEXT_COLUMNS[name]))
        text = draw(
            st.one_of(
                st.sampled_from(TEMPLATES + MARKUP + UNICODE + QUOTES),
                st.lists(st.sampled_from(TEMPLATES + MARKUP), min_size=2, max_size=4).map(" ".join),
            )
        )
        if column in {"location"} or schema.text_problem(text) is not None:
            text = "x " + text  # keep the cell free text (no formula start), and a place name non-empty
        _set(target, row, column, text)
        return f"{name}[{row}].{column} = {text!r}"
    if kind == "count":
        column = draw(st.sampled_from(schema.MEASURES))
        value = draw(st.one_of(st.just(""), st.integers(0, 3).map(str), _counts))
        _set(rows, row, column, value)
        return f"{INCIDENTS}[{row}].{column} = {value}"
    if kind == "dates":
        start = draw(_period_dates)
        end = draw(st.one_of(st.none(), st.integers(0, 40).map(lambda d: start + dt.timedelta(days=d))))
        _set(rows, row, "event_date", start.isoformat())
        _set(rows, row, "end_date", end.isoformat() if end else "")
        return f"{INCIDENTS}[{row}] dates {start}..{end}"
    if kind == "type":
        value = draw(st.sampled_from(tuple(schema.EVENT_TYPES)))
        _set(rows, row, "event_type", value)
        return f"{INCIDENTS}[{row}].event_type = {value}"
    if kind in {"place", "national"}:
        return _relocate(draw, rows, row, national=kind == "national")
    if kind == "copy":
        copy = list(rows[row])
        new_id = f"{_get(rows, row, 'event_id')}-copy{len(rows)}"
        rows.append(copy)
        _set(rows, len(rows) - 1, "event_id", new_id)
        moved = _relocate(draw, rows, len(rows) - 1, national=False) if draw(st.booleans()) else "kept"
        return f"{INCIDENTS}[{row}] copied as {new_id} ({moved})"
    figures = data[FIGURES]
    if len(figures) > 1:
        del figures[draw(st.integers(1, len(figures) - 1))]
        return f"{FIGURES}: a row deleted"
    return "nothing"


# --- edits on bytes -----------------------------------------------------------------------------


@st.composite
def _byte_edit(draw: st.DrawFn, files: dict[str, bytes | None]) -> str:
    name = draw(st.sampled_from(FILES))
    data = files[name]
    if data is None:
        return f"{name}: absent"
    kind = draw(
        st.sampled_from(
            (
                "bom",
                "crlf",
                "cr",
                "truncate",
                "quote",
                "blank_lines",
                "no_final_newline",
                "bad_utf8",
                "semicolons",
                "empty",
                "nul",
                "missing",
                "header_only",
            )
        )
    )
    position = draw(st.integers(0, max(0, len(data))))
    if kind == "bom":
        data = b"\xef\xbb\xbf" + data
    elif kind == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif kind == "cr":
        data = data.replace(b"\n", b"\r")
    elif kind == "truncate":
        data = data[: max(0, len(data) - draw(st.integers(1, 200)))]
    elif kind == "quote":
        data = data[:position] + draw(st.sampled_from((b'"', b'""', b'"x', b"'"))) + data[position:]
    elif kind == "blank_lines":
        newline = data.find(b"\n", position)
        at = len(data) if newline < 0 else newline + 1
        data = data[:at] + draw(st.sampled_from((b"\n", b"\n\n", b" \n", b",,,\n", b"\r\n"))) + data[at:]
    elif kind == "no_final_newline":
        data = data.rstrip(b"\r\n")
    elif kind == "bad_utf8":
        data = data[:position] + draw(st.sampled_from((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe9"))) + data[position:]
    elif kind == "semicolons":
        data = data.replace(b",", b";")
    elif kind == "empty":
        data = draw(st.sampled_from((b"", b"\n", b"   \n\n")))
    elif kind == "nul":
        data = data[:position] + b"\x00" + data[position:]
    elif kind == "missing":
        data = None
    elif kind == "header_only":
        data = data.split(b"\n", 1)[0] + b"\n"
    files[name] = data
    return f"{name}: {kind} at {position}"


# --- datasets -----------------------------------------------------------------------------------


@st.composite
def mutated_datasets(draw: st.DrawFn, base: dict[str, Rows], *, hostile: bool = True) -> Mutated:
    """Draw a mutated copy of ``base``.

    Parameters
    ----------
    base
        The dataset as read by :func:`read_rows` (not modified).
    hostile
        Draw any edit (cells, rows, columns, bytes); else only edits a valid dataset survives.
    """
    data = {name: [list(row) for row in rows] for name, rows in base.items()}
    steps = []
    if hostile:
        kinds = st.sampled_from((_cell_edit, _cell_edit, _cell_edit, _row_edit, _column_edit, _benign_edit))
        for _ in range(draw(st.integers(0, 4))):
            steps.append(draw(draw(kinds)(data)))
    else:
        for _ in range(draw(st.integers(1, 6))):
            steps.append(draw(_benign_edit(data)))
    files: dict[str, bytes | None] = {name: encode(rows) for name, rows in data.items()}
    if hostile:
        for _ in range(draw(st.integers(0, 2))):
            steps.append(draw(_byte_edit(files)))
    return Mutated(files, steps)
