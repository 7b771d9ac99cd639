"""The events of one sentence: cues, their clauses, counts, days and places.

Cues are found twice: by patterns on accent-folded text (multi-word phrasings such as "toque de
queda" or "puntos con tránsito interrumpido") and by lemma (:mod:`simplemma`), so that any form
of a verb or noun ("fallecieron", "detuvo", "mobilized") cues its kind. Each cue is read with its
clause: a hedged or announced clause gives nothing, counts in a running-total clause are kept
apart, and the cue's date comes from its own clause before the rest of the sentence.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from protestmap.places.gazetteer import Entry
from protestmap.text import lexicon as lex
from protestmap.text.clauses import Clauses, choose_day, clauses_of
from protestmap.text.geoparse import Place
from protestmap.text.scan import DateSpan, Sentence
from protestmap.text.targets import fallback_place, pair
from protestmap.text.targets import targets as place_targets
from protestmap.text.types import Candidate

__all__ = ["Context", "Reading", "cue_positions", "sentence_candidates"]

_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9, "diez": 10,
}  # fmt: skip
_NUMBER = r"(\d[\d,.]*|" + "|".join(_SMALL) + r")"
_MONTH_MARCH = re.compile(r"\bmarch(?=\.?\s+\d)|(?<=\d\s)march\b|(?<=de\s)marzo\b")
_WORD = re.compile(r"[a-z]+")
_BACKGROUND_NOUN = re.compile(
    r"\b(?:during|amid|durante|en medio de|in the context of|en el marco de|en el contexto de|regarding|sobre)"
    r"\s+(?:the|las|los|la|el|these|estas|estos)?\s*(?:\w+\s+)?$"
)
_MONTH_NAMES = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|enero|febrero|"
    r"marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)"
)
VAGUE_PAST = re.compile(
    r"\b(?:dias anteriores|days earlier|days before|la semana pasada|last week|previously|anteriormente|"
    r"in recent (?:days|weeks)|en los ultimos dias|semanas atras|weeks ago|meses atras|months ago|"
    r"during the week|over the week|durante la semana|en la semana)\b"
    r"|(?<!\d)(?<!dos)\s(?:in|en|since|desde|of|de|originally)\s"
    rf"(?:mid-?|early |late |(?:a )?(?:mediados|finales|fines|principios) de )?{_MONTH_NAMES}\b(?!\s*\d)"
)
"""A past the article gives no day for ("days earlier", "in mid-December"); events told with it stay undated."""
_DECREES = {"curfew", "state_of_emergency"}
_TERMS = re.compile(
    r"(?:will|would) (?:run|last|apply|remain in (?:force|effect)|be in (?:force|effect)|start|begin|end|expire)\b"
)
"""A decree's terms told in the future ("will last 30 days"): the decree itself is done."""
_LIFTED = re.compile(r"\b(?:lift(?:ed|s)?|levant\w+|end(?:ed|s)|ended|concluy\w+|culmin\w+)\b")
_CLASH = re.compile(r"\b(?:clash\w*|enfrenta\w*|se enfrentan|incendi\w+|set (?:on )?fire|torched|prendieron fuego)\b")
_PRESENT = re.compile(
    r"\b(?:sigue|siguen|continua|continuan|persiste|persisten|permanece|permanecen|se registran?|hay|mantiene\w*|"
    r"remain|remains|continue|continues|are blocking|is blocked|are blocked|se reporta\w*|se viene)\b"
)


_PRESENT_CUE = re.compile(r"[a-z]{3,}(?:an|en)\b|(?<=are )[a-z]+ing\b|(?<=is )[a-z]+ing\b")
"""A cue told in the present ("se movilizan", "bloquean", "are marching"): reported as happening now."""


_OTHER_MEASURE = re.compile(
    r"^(?:[a-z]+\s+){0,2}?(?:injured|wounded|hurt|herid[oa]s|lesionad[oa]s|detenid[oa]s|detained|arrested)\b"
)


_CUE_PATTERNS = {kind: re.compile(pattern) for kind, pattern in lex.CUES.items()}
_KINDS_OF: dict[str, tuple[str, ...]] = {}
for _kind, _lemmas in lex.LEMMA_CUES.items():
    for _word in _lemmas:
        _KINDS_OF[_word] = (*_KINDS_OF.get(_word, ()), _kind)


class Count(NamedTuple):
    """A number counted for a measure, where it stands, and whether it is a running total."""

    value: int
    position: int
    cumulative: bool


@dataclass(frozen=True)
class Reading:
    """One sentence as read: its (masked) text folded and digitised, cue positions, dates and places."""

    sentence: Sentence
    folded: str
    digits: str
    cues: dict[str, int]
    dates: list[DateSpan]
    places: list[Place]


@dataclass(frozen=True)
class Context:
    """What the article tells a sentence: carried date and place, publication date and how it was found."""

    carried_day: dt.date | None
    carried_kinds: frozenset[str] | None
    carried_place: Place | None
    story_day: dt.date | None
    story_place: Place | None
    published: dt.date | None
    published_how: str
    source: str
    lead: bool
    undated: bool = False
    article_place: Place | bool | None = False
    """The article's own place (all its places lie in one department), ``None`` if it names none, else ``False``."""


@functools.lru_cache(maxsize=65536)
def _lemma(word: str, language: str) -> str:
    import simplemma

    from protestmap.text.scan import fold

    try:
        return fold(simplemma.lemmatize(word, lang=language))
    except (ValueError, KeyError):
        return word


def cue_positions(folded: str, language: str) -> dict[str, int]:
    """First position of each kind's cue in a folded sentence (patterns, then lemmas)."""
    text = _MONTH_MARCH.sub(lambda m: "x" * len(m.group(0)), folded)
    found = {}
    for kind, pattern in _CUE_PATTERNS.items():
        match = pattern.search(text)
        if match:
            found[kind] = match.start()
    for match in _WORD.finditer(text):
        word = match.group(0)
        if len(word) < 4:
            continue
        for kind in (*_KINDS_OF.get(_lemma(word, language), ()), *_KINDS_OF.get(word, ())):
            if kind not in found and not _not_a_cue(kind, word, text, match.start()):
                found[kind] = match.start()
    return found


def _not_a_cue(kind: str, word: str, text: str, start: int) -> bool:
    """Tell whether a word whose lemma cues ``kind`` means something else where it stands."""
    if kind == "detention" and text[max(0, start - 3) : start] == "se ":
        return True  # "se detuvieron": they stopped
    # "los cortes siguen concentrándose en Puno": where they are, not a rally
    return word.startswith("concentr") and bool(lex.SPREAD_OVER.search(text[max(0, start - 80) : start]))


def count(text: str, measure: str) -> list[Count]:
    """Find the counts for a measure in a folded, digitised sentence, each marked if a running total."""
    clauses = clauses_of(text)
    found = []
    patterns = [rf"\b{_NUMBER}\s+(?:[a-z-]+,?\s+){{0,3}}?{lex.COUNT_WORDS[measure]}"]
    if measure in lex.VERB_THEN_COUNT:
        patterns.append(lex.VERB_THEN_COUNT[measure] + r"(?:[a-z]+\s+){0,2}?" + _NUMBER + r"\b")
    for pattern in patterns:
        for match in re.finditer(pattern, text):
            raw = match.group(1).rstrip(".,")
            after = text[match.end(1) :].lstrip(" -")
            if raw in _SMALL:
                raw = str(_SMALL[raw])
            if lex.NUMBER_NOT_COUNT.match(after) or not raw.replace(",", "").replace(".", "").isdigit():
                continue
            if measure == "fatalities" and _OTHER_MEASURE.match(after):
                continue  # "left 52 people injured": a count, but not of the dead
            value = int(raw.replace(",", "").replace(".", ""))
            if 1900 <= value <= 2100 or value > 100_000:
                continue
            found.append(Count(value, match.start(1), clauses.cumulative(match.start(1))))
    if measure in lex.TOTAL_FIRST:
        found += [Count(int(m[1]), m.start(1), True) for m in re.finditer(lex.TOTAL_FIRST[measure], text)]
    return found


def _running(counts: list[Count], folded: str, clauses: Clauses, dates: list[DateSpan]) -> list[Count]:
    """Mark as running totals the counts of a sentence that states a total, unless their clause has a date."""
    if not re.search(lex.CUMULATIVE, folded):
        return counts
    dated = {clauses.index(d.start) for d in dates}
    return [c if c.cumulative or clauses.index(c.position) in dated else c._replace(cumulative=True) for c in counts]


def _distinct_kinds(kinds: dict[str, int], folded: str) -> dict[str, int]:
    """Drop the cues that another cue of the sentence explains (injuries told with deaths, ...)."""
    kinds = dict(kinds)
    arrest_named = re.search(r"\b(?:arrested|detained|detenid[oa]s?|detuvo|detuvieron)\b", folded)
    if "detention" in kinds and re.search(lex.NOT_AN_ARREST, folded) and not arrest_named:
        kinds.pop("detention")
    blamed = r"\b(?:related to|due to|linked to|caused by|vinculad\w+ a|por el|por los)\b[^.]{0,30}(?:bloc?k|bloqueo)"
    if "deaths" in kinds and "blockade" in kinds and re.search(blamed, folded):
        kinds.pop("blockade")
    if "deaths" in kinds:
        kinds.pop("injured", None)
        kinds.pop("march", None)
    if "march" in kinds and _BACKGROUND_NOUN.search(folded[max(0, kinds["march"] - 30) : kinds["march"]]):
        kinds.pop("march")  # "crimes committed during the demonstrations": a reference, not a new event
    return kinds


def _decree_terms(kind: str, clause: str) -> bool:
    """Tell whether a decree's clause only states its terms ("will last 30 days"), which hedge nothing.

    A curfew that "will run from 8 p.m. to 4 a.m." has been decreed; one the government "could
    declare" has not.
    """
    if kind not in _DECREES:
        return False
    hedges = [m.group(0) for m in re.finditer(lex.HEDGED, clause)]
    return all(re.match(_TERMS, clause[clause.index(h) :]) for h in hedges)


class When(NamedTuple):
    """The day given to an event, its time precision, the confidence it brings, and how it was found."""

    day: dt.date | None
    precision: int
    confidence: float
    how: str


def _when(kind: str, reading: Reading, context: Context, clauses: Clauses, cue: int) -> When:
    """Date the ``kind`` cue at ``cue``: its clause, the paragraph, the lead, else publication."""
    own_clause = clauses.clause(cue)
    if not reading.dates and VAGUE_PAST.search(reading.folded[:cue]):
        return When(None, 3, 0.5, "none (a vague past: no day can be given)")  # "Previously, Peru extended ..."
    if VAGUE_PAST.search(own_clause) and not any(clauses.index(d.start) == clauses.index(cue) for d in reading.dates):
        return When(None, 3, 0.5, "none (a vague past: no day can be given)")  # "nine deaths during the week"
    choice = choose_day(clauses, cue, reading.dates, list(reading.cues.values()))
    if choice.day is not None:
        return When(choice.day, 1, 0.75, "stated in the sentence")
    if context.carried_day is not None and (context.carried_kinds is None or kind in context.carried_kinds):
        return When(context.carried_day, 1, 0.65, "stated earlier in the paragraph")
    if VAGUE_PAST.search(clauses.clause(cue)) or context.undated:
        return When(None, 3, 0.5, "none (a vague past or a quotation: no day can be given)")
    present = bool(_PRESENT.search(reading.folded) or _PRESENT_CUE.match(reading.folded, cue))
    if context.story_day is not None and not context.lead:
        return When(context.story_day, 1, 0.6 if present else 0.55, "stated in the article's lead")
    if context.published is None:
        return When(None, 3, 0.5, "none")
    confidence = 0.6 if context.lead or present else 0.45
    return When(context.published, 2, confidence, f"publication date ({context.published_how})")


def sentence_candidates(reading: Reading, context: Context) -> tuple[list[Candidate], list[Candidate]]:
    """Turn one sentence's cues into candidates and running totals, each with its count, date and place."""
    clauses = clauses_of(reading.folded)
    out: list[Candidate] = []
    totals: list[Candidate] = []
    for kind, cue in _distinct_kinds(reading.cues, reading.folded).items():
        if clauses.hedged(cue) and not _decree_terms(kind, clauses.clause(cue)):
            continue
        if kind in _DECREES and _LIFTED.search(clauses.clause(cue)):
            continue  # a curfew lifted is the end of one, not a new one
        measure = lex.MEASURE_OF.get(kind)
        counts = count(reading.digits, measure) if measure else []
        if counts and reading.digits == reading.folded:
            counts = _running(counts, reading.folded, clauses, reading.dates)
        fresh = [c for c in counts if not c.cumulative]
        if kind == "deaths" and not counts and re.search(lex.SINGULAR_DEATH, reading.folded):
            fresh = [Count(1, 0, False)]
        when = _when(kind, reading, context, clauses, cue)
        if counts and not fresh:  # only a running total ("the toll rose to 48")
            best = max(counts, key=lambda c: c.value)
            total = _candidate(kind, measure, best.value, None, when._replace(confidence=0.5), reading, context)
            total.cumulative = True
            totals.append(total)
        elif kind != "deaths" or fresh:  # "deaths" as a word in background prose, with nothing counted, is no event
            out.extend(_placed(kind, measure, fresh, when, reading, context))
    return out, totals


def _placed(
    kind: str, measure: str | None, fresh: list[Count], when: When, reading: Reading, context: Context
) -> list[Candidate]:
    """Make the candidates of one cue, one per place it is given (or one nationwide)."""
    national = bool(re.search(lex.NATIONAL, reading.folded))
    local = [p for p in reading.places if p.entry.level != "department"] or reading.places
    targets = place_targets(kind, reading, local)
    if not targets and not national:
        targets, when = fallback_place(kind, fresh, when, reading, context)
    unplaced_death = (
        kind == "deaths" and bool(fresh) and context.article_place is None and reading.sentence.paragraph > 0
    )
    if (kind == "strike" and re.search(lex.NATIONAL_STRIKE, reading.folded)) or (not targets and national):
        targets = []
    elif not targets and not unplaced_death:
        return []
    if kind == "deaths" and len(fresh) > 1 and len(local) > 1:
        return [_candidate(kind, measure, v, target, when, reading, context) for v, target in pair(fresh, local)]
    value = max((c.value for c in fresh), default=None)
    places: list[Place | None] = [*targets] or [None]
    return [_candidate(kind, measure, value, target, when, reading, context) for target in places]


def _candidate(
    kind: str,
    measure: str | None,
    value: int | None,
    target: Place | None,
    when: When,
    reading: Reading,
    context: Context,
) -> Candidate:
    entry: Entry | None = target.entry if target else None
    event_type = {"deaths": "attack_on_protesters", "injured": "clash"}.get(kind, kind)
    if kind == "march" and _CLASH.match(reading.folded, reading.cues["march"]):
        event_type = "clash"  # a clash: injuries if the article counts any that day, else a protest (see merge)
    if kind == "deaths" and re.search(r"\b(?:accident\w*|drown\w*|ahog\w+|accidente\w*)\b", reading.folded):
        event_type = "accident"
    sentence = reading.sentence
    return Candidate(
        event_type=event_type,
        event_date=when.day,
        time_precision=when.precision,
        scope="national" if entry is None else ("regional" if entry.level == "department" else "local"),
        place=entry,
        location=target.name if target else "Peru",
        counts={measure: value} if measure else {},
        source=context.source,
        span=(sentence.start, sentence.end),
        evidence=sentence.text,
        confidence=round(max(0.05, min(0.95, when.confidence + (0.1 if value else 0))), 2),
        date_source=when.how,
    )
