"""Conventions every command follows: exit codes, -h, --version, --quiet, choices, widths, progress."""

from __future__ import annotations

import enum
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pooch  # noqa: F401  imported at collection: its log handler then never holds a CliRunner stream closed by a later invoke
import pytest
import typer
from typer.testing import CliRunner

from protestmap.cli import console
from protestmap.cli.app import app

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = Path(__file__).parent / "texts" / "en_arequipa.txt"


def _commands(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf command of the typer tree (typer 0.29 no longer builds on click)."""
    if hasattr(group, "commands"):
        for name, command in group.commands.items():
            yield from _commands(command, (*path, name))
    else:
        yield path, group


ALL_COMMANDS = sorted(path for path, _ in _commands(typer.main.get_command(app)))


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of the tiny dataset with an unknown event type: a data problem, not a usage error."""
    target = tmp_path / "broken"
    shutil.copytree(FIXTURES / "tiny", target)
    path = target / "incidents.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",strike,", ",riot,"), encoding="utf-8")
    return target


@pytest.fixture
def events(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text("longitude,latitude,event_date,event_type\n-70.1,-15.5,2023-01-09,protest\n", encoding="utf-8")
    return path


Case = Callable[[Path, Path, Path, Path], list[str]]
# command -> (ok, data problem, usage error); each builds its arguments from
# (tiny dataset, broken dataset, tiny boundaries, tmp folder). None: cannot be run offline.
CASES: dict[tuple[str, ...], tuple[Case | None, Case, Case]] = {
    ("validate",): (
        lambda d, b, g, t: ["validate", str(d)],
        lambda d, b, g, t: ["validate", str(b)],
        lambda d, b, g, t: ["validate", str(t / "missing")],
    ),
    ("geocode",): (
        lambda d, b, g, t: ["geocode", "Juliaca", "-f", "json"],
        lambda d, b, g, t: ["geocode", "Qwzxyplace"],
        lambda d, b, g, t: ["geocode", "Juliaca", "-f", "xml"],
    ),
    ("boundaries", "fetch"): (
        None,  # a loopback server with the tiny files pinned (see test_exit_codes)
        lambda d, b, g, t: ["boundaries", "fetch", "--url", "http://127.0.0.1:9/", "--timeout", "2"],
        lambda d, b, g, t: ["boundaries", "fetch", "--timeout", "0"],
    ),
    ("boundaries", "info"): (
        lambda d, b, g, t: ["boundaries", "info", "--boundaries", str(g)],
        lambda d, b, g, t: ["boundaries", "info", "--boundaries", str(t)],
        lambda d, b, g, t: ["boundaries", "info", "--bogus"],
    ),
    ("stats",): (
        lambda d, b, g, t: ["stats", "--data", str(d), "--boundaries", str(g), "-f", "csv"],
        lambda d, b, g, t: ["stats", "--data", str(b), "--boundaries", str(g)],
        lambda d, b, g, t: ["stats", "--by", "district"],
    ),
    ("render",): (
        lambda d, b, g, t: (
            ["render", "--date", "2023-01-09", "--data", str(d), "--boundaries", str(g), "--out", str(t / "day.html")]
        ),
        lambda d, b, g, t: ["render", "--date", "2023-01-09", "--data", str(b), "--out", str(t / "x.html")],
        lambda d, b, g, t: ["render"],
    ),
    ("import", "acled"): (
        lambda d, b, g, t: ["import", "acled", str(FIXTURES / "acled" / "current.csv"), "--out", str(t / "new")],
        lambda d, b, g, t: ["import", "acled", str(b / "sources.csv"), "--out", str(t / "new")],
        lambda d, b, g, t: ["import", "acled", str(FIXTURES / "acled" / "current.csv")],
    ),
    ("export",): (
        lambda d, b, g, t: ["export", "-f", "geojson", "--data", str(d), "--out", str(t / "x.geojson")],
        lambda d, b, g, t: ["export", "-f", "geojson", "--data", str(b), "--out", str(t / "x.geojson")],
        lambda d, b, g, t: ["export", "-f", "shapefile", "--out", str(t / "x.shp")],
    ),
    ("extract",): (
        lambda d, b, g, t: ["extract", str(ARTICLE), "-f", "json"],
        lambda d, b, g, t: ["extract", str(ARTICLE), "--into", str(b)],
        lambda d, b, g, t: ["extract"],
    ),
    ("aggregate",): (
        lambda d, b, g, t: ["aggregate", str(t / "events.csv"), "--out", str(t / "a.parquet"), "--boundaries", str(g)],
        lambda d, b, g, t: ["aggregate", str(b / "sources.csv"), "--out", str(t / "a.parquet"), "--boundaries", str(g)],
        lambda d, b, g, t: ["aggregate", str(t / "events.csv"), "--out", str(t / "a.parquet"), "--engine", "spark"],
    ),
}


def test_every_command_has_a_row_in_the_exit_code_table() -> None:
    assert sorted(CASES) == ALL_COMMANDS


@pytest.mark.parametrize("expected", [0, 1, 2], ids=["ok", "data-problem", "usage-error"])
@pytest.mark.parametrize("command", sorted(CASES), ids=" ".join)
def test_exit_codes(
    command, expected: int, tiny_dataset, broken, tiny_boundaries, events, tmp_path, monkeypatch
) -> None:
    import protestmap.spatial.boundaries as boundaries_module

    monkeypatch.setattr(boundaries_module, "cache_dir", lambda: tmp_path / "cache")  # fetch never touches the real one
    build = CASES[command][expected]
    if build is None:
        from tests.test_boundaries import _registry_for, serve

        monkeypatch.setattr(boundaries_module, "REGISTRY", _registry_for(tiny_boundaries))
        with serve(tiny_boundaries) as url:
            result = runner.invoke(app, ["boundaries", "fetch", "--url", url, "--timeout", "10"])
        assert (tmp_path / "cache" / "provincias.geojson").is_file()
    else:
        result = runner.invoke(app, build(tiny_dataset, broken, tiny_boundaries, tmp_path))
    assert result.exit_code == expected, result.output
    assert "Traceback" not in result.output
    if expected:
        assert result.stderr.strip(), "a failure must say why on stderr"


@pytest.mark.parametrize("path", [(), *ALL_COMMANDS, ("boundaries",), ("import",)], ids=lambda p: " ".join(p) or "root")
def test_short_help_everywhere(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "-h"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_every_format_option_is_a_choice_with_f() -> None:
    seen = 0
    for path, command in _commands(typer.main.get_command(app)):
        for param in command.params:
            if "--format" in getattr(param, "opts", []):
                seen += 1
                assert "-f" in param.opts, path
                choices = param.type_descriptor.annotation
                assert isinstance(choices, type) and issubclass(choices, enum.Enum), path
    assert seen >= 4


def test_version_prints_and_imports_nothing_heavy() -> None:
    code = (
        "import sys; from protestmap.cli.app import app; from typer.testing import CliRunner; "
        "r = CliRunner().invoke(app, ['--version']); print(r.output.strip()); "
        "heavy = [m for m in ('geopandas', 'folium', 'shapely', 'pandas', 'dask') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy or r.exit_code else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    from protestmap import __version__

    assert done.stdout.splitlines()[0] == f"protestmap {__version__}"


def test_quiet_keeps_stderr_for_errors_and_verbose_adds_timings(tiny_dataset: Path, broken: Path) -> None:
    loud = runner.invoke(app, ["validate", str(tiny_dataset)])
    assert loud.exit_code == 0 and "valid:" in loud.stderr
    quiet = runner.invoke(app, ["--quiet", "validate", str(tiny_dataset)])
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
    failing = runner.invoke(app, ["-q", "validate", str(broken)])
    assert failing.exit_code == 1
    assert "problem(s) found" in failing.stderr
    both = runner.invoke(app, ["-q", "-v", "validate"])
    assert both.exit_code == 2


def test_verbose_tells_more(tmp_path: Path, events: Path, tiny_boundaries: Path) -> None:
    args = ["aggregate", str(events), "--out", str(tmp_path / "a.parquet"), "--boundaries", str(tiny_boundaries)]
    normal = runner.invoke(app, args)
    verbose = runner.invoke(app, ["--verbose", *args])
    assert normal.exit_code == verbose.exit_code == 0
    assert "engine pandas" not in normal.stderr
    assert "engine pandas, scheduler local threads" in verbose.stderr


def test_tables_fit_the_terminal_width() -> None:
    names = ["Juliaca", "Chucuito", "Ilave", "Andahuaylas"]
    wide = runner.invoke(app, ["geocode", *names], env={"COLUMNS": ""})
    narrow = runner.invoke(app, ["geocode", *names], env={"COLUMNS": "140"})
    assert max(map(len, wide.stdout.splitlines())) > 140
    assert max(map(len, narrow.stdout.splitlines())) <= 140
    assert "Juliaca" in narrow.stdout


class _Terminal:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize(("tty", "quiet", "shown"), [(True, False, True), (True, True, False), (False, False, False)])
def test_progress_only_on_a_terminal_and_never_quiet(monkeypatch, tty: bool, quiet: bool, shown: bool) -> None:
    monkeypatch.setattr(sys, "stderr", _Terminal(tty))
    try:
        console.set_verbosity(quiet=quiet, verbose=False)
        assert console.show_progress() is shown
    finally:
        console.set_verbosity(quiet=False, verbose=False)
