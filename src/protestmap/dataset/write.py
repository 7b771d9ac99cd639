"""The one way a dataset is written: stage the files, validate them, then swap them in atomically.

Two callers use it: ``import acled`` writes a new dataset directory, and ``extract --apply``
appends rows to an existing one. Either the whole result validates and replaces what was there,
or nothing changes; staging folders carry :data:`protestmap._io.TMP_PREFIX` and never outlive a run.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protestmap._io import TMP_PREFIX, permitted, write_atomic
from protestmap.errors import InvalidIncidentError, Problem

if TYPE_CHECKING:
    from protestmap.dataset.validate import PlaceRegistry

__all__ = ["append_rows", "newline_of", "replace_files", "rows_to_csv", "write_new_dataset"]


def rows_to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, newline: str = "\n") -> str:
    """Write rows as CSV text with a header, each record ending with ``newline``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator=newline)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def newline_of(text: str) -> str:
    """Return the line ending of a CSV text (that of its header line): CRLF, else LF."""
    end = text.find("\n")
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def append_rows(text: str, rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Append rows to CSV text in its own line endings, ending an unterminated last line first."""
    if not rows:
        return text
    newline = newline_of(text)
    if text and not text.endswith(("\n", "\r")):
        text += newline
    return text + rows_to_csv(rows, columns, newline=newline).split(newline, 1)[1]


def _validate_folder(folder: Path, places: PlaceRegistry | None) -> None:
    from protestmap.dataset.validate import validate_dataset

    report = validate_dataset(folder, places=places)
    if not report.ok:
        raise InvalidIncidentError(report.problems)


def replace_files(paths: Mapping[str, Path], texts: Mapping[str, str], *, places: PlaceRegistry | None = None) -> None:
    """Replace some files of a dataset, once the dataset with them validates.

    Parameters
    ----------
    paths
        Every file of the dataset, by role (see :func:`protestmap.dataset.validate.dataset_paths`).
    texts
        The new text of the files that change, by role.
    places
        The INEI reference the changed dataset is checked against.

    Raises
    ------
    InvalidIncidentError
        When the changed dataset does not validate; nothing is written then.
    """
    folder = paths["incidents"].parent
    staged = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}staging-", dir=folder))
    try:
        for role, path in paths.items():
            data = texts[role].encode("utf-8") if role in texts else path.read_bytes()
            (staged / path.name).write_bytes(data)
        _validate_folder(staged, places)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    for role, text in texts.items():
        write_atomic(text, paths[role])


def write_new_dataset(out: Path, files: Mapping[str, str], *, places: PlaceRegistry | None = None) -> None:
    """Write a new dataset directory whole: staged beside ``out``, validated, then renamed into place.

    Parameters
    ----------
    out
        The directory to create; it must not exist, or be empty.
    files
        File name -> CSV text.
    places
        The INEI reference the new dataset is checked against.

    Raises
    ------
    InvalidIncidentError
        When ``out`` is not empty or the files do not validate; nothing is written then.
    """
    if out.exists() and any(out.iterdir()):
        raise InvalidIncidentError([Problem(str(out), 0, "-", "output directory exists and is not empty")])
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}dataset-", dir=out.parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        _validate_folder(staging, places)
        staging.chmod(permitted(0o777))
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
