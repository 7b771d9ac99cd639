"""Write incidents in ACLED's layout, and the ``tags`` that let protestmap read them back unchanged.

ACLED has no column for injuries, arrests, blockade points, an end date, a scope or protestmap's
own event type and detail, and it writes 0 deaths and precision 3 where protestmap leaves a count
or a precision empty. Those facts travel in ACLED's free-text ``tags`` column as ``key=value``
pairs separated by ``"; "`` (``;``, ``=`` and ``%`` inside a value are percent-encoded), so that
``export --format acled`` followed by ``import acled`` gives the same incidents back. Other
tools see ordinary ACLED rows; tags they do not know are ignored on import.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from protestmap.dataset import schema

__all__ = ["ACLED_COLUMNS", "FROM_ACLED", "decode_tags", "encode_tags", "to_acled_rows"]

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
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
#: Tag keys protestmap writes and reads; ``not_given`` lists columns ACLED fills by convention.
TAG_KEYS = (
    "injured",
    "arrested",
    "blockade_points",
    "end_date",
    "scope",
    "protestmap_type",
    "protestmap_detail",
    "not_given",
)


def _escape(value: str) -> str:
    return value.replace("%", "%25").replace(";", "%3B").replace("=", "%3D")


def encode_tags(tags: dict[str, str]) -> str:
    """Join protestmap's tags into ACLED's ``tags`` text.

    Examples
    --------
    >>> encode_tags({"injured": "20", "protestmap_detail": "strike; day 2"})
    'injured=20; protestmap_detail=strike%3B day 2'
    """
    return "; ".join(f"{key}={_escape(value)}" for key, value in tags.items())


def decode_tags(text: str) -> dict[str, str]:
    """Read protestmap's tags back from ACLED's ``tags`` text; other tags are left out.

    Examples
    --------
    >>> decode_tags("crowd size=no report; injured=20; protestmap_detail=strike%3B day 2")
    {'injured': '20', 'protestmap_detail': 'strike; day 2'}
    """
    tags: dict[str, str] = {}
    for part in text.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key.strip() in TAG_KEYS:
            tags[key.strip()] = unquote(value.strip())
    return tags


def _tags(inc: Any) -> str:
    import pandas as pd

    tags = {m: str(int(inc[m])) for m in ("injured", "arrested", "blockade_points") if pd.notna(inc[m])}
    if pd.notna(inc["end_date"]):
        tags["end_date"] = inc["end_date"].strftime("%Y-%m-%d")
    if inc["scope"] != "local":
        tags["scope"] = str(inc["scope"])
    inferred = FROM_ACLED.get(schema.acled_types(inc["event_type"]))
    if inferred == "clash" and pd.notna(inc["fatalities"]) and inc["fatalities"]:
        inferred = "attack_on_protesters"  # what the import reads a deadly riot as
    if inferred != inc["event_type"]:
        tags["protestmap_type"] = str(inc["event_type"])
    if _text(inc["sub_event_type"]):
        tags["protestmap_detail"] = str(inc["sub_event_type"])
    empty = [c for c in ("fatalities", "geo_precision", "sub_event_type") if not _text(inc[c])]
    if empty:
        tags["not_given"] = " ".join(empty)
    return encode_tags(tags)


def _text(value: Any) -> str:
    import pandas as pd

    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def to_acled_rows(incidents: Any, sources: Any) -> list[dict[str, Any]]:
    """Write incidents in ACLED's current layout (one row per incident).

    Parameters
    ----------
    incidents
        Geocoded incidents (:func:`protestmap.geocode_incidents`).
    sources
        The sources table, indexed by ``source_id``; ``source`` lists their outlets.

    Returns
    -------
    list of dict
        Keys :data:`ACLED_COLUMNS`. What ACLED has no column for goes to ``tags`` (see the module
        docstring); a missing fatality count is written as 0 and a missing precision as 3, ACLED's
        conventions, and named in ``not_given``.
    """
    import pandas as pd

    rows = []
    for _, inc in incidents.iterrows():
        acled_type, acled_sub = schema.acled_types(inc["event_type"])
        refs = [s for s in str(inc["source_ids"]).split(";") if s]
        outlets = "; ".join(str(sources.loc[s, "outlet"]) for s in refs if s in sources.index)
        national = inc["scope"] == "national"
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
                "actor1": _text(inc["actor1"]),
                "actor2": _text(inc["actor2"]),
                "iso": 604,
                "region": "South America",
                "country": "Peru",
                "admin1": "" if national else _text(inc["admin1"]),
                "admin2": "" if national else _text(inc["admin2"]),
                "admin3": "" if national else _text(inc["admin3"]),
                "location": inc["location"],
                "latitude": "" if pd.isna(inc["latitude"]) else inc["latitude"],
                "longitude": "" if pd.isna(inc["longitude"]) else inc["longitude"],
                "geo_precision": 3 if pd.isna(inc["geo_precision"]) else int(inc["geo_precision"]),
                "source": outlets,
                "notes": inc["notes"],
                "fatalities": 0 if pd.isna(inc["fatalities"]) else int(inc["fatalities"]),
                "tags": _tags(inc),
                "timestamp": "",
            }
        )
    return rows
