"""Candidate incidents from news text (English and Spanish), each with its evidence.

The method is deliberately general. The article's own date comes from ``--published`` (which
always wins), else its header or byline, a date in a URL near the top, or a wire dateline. Text
is split into sentences with :mod:`pysbd` (every line break also ends one); URLs and datelines
are blanked so that their words are never read as events or event places. Each sentence's cues
(:mod:`protestmap.text.events`) are read clause by clause with their counts, dates and places;
running totals ("the toll rose to 48") are kept apart, never turned into new incidents; and the
candidates of one incident are merged per type, department and day. Nothing here is keyed to
particular articles.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from protestmap import settings
from protestmap.places.gazetteer import Gazetteer, load_gazetteer
from protestmap.text.clauses import carried_dates, clauses_of
from protestmap.text.events import VAGUE_PAST, Context, Reading, cue_positions, sentence_candidates
from protestmap.text.geoparse import Place, sentence_places
from protestmap.text.header import dateline, header_date, url_date
from protestmap.text.merge import merge
from protestmap.text.scan import Sentence, detect_language, find_dates, fold, latest_full_date, sentences
from protestmap.text.types import Candidate, Extraction, eval_class

__all__ = ["Candidate", "Extraction", "eval_class", "extract_text", "outside_period"]

_URL = re.compile(r"\b(?:https?://|www\.)\S+")
_OPENING_QUOTES = {"“", '"', "«", "‘"}
_SINGLE_DAY_CONFIDENCE = 0.55
_BULLETS = {"-", "•", "*", "·", "–"}
_CALLS = re.compile(
    r"\b(?:convocatorias?|convoca\w*|anunci\w+|previst\w+|programad\w+|agenda|calls?|called|announced|planned|"
    r"scheduled|upcoming)\b"
)
"""Words that open a list of calls or plans rather than of events."""


class _Publication(NamedTuple):
    """The article's date and how it was found (``""`` when it was not)."""

    day: dt.date | None
    how: str


def outside_period(day: dt.date | None) -> bool:
    """Tell whether a date falls outside the dataset's period (:data:`protestmap.settings.DATASET_PERIOD`)."""
    first, last = settings.DATASET_PERIOD
    return day is not None and not first <= day <= last


def _mask_urls(text: str) -> str:
    """Blank out URLs (keeping every offset), so that "paro-nacional" in a link is never read as a strike."""
    return _URL.sub(lambda m: " " * len(m.group(0)), text)


def _publication(text: str, raw: str, published: dt.date | None, published_how: str) -> _Publication:
    """Find the publication date: the caller's (``--published`` wins), else header, URL, dateline."""
    if published is not None:
        return _Publication(published, published_how)
    header = header_date(text)
    if header is not None:
        return _Publication(header, "header")
    for url in _URL.findall(raw[:3000]):
        found = url_date(url)
        if found is not None:
            return _Publication(found, "url")
    latest = latest_full_date(text, language="en")
    for sentence in sentences(text[:5000])[:8]:
        line = dateline(sentence.text)
        if line is not None and line.month is not None and line.day is not None and latest is not None:
            for year in (latest.year, latest.year + 1):  # the filing day follows the dates the story tells
                try:
                    day = dt.date(year, line.month, line.day)
                except ValueError:
                    continue
                if day >= latest - dt.timedelta(days=2):
                    return _Publication(day, "dateline")
    return _Publication(None, "")


def _without_dateline(sentence: Sentence, first_in_paragraph: bool) -> Sentence:
    """Blank out the dateline that opens a paragraph's first sentence, if it has one."""
    if not first_in_paragraph:
        return sentence
    line = dateline(sentence.text)
    if line is None:
        return sentence
    return Sentence(sentence.start, sentence.end, " " * line.end + sentence.text[line.end :], sentence.paragraph)


def extract_text(
    text: str,
    *,
    source: str = "<text>",
    published: dt.date | None = None,
    language: str = "auto",
    published_how: str = "--published",
) -> Extraction:
    """Read an article and return candidate incidents with their evidence.

    Parameters
    ----------
    text
        The article as plain text (any content; junk gives no candidates).
    source
        Name of the article (file name) recorded as provenance.
    published
        Publication date; when given it always wins over dates found in the text.
    language
        ``auto``, ``en`` or ``es``.
    published_how
        How ``published`` was obtained, reported with each candidate dated by it.

    Returns
    -------
    Extraction
        Candidates (merged per type, date and department), running totals apart, and how the
        publication date was found (``""`` when it was not; candidates then have no date unless
        a sentence states one).
    """
    gaz = load_gazetteer()
    clean = _mask_urls(text)
    lang = detect_language(clean) if language == "auto" else language
    publication = _publication(clean, text, published, published_how)
    undated = latest_full_date(clean, language=lang) if publication.day is None else None
    article_departments: list[str] = []
    raw: list[Candidate] = []
    totals: list[Candidate] = []
    carried_day: tuple[int, dt.date, frozenset[str] | None] | None = None
    carried_place: tuple[int, Place] | None = None
    last_paragraph = -1
    undated_paragraph = -1  # a quotation, or after a vague past ("in mid-December"): nothing in it is dated by default
    story_day: dt.date | None = None
    story_place: Place | None = None
    other_days: set[dt.date] = set()
    announced_list = False
    read = _read_places(text, clean, gaz, article_departments)
    article_place = _article_place([p for _, _, found in read for p in found])
    for original, sentence, places in read:
        if original.paragraph != last_paragraph and original.text[:1] in _OPENING_QUOTES:
            undated_paragraph = original.paragraph
        last_paragraph = sentence.paragraph
        if carried_day is not None and carried_day[0] != sentence.paragraph:
            carried_day = None
        if carried_place is not None and carried_place[0] != sentence.paragraph:
            carried_place = None
        folded = fold(sentence.text)
        anchor = carried_day[1] if carried_day else None
        quoted = undated_paragraph == sentence.paragraph
        dates = find_dates(
            sentence.text,
            language=lang,
            base=publication.day,
            anchor=anchor,
            undated_article=undated,
            relative=not quoted,
        )
        cues, announced_list = _cues(sentence.text, folded, lang, announced_list)
        if cues:
            reading = Reading(sentence, folded, _digitise(folded, lang), cues, dates, places)
            context = Context(
                carried_day[1] if carried_day else None,
                carried_day[2] if carried_day else None,
                carried_place[1] if carried_place else None,
                story_day,
                story_place,
                publication.day,
                publication.how,
                source,
                lead=sentence.paragraph <= 1,
                undated=quoted,
                article_place=article_place,
            )
            found, running = sentence_candidates(reading, context)
            for cand in [*found, *running]:
                cand.evidence = original.text  # as written, URLs and dateline included
            raw.extend(found)
            totals.extend(running)
        other_days |= {d.day for d in dates if d.day != publication.day}
        if not dates and VAGUE_PAST.search(folded):
            undated_paragraph = sentence.paragraph
        handed_on, since = carried_dates(clauses_of(folded), dates, list(cues.values()))
        if handed_on:
            carried_day = (sentence.paragraph, handed_on[-1].day, frozenset(cues) if since else None)
            if story_day is None and 1 <= sentence.paragraph <= 2 and not since:
                story_day = handed_on[0].day  # the day the lead gives the story
        if places:
            carried_place = (sentence.paragraph, places[0])
            if story_place is None and sentence.paragraph <= 1 and len({p.entry.department for p in places}) == 1:
                story_place = places[0]  # the place the headline or lead gives the story (not one of a list)
    _single_day(raw, other_days)
    return Extraction(source, lang, publication.day, merge(raw), totals, publication.how)


def _read_places(
    text: str, clean: str, gaz: Gazetteer, article_departments: list[str]
) -> list[tuple[Sentence, Sentence, list[Place]]]:
    """Split the article into sentences (URLs masked, opening datelines blanked) and resolve their places."""
    read = []
    last_paragraph = -1
    for original in sentences(text):
        masked = Sentence(original.start, original.end, clean[original.start : original.end], original.paragraph)
        opening = original.paragraph != last_paragraph or original.paragraph == 0  # the header block too
        sentence = _without_dateline(masked, opening)
        last_paragraph = original.paragraph
        read.append((original, sentence, sentence_places(sentence, gaz, article_departments)))
    return read


def _article_place(places: list[Place]) -> Place | bool | None:
    """Find the article's place for events told without one: its first place if all lie in one department.

    A single mention of a town is not enough ("Marina Navarro" names a person, not a district).

    ``False`` when the article names places in several departments (then no one place is its
    own); ``None`` when it names no place at all.
    """
    if not places:
        return None
    one = len({p.entry.department for p in places}) == 1
    sure = len(places) >= 2 or places[0].entry.level == "department"  # one lone town may be a surname
    return places[0] if one and sure else False


def _cues(text: str, folded: str, language: str, announced_list: bool) -> tuple[dict[str, int], bool]:
    """Find a sentence's cues, and whether it opens a list of calls ("convocatorias anunciadas:").

    The items of such a list ("- Paro: Puquio, 25/01") report nothing yet, so they give no cues.
    """
    if text.lstrip()[:1] in _BULLETS:
        return ({} if announced_list else cue_positions(folded, language)), announced_list
    return cue_positions(folded, language), folded.rstrip().endswith(":") and bool(_CALLS.search(folded))


def _single_day(candidates: list[Candidate], other_days: set[dt.date]) -> None:
    """Trust the publication date more in an article that names no other day: it reports that day."""
    if other_days:
        return
    for cand in candidates:
        if cand.date_source.startswith("publication date") and cand.confidence < _SINGLE_DAY_CONFIDENCE:
            cand.confidence = _SINGLE_DAY_CONFIDENCE


def _digitise(folded: str, language: str) -> str:
    from text_to_num import alpha2digit

    try:
        return alpha2digit(folded, language).lower()
    except Exception:
        return folded
