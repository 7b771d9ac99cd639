"""What extraction hands on: candidate incidents with their provenance, and what one article gave."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from protestmap.places.gazetteer import Entry

__all__ = ["Candidate", "Extraction", "eval_class"]


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
    date_source: str = ""


@dataclass
class Extraction:
    """Everything read from one article."""

    source: str
    language: str
    published: dt.date | None
    candidates: list[Candidate]
    running_totals: list[Candidate]
    date_source: str = ""
    """How the publication date was found (``--published``, ``header``, ``url``, ``dateline``...), or ``""``."""


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
