"""Article files read by their bytes: UTF-8 (with or without BOM), UTF-16/32 by BOM, reported guesses.

A file that cannot be read as text (binary data, an invalid byte after a byte-order mark, a
missing file) raises :class:`protestmap.errors.ArticleReadError` with a one-line reason, so an
unreadable article is never mistaken for one that reports nothing.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from protestmap.errors import ArticleReadError

__all__ = ["Article", "read_article"]


@dataclass(frozen=True)
class Article:
    """The text of an article file and how its bytes were decoded.

    Attributes
    ----------
    path
        The file.
    text
        Its text.
    encoding
        The codec that decoded it (``utf-8``, ``utf-16-le``, ``cp1252``, ...).
    fallback
        ``None`` when the encoding was certain (UTF-8, or a byte-order mark); otherwise a sentence
        saying which guess was made, for the caller to report.
    published
        For a saved web page, the publish date its meta tags give (``None`` otherwise).
    """

    path: Path
    text: str
    encoding: str
    fallback: str | None = None
    published: dt.date | None = None


_BOMS = (  # UTF-32 first: the UTF-32-LE mark begins with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MARKUP = re.compile(r"\A\s*(?:<!doctype html|<html[\s>])", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.01


def read_article(path: str | Path) -> Article:
    """Read an article file and decode it, saying how.

    UTF-8 (with or without a byte-order mark) and UTF-16 or UTF-32 with a byte-order mark are read
    as such. A saved web page (``.html``, or text that starts as one) gives the text of its article
    body and the publish date of its meta tags. Text that is not UTF-8 is read, with
    :attr:`Article.fallback` saying so, as UTF-16 when every other byte is NUL (UTF-16 without a
    byte-order mark) and otherwise as Windows-1252 (Latin-1). Binary data is refused.

    Parameters
    ----------
    path
        The article file.

    Returns
    -------
    Article
        The text (stray NUL characters turned into spaces), its encoding and any fallback used.

    Raises
    ------
    ArticleReadError
        The file cannot be read, or its bytes are not text in any of these encodings. A file that
        is read but yields no candidates is not an error.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleReadError(path, exc.strerror or type(exc).__name__) from exc
    try:
        text, encoding, fallback = _decode(raw)
    except ValueError as exc:
        raise ArticleReadError(path, str(exc)) from None
    controls = len(_CONTROL.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise ArticleReadError(path, f"binary data, not text ({controls} control characters in {len(text)})")
    text = text.replace("\x00", " ")
    if path.suffix.lower() in {".html", ".htm", ".xhtml"} or _MARKUP.match(text):
        from protestmap.text.html import page_text

        page = page_text(text)
        return Article(path, page.text, encoding, fallback, page.published)
    return Article(path, text, encoding, fallback)


def _decode(raw: bytes) -> tuple[str, str, str | None]:
    """``(text, encoding, fallback note)`` for a file's bytes; :class:`ValueError` saying why for binary data."""
    for mark, name in _BOMS:
        if raw.startswith(mark):
            try:
                return raw[len(mark) :].decode(name), name, None
            except UnicodeDecodeError as exc:
                message = f"invalid {name.upper()} after its byte-order mark (byte {exc.start + len(mark)})"
                raise ValueError(message) from None
    head = raw[:65536]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    pairs = len(head) // 2
    if max(even, odd) > 0.3 * pairs and min(even, odd) < 0.02 * pairs:  # ASCII-range text in UTF-16
        name = "utf-16-le" if odd > even else "utf-16-be"
        try:
            return raw.decode(name), name, f"no byte-order mark; read as {name.upper()} (every other byte is NUL)"
        except UnicodeDecodeError:
            pass
    if head.count(0) > _MAX_CONTROL_SHARE * len(head):
        raise ValueError(f"binary data, not text ({raw.count(0)} NUL bytes in {len(raw)})")
    try:
        return raw.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252", "not UTF-8; read as Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1", "not UTF-8; read as Latin-1 (ISO-8859-1)"
