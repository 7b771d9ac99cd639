"""The offline gazetteer: INEI units, GeoNames places and aliases, indexed by normalised name.

The data ship with the package (``protestmap/places/_data``, see its README for sources and licences) and
are loaded once with :mod:`importlib.resources`. Lookup is by normalised name: accents, case,
hyphens and extra whitespace do not matter.
"""

from __future__ import annotations

import csv
import functools
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
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = _PUNCT.sub(" ", folded.replace("-", " ").replace("–", " "))
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
        for entry in entries:
            if entry.level != "place":
                self.by_code.setdefault(entry.ubigeo, entry)
            self.by_name.setdefault(normalize(entry.name), []).append(entry)
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


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("protestmap.places").joinpath("_data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@functools.cache
def load_gazetteer() -> Gazetteer:
    """Load the packaged gazetteer once per process.

    Returns
    -------
    Gazetteer
        25 departments, 196 provinces, every district, GeoNames places (with their GeoNames
        population where known, from ``towns.csv``) and the aliases.
    """
    rows = _read("gazetteer.csv")
    populations = {(r["ubigeo"], r["level"], r["name"]): int(r["population"]) for r in _read("towns.csv")}
    names = {r["ubigeo"]: r["name"] for r in rows if r["level"] != "place"}
    names.update(DEPARTMENTS)
    entries = [
        Entry(
            ubigeo=r["ubigeo"],
            level=r["level"],
            name=r["name"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
            coord_source=r["coord_source"],
            admin=_admin(r["ubigeo"], names),
            population=populations.get((r["ubigeo"], r["level"], r["name"])),
        )
        for r in rows
    ]
    by_code = {e.ubigeo: e for e in entries if e.level != "place"}
    aliases: dict[str, tuple[str, Entry | None]] = {}
    for r in _read("aliases.csv"):
        fixed = None
        if r["level"] == "country":
            lat, lon = PERU_CENTRE
            fixed = Entry("", "country", "Perú", lat, lon, "centre", r["note"])
        elif r["ubigeo"]:
            unit = by_code[r["ubigeo"]]
            name = "Lima Región" if r["level"] == "region" else unit.name
            fixed = Entry(
                unit.ubigeo,
                r["level"],
                name,
                unit.latitude,
                unit.longitude,
                unit.coord_source,
                r["note"],
                admin=unit.admin,
            )
        aliases[normalize(r["alias"])] = (normalize(r["canonical"]), fixed)
    return Gazetteer(entries, aliases)


def level_rank(level: str) -> int:
    """Order levels from the country (0) down to places (4)."""
    return _LEVEL_RANK[level]
