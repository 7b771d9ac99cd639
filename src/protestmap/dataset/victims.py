"""Validation of ``victims.csv``: the people named or described in the public record of the deaths.

The table is optional: a dataset without it has no victims. When present, each row names one
person who died (or was counted as dead) and links them to an incident of ``incidents.csv``. On
top of the checks every table gets (required cells, safe text, ids, dates, counts, vocabularies,
places), two checks tie victims to incidents:

- a victim's ``event_id`` must be an incident of ``incidents.csv``;
- the dead counted in an incident (``counted = yes`` with a ``date_of_death``) may not outnumber
  its ``fatalities``; a death that the incident does not count is written ``counted = no`` and
  its notes say why (a death later withdrawn, one outside the ombudsman's count...).

Minors are named by their initials only (``D.A.Q.``), which is checked for victims under 18.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from protestmap.dataset import schema
from protestmap.dataset._columns import Columns
from protestmap.dataset._csv import Problem

__all__ = ["check_victims"]

#: Initials as written for minors: capital letters each followed by a dot (``J.N.A.H.``).
_INITIALS = r"^(?:[A-ZÁÉÍÓÚÑÜ]\.)+$"
#: The age at which a name must be given as initials only.
_ADULT = 18
_ADMIN = ("admin1", "admin2", "admin3")

UbigeoCheck = Callable[..., list[tuple[str, str]]]


def _numpy(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return values.to_numpy(zero_copy_only=False)


def _check_dates(c: Columns) -> None:
    wounded, died = c.date("date_wounded"), c.date("date_of_death")
    before = (wounded >= 0) & (died >= 0) & (died < wounded)
    days = iter(c.values(before, "date_wounded"))
    c.fail(before, "date_of_death", lambda day: f"{day} is before date_wounded {next(days)}")


def _check_minors(c: Columns) -> None:
    ages = c.integer("age")
    minor = (ages >= 0) & (ages < _ADULT) & c.filled("name")
    initials = _numpy(pc.match_substring_regex(c.get("name"), _INITIALS))
    reason = f"a victim under {_ADULT} is named by initials only (e.g. 'D.A.Q.'), never by full name"
    c.fail(minor & ~initials, "name", reason)


def _check_place(c: Columns, ubigeo_problems: UbigeoCheck) -> None:
    known = _numpy(pc.is_in(c.get("admin1"), pa.array(list(schema.DEPARTMENTS.values()))))
    c.fail(c.filled("admin1") & ~known, "admin1", "{!r} is not an INEI department name (e.g. 'Apurímac')".format)
    c.fail(c.filled("admin3") & ~c.filled("admin2"), "admin2", "a district is given without its province")
    c.per_key(c.filled("ubigeo"), ("ubigeo", *_ADMIN), ubigeo_problems)


def _check_against_incidents(c: Columns, fatalities: dict[str, int | None]) -> None:
    """Every victim belongs to a known incident; counted deaths do not outnumber its fatalities."""
    events = c.get("event_id").to_pylist()
    unknown = np.array([bool(e) and e not in fatalities for e in events], dtype=bool)
    c.fail(unknown, "event_id", f"incident {{!r}} is not in {schema.FILES['incidents']}".format)
    dead = c.filled("date_of_death") & _numpy(pc.equal(c.get("counted"), "yes")) & ~unknown
    tally = Counter(e for e, d in zip(events, dead.tolist(), strict=True) if d)
    over = {e: n for e, n in tally.items() if n > (fatalities[e] or 0)}
    if not over:
        return
    seen: Counter[str] = Counter()
    for row in np.flatnonzero(dead).tolist():
        event = events[row]
        seen[event] += 1
        if event in over and seen[event] > (fatalities[event] or 0):
            limit = fatalities[event]
            given = "no fatalities" if limit is None else f"fatalities {limit}"
            reason = (
                f"{over[event]} counted deaths for incident {event!r}, which has {given}; "
                "fix the count or write counted = no and say why in notes"
            )
            c.out.append(Problem(c.file, int(c.table.lines[row]), "counted", reason))


def check_victims(c: Columns, *, fatalities: dict[str, int | None], ubigeo_problems: UbigeoCheck) -> None:
    """Check the victims table, appending each problem to ``c.out``.

    Its ``source_ids`` are checked by the caller, as for incidents.

    Parameters
    ----------
    c
        The columns of ``victims.csv``.
    fatalities
        Each valid incident's ``fatalities`` (None when not reported), by ``event_id``.
    ubigeo_problems
        The check of a ubigeo against its names that incidents get (``(ubigeo, admin1..3) -> problems``).
    """
    c.required(schema.REQUIRED["victims"])
    c.text(schema.NUMERIC["victims"])
    c.duplicates("victim_id", c.identifier("victim_id"))
    c.choice("sex", schema.SEXES)
    c.choice("cause", schema.CAUSES)
    c.choice("role", schema.ROLES)
    c.choice("counted", schema.COUNTED)
    _check_dates(c)
    _check_minors(c)
    _check_place(c, ubigeo_problems)
    _check_against_incidents(c, fatalities)
