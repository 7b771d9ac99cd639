"""Reading article text: language, publication date, sentences with offsets, dates and numbers.

Dates are parsed by :mod:`dateparser`; number words ("seventeen", "diecisiete") are turned into
digits by :mod:`text2num`. Every function works on any input (empty, binary junk, very long) in
time linear in its length.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, NamedTuple

from protestmap import settings

__all__ = [
    "MAX_SENTENCE",
    "DateSpan",
    "Sentence",
    "detect_language",
    "find_dates",
    "fold",
    "latest_full_date",
    "publication_date",
    "sentences",
]

_EN = {"the", "and", "of", "to", "in", "was", "were", "that", "with", "for", "on", "by", "has", "have"}
_ES = {"el", "la", "los", "las", "de", "del", "que", "y", "en", "por", "con", "para", "una", "fue", "se"}
_MONTHS_EN = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTHS_ES = r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
_WEEKDAYS = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"lunes|martes|miercoles|jueves|viernes|sabado|domingo"
)
_ABSOLUTE = re.compile(
    rf"\b(?:(?:{_MONTHS_EN})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS_EN})\.?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+de\s+(?:{_MONTHS_ES})(?:\s+del?\s+\d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}})\b",
)
_RELATIVE = re.compile(
    rf"\b(?:(?:on|this|last|past|el|este|esta|el pasado|pasado)\s+)?(?P<weekday>{_WEEKDAYS})\b"
    r"|\b(?P<word>yesterday|today|tonight|last night|this morning|now|currently|ayer|hoy|anoche|esta manana|esta noche"
    r"|ahora|actualmente)\b"
    r"|\b(?P<later>\w+) days? later\b|\b(?P<despues>\w+) dias despues\b"
)


class _FoldTable(dict[int, str]):
    """Translation table for :func:`fold`, filled in as characters are met (up to a bound)."""

    def __missing__(self, code: int) -> str:
        base = unicodedata.normalize("NFKD", chr(code))
        kept = "".join(c for c in base if not unicodedata.combining(c))
        folded = kept[:1].lower()[:1] or " "
        if len(self) < 65536:
            self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping the string's length (so offsets still apply)."""
    return text.translate(_FOLD)


def detect_language(text: str) -> str:
    """Guess ``en`` or ``es`` from function words (``en`` when unsure)."""
    words = re.findall(r"[a-záéíóúñ]+", text[:20000].lower())
    english = sum(w in _EN for w in words)
    spanish = sum(w in _ES for w in words)
    return "es" if spanish > english else "en"


@dataclass(frozen=True)
class Sentence:
    """A sentence (or headline line) of an article with its character offsets."""

    start: int
    end: int
    text: str
    paragraph: int


MAX_SENTENCE = settings.MAX_SENTENCE
"""Longest sentence handed on, in characters; longer runs of text are split at clause boundaries."""
_CUTS = ("; ", ": ", " – ", " — ", ", ", " ")  # where to split an over-long sentence, best first
_SPACE = re.compile(r"\s*")


def sentences(text: str) -> list[Sentence]:
    """Split text into sentences and lines, keeping offsets into the original text.

    Every line break ends a sentence (headlines, date lines and captions stand alone) and a blank
    line ends a paragraph. Within a line, :mod:`pysbd` finds the sentence ends (it knows "Jan. 9"
    and "Dr. Sotomayor"). No sentence is longer than :data:`MAX_SENTENCE`: text without sentence
    ends is split at clause boundaries (semicolon, colon, dash, comma, else a space), and lines
    too long for pysbd are split on full stops first, so that reading any text stays linear.
    """
    found: list[Sentence] = []
    paragraph = 0
    for match in _LINE.finditer(text):
        if match["blank"] is not None:
            if "\n" in match["blank"] and match["blank"].count("\n") > 1 and found:
                paragraph += 1
            continue
        start, end = match.start("line"), match.end("line")
        for piece_start, piece_end in _line_sentences(text, start, end):
            found.extend(_bounded(text, piece_start, piece_end, paragraph))
    return found


_LINE = re.compile(r"(?P<blank>\s+)|(?P<line>[^\n]*[^\s])")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(¿¡]*[A-ZÁÉÍÓÚÑ0-9])")


def _line_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of one line: :mod:`pysbd` for lines of ordinary length, full stops for longer ones."""
    line = text[start:end]
    if len(line) > 4 * MAX_SENTENCE or not any(mark in line[:-1] for mark in ".!?…"):
        cuts = [m.end() for m in _SENTENCE_END.finditer(line)] if len(line) <= 1_000_000 else []
        bounds = [0, *cuts, len(line)]
        spans = [(start + a, start + b) for a, b in itertools.pairwise(bounds)]
    else:
        spans, cursor = [], 0
        for piece in _segmenter(line):
            at = line.find(piece.strip(), cursor)
            if at < 0:
                continue
            cursor = at + len(piece.strip())
            spans.extend(_quoted_sentences(text, start + at, start + cursor))
    out = []
    for a, b in spans:
        stripped = text[a:b].strip()
        if stripped:
            offset = a + text[a:b].index(stripped)
            out.append((offset, offset + len(stripped)))
    return out


_ABBREVIATION = re.compile(
    r"\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|ene|abr|ago|dic|dr|mr|mrs|ms|st|no|gen|sr|sra|av|jr|"
    r"prof|lic|ing|u\.s|e\.g|i\.e|vs|[a-z])\.$",
    re.IGNORECASE,
)


def _quoted_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a pysbd segment further at sentence ends it kept together (inside long quotations)."""
    piece = text[start:end]
    cuts = [
        m.end()
        for m in _SENTENCE_END.finditer(piece)
        if not _ABBREVIATION.search(piece[max(0, m.start() - 9) : m.start()].rstrip().rstrip("\"'”’)"))
    ]
    bounds = [0, *cuts, len(piece)]
    return [(start + a, start + b) for a, b in itertools.pairwise(bounds)]


def _segmenter(line: str) -> list[str]:
    return _pysbd(_guess(line)).segment(line)


def _guess(line: str) -> str:
    return detect_language(line)


@functools.lru_cache(maxsize=2)
def _pysbd(language: str) -> Any:
    import pysbd

    return pysbd.Segmenter(language=language, clean=False)


def _bounded(text: str, start: int, end: int, paragraph: int) -> list[Sentence]:
    """Cut ``text[start:end]`` (no surrounding space) into pieces of at most :data:`MAX_SENTENCE` characters."""
    pieces = []
    while end - start > MAX_SENTENCE:
        limit, least = start + MAX_SENTENCE, start + MAX_SENTENCE // 2
        cut = limit
        for mark in _CUTS:
            found = text.rfind(mark, least, limit)
            if found >= 0:
                cut = found + len(mark.rstrip())
                break
        piece = text[start:cut].rstrip()
        if piece:
            pieces.append(Sentence(start, start + len(piece), piece, paragraph))
        space = _SPACE.match(text, cut)  # ``\s*`` always matches
        start = space.end() if space else cut
    pieces.append(Sentence(start, end, text[start:end], paragraph))
    return pieces


@functools.lru_cache(maxsize=4096)
def _parse(expression: str, language: str, base: dt.date | None, prefer: str = "past") -> dt.date | None:
    import dateparser

    settings = {"PREFER_DATES_FROM": prefer, "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(base, dt.time(12))
    try:
        parsed = dateparser.parse(expression, languages=[language, "en", "es"], settings=settings)
    except (ValueError, OverflowError, RecursionError):
        return None
    return parsed.date() if parsed else None


def latest_full_date(text: str, *, language: str) -> dt.date | None:
    """Return the latest date written with its year anywhere in the text."""
    days = []
    for match in _ABSOLUTE.finditer(fold(text)):
        expression = text[match.start() : match.end()]
        if re.search(r"\d{4}", expression):
            day = _parse(expression, language, None)
            if day is not None:
                days.append(day)
    return max(days, default=None)


def _count_word(word: str, language: str) -> int | None:
    from text_to_num import text2num

    if word.isdigit():
        return int(word)
    for lang in (language, "en", "es"):
        try:
            return int(text2num(word, lang))
        except ValueError:
            continue
    return None


class DateSpan(NamedTuple):
    """A date expression found in a sentence: its offsets within the sentence and the date it names."""

    start: int
    end: int
    day: dt.date


def find_dates(
    text: str,
    *,
    language: str,
    base: dt.date | None,
    anchor: dt.date | None = None,
    undated_article: dt.date | None = None,
    relative: bool = True,
) -> list[DateSpan]:
    """Find date expressions in a sentence and resolve them.

    Parameters
    ----------
    text
        One sentence.
    language
        ``en`` or ``es``.
    base
        The date relative expressions count from (publication date, or a date the article
        stated nearby); relative expressions are skipped without it.
    anchor
        The last date the text stated before this sentence, for "two days later".
    undated_article
        For an article without a publication date: its latest fully written date, from which a
        date without year ("January 28") is read forward.
    relative
        Whether to resolve relative expressions ("yesterday", "on Monday"); a quotation's
        "today" is not the article's.

    Returns
    -------
    list of DateSpan
        ``(start, end, day)`` offsets within ``text``, in order.
    """
    folded = fold(text)
    found = _absolute_dates(text, folded, language=language, base=base, undated_article=undated_article)
    taken = [(span.start, span.end) for span in found]
    for match in _RELATIVE.finditer(folded):
        if any(s <= match.start() < e for s, e in taken):
            continue
        if (base is None or not relative) and not (match["later"] or match["despues"]):
            continue
        if match["weekday"] and any(0 <= s - match.end() <= 3 for s, _ in taken):
            continue  # "Tuesday, January 10": the weekday only names the date that follows
        day = _relative_day(match, language=language, base=base, anchor=anchor)
        if day is not None:
            found.append(DateSpan(match.start(), match.end(), day))
    return sorted(found)


def _absolute_dates(
    text: str, folded: str, *, language: str, base: dt.date | None, undated_article: dt.date | None
) -> list[DateSpan]:
    """Find the dates written out ("January 10", "9 de enero de 2023") that can be resolved."""
    found = []
    for match in _ABSOLUTE.finditer(folded):
        if _NAMED_AFTER_DATE.search(folded[max(0, match.start() - 20) : match.start()]):
            continue  # "Alameda 28 de Julio", "Plaza Dos de Mayo": a street named after a date
        expression = text[match.start() : match.end()]
        has_year = bool(re.search(r"\d{4}", expression))
        if not has_year and base is None and undated_article is None:
            continue
        if not has_year and base is None:
            day = _parse(expression, language, undated_article, prefer="future")
        else:
            day = _parse(expression, language, base)
            if day is not None and base is not None and not has_year:
                day = _nearest_year(day, base)
        if day is not None and not has_year:
            day = _weekday_year(folded[max(0, match.start() - 14) : match.start()], day)
        if day is not None:
            found.append(DateSpan(match.start(), match.end(), day))
    return found


def _nearest_year(day: dt.date, base: dt.date) -> dt.date:
    """Give a date written without its year the year that puts it nearest the article's date.

    "A partir del 15 de enero" in an article of 14 January is the next day, not a year before.
    """
    options = []
    for year in (base.year - 1, base.year, base.year + 1):
        try:
            options.append(day.replace(year=year))
        except ValueError:  # 29 February
            continue
    return min(options, key=lambda d: abs((d - base).days), default=day)


_NAMED_AFTER_DATE = re.compile(
    r"\b(?:alameda|avenida|av\.?|jiron|jr\.?|calle|plaza|plazuela|parque|puente|paseo|ovalo|avenue|street|square|"
    r"colegio|school|asentamiento humano|urbanizacion|distrito|district)\s+$"
)
_WEEKDAY_NUMBER = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4, "sabado": 5, "domingo": 6,
}  # fmt: skip
_WEEKDAY_BEFORE = re.compile(rf"\b({_WEEKDAYS})\W{{0,3}}(?:the\s+)?$")


def _weekday_year(before: str, day: dt.date) -> dt.date:
    """Move a date to the nearest year whose calendar agrees with its written weekday ("miércoles 14 de diciembre")."""
    named = _WEEKDAY_BEFORE.search(before)
    if not named or day.weekday() == _WEEKDAY_NUMBER[named.group(1)]:
        return day
    for shift in (-1, 1, -2, 2):
        try:
            other = day.replace(year=day.year + shift)
        except ValueError:
            continue
        if other.weekday() == _WEEKDAY_NUMBER[named.group(1)]:
            return other
    return day


def _relative_day(
    match: re.Match[str], *, language: str, base: dt.date | None, anchor: dt.date | None
) -> dt.date | None:
    """Resolve a relative expression ("on Thursday", "yesterday", "two days later"), if it can be."""
    if match["weekday"]:
        # The newest such weekday on or before the base date ("on Thursday" in a Thursday paper).
        return None if base is None else _parse(match["weekday"], language, base + dt.timedelta(days=1))
    if match["word"]:
        word = {
            "anoche": "ayer",
            "last night": "yesterday",
            "tonight": "today",
            "esta noche": "hoy",
            "now": "today",
            "currently": "today",
            "ahora": "hoy",
            "actualmente": "hoy",
        }.get(match["word"], match["word"])
        return _parse(word.replace("esta manana", "hoy").replace("this morning", "today"), language, base)
    count = _count_word(match["later"] or match["despues"], language)
    start = anchor or base
    return start + dt.timedelta(days=count) if start and count is not None and count < 60 else None


def publication_date(text: str, *, language: str = "auto") -> dt.date | None:
    """Find the publication date in an article's header (see :func:`protestmap.text.header.header_date`)."""
    from protestmap.text.header import header_date

    del language  # header dates are read the same way in both languages
    return header_date(text)
