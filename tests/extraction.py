"""Helpers shared by the extraction regression tests: candidates of one scored class."""

from __future__ import annotations

from protestmap.text.extract import Candidate, Extraction, eval_class


def of_class(result: Extraction, kind: str) -> list[Candidate]:
    """Candidates that ``--evaluate`` scores as ``kind`` and that pass the default cut-off."""
    return [
        c
        for c in result.candidates
        if eval_class(c.event_type, c.counts.get("fatalities")) == kind and c.confidence >= 0.5
    ]


def departments(result: Extraction, kind: str) -> set[str]:
    """Departments of the candidates of ``kind`` ("" for a candidate without a place)."""
    return {c.place.department if c.place else "" for c in of_class(result, kind)}
