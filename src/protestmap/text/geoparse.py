"""Places in a sentence: capitalised names the gazetteer knows, settled by the places around them.

"Juliaca, in San Román province, Puno" names one place, qualified twice; "Chucuito, Puno" names
Chucuito in Puno; a department named in the sentence or earlier in the article settles an
ambiguous name. Level words ("región de", "province") go with the name they stand beside.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from protestmap.places.gazetteer import Entry, Gazetteer
from protestmap.places.gazetteer import normalize as _normalize
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


def _masked(text: str) -> str:
    """Blank out street names and institution prefixes (offsets kept)."""
    text = lex.STREET.sub(lambda m: " " * len(m.group(0)), text)
    text = lex.STREET_AFTER.sub(lambda m: " " * len(m.group(0)), text)
    return lex.INSTITUTION.sub(lambda m: " " * len(m.group(0)), text)


normalize = functools.lru_cache(maxsize=65536)(_normalize)
"""Place-name folding, cached: news text repeats its names."""
_PLACE_CACHE: dict[tuple[str, str, bool, tuple[str, ...]], Entry | None] = {}
_PLACE_CACHE_OWNER: list[Gazetteer] = []  # the gazetteer the cache holds answers from (kept alive)
_PLACE_CACHE_SIZE = 65536
_CAPITAL = re.compile(
    r"\b(?:Peru's capital|the Peruvian capital|(?:la )?capital (?:peruana|del país|del Perú))", re.IGNORECASE
)
_ARTICLES = {"la", "el", "los", "las"}
_SAINTS = re.compile(r"^(?:san|santa|santo|santiago) ")
_IN_LIST = re.compile(r"[a-z]{3,}(?:,| y| e| and) $")
"""A name right after a list item ("Moho, San Román"): in a list, a saint's name is a place too."""
_LOCATIVE = re.compile(
    r"\b(?:en|in|de|del|at|from|desde|hacia|to|of|distrito|provincia|district|province|ciudad|city|town|localidad|"
    r"comunidad|community|centro poblado)\s*$"
)


def _mentions(sentence: Sentence, gaz: Gazetteer) -> list[Mention]:
    """Capitalised name sequences that the gazetteer knows.

    A leading article stays when it belongs to the name ("La Libertad", "El Collao"); street
    names are skipped and institution names give the place they end in ("Red de Salud de
    Chucuito"); a saint's name ("Santa Rosa", also a given name) is a place only after a
    locative word ("en Santa Rosa", "distrito de Santa Rosa").
    """
    out = []
    masked = _masked(sentence.text)
    folded_sentence = fold(masked)
    for match in lex.NAME.finditer(masked):
        words = [(w.start(), re.sub(r"['’]s$", "", w.group(0))) for w in re.finditer(r"\S+", match.group(0))]
        words = [(match.start() + at, word) for at, word in words]
        while words:
            found, used = _known_name(words, folded_sentence, gaz)
            if found is not None:
                out.append(found)
            words = words[max(used, 1) :]
    return out


def _known_name(words: list[tuple[int, str]], folded_sentence: str, gaz: Gazetteer) -> tuple[Mention | None, int]:
    """Find the longest known place name opening a run of capitalised words, and how many words it used."""
    skipped = 0
    while words and words[0][1].lower() in lex.LEADING:
        article = words[0][1].lower() in _ARTICLES and len(words) > 1
        if article and _known(normalize(f"{words[0][1]} {words[1][1]}"), gaz):
            break
        words, skipped = words[1:], skipped + 1
    if not words:
        return None, skipped
    offset = words[0][0]
    previous = folded_sentence[max(0, offset - 12) : offset].split()
    if previous and previous[-1] in lex.SITE_WORDS:
        return None, skipped + len(words)
    for size in range(len(words), 0, -1):
        text = " ".join(w for _, w in words[:size])
        key = normalize(text)
        if key in lex.NOT_PLACES or len(key) < 3 or not _known(key, gaz):
            continue
        before = folded_sentence[max(0, offset - 25) : offset]
        if _SAINTS.match(key) and not (_LOCATIVE.search(before) or _IN_LIST.search(before)):
            return None, skipped + size
        around = folded_sentence[max(0, offset - 25) : offset + len(text) + 12]
        around = around.split(" ", 1)[-1].rsplit(" ", 1)[0]  # whole words only
        return Mention(offset, text, key, bool(lex.LEVEL_WORDS.search(around))), skipped + size
    return None, skipped + 1


def _known(key: str, gaz: Gazetteer) -> bool:
    return key in gaz.aliases or bool(gaz.lookup(key))


def _place(name: str, key: str, level_hint: bool, hints: list[str], gaz: Gazetteer) -> Entry | None:
    """Resolve a mention (cached per gazetteer: the same name with the same hints resolves the same)."""
    if not _PLACE_CACHE_OWNER or _PLACE_CACHE_OWNER[0] is not gaz or len(_PLACE_CACHE) >= _PLACE_CACHE_SIZE:
        _PLACE_CACHE.clear()
        _PLACE_CACHE_OWNER[:] = [gaz]
    cache_key = (name, key, level_hint, tuple(hints))
    if cache_key not in _PLACE_CACHE:
        _PLACE_CACHE[cache_key] = _resolve_place(name, key, level_hint, hints, gaz)
    return _PLACE_CACHE[cache_key]


def _resolve_place(name: str, key: str, level_hint: bool, hints: list[str], gaz: Gazetteer) -> Entry | None:
    if level_hint and any(e.level == "department" for e in gaz.lookup(key)):
        return next(e for e in gaz.lookup(key) if e.level == "department")
    for hint in [None, *hints]:
        try:
            found = resolve(name, department=hint, gazetteer=gaz, strict=True)
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
    # Still ambiguous ("Ucayali" is a department and a province of Loreto): a department's name names it.
    return next((e for e in gaz.lookup(key) if e.level == "department"), None)


def sentence_places(sentence: Sentence, gaz: Gazetteer, article_departments: list[str]) -> list[Place]:
    """Resolve the places a sentence names, adding their departments to ``article_departments``."""
    capital = _capital(sentence.text, gaz)
    if capital is not None:
        article_departments.append(capital.entry.department)
    return sorted([*_named_places(sentence, gaz, article_departments), *([capital] if capital else [])])


def _capital(text: str, gaz: Gazetteer) -> Place | None:
    """Find the capital told without its name ("Peru's capital", "la capital peruana"): Lima."""
    found = _CAPITAL.search(text)
    lima = next((e for e in gaz.lookup("lima") if e.level == "department"), None)
    return Place(found.start(), lima, found.group(0)) if found and lima else None


def _named_places(sentence: Sentence, gaz: Gazetteer, article_departments: list[str]) -> list[Place]:
    mentions = _mentions(sentence, gaz)
    hints = list(
        dict.fromkeys(
            gaz.lookup(m.key)[0].name for m in mentions if any(e.level == "department" for e in gaz.lookup(m.key))
        )
    )
    departments = {normalize(h) for h in hints}
    places: list[Place] = []
    for index, mention in enumerate(mentions):
        previous = mentions[index - 1] if index else None
        if _only_qualifies(sentence.text, previous, mention, departments, gaz):
            continue  # "Chucuito, Puno": the department only qualifies the place before it
        nearby = [p.entry.department for p in reversed(places[-2:])]  # a list's neighbours settle a name
        entry = _place(
            mention.text,
            mention.key,
            mention.level_hint,
            list(dict.fromkeys(hints + nearby + article_departments[:3])),
            gaz,
        )
        if entry is not None:
            places.append(Place(mention.offset, entry, mention.text))
            article_departments.append(entry.department)
    return places


def _only_qualifies(
    text: str, previous: Mention | None, mention: Mention, departments: set[str], gaz: Gazetteer
) -> bool:
    """Tell whether a department named right after another place ("Chucuito, Puno") only qualifies it.

    Names are compared without accents ("Apurimac" is "Apurímac"); a department never qualifies
    another department ("Cusco, Lima" names two places), nor a place that does not lie in it
    ("Ambo, Ica" in a list of provinces names two).
    """
    return (
        previous is not None
        and text[previous.offset + len(previous.text) : mention.offset].strip() == ","
        and mention.key in departments
        and previous.key not in departments
        and not mention.level_hint
        and any(normalize(e.department) == mention.key for e in gaz.lookup(previous.key))
    )
