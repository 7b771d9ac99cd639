"""An article's own date: header and byline lines, dates in URLs, datelines, HTML meta tags.

A header date is a line near the top that is essentially a date, possibly with a label
("Publicado el 12/01/2023 10:45", "Published January 12, 2023 at 3:45 p.m.", "By Ana Ruiz ·
January 12, 2023", "2023-01-12T10:45:00-05:00", "12 ene 2023"). A dateline opens a wire story
("LIMA, Peru (AP) —", "Lima, 21 ene (EFE).-", "AREQUIPA.-"): it gives the filing city and
sometimes the day, never the place of an event.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from protestmap.text.scan import fold

__all__ = ["Dateline", "dateline", "header_date", "url_date"]

_MONTHS = {
    "jan": 1, "ene": 1, "feb": 2, "mar": 3, "apr": 4, "abr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "ago": 8, "sep": 9, "set": 9, "oct": 10, "nov": 11, "dec": 12, "dic": 12,
}  # fmt: skip
_MONTH = r"(?P<month>(?:jan|ene|feb|mar|apr|abr|may|jun|jul|aug|ago|sep|set|oct|nov|dec|dic)[a-z]*\.?)"
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?:de\s+)?|-){_MONTH}(?:\s*(?:del?\s+|,\s*)?|-)(?P<year>\d{{4}})\b"
)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b")
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_NUMERIC = re.compile(r"\b(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})\b")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:a\.?\s?m\.?|p\.?\s?m\.?|h\b|hrs?\b)?(?:\s*(?:utc|gmt|pet))?")
_LABEL = re.compile(
    r"^(?:published|updated|posted|date|fecha(?: de publicacion)?|publicado|actualizado|ultima actualizacion)"
    r"(?:\s+(?:on|el|at|a las))?\s*:?\s*"
)
_BYLINE = re.compile(r"^(?:by|por)\s+[^·|•\-–—]{1,60}[·|•\-–—]\s*")
_FILLER = {"at", "a", "las", "on", "el", "|", "-", "·", "•", "–", "—", "y", "and", "de"}
_URL_DATE = re.compile(
    r"/(?P<year>20\d{2})[/-](?P<month>[01]?\d)[/-](?P<day>[0-3]?\d)(?=[/-]|$)"
    r"|/(?P<day2>[0-3]?\d)/(?P<month2>[01]?\d)/(?P<year2>20\d{2})/"
    r"|(?<!\d)(?P<year3>20\d{2})(?P<month3>[01]\d)(?P<day3>[0-3]\d)(?!\d)"
)


def _make(year: str, month: str | int, day: str) -> dt.date | None:
    try:
        number = month if isinstance(month, int) else int(month) if month.isdigit() else _MONTHS[month[:3]]
        return dt.date(int(year), number, int(day))
    except (ValueError, KeyError):
        return None


def _full_date(folded: str) -> tuple[dt.date, int, int] | None:
    """Find the first complete date (with its year) in folded text, with its offsets."""
    hits = []
    for pattern in (_ISO, _NUMERIC, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(folded)
        if match:
            day = _make(match["year"], match["month"], match["day"])
            if day is not None:
                hits.append((match.start(), match.end(), day))
    if not hits:
        return None
    start, end, day = min(hits, key=lambda h: h[0])
    return day, start, end


def header_date(text: str) -> dt.date | None:
    """Find the publication date stated in an article's first lines, if one line is essentially a date.

    Parameters
    ----------
    text
        The article.

    Returns
    -------
    datetime.date or None
        The date of the first header, byline or date line; ``None`` when no line qualifies (a
        full date inside a sentence, such as an archive link, is not a header).
    """
    lines = [line.strip() for line in text[:3000].splitlines() if line.strip()][:12]
    for line in lines:
        folded = fold(line)
        found = _full_date(folded)
        if found is None:
            continue
        day, start, end = found
        rest = _TIME.sub(" ", folded[:start] + " " + folded[end:]).strip(" ,:|*()")
        rest = _BYLINE.sub("", _LABEL.sub("", rest))
        words = [w for w in re.split(r"[\s,]+", rest) if w and w not in _FILLER]
        labelled = bool(_LABEL.match(folded) or _BYLINE.match(folded))
        sentence = line.endswith(".") and len(line.split()) > 5
        if labelled or (len(words) <= 4 and not sentence):
            return day
    return None


def url_date(url: str) -> dt.date | None:
    """Read a date written in a URL path (``/2023/01/12/``, ``/09/01/2023/``, ``20230112``), if any."""
    match = _URL_DATE.search(url)
    if not match:
        return None
    if match["year"]:
        return _make(match["year"], int(match["month"]), match["day"])
    if match["year2"]:
        return _make(match["year2"], int(match["month2"]), match["day2"])
    return _make(match["year3"], int(match["month3"]), match["day3"])


class Dateline(NamedTuple):
    """The opening of a wire story: where it ends in its sentence, the filing city, its day and month."""

    end: int
    city: str
    day: int | None
    month: int | None


_DATELINE = re.compile(
    r"^\(?(?P<city>[A-ZÁÉÍÓÚÑ][A-Za-zÁÉÍÓÚÑáéíóúñ]+(?:\s[A-ZÁÉÍÓÚÑ][A-Za-zÁÉÍÓÚÑáéíóúñ]+){0,2})\)?"
    r"(?P<country>,\s*(?:Peru|Perú|PERU|PERÚ))?"
    r"(?:,\s*(?:(?P<d1>\d{1,2})\s+(?P<m1>[A-Za-z]{3,10})\.?|(?P<m2>[A-Za-z]{3,10})\.?\s+(?P<d2>\d{1,2}))(?:,?\s*\d{4})?)?"
    r"\s*(?P<agency>\((?:[A-Z][A-Za-z]*[ .-]?){1,3}\))?"
    r"\s*(?P<dash>\.-|—|–|--|-\s|:\s)?"
)


def dateline(sentence: str) -> Dateline | None:
    """Recognise a dateline at the start of a paragraph's first sentence.

    A dateline needs a capitalised city followed by at least two of: the city in capitals, the
    country, a day and month, an agency in brackets, a dash or ``.-``; a bracketed city alone
    ("(Puno) Peru, ...") also counts.
    """
    match = _DATELINE.match(sentence)
    if not match:
        return None
    city = match["city"]
    month_word = (match["m1"] or match["m2"] or "").lower()
    month = _MONTHS.get(month_word[:3]) if month_word else None
    if month_word and month is None:
        return None
    day = int(match["d1"] or match["d2"]) if month else None
    signs = [
        city.isupper() and len(city) > 2,
        bool(match["country"]),
        month is not None,
        bool(match["agency"]),
        bool(match["dash"]),
        month is not None and sentence[_date_end(match) : _date_end(match) + 1] == ".",
    ]
    bracketed = sentence.startswith("(") and sentence[len(city) + 1 : len(city) + 2] == ")"
    if sum(signs) < 2 and not bracketed:
        return None
    if match["dash"] and match["dash"].strip() == ":" and not match["agency"] and not signs[0]:
        return None  # "Puno: ..." is a headline's topic, not a dateline ("LIMA: ..." in capitals is one)
    return Dateline(match.end(), city, day, month)


def _date_end(match: re.Match[str]) -> int:
    """Where the day and month of a dateline end ("Lima, 21 Feb" then "."), or -1."""
    return match.end("d2") if match["d2"] else match.end("m1") if match["m1"] else -1
