"""Which places a sentence's event is given: lists of places, a cue's own stretch, counts paired with places.

A list of places gives one event each for the kinds that spread over places (blockades,
marches, strikes, decrees); a cue's own stretch of the sentence runs to the next cue of another
kind; an event whose sentence names no place borrows the paragraph's, the lead's or the
article's; several death counts are paired with the places named after them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from protestmap.text import lexicon as lex
from protestmap.text.geoparse import Place

if TYPE_CHECKING:
    from protestmap.text.events import Context, Count, Reading, When

__all__ = ["fallback_place", "pair", "targets"]

_SPREAD = {"blockade", "march", "strike", "curfew", "state_of_emergency"}
_LIST_GLUE = re.compile(
    r"^(?:\s*,\s*|\s+(?:y|e|and|,\s*and)\s+|\s*,\s*(?:y|and)\s+|[ \t]+"
    r"|\s*,\s*[A-ZÁÉÍÓÚÑ][^\s,]*(?: [A-ZÁÉÍÓÚÑ][^\s,]*)?\s*,\s*)$"
)
"""What stands between two items of a list of places: a comma, "y", a bare space (a comma left
out), or one name the gazetteer could not settle ("Grau, Anta, Calca")."""
_LIST_OPENER = re.compile(
    r"(?:\b(?:in|en|at|of|de|del|across|regions?|regiones|departments?|departamentos|provinces?|provincias|"
    r"ciudades|cities|towns?|such as|como)|:)\s+(?:(?:the|la|las|los|el)\s+)?$",
    re.IGNORECASE,
)
_LIST_REACH = 80
_WHOLE_STRETCH = {"strike", "curfew", "state_of_emergency"}


def _place_lists(text: str, places: list[Place]) -> list[list[Place]]:
    """Places named as a list ("Tacna, Moquegua y Piura"), in groups of two or more."""
    groups: list[list[Place]] = []
    for place in sorted(places, key=lambda p: p.offset):
        if groups:
            last = groups[-1][-1]
            between = text[last.offset + len(last.name) : place.offset]
            if _LIST_GLUE.match(between):
                groups[-1].append(place)
                continue
        groups.append([place])
    return [g for g in groups if len(g) > 1 and _LIST_OPENER.search(text[max(0, g[0].offset - 40) : g[0].offset])]


def _list_distance(group: list[Place], cue: int) -> tuple[int, int]:
    """Rank a list of places for a cue: a list that follows the cue closely ("a strike in X and Y") first."""
    after = group[0].offset - cue
    if 0 < after < _LIST_REACH:
        return (0, after)
    return (1, min(abs(p.offset - cue) for p in group))


def _scope_end(kind: str, reading: Reading) -> int:
    """Where a cue's own stretch of the sentence ends: at the next cue of another kind, else the end."""
    cue = reading.cues[kind]
    return min((at for other, at in reading.cues.items() if other != kind and at > cue), default=len(reading.folded))


def targets(kind: str, reading: Reading, local: list[Place]) -> list[Place]:
    """Give a kind of event its places: every place of a list for spreading kinds, else the first local one.

    The lists that follow the cue closely, before another kind's cue, are the cue's own ("a strike
    in San Román and Puno"), even when all their places lie in one department; a decree or a
    strike takes every place of that stretch ("en las provincias de X e Y, y en la región Z": the
    guide counts one row per department, so none of the departments it names may be lost).
    Otherwise, of several lists the one nearest the cue is taken.
    """
    if kind in _SPREAD:
        lists = _place_lists(reading.sentence.text, reading.places)
        cue, end = reading.cues[kind], _scope_end(kind, reading)
        own = [g for g in lists if _list_distance(g, cue)[0] == 0 and g[0].offset < end]
        if own and kind in _WHOLE_STRETCH:
            return [p for p in reading.places if cue < p.offset < end]
        if own:  # and the lists after it in the same stretch ("cortes en X, Y y Z, y bloqueos en A y B")
            return [p for g in lists if cue < g[0].offset < end for p in g]
        lists = [g for g in lists if len({p.entry.department for p in g}) > 1]
        if lists:
            return min(lists, key=lambda g: _list_distance(g, cue))
        if kind in _WHOLE_STRETCH and len(reading.places) > 1:
            return reading.places
    return local[:1]


def fallback_place(
    kind: str, fresh: list[Count], when: When, reading: Reading, context: Context
) -> tuple[list[Place], When]:
    """Place an event whose sentence names no place: the paragraph's, the lead's, or the article's.

    The lead's place is not lent to a sentence with its own date (it may tell of elsewhere),
    unless the sentence names a street ("llegaron hasta la avenida Abancay"), which is in the
    story's town. Deaths counted with no place ("18 killed since yesterday") take the article's
    place when all its places lie in one department.
    """
    own_date = when.how.startswith("stated in the s")
    street = bool(lex.STREET.search(reading.sentence.text) or lex.STREET_AFTER.search(reading.sentence.text))
    lead_place = context.story_place if not own_date or street else None
    fallback = context.carried_place or lead_place
    if fallback is not None:
        return [fallback], when._replace(confidence=when.confidence - (0.1 if context.carried_place else 0.15))
    headline = reading.sentence.paragraph == 0  # "curfew after 18 deaths": the body tells them with their place
    if kind == "deaths" and fresh and not headline and isinstance(context.article_place, Place):
        return [context.article_place], when._replace(confidence=when.confidence - 0.15)
    return [], when


def pair(counts: list[Count], places: list[Place]) -> list[tuple[int, Place]]:
    """Pair each count with the first place named after it (before the next count), else the nearest before."""
    ordered = sorted(counts, key=lambda c: c.position)
    pairs = []
    for i, found in enumerate(ordered):
        limit = ordered[i + 1].position if i + 1 < len(ordered) else 10**9
        after = [p for p in places if found.position <= p.offset < limit]
        before = [p for p in places if p.offset < found.position]
        pairs.append((found.value, after[0] if after else (before[-1] if before else places[0])))
    return pairs
