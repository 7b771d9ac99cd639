"""Places in a sentence: capitalised names the gazetteer knows, settled by the places around them.

"Juliaca, in San Román province, Puno" names one place, qualified twice; "Chucuito, Puno" names
Chucuito in Puno; a department named in the sentence or earlier in the article settles an
ambiguous name. Level words ("región de", "province") go with the name they stand beside.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from protestmap.places.gazetteer import Entry, Gazetteer, normalize
from protestmap.places.resolver import resolve
from protestmap.text import lexicon as lex
from protestmap.text.scan import Sentence, fold

__all__ = ["Place", "sentence_places"]


class Mention(NamedTuple):
    """A capitalised name the gazetteer knows, with whether a level word ("region de") goes with it."""

    offset: int
    text: str
    key: str
    level_hint: bool


class Place(NamedTuple):
    """A place a sentence names: where the name stands, its gazetteer entry and the name as written."""

    offset: int
    entry: Entry
    name: str


def _mentions(sentence: Sentence, gaz: Gazetteer) -> list[Mention]:
    """Capitalised name sequences that the gazetteer knows."""
    out = []
    folded_sentence = fold(sentence.text)
    for match in lex.NAME.finditer(sentence.text):
        words = [re.sub(r"['’]s$", "", w) for w in match.group(0).split()]
        while words and words[0].lower() in lex.LEADING:
            words = words[1:]
        previous = folded_sentence[max(0, match.start() - 12) : match.start()].split()
        if not words or (previous and previous[-1] in lex.SITE_WORDS):
            continue
        for size in range(len(words), 0, -1):
            text = " ".join(words[:size])
            key = normalize(text)
            if key in lex.NOT_PLACES or len(key) < 3:
                continue
            if key in gaz.aliases or gaz.lookup(key):
                around = folded_sentence[max(0, match.start() - 25) : match.start() + len(text) + 12]
                around = around.split(" ", 1)[-1].rsplit(" ", 1)[0]  # whole words only
                out.append(Mention(match.start(), text, key, bool(lex.LEVEL_WORDS.search(around))))
                break
    return out


def _place(name: str, key: str, level_hint: bool, hints: list[str], gaz: Gazetteer) -> Entry | None:
    if level_hint and any(e.level == "department" for e in gaz.lookup(key)):
        return next(e for e in gaz.lookup(key) if e.level == "department")
    for hint in [None, *hints]:
        try:
            found = resolve(name, department=hint, gazetteer=gaz)
        except Exception:
            continue
        if found.match is not None and found.match.level != "country":
            return found.match
        departments = {c.ubigeo[:2] for c in found.candidates}
        if found.match is None and len(departments) == 1:  # ambiguous, but within one department
            unit = gaz.unit(departments.pop())
            if unit is not None:
                return Entry(
                    unit.ubigeo, "region", name, unit.latitude, unit.longitude, "department capital", "", unit.admin
                )
    return None


def sentence_places(sentence: Sentence, gaz: Gazetteer, article_departments: list[str]) -> list[Place]:
    """Resolve the places a sentence names, adding their departments to ``article_departments``."""
    mentions = _mentions(sentence, gaz)
    hints = [gaz.lookup(m.key)[0].name for m in mentions if any(e.level == "department" for e in gaz.lookup(m.key))]
    places = []
    for index, mention in enumerate(mentions):
        previous = mentions[index - 1] if index else None
        if _only_qualifies(sentence.text, previous, mention, hints):
            continue  # "Chucuito, Puno": the department only qualifies the place before it
        entry = _place(
            mention.text, mention.key, mention.level_hint, list(dict.fromkeys(hints + article_departments[:3])), gaz
        )
        if entry is not None:
            places.append(Place(mention.offset, entry, mention.text))
            article_departments.append(entry.department)
    return places


def _only_qualifies(text: str, previous: Mention | None, mention: Mention, hints: list[str]) -> bool:
    """Tell whether a department named right after another place ("Chucuito, Puno") only qualifies it."""
    return (
        previous is not None
        and text[previous.offset + len(previous.text) : mention.offset].strip() == ","
        and mention.text in hints
        and previous.text not in hints
        and not mention.level_hint
    )
