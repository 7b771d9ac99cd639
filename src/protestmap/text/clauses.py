"""Clauses of a sentence, and what each tells about its events: hedged, running total, background.

A sentence often carries more than one statement: "Peru on Tuesday announced a curfew, a day
after 18 people were killed" (two days), "protests, which have left 48 dead since December,
spread to Cusco" (a running total beside a new event), "the minister, who resigned on 2
January, said ..." (a background date). Clauses are cut at punctuation and at the words that
open subordinate clauses; each cue, count and date is read with the clause it stands in.
All functions work on folded text (see :func:`protestmap.text.scan.fold`) in linear time.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from typing import NamedTuple

from protestmap.text import lexicon as lex
from protestmap.text.scan import DateSpan

__all__ = ["Clauses", "DayChoice", "choose_day", "clauses_of"]

_CUT = re.compile(
    r"[;:()\[\]—–]|,(?=\s)|\s-\s"
    r"|\b(?=(?:who|which|whom|whose|where|while|whereas|after|before|a day after|the day after|quien(?:es)?|"
    r"cuyo|cuya|donde|mientras|tras|luego de|despues de|un dia despues|un dia antes|since|desde|"
    r"en (?:la|el|los|las) que|in which|during which|"
    r"(?:ocurrid|sucedid|acontecid|perpetrad|registrad)[oa]s?|that (?:took place|occurred|happened))\b)"
)
_BACKGROUND_OPEN = re.compile(
    r"^\W*(?:who|which|whom|whose|quien(?:es)?|cuyo|cuya|que|"
    r"(?:ocurrid|sucedid|acontecid|perpetrad|registrad)[oa]s?|that (?:took place|occurred|happened))\b"
)
"""Clauses about a noun ("the massacre that took place on 9 January", "la masacre ocurrida el 9 de
enero"): their dates are background unless the clause has an event cue of its own."""
_DAY_AFTER = re.compile(r"\b(?:a day after|the day after|un dia despues de)\b")
_DAY_BEFORE = re.compile(r"\b(?:a day before|the day before|un dia antes de)\b")


class Clauses:
    """The clauses of one folded sentence, with their flags."""

    def __init__(self, folded: str) -> None:
        starts = [0]
        for match in _CUT.finditer(folded):
            if match.start() > starts[-1]:
                starts.append(match.start())
        self.text = folded
        self.starts = starts
        self.ends = [*starts[1:], len(folded)]

    def index(self, position: int) -> int:
        """Return the number of the clause that holds a character position."""
        return max(0, bisect.bisect_right(self.starts, position) - 1)

    def clause(self, position: int) -> str:
        """Text of the clause that holds a character position."""
        i = self.index(position)
        return self.text[self.starts[i] : self.ends[i]]

    def hedged(self, position: int) -> bool:
        """Tell whether the clause at ``position`` hedges or announces its event rather than reporting it."""
        return bool(re.search(lex.HEDGED, self.clause(position)))

    def cumulative(self, position: int) -> bool:
        """Tell whether the clause at ``position`` states a running total."""
        return bool(re.search(lex.CUMULATIVE, self.clause(position)))

    def background(self, position: int, cue_positions: list[int]) -> bool:
        """Tell whether a date at ``position`` stands in a relative clause with no event cue of its own."""
        i = self.index(position)
        opens = _BACKGROUND_OPEN.match(self.text[self.starts[i] : self.ends[i]])
        return bool(opens) and not any(self.index(c) == i for c in cue_positions)


@functools.lru_cache(maxsize=8)
def clauses_of(folded: str) -> Clauses:
    """Cut a sentence into clauses, cached: a sentence is cut once however often it is read."""
    return Clauses(folded)


class DayChoice(NamedTuple):
    """The day chosen for an event and how: ``stated`` in its clause or sentence, or ``None``."""

    day: dt.date | None
    how: str


def choose_day(clauses: Clauses, cue: int, dates: list[DateSpan], cues: list[int]) -> DayChoice:
    """Pick the date of the event whose cue stands at ``cue``.

    A date in the cue's own clause wins; else a clause opened by "a day after" counts one day
    back from the sentence's main date; else the first date of the sentence that is not in a
    background clause. Returns ``DayChoice(None, "")`` when the sentence dates nothing.
    """
    usable = [d for d in dates if not clauses.background(d.start, cues)]
    own = clauses.index(cue)
    mine = [d for d in usable if clauses.index(d.start) == own]
    if mine:
        return DayChoice(min(mine, key=lambda d: abs(d.start - cue)).day, "stated")
    start = clauses.starts[own]
    head = clauses.text[max(0, start - 12) : start + 20]
    others = [d for d in usable if clauses.index(d.start) < own] or usable
    if not others:
        return DayChoice(None, "")
    if _DAY_AFTER.search(head):
        return DayChoice(others[-1].day - dt.timedelta(days=1), "stated")
    if _DAY_BEFORE.search(head):
        return DayChoice(others[-1].day + dt.timedelta(days=1), "stated")
    return DayChoice(others[0].day, "stated")


def carried_dates(clauses: Clauses, dates: list[DateSpan], cues: list[int]) -> tuple[list[DateSpan], bool]:
    """Return the dates a sentence may hand on (not background), and whether they are "since" dates.

    A "since" date ("the strike has gone on since 4 January") only dates later sentences about
    the same kind of event; the caller keeps that restriction.
    """
    usable = [d for d in dates if not clauses.background(d.start, cues)]
    since = bool(usable) and all(
        re.match(r"\W*(?:since|desde)\b", clauses.clause(d.start))
        or re.search(r"\b(?:since|desde)\W*$", clauses.text[: d.start])
        for d in usable
    )
    return usable, since
