"""The offline gazetteer: INEI units, GeoNames places and aliases, indexed by normalised name.

The data ship with the package (``protestmap/places/_data``, see its README for sources and licences) and
are loaded once with :mod:`importlib.resources`. Lookup is by normalised name: accents, case,
hyphens and extra whitespace do not matter.
"""

from __future__ import annotations

import csv
import functools
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources

from protestmap import settings
from protestmap.dataset.schema import DEPARTMENTS

__all__ = ["Entry", "Gazetteer", "load_gazetteer", "normalize"]

#: Peru's approximate centre, used for national-scope answers.
PERU_CENTRE = settings.PERU_CENTRE

_LEVEL_RANK = {"country": 0, "department": 1, "region": 1, "province": 2, "district": 3, "place": 4}
_PUNCT = re.compile(r"[^\w\s,]")


def normalize(text: str) -> str:
    """Fold a place name for lookup: no accents, lower case, single spaces, no punctuation.

    Parameters
    ----------
    text
        A place name as written.

    Returns
    -------
    str
        The folded name; commas are kept because they separate hints.

    Examples
    --------
    >>> normalize("  Región  APURÍMAC ")
    'region apurimac'
    >>> normalize("Desagüadero")
    'desaguadero'
    """
    if not text.isascii():  # ASCII has no accents to strip: NFKD leaves it as it is
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    folded = _PUNCT.sub(" ", text.lower().replace("-", " ").replace("–", " "))
    return " ".join(folded.split())


@dataclass(frozen=True)
class Entry:
    """One unit or place of the gazetteer.

    Attributes
    ----------
    ubigeo
        INEI code: 2 digits for a department, 4 for a province, 6 for a district; a place carries
        its district's code when known, else its province's; empty for the country.
    level
        ``country``, ``department``, ``region`` (Lima outside the capital), ``province``,
        ``district`` or ``place``.
    name
        Official or GeoNames name, with accents.
    latitude, longitude
        Coordinates of the unit's capital or of the place (WGS84).
    coord_source
        Where the coordinates come from (see the package data README).
    note
        Why an alias points here, when it does.
    admin
        Names of the department, province and district the entry lies in.
    population
        GeoNames population of the town (a district: of its capital), when known.
    """

    ubigeo: str
    level: str
    name: str
    latitude: float
    longitude: float
    coord_source: str = ""
    note: str = ""
    admin: tuple[str, str, str] = field(default=("", "", ""), compare=False)
    population: int | None = field(default=None, compare=False)

    @property
    def department(self) -> str:
        """The department's name, or empty for the country."""
        return self.admin[0]

    @property
    def province(self) -> str:
        """The province's name, when the entry lies in a known province."""
        return self.admin[1]

    @property
    def district(self) -> str:
        """The district's name, when the entry lies in a known district."""
        return self.admin[2]

    @property
    def is_capital(self) -> bool:
        """Tell whether this is the capital district of its province (INEI codes it ``..01``)."""
        return self.level == "district" and len(self.ubigeo) == 6 and self.ubigeo.endswith("01")

    @property
    def precision(self) -> int:
        """ACLED geo_precision of a match on this entry (1 town, 2 part of a region, 3 region)."""
        if self.level in {"country", "department", "region"}:
            return 3
        if self.level == "province" or self.coord_source == "province capital":
            return 2
        return 1

    def contains(self, other: Entry) -> bool:
        """Tell whether ``other`` lies inside this entry (by ubigeo prefix)."""
        return other.ubigeo.startswith(self.ubigeo)

    def label(self) -> str:
        """Describe the entry for people: name, level and the units above it."""
        above = [a for a in (self.province, self.department) if a and a != self.name]
        where = f", {', '.join(above)}" if above else ""
        return f"{self.name} ({self.level}{where})"


class Gazetteer:
    """Name index over the packaged gazetteer and aliases.

    Parameters
    ----------
    entries
        Units and places.
    aliases
        ``normalised alias -> (canonical name, fixed entry or None)``.
    """

    def __init__(self, entries: list[Entry], aliases: dict[str, tuple[str, Entry | None]]) -> None:
        self.entries = entries
        self.aliases = aliases
        self.by_code: dict[str, Entry] = {}
        self.by_name: dict[str, list[Entry]] = {}
        folded: dict[str, str] = {}  # a name shared by several entries is folded once
        for entry in entries:
            if entry.level != "place":
                self.by_code.setdefault(entry.ubigeo, entry)
            key = folded.get(entry.name)
            if key is None:
                key = folded[entry.name] = normalize(entry.name)
            self.by_name.setdefault(key, []).append(entry)
        self.names = sorted(self.by_name)

    def lookup(self, name: str) -> list[Entry]:
        """Return every entry whose normalised name is ``name`` (already normalised)."""
        return list(self.by_name.get(name, ()))

    def unit(self, ubigeo: str) -> Entry | None:
        """Return the department, province or district with this INEI code."""
        return self.by_code.get(ubigeo)

    def departments(self) -> list[Entry]:
        """Return the 25 departments."""
        return [e for e in self.entries if e.level == "department"]


def _admin(ubigeo: str, names: dict[str, str]) -> tuple[str, str, str]:
    return (
        names.get(ubigeo[:2], "") if len(ubigeo) >= 2 else "",
        names.get(ubigeo[:4], "") if len(ubigeo) >= 4 else "",
        names.get(ubigeo[:6], "") if len(ubigeo) >= 6 else "",
    )


def _read(name: str, *columns: str) -> list[tuple[str, ...]]:
    """Return ``columns`` of every row of a packaged CSV file (tuples: a dict per row cost half the load)."""
    text = resources.files("protestmap.places").joinpath("_data", name).read_text(encoding="utf-8")
    header, *rows = csv.reader(text.splitlines())
    pick = operator.itemgetter(*(header.index(column) for column in columns))
    return [pick(row) for row in rows if row]


@functools.cache
def load_gazetteer() -> Gazetteer:
    """Load the packaged gazetteer once per process.

    Returns
    -------
    Gazetteer
        25 departments, 196 provinces, every district, GeoNames places (with their GeoNames
        population where known, from ``towns.csv``) and the aliases.
    """
    rows = _read("gazetteer.csv", "ubigeo", "level", "name", "latitude", "longitude", "coord_source")
    towns = _read("towns.csv", "ubigeo", "level", "name", "population")
    populations = {(ubigeo, level, name): int(people) for ubigeo, level, name, people in towns}
    names = {ubigeo: name for ubigeo, level, name, *_ in rows if level != "place"}
    names.update(DEPARTMENTS)
    entries = [
        Entry(
            ubigeo=ubigeo,
            level=level,
            name=name,
            latitude=float(latitude),
            longitude=float(longitude),
            coord_source=coord_source,
            admin=_admin(ubigeo, names),
            population=populations.get((ubigeo, level, name)),
        )
        for ubigeo, level, name, latitude, longitude, coord_source in rows
    ]
    by_code = {e.ubigeo: e for e in entries if e.level != "place"}
    aliases: dict[str, tuple[str, Entry | None]] = {}
    for alias, canonical, level, ubigeo, note in _read("aliases.csv", "alias", "canonical", "level", "ubigeo", "note"):
        fixed = None
        if level == "country":
            lat, lon = PERU_CENTRE
            fixed = Entry("", "country", "Perú", lat, lon, "centre", note)
        elif ubigeo:
            unit = by_code[ubigeo]
            name = "Lima Región" if level == "region" else unit.name
            fixed = Entry(
                unit.ubigeo,
                level,
                name,
                unit.latitude,
                unit.longitude,
                unit.coord_source,
                note,
                admin=unit.admin,
            )
        aliases[normalize(alias)] = (normalize(canonical), fixed)
    return Gazetteer(entries, aliases)


def level_rank(level: str) -> int:
    """Order levels from the country (0) down to places (4)."""
    return _LEVEL_RANK[level]
