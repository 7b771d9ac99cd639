"""victims.csv: validated with the dataset (file:row:column: reason), loaded, shown in popups."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import protestmap
from protestmap.dataset import schema
from protestmap.dataset.load import load_tables
from protestmap.errors import InvalidIncidentError
from protestmap.maps.content import popup_html, victims_html
from protestmap.pipeline import reference_places

GOOD = {
    "victim_id": "v1",
    "event_id": "t-juliaca",
    "name": "Made Up Person",
    "age": "30",
    "sex": "M",
    "date_wounded": "2023-01-09",
    "date_of_death": "2023-01-09",
    "place": "Juliaca",
    "admin1": "Puno",
    "admin2": "San Román",
    "admin3": "Juliaca",
    "ubigeo": "211101",
    "cause": "gunshot",
    "role": "civilian",
    "counted": "yes",
    "source_ids": "s-one",
    "notes": "A made-up victim.",
}


def write_victims(folder: Path, *rows: dict[str, str]) -> Path:
    path = folder / schema.VICTIMS_FILE
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=schema.VICTIM_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def problems(folder: Path) -> list[str]:
    report = protestmap.validate_dataset(folder)
    return [f"{p.file}:{p.row}:{p.column}: {p.reason}" for p in report.problems]


def test_a_dataset_without_victims_has_none(tiny_dataset: Path) -> None:
    tables = load_tables(tiny_dataset, places=reference_places())
    assert len(tables.victims) == 0
    assert list(tables.victims.columns) == list(schema.VICTIM_COLUMNS)


def test_good_victims_are_loaded_typed(tiny_dataset: Path) -> None:
    write_victims(tiny_dataset, GOOD, {**GOOD, "victim_id": "v2", "name": "A.B.C.", "age": "15", "date_of_death": ""})
    assert problems(tiny_dataset) == []
    victims = protestmap.load_victims(tiny_dataset)
    assert victims["age"].tolist() == [30, 15]
    assert victims.loc[0, "date_of_death"] == pd.Timestamp("2023-01-09")
    assert pd.isna(victims.loc[1, "date_of_death"])
    report = protestmap.validate_dataset(tiny_dataset)
    assert (report.rows_in("victims"), report.rows_used("victims")) == (2, 2)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"event_id": "t-nowhere"}, "victims.csv:2:event_id: incident 't-nowhere' is not in incidents.csv"),
        ({"cause": "stone"}, "victims.csv:2:cause: unknown value 'stone'"),
        ({"role": "bystander"}, "victims.csv:2:role: unknown value 'bystander'"),
        ({"counted": "maybe"}, "victims.csv:2:counted: unknown value 'maybe'"),
        ({"sex": "x"}, "victims.csv:2:sex: unknown value 'x'"),
        ({"age": "-3"}, "victims.csv:2:age: '-3' is not a whole number"),
        ({"date_of_death": "2023-01-08"}, "victims.csv:2:date_of_death: 2023-01-08 is before date_wounded 2023-01-09"),
        ({"age": "16"}, "victims.csv:2:name: a victim under 18 is named by initials only"),
        ({"source_ids": "s-nowhere"}, "victims.csv:2:source_ids: source 's-nowhere' is not in sources.csv"),
        ({"admin3": "Caracoto"}, "victims.csv:2:admin3: 'Caracoto' does not match ubigeo 211101"),
        ({"ubigeo": "219999"}, "victims.csv:2:ubigeo: 219999 is not an INEI code in the gazetteer"),
        ({"notes": ""}, "victims.csv:2:notes: required value is empty"),
        ({"name": "=HYPERLINK(1)"}, "victims.csv:2:name: '=HYPERLINK(1)' starts with '='"),
    ],
)
def test_each_bad_cell_is_named(tiny_dataset: Path, change: dict[str, str], expected: str) -> None:
    write_victims(tiny_dataset, {**GOOD, **change})
    found = problems(tiny_dataset)
    assert any(p.startswith(expected) for p in found), found
    with pytest.raises(InvalidIncidentError):
        protestmap.load_victims(tiny_dataset)


def test_duplicate_ids_are_refused(tiny_dataset: Path) -> None:
    write_victims(tiny_dataset, GOOD, GOOD)
    assert problems(tiny_dataset) == ["victims.csv:3:victim_id: duplicate id 'v1' (first on row 2)"]


def test_counted_deaths_may_not_outnumber_the_incident(tiny_dataset: Path) -> None:
    rows = [{**GOOD, "victim_id": f"v{i}"} for i in range(18)]  # t-juliaca has fatalities 17
    write_victims(tiny_dataset, *rows)
    found = problems(tiny_dataset)
    assert found == [
        "victims.csv:19:counted: 18 counted deaths for incident 't-juliaca', which has fatalities 17; "
        "fix the count or write counted = no and say why in notes"
    ]
    rows[-1]["counted"] = "no"  # e.g. a death later withdrawn, explained in notes
    write_victims(tiny_dataset, *rows)
    assert problems(tiny_dataset) == []


def test_a_death_in_an_incident_without_fatalities_is_refused(tiny_dataset: Path) -> None:
    write_victims(tiny_dataset, {**GOOD, "event_id": "t-strike", "admin2": "", "admin3": "", "ubigeo": "21"})
    assert problems(tiny_dataset) == [
        "victims.csv:2:counted: 1 counted deaths for incident 't-strike', which has no fatalities; "
        "fix the count or write counted = no and say why in notes"
    ]


def test_popup_lists_the_victims_of_its_incident_escaped() -> None:
    victims = pd.DataFrame(
        [
            {**GOOD, "name": "<b>Ana</b>", "age": 30, "date_of_death": dt.date(2023, 1, 12)},
            {**GOOD, "victim_id": "v2", "name": "A.B.C.", "age": 15, "counted": "no", "cause": "blunt_trauma"},
            {**GOOD, "victim_id": "v3", "event_id": "elsewhere", "name": "Not Here"},
        ]
    )
    for column in ("date_wounded", "date_of_death"):  # typed as the loader types them
        victims[column] = pd.to_datetime(victims[column])
    row = pd.Series(
        {
            "event_id": "t-juliaca",
            "event_date": pd.Timestamp("2023-01-09"),
            "end_date": pd.NaT,
            "event_type": "attack_on_protesters",
            "location": "Juliaca",
            "source_ids": "s-one",
            "notes": "n",
            **dict.fromkeys(("fatalities", "injured", "arrested", "blockade_points"), pd.NA),
        }
    )
    listed = victims_html(victims)[row["event_id"]]
    assert "&lt;b&gt;Ana&lt;/b&gt; (30, gunshot, died 2023-01-12, hurt 2023-01-09)" in listed
    assert (
        "A.B.C. (15, blunt trauma, died 2023-01-09, not in" in listed and "not in this incident&#x27;s count" in listed
    )
    assert "Not Here" not in listed and "<b>Ana" not in listed
    sources = pd.DataFrame({"outlet": ["Outlet"], "published": [pd.Timestamp("2023-01-10")], "title": ["T"]})
    popup = popup_html(row, sources.set_axis(["s-one"]), victims=victims)
    assert listed in popup
    assert victims_html(None) == {} and "Victims" not in popup_html(row, sources.set_axis(["s-one"]))


def test_bundled_victims_match_their_incidents() -> None:
    tables = load_tables(places=reference_places())
    victims, incidents = tables.victims, tables.incidents.set_index("event_id")
    assert len(victims) >= 45
    counted = victims[victims["date_of_death"].notna() & (victims["counted"] == "yes")]
    per_event = counted.groupby("event_id").size()
    assert (per_event <= incidents.loc[per_event.index, "fatalities"]).all()
    minors = victims[victims["age"].fillna(99) < 18]
    assert minors["name"].fillna("").str.fullmatch(r"([A-ZÁÉÍÓÚÑ]\.)*").all()
    juliaca = victims[victims["event_id"] == "2023-01-09-juliaca-deaths"]
    assert juliaca["date_of_death"].max() == pd.Timestamp("2023-01-12")  # the 18th civilian
    assert set(victims["role"]) == {"civilian", "police", "soldier"}


def test_day_map_popups_carry_the_victims(boundaries_dir: Path) -> None:
    from protestmap.maps.day import render_date_map
    from protestmap.maps.page import page_html

    prepared = protestmap.prepare(boundaries_dir=boundaries_dir)
    assert prepared.victims is not None and len(prepared.victims) >= 45
    html = page_html(render_date_map(prepared, dt.date(2023, 1, 12)), self_contained=False)
    assert "Victims named in sources" in html and "B.A.J. (15, gunshot, died 2023-01-12" in html
