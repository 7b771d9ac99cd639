"""The incident model: columns, closed vocabularies and their ACLED equivalents.

One row of ``incidents.csv`` is one incident: a kind of event at one place on one day or over a span
of days. Names follow ACLED where the two overlap (``event_date``, ``time_precision``,
``geo_precision``, ``admin1``..``admin3``, ``fatalities``), so exports interoperate. Counts are
nullable: an empty cell means *not reported*, never zero.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from protestmap import settings
from protestmap.errors import InvalidValueError

#: INEI department codes (first two digits of every ubigeo) and their official names.
DEPARTMENTS: Final[dict[str, str]] = {
    "01": "Amazonas",
    "02": "Áncash",
    "03": "Apurímac",
    "04": "Arequipa",
    "05": "Ayacucho",
    "06": "Cajamarca",
    "07": "Callao",
    "08": "Cusco",
    "09": "Huancavelica",
    "10": "Huánuco",
    "11": "Ica",
    "12": "Junín",
    "13": "La Libertad",
    "14": "Lambayeque",
    "15": "Lima",
    "16": "Loreto",
    "17": "Madre de Dios",
    "18": "Moquegua",
    "19": "Pasco",
    "20": "Piura",
    "21": "Puno",
    "22": "San Martín",
    "23": "Tacna",
    "24": "Tumbes",
    "25": "Ucayali",
}

#: The period the bundled dataset covers.
PERIOD_START: Final = dt.date(2022, 12, 7)
PERIOD_END: Final = dt.date(2023, 3, 31)

#: The range of dates the validator accepts as sane: wider than the period, so that follow-ups and
#: imported ACLED data (which starts in 1997) fit.
DATE_MIN: Final = dt.date(1997, 1, 1)
DATE_MAX: Final = dt.date(2025, 12, 31)

#: A generous bounding box around Peru (lon_min, lat_min, lon_max, lat_max), WGS84.
PERU_BBOX: Final = settings.PERU_BBOX

#: protestmap's event types, each with its ACLED (event_type, sub_event_type) equivalent.
EVENT_TYPES: Final[dict[str, tuple[str, str]]] = {
    "protest": ("Protests", "Peaceful protest"),
    "march": ("Protests", "Peaceful protest"),
    "strike": ("Protests", "Peaceful protest"),
    "blockade": ("Protests", "Protest with intervention"),
    "clash": ("Riots", "Violent demonstration"),
    "attack_on_protesters": ("Protests", "Excessive force against protesters"),
    "attack_on_security_forces": ("Riots", "Mob violence"),
    "state_of_emergency": ("Strategic developments", "Other"),
    "curfew": ("Strategic developments", "Other"),
    "detention": ("Strategic developments", "Arrests"),
    "raid": ("Strategic developments", "Arrests"),
    "accident": ("Strategic developments", "Other"),
}

#: Where an incident happened, at what scale.
SCOPES: Final[dict[str, str]] = {
    "local": "a town, site or road section (geo_precision 1 or 2)",
    "regional": "a province or department as a whole (geo_precision 2 or 3)",
    "national": "the whole country; no department, no coordinates",
}

#: ACLED's time_precision: 1 the day is known, 2 the week, 3 the month.
TIME_PRECISIONS: Final = (1, 2, 3)
#: ACLED's geo_precision: 1 the town, 2 near it or part of a region, 3 a whole region.
GEO_PRECISIONS: Final = (1, 2, 3)

#: The counted outcomes of an incident; empty means not reported.
MEASURES: Final = ("fatalities", "injured", "arrested", "blockade_points")

#: The largest count accepted. No incident comes near a million deaths, injuries, arrests or
#: blockade points, and a million rows of this size still sum far inside a 64-bit integer.
MAX_COUNT: Final = settings.MAX_COUNT

#: A count: ASCII digits only (no sign, no ``_``, no Arabic-Indic or full-width digits).
COUNT_PATTERN: Final = r"[0-9]+"
#: ACLED also writes whole counts as floats (``2.0``); only a zero fraction is accepted.
ACLED_COUNT_PATTERN: Final = r"[0-9]+(?:\.0+)?"
#: A coordinate in decimal degrees: optional minus, ASCII digits, optional ``.`` fraction.
COORDINATE_PATTERN: Final = r"-?[0-9]{1,3}(?:\.[0-9]+)?"

#: Kinds of source.
SOURCE_KINDS: Final = ("seed", "news", "ngo", "official", "encyclopedia", "blog")

INCIDENT_COLUMNS: Final = (
    "event_id",
    "event_date",
    "end_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    *MEASURES,
    "scope",
    "location",
    "admin1",
    "admin2",
    "admin3",
    "ubigeo",
    "latitude",
    "longitude",
    "geo_precision",
    "source_ids",
    "notes",
)

SOURCE_COLUMNS: Final = (
    "source_id",
    "kind",
    "outlet",
    "published",
    "title",
    "reference",
    "url",
    "notes",
)

FIGURE_COLUMNS: Final = ("event_id", "source_id", "measure", "value", "as_of", "note", "counts")

#: What a per-source figure counts (``counts`` in ``source_figures.csv``; empty means ``incident``):
#: ``incident`` this incident alone, so it may stand for the row's value as of a date;
#: ``wider`` also people or events that other rows hold (another incident, a later death recorded
#: elsewhere, a regional total), so it is shown but never replaces the row's value.
FIGURE_COUNTS: Final = ("incident", "wider")

#: How a victim died or was hurt (``victims.csv``); the notes say where sources disagree.
CAUSES: Final = ("gunshot", "pellet", "blunt_trauma", "tear_gas", "blockade_related", "drowning", "other", "unknown")
#: Who the victim was.
ROLES: Final = ("civilian", "police", "soldier")
#: Sex as reported (empty when not reported).
SEXES: Final = ("F", "M")
#: Whether a death is part of its incident's ``fatalities`` (``no`` needs a note saying why).
COUNTED: Final = ("yes", "no")

VICTIM_COLUMNS: Final = (
    "victim_id",
    "event_id",
    "name",
    "age",
    "sex",
    "date_wounded",
    "date_of_death",
    "place",
    "admin1",
    "admin2",
    "admin3",
    "ubigeo",
    "cause",
    "role",
    "counted",
    "source_ids",
    "notes",
)

#: The optional table of named victims, beside the three files of a dataset.
VICTIMS_FILE: Final = "victims.csv"

#: Columns that must never be empty.
REQUIRED: Final[dict[str, frozenset[str]]] = {
    "incidents": frozenset({"event_id", "event_date", "time_precision", "event_type", "scope", "source_ids", "notes"}),
    "sources": frozenset({"source_id", "kind", "outlet", "published"}),
    "figures": frozenset({"event_id", "source_id", "measure", "value"}),
    "victims": frozenset({"victim_id", "event_id", "cause", "role", "counted", "source_ids", "notes"}),
}

#: File names inside a dataset directory.
FILES: Final[dict[str, str]] = {
    "incidents": "incidents.csv",
    "sources": "sources.csv",
    "figures": "source_figures.csv",
}

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "incidents": INCIDENT_COLUMNS,
    "sources": SOURCE_COLUMNS,
    "figures": FIGURE_COLUMNS,
    "victims": VICTIM_COLUMNS,
}

#: Columns read as numbers, where a leading ``-`` is a sign; every other column is text and may not
#: start like a spreadsheet formula.
NUMERIC: Final[dict[str, frozenset[str]]] = {
    "incidents": frozenset({*MEASURES, "time_precision", "geo_precision", "latitude", "longitude"}),
    "sources": frozenset(),
    "figures": frozenset({"value"}),
    "victims": frozenset({"age"}),
}


def acled_types(event_type: str) -> tuple[str, str]:
    """Return ACLED's ``(event_type, sub_event_type)`` for a protestmap event type.

    Parameters
    ----------
    event_type
        One of :data:`EVENT_TYPES`.

    Returns
    -------
    tuple of str
        ACLED's event type and sub-event type.
    """
    return EVENT_TYPES[event_type]


_COUNT = re.compile(COUNT_PATTERN)
_ACLED_COUNT = re.compile(ACLED_COUNT_PATTERN)
_COORDINATE = re.compile(COORDINATE_PATTERN)
_AXES: Final = {"latitude": 90.0, "longitude": 180.0}
#: Characters no cell may hold: C0/C1 controls (line breaks are reported by the CSV reader),
#: bidirectional overrides such as U+202E, line/paragraph separators and the byte-order mark.
CONTROL_PATTERN: Final = "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]"
_CONTROL = re.compile(CONTROL_PATTERN)
#: First characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def count_problem(text: str, *, acled: bool = False) -> str | None:
    """Say why ``text`` is not a valid count, or return None when it is one or is empty.

    Parameters
    ----------
    text
        The cell, already stripped of surrounding spaces.
    acled
        Accept a zero fraction (``2.0``), as ACLED writes counts.

    Returns
    -------
    str or None
        The reason, or None.
    """
    if not text:
        return None
    if not (_ACLED_COUNT if acled else _COUNT).fullmatch(text):
        hint = "" if acled else " (leave empty if not reported)"
        return f"{text!r} is not a whole number >= 0 in ASCII digits 0-9{hint}"
    if len(text.split(".")[0].lstrip("0")) > len(str(MAX_COUNT)) or int(text.split(".")[0]) > MAX_COUNT:
        return f"{text} is above the largest count accepted ({MAX_COUNT:,})"
    return None


def parse_count(text: str, *, acled: bool = False) -> int | None:
    """Read a count: a whole number from 0 to :data:`MAX_COUNT`, or None when empty.

    Parameters
    ----------
    text
        The cell; surrounding spaces are ignored.
    acled
        Accept a zero fraction (``2.0``), as ACLED writes counts.

    Returns
    -------
    int or None
        The count, or None for an empty cell (*not reported*).

    Raises
    ------
    InvalidValueError
        With the reason, for anything else (``-1``, ``2.9``, ``1_3``, ``١٢``, ``nan``, ``1e20``).

    Examples
    --------
    >>> parse_count("17"), parse_count(""), parse_count("2.0", acled=True)
    (17, None, 2)
    """
    text = text.strip()
    reason = count_problem(text, acled=acled)
    if reason is not None:
        raise InvalidValueError(reason)
    return int(text.split(".")[0]) if text else None


def coordinate_problem(text: str, *, axis: str) -> str | None:
    """Say why ``text`` is not a valid latitude or longitude, or return None (valid or empty).

    Parameters
    ----------
    text
        The cell, already stripped of surrounding spaces.
    axis
        ``latitude`` (-90..90) or ``longitude`` (-180..180).

    Returns
    -------
    str or None
        The reason, or None.
    """
    if not text:
        return None
    if not _COORDINATE.fullmatch(text):
        return f"{text!r} is not a number in decimal degrees (ASCII digits and '.', e.g. -15.4839)"
    if abs(float(text)) > _AXES[axis]:
        return f"{text} is not a {axis} (-{_AXES[axis]:g}..{_AXES[axis]:g})"
    return None


def parse_coordinate(text: str, *, axis: str) -> float | None:
    """Read a latitude or longitude in decimal degrees, or None when empty.

    Parameters
    ----------
    text
        The cell; surrounding spaces are ignored.
    axis
        ``latitude`` or ``longitude``.

    Returns
    -------
    float or None
        The coordinate.

    Raises
    ------
    InvalidValueError
        With the reason (``nan``, ``inf``, ``1e5``, ``1_5``, non-ASCII digits, out of range).
    """
    text = text.strip()
    reason = coordinate_problem(text, axis=axis)
    if reason is not None:
        raise InvalidValueError(reason)
    return float(text) if text else None


def point_problem(latitude: float, longitude: float) -> str | None:
    """Say why a point is not in Peru (:data:`PERU_BBOX`), or return None when it is."""
    lon_min, lat_min, lon_max, lat_max = PERU_BBOX
    if lat_min <= latitude <= lat_max and lon_min <= longitude <= lon_max:
        return None
    return f"({latitude}, {longitude}) is outside Peru (check sign and lat/lon order)"


def text_problem(text: str) -> str | None:
    """Say why free text is unsafe to keep, or return None.

    Control characters (NUL, ANSI escapes, U+202E...) are refused anywhere; a leading ``=``, ``+``,
    ``-`` or ``@`` is refused because spreadsheets run such a cell as a formula.

    Parameters
    ----------
    text
        The cell as read (leading spaces are looked through).

    Returns
    -------
    str or None
        The reason, or None.
    """
    control = _CONTROL.search(text)
    if control is not None:
        return f"control character U+{ord(control.group()):04X} at position {control.start() + 1}; delete it"
    stripped = text.strip()
    if stripped.startswith(FORMULA_STARTS):
        shown = stripped if len(stripped) <= 30 else stripped[:27] + "..."
        return f"{shown!r} starts with {stripped[0]!r}, which spreadsheets run as a formula; reword the start"
    return None


def neutralise(value: object) -> object:
    """Make a value safe to open in a spreadsheet: text starting a formula gets a leading ``'``.

    Control characters become U+FFFD. Numbers are returned unchanged (a negative latitude is not a
    formula).

    Parameters
    ----------
    value
        A cell about to be written to an exported CSV.

    Returns
    -------
    object
        The value, made inert when it is text.
    """
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("\ufffd", value)
    return "'" + value if value.lstrip(" ").startswith(FORMULA_STARTS) else value
