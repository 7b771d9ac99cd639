"""What the maps show, computed without any map library: layers, windows, popups and totals.

Every piece of text that reaches a page (places, notes, sources, titles) is escaped here, once,
with :func:`html.escape`; the map modules only place already-safe strings.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, cast

from protestmap.dataset.schema import CAUSES as _CAUSES
from protestmap.maps.i18n import Catalogue

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from protestmap.spatial.boundaries import Boundaries

_ENGLISH = Catalogue("en")

__all__ = [
    "LAYERS",
    "POPUP_FRAME",
    "MapInput",
    "PopupBook",
    "PopupParts",
    "Window",
    "coverage",
    "coverage_note",
    "layer_label",
    "layer_of",
    "not_drawn",
    "not_drawn_note",
    "parse_window",
    "popup_html",
    "present",
    "row_dicts",
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

    A map input may also carry ``as_of`` (a date): the tables then hold only what sources published
    by that day reported, and the page's title says so (see :mod:`protestmap.dataset.asof`).
    """

    joined: gpd.GeoDataFrame
    unresolved: pd.DataFrame
    boundaries: Boundaries | None
    sources: pd.DataFrame
    figures: pd.DataFrame
    victims: pd.DataFrame | None
    warning: str


#: Map layers: key -> (label, colour, kind). ``span`` layers show what is in force on a day;
#: ``event`` layers show what happened within the window. Labels are the English ones; pages use
#: :func:`layer_label`. Curfews are brown, not grey, so they cannot be mistaken for the black
#: outline that marks the deaths of the day shown.
LAYERS: dict[str, tuple[str, str, str]] = {
    key: (_ENGLISH(f"layer.{key}"), colour, kind)
    for key, colour, kind in (
        ("deaths", "#b2182b", "event"),
        ("blockades", "#e66101", "span"),
        ("strikes", "#5e3c99", "span"),
        ("curfews", "#8c510a", "span"),
        ("detentions", "#1b7837", "event"),
        ("protests", "#2166ac", "event"),
    )
}
_LAYER_BY_TYPE = {
    "blockade": "blockades",
    "strike": "strikes",
    "curfew": "curfews",
    "state_of_emergency": "curfews",
    "detention": "detentions",
    "raid": "detentions",
}


def layer_label(key: str, text: Catalogue = _ENGLISH) -> str:
    """Name a map layer in the page's language."""
    return text(f"layer.{key}")


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

    def label(self, text: Catalogue = _ENGLISH) -> str:
        """Describe the window for titles and legends ("to date", "in the last 7 days")."""
        return text("window.cumulative") if self.days is None else text("window.days", n=self.days)


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
    if value is None or (isinstance(value, str) and not value):
        return False
    if isinstance(value, (str, int)):  # the common cases, without pandas' overhead
        return True
    if isinstance(value, (float, dt.date)):
        return value == value  # NaN and NaT are the only values not equal to themselves
    import pandas as pd

    try:
        return not bool(pd.isna(cast("Any", value)))  # pandas-stubs narrow isna's argument; it takes any object
    except (TypeError, ValueError):
        return True


def row_dicts(rows: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Return ``columns`` of each row as a dict, missing cells as None (columns ``rows`` lacks are left out).

    Built column by column, several times faster than ``to_dict("records")`` on Arrow-backed
    strings; and None spares :func:`present` pandas' slower checks.
    """
    names = [name for name in dict.fromkeys(columns) if name in rows.columns]
    values = [rows[name].astype(object).where(rows[name].notna(), None).tolist() for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def _date(value: object) -> str:
    if isinstance(value, dt.date):  # a Timestamp too; strftime is several times slower
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}" if value == value else ""
    return value.strftime("%Y-%m-%d") if present(value) and hasattr(value, "strftime") else ""


#: The popup's body scrolls inside a box of limited height, so its title stays in view (the
#: class is styled by :class:`protestmap.maps.cluster.ClusterAssets`).
POPUP_BODY_STYLE = "max-height:min(260px,45vh);overflow-y:auto"
_COUNTED = ("fatalities", "injured", "arrested", "blockade_points")
_FIGURES_FILE = re.compile(r"\bsource_figures(?:\.csv)?\b")


def _counts(row: Any, text: Catalogue) -> list[str]:
    return [text(f"count.{c}", n=int(row[c])) for c in _COUNTED if present(row[c])]


def tooltip_text(row: Any, text: Catalogue = _ENGLISH) -> str:
    """One escaped line: date, type and place, with the main count."""
    counts = _counts(row, text)
    main = f" — {counts[0]}" if counts else ""
    kind = text.event_type(str(row["event_type"]))
    return html.escape(f"{_date(row['event_date'])} · {kind} · {row['location']}{main}")


def _link(url: object, text: Catalogue) -> str:
    if present(url) and str(url).startswith(("http://", "https://")):
        href = html.escape(str(url), quote=True)
        return f' — <a href="{href}" target="_blank" rel="noopener noreferrer">{text("popup.link")}</a>'
    return ""


def _victim_line(victim: Mapping[Any, Any], text: Catalogue) -> str:
    name = str(victim["name"]) if present(victim.get("name")) else text("victim.unnamed")
    facts = [f"{int(victim['age'])}"] if present(victim.get("age")) else []
    cause = str(victim["cause"])
    facts.append(text(f"cause.{cause}") if cause in _CAUSES else cause.replace("_", " "))
    if present(victim.get("date_of_death")):
        died = _date(victim["date_of_death"])
        wounded = _date(victim.get("date_wounded")) if present(victim.get("date_wounded")) else died
        facts.append(text("victim.died", date=died) + (text("victim.hurt", date=wounded) if wounded != died else ""))
    if str(victim.get("role")) in {"police", "soldier"}:
        facts.append(text(f"role.{victim['role']}"))
    if str(victim.get("counted")) == "no":
        facts.append(text("victim.not_counted"))
    return f"<li>{html.escape(name)} ({html.escape(', '.join(facts))})</li>"


def victims_html(victims: pd.DataFrame | None, text: Catalogue = _ENGLISH) -> dict[str, str]:
    """List the named victims of each incident, small, for its popup, in one pass over the table.

    Parameters
    ----------
    victims
        The victims table (``victims.csv``), or None.
    text
        The page's catalogue.

    Returns
    -------
    dict[str, str]
        Per ``event_id``, an escaped HTML list: name (initials for minors), age, cause, dates.
    """
    if victims is None or not len(victims):
        return {}
    grouped: dict[str, list[str]] = {}
    for victim in victims.to_dict("records"):
        grouped.setdefault(str(victim["event_id"]), []).append(_victim_line(victim, text))
    heading = html.escape(text("popup.victims"))
    return {
        event: f"<div class='pm-victims' style='font-size:smaller'>{heading}<ul>{''.join(items)}</ul></div>"
        for event, items in grouped.items()
    }


#: The fixed markup of a popup around its title, body (with the sources) and event id, in order.
POPUP_FRAME: tuple[str, str, str, str] = (
    "<div class='pm-popup'><b class='pm-popup-title'>",
    "</b><div class='pm-popup-body'>",
    "<div class='pm-id'>",
    "</div></div></div>",
)


class PopupParts(NamedTuple):
    """The parts of a popup that come from its row, escaped; :data:`POPUP_FRAME` goes around them.

    Attributes
    ----------
    title
        The place as written.
    body
        Date and type, units, counts, notes, figures by source and named victims.
    refs
        The ids of the sources cited, in order (each source's list item is shared by the page).
    ident
        The event id.
    """

    title: str
    body: str
    refs: list[str]
    ident: str


class PopupBook:
    """What every popup of a page looks up, prepared once per table.

    Each source's list item and each incident's "figures by source" items are rendered once
    (a dict of sources, the figures grouped by incident in one pass), so building a popup is a
    few dict look-ups instead of a filter of the figures table and a ``.loc`` per source.

    Parameters
    ----------
    sources
        The source table indexed by ``source_id``.
    figures
        Per-source figures, or None.
    text
        The page's catalogue.
    victims
        The named victims (``victims.csv``), listed in their incident's popup, or None.
    """

    def __init__(
        self,
        sources: pd.DataFrame,
        figures: pd.DataFrame | None = None,
        text: Catalogue = _ENGLISH,
        *,
        victims: pd.DataFrame | None = None,
    ) -> None:
        self.text = text
        self.victims = victims_html(victims, text)
        self.sources: dict[str, str] = {}
        cited: dict[str, str] = {}
        for source_id, src in zip(sources.index, sources.to_dict("records"), strict=True):
            outlet = f"{src.get('outlet', source_id)}, {_date(src.get('published'))}".rstrip(", ")
            cited[str(source_id)] = outlet
            title = f": “{src['title']}”" if present(src.get("title")) else ""
            self.sources[str(source_id)] = f"<li>{html.escape(outlet + title)}{_link(src.get('url'), text)}</li>"
        grouped: dict[str, list[str]] = {}
        if figures is not None and len(figures):
            for figure in figures.to_dict("records"):  # one pass, grouped by incident in a dict
                grouped.setdefault(str(figure["event_id"]), []).append(self._figure(figure, cited))
        heading = html.escape(text("popup.figures"))
        self.figures = {event: f"<div>{heading}<ul>{''.join(items)}</ul></div>" for event, items in grouped.items()}

    def _figure(self, figure: Mapping[Any, Any], cited: dict[str, str]) -> str:
        measure = str(figure["measure"])
        name = self.text(f"measure.{measure}") if measure in _COUNTED else measure
        where = cited.get(str(figure["source_id"]), str(figure["source_id"]))
        when = f"; {self.text('popup.as_of', date=_date(figure['as_of']))}" if present(figure.get("as_of")) else ""
        note = f"; {figure['note']}" if present(figure.get("note")) else ""
        wider = f" ({self.text('popup.wider')})" if figure.get("counts") == "wider" else ""
        value = int(figure["value"])
        return f"<li>{html.escape(f'{name}: {value}{wider} — {where}{when}{note}')}</li>"

    def source(self, source_id: str) -> str:
        """Return the list item of one source (its id alone when the table does not have it)."""
        return self.sources.get(source_id) or f"<li>{html.escape(source_id)}</li>"

    def popup_parts(self, row: Any) -> PopupParts:
        """Give the parts of one incident's popup that come from its row (see :class:`PopupParts`).

        The timeline embeds every source's list item once for the whole page, and the fixed
        markup (:data:`POPUP_FRAME`) once too, so neither is repeated for every incident.
        """
        text, esc = self.text, html.escape
        when = _date(row["event_date"])
        if present(row.get("end_date")) and _date(row["end_date"]) != when:
            when = text("date.range", start=when, end=_date(row["end_date"]))
        units = ", ".join(str(row[c]) for c in ("admin3", "admin2", "admin1") if present(row.get(c)))
        counts = _counts(row, text)
        notes = _FIGURES_FILE.sub(text("popup.figures_ref"), str(row["notes"])) if present(row.get("notes")) else ""
        body = [
            f"<div>{esc(when)} · {esc(text.event_type(str(row['event_type'])))}</div>",
            f"<div>{esc(units)}</div>" if units else "",
            f"<div><b>{esc(', '.join(counts))}</b></div>" if counts else "",
            f"<p>{esc(notes)}</p>" if notes else "",
            self.figures.get(str(row["event_id"]), ""),
            self.victims.get(str(row["event_id"]), ""),
        ]
        refs = [s.strip() for s in str(row["source_ids"]).split(";") if s.strip()]
        return PopupParts(esc(str(row["location"])), "".join(body), refs, esc(str(row["event_id"])))

    def sources_heading(self) -> str:
        """Return the escaped heading of the list of sources."""
        return html.escape(self.text("popup.sources"))

    def popup(self, row: Any) -> str:
        """Build the popup of one incident: dates, place, type, counts, notes and every source."""
        title, body, refs, ident = self.popup_parts(row)
        items = "".join(self.source(s) for s in refs)
        sources = f"<div>{self.sources_heading()}<ol>{items}</ol></div>"
        opening, heading_end, id_start, closing = POPUP_FRAME
        return f"{opening}{title}{heading_end}{body}{sources}{id_start}{ident}{closing}"


def popup_html(
    row: Any,
    sources: pd.DataFrame,
    figures: pd.DataFrame | None = None,
    *,
    text: Catalogue = _ENGLISH,
    victims: pd.DataFrame | None = None,
) -> str:
    """Build the popup of one incident (see :class:`PopupBook`, which renderers use for a whole table).

    Parameters
    ----------
    row
        One incident (a pandas row or mapping).
    sources
        The source table indexed by ``source_id``.
    figures
        Per-source figures; where sources disagree, each figure is listed with its outlet and date.
    text
        The page's catalogue.
    victims
        The named victims; those of this incident are listed.

    Returns
    -------
    str
        HTML in which every value from the data is escaped.
    """
    return PopupBook(sources, figures, text, victims=victims).popup(row)


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


def not_drawn_note(table: pd.DataFrame, *, shown: int = 5, text: Catalogue = _ENGLISH) -> str:
    """Say on the page how many incidents are not drawn, naming the first few (escaped)."""
    if not len(table):
        return ""
    ids = ", ".join(table["event_id"].head(shown))
    more = text("not_drawn.more", n=len(table) - shown) if len(table) > shown else ""
    return html.escape(text("not_drawn", n=len(table), ids=ids, more=more))


def coverage(joined: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last day the incidents cover (start dates to the latest end), or None if undated."""
    import pandas as pd

    starts = joined["event_date"].dropna()
    dates = pd.concat([starts, joined["end_date"].dropna()])
    if starts.empty:
        return None
    return starts.min().date(), dates.max().date()


def coverage_note(joined: pd.DataFrame, day: dt.date, text: Catalogue = _ENGLISH) -> str:
    """Say that ``day`` lies outside the data's coverage (and what the coverage is), or return ""."""
    span = coverage(joined)
    if span is None:
        return text("coverage.empty")
    first, last = span
    if first <= day <= last:
        return ""
    return text("coverage.outside", first=text.short_date(first), last=text.short_date(last))
