"""``render --png/--pdf``: snapshots taken offline by Debian's headless Chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from protestmap import settings
from protestmap.cli.app import app
from protestmap.maps.content import LAYERS
from protestmap.maps.day import render_date_map
from protestmap.maps.page import page_html, write_atomic
from protestmap.pipeline import prepare as prepare_incidents

pytestmark = pytest.mark.browser
DAY = "2023-01-10"


def _render(tiny_dataset: Path, tiny_boundaries: Path, *extra: str) -> Any:
    arguments = ["render", "--date", DAY, "--data", str(tiny_dataset), "--boundaries", str(tiny_boundaries), *extra]
    return CliRunner().invoke(app, arguments)


def test_png_has_the_asked_size_and_is_a_drawn_map(
    browser: Any, tiny_dataset: Path, tiny_boundaries: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "day.png"
    result = _render(
        tiny_dataset, tiny_boundaries, "--png", str(out), "--width", "600", "--height", "400", "--scale", "2"
    )
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 800)
        pixels = np.asarray(image.convert("RGB")).astype(int)
    grey = pixels.mean(axis=2)
    colours, counts = np.unique(pixels.reshape(-1, 3), axis=0, return_counts=True)
    assert grey.std() > 15, "not a flat image"
    assert len(colours) > 50, "boundaries, markers, legend and text are drawn"
    assert counts.max() / counts.sum() < 0.9, "no single colour fills the image"
    reddish = (pixels[..., 0] > 150) & (pixels[..., 1] < 110) & (pixels[..., 2] < 110)
    assert reddish.sum() > 50, "the death markers are drawn"
    assert sorted(p.name for p in out.parent.iterdir()) == ["day.png"], "no temporary file or page is left"


def test_pdf_has_one_page_with_the_legend(
    browser: Any, tiny_dataset: Path, tiny_boundaries: Path, tmp_path: Path
) -> None:
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "day.pdf"
    page = tmp_path / "day.html"
    result = _render(tiny_dataset, tiny_boundaries, "--pdf", str(out), "--out", str(page))
    assert result.exit_code == 0, result.output
    assert page.is_file(), "--out keeps the page the PDF was made from"
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Legend" in text
    for label, _, _ in LAYERS.values():
        assert label in text
    assert "Deaths to date by department" not in text, "the layer list is not printed"
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (900, 600), "1200x800 CSS pixels at 72/96 points per pixel"


def test_print_stylesheet_keeps_the_legend_and_hides_the_layer_list(
    browser: Any, tiny_dataset: Path, tiny_boundaries: Path, tmp_path: Path
) -> None:
    prepared = prepare_incidents(tiny_dataset, boundaries_dir=tiny_boundaries)
    fmap = render_date_map(prepared, dt.date.fromisoformat(DAY), self_contained=True)
    path = write_atomic(page_html(fmap, self_contained=True), tmp_path / "day.html")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.route("http*://**", lambda route: route.abort())
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.protestmapLayoutReady === true")
        assert page.locator("#pm-legend-body").is_hidden(), "collapsed on a phone screen"
        page.emulate_media(media="print")
        assert page.locator("#pm-legend-body").is_visible(), "printed, even when collapsed on screen"
        assert page.locator(".leaflet-control-layers").is_hidden()
        assert page.locator(".leaflet-control-zoom").is_hidden()
    finally:
        page.close()


def test_missing_chromium_is_one_clear_line_and_nothing_is_written(
    tiny_dataset: Path, tiny_boundaries: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "CHROMIUM", str(tmp_path / "no-chromium"))
    out = tmp_path / "day.png"
    out.write_bytes(b"the previous image")
    result = _render(tiny_dataset, tiny_boundaries, "--png", str(out), "--pdf", str(tmp_path / "day.pdf"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    error = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "Chromium" in error[0] and "apt-get install chromium" in error[0], result.stderr
    assert out.read_bytes() == b"the previous image", "a failed export leaves the old file as it was"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["day.png"]


@pytest.mark.parametrize(("option", "value"), [("--width", "10"), ("--scale", "0"), ("--height", "99999")])
def test_snapshot_sizes_are_checked_before_any_work(
    tiny_dataset: Path, tiny_boundaries: Path, tmp_path: Path, option: str, value: str
) -> None:
    result = _render(tiny_dataset, tiny_boundaries, "--png", str(tmp_path / "x.png"), option, value)
    assert result.exit_code == 2
    assert option in result.stderr and "Traceback" not in result.output
