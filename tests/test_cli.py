from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from protestmap.cli import app

runner = CliRunner()


def test_validate_bundled_dataset_exits_zero() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "0 rejected" in result.output


def test_validate_broken_copy_reports_every_row(tiny_dataset: Path) -> None:
    path = tiny_dataset / "incidents.csv"
    text = (
        path.read_text(encoding="utf-8")
        .replace(",strike,", ",riot,")
        .replace("2023-01-09", "2023-02-31")
    )
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
        "import sys; from protestmap.cli import app; from typer.testing import CliRunner; "
        "CliRunner().invoke(app, ['--help']); "
        "heavy = [m for m in ('geopandas', 'folium', 'shapely', 'pandas', 'geopy', 'rapidfuzz') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
