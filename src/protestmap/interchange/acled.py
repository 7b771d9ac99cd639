"""ACLED interchange: read ACLED exports into a protestmap dataset (writing is in ``acled_out``).

Every layout in use is read, told apart by its header: ACLED's current 31-column export; the
older 2020 layout (``data_id``, ``event_id_no_cnty``, numeric ``inter`` codes, dates like
``9-May-20``); the monadic export (one row per actor, without ``actor2``, ``assoc_actor_2`` and
``inter2``); and dyadic exports that repeat an event once per actor. Rows repeating an event are
merged before anything is counted (a monadic event's second actor becomes ``actor2``); an event
id reused by a *different* event is an error. Dates may be written ``2023-01-09``, ``09 January
2023`` or ``9-May-20``, counts as floats (``3.0``). Every problem names the user's file, row
and column, and a malformed file writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from protestmap.dataset import schema
from protestmap.dataset._csv import Problem, read_table
from protestmap.errors import InvalidValueError
from protestmap.interchange.acled_out import ACLED_COLUMNS, FROM_ACLED, decode_tags, to_acled_rows
from protestmap.interchange.acled_places import AcledPlace, acled_place

__all__ = [
    "ACLED_2020_COLUMNS",
    "ACLED_COLUMNS",
    "ACLED_MONADIC_COLUMNS",
    "FROM_ACLED",
    "AcledImport",
    "read_acled",
    "to_acled_rows",
]

ACLED_2020_COLUMNS = (
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "timestamp", "iso3",
)  # fmt: skip
_SECOND_ACTOR = ("actor2", "assoc_actor_2", "inter2")
ACLED_MONADIC_COLUMNS = tuple(c for c in ACLED_COLUMNS if c not in _SECOND_ACTOR)
#: Layout name -> its columns (any order in the file).
LAYOUTS = {"current": ACLED_COLUMNS, "2020": ACLED_2020_COLUMNS, "monadic": ACLED_MONADIC_COLUMNS}
#: Columns that describe an actor or the row rather than the event: they may differ between the
#: rows of one event.
_PER_ROW = frozenset(
    {"actor1", "assoc_actor_1", "inter1", *_SECOND_ACTOR, "interaction", "timestamp", "data_id", "event_id_no_cnty"}
)
#: Counted columns and the values each allows (empty: any count).
_COUNTS: dict[str, tuple[int, ...]] = {
    "fatalities": (),
    "time_precision": schema.TIME_PRECISIONS,
    "geo_precision": schema.GEO_PRECISIONS,
}
#: ACLED's free-text columns that end up in the dataset.
_TEXT = ("sub_event_type", "actor1", "actor2", "location", "notes", "source", "admin1", "admin2", "admin3")
_DATES = ("%Y-%m-%d", "%d %B %Y", "%d-%b-%y", "%d-%B-%y", "%d %b %Y", "%d-%b-%Y", "%B %d, %Y", "%d/%m/%Y")


@dataclass
class AcledImport:
    """Outcome of reading an ACLED file.

    Attributes
    ----------
    layout
        ``current``, ``2020`` or ``monadic``.
    rows_in, duplicates
        Rows read and rows merged into an event already read (one row per actor).
    incidents, sources
        Rows for ``incidents.csv`` and ``sources.csv``.
    lines
        The line of the user's file each incident (and its source) comes from.
    problems
        Every row-level problem (the import is refused when there is any).
    unmapped
        ``(event type, sub-event type) -> rows`` that protestmap's vocabulary cannot hold.
    """

    layout: str
    rows_in: int = 0
    duplicates: int = 0
    incidents: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unmapped: dict[tuple[str, str], int] = field(default_factory=dict)


def parse_date(value: str) -> dt.date | None:
    """Read a date as ACLED writes it, or return None.

    Examples
    --------
    >>> [parse_date(v).isoformat() for v in ("2023-01-09", "09 January 2023", "9-May-20")]
    ['2023-01-09', '2023-01-09', '2020-05-09']
    """
    for pattern in _DATES:
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _layout(path: Path) -> tuple[str, tuple[str, ...]]:
    """Tell the layout from the header; an unknown header is checked against the closest one."""
    head = path.read_bytes()[:4000].decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    header = {h.strip().strip('"') for h in head[0].split(",")} if head else set()
    if "data_id" in header:
        return "2020", ACLED_2020_COLUMNS
    if header and header.isdisjoint(_SECOND_ACTOR):
        return "monadic", ACLED_MONADIC_COLUMNS
    return "current", ACLED_COLUMNS


class _Event:
    """The rows of one event id: the first decides, later ones add actors or contradict it."""

    def __init__(self, line: int, row: dict[str, str]) -> None:
        self.line, self.row = line, row
        self.others: list[str] = []

    def differs(self, row: dict[str, str]) -> str | None:
        for column, value in self.row.items():
            if column not in _PER_ROW and value.strip() != row.get(column, "").strip():
                return f"{column} is {row.get(column, '')!r} here but {value!r} there"
        return None

    def merged(self) -> dict[str, str]:
        """Return the event's row; in a monadic export, the next actor named becomes ``actor2``."""
        if "actor2" in self.row:
            return self.row
        first = self.row.get("actor1", "").strip()
        second = next((a for a in self.others if a and a != first), "")
        return {**self.row, "actor2": second}


def read_acled(path: Path) -> AcledImport:
    """Read an ACLED CSV export into protestmap rows, reporting every problem by row and column.

    Parameters
    ----------
    path
        The ACLED CSV, in any of :data:`LAYOUTS`.

    Returns
    -------
    AcledImport
        Rows for the dataset, the line each comes from, and every problem.
    """
    layout, expected = _layout(path)
    table = read_table(path, expected)
    result = AcledImport(layout=layout, rows_in=table.rows_in, problems=list(table.problems))
    events: dict[str, _Event] = {}
    for line, row in table.records:
        event = row.get("event_id_cnty", "").strip()
        first = events.get(event)
        if first is None:
            events[event] = _Event(line, row)
            continue
        difference = first.differs(row)
        if difference is not None:
            reason = f"event id {event!r} is already used by a different event on row {first.line}: {difference}"
            result.problems.append(Problem(table.name, line, "event_id_cnty", reason))
            continue
        result.duplicates += 1  # one row per actor: the event is already counted
        first.others.append(row.get("actor1", "").strip())
    for rows in events.values():
        _convert(table.name, rows.line, rows.merged(), result)
    return result


def _numbers(row: dict[str, str], fail: Callable[[str, str], None], *, point: bool) -> dict[str, Any]:
    """Read the counts, precisions and coordinates with protestmap's definitions of valid values.

    A whole count written as a float (``2.0``) is accepted; ``2.9``, ``nan``, ``inf``, ``1e20`` or
    a negative number is an error, never truncated. ``point`` says whether coordinates are needed.
    """
    numbers: dict[str, Any] = {}
    for column, allowed in _COUNTS.items():
        try:
            value = schema.parse_count(row.get(column, ""), acled=True)
        except InvalidValueError as exc:
            fail(column, str(exc))
            continue
        if value is None:
            fail(column, "empty; ACLED writes a number here (0 when there is none)")
        elif allowed and value not in allowed:
            fail(column, f"{value} is not one of {', '.join(map(str, allowed))}")
        else:
            numbers[column] = value
    if not point:
        return {**numbers, "latitude": None, "longitude": None}
    for column in ("latitude", "longitude"):
        try:
            numbers[column] = schema.parse_coordinate(row.get(column, ""), axis=column)
        except InvalidValueError as exc:
            fail(column, str(exc))
            continue
        if numbers[column] is None:
            fail(column, "empty; ACLED gives every event a point")
            del numbers[column]
    if "latitude" in numbers and "longitude" in numbers:
        reason = schema.point_problem(numbers["latitude"], numbers["longitude"])
        if reason is not None:
            fail("latitude", reason)
            del numbers["latitude"]
    return numbers


def _measures(tags: dict[str, str], fail: Callable[[str, str], None]) -> dict[str, Any]:
    """Read the counts and end date protestmap wrote into ``tags``."""
    found: dict[str, Any] = {"injured": None, "arrested": None, "blockade_points": None, "end_date": ""}
    for measure in ("injured", "arrested", "blockade_points"):
        try:
            found[measure] = schema.parse_count(tags.get(measure, ""))
        except InvalidValueError as exc:
            fail("tags", f"{measure}: {exc}")
    if tags.get("end_date"):
        end = parse_date(tags["end_date"])
        if end is None:
            fail("tags", f"end_date {tags['end_date']!r} is not a date")
        else:
            found["end_date"] = end.isoformat()
    return found


def _event_type(row: dict[str, str], tags: dict[str, str], fail: Callable[[str, str], None]) -> str | None:
    if "protestmap_type" in tags:
        if tags["protestmap_type"] not in schema.EVENT_TYPES:
            fail("tags", f"protestmap_type {tags['protestmap_type']!r} is not a protestmap event type")
        return tags["protestmap_type"]
    return FROM_ACLED.get((row.get("event_type", "").strip(), row.get("sub_event_type", "").strip()))


def _convert(file: str, line: int, row: dict[str, str], result: AcledImport) -> None:
    def fail(column: str, reason: str) -> None:
        result.problems.append(Problem(file, line, column, reason))

    event = row.get("event_id_cnty", "").strip()
    if not re.fullmatch(r"[A-Za-z0-9._-]+", event):
        fail("event_id_cnty", f"{event!r} is not a usable event id")
    day = parse_date(row.get("event_date", ""))
    if day is None:
        fail(
            "event_date",
            f"{row.get('event_date')!r} is not a date ACLED writes (2023-01-09, 09 January 2023, 9-Jan-23)",
        )
    tags = decode_tags(row.get("tags", ""))
    scope = tags.get("scope") or ("national" if not row.get("admin1", "").strip() else "local")
    if scope not in schema.SCOPES:
        fail("tags", f"scope {scope!r} is not one of {', '.join(schema.SCOPES)}")
    numbers = _numbers(row, fail, point=scope != "national")
    measures = _measures(tags, fail)
    for column in _TEXT:
        reason = schema.text_problem(row.get(column, ""))
        if reason is not None:
            fail(column, reason)
    kind = _event_type(row, tags, fail)
    if kind is None:
        key = (row.get("event_type", "").strip(), row.get("sub_event_type", "").strip())
        result.unmapped[key] = result.unmapped.get(key, 0) + 1
        return
    place = None
    if scope != "national":
        place = acled_place(row.get("admin1", ""), row.get("admin2", ""), row.get("admin3", ""))
        if place is None:
            fail("admin1", f"{row.get('admin1')!r} / {row.get('admin2')!r} is not an INEI department / province")
            return
    if day is None or len(numbers) < 5:
        return
    _append(file, line, row, result, _Facts(day, kind, scope, place, {**numbers, **measures}))


class _Facts(NamedTuple):
    """What one event's row says, read and checked."""

    day: dt.date
    kind: str
    scope: str
    place: AcledPlace | None
    values: dict[str, Any]


def _append(file: str, line: int, row: dict[str, str], result: AcledImport, facts: _Facts) -> None:
    """Add one event's incident and source, with the line of the user's file it comes from."""
    day, kind, scope, place, values = facts
    event = row["event_id_cnty"].strip()
    tags = decode_tags(row.get("tags", ""))
    not_given = set(tags.get("not_given", "").split())
    source_id = f"acled-{event}"
    result.lines.append(line)
    result.sources.append(
        {
            "source_id": source_id,
            "kind": "ngo",
            "outlet": f"ACLED, citing: {row.get('source', '').strip() or 'not given'}",
            "published": day.isoformat(),
            "title": f"ACLED event {event}",
            "reference": file,
            "url": "",
            "notes": "Publication date of the cited reports unknown; the event date stands in.",
        }
    )
    fatalities = None if "fatalities" in not_given else values["fatalities"]
    detail = tags.get("protestmap_detail", row.get("sub_event_type", "").strip())
    clash_with_deaths = kind == "clash" and fatalities and "protestmap_type" not in tags
    admin = ("", "", "", "") if place is None else place
    result.incidents.append(
        {
            "event_id": event,
            "event_date": day.isoformat(),
            "end_date": values["end_date"],
            "time_precision": values["time_precision"],
            "event_type": "attack_on_protesters" if clash_with_deaths else kind,
            "sub_event_type": "" if "sub_event_type" in not_given else detail,
            "actor1": row.get("actor1", "").strip(),
            "actor2": row.get("actor2", "").strip(),
            "fatalities": fatalities,
            "injured": values["injured"],
            "arrested": values["arrested"],
            "blockade_points": values["blockade_points"],
            "scope": scope,
            "location": row.get("location", "").strip() or admin[1] or admin[0] or "Peru",
            "admin1": admin[0],
            "admin2": admin[1],
            "admin3": admin[2],
            "ubigeo": admin[3],
            "latitude": values["latitude"],
            "longitude": values["longitude"],
            "geo_precision": None if "geo_precision" in not_given else values["geo_precision"],
            "source_ids": source_id,
            "notes": row.get("notes", "").strip() or "Imported from ACLED.",
        }
    )
