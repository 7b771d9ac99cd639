"""Printable answers of ``protestmap geocode``: one row per name, with per-name department hints.

A hint settles one name only: ``"Huancabamba|Piura"`` in the name itself, or a ``NAME=HINT`` pair
(``--hint Huancabamba=Piura``); a hint for every name (``--department``) is the fallback. A name
whose candidates share a department (or province) gets that unit with its lower precision and
keeps its candidates; a name known mostly for one town gets that town with its confidence and
the alternatives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from protestmap.errors import PlaceNotFoundError, ProtestmapError
from protestmap.places.gazetteer import Entry, Gazetteer, load_gazetteer, normalize
from protestmap.places.resolver import Resolution, enclosing_unit, resolve

__all__ = ["ANSWERED", "GEOCODE_COLUMNS", "NamedQuery", "geocode_rows", "parse_hints", "split_query"]

#: Columns printed by ``protestmap geocode``.
GEOCODE_COLUMNS = (
    "query",
    "name",
    "department",
    "province",
    "district",
    "ubigeo",
    "latitude",
    "longitude",
    "precision",
    "status",
    "confidence",
    "candidates",
)
#: Statuses that give the name a place of its own (the others exit 1 in the CLI).
ANSWERED = frozenset({"ok", "proposed"})


class NamedQuery(NamedTuple):
    """A name as written and the department (or province) hint that belongs to it."""

    query: str
    hint: str | None


def parse_hints(pairs: Sequence[str]) -> dict[str, str]:
    """Read ``NAME=HINT`` pairs into ``{normalised name: hint}``.

    Parameters
    ----------
    pairs
        As given to ``--hint``, e.g. ``["Huancabamba=Piura", "Anta=Cusco"]``.

    Returns
    -------
    dict
        The hint of each name, keyed by its normalised spelling.

    Raises
    ------
    ProtestmapError
        When a pair has no ``=`` or an empty side.

    Examples
    --------
    >>> parse_hints(["Huancabamba=Piura"])
    {'huancabamba': 'Piura'}
    """
    hints: dict[str, str] = {}
    for pair in pairs:
        name, sep, hint = pair.partition("=")
        if not sep or not name.strip() or not hint.strip():
            message = f"--hint {pair!r}: write NAME=DEPARTMENT, e.g. Huancabamba=Piura"
            raise ProtestmapError(message)
        hints[normalize(name)] = hint.strip()
    return hints


def split_query(text: str, *, hints: Mapping[str, str] | None = None, default: str | None = None) -> NamedQuery:
    """Separate a name from its own hint: ``"Chucuito|Puno"``, a ``hints`` entry, else ``default``.

    Examples
    --------
    >>> split_query("Chucuito|Puno")
    NamedQuery(query='Chucuito', hint='Puno')
    >>> split_query("Anta", hints={"anta": "Cusco"}, default="Piura")
    NamedQuery(query='Anta', hint='Cusco')
    >>> split_query("Juliaca", hints={"anta": "Cusco"})
    NamedQuery(query='Juliaca', hint=None)
    """
    name, sep, own = text.partition("|")
    if sep and own.strip():
        return NamedQuery(name.strip(), own.strip())
    name = name.strip()
    return NamedQuery(name, (hints or {}).get(normalize(name), default))


def _fill(row: dict[str, Any], entry: Entry) -> None:
    row.update(
        name=entry.name,
        department=entry.department,
        province=entry.province,
        district=entry.district,
        ubigeo=entry.ubigeo,
        latitude=entry.latitude,
        longitude=entry.longitude,
        precision=entry.precision,
    )


def _answer(row: dict[str, Any], resolution: Resolution, gazetteer: Gazetteer) -> None:
    labels = [f"{c.name} ({c.level}, {c.ubigeo})" for c in resolution.candidates]
    row.update(status=resolution.status, confidence=resolution.confidence)
    if resolution.match is not None:
        _fill(row, resolution.match)
        row.update(precision=resolution.precision, candidates=labels[1:] if resolution.status == "proposed" else None)
        return
    row.update(candidates=labels)
    unit = enclosing_unit(resolution.candidates, gazetteer)
    if unit is not None:  # every candidate lies in it: answer that much, at its precision
        _fill(row, unit)


def geocode_rows(
    queries: list[str],
    *,
    department: str | None = None,
    hints: Mapping[str, str] | None = None,
    online: Any = None,
    strict: bool = False,
) -> list[dict[str, Any]]:
    """Geocode several place names into printable rows, one per query, never failing.

    Parameters
    ----------
    queries
        Place names as written; ``"NAME|HINT"`` carries its own department (or province) hint.
    department
        Hint for every name that has none of its own.
    hints
        ``{normalised name: hint}`` (see :func:`parse_hints`), for the names they name only.
    online
        Optional :class:`protestmap.places.online.CachedNominatim` asked when the gazetteer has nothing.
    strict
        Never propose the most prominent of several namesakes.

    Returns
    -------
    list of dict
        Keys :data:`GEOCODE_COLUMNS`; ``status`` is ``ok``, ``proposed``, ``ambiguous`` (with
        the department or province every candidate lies in, when there is one) or ``not_found``.
    """
    gazetteer = load_gazetteer()
    rows: list[dict[str, Any]] = []
    for text in queries:
        row: dict[str, Any] = dict.fromkeys(GEOCODE_COLUMNS)
        row["query"] = text
        rows.append(row)
        named = split_query(text, hints=hints, default=department)
        try:
            resolution = resolve(named.query, department=named.hint, gazetteer=gazetteer, strict=strict)
        except PlaceNotFoundError as exc:
            point = online.lookup(named.query) if online is not None else None
            if point is None:
                row.update(status="not_found", candidates=exc.suggestions)
            else:
                row.update(
                    name=f"{named.query} (Nominatim)",
                    latitude=point[0],
                    longitude=point[1],
                    precision=2,
                    status="ok",
                )
            continue
        _answer(row, resolution, gazetteer)
    return rows
