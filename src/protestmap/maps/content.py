"""What the maps show, computed without any map library: layers, windows, popups and totals.

Every piece of text that reaches a page (places, notes, sources, titles) is escaped here, once,
with :func:`html.escape`; the map modules only place already-safe strings.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from protestmap.spatial.boundaries import Boundaries

__all__ = [
    "LAYERS",
    "MapInput",
    "Window",
    "layer_of",
    "not_drawn",
    "not_drawn_note",
    "parse_window",
    "popup_html",
    "present",
    "tooltip_text",
    "victims_html",
]


class MapInput(Protocol):
    """What a map is drawn from (:class:`protestmap.pipeline.Prepared` is one).

    Attributes
    ----------
    joined
        Incidents with points and unit codes.
    unresolved
        Geocoding problems by ``event_id``, used to say why a row is not drawn.
    boundaries
        INEI boundaries, or None (markers only).
    sources, figures
        The source table indexed by ``source_id``, and the per-source figures.
    victims
        The named victims (``victims.csv``), or None.
    warning
        Why boundaries are missing, when they are.
    """

    joined: gpd.GeoDataFrame
    unresolved: pd.DataFrame
    boundaries: Boundaries | None
    sources: pd.DataFrame
    figures: pd.DataFrame
    victims: pd.DataFrame | None
    warning: str


#: Map layers: key -> (label, colour, kind). ``span`` layers show what is in force on a day;
#: ``event`` layers show what happened within the window.
LAYERS: dict[str, tuple[str, str, str]] = {
    "deaths": ("Deaths (markers sized by fatalities)", "#b2182b", "event"),
    "blockades": ("Road blockades active", "#e66101", "span"),
    "strikes": ("Strikes active", "#5e3c99", "span"),
    "curfews": ("Curfews and states of emergency in force", "#404040", "span"),
    "detentions": ("Detentions and raids", "#1b7837", "event"),
    "protests": ("Marches, protests and clashes", "#2166ac", "event"),
}
_LAYER_BY_TYPE = {
    "blockade": "blockades",
    "strike": "strikes",
    "curfew": "curfews",
    "state_of_emergency": "curfews",
    "detention": "detentions",
    "raid": "detentions",
}
_TYPE_LABELS = {
    "attack_on_protesters": "attack on protesters",
    "attack_on_security_forces": "attack on security forces",
    "state_of_emergency": "state of emergency",
}


def layer_of(event_type: str, fatalities: object) -> str:
    """Return the map layer of an incident: any death puts it in the deaths layer."""
    if present(fatalities) and float(fatalities) > 0:  # type: ignore[arg-type]
        return "deaths"
    return _LAYER_BY_TYPE.get(event_type, "protests")


@dataclass(frozen=True)
class Window:
    """Which past events a map shows: all up to the day, or the last ``days`` days.

    Attributes
    ----------
    days
        None for cumulative, else the length of the moving window (including the day itself).
    """

    days: int | None = None

    def start(self, day: dt.date) -> dt.date | None:
        """First day shown for ``day``, or None for the beginning."""
        return None if self.days is None else day - dt.timedelta(days=self.days - 1)

    def label(self) -> str:
        """Describe the window for titles and legends."""
        return "to date" if self.days is None else f"in the last {self.days} days"


def parse_window(text: str) -> Window:
    """Parse ``cumulative`` or ``Nd`` (e.g. ``7d``) into a :class:`Window`.

    Raises
    ------
    ValueError
        For anything else.
    """
    if text == "cumulative":
        return Window()
    match = re.fullmatch(r"([1-9]\d{0,2})d", text)
    if not match:
        message = f"window must be 'cumulative' or a number of days like '7d', not {text!r}"
        raise ValueError(message)
    return Window(int(match[1]))


def present(value: object) -> bool:
    """Tell whether a cell holds a value (not None, NaN, NA, NaT or an empty string)."""
    import pandas as pd

    if value is None or (isinstance(value, str) and not value):
        return False
    try:
        return not bool(pd.isna(cast("Any", value)))  # pandas-stubs narrow isna's argument; it takes any object
    except (TypeError, ValueError):
        return True


def _date(value: object) -> str:
    return value.strftime("%Y-%m-%d") if present(value) and hasattr(value, "strftime") else ""


def _counts(row: Any) -> list[str]:
    labels = {
        "fatalities": "dead",
        "injured": "injured",
        "arrested": "detained",
        "blockade_points": "blockade points",
    }
    return [f"{int(row[c])} {label}" for c, label in labels.items() if present(row[c])]


def tooltip_text(row: Any) -> str:
    """One escaped line: date, type and place, with the main count."""
    kind = _TYPE_LABELS.get(row["event_type"], row["event_type"])
    counts = _counts(row)
    main = f" — {counts[0]}" if counts else ""
    return html.escape(f"{_date(row['event_date'])} · {kind} · {row['location']}{main}")


def _source_line(source_id: str, sources: pd.DataFrame) -> str:
    if source_id not in sources.index:
        return f"<li>{html.escape(source_id)}</li>"
    src = sources.loc[source_id]
    text = f"{src['outlet']}, {_date(src['published'])}: “{src['title']}”"
    if present(src.get("reference")):
        text += f" (seed article {src['reference']})"
    url = src.get("url")
    if present(url) and str(url).startswith(("http://", "https://")):
        link = f'<a href="{html.escape(str(url), quote=True)}" target="_blank" rel="noopener noreferrer">link</a>'
        return f"<li>{html.escape(text)} — {link}</li>"
    return f"<li>{html.escape(text)}</li>"


def _victim_line(victim: Any) -> str:
    name = str(victim["name"]) if present(victim.get("name")) else "name not reported"
    facts = [f"{int(victim['age'])}"] if present(victim.get("age")) else []
    cause = str(victim["cause"]).replace("_", " ")
    facts.append(cause if cause != "unknown" else "cause not reported")
    if present(victim.get("date_of_death")):
        died = _date(victim["date_of_death"])
        wounded = _date(victim.get("date_wounded")) if present(victim.get("date_wounded")) else died
        facts.append(f"died {died}" + (f", hurt {wounded}" if wounded != died else ""))
    if str(victim.get("role")) in {"police", "soldier"}:
        facts.append(str(victim["role"]))
    if str(victim.get("counted")) == "no":
        facts.append("not in this incident's count")
    return f"<li>{html.escape(name)} ({html.escape(', '.join(facts))})</li>"


def victims_html(row: Any, victims: pd.DataFrame | None) -> str:
    """List the named victims of one incident, small, for its popup (empty when there are none).

    Parameters
    ----------
    row
        One incident (a pandas row or mapping).
    victims
        The victims table (``victims.csv``), or None.

    Returns
    -------
    str
        An escaped HTML list: name (initials for minors), age, cause, dates.
    """
    if victims is None or not len(victims):
        return ""
    mine = victims[victims["event_id"] == row["event_id"]]
    if not len(mine):
        return ""
    items = "".join(_victim_line(v) for _, v in mine.iterrows())
    return f"<div class='pm-victims' style='font-size:smaller'>Victims named in sources:<ul>{items}</ul></div>"


def popup_html(
    row: Any, sources: pd.DataFrame, figures: pd.DataFrame | None = None, *, victims: pd.DataFrame | None = None
) -> str:
    """Build the popup of one incident: dates, place, type, counts, notes and every source.

    Parameters
    ----------
    row
        One incident (a pandas row or mapping).
    sources
        The source table indexed by ``source_id``.
    figures
        Per-source figures; where sources disagree, each figure is listed with its source.
    victims
        The named victims; those of this incident are listed (see :func:`victims_html`).

    Returns
    -------
    str
        HTML in which every value from the data is escaped.
    """
    esc = html.escape
    when = _date(row["event_date"])
    if present(row.get("end_date")) and _date(row["end_date"]) != when:
        when += f" to {_date(row['end_date'])}"
    kind = _TYPE_LABELS.get(row["event_type"], row["event_type"])
    units = ", ".join(str(row[c]) for c in ("admin3", "admin2", "admin1") if present(row.get(c)))
    parts = [
        f"<div class='pm-popup'><b>{esc(str(row['location']))}</b>",
        f"<div>{esc(when)} · {esc(kind)}</div>",
        f"<div>{esc(units)}</div>" if units else "",
        f"<div><b>{esc(', '.join(_counts(row)))}</b></div>" if _counts(row) else "",
        f"<p>{esc(str(row['notes']))}</p>" if present(row.get("notes")) else "",
    ]
    if figures is not None and len(figures):
        mine = figures[figures["event_id"] == row["event_id"]]
        if len(mine):
            items = "".join(
                f"<li>{esc(str(f['measure']))}: {int(f['value'])} ({esc(str(f['source_id']))}"
                f"{', as of ' + esc(_date(f['as_of'])) if present(f['as_of']) else ''})</li>"
                for _, f in mine.iterrows()
            )
            parts.append(f"<div>Figures by source:<ul>{items}</ul></div>")
    parts.append(victims_html(row, victims))
    refs = [s.strip() for s in str(row["source_ids"]).split(";") if s.strip()]
    parts.append("<div>Sources:<ol>" + "".join(_source_line(s, sources) for s in refs) + "</ol></div>")
    parts.append(f"<div class='pm-id'>{esc(str(row['event_id']))}</div></div>")
    return "".join(p for p in parts if p)


def not_drawn(rows: pd.DataFrame, unresolved: pd.DataFrame | None = None) -> pd.DataFrame:
    """List the rows of a view that have no point to draw, with the reason.

    National rows are not listed: they have no place by nature and are given in the title.

    Parameters
    ----------
    rows
        The incidents a map shows (a GeoDataFrame).
    unresolved
        Geocoding problems by ``event_id`` (see :class:`protestmap.places.table.GeocodeResult`).

    Returns
    -------
    pandas.DataFrame
        ``event_id`` and ``reason``, one row per incident not drawn.
    """
    import pandas as pd

    missing = rows[(rows["scope"] != "national") & rows.geometry.isna()]
    known: dict[str, str] = {}
    if unresolved is not None and len(unresolved):
        known = dict(zip(unresolved["event_id"], unresolved["reason"], strict=True))
    fallback = "no coordinates, and the place could not be resolved"
    reasons = [known.get(event_id, fallback) for event_id in missing["event_id"]]
    return pd.DataFrame({"event_id": missing["event_id"].tolist(), "reason": reasons})


def not_drawn_note(table: pd.DataFrame, *, shown: int = 5) -> str:
    """Say on the page how many incidents are not drawn, naming the first few (escaped)."""
    if not len(table):
        return ""
    ids = ", ".join(table["event_id"].head(shown))
    more = f" and {len(table) - shown} more" if len(table) > shown else ""
    return html.escape(
        f"{len(table)} incident(s) of this view are not drawn because their place could not be "
        f"determined: {ids}{more}. Their counts are included in the totals."
    )
