"""Phone and desktop layout, and the timeline's link, chart and title, in headless Chromium."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest
from tests.test_render import expected_counts

from protestmap.maps.content import layer_of
from protestmap.maps.day import render_date_map
from protestmap.maps.i18n import catalogue
from protestmap.maps.page import page_html, write_atomic
from protestmap.maps.timeline import render_timeline_map
from protestmap.pipeline import prepare as prepare_incidents

pytestmark = pytest.mark.browser
DAY = dt.date(2023, 1, 9)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CONTROL_BOXES = """() => Array.from(document.querySelectorAll('.leaflet-control'))
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
    return {name: e.id || e.className, left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })
  .filter(b => b.right > b.left && b.bottom > b.top)"""


@pytest.fixture(scope="module")
def prepared(boundaries_dir: Path):
    return prepare_incidents(boundaries_dir=boundaries_dir)


@pytest.fixture(scope="module")
def pages(prepared, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("layout")
    maps = {
        "day": render_date_map(prepared, DAY, self_contained=True),
        "timeline": render_timeline_map(prepared, self_contained=True),
        "day-es": render_date_map(prepared, DAY, self_contained=True, lang="es"),
        "timeline-es": render_timeline_map(prepared, self_contained=True, lang="es"),
    }
    return {
        kind: write_atomic(page_html(fmap, self_contained=True), folder / f"{kind}.html") for kind, fmap in maps.items()
    }


@pytest.fixture
def open_page(browser: Any):
    opened = []

    def go(path: Path, viewport: dict[str, int], *, fragment: str = "") -> Any:
        page = browser.new_page(viewport=viewport)
        opened.append(page)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.route("http*://**", lambda route: route.abort())  # tiles, if any, are never fetched
        page.goto(path.resolve().as_uri() + fragment)
        page.wait_for_function("window.protestmapLayoutReady === true")
        page.wait_for_timeout(200)
        page.errors = errors
        return page

    yield go
    for page in opened:
        page.close()


def _overlap(a: dict[str, float], b: dict[str, float]) -> float:
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0.0, width) * max(0.0, height)


def _assert_layout(page: Any, viewport: dict[str, int]) -> list[dict[str, float]]:
    boxes = page.evaluate(CONTROL_BOXES)
    names = " ".join(b["name"] for b in boxes)
    for needed in ("pm-title", "pm-legend", "leaflet-control-layers", "leaflet-control-attribution"):
        assert needed in names, f"{needed} is on the page"
    for a, b in itertools.combinations(boxes, 2):
        assert _overlap(a, b) == 0, f"{a['name']} overlaps {b['name']}: {a} {b}"
    for box in boxes:
        assert box["left"] >= 0 and box["top"] >= 0, box
        assert box["right"] <= viewport["width"] and box["bottom"] <= viewport["height"], box
    area = viewport["width"] * viewport["height"]
    covered = sum((b["right"] - b["left"]) * (b["bottom"] - b["top"]) for b in boxes)
    assert covered <= 0.5 * area, f"controls cover {covered / area:.0%} of the viewport"
    size = page.evaluate(
        "() => { const r = document.querySelector('.folium-map').getBoundingClientRect(); return [r.width, r.height]; }"
    )
    assert size == [viewport["width"], viewport["height"]], "the map fills the page behind its controls"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "nothing sticks out sideways"
    assert page.errors == []
    return boxes


KINDS = ["day", "timeline", "day-es", "timeline-es"]  # Spanish words are longer: the layout must hold them too


@pytest.mark.parametrize("kind", KINDS)
def test_phone_layout_keeps_controls_apart_and_collapsed(open_page, pages: dict[str, Path], kind: str) -> None:
    page = open_page(pages[kind], PHONE)
    boxes = _assert_layout(page, PHONE)
    layers = page.locator(".leaflet-control-layers")
    assert "leaflet-control-layers-expanded" not in (layers.get_attribute("class") or ""), "layer list collapsed"
    assert page.locator("#pm-legend-body").is_hidden(), "legend collapsed"
    title = page.locator("#pm-title")
    assert page.evaluate("e => e.scrollWidth <= e.clientWidth", title.element_handle()), "the title wraps"
    if kind.startswith("timeline"):
        panel = next(b for b in boxes if b["name"].startswith("pm-controls"))
        attribution = next(b for b in boxes if "attribution" in b["name"])
        assert panel["bottom"] <= attribution["top"], "the slider panel sits above the attribution"
    page.click("#pm-legend .pm-toggle")
    assert page.locator("#pm-legend-body").is_visible()
    assert page.get_attribute("#pm-legend .pm-toggle", "aria-expanded") == "true"
    _assert_layout(page, PHONE)
    page.click("#pm-legend .pm-toggle")
    strikes = "Paros activos" if kind.endswith("-es") else "Strikes active"
    assert page.get_by_label(strikes).is_hidden()
    page.locator(".leaflet-control-layers-toggle").dispatch_event("click")  # a tap: no hover first
    assert page.get_by_label(strikes).is_visible(), "a tap opens the layer list"


@pytest.mark.parametrize("kind", KINDS)
def test_desktop_layout_shows_everything_without_overlap(open_page, pages: dict[str, Path], kind: str) -> None:
    page = open_page(pages[kind], DESKTOP)
    _assert_layout(page, DESKTOP)
    assert page.locator(".leaflet-control-layers-expanded").count() == 1
    assert page.locator("#pm-legend-body").is_visible()


def test_pinch_zoom_is_allowed(open_page, pages: dict[str, Path]) -> None:
    page = open_page(pages["day"], PHONE)
    tags = page.evaluate("Array.from(document.querySelectorAll('meta[name=viewport]')).map(m => m.content)")
    assert tags == ["width=device-width, initial-scale=1"]
    assert "user-scalable" not in pages["day"].read_text(encoding="utf-8")


def _long(day: str) -> str:
    """The label the page shows for an ISO day: the catalogue's long date (mapsa's day_labels)."""
    return catalogue("en").long_date(dt.date.fromisoformat(day))


def _index(page: Any, day: str) -> int:
    return page.evaluate(f"window.protestmapTimeline.days.indexOf('{day}')")


def test_a_link_opens_its_day_and_the_url_follows_the_slider(open_page, pages: dict[str, Path], prepared) -> None:
    page = open_page(pages["timeline"], DESKTOP, fragment="#2023-01-09")
    assert page.inner_text("#pm-day") == "9 January 2023"
    counts = page.evaluate(
        """Object.fromEntries(Object.entries(window.protestmapLayers).map(([k, g]) => {
        let n = 0; g.eachLayer(l => { if (l instanceof L.CircleMarker) n += 1;
          else if (l.eachLayer) l.eachLayer(m => { if (m instanceof L.CircleMarker) n += 1; }); });
        return [k, n]; }))"""
    )
    assert counts == expected_counts(prepared.joined, DAY)
    page.locator("#pm-slider").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("location.hash") == "#2023-01-10"
    page.evaluate("location.hash = '#2023-01-20'")
    page.wait_for_function("document.getElementById('pm-day').textContent === '20 January 2023'")
    page.evaluate("location.hash = '#not-a-day'")
    page.wait_for_timeout(100)
    assert page.inner_text("#pm-day") == "20 January 2023", "an unknown fragment changes nothing"
    assert page.errors == []


def test_without_a_link_the_url_names_the_day_shown(open_page, pages: dict[str, Path]) -> None:
    page = open_page(pages["timeline"], DESKTOP)
    last = page.evaluate("window.protestmapTimeline.days.slice(-1)[0]")
    assert page.inner_text("#pm-day") == _long(last)
    assert page.evaluate("location.hash") == f"#{last}"


def test_daily_chart_matches_the_data_and_a_click_jumps_to_its_day(open_page, pages: dict[str, Path], prepared) -> None:
    page = open_page(pages["timeline"], PHONE)
    joined = prepared.joined
    drawn = joined[joined.geometry.notna() | (joined["scope"] == "national")]
    deaths = int(drawn.loc[drawn["event_date"] == "2023-01-09", "fatalities"].fillna(0).sum())
    placed = joined[joined.geometry.notna() & (joined["scope"] != "national")]
    blockade = [layer_of(t, f) == "blockades" for t, f in zip(placed["event_type"], placed["fatalities"], strict=True)]
    rows = placed[blockade]
    ends = rows["end_date"].fillna(rows["event_date"])
    active = int(((rows["event_date"] <= "2023-01-09") & (ends >= "2023-01-09")).sum())
    series = page.evaluate("window.protestmapTimeline.chart")
    index = _index(page, "2023-01-09")
    assert deaths >= 17 and series["deaths"][index] == deaths
    assert active >= 1 and series["blockades"][index] == active
    columns = page.locator("#pm-chart .pm-day")
    assert columns.count() == page.evaluate("window.protestmapTimeline.days.length")
    box = page.locator('#pm-chart .pm-day[data-day="2023-01-09"]').bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.inner_text("#pm-day") == "9 January 2023"
    assert page.evaluate("location.hash") == "#2023-01-09"
    assert page.evaluate("window.protestmapTimeline.state.day") == index
    assert page.errors == []


def test_title_range_follows_the_slider_and_the_window(open_page, pages: dict[str, Path]) -> None:
    page = open_page(pages["timeline"], DESKTOP, fragment="#2023-01-09")
    first = page.evaluate("window.protestmapTimeline.days[0]")
    assert page.inner_text("#pm-range") == f"{_long(first)} to 9 January 2023"
    page.select_option("#pm-mode", "7")
    assert page.inner_text("#pm-range") == "3 January 2023 to 9 January 2023"
    page.select_option("#pm-mode", "1")
    assert page.inner_text("#pm-range") == "9 January 2023"
    page.locator("#pm-slider").focus()
    page.keyboard.press("ArrowLeft")
    assert page.inner_text("#pm-range") == "8 January 2023"
    assert "8 January 2023" in page.inner_text("#pm-title")
