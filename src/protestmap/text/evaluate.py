"""Evaluating extraction against truth files, and proposing candidates into an incident table."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from protestmap import settings
from protestmap.dataset.schema import INCIDENT_COLUMNS
from protestmap.text.extract import Candidate, Extraction, eval_class, outside_period

__all__ = ["Score", "candidate_rows", "evaluate", "load_truth", "propose_into"]

#: Incident fields a candidate can fill, followed by its provenance.
_NOT_FROM_TEXT = {"event_id", "end_date", "sub_event_type", "actor1", "actor2", "source_ids", "notes"}
CANDIDATE_COLUMNS = (
    "record",
    *(c for c in INCIDENT_COLUMNS if c not in _NOT_FROM_TEXT),
    "date_source",
    "date_note",
    "source_file",
    "span_start",
    "span_end",
    "confidence",
    "cumulative",
    "evidence",
)


def candidate_rows(
    extraction: Extraction, *, min_confidence: float = 0.0, running_totals: bool = False
) -> list[dict[str, Any]]:
    """Turn candidates into rows of the incident schema plus provenance columns.

    Parameters
    ----------
    extraction
        What one article gave.
    min_confidence
        Candidates below this confidence are left out.
    running_totals
        Also give the article's running totals ("the toll rose to 48"), after the candidates,
        as rows whose ``record`` is ``running total`` (never incidents to add).

    Returns
    -------
    list of dict
        One row per candidate (``record`` = ``candidate``), with how its date was found
        (``date_source``) and a ``date_note`` when the date is missing or outside the dataset's
        period.
    """
    chosen = [("candidate", c) for c in extraction.candidates if c.confidence >= min_confidence]
    if running_totals:
        chosen += [("running total", c) for c in extraction.running_totals]
    return [_row(record, cand) for record, cand in chosen]


def _date_note(cand: Candidate) -> str:
    if cand.event_date is None:
        return "no date: give the publication date with --published YYYY-MM-DD"
    if outside_period(cand.event_date):
        first, last = settings.DATASET_PERIOD
        return f"outside the dataset period ({first} to {last}): check the date"
    return ""


def _row(record: str, cand: Candidate) -> dict[str, Any]:
    place = cand.place
    span_start, span_end = cand.span
    return {
        "record": record,
        "event_date": cand.event_date.isoformat() if cand.event_date else None,
        "time_precision": cand.time_precision,
        "event_type": cand.event_type,
        **{m: cand.counts.get(m) for m in ("fatalities", "injured", "arrested", "blockade_points")},
        "scope": cand.scope,
        "location": cand.location,
        "admin1": place.department if place else None,
        "admin2": (place.province or None) if place else None,
        "admin3": (place.district or None) if place else None,
        "ubigeo": place.ubigeo if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": place.precision if place else 3,
        "date_source": cand.date_source,
        "date_note": _date_note(cand),
        "source_file": cand.source,
        "span_start": span_start,
        "span_end": span_end,
        "confidence": cand.confidence,
        "cumulative": cand.cumulative,
        "evidence": cand.evidence,
    }


@dataclass
class Score:
    """Precision, recall and F1 on (date ±1 day, department, type), and fatality accuracy."""

    true_positives: int
    predicted: int
    expected: int
    fatalities_exact: int
    fatalities_compared: int
    missed: dict[str, int] = field(default_factory=dict)
    spurious: dict[str, int] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        """Share of predictions that match a truth row."""
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Share of truth rows that some prediction matches."""
        return self.true_positives / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def fatality_accuracy(self) -> float:
        """Share of matched death incidents whose count equals the truth's."""
        return self.fatalities_exact / self.fatalities_compared if self.fatalities_compared else 0.0

    def report(self) -> str:
        """Describe the score in four lines."""
        return (
            f"precision: {self.precision:.3f} ({self.true_positives}/{self.predicted})\n"
            f"recall:    {self.recall:.3f} ({self.true_positives}/{self.expected})\n"
            f"F1:        {self.f1:.3f}\n"
            f"fatalities exact: {self.fatality_accuracy:.3f} ({self.fatalities_exact}/{self.fatalities_compared})\n"
            + "".join(
                f"  {kind}: {self.missed.get(kind, 0)} missed, {self.spurious.get(kind, 0)} spurious\n"
                for kind in sorted({*self.missed, *self.spurious})
            )
        )


def load_truth(path: Path) -> list[dict[str, Any]]:
    """Read a truth CSV (article, event_date, admin1, event_type, fatalities)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["event_date"] = dt.date.fromisoformat(row["event_date"])
        row["fatalities"] = int(row["fatalities"]) if row.get("fatalities") else None
        row["admin1"] = row.get("admin1") or ""
    return rows


def _key(cand: Candidate) -> tuple[str, str]:
    return (cand.place.department if cand.place else "", eval_class(cand.event_type, cand.counts.get("fatalities")))


def evaluate(extractions: list[Extraction], truth: list[dict[str, Any]], *, min_confidence: float = 0.5) -> Score:
    """Match predictions to truth one-to-one per article on (date ±1 day, department, type)."""
    tp = predicted = exact = compared = 0
    missed: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    articles = {e.source for e in extractions}
    expected = [t for t in truth if t["article"] in articles]
    for extraction in extractions:
        wanted = [t for t in expected if t["article"] == extraction.source]
        preds = [c for c in extraction.candidates if c.confidence >= min_confidence and c.event_date]
        predicted += len(preds)
        used: set[int] = set()
        for cand in sorted(preds, key=lambda c: -c.confidence):
            index = _match(cand, wanted, used)
            if index is None:
                spurious[_key(cand)[1]] += 1
                continue
            row = wanted[index]
            used.add(index)
            tp += 1
            if row["fatalities"] is not None:
                compared += 1
                exact += int(row["fatalities"] == cand.counts.get("fatalities"))
        missed.update(t["event_type"] for i, t in enumerate(wanted) if i not in used)
    return Score(tp, predicted, len(expected), exact, compared, dict(missed), dict(spurious))


def _match(cand: Candidate, wanted: list[dict[str, Any]], used: set[int]) -> int | None:
    """Index of the unused truth row a candidate matches (same count preferred, then nearest day)."""
    assert cand.event_date is not None
    day = cand.event_date
    department, kind = _key(cand)
    options = [
        i
        for i, t in enumerate(wanted)
        if i not in used
        and t["admin1"] == department
        and t["event_type"] == kind
        and abs((t["event_date"] - day).days) <= 1
    ]
    if not options:
        return None
    count = cand.counts.get("fatalities")
    return min(options, key=lambda i: (wanted[i]["fatalities"] != count, abs((wanted[i]["event_date"] - day).days)))


def propose_into(extractions: list[Extraction], table: Any, *, min_confidence: float = 0.5) -> list[dict[str, Any]]:
    """Compare candidates with an incident table: new ones, or matches of existing incidents.

    A candidate matches an incident of the same type (evaluation class) within one day and in
    the same district (else province, else department, as precise as both rows allow). Curated
    values are never overwritten; matches are reported with the incident's id.
    """
    proposals = []
    for extraction in extractions:
        for row in candidate_rows(extraction, min_confidence=min_confidence):
            match = _existing(row, table)
            proposals.append({"status": "matches" if match else "new", "event_id": match or "", **row})
    return proposals


def _existing(row: dict[str, Any], table: Any) -> str | None:
    import pandas as pd

    if not row["event_date"]:
        return None
    day = pd.Timestamp(row["event_date"])
    near = table[(table["event_date"] - day).abs() <= pd.Timedelta(days=1)]
    kind = eval_class(row["event_type"], row["fatalities"])
    for _, incident in near.iterrows():
        if (
            eval_class(incident["event_type"], incident["fatalities"] if pd.notna(incident["fatalities"]) else None)
            != kind
        ):
            continue
        mine, theirs = str(row["ubigeo"] or ""), str(incident["ubigeo"]) if pd.notna(incident["ubigeo"]) else ""
        depth = min(len(mine), len(theirs), 6)
        if (not mine and not theirs and incident["scope"] == "national") or (depth and mine[:depth] == theirs[:depth]):
            return str(incident["event_id"])
    return None


def _source_row(source_id: str, row: dict[str, Any]) -> dict[str, Any]:
    name = Path(row["source_file"]).name
    return {
        "source_id": source_id,
        "kind": "news",
        "outlet": f"article file {name}",
        "published": row["event_date"],
        "title": Path(row["source_file"]).stem,
        "reference": name,
        "url": "",
        "notes": "Added by protestmap extract --apply; replace with the outlet's details.",
    }


def _incident_row(event_id: str, source_id: str, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "end_date": "",
        "sub_event_type": "",
        "actor1": "",
        "actor2": "",
        "source_ids": source_id,
        "notes": f"Candidate read automatically from {Path(row['source_file']).name} "
        f"(characters {row['span_start']}-{row['span_end']}, confidence {row['confidence']}); to be reviewed.",
        **{k: ("" if row.get(k) is None else row[k]) for k in CANDIDATE_COLUMNS if k in INCIDENT_COLUMNS},
    }


def _new_rows(
    new: list[dict[str, Any]], event_ids: set[str], source_ids: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Build the incident and source rows for the candidates, with ids not already taken."""
    import hashlib

    taken = event_ids | source_ids
    incident_rows, source_rows = [], []
    for index, row in enumerate(new, start=1):
        digest = hashlib.sha256(row["source_file"].encode()).hexdigest()[:10]
        source_id = f"extracted-{digest}"
        if source_id not in taken:
            taken.add(source_id)
            source_rows.append(_source_row(source_id, row))
        event_id, serial = f"cand-{row['event_date']}-{digest}-{index}", index
        while event_id in taken:
            serial += len(new)
            event_id = f"cand-{row['event_date']}-{digest}-{serial}"
        taken.add(event_id)
        incident_rows.append(_incident_row(event_id, source_id, row))
    return incident_rows, source_rows


def apply_proposals(proposals: list[dict[str, Any]], dataset: Path) -> int:
    """Append the ``new`` proposals to a dataset as incident rows, with one source per article.

    Existing rows are never touched, and the files keep their line endings. The dataset is locked
    for the whole read-modify-write, so concurrent runs take turns and none loses the other's rows;
    candidates are compared again with the incidents as they are once the lock is held, so a run
    that waited does not add what the other run just added. The result must validate (checked in
    a private staging folder) before both files are replaced atomically; otherwise nothing is
    written.

    Returns
    -------
    int
        How many incidents were added.
    """
    from protestmap._io import locked
    from protestmap.dataset.load import load_incidents
    from protestmap.dataset.schema import SOURCE_COLUMNS
    from protestmap.dataset.validate import dataset_paths
    from protestmap.dataset.write import append_rows, replace_files
    from protestmap.places.check import GazetteerPlaces

    paths = dataset_paths(dataset)
    with locked(paths["incidents"].parent):
        table = load_incidents(dataset)
        new = [p for p in proposals if p["status"] == "new" and p["event_date"] and not _existing(p, table)]
        texts = {role: paths[role].read_bytes().decode("utf-8") for role in ("incidents", "sources")}
        sources = {row.get("source_id", "") for row in csv.DictReader(io.StringIO(texts["sources"], newline=""))}
        incident_rows, source_rows = _new_rows(new, set(table["event_id"].astype(str)), sources)
        if not incident_rows:
            return 0
        texts["incidents"] = append_rows(texts["incidents"], incident_rows, INCIDENT_COLUMNS)
        texts["sources"] = append_rows(texts["sources"], source_rows, SOURCE_COLUMNS)
        texts = {"sources": texts["sources"], "incidents": texts["incidents"]}
        replace_files(paths, texts, places=GazetteerPlaces())
    return len(incident_rows)
