"""A pooch downloader that always ends: socket timeouts, a total deadline and a length check.

``pooch.HTTPDownloader(timeout=...)`` only bounds each socket operation, so a server that sends a
byte every few seconds keeps it busy forever. :class:`DeadlineDownloader` reads with
``urllib3``'s ``read1`` (returns whatever has arrived) and checks a total deadline after every
read, so no download lasts much longer than ``timeout`` seconds. pooch still does the rest: the
temporary file in the cache (removed on failure), the sha256 check and the final move.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from protestmap.errors import BoundariesDownloadError

__all__ = ["DeadlineDownloader"]

_CHUNK = 64 * 1024


class DeadlineDownloader:
    """Download over HTTP(S) with requests, giving up after ``timeout`` seconds in total.

    Parameters
    ----------
    timeout
        Total seconds a file may take; also the connect and per-read timeout.
    progressbar
        Show a tqdm progress bar on stderr.
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
        from tqdm import tqdm

        progress = tqdm(total=expected or None, unit="B", unit_scale=True, ncols=79, disable=not self.progressbar)
        try:
            while chunk := raw.read1(_CHUNK, decode_content=True):
                out.write(chunk)
                progress.update(len(chunk))
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
            progress.close()
        if expected and raw.tell() < expected:
            message = f"{url}: the transfer was cut short ({raw.tell()} of {expected} bytes)"
            raise BoundariesDownloadError(message)
