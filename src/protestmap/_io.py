"""Atomic file writing: a temporary file in the target's directory, fsync, then a rename.

This is the one way protestmap writes an output file. The temporary file has to live in the
target's own directory (a rename is only atomic within one file system), so a process killed
between creating it and renaming it leaves it behind. Such leftovers are recognisable by their
:data:`TMP_PREFIX` and are removed by the next write into the same directory once they are older
than :data:`STALE_AFTER_SECONDS` (a younger one may belong to a write still in progress).

Also here: :func:`locked`, the lock a folder's writers take turns on, and
:class:`DeadlineDownloader`, a pooch downloader that always ends. ``pooch.HTTPDownloader(timeout=...)``
only bounds each socket operation, so a server that sends a byte every few seconds keeps it busy
forever; this one reads with ``urllib3``'s ``read1`` (whatever has arrived) and checks a total
deadline after every read. pooch still does the rest: the temporary file in the cache (removed on
failure), the sha256 check and the final move.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from protestmap import settings
from protestmap.errors import BoundariesDownloadError, DatasetLockedError, OutputError

__all__ = [
    "LOCK_NAME",
    "STALE_AFTER_SECONDS",
    "TMP_PREFIX",
    "DeadlineDownloader",
    "atomic_path",
    "default_output_dir",
    "locked",
    "permitted",
    "publish",
    "remove_stale",
    "write_atomic",
]

#: Every temporary file protestmap creates starts with this; nothing else is ever cleaned up.
TMP_PREFIX = ".protestmap-tmp-"
#: The lock file a folder's writers take turns on; it is never deleted (deleting it would race).
LOCK_NAME = ".protestmap.lock"
#: Age after which a temporary file of ours is a leftover of a killed process, not a live write.
STALE_AFTER_SECONDS = settings.STALE_TEMP_SECONDS


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


def remove_stale(directory: Path, *, older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Delete our own temporary files in ``directory`` left by a process that was killed.

    Parameters
    ----------
    directory
        The folder to tidy; only names starting with :data:`TMP_PREFIX` are considered.
    older_than
        Minimum age in seconds (by modification time).

    Returns
    -------
    list of Path
        The files removed.
    """
    removed = []
    limit = time.time() - older_than
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if not entry.name.startswith(TMP_PREFIX):
                continue
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < limit:
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _refuse(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    if path.is_dir():
        reason = "it is a directory; give a file name"
    return OutputError(f"cannot write {path}: {reason}")


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


@contextlib.contextmanager
def atomic_path(path: Path, *, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    For writers that need a file name (GDAL, Parquet) rather than text. On any error the temporary
    file is removed and ``path`` is left as it was; OS errors become :class:`OutputError`.

    Parameters
    ----------
    path
        The final file.
    suffix
        Extension of the temporary file, for writers that choose a format by it.
    """
    path = Path(path)
    if str(path) in {"", "."} or path.is_dir():
        message = f"cannot write {path}: it is a directory; give a file name"
        raise OutputError(message)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(path.parent)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix=suffix)
        os.close(handle)
    except OSError as exc:
        raise _refuse(path, exc) from None
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as stream:
            os.fsync(stream.fileno())
        publish(tmp, path)
        _fsync_directory(path.parent)
    except OSError as exc:
        raise _refuse(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(content: str | bytes, path: Path) -> Path:
    """Write ``content`` to ``path`` through a temporary file and a rename; no partial file is left.

    Text is encoded as UTF-8 and written as given: line endings are not translated, so a caller
    that keeps a file's CRLF line endings gets them back on every platform.

    Parameters
    ----------
    content
        Text or bytes.
    path
        The file to create or replace.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OutputError
        When the file or its folder cannot be written; the message names the file and the reason.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def _try_lock(handle: int) -> bool:
    """Take an exclusive lock on an open file without waiting; False when another holds it."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def locked(directory: Path, *, wait_seconds: float = 120.0) -> Iterator[Path]:
    """Hold the exclusive lock of ``directory`` (its :data:`LOCK_NAME` file) for a read-modify-write.

    The operating system releases the lock when the process ends, however it ends, so a killed
    writer never leaves the folder locked.

    Parameters
    ----------
    directory
        The folder whose files are about to be rewritten.
    wait_seconds
        How long to wait for another process to finish.

    Raises
    ------
    DatasetLockedError
        When the lock is still held after ``wait_seconds``.
    """
    lock = Path(directory) / LOCK_NAME
    handle = os.open(lock, os.O_RDWR | os.O_CREAT, permitted(0o666))
    try:
        deadline = time.monotonic() + wait_seconds
        while not _try_lock(handle):
            if time.monotonic() > deadline:
                message = f"{directory} is being changed by another protestmap process (lock {lock}); try again later"
                raise DatasetLockedError(message)
            time.sleep(0.05)
        yield lock
    finally:
        os.close(handle)  # closing the descriptor releases the lock


_CHUNK = 64 * 1024


class DeadlineDownloader:
    """Download over HTTP(S) with requests, giving up after ``timeout`` seconds in total.

    Parameters
    ----------
    timeout
        Total seconds a file may take; also the connect and per-read timeout.
    progressbar
        Show a rich progress bar on stderr (the caller decides: a terminal, not ``--quiet``).
    """

    def __init__(self, *, timeout: float, progressbar: bool = False) -> None:
        self.timeout = timeout
        self.progressbar = progressbar

    def __call__(self, url: str, output_file: str | Path, pooch: Any, check_only: bool = False) -> bool | None:
        """Fetch ``url`` into ``output_file`` (the pooch downloader protocol).

        Raises
        ------
        requests.HTTPError, requests.ConnectionError
            From requests (pooch retries these once).
        BoundariesDownloadError
            When the transfer stalls past the deadline or ends before its Content-Length.
        """
        import requests

        if check_only:
            return requests.head(url, timeout=self.timeout, allow_redirects=True).status_code == 200
        deadline = time.monotonic() + self.timeout
        with requests.get(url, stream=True, timeout=self.timeout) as response:
            response.raise_for_status()
            expected = int(response.headers.get("content-length") or 0)
            with open(output_file, "wb") as out:
                self._copy(response.raw, out, url=url, expected=expected, deadline=deadline)
        return None

    def _copy(self, raw: Any, out: Any, *, url: str, expected: int, deadline: float) -> None:
        import urllib3
        from rich.console import Console
        from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

        progress = Progress(
            *Progress.get_default_columns(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=Console(stderr=True, markup=False, highlight=False),
            transient=True,
            disable=not self.progressbar,
        )
        task = progress.add_task(url.rsplit("/", 1)[-1], total=expected or None)
        progress.start()
        try:
            while chunk := raw.read1(_CHUNK, decode_content=True):
                out.write(chunk)
                progress.advance(task, len(chunk))
                if time.monotonic() > deadline:
                    message = f"{url}: no complete answer within {self.timeout:g} s; try again or raise --timeout"
                    raise BoundariesDownloadError(message)
        except urllib3.exceptions.ReadTimeoutError:
            message = f"{url}: the server stopped sending for {self.timeout:g} s"
            raise BoundariesDownloadError(message) from None
        except urllib3.exceptions.ProtocolError as exc:
            message = f"{url}: the transfer was cut short ({exc.args[0] if exc.args else exc})"
            raise BoundariesDownloadError(message) from None
        finally:
            progress.stop()
        if expected and raw.tell() < expected:
            message = f"{url}: the transfer was cut short ({raw.tell()} of {expected} bytes)"
            raise BoundariesDownloadError(message)


def _is_project_root(folder: Path) -> bool:
    import tomllib

    try:
        with (folder / "pyproject.toml").open("rb") as handle:
            return bool(tomllib.load(handle).get("project", {}).get("name") == "protestmap")
    except (OSError, tomllib.TOMLDecodeError):
        return False


def default_output_dir() -> Path:
    """Where outputs go without ``--out``: ``maps`` in protestmap's project root, else the current folder.

    The project root is recognised by a ``pyproject.toml`` naming the project ``protestmap``, so
    running the tool from any other folder never creates a ``maps/`` folder there.
    """
    return Path("maps") if _is_project_root(Path.cwd()) else Path()
