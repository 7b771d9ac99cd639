"""A reader's use of the maps in Chromium: real clicks reach every marker, keyboard and screen-reader names, Spanish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.browser.clicks import reach_every_marker
from tests.test_render import expected_counts

from protestmap.maps.day import render_date_map
from protestmap.maps.page import page_html, write_atomic
from protestmap.maps.timeline import render_timeline_map
from protestmap.pipeline import prepare as prepare_incidents

pytestmark = pytest.mark.browser
DAY = dt.date(2023, 1, 9)


@pytest.fixture(scope="module")
def prepared(boundaries_dir: Path):
    return prepare_incidents(boundaries_dir=boundaries_dir)


def _page(fmap, path: Path) -> Path:
    return write_atomic(page_html(fmap, self_contained=True), path)


def _toggle_every_layer(page) -> int:
    """Untick and tick again every overlay of the layer control with real clicks; return how many."""
    boxes = page.locator(".leaflet-control-layers-overlays input")
    for i in range(boxes.count()):
        boxes.nth(i).click()
        boxes.nth(i).click()
    return boxes.count()


def _assert_all_reached(page, expected: int) -> None:
    reach = reach_every_marker(page)
    assert reach.markers == expected
    assert reach.failures == [], reach.failures
    assert reach.opened == expected


def test_real_clicks_reach_every_marker_of_the_day_map(visit, prepared, tmp_path: Path) -> None:
    seen = visit(_page(render_date_map(prepared, DAY, self_contained=True), tmp_path / "day.html"), wait_ms=1200)
    assert seen.errors == []
    expected = sum(expected_counts(prepared.joined, DAY).values())
    _assert_all_reached(seen.page, expected)
    assert _toggle_every_layer(seen.page) == 8
    _assert_all_reached(seen.page, expected)


def test_real_clicks_reach_every_marker_of_the_timeline(visit, prepared, tmp_path: Path) -> None:
    seen = visit(_page(render_timeline_map(prepared, self_contained=True), tmp_path / "tl.html"), wait_ms=1200)
    page = seen.page
    index = page.evaluate(f"window.protestmapTimeline.days.indexOf('{DAY.isoformat()}')")
    page.evaluate(f"window.protestmapTimeline.setDay({index + 3})")
    slider = page.locator("#pm-slider")
    slider.focus()
    for _ in range(3):  # move the slider itself back to 9 January
        page.keyboard.press("ArrowLeft")
    assert page.evaluate("window.protestmapTimeline.state.day") == index
    assert page.inner_text("#pm-day") == "9 January 2023"
    _toggle_every_layer(page)
    page.wait_for_timeout(300)
    _assert_all_reached(page, sum(expected_counts(prepared.joined, DAY).values()))
    assert seen.errors == []


def test_areas_are_no_tab_stops_and_controls_come_first(visit, prepared, tmp_path: Path) -> None:
    page = visit(_page(render_date_map(prepared, DAY, self_contained=True), tmp_path / "keys.html")).page
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.tagName + '.' + document.activeElement.className"))
    assert not any(r.lower().startswith("path") for r in reached), reached
    assert any(r.startswith("INPUT.leaflet-control-layers-selector") for r in reached), reached
    assert page.locator("path").count() > 50
    assert page.locator("path.leaflet-interactive:not([tabindex='-1'])").count() == 0, "no area or marker is a tab stop"


def test_markers_clusters_and_controls_have_accessible_names(visit, prepared, tmp_path: Path) -> None:
    page = visit(_page(render_date_map(prepared, DAY, self_contained=True), tmp_path / "names.html"), wait_ms=1000).page
    unnamed = page.evaluate(
        """() => {
        const out = [];
        Object.values(window.protestmapLayers).forEach(g => g.eachLayer(l => {
          const el = l.getElement && l.getElement();
          if (el && !el.getAttribute('aria-label')) out.push(L.stamp(l));
        }));
        document.querySelectorAll('.marker-cluster').forEach(c => { if (!c.title) out.push(c.outerHTML); });
        document.querySelectorAll('input, select, button, a.leaflet-control-zoom-in, a.leaflet-control-zoom-out').forEach(e => {
          const named = e.getAttribute('aria-label') || e.title || (e.labels && e.labels.length) || e.textContent.trim();
          if (!named) out.push(e.outerHTML);
        });
        return out;
      }"""
    )
    assert unnamed == []
    assert page.locator(".marker-cluster").count() >= 1
    assert "incidents here: zoom in" in page.locator(".marker-cluster").first.get_attribute("title")
    assert page.locator("path[aria-label]").count() >= 1


def test_spanish_pages_in_the_browser(visit, prepared, tmp_path: Path) -> None:
    seen = visit(_page(render_date_map(prepared, DAY, self_contained=True, lang="es"), tmp_path / "es.html"))
    page = seen.page
    assert seen.errors == []
    assert page.evaluate("document.documentElement.lang") == "es-PE"
    assert "Perú, 9 de enero de 2023" in page.inner_text("#pm-title")
    assert "Leyenda" in page.inner_text("#pm-legend")
    assert "Muertes acumuladas por departamento" in page.inner_text(".leaflet-control-layers")
    timeline = visit(_page(render_timeline_map(prepared, self_contained=True, lang="es"), tmp_path / "tl-es.html"))
    assert timeline.errors == []
    page = timeline.page
    assert page.inner_text("#pm-play") == "Reproducir"
    page.evaluate(f"window.protestmapTimeline.setDay(window.protestmapTimeline.days.indexOf('{DAY.isoformat()}'))")
    assert page.inner_text("#pm-day") == "9 de enero de 2023"
    assert page.inner_text("#pm-totals").startswith("acumulado: ")


def test_long_popup_scrolls_under_its_title(visit, prepared, tmp_path: Path) -> None:
    from tests.browser.clicks import show

    page = visit(_page(render_date_map(prepared, DAY, self_contained=True), tmp_path / "popup.html"), wait_ms=1000).page
    page.mouse.click(*show(page, "2023-01-09-juliaca-deaths"))
    page.wait_for_timeout(400)
    body = page.locator(".leaflet-popup-content .pm-popup-body")
    assert body.evaluate("e => e.scrollHeight > e.clientHeight + 50"), "the long popup scrolls inside"
    title = page.locator(".leaflet-popup-content .pm-popup-title").bounding_box()
    assert title is not None and title["y"] >= 0 and title["y"] + title["height"] <= 900, "the title is in view"
    body.evaluate("e => { e.scrollTop = e.scrollHeight; }")
    assert page.locator(".leaflet-popup-content .pm-popup-title").bounding_box() == title, "the title stays put"
