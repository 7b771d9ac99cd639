"""Screenshots of the 9 January day map for the README: desktop and phone, English and Spanish.

The pages are rendered by the package and photographed by Debian's headless Chromium as a reader
sees them on screen (not the print stylesheet used by ``render --png``). Run from the project root:
``python scripts/readme_screenshots.py``; the images go to ``maps/`` (kept in git, see .gitignore).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from protestmap import settings
from protestmap.maps.page import PageOptions
from protestmap.pipeline import write_day_map

DAY = dt.date(2023, 1, 9)
VIEWS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def main() -> None:
    out = Path("maps")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=settings.CHROMIUM, args=list(settings.CHROMIUM_FLAGS))
        for lang in ("en", "es"):
            page_file = Path(folder) / f"{lang}.html"
            write_day_map(DAY, out=page_file, page=PageOptions(self_contained=True, lang=lang))
            for view, size in VIEWS.items():
                page = browser.new_page(viewport=size, device_scale_factor=2 if view == "phone" else 1)
                page.route("http*://**", lambda route: route.abort())
                page.goto(page_file.as_uri(), wait_until="load")
                page.wait_for_timeout(800)
                target = out / f"day-{DAY}-{view}-{lang}.png"
                page.screenshot(path=str(target))
                print(target)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
