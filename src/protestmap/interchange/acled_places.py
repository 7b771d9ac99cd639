"""ACLED's admin1/admin2/admin3 names in INEI terms: department, province, district and ubigeo."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from protestmap.places.gazetteer import Gazetteer

__all__ = ["AcledPlace", "acled_place"]

_LIMA_METRO = {"lima province", "provincia de lima", "lima metropolitana", "metropolitan lima", "lima metropolitan"}


class AcledPlace(NamedTuple):
    """An ACLED place in INEI terms; names below the deepest unit found are empty."""

    admin1: str
    admin2: str
    admin3: str
    ubigeo: str


def _district(admin3: str, province: str, gazetteer: Gazetteer) -> tuple[str, str] | None:
    """Return the district's name and ubigeo when ``admin3`` names one district of the province."""
    from protestmap.errors import PlaceNotFoundError
    from protestmap.places.resolver import resolve

    if not admin3.strip():
        return None
    try:
        found = resolve(f"distrito de {admin3}", gazetteer=gazetteer, strict=True)
    except PlaceNotFoundError:
        return None
    inside = [c for c in found.candidates if c.level == "district" and c.ubigeo.startswith(province)]
    return (_spelling(admin3, inside[0].name), inside[0].ubigeo) if len(inside) == 1 else None


def _spelling(given: str, official: str) -> str:
    """Keep the file's spelling of a name when it is the official one with more accents ("Callería")."""
    from protestmap.places.gazetteer import normalize

    given = given.strip()
    return given if not given.isascii() and normalize(given) == normalize(official) else official


def acled_place(admin1: str, admin2: str, admin3: str = "") -> AcledPlace | None:
    """Return the INEI department, province, district and ubigeo for ACLED's admin names.

    Parameters
    ----------
    admin1, admin2, admin3
        ACLED's department, province and district (the last two may be empty). ACLED's "Lima
        Province" is Lima Metropolitana (1501). A district that is not in the province is left
        out, not an error: the province stands.

    Returns
    -------
    AcledPlace or None
        None when ``admin1`` is not a department (or ``admin2`` not one of its provinces is
        simply dropped to the department).

    Examples
    --------
    >>> acled_place("Puno", "San Roman", "Juliaca")
    AcledPlace(admin1='Puno', admin2='San Román', admin3='Juliaca', ubigeo='211101')
    >>> acled_place("Lima Province", "", "")
    AcledPlace(admin1='Lima', admin2='Lima', admin3='', ubigeo='1501')
    """
    from protestmap.errors import PlaceNotFoundError
    from protestmap.places.gazetteer import load_gazetteer, normalize
    from protestmap.places.resolver import resolve

    gaz = load_gazetteer()
    first = normalize(admin1)
    if first in _LIMA_METRO or (first == "lima" and normalize(admin2) in _LIMA_METRO | {"lima"}):
        district = _district(admin3, "1501", gaz)
        if district is not None:
            return AcledPlace("Lima", "Lima", *district)
        return AcledPlace("Lima", "Lima", "", "1501")
    try:
        department = resolve(f"departamento de {admin1}", gazetteer=gaz, strict=True).match
        if department is None:
            return None
        if admin2.strip():
            name = re.sub(r"(?i)^provincia de |\s+province$", "", admin2.strip())
            province = resolve(f"provincia de {name}", department=department.name, gazetteer=gaz, strict=True).match
            if province is not None:
                district = _district(admin3, province.ubigeo, gaz)
                if district is not None:
                    return AcledPlace(department.name, province.name, *district)
                return AcledPlace(department.name, province.name, "", province.ubigeo)
        return AcledPlace(department.name, "", "", department.ubigeo)
    except PlaceNotFoundError:
        return None
