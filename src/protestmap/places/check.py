"""The gazetteer as the INEI reference that dataset validation checks places against.

:class:`GazetteerPlaces` implements :class:`protestmap.dataset.validate.PlaceRegistry`; the caller
hands it to validation, so the dataset stage never imports this one. Its answers are the geocoding
stage's own (:func:`protestmap.places.table.geocode_incidents`): a row validation accepts is a row
the maps can place.
"""

from __future__ import annotations

from protestmap.places.gazetteer import Gazetteer, load_gazetteer, normalize
from protestmap.places.table import explain_unplaced

__all__ = ["GazetteerPlaces"]


class GazetteerPlaces:
    """Codes, names and placeability from the packaged gazetteer.

    Parameters
    ----------
    gazetteer
        The gazetteer; the packaged one by default.
    """

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self._gazetteer = gazetteer or load_gazetteer()
        self._unplaced: dict[tuple[str, str, str, str], str | None] = {}

    def unit_names(self, ubigeo: str) -> tuple[str, str, str] | None:
        """Return the department, province and district names of an INEI code, or None."""
        entry = self._gazetteer.unit(ubigeo)
        return None if entry is None else entry.admin

    def same_name(self, given: str, official: str) -> bool:
        """Compare names as the geocoder does: accents, case and punctuation aside."""
        return normalize(given) == normalize(official)

    def why_unplaced(self, location: str, admin1: str, admin2: str, admin3: str) -> str | None:
        """Return why the geocoding stage cannot place these names, or None when it can."""
        key = (location, admin1, admin2, admin3)
        if key not in self._unplaced:
            self._unplaced[key] = explain_unplaced(key, self._gazetteer)
        return self._unplaced[key]
