"""``extract --into --apply``: line endings kept, unterminated files, concurrent runs, no litter."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

import protestmap
from protestmap._io import LOCK_NAME, locked
from protestmap.cli.app import app

TEXTS = Path(__file__).parent / "texts"
runner = CliRunner()
RUN_CLI = "from protestmap.cli.app import main; main()"


def apply(article: str, dataset: Path) -> str:
    result = runner.invoke(app, ["extract", str(TEXTS / article), "--into", str(dataset), "--apply"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_apply_keeps_crlf_line_endings(tiny_dataset: Path) -> None:
    originals = {}
    for name in ("incidents.csv", "sources.csv", "source_figures.csv"):
        path = tiny_dataset / name
        crlf = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        path.write_bytes(crlf)
        originals[name] = crlf
    assert "added 2 incident(s)" in apply("es_ilave.txt", tiny_dataset)
    for name in ("incidents.csv", "sources.csv"):
        data = (tiny_dataset / name).read_bytes()
        assert data.startswith(originals[name]), "existing bytes untouched"
        assert len(data) > len(originals[name])
        assert data.count(b"\n") == data.count(b"\r\n"), f"{name}: every line ends with CRLF"
    assert (tiny_dataset / "source_figures.csv").read_bytes() == originals["source_figures.csv"]
    assert len(protestmap.load_incidents(tiny_dataset)) == 5


def test_apply_to_files_without_a_final_newline(tiny_dataset: Path) -> None:
    originals = {}
    for name in ("incidents.csv", "sources.csv"):
        path = tiny_dataset / name
        originals[name] = path.read_bytes().rstrip(b"\n")
        path.write_bytes(originals[name])
    assert "added 2 incident(s)" in apply("es_ilave.txt", tiny_dataset)
    for name, before in originals.items():
        data = (tiny_dataset / name).read_bytes()
        assert data.startswith(before + b"\n"), f"{name}: the last row is ended, not glued to the new one"
        assert data.endswith(b"\n")
    assert len(protestmap.load_incidents(tiny_dataset)) == 5


def test_apply_leaves_no_staging_or_temporary_files(tiny_dataset: Path) -> None:
    before = listing(tiny_dataset.parent)
    apply("es_ilave.txt", tiny_dataset)
    assert listing(tiny_dataset.parent) == before
    assert listing(tiny_dataset) == sorted(["incidents.csv", "sources.csv", "source_figures.csv", LOCK_NAME])


def _new_candidates(article: str, dataset: Path) -> int:
    """How many of an article's candidates are new to the dataset (what one --apply adds)."""
    from protestmap.text.articles import read_article
    from protestmap.text.evaluate import propose_into
    from protestmap.text.extract import extract_text

    extraction = extract_text(read_article(TEXTS / article).text, source=article)
    proposals = propose_into([extraction], protestmap.load_incidents(dataset))
    return sum(p["status"] == "new" for p in proposals)


def test_concurrent_applies_take_turns_and_lose_nothing(tiny_dataset: Path) -> None:
    before = set(protestmap.load_incidents(tiny_dataset)["event_id"])
    expected = sum(_new_candidates(article, tiny_dataset) for article in ("es_ilave.txt", "es_pichanaqui.txt"))
    assert expected >= 4
    commands = [
        [sys.executable, "-c", RUN_CLI, "extract", str(TEXTS / article), "--into", str(tiny_dataset), "--apply"]
        for article in ("es_ilave.txt", "es_pichanaqui.txt")
    ]
    incidents = tiny_dataset / "incidents.csv"
    original = incidents.read_bytes()
    with locked(tiny_dataset):
        children = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
        time.sleep(8)  # ample time to reach the lock; they must wait for it
        assert incidents.read_bytes() == original, "nothing is written while another process holds the lock"
        assert all(child.poll() is None for child in children), "both runs are waiting"
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, out + err
        assert "Traceback" not in err
    added = sum(int(out.split("added ")[1].split(" ")[0]) for out, _ in outputs)
    assert added == expected
    after = protestmap.load_incidents(tiny_dataset)
    new = after[~after["event_id"].isin(before)]
    assert len(after) == len(before) + expected, "both runs' rows landed, none lost"
    notes = " ".join(new["notes"])
    assert "es_ilave.txt" in notes and "es_pichanaqui.txt" in notes
    assert listing(tiny_dataset.parent) == ["tiny"], "no staging folder or temporary file left"


def test_a_second_apply_of_the_same_article_waits_and_adds_nothing(tiny_dataset: Path) -> None:
    command = [sys.executable, "-c", RUN_CLI, "extract", str(TEXTS / "es_ilave.txt"), "--into", str(tiny_dataset)]
    with locked(tiny_dataset):
        children = [
            subprocess.Popen([*command, "--apply"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        time.sleep(5)
    outputs = sorted(child.communicate(timeout=120)[0] for child in children)
    assert [o.split(" incident(s)")[0] for o in outputs] == ["added 0", "added 2"], outputs
    assert len(protestmap.load_incidents(tiny_dataset)) == 5
