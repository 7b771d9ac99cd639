"""Merging the candidates of one article that describe the same incident (type, department, day ±1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

from protestmap.text.types import eval_class

if TYPE_CHECKING:
    from protestmap.text.types import Candidate

__all__ = ["merge"]


def _incident_key(cand: Candidate) -> tuple[str, str]:
    """Return the evaluation class and department, which the candidates of one incident share.

    A town and its department named for the same event ("Juliaca", "la región Puno") are one
    incident; the more precise place is kept.
    """
    return eval_class(cand.event_type, cand.counts.get("fatalities")), cand.place.department if cand.place else "PE"


_PRECISION = {"district": 0, "province": 1, "region": 2, "department": 3}


def _same_day(a: dt.date | None, b: dt.date | None) -> bool:
    """Tell whether two dates are within a day of each other (two missing dates count as the same)."""
    if a is None or b is None:
        return a == b
    return abs((a - b).days) <= 1


def merge(candidates: list[Candidate]) -> list[Candidate]:
    """Merge candidates of one article that describe the same incident (type, place, day ±1).

    Candidates are looked up by type and place, so that a long article merges in linear time. A
    clash with nobody reported hurt becomes a protest, and is merged again with the marches of
    its place and day.
    """
    merged = _merge_once(candidates)
    for cand in merged:
        if cand.event_type == "clash" and "injured" not in cand.counts:
            cand.event_type = "protest"  # a clash with nobody reported hurt
    return _without_summaries(_fold_into_deaths(_merge_once(merged)))


def _without_summaries(merged: list[Candidate]) -> list[Candidate]:
    """Drop a nationwide row that only sums up departments the article names for the same kind and day.

    "Bloqueos en 10 regiones" in a headline, with the regions listed below, is those regions'
    rows, not one more. A national strike is an event of its own and is kept.
    """
    departments: dict[str, list[tuple[dt.date | None, str]]] = {}
    for cand in merged:
        if cand.place is not None:
            kind = eval_class(cand.event_type, cand.counts.get("fatalities"))
            departments.setdefault(kind, []).append((cand.event_date, cand.place.department))

    def summary(cand: Candidate) -> bool:
        kind = eval_class(cand.event_type, cand.counts.get("fatalities"))
        if cand.place is not None or kind in {"strike", "deaths"}:
            return False
        named = {department for day, department in departments.get(kind, []) if _near(day, cand.event_date)}
        return len(named) >= 2

    return [m for m in merged if not summary(m)]


def _merge_once(candidates: list[Candidate]) -> list[Candidate]:
    merged: list[Candidate] = []
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for cand in sorted(candidates, key=lambda c: (c.event_date or dt.date.max, -c.confidence)):
        group = groups.setdefault(_incident_key(cand), [])
        kept = next((m for m in group if _same_day(m.event_date, cand.event_date)), None)
        spans = cand.evidence_spans or [cand.span]
        if kept is None:
            fresh = replace(cand, evidence_spans=list(spans), counts=dict(cand.counts))
            merged.append(fresh)
            group.append(fresh)
            continue
        kept.evidence_spans.extend(spans)
        if cand.place and kept.place and _PRECISION.get(cand.place.level, 3) < _PRECISION.get(kept.place.level, 3):
            kept.place, kept.location, kept.scope = cand.place, cand.location, cand.scope
        for measure, value in cand.counts.items():
            current = kept.counts.get(measure)
            if value is not None and (current is None or value > current):
                kept.counts[measure] = value
        kept.confidence = max(kept.confidence, cand.confidence)
    return merged


def _fold_into_deaths(merged: list[Candidate]) -> list[Candidate]:
    """Fold injuries into the deaths of the same place and day; drop marches overshadowed by deaths."""
    deaths_at: dict[str, list[Candidate]] = {}
    deaths_in: dict[str, list[Candidate]] = {}
    for cand in merged:
        if eval_class(cand.event_type, cand.counts.get("fatalities")) == "deaths":
            deaths_at.setdefault(cand.place.department if cand.place else "", []).append(cand)
            if cand.place:
                deaths_in.setdefault(cand.place.department, []).append(cand)
    folded: set[int] = set()
    for hurt in [m for m in merged if m.event_type == "clash" and not m.counts.get("fatalities")]:
        at = deaths_at.get(hurt.place.department if hurt.place else "", [])
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
