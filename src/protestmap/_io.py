"""Atomic file writing: a temporary file in the target's directory, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["permitted", "publish", "write_atomic"]


def permitted(mode: int) -> int:
    """Apply the process umask to ``mode`` (temporary files and folders are created private)."""
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


def publish(tmp: Path, path: Path) -> Path:
    """Give a finished temporary file the usual permissions and move it over ``path``."""
    tmp.chmod(permitted(0o666))
    tmp.replace(path)
    return path


def write_atomic(text: str, path: Path) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename; no partial file is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        return publish(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
