"""Saved web pages: the article body as text, and the publish date from the page's meta tags.

Only the standard library's :mod:`html.parser` is used. Scripts, styles, navigation, headers,
footers, asides and forms are dropped; if the page has an ``<article>`` (else ``<main>``) only
that is kept. Block elements become paragraphs, so headlines and captions stay separate lines.
The publish date is read from ``article:published_time``-style meta tags, a ``<time datetime>``
inside the article, or JSON-LD ``datePublished``, in that order, and given in Peru's time zone.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

__all__ = ["PageText", "page_text"]

_SKIP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "template", "iframe"}
_BLOCK = {
    "p", "div", "section", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "figcaption",
    "table", "tr", "br", "hr", "article", "main", "title",
}  # fmt: skip
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "publish-date",
    "date", "dc.date", "dc.date.issued", "dcterms.created", "parsely-pub-date", "sailthru.date",
)  # fmt: skip
_PERU = dt.timezone(dt.timedelta(hours=-5))


class PageText:
    """The readable text of a page and its publish date (``None`` when the page gives none)."""

    def __init__(self, text: str, published: dt.date | None) -> None:
        self.text = text
        self.published = published


class _Reader(HTMLParser):
    """Collects text per container (whole page, ``<main>``, ``<article>``) and date hints."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: dict[str, list[str]] = {"page": [], "main": [], "article": []}
        self.inside: dict[str, int] = {"main": 0, "article": 0}
        self.skipping = 0
        self.meta: dict[str, str] = {}
        self.times: list[str] = []
        self.ld_json: list[str] = []
        self.in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key in _DATE_META and values.get("content"):
                self.meta.setdefault(key, values["content"])
            return
        if tag == "script" and values.get("type", "").lower() == "application/ld+json":
            self.in_ld = True
        if tag in _SKIP:
            self.skipping += 1
        if tag in self.inside:
            self.inside[tag] += 1
        if tag == "time" and values.get("datetime") and self.inside["article"]:
            self.times.append(values["datetime"])
        if tag in _BLOCK:
            self._add("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_ld = False
        if tag in _SKIP and self.skipping:
            self.skipping -= 1
        if tag in _BLOCK:
            self._add("\n\n")
        if self.inside.get(tag):
            self.inside[tag] -= 1

    def handle_data(self, data: str) -> None:
        if self.in_ld:
            self.ld_json.append(data)
        elif not self.skipping:
            self._add(re.sub(r"\s+", " ", data))

    def _add(self, text: str) -> None:
        self.parts["page"].append(text)
        for name, depth in self.inside.items():
            if depth:
                self.parts[name].append(text)


def _to_date(value: str) -> dt.date | None:
    """Read a date from an ISO timestamp (in Peru's time zone when the stamp has one)."""
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?)?", value)
    if not match:
        return None
    try:
        if match[2] and match[3]:
            zone = "+00:00" if match[3] == "Z" else match[3]
            stamp = dt.datetime.fromisoformat(f"{match[1]}T{match[2]}{zone}")
            return stamp.astimezone(_PERU).date()
        return dt.date.fromisoformat(match[1])
    except ValueError:
        return None


def _ld_date(blocks: list[str]) -> dt.date | None:
    """``datePublished`` of the page's JSON-LD, read as text (the block need not be valid JSON)."""
    for block in blocks:
        found = re.search(r'"datePublished"\s*:\s*"([^"]+)"', block)
        if found:
            return _to_date(found[1])
    return None


def page_text(markup: str) -> PageText:
    """Read a saved page: the article body as plain text and its publish date.

    Parameters
    ----------
    markup
        The page's HTML.

    Returns
    -------
    PageText
        Paragraphs separated by blank lines, and the date (``None`` when the page states none).
    """
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    chosen = reader.parts["page"]
    for name in ("article", "main"):
        if "".join(reader.parts[name]).strip():
            chosen = reader.parts[name]
            break
    text = re.sub(r"[ \t]*\n\s*\n\s*", "\n\n", "".join(chosen)).strip()
    published = next((d for key in _DATE_META if key in reader.meta if (d := _to_date(reader.meta[key]))), None)
    published = published or next((d for v in reader.times if (d := _to_date(v))), None) or _ld_date(reader.ld_json)
    return PageText(text, published)
