"""The gazetteer's build shortcuts give exactly what the plain way gave."""

from __future__ import annotations

import csv
import dataclasses
import re
import unicodedata
from importlib import resources

from hypothesis import given
from hypothesis import strategies as st

from protestmap.places.gazetteer import load_gazetteer, normalize


def folded_the_long_way(text: str) -> str:
    """Every character decomposed and stripped of its accents, ASCII or not."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = re.sub(r"[^\w\s,]", " ", folded.replace("-", " ").replace("–", " "))
    return " ".join(folded.split())


@given(st.text())
def test_normalize_equals_the_long_way_on_any_text(text: str) -> None:
    assert normalize(text) == folded_the_long_way(text)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_normalize_equals_the_long_way_on_ascii(text: str) -> None:
    assert normalize(text) == folded_the_long_way(text)


def test_every_gazetteer_name_folds_as_the_long_way() -> None:
    gazetteer = load_gazetteer()
    for key, entries in gazetteer.by_name.items():
        assert {folded_the_long_way(e.name) for e in entries} == {key}


def test_entries_hold_every_column_of_the_packaged_files() -> None:
    def rows(name: str) -> list[dict[str, str]]:
        text = resources.files("protestmap.places").joinpath("_data", name).read_text(encoding="utf-8")
        return list(csv.DictReader(text.splitlines()))

    gazetteer = load_gazetteer()
    written = rows("gazetteer.csv")
    assert len(gazetteer.entries) == len(written)
    people = {(r["ubigeo"], r["level"], r["name"]): int(r["population"]) for r in rows("towns.csv")}
    for entry, row in zip(gazetteer.entries, written, strict=True):
        assert (entry.ubigeo, entry.level, entry.name, entry.coord_source) == (
            row["ubigeo"],
            row["level"],
            row["name"],
            row["coord_source"],
        )
        assert (entry.latitude, entry.longitude) == (float(row["latitude"]), float(row["longitude"]))
        assert entry.population == people.get((row["ubigeo"], row["level"], row["name"]))
    assert {dataclasses.astuple(f)[1] if f else None for _, f in gazetteer.aliases.values()} >= {"country", "region"}
    assert len(gazetteer.aliases) == len(rows("aliases.csv"))
