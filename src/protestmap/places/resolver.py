"""Offline resolution of Peruvian place names to INEI units and places, with no geopy involved.

:func:`resolve` says what a name means: one place (``ok``), several (``ambiguous``), or nothing
(:class:`~protestmap.errors.PlaceNotFoundError`, with suggestions). Geocoding a table
(:mod:`protestmap.places.table`) and validating a dataset need only this module, so geopy (and the
``requests`` it brings) is imported only by :mod:`protestmap.places.geocoder`, the geopy interface,
and by the opt-in online lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from protestmap.errors import PlaceNotFoundError
from protestmap.places.gazetteer import Entry, Gazetteer, load_gazetteer, normalize

__all__ = ["Resolution", "resolve"]

_PREFIXES = (
    ("departamento de ", "department"),
    ("departamento del ", "department"),
    ("department of ", "department"),
    ("region de ", "department"),
    ("region del ", "department"),
    ("region ", "department"),
    ("provincia de ", "province"),
    ("provincia del ", "province"),
    ("province of ", "province"),
    ("distrito de ", "district"),
    ("district of ", "district"),
    ("ciudad de ", "town"),
    ("city of ", "town"),
    ("the ", None),
)
_SUFFIXES = (
    (" department", "department"),
    (" region", "department"),
    (" province", "province"),
    (" provincia", "province"),
    (" district", "district"),
    (" city", "town"),
)
_LEVELS = {
    "department": {"department"},
    "province": {"province"},
    "district": {"district"},
    "town": {"district", "place"},
}
_SITE = re.compile(r"^(?:.*\s)?(?:at|en|near|cerca de|a la altura de)\s+(?P<place>.+)$")
_NEAR = re.compile(r"^(?:near|cerca de)\s")


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one query.

    Attributes
    ----------
    query
        The query as given.
    status
        ``ok`` when one place is meant, ``ambiguous`` when several remain.
    match
        The place meant, when ``status`` is ``ok``.
    candidates
        Every remaining candidate (one per branch of the INEI hierarchy).
    near
        True when the query said "near X" or "the road at X": precision drops to 2.
    """

    query: str
    status: str
    match: Entry | None
    candidates: tuple[Entry, ...]
    near: bool = False

    @property
    def precision(self) -> int | None:
        """ACLED geo_precision of the match."""
        if self.match is None:
            return None
        return max(self.match.precision, 2) if self.near else self.match.precision


def _split_level(name: str) -> tuple[str, str | None]:
    for prefix, level in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            rest, inner = _split_level(name[len(prefix) :])
            return rest, level or inner
    for suffix, level in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], level
    return name, None


def _scope_codes(gaz: Gazetteer, hint: str) -> set[str] | None:
    """Map a hint ("Puno", "San Román province") to the ubigeo prefixes it allows."""
    name, level = _split_level(normalize(hint))
    canonical, fixed = gaz.aliases.get(name, ("", None))
    codes = {fixed.ubigeo} if fixed is not None and fixed.ubigeo and level is None else set()
    found = gaz.lookup(canonical or name)
    wanted = _LEVELS.get(level or "", {"department", "province"})
    codes |= {e.ubigeo for e in found if e.level in wanted and e.level in {"department", "province"}}
    return codes or None


def _leaves(candidates: list[Entry]) -> list[Entry]:
    """Keep the deepest candidate of each branch; a district beats a place with the same code."""
    unique: dict[str, Entry] = {}
    for entry in sorted(candidates, key=lambda e: e.level != "district"):
        unique.setdefault(entry.ubigeo, entry)
    return [e for code, e in unique.items() if not any(other != code and other.startswith(code) for other in unique)]


def _suggest(gaz: Gazetteer, name: str) -> list[str]:
    from rapidfuzz import fuzz, process

    hits = process.extract(name, gaz.names, scorer=fuzz.WRatio, limit=3, score_cutoff=70)
    return [gaz.lookup(hit)[0].label() for hit, _, _ in hits]


def resolve(query: str, *, department: str | None = None, gazetteer: Gazetteer | None = None) -> Resolution:
    """Resolve a place name to the INEI unit or place it means.

    Parameters
    ----------
    query
        As reporters write it: "Juliaca", "Cuzco", "región Apurímac", "Chucuito, Puno",
        "San Román province", "the Puno–Desaguadero road at Ilave".
    department
        A department (or province) that the place lies in, to resolve ambiguity.
    gazetteer
        The gazetteer to use; the packaged one by default.

    Returns
    -------
    Resolution
        ``status`` is ``ok`` with a ``match``, or ``ambiguous`` with the ``candidates``.

    Raises
    ------
    PlaceNotFoundError
        When nothing matches; it carries up to three suggestions.
    """
    gaz = gazetteer or load_gazetteer()
    parts = [p.strip() for p in normalize(query).split(",") if p.strip()]
    if not parts:
        raise PlaceNotFoundError(query)
    head, hints = parts[0], parts[1:] + ([department] if department else [])
    near = bool(_NEAR.match(head))
    name, level = _split_level(head)
    canonical, fixed = gaz.aliases.get(head, gaz.aliases.get(name, ("", None)))
    if fixed is not None and (level is None or head in gaz.aliases):
        return Resolution(query, "ok", fixed, (fixed,), near)
    candidates = gaz.lookup(canonical or name)
    site = _SITE.match(name)
    if not candidates and site:
        inner = resolve(site["place"] + "".join(f", {h}" for h in hints), gazetteer=gaz)
        return replace(inner, query=query, near=True)
    if level:
        candidates = [c for c in candidates if c.level in _LEVELS[level]]
    for hint in hints:
        codes = _scope_codes(gaz, hint)
        if codes is None:
            raise PlaceNotFoundError(hint, _suggest(gaz, normalize(hint)))
        candidates = [c for c in candidates if any(c.ubigeo.startswith(code) for code in codes)]
    if not candidates:
        raise PlaceNotFoundError(query, _suggest(gaz, canonical or name))
    leaves = _leaves(candidates)
    if len(leaves) == 1:
        return Resolution(query, "ok", leaves[0], tuple(leaves), near)
    ordered = tuple(sorted(leaves, key=lambda e: e.ubigeo))
    return Resolution(query, "ambiguous", None, ordered, near)
