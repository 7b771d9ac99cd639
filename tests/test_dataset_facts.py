"""The bundled dataset holds every incident of the five seed articles, with their facts."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import protestmap

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    return protestmap.load_incidents()


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return protestmap.load_figures()


def rows(df: pd.DataFrame, **where: object) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    for column, value in where.items():
        if column == "date":
            mask &= df["event_date"] == pd.Timestamp(str(value))
        else:
            mask &= df[column] == value
    return df[mask]


# (date, event_type, admin3 or admin2 or admin1, measure, value) straight from the seed articles
SEED_FACTS = [
    ("2023-01-26", "attack_on_protesters", {"admin2": "Ica"}, "fatalities", 3),
    ("2023-01-25", "clash", {"admin2": "Ica"}, "injured", 24),
    ("2023-01-09", "attack_on_protesters", {"admin3": "Juliaca"}, "fatalities", 17),
    ("2023-01-09", "accident", {"admin2": "Chucuito"}, "fatalities", 1),
    (
        "2023-01-10",
        "blockade",
        {"scope": "national", "sub_event_type": "blockade points nationwide"},
        "blockade_points",
        45,
    ),
    (
        "2023-01-09",
        "blockade",
        {"scope": "national", "sub_event_type": "blockade points nationwide"},
        "blockade_points",
        45,
    ),
    (
        "2023-01-04",
        "blockade",
        {"scope": "national", "sub_event_type": "blockade points nationwide"},
        "blockade_points",
        25,
    ),
    (
        "2023-01-05",
        "blockade",
        {"scope": "national", "sub_event_type": "blockade points nationwide"},
        "blockade_points",
        37,
    ),
    (
        "2023-01-06",
        "blockade",
        {"scope": "national", "sub_event_type": "blockade points nationwide"},
        "blockade_points",
        46,
    ),
    (
        "2023-01-09",
        "blockade",
        {"admin1": "Puno", "scope": "regional", "geo_precision": 3},
        "blockade_points",
        20,
    ),
    ("2023-01-28", "attack_on_protesters", {"admin1": "Lima"}, "fatalities", 1),
    ("2023-01-06", "detention", {"admin1": "Lima"}, "arrested", 224),
    ("2022-12-07", "detention", {"admin1": "Lima"}, "arrested", 1),
]


@pytest.fixture(scope="module")
def seed_figures(figures) -> pd.DataFrame:
    seeds = protestmap.load_sources().query("kind == 'seed'").index
    return figures[figures["source_id"].isin(seeds)]


@pytest.mark.parametrize(("date", "kind", "place", "measure", "value"), SEED_FACTS)
def test_seed_fact_is_in_the_table(incidents, seed_figures, date, kind, place, measure, value) -> None:
    """A seed's figure is the row's curated value, or a seed's figure for that row when a better count replaced it."""
    found = rows(incidents, date=date, event_type=kind, **place)
    assert len(found) == 1, f"expected one {kind} on {date} at {place}, found {len(found)}"
    curated = found.iloc[0][measure]
    if not pd.isna(curated) and curated == value:
        return
    kept = seed_figures[(seed_figures["event_id"] == found.iloc[0]["event_id"]) & (seed_figures["measure"] == measure)]
    assert value in set(kept["value"]), f"the seed's {measure} {value} is neither the row's value nor a seed figure"


def test_superseded_seed_figures_stay_as_source_figures(incidents, seed_figures) -> None:
    juliaca = rows(incidents, date="2023-01-09", event_type="attack_on_protesters", admin3="Juliaca").iloc[0]
    assert juliaca["fatalities"] == 18  # 17 that night + a 15-year-old who died on 12 January
    ica = rows(incidents, date="2023-01-26", event_type="attack_on_protesters", admin2="Ica").iloc[0]
    assert pd.isna(ica["fatalities"]), "three unconfirmed deaths are not the curated count"
    claims = seed_figures.set_index(["event_id", "measure"])["value"]
    assert claims.loc[(ica["event_id"], "fatalities")] == 3


@pytest.mark.parametrize("town", ["Platería", "Acora", "Ilave", "Juli", "Yunguyo", "Desaguadero"])
def test_puno_desaguadero_blockade_points_one_row_each(incidents, town) -> None:
    found = rows(incidents, date="2023-01-09", event_type="blockade", admin3=town)
    assert len(found) == 1
    assert found.iloc[0]["admin1"] == "Puno"


def test_strike_from_4_january_in_each_named_department(incidents) -> None:
    strikes = rows(incidents, date="2023-01-04", event_type="strike")
    named = {
        "Arequipa",
        "Ayacucho",
        "Apurímac",
        "Cusco",
        "Moquegua",
        "Madre de Dios",
        "Puno",
        "Tacna",
    }
    assert named <= set(strikes["admin1"])
    assert (strikes["end_date"] >= strikes["event_date"]).all()


def test_curfews_and_emergencies(incidents) -> None:
    puno_city = rows(incidents, date="2023-01-11", event_type="curfew", admin3="Puno")
    assert puno_city.iloc[0]["end_date"] == pd.Timestamp("2023-01-13")
    national = rows(incidents, date="2022-12-15", event_type="state_of_emergency", scope="national")
    assert len(national) == 1 and pd.isna(national.iloc[0]["admin1"])
    assert len(rows(incidents, date="2022-12-16", event_type="curfew")) == 16


def test_san_marcos_raid_and_lima_marches(incidents) -> None:
    assert len(rows(incidents, date="2023-01-21", event_type="raid", admin1="Lima")) == 1
    for day in ("2023-01-11", "2023-01-18", "2023-01-19", "2023-01-26"):
        assert len(rows(incidents, date=day, event_type="march", admin1="Lima")) == 1, day


def test_juliaca_disagreement_is_visible(figures) -> None:
    juliaca = figures[(figures["event_id"] == "2023-01-09-juliaca-deaths") & (figures["measure"] == "fatalities")]
    assert {9, 12, 13, 17, 18, 19} <= set(juliaca["value"])
    assert juliaca["source_id"].nunique() >= 5


def test_ica_injury_counts_disagree(figures) -> None:
    ica = figures[figures["event_id"] == "2023-01-25-ica-panamericana-clash"]
    assert sorted(ica["value"]) == [24, 63]


def test_deaths_in_every_affected_department(incidents) -> None:
    deaths = incidents[incidents["fatalities"].fillna(0) > 0]
    expected = {
        "Apurímac",
        "Arequipa",
        "Ayacucho",
        "Junín",
        "La Libertad",
        "Cusco",
        "Puno",
        "Lima",
    }
    assert expected <= set(deaths["admin1"])
    assert "Ica" not in set(deaths["admin1"]), "the ombudsman counts no death in Ica"
    for department, at_least in {"Ayacucho": 10, "Apurímac": 6, "Junín": 3, "Puno": 29}.items():
        assert deaths.loc[deaths["admin1"] == department, "fatalities"].sum() >= at_least, department


def test_every_row_cites_sources_that_exist() -> None:
    incidents = protestmap.load_incidents()
    sources = protestmap.load_sources()
    cited = {s for refs in incidents["source_ids"] for s in refs.split(";")}
    assert cited <= set(sources.index)


def test_each_seed_article_is_cited_and_exists(seeds_dir: Path) -> None:
    sources = protestmap.load_sources()
    incidents = protestmap.load_incidents()
    seeds = sources[sources["kind"] == "seed"]
    assert len(seeds) == 5
    for source_id, reference in seeds["reference"].items():
        assert (seeds_dir / reference).is_file(), reference
        assert incidents["source_ids"].str.contains(source_id, regex=False).any(), source_id


def _words(text: str) -> list[str]:
    return re.findall(r"[a-záéíóúñü0-9]+", text.lower())


def test_no_sentence_of_the_seed_articles_is_copied(seeds_dir: Path) -> None:
    grams: set[str] = set()
    for path in seeds_dir.glob("*.txt"):
        w = _words(path.read_text(encoding="utf-8", errors="ignore"))
        grams.update(" ".join(w[i : i + 12]) for i in range(len(w) - 11))
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False).stdout.split()
    files = tracked or [str(p.relative_to(ROOT)) for p in (ROOT / "data").glob("*")]
    copied = []
    for name in files:
        path = ROOT / name
        if not path.is_file() or path.suffix in {".whl", ".png"}:
            continue
        w = _words(path.read_text(encoding="utf-8", errors="ignore"))
        if any(" ".join(w[i : i + 12]) in grams for i in range(len(w) - 11)):
            copied.append(name)
    assert copied == []
