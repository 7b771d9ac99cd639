"""PNG and PDF of a map page, for articles and reports: ``protestmap render --date D --png OUT.png``.

The page (self-contained, so nothing is fetched) is opened in Debian's headless Chromium through
Playwright; no browser is ever downloaded. The snapshot waits until Leaflet has laid out the
map and drawn its layers, and uses the page's print stylesheet: the legend stays, the layer list
and zoom buttons go. Each file is written through a temporary file and renamed.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from protestmap import settings
from protestmap._io import atomic_path
from protestmap.errors import RenderError

__all__ = ["Snapshot", "export_snapshots"]

#: Leaflet has laid out the map and our layout script has docked the controls.
_READY = "window.L !== undefined && window.protestmapLayoutReady === true"
_TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


@dataclass(frozen=True)
class Snapshot:
    """Size of a snapshot.

    Attributes
    ----------
    width, height
        The page's viewport in CSS pixels (also the PDF page size).
    scale
        Device pixels per CSS pixel of the PNG: its size is ``width * scale`` by ``height * scale``.
    """

    width: int = 1200
    height: int = 800
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not (100 <= self.width <= 10_000 and 100 <= self.height <= 10_000):
            message = f"snapshot size must be 100..10000 pixels a side, not {self.width}x{self.height}"
            raise RenderError(message)
        if not 0.25 <= self.scale <= 8:
            message = f"snapshot scale must be 0.25..8, not {self.scale}"
            raise RenderError(message)


def _check_chromium(chromium: str) -> None:
    if not Path(chromium).is_file():
        message = (
            f"PNG and PDF export needs Chromium at {chromium}, which is missing "
            "(Debian/Ubuntu: apt-get install chromium); protestmap never downloads a browser"
        )
        raise RenderError(message)


@contextmanager
def _opened(page_file: Path, size: Snapshot, chromium: str) -> Iterator[Any]:
    """Yield the page open in headless Chromium, drawn, with the print stylesheet applied."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        message = "PNG and PDF export needs the 'playwright' package (pip install playwright)"
        raise RenderError(message) from None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=list(settings.CHROMIUM_FLAGS))
            try:
                page = browser.new_page(
                    viewport={"width": size.width, "height": size.height}, device_scale_factor=size.scale
                )
                page.route("http*://**", lambda route: route.abort())  # offline, whatever the page holds
                page.emulate_media(media="print")
                page.goto(page_file.resolve().as_uri(), wait_until="load")
                page.wait_for_function(_READY, timeout=30_000)
                page.evaluate(_TWO_FRAMES)
                yield page
            finally:
                browser.close()
    except Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = f"Chromium could not take a snapshot of {page_file}: {reason}"
        raise RenderError(message) from None


def export_snapshots(
    page_file: Path,
    *,
    png: Path | None = None,
    pdf: Path | None = None,
    size: Snapshot | None = None,
    chromium: str | None = None,
) -> list[Path]:
    """Write a PNG and/or a one-page PDF of a map page.

    Parameters
    ----------
    page_file
        A self-contained map page (``render_*`` with ``self_contained=True``).
    png, pdf
        Files to write; either may be None.
    size
        Viewport and scale (default 1200x800 at scale 1).
    chromium
        The Chromium executable (default :data:`protestmap.settings.CHROMIUM`).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    RenderError
        When Chromium or Playwright is missing or the page cannot be drawn; nothing is written then.
    """
    size = size or Snapshot()
    chromium = chromium or settings.CHROMIUM
    _check_chromium(chromium)
    # Playwright's sync API refuses to run where an asyncio loop is running (Jupyter, or another
    # Playwright session): a worker thread of its own has none.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_take, page_file, png=png, pdf=pdf, size=size, chromium=chromium).result()


def _take(page_file: Path, *, png: Path | None, pdf: Path | None, size: Snapshot, chromium: str) -> list[Path]:
    written: list[Path] = []
    with _opened(page_file, size, chromium) as page:
        if png is not None:
            with atomic_path(png, suffix=".png") as tmp:
                page.screenshot(path=str(tmp), type="png")
            written.append(png)
        if pdf is not None:
            with atomic_path(pdf, suffix=".pdf") as tmp:
                page.pdf(path=str(tmp), width=f"{size.width}px", height=f"{size.height}px", print_background=True)
            written.append(pdf)
    return written
