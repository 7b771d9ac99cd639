"""Candidate incidents from news text (English and Spanish), each with its evidence.

The method is deliberately general: sentence by sentence, event cues (killed / muertos, paro,
toque de queda, ...) are found on accent-folded text, counts are read next to their cue (digits
or number words), dates are resolved against the article's date with :mod:`dateparser`, and place
names are geoparsed with the project's gazetteer, using the other places of the sentence and the
article to settle ambiguous names. Running totals ("the toll rose to 48") are kept apart, never
turned into new incidents. Nothing here is keyed to particular articles.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from protestmap.places.gazetteer import Entry, load_gazetteer
from protestmap.text import lexicon as lex
from protestmap.text.geoparse import Place, sentence_places
from protestmap.text.scan import (
    DateSpan,
    Sentence,
    detect_language,
    find_dates,
    fold,
    latest_full_date,
    publication_date,
    sentences,
)

__all__ = ["Candidate", "Extraction", "eval_class", "extract_text"]


@dataclass
class Candidate:
    """A candidate incident found in an article, with provenance."""

    event_type: str
    event_date: dt.date | None
    time_precision: int
    scope: str
    place: Entry | None
    location: str
    counts: dict[str, int | None]
    source: str
    span: tuple[int, int]
    evidence: str
    confidence: float
    cumulative: bool = False
    evidence_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Extraction:
    """Everything read from one article."""

    source: str
    language: str
    published: dt.date | None
    candidates: list[Candidate]
    running_totals: list[Candidate]


def eval_class(event_type: str, fatalities: int | None) -> str:
    """Collapse an event type into the evaluation classes (deaths, injuries, detention, ...)."""
    if fatalities:
        return "deaths"
    return {
        "attack_on_protesters": "deaths",
        "accident": "deaths",
        "clash": "injuries",
        "protest": "march",
    }.get(event_type, event_type)


_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9, "diez": 10,
}  # fmt: skip
_NUMBER = r"(\d[\d,.]*|" + "|".join(_SMALL) + r")"


class _Count(NamedTuple):
    """A number counted for a measure, and where the number stands in the sentence."""

    value: int
    position: int


class _Pair(NamedTuple):
    """A count (if any) and the place it belongs to (if any)."""

    value: int | None
    position: int
    target: Place | None


class _CarriedDate(NamedTuple):
    """The last date stated in a paragraph, for the sentences after it."""

    paragraph: int
    day: dt.date


class _CarriedPlace(NamedTuple):
    """The first place named in the last sentence of a paragraph that named one."""

    paragraph: int
    entry: Entry
    name: str


@dataclass(frozen=True)
class _Reading:
    """One sentence as read: folded and digitised text, its cues, dates and places."""

    sentence: Sentence
    folded: str
    digits: str
    kinds: list[str]
    dates: list[DateSpan]
    places: list[Place]


@dataclass(frozen=True)
class _Context:
    """What the article tells a sentence: the date and place carried from before, publication, source."""

    carried_date: _CarriedDate | None
    carried_place: _CarriedPlace | None
    published: dt.date | None
    source: str


def _count(text: str, measure: str) -> list[_Count]:
    """Find the counts for a measure in a folded, digitised sentence."""
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
            value = int(raw.replace(",", "").replace(".", ""))
            if 1900 <= value <= 2100 or value > 100_000:
                continue
            found.append(_Count(value, match.start(1)))
    return found


def extract_text(
    text: str, *, source: str = "<text>", published: dt.date | None = None, language: str = "auto"
) -> Extraction:
    """Read an article and return candidate incidents with their evidence.

    Parameters
    ----------
    text
        The article as plain text (any content; junk gives no candidates).
    source
        Name of the article (file name) recorded as provenance.
    published
        Publication date when the text's header does not state one.
    language
        ``auto``, ``en`` or ``es``.

    Returns
    -------
    Extraction
        Candidates (merged per type, date and place) and running totals.
    """
    gaz = load_gazetteer()
    lang = detect_language(text) if language == "auto" else language
    header = publication_date(text, language=lang)
    published = header or published
    undated = latest_full_date(text, language=lang) if published is None else None
    parts = sentences(text)
    article_departments: list[str] = []
    raw: list[Candidate] = []
    totals: list[Candidate] = []
    carried_date: _CarriedDate | None = None
    carried_place: _CarriedPlace | None = None
    for sentence in parts:
        folded = fold(sentence.text)
        if carried_date is not None and carried_date.paragraph != sentence.paragraph:
            carried_date = None
        if carried_place is not None and carried_place.paragraph != sentence.paragraph:
            carried_place = None
        anchor = carried_date.day if carried_date else None
        dates = find_dates(sentence.text, language=lang, base=published, anchor=anchor, undated_article=undated)
        places = sentence_places(sentence, gaz, article_departments)
        raw_kinds = [k for k, pattern in lex.CUES.items() if re.search(pattern, folded)]
        if not raw_kinds:
            if dates:
                carried_date = _CarriedDate(sentence.paragraph, dates[-1].day)
            continue
        reading = _Reading(sentence, folded, _digitise(folded, lang), raw_kinds, dates, places)
        context = _Context(carried_date, carried_place, published, source)
        for candidate in _sentence_candidates(reading, context):
            (totals if candidate.cumulative and candidate.scope == "national" else raw).append(candidate)
        if dates:
            carried_date = _CarriedDate(sentence.paragraph, dates[-1].day)
        if places:
            carried_place = _CarriedPlace(sentence.paragraph, places[0].entry, places[0].name)
    return Extraction(source, lang, published, _merge(raw), totals)


def _digitise(folded: str, language: str) -> str:
    from text_to_num import alpha2digit

    try:
        return alpha2digit(folded, language).lower()
    except Exception:
        return folded


def _sentence_candidates(reading: _Reading, context: _Context) -> list[Candidate]:
    """Turn one sentence's cues into candidates, each with its count, date and place."""
    sentence, folded, digits = reading.sentence, reading.folded, reading.digits
    dates, places, published = reading.dates, reading.places, context.published
    future = bool(re.search(lex.FUTURE, folded)) and not any(d.day <= (published or d.day) for d in dates)
    cumulative = bool(re.search(lex.CUMULATIVE, folded))
    national = bool(re.search(lex.NATIONAL, folded))
    kinds = _distinct_kinds(reading.kinds, folded)
    if future and not dates:
        return []
    day, precision, confidence = _when(dates, context.carried_date, published)
    local = [p for p in places if p.entry.level != "department"] or places
    carried = context.carried_place
    if not local and carried and not national and not cumulative:
        local = [Place(0, carried.entry, carried.name)]
        confidence -= 0.1
    out = []
    for kind in kinds:
        event_type = {"deaths": "attack_on_protesters", "injured": "clash"}.get(kind, kind)
        measure = lex.MEASURE_OF.get(kind)
        counts = _count(digits, measure) if measure else []
        if kind == "deaths" and not counts and re.search(lex.SINGULAR_DEATH, folded):
            counts = [_Count(1, 0)]
        if kind == "deaths" and not counts:
            continue  # "deaths" as a word in background prose, with nothing counted
        for value, position, target in _pairs(kind, counts, places, local):
            if target is None and not national and not (cumulative and value is not None):
                continue
            entry = target.entry if target else None
            kind_here = event_type
            if kind == "deaths" and _accident_near(digits, position):
                kind_here = "accident"
            is_national = kind == "strike" and bool(re.search(lex.NATIONAL_STRIKE, folded))
            if is_national:
                entry, target = None, None
            out.append(
                Candidate(
                    event_type=kind_here,
                    event_date=day,
                    time_precision=precision,
                    scope="national" if entry is None else ("regional" if entry.level == "department" else "local"),
                    place=entry,
                    location=target.name if target else "Peru",
                    counts={measure: value} if measure else {},
                    source=context.source,
                    span=(sentence.start, sentence.end),
                    evidence=sentence.text,
                    confidence=round(max(0.05, min(0.95, confidence + (0.1 if value else 0))), 2),
                    cumulative=cumulative and measure is not None and value is not None,
                )
            )
            if is_national:
                break
    return out


def _pairs(kind: str, counts: list[_Count], places: list[Place], local: list[Place]) -> list[_Pair]:
    """Give each count of a kind its place: strikes and curfews cover every place named, else the first local one."""
    if kind == "deaths" and len(counts) > 1 and len(local) > 1:
        return _pair(counts, local)
    targets = places if kind in {"strike", "curfew", "state_of_emergency"} and len(places) > 1 else local[:1]
    best = max(counts, default=None)
    value, position = (best.value, best.position) if best else (None, -1)
    return [_Pair(value, position, t) for t in targets] or [_Pair(value, position, None)]


def _distinct_kinds(kinds: list[str], folded: str) -> list[str]:
    """Drop the cues that another cue of the sentence explains (injuries told with deaths, ...)."""
    if (
        "detention" in kinds
        and re.search(lex.NOT_AN_ARREST, folded)
        and not re.search(r"\b(?:arrested|detained|detenid[oa]s?)\b", folded)
    ):
        kinds = [k for k in kinds if k != "detention"]
    if (
        "deaths" in kinds
        and "blockade" in kinds
        and re.search(r"\b(?:related to|due to|linked to|caused by|vinculad\w+ a)\b[^.]{0,30}bloc?k", folded)
    ):
        kinds = [k for k in kinds if k != "blockade"]
    if "deaths" in kinds:
        kinds = [k for k in kinds if k not in {"injured", "march"}]
    return kinds


def _when(
    dates: list[DateSpan], carried_date: _CarriedDate | None, published: dt.date | None
) -> tuple[dt.date | None, int, float]:
    """``(day, time precision, confidence)`` from the sentence's dates, else the carried date, else publication."""
    confidence = 0.5
    if dates:
        return dates[0].day, 1, confidence + 0.25
    if carried_date:
        return carried_date.day, 1, confidence + 0.15
    return published, 2, confidence - 0.25


def _pair(counts: list[_Count], places: list[Place]) -> list[_Pair]:
    """Pair each count with the first place named after it (before the next count), else the nearest before."""
    ordered = sorted(counts, key=lambda c: c.position)
    pairs = []
    for i, (value, position) in enumerate(ordered):
        limit = ordered[i + 1].position if i + 1 < len(ordered) else 10**9
        after = [p for p in places if position <= p.offset < limit]
        before = [p for p in places if p.offset < position]
        target = after[0] if after else (before[-1] if before else places[0])
        pairs.append(_Pair(value, position, target))
    return pairs


def _accident_near(digits: str, position: int) -> bool:
    """Tell whether the clause after a death count blames a blockade or an accident."""
    if position < 0:
        return False
    clause = re.match(r"[^.;]{0,90}", digits[position:])
    return bool(
        clause and re.search(r"\b(?:blockade|accident|drown\w*|bloqueo|accidente|ahogad\w*)\b", clause.group(0))
    )


def _incident_key(cand: Candidate) -> tuple[str, str]:
    """Return the evaluation class and place code, which the candidates of one incident share."""
    return eval_class(cand.event_type, cand.counts.get("fatalities")), cand.place.ubigeo if cand.place else "PE"


def _same_day(a: dt.date | None, b: dt.date | None) -> bool:
    """Tell whether two dates are within a day of each other (two missing dates count as the same)."""
    if a is None or b is None:
        return a == b
    return abs((a - b).days) <= 1


def _merge(candidates: list[Candidate]) -> list[Candidate]:
    """Merge candidates of one article that describe the same incident (type, place, day ±1).

    Candidates are looked up by type and place, so that a long article merges in linear time.
    """
    merged: list[Candidate] = []
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for cand in sorted(candidates, key=lambda c: (c.event_date or dt.date.max, -c.confidence)):
        group = groups.setdefault(_incident_key(cand), [])
        kept = next((m for m in group if _same_day(m.event_date, cand.event_date)), None)
        if kept is None:
            fresh = replace(cand, evidence_spans=[cand.span], counts=dict(cand.counts))
            merged.append(fresh)
            group.append(fresh)
            continue
        kept.evidence_spans.append(cand.span)
        for measure, value in cand.counts.items():
            current = kept.counts.get(measure)
            if value is not None and (current is None or value > current):
                kept.counts[measure] = value
        kept.confidence = max(kept.confidence, cand.confidence)
    return _fold_into_deaths(merged)


def _fold_into_deaths(merged: list[Candidate]) -> list[Candidate]:
    """Fold injuries into the deaths of the same place and day; drop marches overshadowed by deaths."""
    deaths_at: dict[str, list[Candidate]] = {}
    deaths_in: dict[str, list[Candidate]] = {}
    for cand in merged:
        if eval_class(cand.event_type, cand.counts.get("fatalities")) == "deaths":
            deaths_at.setdefault(cand.place.ubigeo if cand.place else "", []).append(cand)
            if cand.place:
                deaths_in.setdefault(cand.place.department, []).append(cand)
    folded: set[int] = set()
    for hurt in [m for m in merged if m.event_type == "clash" and not m.counts.get("fatalities")]:
        at = deaths_at.get(hurt.place.ubigeo if hurt.place else "", [])
        death = next((d for d in at if _near(d.event_date, hurt.event_date)), None)
        if death is not None:  # injuries told next to deaths belong to the same incident
            if hurt.counts.get("injured") is not None and death.counts.get("injured") is None:
                death.counts["injured"] = hurt.counts["injured"]
            death.evidence_spans.extend(hurt.evidence_spans)
            folded.add(id(hurt))
    return [
        m
        for m in merged
        if id(m) not in folded
        and not (
            m.event_type == "march"
            and m.place
            and any(_near(s.event_date, m.event_date) for s in deaths_in.get(m.place.department, []))
        )
    ]


def _near(a: dt.date | None, b: dt.date | None) -> bool:
    return a is not None and b is not None and abs((a - b).days) <= 1
