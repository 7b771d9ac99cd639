"""Exceptions raised by protestmap, and the :class:`Problem` records they carry.

Every error derives from :class:`ProtestmapError` and also from the closest builtin, so callers can
catch either ``ProtestmapError`` or, say, ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One defect in a data file.

    Attributes
    ----------
    file
        The file's name as given.
    row
        The 1-based line on which the record starts (the header is line 1; 0 for the whole file).
    column
        The column concerned, or ``-`` when the problem is the record or the file as a whole.
    reason
        What is wrong, in words a researcher can act on.
    """

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.column and self.column.isprintable() and ":" not in self.column:
            return f"{self.file}:{self.row}:{self.column}: {self.reason}"
        return f"{self.file}:{self.row}:-: {self.reason} (column {self.column!r})"  # a header cell, shown escaped


class ProtestmapError(Exception):
    """Root of every error protestmap raises on purpose."""


class InvalidIncidentError(ProtestmapError, ValueError):
    """The incident data does not satisfy the schema.

    Parameters
    ----------
    problems
        Every problem found, each naming file, row, column and reason.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n... and {more} more" if more > 0 else ""
        message = f"{len(self.problems)} problem(s) in the incident data:\n{shown}{tail}"
        super().__init__(message)


class DatasetNotFoundError(ProtestmapError, FileNotFoundError):
    """The incident dataset could not be located."""


class PlaceNotFoundError(ProtestmapError, LookupError):
    """A place name is not in the gazetteer.

    Parameters
    ----------
    query
        The place as asked for.
    suggestions
        Up to three close names from the gazetteer.
    """

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        message = f"place not found in the gazetteer: {query!r}{hint}"
        super().__init__(message)


class BoundariesNotFoundError(ProtestmapError, FileNotFoundError):
    """No INEI boundary files could be found."""


class BoundariesIntegrityError(ProtestmapError, ValueError):
    """A boundary file is corrupt or does not match its pinned checksum."""


class RenderError(ProtestmapError, RuntimeError):
    """A map could not be rendered."""


class InvalidValueError(ProtestmapError, ValueError):
    """One cell does not hold a valid value (a count, a coordinate, safe text).

    The message is the reason, ready to follow ``file:row:column:``.
    """


class ArticleReadError(ProtestmapError, ValueError):
    """An article file could not be read as text (unreadable, binary, or in an unknown encoding).

    Parameters
    ----------
    path
        The article file.
    reason
        What was wrong, in a few words.
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot read article {path}: {reason}")


class OutputError(ProtestmapError, OSError):
    """An output file or folder could not be written (the message names it and says why)."""


class BoundariesDownloadError(ProtestmapError, OSError):
    """The boundary files could not be downloaded (offline, HTTP error, cut or stalled transfer)."""


class DatasetLockedError(ProtestmapError, OSError):
    """Another process holds the dataset's lock for longer than we are willing to wait."""


class EventTableError(ProtestmapError, ValueError):
    """An event table for ``aggregate`` cannot be read (missing columns, unknown format)."""


class MissingDependencyError(ProtestmapError, ImportError):
    """An optional dependency is not installed; the message says which extra to install."""
