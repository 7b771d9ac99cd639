from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from protestmap.cli.app import app

runner = CliRunner()


def test_validate_bundled_dataset_exits_zero() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "0 rejected" in result.output


def test_validate_broken_copy_reports_every_row(tiny_dataset: Path) -> None:
    path = tiny_dataset / "incidents.csv"
    text = path.read_text(encoding="utf-8").replace(",strike,", ",riot,").replace("2023-01-09", "2023-02-31")
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(tiny_dataset)])
    assert result.exit_code == 1
    assert "incidents.csv:2:event_date:" in result.output
    assert "incidents.csv:3:event_type:" in result.output
    assert "Traceback" not in result.output
    assert "2 problem(s) found" in result.output


def test_validate_missing_path_exits_two(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "validate" in result.output


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from protestmap.cli.app import app; from typer.testing import CliRunner; "
        "CliRunner().invoke(app, ['--help']); "
        "heavy = [m for m in ('geopandas', 'folium', 'shapely', 'pandas', 'geopy', 'rapidfuzz') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_stats_json_sorted_with_totals(boundaries_dir: Path) -> None:
    import json

    result = runner.invoke(
        app,
        ["stats", "--date", "2023-01-10", "--format", "json", "--boundaries", str(boundaries_dir)],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output[result.output.index("[") :])
    assert rows[0]["name"] == "Puno" and rows[0]["fatalities"] == 20
    assert rows[-1]["name"].startswith("TOTAL")
    deaths = [r["fatalities"] or 0 for r in rows[:-1]]
    assert deaths == sorted(deaths, reverse=True)
    assert rows[-1]["fatalities"] >= sum(deaths)


def test_stats_by_province_window_csv(boundaries_dir: Path) -> None:
    result = runner.invoke(
        app,
        [
            "stats",
            "--by",
            "province",
            "--from",
            "2023-01-09",
            "--to",
            "2023-01-09",
            "-f",
            "csv",
            "--boundaries",
            str(boundaries_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2111,San Román,19," in result.output  # Juliaca 18 + police officer


def test_stats_rejects_date_with_window() -> None:
    result = runner.invoke(app, ["stats", "--date", "2023-01-10", "--from", "2023-01-01"])
    assert result.exit_code == 2


def test_stats_without_boundaries_warns_and_still_answers(monkeypatch, tmp_path: Path) -> None:
    import protestmap.spatial.boundaries as bmod

    monkeypatch.delenv("PROTESTMAP_BOUNDARIES", raising=False)
    monkeypatch.setattr(bmod, "cache_dir", lambda: tmp_path / "none")
    monkeypatch.setattr(bmod, "bundled_dir", lambda: tmp_path / "installed-without-data")
    result = runner.invoke(app, ["stats", "-f", "csv"])
    assert result.exit_code == 0
    assert "warning: INEI boundaries not found" in result.output
    assert "\n21,Puno,29," in result.output
