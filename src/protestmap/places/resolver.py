"""Resolve a Peruvian place name to the INEI unit or town it means, offline.

:func:`resolve` says what a name means: one place (``ok``); several, one of which is far more
prominent than the others (``proposed``, with a confidence and the alternatives); several with no
clear favourite (``ambiguous``); or nothing (:class:`~protestmap.errors.PlaceNotFoundError`,
with suggestions). Prominence ranks provincial capitals first, then towns by their GeoNames
population; ``strict=True`` never proposes, so a shared name stays ``ambiguous``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from protestmap import settings
from protestmap.errors import PlaceNotFoundError
from protestmap.places.gazetteer import Entry, Gazetteer, load_gazetteer, normalize

__all__ = ["Resolution", "enclosing_unit", "prominence", "resolve", "share"]

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
        ``ok`` when one place is meant, ``proposed`` when several remain but one is far more
        prominent, ``ambiguous`` when several remain with no clear favourite.
    match
        The place meant (``ok``) or proposed (``proposed``); None when ``ambiguous``.
    candidates
        Every remaining candidate (one per branch of the INEI hierarchy): the proposed one
        first, then its alternatives by prominence; by ubigeo when ambiguous.
    near
        True when the query said "near X" or "the road at X": precision drops to 2.
    confidence
        1.0 when ``ok``; the proposed town's share of the candidates' prominence when
        ``proposed``; None when ``ambiguous``.
    """

    query: str
    status: str
    match: Entry | None
    candidates: tuple[Entry, ...]
    near: bool = False
    confidence: float | None = None

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


def prominence(entry: Entry) -> float:
    """Weigh a town for ranking: GeoNames population, times ``CAPITAL_WEIGHT`` for a provincial capital.

    Parameters
    ----------
    entry
        A district or place of the gazetteer.

    Returns
    -------
    float
        At least :data:`protestmap.settings.UNKNOWN_POPULATION`.

    Examples
    --------
    >>> from protestmap.places.gazetteer import load_gazetteer
    >>> lampa = [e for e in load_gazetteer().lookup("lampa") if e.level == "district"]
    >>> sorted(prominence(e) > 10_000 for e in lampa)  # Ayacucho's small district, Puno's capital
    [False, True]
    """
    population = max(entry.population or 0, settings.UNKNOWN_POPULATION)
    return float(population * (settings.CAPITAL_WEIGHT if entry.is_capital else 1))


def share(weight: float, total: float) -> float:
    """Return ``weight / total`` rounded down to hundredths, so a guess never reads as 1.0."""
    return math.floor(100 * weight / total) / 100


def _rank(query: str, leaves: list[Entry], near: bool, *, strict: bool) -> Resolution:
    """Propose the most prominent town when one stands out, else report the ambiguity."""
    by_code = tuple(sorted(leaves, key=lambda e: e.ubigeo))
    towns = all(e.level in {"district", "place"} for e in leaves)
    if strict or not towns:
        return Resolution(query, "ambiguous", None, by_code, near)
    ordered = sorted(by_code, key=lambda e: (not e.is_capital, -(e.population or 0)))
    weights = [prominence(e) for e in ordered]
    confidence = share(weights[0], sum(weights))
    if confidence < settings.PROPOSE_CONFIDENCE:
        return Resolution(query, "ambiguous", None, by_code, near)
    return Resolution(query, "proposed", ordered[0], tuple(ordered), near, confidence)


def resolve(
    query: str, *, department: str | None = None, gazetteer: Gazetteer | None = None, strict: bool = False
) -> Resolution:
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
    strict
        Never propose: a name shared by several places stays ``ambiguous``, however prominent
        one of them is (for curated data, where a guess must not pass for a fact).

    Returns
    -------
    Resolution
        ``status`` is ``ok`` with a ``match``; ``proposed`` with the most prominent ``match``,
        a ``confidence`` and the alternatives among the ``candidates``; or ``ambiguous`` with
        the ``candidates`` only.

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
        return Resolution(query, "ok", fixed, (fixed,), near, 1.0)
    candidates = gaz.lookup(canonical or name)
    site = _SITE.match(name)
    if not candidates and site:
        inner = resolve(site["place"] + "".join(f", {h}" for h in hints), gazetteer=gaz, strict=strict)
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
        return Resolution(query, "ok", leaves[0], tuple(leaves), near, 1.0)
    return _rank(query, leaves, near, strict=strict)


def enclosing_unit(candidates: Sequence[Entry], gazetteer: Gazetteer | None = None) -> Entry | None:
    """Return the smallest province or department that holds every candidate, if there is one.

    Parameters
    ----------
    candidates
        The candidates of an ambiguous resolution.
    gazetteer
        The gazetteer to take the unit from; the packaged one by default.

    Returns
    -------
    Entry or None
        A province (4-digit ubigeo) or department (2 digits); None when the candidates lie in
        different departments.

    Examples
    --------
    >>> enclosing_unit(resolve("Chucuito").candidates).name  # the province, or the district of Puno
    'Puno'
    >>> enclosing_unit(resolve("Huancabamba").candidates) is None  # Piura or Pasco
    True
    """
    gaz = gazetteer or load_gazetteer()
    codes = [c.ubigeo for c in candidates]
    for size in (4, 2):
        shared = {code[:size] for code in codes}
        if len(shared) == 1 and all(len(code) >= size for code in codes):
            unit = gaz.unit(shared.pop())
            if unit is not None:
                return unit
    return None
