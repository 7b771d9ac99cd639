"""ACLED interchange: read ACLED exports into a protestmap dataset, and write ACLED's layout.

Three input layouts are understood, by their header: ACLED's current 31-column export, the older
2020 layout (``data_id``, ``event_id_no_cnty``, numeric ``inter`` codes, dates like ``9-May-20``),
and one-row-per-actor exports (an event repeated once per actor, deduplicated on
``event_id_cnty`` before anything is counted). A malformed file gives a row-level report and
nothing is written.
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

__all__ = ["ACLED_2020_COLUMNS", "ACLED_COLUMNS", "AcledImport", "read_acled", "to_acled_rows"]

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
ACLED_2020_COLUMNS = (
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "timestamp", "iso3",
)  # fmt: skip
#: ACLED (event type, sub-event type) -> protestmap event type; anything else is reported.
FROM_ACLED = {
    ("Protests", "Peaceful protest"): "protest",
    ("Protests", "Protest with intervention"): "protest",
    ("Protests", "Excessive force against protesters"): "attack_on_protesters",
    ("Riots", "Violent demonstration"): "clash",
    ("Riots", "Mob violence"): "clash",
    ("Strategic developments", "Arrests"): "detention",
}
#: Counted columns and the values each allows (empty: any count).
_COUNTS: dict[str, tuple[int, ...]] = {
    "fatalities": (),
    "time_precision": schema.TIME_PRECISIONS,
    "geo_precision": schema.GEO_PRECISIONS,
}
#: ACLED's free-text columns that end up in the dataset.
_TEXT = ("sub_event_type", "actor1", "actor2", "location", "notes", "source", "admin1", "admin2", "admin3")
_LIMA_METRO = {"lima province", "provincia de lima", "lima metropolitana", "metropolitan lima", "lima metropolitan"}


@dataclass
class AcledImport:
    """Outcome of reading an ACLED file.

    Attributes
    ----------
    layout
        ``current`` or ``2020``.
    rows_in, duplicates
        Rows read and rows dropped as repeats of an event (one-row-per-actor exports).
    incidents, sources
        Rows for ``incidents.csv`` and ``sources.csv``.
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
    problems: list[Problem] = field(default_factory=list)
    unmapped: dict[tuple[str, str], int] = field(default_factory=dict)


def _date(value: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d %B %Y", "%d-%b-%y", "%d-%B-%y", "%d %b %Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


class _AcledPlace(NamedTuple):
    """An ACLED place in INEI terms: department, province (empty when not found) and ubigeo."""

    admin1: str
    admin2: str
    ubigeo: str


def _place(admin1: str, admin2: str) -> _AcledPlace | None:
    """Return the INEI department, province and ubigeo for ACLED's admin names."""
    from protestmap.errors import PlaceNotFoundError
    from protestmap.places.gazetteer import load_gazetteer, normalize
    from protestmap.places.resolver import resolve

    gaz = load_gazetteer()
    first = normalize(admin1)
    if first in _LIMA_METRO or (first == "lima" and normalize(admin2) in _LIMA_METRO | {"lima"}):
        return _AcledPlace("Lima", "Lima", "1501")
    try:
        department = resolve(f"departamento de {admin1}", gazetteer=gaz).match
        if department is None:
            return None
        if admin2.strip():
            name = re.sub(r"(?i)^provincia de |\s+province$", "", admin2.strip())
            province = resolve(f"provincia de {name}", department=department.name, gazetteer=gaz).match
            if province is not None:
                return _AcledPlace(department.name, province.name, province.ubigeo)
        return _AcledPlace(department.name, "", department.ubigeo)
    except PlaceNotFoundError:
        return None


def read_acled(path: Path) -> AcledImport:
    """Read an ACLED CSV export into protestmap rows, reporting every problem by row and column."""
    head = path.read_bytes()[:4000].decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    header = [h.strip() for h in head[0].split(",")] if head else []
    layout = "2020" if "data_id" in header else "current"
    expected = ACLED_2020_COLUMNS if layout == "2020" else ACLED_COLUMNS
    table = read_table(path, expected)
    result = AcledImport(layout=layout, rows_in=table.rows_in, problems=list(table.problems))
    seen: set[str] = set()
    for line, row in table.records:
        event = row.get("event_id_cnty", "").strip()
        if event in seen:
            result.duplicates += 1  # one row per actor: the event is already counted
            continue
        seen.add(event)
        _convert(path.name, line, row, result)
    return result


def _numbers(row: dict[str, str], fail: Callable[[str, str], None]) -> dict[str, Any]:
    """Read the counts, precisions and coordinates with protestmap's definitions of valid values.

    A whole count written as a float (``2.0``) is accepted; ``2.9``, ``nan``, ``inf``, ``1e20`` or
    a negative number is an error, never truncated.
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


def _convert(file: str, line: int, row: dict[str, str], result: AcledImport) -> None:
    def fail(column: str, reason: str) -> None:
        result.problems.append(Problem(file, line, column, reason))

    event = row.get("event_id_cnty", "").strip()
    if not re.fullmatch(r"[A-Za-z0-9._-]+", event):
        fail("event_id_cnty", f"{event!r} is not a usable event id")
    day = _date(row.get("event_date", ""))
    if day is None:
        fail(
            "event_date",
            f"{row.get('event_date')!r} is not a date ACLED writes (2023-01-09, 09 January 2023, 9-Jan-23)",
        )
    numbers = _numbers(row, fail)
    for column in _TEXT:
        reason = schema.text_problem(row.get(column, ""))
        if reason is not None:
            fail(column, reason)
    kind = FROM_ACLED.get((row.get("event_type", "").strip(), row.get("sub_event_type", "").strip()))
    if kind is None:
        key = (row.get("event_type", "").strip(), row.get("sub_event_type", "").strip())
        result.unmapped[key] = result.unmapped.get(key, 0) + 1
        return
    place = _place(row.get("admin1", ""), row.get("admin2", ""))
    if place is None:
        fail("admin1", f"{row.get('admin1')!r} / {row.get('admin2')!r} is not an INEI department / province")
        return
    if day is None or len(numbers) < 5:
        return
    source_id = f"acled-{event}"
    notes = row.get("notes", "").strip() or "Imported from ACLED."
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
    fatalities = numbers["fatalities"]
    result.incidents.append(
        {
            "event_id": event,
            "event_date": day.isoformat(),
            "time_precision": numbers["time_precision"],
            "event_type": "attack_on_protesters" if kind == "clash" and fatalities else kind,
            "sub_event_type": row.get("sub_event_type", "").strip(),
            "actor1": row.get("actor1", "").strip(),
            "actor2": row.get("actor2", "").strip(),
            "fatalities": fatalities,
            "scope": "local",
            "location": row.get("location", "").strip() or place.admin2 or place.admin1,
            "admin1": place.admin1,
            "admin2": place.admin2,
            "ubigeo": place.ubigeo,
            "latitude": numbers["latitude"],
            "longitude": numbers["longitude"],
            "geo_precision": numbers["geo_precision"],
            "source_ids": source_id,
            "notes": notes,
        }
    )


def to_acled_rows(incidents: Any, sources: Any) -> list[dict[str, Any]]:
    """Write incidents in ACLED's current layout (one row per incident).

    Counts ACLED has no column for (injured, arrested, blockade points) go to ``tags``; a missing
    fatality count is written as 0, ACLED's convention.
    """
    import pandas as pd

    rows = []
    for _, inc in incidents.iterrows():
        acled_type, acled_sub = schema.acled_types(inc["event_type"])
        refs = [s for s in str(inc["source_ids"]).split(";") if s]
        outlets = "; ".join(str(sources.loc[s, "outlet"]) for s in refs if s in sources.index)
        extras = [f"{m}={int(inc[m])}" for m in ("injured", "arrested", "blockade_points") if pd.notna(inc[m])]
        scope = inc["scope"] == "national"
        rows.append(
            {
                "event_id_cnty": inc["event_id"],
                "event_date": inc["event_date"].strftime("%Y-%m-%d"),
                "year": inc["event_date"].year,
                "time_precision": int(inc["time_precision"]),
                "disorder_type": "Strategic developments"
                if acled_type == "Strategic developments"
                else "Demonstrations",
                "event_type": acled_type,
                "sub_event_type": acled_sub,
                "actor1": inc["actor1"] if pd.notna(inc["actor1"]) else "",
                "actor2": inc["actor2"] if pd.notna(inc["actor2"]) else "",
                "iso": 604,
                "region": "South America",
                "country": "Peru",
                "admin1": "" if scope else inc["admin1"],
                "admin2": "" if scope or pd.isna(inc["admin2"]) else inc["admin2"],
                "admin3": "" if scope or pd.isna(inc["admin3"]) else inc["admin3"],
                "location": inc["location"],
                "latitude": "" if pd.isna(inc["latitude"]) else inc["latitude"],
                "longitude": "" if pd.isna(inc["longitude"]) else inc["longitude"],
                "geo_precision": 3 if pd.isna(inc["geo_precision"]) else int(inc["geo_precision"]),
                "source": outlets,
                "notes": inc["notes"],
                "fatalities": 0 if pd.isna(inc["fatalities"]) else int(inc["fatalities"]),
                "tags": "; ".join(extras),
                "timestamp": "",
            }
        )
    return rows
