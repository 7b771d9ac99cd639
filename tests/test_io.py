"""The one atomic writer: no partial file, no translated line endings, no litter after a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from protestmap._io import STALE_AFTER_SECONDS, TMP_PREFIX, atomic_path, remove_stale, write_atomic
from protestmap.errors import OutputError

KILLED_WRITER = """
import sys, time
from pathlib import Path
from protestmap._io import atomic_path
with atomic_path(Path(sys.argv[1])) as tmp:
    tmp.write_bytes(b"half")
    print("writing", flush=True)
    time.sleep(60)
"""


def test_write_keeps_bytes_and_line_endings(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.csv"
    write_atomic("a,b\r\n1,2\r\n", target)
    assert target.read_bytes() == b"a,b\r\n1,2\r\n"
    write_atomic(b"\xef\xbb\xbfx\n", target)
    assert target.read_bytes() == b"\xef\xbb\xbfx\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("new", encoding="utf-8")
        raise RuntimeError
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_writing_onto_a_directory_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        write_atomic("x", tmp_path)
    (tmp_path / "file").write_text("", encoding="utf-8")  # a parent that is a file
    with pytest.raises(OutputError, match=r"cannot write .*nested"):
        write_atomic("x", tmp_path / "file" / "nested")


def test_stale_temporaries_of_ours_are_removed_and_nothing_else(tmp_path: Path) -> None:
    old = time.time() - STALE_AFTER_SECONDS - 60
    stale = tmp_path / f"{TMP_PREFIX}abc"
    young = tmp_path / f"{TMP_PREFIX}def"
    foreign = tmp_path / ".other.tmp"
    for path in (stale, young, foreign):
        path.write_bytes(b"")
    os.utime(stale, (old, old))
    os.utime(foreign, (old, old))
    write_atomic("x", tmp_path / "out.txt")
    assert not stale.exists(), "a leftover of ours is removed by the next write"
    assert young.exists(), "a young one may be a write in progress"
    assert foreign.exists(), "files that are not ours are never touched"
    assert remove_stale(tmp_path, older_than=0) == [young]


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_kill_during_the_write_leaves_a_temporary_that_the_next_write_removes(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    target.write_text("previous", encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(target)], stdout=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(TMP_PREFIX)]
    assert len(leftovers) == 1, "the killed process left its temporary file"
    assert target.read_text(encoding="utf-8") == "previous", "the output itself is intact"
    old = time.time() - STALE_AFTER_SECONDS - 1
    os.utime(leftovers[0], (old, old))
    write_atomic("next", target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]
    assert target.read_text(encoding="utf-8") == "next"
