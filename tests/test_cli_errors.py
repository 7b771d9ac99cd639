"""Bad input and hostile environments give one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protestmap.cli.app import app

runner = CliRunner()
ACLED = Path(__file__).parent / "fixtures" / "acled" / "current.csv"


def fails_cleanly(args: list[str], code: int, *fragments: str) -> str:
    """Run the CLI; check the exit code, one 'error:' line holding every fragment, no traceback."""
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["stats", "--date", "foo"], "'foo' is not a date"),
        (["stats", "--date", "2023-02-30"], "'2023-02-30' is not a date"),
        (["stats", "--date", "1900-01-01"], "outside"),
        (["stats", "--from", "2023-02-01", "--to", "2023-01-01"], "--from 2023-02-01 is after --to 2023-01-01"),
        (["stats", "--date", "2023-01-10", "--from", "2023-01-01"], "either --date or --from/--to"),
        (
            ["export", "--format", "geojson", "--out", "x.geojson", "--from", "2023-03-01", "--to", "2023-01-01"],
            "after",
        ),
        (["render", "--timeline", "--from", "2023-02-01", "--to", "2023-01-01"], "is after --to"),
        (["render", "--timeline", "--to", "2000-01-01"], "has no days"),
        (["render", "--date", "2023-01-10", "--window", "soon"], "--window"),
        (["extract", "--published", "yesterday", "x.txt"], "'yesterday' is not a date"),
    ],
)
def test_bad_dates_and_windows_are_usage_errors(
    args: list[str], fragment: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    fails_cleanly(args, 2, fragment)
    assert not list(tmp_path.iterdir()), "nothing is written"


def test_reversed_window_is_an_error_not_an_empty_table() -> None:
    result = runner.invoke(app, ["stats", "--from", "2023-02-01", "--to", "2023-01-01", "-f", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["render", "export"])
def test_out_must_be_a_writable_file(command: str, tmp_path: Path) -> None:
    base = ["render", "--date", "2023-01-10"] if command == "render" else ["export", "--format", "geojson"]
    folder = tmp_path / "folder"
    folder.mkdir()
    (tmp_path / "plain-file").write_text("x", encoding="utf-8")
    fails_cleanly([*base, "--out", str(folder)], 2, "is a directory")
    fails_cleanly([*base, "--out", ""], 2, "must name a file")
    fails_cleanly([*base, "--out", str(tmp_path / "plain-file" / "x")], 2, "plain-file is not a directory")
    assert [p.name for p in folder.iterdir()] == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_read_only_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:
        # Root ignores permission bits; answer for this folder as the kernel answers any other user.
        real_access = os.access

        def user_access(path: os.PathLike[str] | str, mode: int, **kwargs: object) -> bool:
            if Path(path) == folder and mode & os.W_OK:
                return False
            return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "access", user_access)
    try:
        fails_cleanly(["render", "--date", "2023-01-10", "--out", str(folder / "x.html")], 2, "cannot write in")
        fails_cleanly(["import", "acled", str(ACLED), "--out", str(folder / "new")], 2, "cannot write in")
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_unwritable_place_is_a_one_line_error_even_for_root() -> None:
    """/proc refuses new files whoever asks: the failure comes from the write itself."""
    line = fails_cleanly(["render", "--date", "2023-01-10", "--out", "/proc/protestmap-test.html"], 1)
    assert "cannot write /proc/protestmap-test.html" in line
    fails_cleanly(["export", "--format", "acled", "--out", "/proc/protestmap-test.csv"], 1, "/proc/")


def test_import_acled_out_must_be_a_directory(tmp_path: Path) -> None:
    target = tmp_path / "file.csv"
    target.write_text("x", encoding="utf-8")
    fails_cleanly(["import", "acled", str(ACLED), "--out", str(target)], 2, "exists and is not a directory")
    fails_cleanly(["import", "acled", str(ACLED), "--out", ""], 2, "must name a directory")
    assert target.read_text(encoding="utf-8") == "x"


def test_timeline_of_a_header_only_dataset(tiny_dataset: Path, tmp_path: Path) -> None:
    for name in ("incidents.csv", "source_figures.csv"):
        path = tiny_dataset / name
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    out = tmp_path / "t.html"
    args = ["render", "--timeline", "--data", str(tiny_dataset), "--out", str(out)]
    fails_cleanly(args, 1, "no dated incidents", "--from and --to")
    assert not out.exists()


def test_dataset_without_population_uses_the_bundled_census(
    tiny_dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROTESTMAP_DATA", str(tiny_dataset))
    monkeypatch.delenv("PROTESTMAP_BOUNDARIES", raising=False)
    assert not (tiny_dataset / "population.csv").exists()
    result = runner.invoke(app, ["stats", "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    puno = next(r for r in rows if r["ubigeo"] == "21")
    assert puno["population"] == 1172697


def test_missing_population_file_is_a_clear_error(tmp_path: Path) -> None:
    from protestmap.errors import DatasetNotFoundError
    from protestmap.spatial.aggregate import load_population

    with pytest.raises(DatasetNotFoundError, match=r"population\.csv .* not found"):
        load_population(tmp_path / "population.csv")


def test_rich_markup_in_a_place_name_is_printed_literally() -> None:
    result = runner.invoke(app, ["geocode", "[/bold]", "[red]Juliaca"])
    assert result.exit_code == 1, result.output  # neither place exists
    assert "Traceback" not in result.output
    assert "[/bold]" in result.stdout and "[red]Juliaca" in result.stdout


def test_rich_markup_in_an_article_is_printed_literally(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "On 10 January 2023 police killed three protesters [/x] in Juliaca, Puno [bold]during a march.\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["extract", str(article), "--format", "table", "--published", "2023-01-10"])
    assert result.exit_code == 0, result.output
    assert "[/x]" in result.stdout


def test_library_errors_become_one_line(tmp_path: Path) -> None:
    fails_cleanly(["stats", "--data", str(tmp_path / "missing")], 1, "not found")
    shutil.copytree(Path(__file__).parent / "fixtures" / "tiny", tmp_path / "tiny")
    (tmp_path / "tiny" / "incidents.csv").write_text("not,a,dataset\n", encoding="utf-8")
    result = runner.invoke(app, ["stats", "--data", str(tmp_path / "tiny")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "incidents.csv:1:" in result.stderr, "each problem is named file:row:column"
