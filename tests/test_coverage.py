"""stats --coverage: incidents per week (or month) and event type, empty periods listed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

import protestmap
from protestmap.cli.app import app
from protestmap.dataset import schema
from protestmap.dataset.coverage import coverage_table

runner = CliRunner()


def made_up(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"event_date": pd.to_datetime([d for d, _ in rows]), "event_type": [t for _, t in rows]})


def test_weeks_start_on_monday_and_empty_weeks_are_listed() -> None:
    rows = made_up(("2023-01-01", "march"), ("2023-01-02", "blockade"), ("2023-01-08", "blockade"))
    table = coverage_table(rows, start=dt.date(2022, 12, 26), end=dt.date(2023, 1, 22))
    assert table.index.tolist() == ["2022-12-26", "2023-01-02", "2023-01-09", "2023-01-16"]
    assert table["total"].tolist() == [1, 2, 0, 0]  # Sunday 1 Jan belongs to the week of Monday 26 Dec
    assert table.loc["2023-01-02", "blockade"] == 2
    assert list(table.columns) == [*schema.EVENT_TYPES, "total"]


def test_rows_outside_the_window_are_left_out_and_months_work() -> None:
    rows = made_up(
        ("2022-11-30", "march"), ("2022-12-07", "detention"), ("2023-02-28", "strike"), ("2023-04-01", "march")
    )
    table = coverage_table(rows, period="month")
    assert table.index.tolist() == ["2022-12-01", "2023-01-01", "2023-02-01", "2023-03-01"]
    assert table["total"].tolist() == [1, 0, 1, 0]
    assert coverage_table(rows.iloc[:0])["total"].sum() == 0


def test_bundled_dataset_covers_the_period() -> None:
    table = coverage_table(protestmap.load_incidents(), period="month")
    assert table["total"].sum() >= 300
    assert (table["total"] > 0).all(), "every month of the period has incidents"


def test_cli_prints_the_coverage_of_a_dataset(tiny_dataset: Path) -> None:
    args = [
        "stats",
        "--coverage",
        "--from",
        "2023-01-01",
        "--to",
        "2023-01-15",
        "-f",
        "json",
        "--data",
        str(tiny_dataset),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output[result.output.index("[") :])
    assert [(r["week"], r["total"]) for r in rows] == [("2022-12-26", 0), ("2023-01-02", 2), ("2023-01-09", 1)]
    assert rows[1]["strike"] == 1 and rows[1]["blockade"] == 1 and rows[2]["attack_on_protesters"] == 1
