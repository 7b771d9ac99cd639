"""The incident model: columns, closed vocabularies and their ACLED equivalents.

One row of ``incidents.csv`` is one incident: a kind of event at one place on one day or over a span
of days. Names follow ACLED where the two overlap (``event_date``, ``time_precision``,
``geo_precision``, ``admin1``..``admin3``, ``fatalities``), so exports interoperate. Counts are
nullable: an empty cell means *not reported*, never zero.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

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
PERU_BBOX: Final = (-81.42, -18.36, -68.65, -0.03)

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

FIGURE_COLUMNS: Final = ("event_id", "source_id", "measure", "value", "as_of", "note")

#: Columns that must never be empty.
REQUIRED: Final[dict[str, frozenset[str]]] = {
    "incidents": frozenset({"event_id", "event_date", "time_precision", "event_type", "scope", "source_ids", "notes"}),
    "sources": frozenset({"source_id", "kind", "outlet", "published"}),
    "figures": frozenset({"event_id", "source_id", "measure", "value"}),
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
