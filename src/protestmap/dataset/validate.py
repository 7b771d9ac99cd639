"""Validation of an incident dataset: schema, vocabularies, dates, counts, places and sources.

A dataset is a directory holding ``incidents.csv``, ``sources.csv`` and ``source_figures.csv``
(see ``data/README.md``). :func:`validate_dataset` reads all three and returns every problem, never
only the first; each names file, row, column and reason.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from protestmap.dataset import schema
from protestmap.dataset._csv import Problem, Table, read_table
from protestmap.places.gazetteer import load_gazetteer, normalize

__all__ = ["Problem", "ValidationReport", "dataset_paths", "validate_dataset"]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_UBIGEO = re.compile(r"^(\d{2}|\d{4}|\d{6})$")
_DEPARTMENT_CODES = {name: code for code, name in schema.DEPARTMENTS.items()}
_ADMIN = ("admin1", "admin2", "admin3")


@dataclass
class ValidationReport:
    """What validation found.

    Attributes
    ----------
    tables
        The tables read, by role (``incidents``, ``sources``, ``figures``).
    problems
        Every problem, sorted by file, row and column.
    """

    tables: dict[str, Table] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the dataset has no problem at all."""
        return not self.problems

    def rows_in(self, role: str) -> int:
        """Count the records the file of ``role`` holds."""
        return self.tables[role].rows_in

    def rows_rejected(self, role: str) -> int:
        """Count the records of ``role`` with at least one problem (all of them after a header problem)."""
        return self.tables[role].rejected(self.problems)

    def rows_used(self, role: str) -> int:
        """Count the records of ``role`` without any problem."""
        return self.rows_in(role) - self.rows_rejected(role)

    def summary(self) -> str:
        """Describe rows in, used and rejected for each file in one line."""
        parts = []
        for role, table in self.tables.items():
            counts = (self.rows_in(role), self.rows_used(role), self.rows_rejected(role))
            parts.append(f"{table.name}: {counts[0]} in, {counts[1]} used, {counts[2]} rejected")
        return "; ".join(parts)


def dataset_paths(path: Path) -> dict[str, Path]:
    """Return the three files of the dataset at ``path``.

    Parameters
    ----------
    path
        A dataset directory, or its ``incidents.csv`` (the other files are looked up beside it).

    Returns
    -------
    dict
        ``{"incidents": ..., "sources": ..., "figures": ...}``.
    """
    directory = path.parent if path.suffix.lower() == ".csv" else path
    paths = {role: directory / name for role, name in schema.FILES.items()}
    if path.suffix.lower() == ".csv":
        paths["incidents"] = path
    return paths


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


class _RowChecker:
    """Collects problems for one record; small helpers keep each rule to one line."""

    def __init__(self, table: Table, line: int, row: dict[str, str], out: list[Problem]) -> None:
        self.file, self.line, self.row, self.out = table.name, line, row, out

    def get(self, column: str) -> str:
        return self.row.get(column, "").strip()

    def fail(self, column: str, reason: str) -> None:
        self.out.append(Problem(self.file, self.line, column, reason))

    def required(self, columns: Iterable[str]) -> None:
        for column in sorted(columns):
            if column in self.row and not self.get(column):
                self.fail(column, "required value is empty")

    def date(self, column: str) -> dt.date | None:
        value = self.get(column)
        if not value:
            return None
        parsed = _parse_date(value)
        if parsed is None:
            self.fail(column, f"{value!r} is not a real date in YYYY-MM-DD form")
        elif not schema.DATE_MIN <= parsed <= schema.DATE_MAX:
            self.fail(column, f"{value} is outside {schema.DATE_MIN}..{schema.DATE_MAX}")
            return None
        return parsed

    def integer(self, column: str, *, allowed: Iterable[int] | None = None) -> int | None:
        value = self.get(column)
        reason = schema.count_problem(value)
        if reason is not None:
            self.fail(column, reason)
            return None
        if not value:
            return None
        number = int(value)
        allowed = tuple(allowed) if allowed is not None else None
        if allowed is not None and number not in allowed:
            self.fail(column, f"{number} is not one of {', '.join(map(str, allowed))}")
            return None
        return number

    def coordinate(self, column: str) -> float | None:
        value = self.get(column)
        reason = schema.coordinate_problem(value, axis=column)
        if reason is not None:
            self.fail(column, reason)
            return None
        return float(value) if value else None

    def text(self, numeric: frozenset[str]) -> None:
        for column, value in self.row.items():
            reason = schema.text_problem(value) if column not in numeric else None
            if reason is not None:
                self.fail(column or "-", reason)

    def choice(self, column: str, vocabulary: Iterable[str]) -> str | None:
        value = self.get(column)
        vocabulary = tuple(vocabulary)
        if value and value not in vocabulary:
            self.fail(column, f"unknown value {value!r}; expected one of: {', '.join(vocabulary)}")
            return None
        return value or None

    def identifier(self, column: str) -> str | None:
        value = self.get(column)
        if value and not _ID.match(value):
            self.fail(column, f"{value!r} is not a valid id (letters, digits, '-', '_', '.')")
            return None
        return value or None


def _check_national(c: _RowChecker, precision: int | None) -> None:
    for column in ("admin1", "admin2", "admin3", "ubigeo", "latitude", "longitude"):
        if c.get(column):
            c.fail(column, "must be empty for a national-scope incident")
    if precision not in (None, 3):
        c.fail("geo_precision", "a national-scope incident has geo_precision 3 or empty")


def _check_ubigeo(c: _RowChecker, ubigeo: str, admin: list[str]) -> bool:
    """Check the ubigeo's shape against the names; return whether it can be looked up."""
    depth = 3 if admin[2] else 2 if admin[1] else 1
    if not _UBIGEO.match(ubigeo):
        c.fail("ubigeo", f"{ubigeo!r} is not a 2-, 4- or 6-digit INEI ubigeo")
    elif len(ubigeo) != 2 * depth:
        c.fail("ubigeo", f"{ubigeo} has {len(ubigeo)} digits but the deepest level named needs {2 * depth}")
    elif admin[0] in _DEPARTMENT_CODES and ubigeo[:2] != _DEPARTMENT_CODES[admin[0]]:
        c.fail("ubigeo", f"{ubigeo} is not in {admin[0]} (code {_DEPARTMENT_CODES[admin[0]]})")
    else:
        return True
    return False


@functools.lru_cache(maxsize=65536)
def _folded(name: str) -> str:
    return normalize(name)


def _check_code_in_gazetteer(c: _RowChecker, ubigeo: str, admin: list[str]) -> None:
    """Check that the ubigeo exists and that the province and district named are its own.

    The comparison ignores accents, case and punctuation, exactly as the geocoding stage does; a
    row that fails it would be left off the maps as inconsistent.
    """
    entry = load_gazetteer().unit(ubigeo)
    if entry is None:
        c.fail("ubigeo", f"{ubigeo} is not an INEI code in the gazetteer; check the digits")
        return
    for column, given, official in zip(_ADMIN[1:], admin[1:], entry.admin[1:], strict=True):
        if given and official and _folded(given) != _folded(official):
            c.fail(column, f"{given!r} does not match ubigeo {ubigeo}, which is {official!r}; fix the name or the code")


@functools.lru_cache(maxsize=65536)
def _unplaced(location: str, admin1: str, admin2: str, admin3: str) -> str | None:
    """Return why the geocoding stage cannot place these names, or None when it can."""
    from protestmap.places.table import _entry_for

    row = {"ubigeo": "", "location": location, "admin1": admin1, "admin2": admin2, "admin3": admin3}
    entry, _, reason = _entry_for(row, load_gazetteer())
    return reason if entry is None else None


def _check_name_in_gazetteer(c: _RowChecker) -> None:
    """Check that a row without ubigeo or coordinates names a place the gazetteer resolves to one unit."""
    names = [c.get(k) for k in _ADMIN]
    reason = _unplaced(c.get("location"), *names)
    if reason is not None:
        column = next((k for k, v in zip(_ADMIN[::-1], names[::-1], strict=True) if v), "location")
        c.fail(column, f"the maps cannot place this row ({reason}); give the ubigeo or coordinates")


def _check_place(c: _RowChecker) -> None:
    scope = c.choice("scope", schema.SCOPES)
    admin = [c.get(k) for k in _ADMIN]
    ubigeo, precision = c.get("ubigeo"), c.integer("geo_precision", allowed=schema.GEO_PRECISIONS)
    lat, lon = c.coordinate("latitude"), c.coordinate("longitude")
    if scope == "national":
        _check_national(c, precision)
        return
    if scope is not None and not admin[0]:
        c.fail("admin1", f"a {scope} incident needs its department")
    if scope is not None and precision is None:
        c.fail("geo_precision", "required for local and regional incidents")
    if scope == "regional" and precision == 1:
        c.fail("geo_precision", "a regional incident cannot have town precision (1)")
    if admin[0] and admin[0] not in _DEPARTMENT_CODES:
        c.fail("admin1", f"{admin[0]!r} is not an INEI department name (e.g. 'Apurímac', 'Cusco')")
    if admin[2] and not admin[1]:
        c.fail("admin2", "a district is given without its province")
    if ubigeo and _check_ubigeo(c, ubigeo, admin):
        _check_code_in_gazetteer(c, ubigeo, admin)
    elif not ubigeo and not c.get("latitude") and admin[0] in {"", *_DEPARTMENT_CODES}:
        _check_name_in_gazetteer(c)
    if bool(c.get("latitude")) != bool(c.get("longitude")):
        c.fail("longitude" if c.get("latitude") else "latitude", "latitude and longitude go together")
    elif lat is not None and lon is not None and schema.point_problem(lat, lon):
        c.fail("latitude", schema.point_problem(lat, lon) or "")


def _check_incidents(table: Table, source_ids: set[str], out: list[Problem]) -> set[str]:
    seen: dict[str, int] = {}
    for line, row in table.records:
        c = _RowChecker(table, line, row, out)
        c.required(schema.REQUIRED["incidents"])
        c.text(schema.NUMERIC["incidents"])
        event_id = c.identifier("event_id")
        if event_id and event_id in seen:
            c.fail("event_id", f"duplicate id {event_id!r} (first on row {seen[event_id]})")
        elif event_id:
            seen[event_id] = line
        start, end = c.date("event_date"), c.date("end_date")
        if start and end and end < start:
            c.fail("end_date", f"{end} is before event_date {start}")
        c.integer("time_precision", allowed=schema.TIME_PRECISIONS)
        c.choice("event_type", schema.EVENT_TYPES)
        for measure in schema.MEASURES:
            c.integer(measure)
        _check_place(c)
        refs = [r.strip() for r in c.get("source_ids").split(";") if r.strip()]
        if c.get("source_ids") and not refs:
            c.fail("source_ids", f"{c.get('source_ids')!r} names no source; give at least one source_id")
        for ref in refs:
            if ref not in source_ids:
                c.fail("source_ids", f"source {ref!r} is not in {schema.FILES['sources']}")
    return set(seen)


def _check_sources(table: Table, out: list[Problem]) -> set[str]:
    seen: dict[str, int] = {}
    for line, row in table.records:
        c = _RowChecker(table, line, row, out)
        c.required(schema.REQUIRED["sources"])
        c.text(schema.NUMERIC["sources"])
        source_id = c.identifier("source_id")
        if source_id and source_id in seen:
            c.fail("source_id", f"duplicate id {source_id!r} (first on row {seen[source_id]})")
        elif source_id:
            seen[source_id] = line
        c.choice("kind", schema.SOURCE_KINDS)
        c.date("published")
        url = c.get("url")
        if url and not re.match(r"^https?://\S+$", url):
            c.fail("url", f"{url!r} is not an http(s) URL")
        if c.get("kind") == "seed" and not c.get("reference"):
            c.fail("reference", "a seed source names its article file in 'reference'")
    return set(seen)


def _check_figures(table: Table, event_ids: set[str], source_ids: set[str], out: list[Problem]) -> None:
    for line, row in table.records:
        c = _RowChecker(table, line, row, out)
        c.required(schema.REQUIRED["figures"])
        c.text(schema.NUMERIC["figures"])
        if c.get("event_id") and c.get("event_id") not in event_ids:
            c.fail("event_id", f"incident {c.get('event_id')!r} is not in {schema.FILES['incidents']}")
        if c.get("source_id") and c.get("source_id") not in source_ids:
            c.fail("source_id", f"source {c.get('source_id')!r} is not in {schema.FILES['sources']}")
        c.choice("measure", schema.MEASURES)
        c.integer("value")
        c.date("as_of")


def validate_dataset(path: Path, *, read: Callable[[Path, tuple[str, ...]], Table] = read_table) -> ValidationReport:
    """Validate the dataset at ``path`` and report every problem.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``.
    read
        The table reader (replaceable in tests).

    Returns
    -------
    ValidationReport
        All tables read and all problems found; ``report.ok`` is true when there is none.
    """
    report = ValidationReport()
    for role, file in dataset_paths(Path(path)).items():
        report.tables[role] = read(file, schema.COLUMNS[role])
    out: list[Problem] = [p for t in report.tables.values() for p in t.problems]
    source_ids = _check_sources(report.tables["sources"], out)
    event_ids = _check_incidents(report.tables["incidents"], source_ids, out)
    _check_figures(report.tables["figures"], event_ids, source_ids, out)
    report.problems = sorted(set(out))
    return report
