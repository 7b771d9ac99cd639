"""Validation of an incident dataset: schema, vocabularies, dates, counts, places and sources.

A dataset is a directory holding ``incidents.csv``, ``sources.csv`` and ``source_figures.csv``
(see ``data/README.md``). :func:`validate_dataset` reads all three and returns every problem, never
only the first; each names file, row, column and reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from protestmap.dataset import schema
from protestmap.dataset._columns import Columns
from protestmap.dataset._csv import Problem, Table, read_table
from protestmap.dataset._fastcsv import WHITESPACE, re2_class, trim
from protestmap.dataset.victims import check_victims

__all__ = ["PlaceRegistry", "Problem", "ValidationReport", "dataset_paths", "validate_dataset"]

_URL = "^https?://" + re2_class(WHITESPACE, negate=True) + "+$"
_UBIGEO = re.compile(r"^(\d{2}|\d{4}|\d{6})$")
_DEPARTMENT_CODES = {name: code for code, name in schema.DEPARTMENTS.items()}
_ADMIN = ("admin1", "admin2", "admin3")


def _numpy(values: pa.ChunkedArray) -> np.ndarray:
    return values.to_numpy(zero_copy_only=False)


@dataclass
class ValidationReport:
    """What validation found.

    Attributes
    ----------
    tables
        The tables read, by role (``incidents``, ``sources``, ``figures``).
    problems
        Every problem, sorted by file, row and column.
    columns
        The checked columns of each table, by role: the loader reuses their stripped values.
    """

    tables: dict[str, Table] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, Columns] = field(default_factory=dict, repr=False, compare=False)

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
            rows_in, used, rejected = self.rows_in(role), self.rows_used(role), self.rows_rejected(role)
            parts.append(f"{table.name}: {rows_in} in, {used} used, {rejected} rejected")
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


class PlaceRegistry(Protocol):
    """The INEI reference a dataset's places are checked against (see :mod:`protestmap.places.check`).

    Validation receives it from the caller, so the dataset stage does not depend on the places stage.
    """

    def unit_names(self, ubigeo: str) -> tuple[str, str, str] | None:
        """Return the department, province and district names of a code, or None if it is not INEI's."""

    def same_name(self, given: str, official: str) -> bool:
        """Tell whether two names are the same place name (accents, case and punctuation aside)."""

    def why_unplaced(self, location: str, admin1: str, admin2: str, admin3: str) -> str | None:
        """Return why these names cannot be placed on one unit, or None when they can."""


def _ubigeo_problems(places: PlaceRegistry | None) -> Callable[..., list[tuple[str, str]]]:
    """Check an ubigeo's shape against the names, then (with ``places``) its existence and names."""

    def check(ubigeo: str, department: str, province: str, district: str) -> list[tuple[str, str]]:
        depth = 3 if district else 2 if province else 1
        if not _UBIGEO.match(ubigeo):
            return [("ubigeo", f"{ubigeo!r} is not a 2-, 4- or 6-digit INEI ubigeo")]
        if len(ubigeo) != 2 * depth:
            return [("ubigeo", f"{ubigeo} has {len(ubigeo)} digits but the deepest level named needs {2 * depth}")]
        if department in _DEPARTMENT_CODES and ubigeo[:2] != _DEPARTMENT_CODES[department]:
            return [("ubigeo", f"{ubigeo} is not in {department} (code {_DEPARTMENT_CODES[department]})")]
        if places is None:
            return []
        names = places.unit_names(ubigeo)
        if names is None:
            return [("ubigeo", f"{ubigeo} is not an INEI code in the gazetteer; check the digits")]
        return [
            (column, f"{given!r} does not match ubigeo {ubigeo}, which is {official!r}; fix the name or the code")
            for column, given, official in zip(_ADMIN[1:], (province, district), names[1:], strict=True)
            if given and official and not places.same_name(given, official)
        ]

    return check


def _name_problems(places: PlaceRegistry) -> Callable[..., list[tuple[str, str]]]:
    """Check that a row without ubigeo or coordinates names a place that resolves to one unit."""

    def check(location: str, *admin: str) -> list[tuple[str, str]]:
        reason = places.why_unplaced(location, *admin)
        if reason is None:
            return []
        column = next((k for k, v in zip(_ADMIN[::-1], admin[::-1], strict=True) if v), "location")
        return [(column, f"the maps cannot place this row ({reason}); give the ubigeo or coordinates")]

    return check


def _check_national(c: Columns, national: np.ndarray, precision: np.ndarray) -> None:
    for column in (*_ADMIN, "ubigeo", "latitude", "longitude"):
        c.fail(national & c.filled(column), column, "must be empty for a national-scope incident")
    wrong = national & (precision >= 0) & (precision != 3)
    c.fail(wrong, "geo_precision", "a national-scope incident has geo_precision 3 or empty")


def _check_levels(
    c: Columns, local: np.ndarray, scoped: np.ndarray, precision: np.ndarray, places: PlaceRegistry | None
) -> None:
    """Check department, precision and the chain of names, for rows that are not national."""
    admin1 = c.filled("admin1")
    c.fail(
        local & scoped & ~admin1,
        "admin1",
        lambda scope: f"a {scope} incident needs its department",
        source=c.get("scope"),
    )
    c.fail(local & scoped & (precision < 0), "geo_precision", "required for local and regional incidents")
    regional = _numpy(pc.equal(c.get("scope"), "regional"))
    c.fail(local & regional & (precision == 1), "geo_precision", "a regional incident cannot have town precision (1)")
    known = _numpy(pc.is_in(c.get("admin1"), pa.array(list(_DEPARTMENT_CODES))))
    reason = "{!r} is not an INEI department name (e.g. 'Apurímac', 'Cusco')".format
    c.fail(local & admin1 & ~known, "admin1", reason)
    c.fail(local & c.filled("admin3") & ~c.filled("admin2"), "admin2", "a district is given without its province")
    ubigeo, latitude = c.filled("ubigeo"), c.filled("latitude")
    c.per_key(local & ubigeo, ("ubigeo", *_ADMIN), _ubigeo_problems(places))
    if places is not None:
        c.per_key(local & ~ubigeo & ~latitude & (known | ~admin1), ("location", *_ADMIN), _name_problems(places))


def _check_point(c: Columns, local: np.ndarray, latitude: np.ndarray, longitude: np.ndarray) -> None:
    has_lat, has_lon = c.filled("latitude"), c.filled("longitude")
    c.fail(local & has_lat & ~has_lon, "longitude", "latitude and longitude go together")
    c.fail(local & ~has_lat & has_lon, "latitude", "latitude and longitude go together")
    lon_min, lat_min, lon_max, lat_max = schema.PERU_BBOX
    inside = (latitude >= lat_min) & (latitude <= lat_max) & (longitude >= lon_min) & (longitude <= lon_max)
    outside = local & (has_lat == has_lon) & ~np.isnan(latitude) & ~np.isnan(longitude) & ~inside
    points = iter(zip(latitude[outside].tolist(), longitude[outside].tolist(), strict=True))
    c.fail(outside, "latitude", lambda _: schema.point_problem(*next(points)))


def _check_place(c: Columns, places: PlaceRegistry | None) -> None:
    scoped = c.choice("scope", schema.SCOPES)
    precision = c.integer("geo_precision", allowed=schema.GEO_PRECISIONS)
    latitude, longitude = c.coordinate("latitude"), c.coordinate("longitude")
    national = _numpy(pc.equal(c.get("scope"), "national"))
    _check_national(c, national, precision)
    _check_levels(c, ~national, scoped, precision, places)
    _check_point(c, ~national, latitude, longitude)


def _check_sources_cited(c: Columns, source_ids: pa.Array) -> None:
    """Check that ``source_ids`` names at least one source and only sources that exist."""
    lists = pc.split_pattern(c.get("source_ids"), ";")
    refs, owners = trim(pc.list_flatten(lists)), _numpy(pc.list_parent_indices(lists))
    named = _numpy(pc.binary_length(refs)) > 0
    counted = np.bincount(owners[named], minlength=c.rows)
    none = "{!r} names no source; give at least one source_id".format
    c.fail(c.filled("source_ids") & (counted == 0), "source_ids", none)
    unknown = named & ~_numpy(pc.is_in(refs, source_ids))
    lines = c.table.lines[owners[unknown]].tolist()
    for line, ref in zip(lines, refs.filter(pa.array(unknown)).to_pylist(), strict=True):
        c.out.append(Problem(c.file, line, "source_ids", f"source {ref!r} is not in {schema.FILES['sources']}"))


def _check_incidents(c: Columns, source_ids: pa.Array, places: PlaceRegistry | None) -> pa.Array:
    # The text search and the id checks need no other column, so they run beside the other checks,
    # on the other core; problems may be added in any order, since the report sorts them.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="protestmap-check") as pool:
        suspects = pool.submit(c.suspect_text, schema.NUMERIC["incidents"])
        event_ids = pool.submit(lambda: c.duplicates("event_id", c.identifier("event_id")))
        _check_incident_cells(c, source_ids, places)
        c.report_text(suspects.result())
        return event_ids.result()


def _check_incident_cells(c: Columns, source_ids: pa.Array, places: PlaceRegistry | None) -> None:
    c.required(schema.REQUIRED["incidents"])
    start, end = c.date("event_date"), c.date("end_date")
    before = (start >= 0) & (end >= 0) & (end < start)
    starts = iter(c.values(before, "event_date"))
    c.fail(before, "end_date", lambda end: f"{end} is before event_date {next(starts)}")
    c.integer("time_precision", allowed=schema.TIME_PRECISIONS)
    c.choice("event_type", schema.EVENT_TYPES)
    for measure in schema.MEASURES:
        c.integer(measure)
    _check_place(c, places)
    _check_sources_cited(c, source_ids)


def _check_sources(c: Columns) -> pa.Array:
    c.required(schema.REQUIRED["sources"])
    c.text(schema.NUMERIC["sources"])
    source_ids = c.duplicates("source_id", c.identifier("source_id"))
    c.choice("kind", schema.SOURCE_KINDS)
    web = _numpy(pc.match_substring_regex(c.get("url"), _URL))
    c.fail(c.filled("url") & ~web, "url", "{!r} is not an http(s) URL".format)
    seed = _numpy(pc.equal(c.get("kind"), "seed"))
    c.fail(seed & ~c.filled("reference"), "reference", "a seed source names its article file in 'reference'")
    return source_ids


def _not_listed(what: str, file: str) -> Callable[[str], str]:
    """Word the problem of a figure citing an incident or source that ``file`` does not hold."""
    return lambda v: f"{what} {v!r} is not in {file}"


def _check_figures(c: Columns, event_ids: pa.Array, source_ids: pa.Array) -> None:
    c.required(schema.REQUIRED["figures"])
    c.text(schema.NUMERIC["figures"])
    for column, known, role in (("event_id", event_ids, "incidents"), ("source_id", source_ids, "sources")):
        cited = pc.unique(c.get(column))
        present = known.filter(pc.is_in(known, cited))  # probe the large set with the small one
        missing = c.filled(column) & ~_numpy(pc.is_in(c.get(column), present))
        what = "incident" if role == "incidents" else "source"
        c.fail(missing, column, _not_listed(what, schema.FILES[role]))
    c.choice("measure", schema.MEASURES)
    c.integer("value")
    c.choice("counts", schema.FIGURE_COUNTS)


def _pairs(events: pa.ChunkedArray | pa.Array, sources: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """Join event and source ids into one key per row (ids cannot hold the separator)."""
    return pc.binary_join_element_wise(events, sources, "\x1f")


def _check_figure_sources(figures: Columns, incidents: Columns, sources: Columns) -> None:
    """Check each figure's source against its incident's ``source_ids`` and its own publication day.

    A figure must come from a source its incident cites, and its ``as_of`` cannot be later than the
    day that source was published: a source reports what was known when it appeared.
    """
    events, refs = figures.get("event_id"), figures.get("source_id")
    with_figures = pc.is_in(incidents.get("event_id"), pc.unique(events))  # probe the few incidents with figures
    lists = pc.split_pattern(incidents.get("source_ids").filter(with_figures), ";")
    owners = pc.list_parent_indices(lists)
    present = incidents.get("event_id").filter(with_figures)
    cited = _pairs(present.take(owners), trim(pc.list_flatten(lists)))
    incident_known = _numpy(pc.is_in(events, present))
    position = pc.index_in(refs, sources.get("source_id"))
    source_known = _numpy(pc.is_valid(position))
    uncited = incident_known & source_known & ~_numpy(pc.is_in(_pairs(events, refs), cited))
    owner = iter(figures.values(uncited, "event_id"))
    reason = "source {!r} is not cited by incident {!r}; add it to that row's source_ids in {}".format
    figures.fail(uncited, "source_id", lambda ref: reason(ref, next(owner), schema.FILES["incidents"]))
    published = np.append(sources.date("published"), -1)  # the last entry stands for no source
    day = published[_numpy(position.fill_null(sources.rows))]
    as_of = figures.date("as_of")
    late = (as_of >= 0) & (day >= 0) & (as_of > day)
    days = iter(f"{d // 10_000:04d}-{d // 100 % 100:02d}-{d % 100:02d}" for d in day[late].tolist())
    ids = iter(figures.values(late, "source_id"))
    late_reason = "{} is after {!r} was published ({}); a source cannot report a figure as of a later day".format
    figures.fail(late, "as_of", lambda value: late_reason(value, next(ids), next(days)))


def validate_dataset(
    path: Path,
    *,
    places: PlaceRegistry | None = None,
    read: Callable[[Path, tuple[str, ...]], Table] = read_table,
) -> ValidationReport:
    """Validate the dataset at ``path`` and report every problem.

    Parameters
    ----------
    path
        A dataset directory or its ``incidents.csv``.
    places
        The INEI reference to check codes and names against; without it only their shape is
        checked. :func:`protestmap.validate_dataset` and the command line always give it.
    read
        The table reader (replaceable in tests).

    Returns
    -------
    ValidationReport
        All tables read and all problems found; ``report.ok`` is true when there is none.
    """
    report = ValidationReport()
    paths = dataset_paths(Path(path))
    for role, file in paths.items():
        report.tables[role] = read(file, schema.COLUMNS[role])
    victims = paths["incidents"].parent / schema.VICTIMS_FILE
    if victims.is_file():
        report.tables["victims"] = read(victims, schema.COLUMNS["victims"])
    out: list[Problem] = [p for t in report.tables.values() for p in t.problems]
    columns = {role: Columns(table, out) for role, table in report.tables.items()}
    source_ids = _check_sources(columns["sources"])
    event_ids = _check_incidents(columns["incidents"], source_ids, places)
    _check_figures(columns["figures"], event_ids, source_ids)
    _check_figure_sources(columns["figures"], columns["incidents"], columns["sources"])
    if "victims" in columns:
        fatalities = _fatalities(columns["incidents"])
        check_victims(columns["victims"], fatalities=fatalities, ubigeo_problems=_ubigeo_problems(places))
        _check_sources_cited(columns["victims"], source_ids)
    for checked in columns.values():
        checked.keep_stripped_only()
    report.problems, report.columns = _sorted_unique(out), columns
    return report


def _fatalities(c: Columns) -> dict[str, int | None]:
    """Each incident's fatalities by event_id (None when empty or not a count, which is reported anyway)."""
    if not (c.has("event_id") and c.has("fatalities")):
        return {}
    ids, counts = c.get("event_id").to_pylist(), c.get("fatalities").to_pylist()
    return {e: int(n) if n.isdigit() and n.isascii() else None for e, n in zip(ids, counts, strict=True) if e}


def _sorted_unique(problems: list[Problem]) -> list[Problem]:
    """Sort problems by file, row, column and reason, dropping repeats.

    Keys are plain tuples, so hashing and comparing run in C instead of through the dataclass's
    generated methods (which dominated validation time on files with many problems).
    """
    unique = {(p.file, p.row, p.column, p.reason): p for p in problems}
    return [unique[key] for key in sorted(unique)]
